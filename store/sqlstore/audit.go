package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// The audit log is append only: the store has no statement that updates
// or deletes it, and each engine's migration adds a trigger that refuses
// both, so that not even a hand-written query can edit history. Its rows
// point at users and incidents by id without foreign keys: an entry
// outlives what it is about.

const auditSelect = "SELECT a.id, a.at, a.actor_id, a.actor, a.address, a.action, a.outcome, a.object_type, " +
	"a.object_id, a.incident_id, a.before, a.after, a.detail FROM audit_log a"

func scanAudit(row rowScanner) (*debrief.AuditEntry, error) {
	var (
		e                 debrief.AuditEntry
		at                int64
		actorID, incident sql.NullInt64
		before, after     sql.NullString
	)
	err := row.Scan(&e.ID, &at, &actorID, &e.Actor, &e.Address, &e.Action, &e.Outcome, &e.ObjectType,
		&e.ObjectID, &incident, &before, &after, &e.Detail)
	if err != nil {
		return nil, err
	}
	e.At, e.ActorID, e.IncidentID = fromMicros(at), actorID.Int64, idPtr(incident)
	e.Before, e.After = rawJSON(before), rawJSON(after)
	return &e, nil
}

// nullJSON stores a document as text, NULL when there is none. The store
// keeps the bytes it is given; it does not check they are JSON.
func nullJSON(m json.RawMessage) sql.NullString {
	if len(m) == 0 {
		return sql.NullString{}
	}
	return sql.NullString{String: string(m), Valid: true}
}

func rawJSON(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}

// AppendAudit adds e to the log and sets its ID, and its At from the
// store's clock when it is zero; At comes back in UTC cut to the
// microsecond. ActorID 0 (the system, or nobody signed in) is stored as
// NULL, as is a nil IncidentID.
func (db *DB) AppendAudit(ctx context.Context, e *debrief.AuditEntry) error {
	at := e.At
	if at.IsZero() {
		at = db.now()
	}
	var id int64
	err := db.write().queryRow(ctx, `INSERT INTO audit_log
		(at, actor_id, actor, address, action, outcome, object_type, object_id, incident_id, before, after, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		toMicros(at), nullID(&e.ActorID), e.Actor, e.Address, e.Action, e.Outcome, e.ObjectType, e.ObjectID,
		nullID(e.IncidentID), nullJSON(e.Before), nullJSON(e.After), e.Detail).Scan(&id)
	if err != nil {
		return wrap("append audit", err)
	}
	e.ID, e.At = id, fromMicros(toMicros(at))
	return nil
}

// FindAudit returns at most f.Limit entries (store.PageLimit) matching f,
// newest (highest id, the order they were appended in) first, or oldest
// first with f.Oldest. AfterID keeps the entries with larger ids, so an
// export pages through the log by passing the last id it got. ActorID 0
// selects the entries of no user (the system, anonymous attempts); Since
// keeps entries at or after that instant.
func (db *DB) FindAudit(ctx context.Context, f debrief.AuditFilter) ([]*debrief.AuditEntry, error) {
	var w where
	if f.IncidentID != nil {
		w.add("a.incident_id = ?", *f.IncidentID)
	}
	if f.ActorID != nil && *f.ActorID == 0 {
		w.add("a.actor_id IS NULL")
	} else if f.ActorID != nil {
		w.add("a.actor_id = ?", *f.ActorID)
	}
	if f.Action != nil {
		w.add("a.action = ?", *f.Action)
	}
	if f.Since != nil {
		w.add("a.at >= ?", toMicros(*f.Since))
	}
	if f.AfterID != 0 {
		w.add("a.id > ?", f.AfterID)
	}
	order := " ORDER BY a.id DESC"
	if f.Oldest {
		order = " ORDER BY a.id"
	}
	args := append(append([]any{}, w.args...), store.PageLimit(f.Limit))
	es, err := queryAll(ctx, db.read(), scanAudit, auditSelect+w.String()+order+" LIMIT ?", args...)
	return es, wrap("find audit", err)
}
