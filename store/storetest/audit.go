package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func appendAudit(t *testing.T, s store.Store, e *debrief.AuditEntry) *debrief.AuditEntry {
	t.Helper()
	noErr(t, s.AppendAudit(t.Context(), e), "AppendAudit "+e.Action)
	return e
}

func auditIDs(es []*debrief.AuditEntry) []int64 {
	ids := []int64{}
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

func testAuditAppend(t *testing.T, s store.Store) {
	ctx := t.Context()
	e := &debrief.AuditEntry{ActorID: 7, Actor: "ada@example.com", Address: "192.0.2.7", Action: "incident.update",
		Outcome: debrief.AuditOK, ObjectType: "incident", ObjectID: "12", IncidentID: ptr(int64(12)),
		Before: json.RawMessage(`{"title":"Before","n":1}`), After: json.RawMessage(`{"title": "Äfter ✓", "n": 2}`)}
	before := time.Now()
	noErr(t, s.AppendAudit(ctx, e), "AppendAudit")
	after := time.Now()
	if e.ID <= 0 {
		t.Fatalf("appended entry: ID %d", e.ID)
	}
	stamp(t, e.At, before, after, "At set by the store")
	es, err := s.FindAudit(ctx, debrief.AuditFilter{})
	noErr(t, err, "FindAudit")
	same(t, es, []*debrief.AuditEntry{e}, "found entry")
	// The documents come back byte for byte.
	if string(es[0].After) != `{"title": "Äfter ✓", "n": 2}` {
		t.Fatalf("After %s", es[0].After)
	}

	// A given At is kept, in UTC at microseconds; no actor, no incident,
	// no documents.
	denied := &debrief.AuditEntry{At: base, Actor: "anonymous", Action: "session.login", Outcome: debrief.AuditDenied,
		ObjectType: "session", Detail: "bad password"}
	noErr(t, s.AppendAudit(ctx, denied), "AppendAudit denied")
	same(t, denied.At, micro(base), "At as given")
	if denied.ID <= e.ID {
		t.Fatalf("ids %d then %d, want increasing", e.ID, denied.ID)
	}
	es, err = s.FindAudit(ctx, debrief.AuditFilter{})
	noErr(t, err, "FindAudit")
	same(t, es, []*debrief.AuditEntry{denied, e}, "entries, newest first")
	if es[0].IncidentID != nil || es[0].Before != nil || es[0].After != nil || es[0].ActorID != 0 {
		t.Fatalf("empty fields: %s", dump(es[0]))
	}
}

func testAuditFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc1, inc2 := ptr(int64(1)), ptr(int64(2))
	t0 := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	entry := func(at time.Duration, actor int64, action string, incident *int64) *debrief.AuditEntry {
		name := "system"
		if actor != 0 {
			name = "user"
		}
		return appendAudit(t, s, &debrief.AuditEntry{At: t0.Add(at), ActorID: actor, Actor: name, Action: action,
			Outcome: debrief.AuditOK, ObjectType: "incident", ObjectID: "x", IncidentID: incident})
	}
	a := entry(0, 7, "incident.create", inc1)
	b := entry(time.Minute, 7, "event.create", inc1)
	c := entry(2*time.Minute, 8, "incident.create", inc2)
	d := entry(3*time.Minute, 0, "session.login", nil)
	// Appended later but stamped earlier: the order is the log's, by id.
	e := entry(-time.Hour, 8, "event.create", inc1)

	cases := []struct {
		name string
		f    debrief.AuditFilter
		want []*debrief.AuditEntry
	}{
		{"all, newest first", debrief.AuditFilter{}, []*debrief.AuditEntry{e, d, c, b, a}},
		{"incident", debrief.AuditFilter{IncidentID: inc1}, []*debrief.AuditEntry{e, b, a}},
		{"incident with none", debrief.AuditFilter{IncidentID: ptr(int64(3))}, []*debrief.AuditEntry{}},
		{"actor", debrief.AuditFilter{ActorID: ptr(int64(8))}, []*debrief.AuditEntry{e, c}},
		{"no actor", debrief.AuditFilter{ActorID: ptr(int64(0))}, []*debrief.AuditEntry{d}},
		{"action", debrief.AuditFilter{Action: ptr("incident.create")}, []*debrief.AuditEntry{c, a}},
		{"action is exact", debrief.AuditFilter{Action: ptr("incident")}, []*debrief.AuditEntry{}},
		{"since, inclusive", debrief.AuditFilter{Since: ptr(t0.Add(time.Minute).In(paris))}, []*debrief.AuditEntry{d, c, b}},
		{"combined", debrief.AuditFilter{IncidentID: inc1, ActorID: ptr(int64(7)), Action: ptr("event.create")}, []*debrief.AuditEntry{b}},
		{"limit", debrief.AuditFilter{Limit: 2}, []*debrief.AuditEntry{e, d}},
		{"limit with filter", debrief.AuditFilter{IncidentID: inc1, Limit: 1}, []*debrief.AuditEntry{e}},
		// Oldest: oldest first, from after AfterID.
		{"oldest", debrief.AuditFilter{Oldest: true}, []*debrief.AuditEntry{a, b, c, d, e}},
		{"oldest after", debrief.AuditFilter{Oldest: true, AfterID: b.ID}, []*debrief.AuditEntry{c, d, e}},
		{"oldest after, limited", debrief.AuditFilter{Oldest: true, AfterID: a.ID, Limit: 2}, []*debrief.AuditEntry{b, c}},
		{"oldest after, filtered", debrief.AuditFilter{Oldest: true, AfterID: a.ID, IncidentID: inc1}, []*debrief.AuditEntry{b, e}},
		{"oldest after the last", debrief.AuditFilter{Oldest: true, AfterID: e.ID}, []*debrief.AuditEntry{}},
		// AfterID without Oldest: larger ids only, newest first.
		{"newest after", debrief.AuditFilter{AfterID: b.ID}, []*debrief.AuditEntry{e, d, c}},
	}
	for _, c := range cases {
		got, err := s.FindAudit(ctx, c.f)
		noErr(t, err, "FindAudit "+c.name)
		same(t, auditIDs(got), auditIDs(c.want), c.name)
	}
	got, err := s.FindAudit(ctx, debrief.AuditFilter{IncidentID: inc2})
	noErr(t, err, "FindAudit")
	same(t, got, []*debrief.AuditEntry{c}, "found entries")

	// Paging an export oldest first visits every entry once, in order.
	var seen []int64
	for after := int64(0); ; {
		page, err := s.FindAudit(ctx, debrief.AuditFilter{Oldest: true, AfterID: after, Limit: 2})
		noErr(t, err, "FindAudit page")
		if len(page) == 0 {
			break
		}
		seen = append(seen, auditIDs(page)...)
		after = page[len(page)-1].ID
	}
	same(t, seen, auditIDs([]*debrief.AuditEntry{a, b, c, d, e}), "exported ids")
}

