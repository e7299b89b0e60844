package api_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestActionCRUD(t *testing.T) {
	e := newEnv(t)
	ada := e.person("Ada Lovelace", "ada")
	inc := e.incident(map[string]any{"title": "Cache stampede"})
	base := fmt.Sprintf("/api/v1/incidents/%d/actions", inc.ID)

	r := e.do("POST", base, map[string]any{
		"title": "Add jitter to cache expiry", "definition_of_done": "No two keys expire in the same second",
		"owner_id": ada.ID, "priority": "high", "due_date": "2024-06-01", "ticket_url": "https://jira.example.com/CACHE-1",
	})
	a := want[debrief.Action](t, r, 201)
	if r.header.Get("Location") != fmt.Sprintf("%s/%d", base, a.ID) {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	if a.Title != "Add jitter to cache expiry" || a.Status != debrief.ActionProposed || a.Priority != "high" ||
		a.DueDate != "2024-06-01" || a.OwnerID == nil || *a.OwnerID != ada.ID || a.Owner == nil ||
		a.Owner.Handle != "ada" || a.IncidentID != inc.ID || a.Version != 1 {
		t.Errorf("created %+v", a)
	}
	plain := e.action(inc.ID, map[string]any{"title": "Write a runbook"})
	if plain.Priority != "medium" || plain.Status != debrief.ActionProposed || plain.OwnerID != nil || plain.DueDate != "" {
		t.Errorf("defaults %+v", plain)
	}

	one := fmt.Sprintf("%s/%d", base, a.ID)
	got := want[debrief.Action](t, e.do("GET", one, nil), 200)
	if got.Title != a.Title || got.Owner == nil {
		t.Errorf("get %+v", got)
	}
	upd := want[debrief.Action](t, e.do("PATCH", one, map[string]any{"status": "in_progress", "owner_id": 0, "version": 1}), 200)
	if upd.Status != debrief.ActionInProgress || upd.OwnerID != nil || upd.Owner != nil || upd.Version != 2 || upd.DueDate != "2024-06-01" {
		t.Errorf("patched %+v", upd)
	}
	// Dropping needs a reason; in_progress -> proposed is not a move.
	wantError(t, e.do("PATCH", one, map[string]any{"status": "dropped", "version": 2}), 400, "invalid", "drop_reason")
	wantError(t, e.do("PATCH", one, map[string]any{"status": "proposed", "version": 2}), 400, "invalid", "status")
	wantError(t, e.do("PATCH", one, map[string]any{"due_date": "1 June", "version": 2}), 400, "invalid", "due_date")
	dropped := want[debrief.Action](t, e.do("PATCH", one, map[string]any{"status": "dropped", "drop_reason": "Replaced by request coalescing", "version": 2}), 200)
	if dropped.Status != debrief.ActionDropped || dropped.DropReason != "Replaced by request coalescing" {
		t.Errorf("dropped %+v", dropped)
	}
	eb := wantError(t, e.do("PATCH", one, map[string]any{"title": "Stale", "version": 2}), 409, "conflict", "")
	if cur := decodeJSON[debrief.Action](t, eb.Current); cur.Version != 3 || cur.Status != debrief.ActionDropped {
		t.Errorf("conflict current %+v", cur)
	}

	if r := e.do("DELETE", one, nil); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	wantError(t, e.do("GET", one, nil), 404, "not_found", "")
	wantError(t, e.do("POST", "/api/v1/incidents/999/actions", map[string]any{"title": "x"}), 404, "not_found", "")
	wantError(t, e.do("POST", base, map[string]any{"title": "x", "owner_id": 999}), 400, "invalid", "owner_id")
}

func TestActionFiltersAcrossIncidents(t *testing.T) {
	e := newEnv(t)
	ada := e.person("Ada Lovelace", "ada")
	bob := e.person("Bob Ross", "bob")
	one := e.incident(map[string]any{"title": "One"})
	two := e.incident(map[string]any{"title": "Two"})
	a1 := e.action(one.ID, map[string]any{"title": "A1", "owner_id": ada.ID})
	a2 := e.action(one.ID, map[string]any{"title": "A2", "owner_id": bob.ID, "status": "planned", "due_date": "2030-01-01"})
	b1 := e.action(two.ID, map[string]any{"title": "B1", "owner_id": ada.ID, "status": "planned", "due_date": "2030-01-01"})
	b2 := e.action(two.ID, map[string]any{"title": "B2"})

	ids := func(path string) []int64 {
		t.Helper()
		l := want[list[debrief.Action]](t, e.do("GET", path, nil), 200)
		var out []int64
		for _, a := range l.Items {
			out = append(out, a.ID)
		}
		return out
	}
	cases := []struct {
		path string
		want []int64
	}{
		{"/api/v1/actions", []int64{a1.ID, a2.ID, b1.ID, b2.ID}},
		{fmt.Sprintf("/api/v1/actions?incident_id=%d", two.ID), []int64{b1.ID, b2.ID}},
		{"/api/v1/actions?status=planned", []int64{a2.ID, b1.ID}},
		{fmt.Sprintf("/api/v1/actions?owner_id=%d", ada.ID), []int64{a1.ID, b1.ID}},
		{fmt.Sprintf("/api/v1/actions?owner_id=%d&status=planned", ada.ID), []int64{b1.ID}},
		{"/api/v1/actions?offset=1&limit=2", []int64{a2.ID, b1.ID}},
		{fmt.Sprintf("/api/v1/incidents/%d/actions", one.ID), []int64{a1.ID, a2.ID}},
		{fmt.Sprintf("/api/v1/incidents/%d/actions?status=planned", one.ID), []int64{a2.ID}},
		{fmt.Sprintf("/api/v1/incidents/%d/actions?owner_id=%d", two.ID, ada.ID), []int64{b1.ID}},
	}
	for _, c := range cases {
		if got := ids(c.path); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.path, got, c.want)
		}
	}
	l := want[list[debrief.Action]](t, e.do("GET", "/api/v1/actions?offset=1&limit=2", nil), 200)
	if l.Total != 4 || l.Offset != 1 || l.Limit != 2 {
		t.Errorf("envelope %+v", l)
	}
	wantError(t, e.do("GET", "/api/v1/actions?incident_id=999", nil), 404, "not_found", "")
	wantError(t, e.do("GET", "/api/v1/actions?incident_id=abc", nil), 400, "invalid", "incident_id")
	wantError(t, e.do("GET", "/api/v1/actions?owner_id=-1", nil), 400, "invalid", "owner_id")
	wantError(t, e.do("GET", "/api/v1/actions?status=finished", nil), 400, "invalid", "status")
	wantError(t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/actions?incident_id=1", one.ID), nil), 400, "invalid", "incident_id")
}
