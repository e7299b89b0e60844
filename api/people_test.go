package api_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestPersonCRUD(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/people", map[string]any{"name": " Ada Lovelace ", "handle": "@Ada", "email": "ada@example.com"})
	ada := want[debrief.Person](t, r, 201)
	if r.header.Get("Location") != fmt.Sprintf("/api/v1/people/%d", ada.ID) {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
	if ada.Name != "Ada Lovelace" || ada.Handle != "Ada" || ada.Email != "ada@example.com" || ada.Version != 1 {
		t.Errorf("created %+v", ada)
	}
	// Handles are unique without regard to case.
	wantError(t, e.do("POST", "/api/v1/people", map[string]any{"name": "Other Ada", "handle": "ada"}), 409, "conflict", "handle")
	wantError(t, e.do("POST", "/api/v1/people", map[string]any{"name": "Bad", "email": "not an address"}), 400, "invalid", "email")
	wantError(t, e.do("POST", "/api/v1/people", map[string]any{"handle": "nameless"}), 400, "invalid", "name")

	path := fmt.Sprintf("/api/v1/people/%d", ada.ID)
	if got := want[debrief.Person](t, e.do("GET", path, nil), 200); got != ada {
		t.Errorf("get %+v, want %+v", got, ada)
	}
	upd := want[debrief.Person](t, e.do("PATCH", path, map[string]any{"email": "", "version": 1}), 200)
	if upd.Email != "" || upd.Name != "Ada Lovelace" || upd.Version != 2 {
		t.Errorf("patched %+v", upd)
	}
	eb := wantError(t, e.do("PATCH", path, map[string]any{"name": "Stale", "version": 1}), 409, "conflict", "")
	if cur := decodeJSON[debrief.Person](t, eb.Current); cur.Version != 2 || cur.Name != "Ada Lovelace" {
		t.Errorf("conflict current %+v", cur)
	}

	// Deleting a person clears them from the incidents that named them.
	inc := e.incident(map[string]any{"title": "Outage", "commander_id": ada.ID})
	if r := e.do("DELETE", path, nil); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	wantError(t, e.do("GET", path, nil), 404, "not_found", "")
	if got := want[debrief.Incident](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d", inc.ID), nil), 200); got.CommanderID != nil {
		t.Errorf("commander still %v after the person was deleted", *got.CommanderID)
	}
}

func TestPeopleFilters(t *testing.T) {
	e := newEnv(t)
	ada := e.person("Ada Lovelace", "ada")
	grace := e.person("Grace Hopper", "grace")
	anon := e.person("Anonymous Responder", "")
	ids := func(q string) []int64 {
		t.Helper()
		l := want[list[debrief.Person]](t, e.do("GET", "/api/v1/people?"+q, nil), 200)
		var out []int64
		for _, p := range l.Items {
			out = append(out, p.ID)
		}
		return out
	}
	cases := []struct {
		query string
		want  []int64
	}{
		{"", []int64{ada.ID, grace.ID, anon.ID}},
		{"handle=GRACE", []int64{grace.ID}},
		{"handle=", []int64{anon.ID}},
		{"q=love", []int64{ada.ID}},
		{"q=", []int64{ada.ID, grace.ID, anon.ID}},
		{"offset=1&limit=1", []int64{grace.ID}},
	}
	for _, c := range cases {
		if got := ids(c.query); !slices.Equal(got, c.want) {
			t.Errorf("?%s: %v, want %v", c.query, got, c.want)
		}
	}
}
