package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/debrief-oss/debrief"
)

const sectionSelect = "SELECT s.key, s.title, s.kind, s.position, s.optional, s.guidance, s.body, s.version, s.updated_at FROM sections s"

func scanSection(row rowScanner) (*debrief.Section, error) {
	var s debrief.Section
	var updated int64
	if err := row.Scan(&s.Key, &s.Title, &s.Kind, &s.Position, &s.Optional, &s.Guidance, &s.Body, &s.Version, &updated); err != nil {
		return nil, err
	}
	s.UpdatedAt = fromMicros(updated)
	return &s, nil
}

func sectionName(key string) string { return fmt.Sprintf("Section %q", key) }

func sectionExists(key string) error {
	return &debrief.Error{Code: debrief.ECONFLICT, Field: "key",
		Message: fmt.Sprintf("A section with the key %q already exists.", key)}
}

func sectionTarget(incidentID int64, key string) target {
	return target{name: sectionName(key), table: "sections", where: "incident_id = ? AND key = ?", args: []any{incidentID, key}}
}

func findSections(ctx context.Context, r runner, incidentID int64) ([]*debrief.Section, error) {
	return queryAll(ctx, r, scanSection, sectionSelect+" WHERE s.incident_id = ? ORDER BY s.position, s.key", incidentID)
}

// FindSection returns one section of the incident's retrospective.
func (db *DB) FindSection(ctx context.Context, incidentID int64, key string) (*debrief.Section, error) {
	s, err := findSection(ctx, db.read(), incidentID, key)
	return s, wrap("find section", err)
}

func findSection(ctx context.Context, r runner, incidentID int64, key string) (*debrief.Section, error) {
	s, err := scanSection(r.queryRow(ctx, sectionSelect+" WHERE s.incident_id = ? AND s.key = ?", incidentID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(sectionName(key))
	}
	return s, err
}

// CreateSection appends s to the retrospective: Position = last + 1, 1 for
// the first. It sets Position, Version and UpdatedAt on s.
func (db *DB) CreateSection(ctx context.Context, incidentID int64, s *debrief.Section) error {
	now := db.now()
	var position int
	err := db.inTx(ctx, func(tx runner) error {
		// Lock the retrospective so that two appends cannot both read the
		// same last position (PostgreSQL; on SQLite the transaction holds
		// the write lock already). It also tells a missing one.
		var one int
		err := tx.queryRow(ctx, "SELECT 1 FROM retrospectives WHERE incident_id = ?"+tx.d.ForUpdate, incidentID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(retrospectiveName(incidentID))
		} else if err != nil {
			return err
		}
		err = tx.queryRow(ctx, "SELECT COALESCE(MAX(position), 0) + 1 FROM sections WHERE incident_id = ?", incidentID).Scan(&position)
		if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO sections
			(incident_id, key, title, kind, position, optional, guidance, body, version, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
			incidentID, s.Key, s.Title, s.Kind, position, s.Optional, s.Guidance, s.Body, toMicros(now))
		return err
	})
	if db.dialect.isUnique(err) {
		return sectionExists(s.Key)
	} else if err != nil {
		return wrap("create section", err)
	}
	s.Position, s.Version, s.UpdatedAt = position, 1, now
	return nil
}

// UpdateSection writes the section's title, kind, optional flag, guidance
// and body if the stored version is s.Version. Position is the store's, set
// by CreateSection, and is not written; s gets the stored one back.
func (db *DB) UpdateSection(ctx context.Context, incidentID int64, s *debrief.Section) error {
	now := db.now()
	var stored *debrief.Section
	err := db.inTx(ctx, func(tx runner) error {
		err := updateVersioned(ctx, tx, sectionTarget(incidentID, s.Key), s.Version,
			"title = ?, kind = ?, optional = ?, guidance = ?, body = ?, updated_at = ?",
			s.Title, s.Kind, s.Optional, s.Guidance, s.Body, toMicros(now))
		if err != nil {
			return err
		}
		stored, err = findSection(ctx, tx, incidentID, s.Key)
		return err
	})
	if err != nil {
		return wrap("update section", err)
	}
	*s = *stored
	return nil
}

// DeleteSection deletes the section. Which sections may go is the rules
// layer's to decide; the store deletes any.
func (db *DB) DeleteSection(ctx context.Context, incidentID int64, key string) error {
	return wrap("delete section", deleteRow(ctx, db.write(), sectionTarget(incidentID, key)))
}
