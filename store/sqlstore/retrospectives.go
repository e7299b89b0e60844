package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/debrief-oss/debrief"
)

var retrospectiveSelect = "SELECT r.incident_id, r.writer_id, r.template, r.template_team, r.template_version, r.status, r.restricted, r.version, r.created_at, r.updated_at, " +
	personCols("w") + " FROM retrospectives r LEFT JOIN people w ON w.id = r.writer_id"

func retrospectiveName(incidentID int64) string {
	return fmt.Sprintf("Retrospective of incident %d", incidentID)
}

// retrospectiveRefs are the rows a retrospective points at, in the order a
// missing one is reported: the writer (a person), then the readers (users).
func retrospectiveRefs(r *debrief.Retrospective) []ref {
	refs := personRef(r.WriterID, "writer_id")
	for i, id := range r.Readers {
		refs = append(refs, ref{name: userName(id), table: "users", id: id, field: fmt.Sprintf("readers[%d]", i)})
	}
	return refs
}

// writeReaders replaces the retrospective's readers with ids, a set: the
// order and any repeats of ids are not kept (reads list them by id).
func writeReaders(ctx context.Context, tx runner, incidentID int64, ids []int64) error {
	if _, err := tx.exec(ctx, "DELETE FROM retrospective_readers WHERE incident_id = ?", incidentID); err != nil {
		return err
	}
	set := slices.Clone(ids)
	slices.Sort(set)
	set = slices.Compact(set)
	if len(set) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(set))
	for _, id := range set {
		args = append(args, incidentID, id)
	}
	_, err := tx.exec(ctx, "INSERT INTO retrospective_readers (incident_id, user_id) VALUES "+rowsOf(2, len(set)), args...)
	return err
}

// insertRetrospective stores the retrospective of a new incident and its
// sections, numbered 1, 2, ... in slice order (the template's order), so
// positions are dense and CreateSection's "last + 1" follows on.
func insertRetrospective(ctx context.Context, tx runner, incidentID int64, retro *debrief.Retrospective, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO retrospectives
		(incident_id, writer_id, template, template_team, template_version, status, restricted, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
		incidentID, nullID(retro.WriterID), retro.Template, retro.TemplateTeam, max(retro.TemplateVersion, 1), string(retro.Status), retro.Restricted, toMicros(now), toMicros(now))
	if err != nil {
		return err
	}
	if err := writeReaders(ctx, tx, incidentID, retro.Readers); err != nil || len(retro.Sections) == 0 {
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

// FindRetrospective returns the incident's retrospective with its writer,
// its readers (user ids, ascending; empty, not nil, when there are none)
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
	dest := []any{&retro.IncidentID, &writerID, &retro.Template, &retro.TemplateTeam, &retro.TemplateVersion, &retro.Status, &retro.Restricted, &retro.Version, &created, &updated}
	err := r.queryRow(ctx, retrospectiveSelect+" WHERE r.incident_id = ?", incidentID).Scan(append(dest, w.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(retrospectiveName(incidentID))
	} else if err != nil {
		return nil, err
	}
	retro.WriterID, retro.Writer = idPtr(writerID), w.person()
	retro.CreatedAt, retro.UpdatedAt = fromMicros(created), fromMicros(updated)
	retro.Readers, err = queryAll(ctx, r, scanInt64,
		"SELECT user_id FROM retrospective_readers WHERE incident_id = ? ORDER BY user_id", incidentID)
	if err != nil {
		return nil, err
	}
	if retro.Sections, err = findSections(ctx, r, incidentID); err != nil {
		return nil, err
	}
	return &retro, nil
}

// UpdateRetrospective writes the retrospective's own fields (writer,
// template, status, restricted, and its readers, replaced as a whole; not
// its sections, which have versions of their own) if the stored version is
// r.Version, and leaves r as a read would return it. A missing writer or
// reader is ENOTFOUND naming "writer_id" or "readers[i]", and nothing is
// written.
func (db *DB) UpdateRetrospective(ctx context.Context, r *debrief.Retrospective) error {
	now := db.now()
	var stored *debrief.Retrospective
	err := db.inTx(ctx, func(tx runner) error {
		t := target{name: retrospectiveName(r.IncidentID), table: "retrospectives", where: "incident_id = ?", args: []any{r.IncidentID}}
		err := updateVersioned(ctx, tx, t, r.Version, "writer_id = ?, template = ?, template_team = ?, template_version = ?, status = ?, restricted = ?, updated_at = ?",
			nullID(r.WriterID), r.Template, r.TemplateTeam, max(r.TemplateVersion, 1), string(r.Status), r.Restricted, toMicros(now))
		if err != nil {
			return err
		}
		if err := writeReaders(ctx, tx, r.IncidentID, r.Readers); err != nil {
			return err
		}
		stored, err = findRetrospective(ctx, tx, r.IncidentID)
		return err
	})
	if db.dialect.isForeignKey(err) {
		return wrap("update retrospective", db.missingRef(ctx, err, retrospectiveRefs(r)...))
	} else if err != nil {
		return wrap("update retrospective", err)
	}
	*r = *stored
	return nil
}

func scanInt64(row rowScanner) (int64, error) {
	var v int64
	err := row.Scan(&v)
	return v, err
}
