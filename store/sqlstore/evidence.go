package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/debrief-oss/debrief"
)

// encodeRefs stores an event's merged references as a JSON array; none is
// the empty string, so that most rows carry nothing.
func encodeRefs(refs []debrief.EventRef) string {
	if len(refs) == 0 {
		return ""
	}
	b, err := json.Marshal(refs)
	if err != nil {
		// A slice of structs of strings always marshals.
		panic(err)
	}
	return string(b)
}

func decodeRefs(s string) ([]debrief.EventRef, error) {
	if s == "" {
		return nil, nil
	}
	var refs []debrief.EventRef
	if err := json.Unmarshal([]byte(s), &refs); err != nil {
		return nil, fmt.Errorf("event refs: %w", err)
	}
	return refs, nil
}

// FindAllEvents returns every event of an incident, hidden ones too, in
// time order: what an import compares its evidence with.
func (db *DB) FindAllEvents(ctx context.Context, incidentID int64) ([]*debrief.Event, error) {
	evs, err := queryAll(ctx, db.read(), scanEvent, eventSelect+" WHERE e.incident_id = ? ORDER BY e.at, e.id", incidentID)
	return evs, wrap("find events", err)
}

// ImportEvents writes one import in one transaction: the new events and
// the existing ones changed by merging (each only at its version). Any
// failure writes nothing. A new event whose source and original id an
// event of the incident already has is ECONFLICT (another import got there
// first).
func (db *DB) ImportEvents(ctx context.Context, creates, updates []*debrief.Event) error {
	now := db.now()
	ids := make([]int64, len(creates))
	var failed *debrief.Event
	var stored []*debrief.Event
	err := db.inTx(ctx, func(tx runner) error {
		for i, ev := range creates {
			if err := insertEvent(ctx, tx, ev, now, &ids[i]); err != nil {
				failed = ev
				return err
			}
		}
		for _, ev := range updates {
			err := updateVersioned(ctx, tx, eventTarget(ev.IncidentID, ev.ID), ev.Version,
				"refs = ?, updated_at = ?", encodeRefs(ev.Refs), toMicros(now))
			if err != nil {
				return err
			}
			s, err := findEvent(ctx, tx, ev.IncidentID, ev.ID)
			if err != nil {
				return err
			}
			stored = append(stored, s)
		}
		return nil
	})
	switch {
	case err != nil && failed != nil && db.dialect.isForeignKey(err):
		return wrap("import events", db.missingRef(ctx, err, incidentRef(failed.IncidentID)))
	case err != nil && failed != nil && db.dialect.isUnique(err):
		return debrief.Errorf(debrief.ECONFLICT, "The event %s %q is already on the timeline (another import?); import again.", failed.Source, failed.OriginalID)
	case err != nil:
		return wrap("import events", err)
	}
	for i, ev := range creates {
		ev.ID, ev.Version, ev.CreatedAt, ev.UpdatedAt = ids[i], 1, now, now
		ev.At = fromMicros(toMicros(ev.At))
	}
	for i, ev := range updates {
		*ev = *stored[i]
	}
	return nil
}

// FindTimelineState returns the incident's timeline sign-off; an incident
// never confirmed has a state with no ConfirmedAt.
func (db *DB) FindTimelineState(ctx context.Context, incidentID int64) (*debrief.TimelineState, error) {
	st := &debrief.TimelineState{IncidentID: incidentID}
	var at sql.NullInt64
	err := db.read().queryRow(ctx, "SELECT confirmed_at, confirmed_by FROM timeline_states WHERE incident_id = ?", incidentID).Scan(&at, &st.ConfirmedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	} else if err != nil {
		return nil, wrap("find timeline state", err)
	}
	st.ConfirmedAt = timePtr(at)
	return st, nil
}

// SetTimelineState stores the incident's timeline sign-off.
func (db *DB) SetTimelineState(ctx context.Context, st *debrief.TimelineState) error {
	now := db.now()
	_, err := db.write().exec(ctx, `INSERT INTO timeline_states (incident_id, confirmed_at, confirmed_by, updated_at)
		VALUES (?, ?, ?, ?)
		ON CONFLICT (incident_id) DO UPDATE SET confirmed_at = excluded.confirmed_at, confirmed_by = excluded.confirmed_by, updated_at = excluded.updated_at`,
		st.IncidentID, nullMicros(st.ConfirmedAt), st.ConfirmedBy, toMicros(now))
	if db.dialect.isForeignKey(err) {
		return wrap("set timeline state", db.missingRef(ctx, err, incidentRef(st.IncidentID)))
	}
	if st.ConfirmedAt != nil {
		t := fromMicros(toMicros(*st.ConfirmedAt))
		st.ConfirmedAt = &t
	}
	return wrap("set timeline state", err)
}
