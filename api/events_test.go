package api_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func TestEventCRUD(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Queue backlog", "time_zone": "Europe/Copenhagen"})
	base := fmt.Sprintf("/api/v1/incidents/%d/events", inc.ID)

	r := e.do("POST", base, map[string]any{
		"at": "2024-05-01T16:03:00+02:00", "text": " Alert fired: queue depth > 10k ",
		"kind": "alert", "source": "pagerduty", "author": "PagerDuty", "url": "https://pd.example.com/i/1",
	})
	ev := want[debrief.Event](t, r, 201)
	if r.header.Get("Location") != fmt.Sprintf("%s/%d", base, ev.ID) {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	if !ev.At.Equal(time.Date(2024, 5, 1, 14, 3, 0, 0, time.UTC)) || ev.Text != "Alert fired: queue depth > 10k" ||
		ev.Kind != "alert" || ev.Source != "pagerduty" || ev.IncidentID != inc.ID || ev.Version != 1 {
		t.Errorf("created %+v", ev)
	}
	note := e.event(inc.ID, map[string]any{"at": "2024-05-01T14:00:00Z", "text": "Deploy of worker v42"})
	if note.Source != "manual" || note.Kind != "note" || note.Starred || note.Hidden {
		t.Errorf("defaults %+v", note)
	}

	one := fmt.Sprintf("%s/%d", base, ev.ID)
	got := want[debrief.Event](t, e.do("GET", one, nil), 200)
	if got.Text != ev.Text || !got.At.Equal(ev.At) {
		t.Errorf("get %+v", got)
	}
	upd := want[debrief.Event](t, e.do("PATCH", one, map[string]any{"starred": true, "text": "Alert: queue depth", "version": 1}), 200)
	if !upd.Starred || upd.Text != "Alert: queue depth" || upd.Version != 2 || upd.Kind != "alert" || upd.URL != ev.URL {
		t.Errorf("patched %+v", upd)
	}
	wantError(t, e.do("PATCH", one, map[string]any{"url": "javascript:alert(1)", "version": 2}), 400, "invalid", "url")
	wantError(t, e.do("PATCH", one, map[string]any{"kind": "rumour", "version": 2}), 400, "invalid", "kind")
	eb := wantError(t, e.do("PATCH", one, map[string]any{"hidden": true, "version": 1}), 409, "conflict", "")
	if cur := decodeJSON[debrief.Event](t, eb.Current); cur.Version != 2 || !cur.Starred {
		t.Errorf("conflict current %+v", cur)
	}

	// An event of another incident is not found through this one.
	other := e.incident(map[string]any{"title": "Other"})
	wantError(t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/events/%d", other.ID, ev.ID), nil), 404, "not_found", "")

	if r := e.do("DELETE", one, nil); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	wantError(t, e.do("GET", one, nil), 404, "not_found", "")
	l := want[list[debrief.Event]](t, e.do("GET", base, nil), 200)
	if l.Total != 1 || l.Items[0].ID != note.ID {
		t.Errorf("after delete %+v", l)
	}
	wantError(t, e.do("GET", "/api/v1/incidents/999/events", nil), 404, "not_found", "")
}

func TestEventFiltersAndOrder(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Flapping health checks"})
	base := fmt.Sprintf("/api/v1/incidents/%d/events", inc.ID)
	// Created out of time order: the list is always in time order.
	c := e.event(inc.ID, map[string]any{"at": "2024-05-01T10:20:00Z", "text": "C", "kind": "deploy", "starred": true})
	a := e.event(inc.ID, map[string]any{"at": "2024-05-01T10:00:00Z", "text": "A", "kind": "alert"})
	h := e.event(inc.ID, map[string]any{"at": "2024-05-01T10:05:00Z", "text": "H", "hidden": true})
	b := e.event(inc.ID, map[string]any{"at": "2024-05-01T10:10:00+00:00", "text": "B", "kind": "alert", "starred": true})

	ids := func(q string) []int64 {
		t.Helper()
		l := want[list[debrief.Event]](t, e.do("GET", base+"?"+q, nil), 200)
		var out []int64
		for _, ev := range l.Items {
			out = append(out, ev.ID)
		}
		return out
	}
	cases := []struct {
		query string
		want  []int64
	}{
		{"", []int64{a.ID, b.ID, c.ID}},
		{"include_hidden=true", []int64{a.ID, h.ID, b.ID, c.ID}},
		{"include_hidden=false", []int64{a.ID, b.ID, c.ID}},
		{"starred=true", []int64{b.ID, c.ID}},
		{"starred=false&include_hidden=true", []int64{a.ID, h.ID}},
		{"kind=alert", []int64{a.ID, b.ID}},
		{"kind=alert&starred=true", []int64{b.ID}},
		{"include_hidden=true&offset=1&limit=2", []int64{h.ID, b.ID}},
	}
	for _, c := range cases {
		if got := ids(c.query); !slices.Equal(got, c.want) {
			t.Errorf("?%s: %v, want %v", c.query, got, c.want)
		}
	}
	l := want[list[debrief.Event]](t, e.do("GET", base+"?include_hidden=true&offset=1&limit=2", nil), 200)
	if l.Total != 4 || l.Offset != 1 || l.Limit != 2 {
		t.Errorf("envelope %+v", l)
	}
	wantError(t, e.do("GET", base+"?starred=yes", nil), 400, "invalid", "starred")
	wantError(t, e.do("GET", base+"?kind=rumour", nil), 400, "invalid", "kind")
}
