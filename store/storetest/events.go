package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testEventCreateFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Timeline")
	ev := &debrief.Event{
		IncidentID: inc.ID, At: base.Add(987 * time.Nanosecond), Text: "Pager went off", Source: "pagerduty",
		Author: "PagerDuty", URL: "https://example.pagerduty.com/incidents/P123", Kind: debrief.EventPage,
		Starred: true,
	}
	before := time.Now()
	noErr(t, s.CreateEvent(ctx, ev), "CreateEvent")
	after := time.Now()
	if ev.ID <= 0 || ev.Version != 1 {
		t.Fatalf("created event: ID %d, Version %d", ev.ID, ev.Version)
	}
	stamp(t, ev.CreatedAt, before, after, "CreatedAt")
	same(t, ev.UpdatedAt, ev.CreatedAt, "UpdatedAt")
	same(t, ev.At, micro(base.Add(987*time.Nanosecond)), "At in UTC, to the microsecond")

	got, err := s.FindEventByID(ctx, inc.ID, ev.ID)
	noErr(t, err, "FindEventByID")
	same(t, got, ev, "found event")

	_, err = s.FindEventByID(ctx, inc.ID, ev.ID+1000)
	wantCode(t, err, debrief.ENOTFOUND, "FindEventByID of a missing event")
	other := newIncident(t, s, "Other")
	_, err = s.FindEventByID(ctx, other.ID, ev.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindEventByID through another incident")
}

func testEventMissingIncident(t *testing.T, s store.Store) {
	ctx := t.Context()
	err := s.CreateEvent(ctx, &debrief.Event{IncidentID: 777, At: base, Text: "orphan", Kind: debrief.EventNote})
	wantCode(t, err, debrief.ENOTFOUND, "CreateEvent for a missing incident")
	if msg := debrief.ErrorMessage(err); msg != "Incident 777 not found." {
		t.Fatalf("message %q", msg)
	}
	evs, n, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: 777, IncludeHidden: true})
	noErr(t, err, "FindEvents of a missing incident")
	if len(evs) != 0 || n != 0 || evs == nil {
		t.Fatalf("FindEvents of a missing incident: %v total %d, want an empty list", evs, n)
	}
}

func testEventTimeOrder(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Order")
	other := newIncident(t, s, "Other")
	// Created out of order; two share an instant and keep creation order.
	newEvent(t, s, inc.ID, base.Add(3*time.Minute), "fourth")
	newEvent(t, s, inc.ID, base.Add(time.Minute), "second")
	newEvent(t, s, other.ID, base.Add(2*time.Minute), "other incident")
	newEvent(t, s, inc.ID, base.Add(-time.Hour), "first")
	newEvent(t, s, inc.ID, base.Add(time.Minute), "third")
	// One microsecond later is later: the order is kept at full precision.
	newEvent(t, s, inc.ID, base.Add(3*time.Minute+time.Microsecond), "fifth")
	newEvent(t, s, inc.ID, base.Add(3*time.Minute-time.Microsecond), "almost fourth")

	evs, n, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID})
	noErr(t, err, "FindEvents")
	same(t, eventTexts(evs), []string{"first", "second", "third", "almost fourth", "fourth", "fifth"}, "timeline order")
	if n != 6 {
		t.Fatalf("total %d, want 6", n)
	}
}