// The default page is store.DefaultLimit entries, and the cap
// store.MaxLimit.
func testAuditLimits(t *testing.T, s store.Store) {
	ctx := t.Context()
	for i := range store.DefaultLimit + 5 {
		appendAudit(t, s, &debrief.AuditEntry{Actor: "system", Action: "demo.load", Outcome: debrief.AuditOK,
			ObjectType: "event", ObjectID: strings.Repeat("x", i%3)})
	}
	got, err := s.FindAudit(ctx, debrief.AuditFilter{})
	noErr(t, err, "FindAudit")
	if len(got) != store.DefaultLimit {
		t.Fatalf("%d entries with the default limit, want %d", len(got), store.DefaultLimit)
	}
	got, err = s.FindAudit(ctx, debrief.AuditFilter{Limit: store.MaxLimit + 1})
	noErr(t, err, "FindAudit")
	if len(got) != store.DefaultLimit+5 {
		t.Fatalf("%d entries, want all %d", len(got), store.DefaultLimit+5)
	}
}

// Deleting an incident leaves its history: audit entries have no foreign
// key to it.
func testAuditOutlivesIncident(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Short-lived")
	created := appendAudit(t, s, &debrief.AuditEntry{Actor: "system", Action: "incident.create", Outcome: debrief.AuditOK,
		ObjectType: "incident", ObjectID: "1", IncidentID: &inc.ID, After: json.RawMessage(`{}`)})
	noErr(t, s.DeleteIncident(ctx, inc.ID), "DeleteIncident with audit entries")
	deleted := appendAudit(t, s, &debrief.AuditEntry{Actor: "system", Action: "incident.delete", Outcome: debrief.AuditOK,
		ObjectType: "incident", ObjectID: "1", IncidentID: &inc.ID, Before: json.RawMessage(`{}`)})
	got, err := s.FindAudit(ctx, debrief.AuditFilter{IncidentID: &inc.ID})
	noErr(t, err, "FindAudit")
	same(t, got, []*debrief.AuditEntry{deleted, created}, "history of a deleted incident")
	// And of a user that never existed (ids are not checked).
	appendAudit(t, s, &debrief.AuditEntry{ActorID: 4242, Actor: "gone@example.com", Action: "session.login",
		Outcome: debrief.AuditDenied, ObjectType: "session"})
}

