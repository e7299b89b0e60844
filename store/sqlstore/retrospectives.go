package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-oss/debrief"
)

var retrospectiveSelect = "SELECT r.incident_id, r.writer_id, r.template, r.status, r.version, r.created_at, r.updated_at, " +
	personCols("w") + " FROM retrospectives r LEFT JOIN people w ON w.id = r.writer_id"

func retrospectiveName(incidentID int64) string {
	return fmt.Sprintf("Retrospective of incident %d", incidentID)
}

// insertRetrospective stores the retrospective of a new incident and its
// sections, numbered 1, 2, ... in slice order (the template's order), so
// positions are dense and CreateSection's "last + 1" follows on.
func insertRetrospective(ctx context.Context, tx runner, incidentID int64, retro *debrief.Retrospective, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO retrospectives
		(incident_id, writer_id, template, status, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, ?)`,
		incidentID, nullID(retro.WriterID), retro.Template, string(retro.Status), toMicros(now), toMicros(now))
	if err != nil || len(retro.Sections) == 0 {
		return err
	}
	const cols = 10
	args := make([]any, 0, cols*len(retro.Sections))
	for i, s := range retro.Sections {
		args = append(args, incidentID, s.Key, s.Title, s.Kind, i+1, s.Optional, s.Guidance, s.Body, 1, toMicros(now))
	}
	_, err = tx.exec(ctx, `INSERT INTO sections
		(incident_id, key, title, kind, position, optional, guidance, body, version, updated_at)
		VALUES `+rowsOf(cols, len(retro.Sections)), args...)
	return err
}

// FindRetrospective returns the incident's retrospective with its writer
// and its sections in position order.
func (db *DB) FindRetrospective(ctx context.Context, incidentID int64) (*debrief.Retrospective, error) {
	r, err := findRetrospective(ctx, db.read(), incidentID)
	return r, wrap("find retrospective", err)
}

func findRetrospective(ctx context.Context, r runner, incidentID int64) (*debrief.Retrospective, error) {
	var (
		retro            debrief.Retrospective
		writerID         sql.NullInt64
		created, updated int64
		w                personScan
	)
	dest := []any{&retro.IncidentID, &writerID, &retro.Template, &retro.Status, &retro.Version, &created, &updated}
	err := r.queryRow(ctx, retrospectiveSelect+" WHERE r.incident_id = ?", incidentID).Scan(append(dest, w.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(retrospectiveName(incidentID))
	} else if err != nil {
		return nil, err
	}
	retro.WriterID, retro.Writer = idPtr(writerID), w.person()
	retro.CreatedAt, retro.UpdatedAt = fromMicros(created), fromMicros(updated)
	if retro.Sections, err = findSections(ctx, r, incidentID); err != nil {
		return nil, err
	}
	return &retro, nil
}

// UpdateRetrospective writes the retrospective's own fields (writer,
// template, status; not its sections, which have versions of their own) if
// the stored version is r.Version, and leaves r as a read would return it.
func (db *DB) UpdateRetrospective(ctx context.Context, r *debrief.Retrospective) error {
	now := db.now()
	var stored *debrief.Retrospective
	err := db.inTx(ctx, func(tx runner) error {
		t := target{name: retrospectiveName(r.IncidentID), table: "retrospectives", where: "incident_id = ?", args: []any{r.IncidentID}}
		err := updateVersioned(ctx, tx, t, r.Version, "writer_id = ?, template = ?, status = ?, updated_at = ?",
			nullID(r.WriterID), r.Template, string(r.Status), toMicros(now))
		if err != nil {
			return err
		}
		stored, err = findRetrospective(ctx, tx, r.IncidentID)
		return err
	})
	if db.dialect.isForeignKey(err) {
		return wrap("update retrospective", db.missingRef(ctx, err, personRef(r.WriterID, "writer_id")...))
	} else if err != nil {
		return wrap("update retrospective", err)
	}
	*r = *stored
	return nil
}