func testEventFilters(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Filters")
	other := newIncident(t, s, "Other")
	at := base
	add := func(text string, kind string, starred, hidden bool) {
		at = at.Add(time.Minute)
		newEvent(t, s, inc.ID, at, text, func(e *debrief.Event) { e.Kind, e.Starred, e.Hidden = kind, starred, hidden })
	}
	add("alert", debrief.EventAlert, true, false)
	add("chatter", debrief.EventMessage, false, true)
	add("deploy", debrief.EventDeploy, true, false)
	add("note", debrief.EventNote, false, false)
	add("starred chatter", debrief.EventMessage, true, true)
	add("message", debrief.EventMessage, false, false)
	newEvent(t, s, other.ID, base, "other", func(e *debrief.Event) { e.Kind = debrief.EventMessage })

	cases := []struct {
		name string
		f    debrief.EventFilter
		want []string
	}{
		{"visible", debrief.EventFilter{}, []string{"alert", "deploy", "note", "message"}},
		{"with hidden", debrief.EventFilter{IncludeHidden: true}, []string{"alert", "chatter", "deploy", "note", "starred chatter", "message"}},
		{"starred", debrief.EventFilter{Starred: ptr(true)}, []string{"alert", "deploy"}},
		{"starred with hidden", debrief.EventFilter{Starred: ptr(true), IncludeHidden: true}, []string{"alert", "deploy", "starred chatter"}},
		{"not starred", debrief.EventFilter{Starred: ptr(false)}, []string{"note", "message"}},
		{"kind", debrief.EventFilter{Kind: ptr(debrief.EventMessage)}, []string{"message"}},
		{"kind with hidden", debrief.EventFilter{Kind: ptr(debrief.EventMessage), IncludeHidden: true}, []string{"chatter", "starred chatter", "message"}},
		{"kind none", debrief.EventFilter{Kind: ptr(debrief.EventMilestone)}, []string{}},
	}
	for _, c := range cases {
		c.f.IncidentID = inc.ID
		evs, n, err := s.FindEvents(ctx, c.f)
		noErr(t, err, "FindEvents "+c.name)
		same(t, eventTexts(evs), c.want, c.name)
		if n != len(c.want) {
			t.Fatalf("%s: total %d, want %d", c.name, n, len(c.want))
		}
	}
	// The flags themselves round-trip.
	evs, _, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID, IncludeHidden: true, Kind: ptr(debrief.EventMessage), Starred: ptr(true)})
	noErr(t, err, "FindEvents")
	if len(evs) != 1 || !evs[0].Starred || !evs[0].Hidden || evs[0].Kind != debrief.EventMessage {
		t.Fatalf("starred hidden message: %s", dump(evs))
	}
}

func testEventPagination(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Pages")
	var want []string
	for i := range 30 {
		text := string(rune('a'+i%26)) + string(rune('0'+i/26))
		// Hidden every third, to check the total counts the filter.
		newEvent(t, s, inc.ID, base.Add(time.Duration(i)*time.Second), text, func(e *debrief.Event) { e.Hidden = i%3 == 2 })
		if i%3 != 2 {
			want = append(want, text)
		}
	}
	for _, p := range []struct{ offset, limit, from, to int }{{0, 7, 0, 7}, {7, 7, 7, 14}, {14, 7, 14, 20}, {20, 7, 20, 20}} {
		evs, n, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID, Offset: p.offset, Limit: p.limit})
		noErr(t, err, "FindEvents")
		same(t, eventTexts(evs), append([]string{}, want[p.from:p.to]...), "page")
		if n != 20 {
			t.Fatalf("total %d, want 20 visible events", n)
		}
	}
	_, n, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID, IncludeHidden: true, Limit: 1})
	noErr(t, err, "FindEvents")
	if n != 30 {
		t.Fatalf("total with hidden %d, want 30", n)
	}
}

func testEventPageLimits(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Many events")
	const n = store.MaxLimit + 1
	for i := range n {
		newEvent(t, s, inc.ID, base.Add(time.Duration(i)*time.Millisecond), "e")
	}
	for _, c := range []struct{ limit, want int }{
		{0, store.DefaultLimit}, {-1, store.DefaultLimit}, {250, 250}, {store.MaxLimit, store.MaxLimit}, {store.MaxLimit * 5, store.MaxLimit},
	} {
		evs, total, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID, Limit: c.limit})
		noErr(t, err, "FindEvents")
		if len(evs) != c.want || total != n {
			t.Fatalf("limit %d: %d events, total %d; want %d of %d", c.limit, len(evs), total, c.want, n)
		}
	}
	evs, _, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID, Offset: store.MaxLimit, Limit: store.MaxLimit})
	noErr(t, err, "FindEvents")
	if len(evs) != 1 || !evs[0].At.Equal(micro(base.Add(store.MaxLimit*time.Millisecond))) {
		t.Fatalf("last page: %s", dump(evs))
	}
}

func testEventUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Update")
	first := newEvent(t, s, inc.ID, base, "first")
	ev := newEvent(t, s, inc.ID, base.Add(time.Minute), "second")
	created := ev.CreatedAt

	ev.At = base.Add(-time.Minute)
	ev.Text, ev.Source, ev.Author, ev.URL, ev.Kind = "now first", "slack", "Ada", "https://slack.example/x", debrief.EventDeploy
	ev.Starred, ev.Hidden = true, true
	before := time.Now()
	noErr(t, s.UpdateEvent(ctx, ev), "UpdateEvent")
	after := time.Now()
	if ev.Version != 2 {
		t.Fatalf("Version %d, want 2", ev.Version)
	}
	same(t, ev.CreatedAt, created, "CreatedAt after update")
	stamp(t, ev.UpdatedAt, before, after, "UpdatedAt")
	got, err := s.FindEventByID(ctx, inc.ID, ev.ID)
	noErr(t, err, "FindEventByID")
	same(t, got, ev, "found after update")
	evs, _, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID, IncludeHidden: true})
	noErr(t, err, "FindEvents")
	same(t, eventTexts(evs), []string{"now first", "first"}, "order after moving an event")

	// Stale: a conflict, nothing written.
	stale := *first
	first.Text = "first, edited"
	noErr(t, s.UpdateEvent(ctx, first), "UpdateEvent")
	stale.Text = "lost update"
	wantCode(t, s.UpdateEvent(ctx, &stale), debrief.ECONFLICT, "UpdateEvent from a stale version")
	got, err = s.FindEventByID(ctx, inc.ID, first.ID)
	noErr(t, err, "FindEventByID")
	same(t, got, first, "event after a stale update")

	// Missing, or through another incident: not found, nothing written.
	wantCode(t, s.UpdateEvent(ctx, &debrief.Event{IncidentID: inc.ID, ID: 99999, Version: 1}), debrief.ENOTFOUND, "UpdateEvent of a missing event")
	other := newIncident(t, s, "Other")
	moved := *first
	moved.IncidentID, moved.Text = other.ID, "moved"
	wantCode(t, s.UpdateEvent(ctx, &moved), debrief.ENOTFOUND, "UpdateEvent through another incident")
	got, err = s.FindEventByID(ctx, inc.ID, first.ID)
	noErr(t, err, "FindEventByID")
	same(t, got, first, "event after an update through another incident")
}

func testEventDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Delete")
	other := newIncident(t, s, "Other")
	ev := newEvent(t, s, inc.ID, base, "doomed")
	kept := newEvent(t, s, inc.ID, base, "kept")

	wantCode(t, s.DeleteEvent(ctx, other.ID, ev.ID), debrief.ENOTFOUND, "DeleteEvent through another incident")
	_, err := s.FindEventByID(ctx, inc.ID, ev.ID)
	noErr(t, err, "event deleted through another incident")

	noErr(t, s.DeleteEvent(ctx, inc.ID, ev.ID), "DeleteEvent")
	_, err = s.FindEventByID(ctx, inc.ID, ev.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindEventByID after delete")
	wantCode(t, s.DeleteEvent(ctx, inc.ID, ev.ID), debrief.ENOTFOUND, "DeleteEvent twice")
	evs, n, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID})
	noErr(t, err, "FindEvents")
	if n != 1 || evs[0].ID != kept.ID {
		t.Fatalf("after delete: %v total %d", eventTexts(evs), n)
	}
}

func testEventConcurrentUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Contested")
	ev := newEvent(t, s, inc.ID, base, "original")
	errs := race(8, func(i int) error {
		mine := *ev
		mine.Text = "writer " + string(rune('A'+i))
		return s.UpdateEvent(ctx, &mine)
	})
	w := oneWinner(t, errs)
	got, err := s.FindEventByID(ctx, inc.ID, ev.ID)
	noErr(t, err, "FindEventByID")
	if got.Version != 2 || got.Text != "writer "+string(rune('A'+w)) {
		t.Fatalf("after the race: version %d, text %q", got.Version, got.Text)
	}
}

// CreateEvents stores a batch in one transaction: every event, or, when
// one of them is refused, none.
func testEventCreateBatch(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Batch")
	batch := []*debrief.Event{
		{IncidentID: inc.ID, At: base.Add(2 * time.Minute), Text: "later", Kind: debrief.EventNote},
		{IncidentID: inc.ID, At: base, Text: "earlier", Kind: debrief.EventAlert},
	}
	noErr(t, s.CreateEvents(ctx, batch), "CreateEvents")
	if batch[0].ID == 0 || batch[1].ID <= batch[0].ID || batch[0].Version != 1 || batch[1].CreatedAt.IsZero() {
		t.Fatalf("batch not filled in: %+v %+v", batch[0], batch[1])
	}
	evs, _, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID})
	noErr(t, err, "FindEvents")
	same(t, eventTexts(evs), []string{"earlier", "later"}, "batch in time order")

	bad := []*debrief.Event{
		{IncidentID: inc.ID, At: base, Text: "would be kept", Kind: debrief.EventNote},
		{IncidentID: 777, At: base, Text: "orphan", Kind: debrief.EventNote},
	}
	wantCode(t, s.CreateEvents(ctx, bad), debrief.ENOTFOUND, "CreateEvents with a missing incident")
	evs, n, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID})
	noErr(t, err, "FindEvents")
	if n != 2 || len(evs) != 2 {
		t.Fatalf("a refused batch left %d events, want the 2 from before", n)
	}
}
