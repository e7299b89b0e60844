package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-oss/debrief"
)

const eventSelect = "SELECT e.id, e.incident_id, e.at, e.text, e.source, e.author, e.url, e.kind, " +
	"e.starred, e.hidden, e.original_id, e.alert_key, e.refs, e.tag, e.version, e.created_at, e.updated_at FROM events e"

func scanEvent(row rowScanner) (*debrief.Event, error) {
	var ev debrief.Event
	var at, created, updated int64
	var refs string
	err := row.Scan(&ev.ID, &ev.IncidentID, &at, &ev.Text, &ev.Source, &ev.Author, &ev.URL, &ev.Kind,
		&ev.Starred, &ev.Hidden, &ev.OriginalID, &ev.AlertKey, &refs, &ev.Tag, &ev.Version, &created, &updated)
	if err != nil {
		return nil, err
	}
	if ev.Refs, err = decodeRefs(refs); err != nil {
		return nil, err
	}
	ev.At, ev.CreatedAt, ev.UpdatedAt = fromMicros(at), fromMicros(created), fromMicros(updated)
	return &ev, nil
}

func eventTarget(incidentID, id int64) target {
	return target{name: fmt.Sprintf("Event %d", id), table: "events", where: "incident_id = ? AND id = ?", args: []any{incidentID, id}}
}

// CreateEvent stores ev in its incident's timeline and sets its ID,
// Version and times; At comes back in UTC, cut to the microsecond.
func (db *DB) CreateEvent(ctx context.Context, ev *debrief.Event) error {
	return db.CreateEvents(ctx, []*debrief.Event{ev})
}

// CreateEvents stores events in one transaction, so that an import of a
// long timeline is one write, and either all of it or none.
func (db *DB) CreateEvents(ctx context.Context, evs []*debrief.Event) error {
	now := db.now()
	ids := make([]int64, len(evs))
	var failed *debrief.Event
	err := db.inTx(ctx, func(tx runner) error {
		for i, ev := range evs {
			if err := insertEvent(ctx, tx, ev, now, &ids[i]); err != nil {
				failed = ev
				return err
			}
		}
		return nil
	})
	if db.dialect.isForeignKey(err) && failed != nil {
		return wrap("create event", db.missingRef(ctx, err, incidentRef(failed.IncidentID)))
	} else if err != nil {
		return wrap("create event", err)
	}
	for i, ev := range evs {
		ev.ID, ev.Version, ev.CreatedAt, ev.UpdatedAt = ids[i], 1, now, now
		ev.At = fromMicros(toMicros(ev.At))
	}
	return nil
}

func insertEvent(ctx context.Context, r runner, ev *debrief.Event, now time.Time, id *int64) error {
	return r.queryRow(ctx, `INSERT INTO events
		(incident_id, at, text, source, author, url, kind, starred, hidden, original_id, alert_key, refs, tag, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
		ev.IncidentID, toMicros(ev.At), ev.Text, ev.Source, ev.Author, ev.URL, ev.Kind, ev.Starred, ev.Hidden,
		ev.OriginalID, ev.AlertKey, encodeRefs(ev.Refs), ev.Tag, toMicros(now), toMicros(now)).Scan(id)
}

// FindEventByID returns one event of the incident.
func (db *DB) FindEventByID(ctx context.Context, incidentID, id int64) (*debrief.Event, error) {
	ev, err := findEvent(ctx, db.read(), incidentID, id)
	return ev, wrap("find event", err)
}

func findEvent(ctx context.Context, r runner, incidentID, id int64) (*debrief.Event, error) {
	ev, err := scanEvent(r.queryRow(ctx, eventSelect+" WHERE e.incident_id = ? AND e.id = ?", incidentID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("Event %d", id))
	}
	return ev, err
}

// FindEvents returns a page of the incident's timeline in time order (at,
// then id), hidden events left out unless IncludeHidden. An incident that
// does not exist has an empty timeline. One query for the page, one for the
// total, both on the (incident_id, at, id) index.
func (db *DB) FindEvents(ctx context.Context, f debrief.EventFilter) ([]*debrief.Event, int, error) {
	var w where
	w.add("e.incident_id = ?", f.IncidentID)
	if !f.IncludeHidden {
		w.add("NOT e.hidden")
	}
	if f.Starred != nil {
		w.add("e.starred = ?", *f.Starred)
	}
	if f.Kind != nil {
		w.add("e.kind = ?", *f.Kind)
	}
	if f.Source != nil {
		w.add("e.source = ?", *f.Source)
	}
	if f.Author != nil {
		w.add("e.author = ?", *f.Author)
	}
	if f.Tag != nil {
		w.add("e.tag = ?", *f.Tag)
	}
	events, total, err := findPage(ctx, db.read(), scanEvent, eventSelect, "events e", &w, "e.at, e.id", f.Offset, f.Limit)
	return events, total, wrap("find events", err)
}

// UpdateEvent writes ev if the stored version is ev.Version; the event is
// found by ev.IncidentID and ev.ID together, so an event cannot be moved to
// another incident or reached through the wrong one.
func (db *DB) UpdateEvent(ctx context.Context, ev *debrief.Event) error {
	now := db.now()
	var stored *debrief.Event
	err := db.inTx(ctx, func(tx runner) error {
		err := updateVersioned(ctx, tx, eventTarget(ev.IncidentID, ev.ID), ev.Version,
			"at = ?, text = ?, source = ?, author = ?, url = ?, kind = ?, starred = ?, hidden = ?, original_id = ?, alert_key = ?, refs = ?, tag = ?, updated_at = ?",
			toMicros(ev.At), ev.Text, ev.Source, ev.Author, ev.URL, ev.Kind, ev.Starred, ev.Hidden,
			ev.OriginalID, ev.AlertKey, encodeRefs(ev.Refs), ev.Tag, toMicros(now))
		if err != nil {
			return err
		}
		stored, err = findEvent(ctx, tx, ev.IncidentID, ev.ID)
		return err
	})
	if err != nil {
		return wrap("update event", err)
	}
	*ev = *stored
	return nil
}

// DeleteEvent deletes one event of the incident.
func (db *DB) DeleteEvent(ctx context.Context, incidentID, id int64) error {
	return wrap("delete event", deleteRow(ctx, db.write(), eventTarget(incidentID, id)))
}
