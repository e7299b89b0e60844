package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testEvidenceImport(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Evidence")
	a := &debrief.Event{IncidentID: inc.ID, At: base, Text: "Firing", Source: "alertmanager", Kind: debrief.EventAlert,
		OriginalID: "f1/firing", AlertKey: "f1#trigger", Tag: debrief.TagDetection}
	b := &debrief.Event{IncidentID: inc.ID, At: base.Add(time.Minute), Text: "ack", Source: "pagerduty", Kind: debrief.EventPage, OriginalID: "R1"}
	noErr(t, s.ImportEvents(ctx, []*debrief.Event{a, b}, nil), "ImportEvents")
	if a.ID == 0 || a.Version != 1 || b.ID == 0 {
		t.Fatalf("created: %+v %+v", a, b)
	}
	got, err := s.FindEventByID(ctx, inc.ID, a.ID)
	noErr(t, err, "FindEventByID")
	same(t, got, a, "imported event with original id, alert key and tag")

	// Merging another source's copy: refs written at the version, nothing else.
	a.Refs = []debrief.EventRef{{Source: "opsgenie", OriginalID: "og-1", URL: "https://app.opsgenie.com/alert/detail/og-1/details"}}
	a.Text = "not written by a merge"
	noErr(t, s.ImportEvents(ctx, nil, []*debrief.Event{a}), "ImportEvents merge")
	if a.Version != 2 || a.Text != "Firing" || len(a.Refs) != 1 || a.Refs[0].Source != "opsgenie" {
		t.Fatalf("merged: %+v", a)
	}
	all, err := s.FindAllEvents(ctx, inc.ID)
	noErr(t, err, "FindAllEvents")
	if len(all) != 2 || all[0].ID != a.ID || len(all[0].Refs) != 1 {
		t.Fatalf("all events: %+v", all)
	}

	// The same source and original id twice in one incident is a conflict;
	// in another incident it is fine.
	dup := &debrief.Event{IncidentID: inc.ID, At: base, Text: "again", Source: "pagerduty", Kind: debrief.EventPage, OriginalID: "R1"}
	wantCode(t, s.ImportEvents(ctx, []*debrief.Event{dup}, nil), debrief.ECONFLICT, "duplicate original id")
	other := newIncident(t, s, "Other")
	dup.IncidentID = other.ID
	noErr(t, s.ImportEvents(ctx, []*debrief.Event{dup}, nil), "same original id in another incident")
	// Events typed in have no original id, and any number may.
	newEvent(t, s, inc.ID, base, "typed")
	newEvent(t, s, inc.ID, base, "typed too")

	stale := *all[0]
	stale.Version = 1
	wantCode(t, s.ImportEvents(ctx, nil, []*debrief.Event{&stale}), debrief.ECONFLICT, "merge into a stale version")
	wantCode(t, s.ImportEvents(ctx, []*debrief.Event{{IncidentID: 9999, At: base, Text: "x", Source: "s", Kind: debrief.EventNote}}, nil), debrief.ENOTFOUND, "missing incident")
}

func testEvidenceImportIsAtomic(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Atomic import")
	first := newEvent(t, s, inc.ID, base, "first")
	evs := []*debrief.Event{
		{IncidentID: inc.ID, At: base, Text: "one", Source: "slack", Kind: debrief.EventMessage, OriginalID: "C1/1.1"},
		{IncidentID: inc.ID, At: base, Text: "two", Source: "slack", Kind: debrief.EventMessage, OriginalID: "C1/1.2"},
		{IncidentID: inc.ID, At: base, Text: "dup", Source: "slack", Kind: debrief.EventMessage, OriginalID: "C1/1.1"},
	}
	first.Refs = []debrief.EventRef{{Source: "slack", OriginalID: "C1/9"}}
	wantCode(t, s.ImportEvents(ctx, evs, []*debrief.Event{first}), debrief.ECONFLICT, "import with a duplicate")
	all, err := s.FindAllEvents(ctx, inc.ID)
	noErr(t, err, "FindAllEvents")
	if len(all) != 1 || all[0].Version != 1 || len(all[0].Refs) != 0 {
		t.Fatalf("a failed import wrote: %+v", all)
	}
}

func testEvidenceFilters(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Filters")
	noErr(t, s.ImportEvents(ctx, []*debrief.Event{
		{IncidentID: inc.ID, At: base, Text: "a", Source: "slack", Author: "Ann", Kind: debrief.EventMessage, Tag: debrief.TagDiagnosis},
		{IncidentID: inc.ID, At: base, Text: "b", Source: "slack", Author: "Bob", Kind: debrief.EventMessage},
		{IncidentID: inc.ID, At: base, Text: "c", Source: "pagerduty", Author: "Ann", Kind: debrief.EventPage, Tag: debrief.TagDiagnosis},
	}, nil), "ImportEvents")
	count := func(f debrief.EventFilter) int {
		f.IncidentID = inc.ID
		_, n, err := s.FindEvents(ctx, f)
		noErr(t, err, "FindEvents")
		return n
	}
	slack, ann, diag, none := "slack", "Ann", debrief.TagDiagnosis, ""
	if n := count(debrief.EventFilter{Source: &slack}); n != 2 {
		t.Errorf("source: %d", n)
	}
	if n := count(debrief.EventFilter{Author: &ann}); n != 2 {
		t.Errorf("author: %d", n)
	}
	if n := count(debrief.EventFilter{Tag: &diag, Source: &slack}); n != 1 {
		t.Errorf("tag and source: %d", n)
	}
	if n := count(debrief.EventFilter{Tag: &none}); n != 1 {
		t.Errorf("untagged: %d", n)
	}
}

func testTimelineState(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Confirm")
	st, err := s.FindTimelineState(ctx, inc.ID)
	noErr(t, err, "FindTimelineState")
	if st.ConfirmedAt != nil || st.IncidentID != inc.ID {
		t.Fatalf("never confirmed: %+v", st)
	}
	at := base.Add(time.Hour + 5*time.Nanosecond)
	noErr(t, s.SetTimelineState(ctx, &debrief.TimelineState{IncidentID: inc.ID, ConfirmedAt: &at, ConfirmedBy: "Ann"}), "confirm")
	st, err = s.FindTimelineState(ctx, inc.ID)
	noErr(t, err, "FindTimelineState")
	if st.ConfirmedAt == nil || !st.ConfirmedAt.Equal(micro(at)) || st.ConfirmedBy != "Ann" {
		t.Fatalf("confirmed: %+v", st)
	}
	noErr(t, s.SetTimelineState(ctx, &debrief.TimelineState{IncidentID: inc.ID, ConfirmedBy: "Bob"}), "unconfirm")
	st, _ = s.FindTimelineState(ctx, inc.ID)
	if st.ConfirmedAt != nil || st.ConfirmedBy != "Bob" {
		t.Fatalf("unconfirmed: %+v", st)
	}
	wantCode(t, s.SetTimelineState(ctx, &debrief.TimelineState{IncidentID: 9999}), debrief.ENOTFOUND, "missing incident")
	noErr(t, s.DeleteIncident(ctx, inc.ID), "DeleteIncident cascades")
}