// AuditAppendOnly checks that the database itself refuses to change or
// remove audit entries, whoever asks: exec runs one statement of raw SQL on
// the database s keeps its data in, outside the store (an engine's test
// opens its own connection for it). The suite cannot reach past the
// store.Store interface, so every engine's tests call this besides Run.
func AuditAppendOnly(t *testing.T, s store.Store, exec func(ctx context.Context, query string) error) {
	ctx := t.Context()
	noErr(t, s.Migrate(ctx), "Migrate")
	inc := newIncident(t, s, "Audited")
	e := appendAudit(t, s, &debrief.AuditEntry{ActorID: 1, Actor: "ada@example.com", Action: "incident.create",
		Outcome: debrief.AuditOK, ObjectType: "incident", ObjectID: "1", IncidentID: &inc.ID, After: json.RawMessage(`{"a":1}`)})

	// The raw connection works, and reaches the store's tables.
	noErr(t, exec(ctx, "INSERT INTO audit_log (at, actor, address, action, outcome, object_type, object_id, detail) "+
		"VALUES (0, 'raw', '', 'raw.insert', 'ok', 'none', '', '')"), "raw INSERT into audit_log")
	all, err := s.FindAudit(ctx, debrief.AuditFilter{})
	noErr(t, err, "FindAudit")
	if len(all) != 2 {
		t.Fatalf("%d entries after a raw insert, want 2", len(all))
	}

	for _, q := range []string{
		"UPDATE audit_log SET detail = 'tampered'",
		"UPDATE audit_log SET actor = 'someone else' WHERE action = 'incident.create'",
		"DELETE FROM audit_log",
		"DELETE FROM audit_log WHERE action = 'incident.create'",
	} {
		if err := exec(ctx, q); err == nil {
			t.Fatalf("%s: succeeded on the append-only audit log", q)
		} else if !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: failed for another reason: %v", q, err)
		}
	}
	got, err := s.FindAudit(ctx, debrief.AuditFilter{})
	noErr(t, err, "FindAudit")
	same(t, got, all, "entries after refused changes")
	same(t, got[1], e, "entry after refused changes")

	// Other tables are not affected, and an incident with history still goes.
	noErr(t, exec(ctx, "UPDATE incidents SET title = 'raw'"), "raw UPDATE of incidents")
	noErr(t, s.DeleteIncident(ctx, inc.ID), "DeleteIncident")
	got, err = s.FindAudit(ctx, debrief.AuditFilter{IncidentID: &inc.ID})
	noErr(t, err, "FindAudit")
	same(t, got, []*debrief.AuditEntry{e}, "history of the deleted incident")
}
