package storetest

import (
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testIncidentVisibility(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Open to all", func(i *debrief.Incident) { i.Visibility = debrief.VisibleToOrganization })
	if inc.Visibility != debrief.VisibleToOrganization {
		t.Fatalf("Visibility %q after create", inc.Visibility)
	}
	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	same(t, got, inc, "found incident")

	got.Visibility = debrief.VisibleToTeam
	noErr(t, s.UpdateIncident(ctx, got), "UpdateIncident")
	again, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	if again.Visibility != debrief.VisibleToTeam || again.Version != 2 {
		t.Fatalf("after update: %s", dump(again))
	}
	// A stale update does not change it either.
	stale := *inc
	wantCode(t, s.UpdateIncident(ctx, &stale), debrief.ECONFLICT, "UpdateIncident from a stale version")
	again, err = s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	if again.Visibility != debrief.VisibleToTeam {
		t.Fatalf("stale update changed the visibility: %s", dump(again))
	}
}

func testIncidentVisibleFilter(t *testing.T, s store.Store) {
	ctx := t.Context()
	mk := func(title, team string, v debrief.Visibility, status debrief.IncidentStatus) *debrief.Incident {
		return newIncident(t, s, title, func(i *debrief.Incident) { i.Team, i.Visibility, i.Status = team, v, status })
	}
	payTeam := mk("Payments, team only", "payments", debrief.VisibleToTeam, debrief.IncidentActive)
	payOrg := mk("Payments, for all", "payments", debrief.VisibleToOrganization, debrief.IncidentResolved)
	plTeam := mk("Platform, team only", "platform", debrief.VisibleToTeam, debrief.IncidentActive)
	plOrg := mk("Platform, for all", "platform", debrief.VisibleToOrganization, debrief.IncidentActive)
	// The store keeps what it is given; only "organization" opens an
	// incident beyond its team.
	plBlank := mk("Platform, no visibility", "platform", "", debrief.IncidentActive)
	secTeam := mk("Security, team only", "security", debrief.VisibleToTeam, debrief.IncidentClosed)

	vis := func(teams ...string) *debrief.VisibleFilter { return &debrief.VisibleFilter{Teams: teams} }
	cases := []struct {
		name string
		f    debrief.IncidentFilter
		want []*debrief.Incident
	}{
		{"not set", debrief.IncidentFilter{}, []*debrief.Incident{secTeam, plBlank, plOrg, plTeam, payOrg, payTeam}},
		{"no teams: organisation's only", debrief.IncidentFilter{Visible: vis()}, []*debrief.Incident{plOrg, payOrg}},
		{"nil teams: organisation's only", debrief.IncidentFilter{Visible: &debrief.VisibleFilter{}}, []*debrief.Incident{plOrg, payOrg}},
		{"one team", debrief.IncidentFilter{Visible: vis("payments")}, []*debrief.Incident{plOrg, payOrg, payTeam}},
		{"another team", debrief.IncidentFilter{Visible: vis("platform")}, []*debrief.Incident{plBlank, plOrg, plTeam, payOrg}},
		{"two teams", debrief.IncidentFilter{Visible: vis("payments", "security")}, []*debrief.Incident{secTeam, plOrg, payOrg, payTeam}},
		{"every team", debrief.IncidentFilter{Visible: vis("payments", "platform", "security")},
			[]*debrief.Incident{secTeam, plBlank, plOrg, plTeam, payOrg, payTeam}},
		{"teams match exactly", debrief.IncidentFilter{Visible: vis("Payments", "pay")}, []*debrief.Incident{plOrg, payOrg}},
		{"unknown team", debrief.IncidentFilter{Visible: vis("nobody")}, []*debrief.Incident{plOrg, payOrg}},
		{"repeated team", debrief.IncidentFilter{Visible: vis("security", "security")}, []*debrief.Incident{secTeam, plOrg, payOrg}},
		// With the other filters, all of which must hold.
		{"and team", debrief.IncidentFilter{Visible: vis("payments"), Team: ptr("platform")}, []*debrief.Incident{plOrg}},
		{"and own team", debrief.IncidentFilter{Visible: vis("payments"), Team: ptr("payments")}, []*debrief.Incident{payOrg, payTeam}},
		{"and hidden team", debrief.IncidentFilter{Visible: vis("payments"), Team: ptr("security")}, nil},
		{"and status", debrief.IncidentFilter{Visible: vis("payments"), Status: ptr(debrief.IncidentActive)}, []*debrief.Incident{plOrg, payTeam}},
		{"and query", debrief.IncidentFilter{Visible: vis(), Query: ptr("platform")}, []*debrief.Incident{plOrg}},
		{"and query, none", debrief.IncidentFilter{Visible: vis("payments"), Query: ptr("security")}, nil},
	}
	for _, c := range cases {
		got, n, err := s.FindIncidents(ctx, c.f)
		noErr(t, err, "FindIncidents "+c.name)
		if want := incidentIDs(c.want); !sameIDs(incidentIDs(got), want) || n != len(want) {
			t.Fatalf("%s: got %v (total %d), want %v", c.name, incidentIDs(got), n, want)
		}
	}
	// The total counts what the filter lets through, not the page.
	got, n, err := s.FindIncidents(ctx, debrief.IncidentFilter{Visible: vis("platform"), Offset: 1, Limit: 2})
	noErr(t, err, "FindIncidents")
	if !sameIDs(incidentIDs(got), incidentIDs([]*debrief.Incident{plOrg, plTeam})) || n != 4 {
		t.Fatalf("page: got %v (total %d), want [%d %d] of 4", incidentIDs(got), n, plOrg.ID, plTeam.ID)
	}
	got, _, err = s.FindIncidents(ctx, debrief.IncidentFilter{Visible: vis()})
	noErr(t, err, "FindIncidents")
	same(t, got, []*debrief.Incident{plOrg, payOrg}, "listed incidents")
}

func testRetrospectiveRestricted(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newUser(t, s, "Ada", "ada@example.com")
	bob := newUser(t, s, "Bob", "bob@example.com")
	cy := newUser(t, s, "Cy", "cy@example.com")
	inc := newIncident(t, s, "Breach")
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	if r.Restricted || r.Readers == nil || len(r.Readers) != 0 {
		t.Fatalf("new retrospective: restricted %v, readers %v; want false and an empty list", r.Restricted, r.Readers)
	}

	// Readers are a set: kept in id order, repeats dropped.
	r.Restricted = true
	r.Readers = []int64{cy.ID, ada.ID, cy.ID}
	noErr(t, s.UpdateRetrospective(ctx, r), "UpdateRetrospective restricting")
	if !r.Restricted || r.Version != 2 {
		t.Fatalf("after restricting: %s", dump(r))
	}
	same(t, r.Readers, []int64{ada.ID, cy.ID}, "readers, sorted")
	got, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	same(t, got, r, "found restricted retrospective")

	// The list is replaced as a whole.
	got.Readers = []int64{bob.ID}
	noErr(t, s.UpdateRetrospective(ctx, got), "UpdateRetrospective replacing readers")
	same(t, got.Readers, []int64{bob.ID}, "replaced readers")

	// A stale update writes neither the flag nor the readers.
	stale := *r
	stale.Restricted, stale.Readers = false, []int64{ada.ID, bob.ID, cy.ID}
	wantCode(t, s.UpdateRetrospective(ctx, &stale), debrief.ECONFLICT, "UpdateRetrospective from a stale version")
	// Nor does one naming a missing user, after valid ones.
	bad := *got
	bad.Readers = []int64{ada.ID, 9999}
	err = s.UpdateRetrospective(ctx, &bad)
	wantCode(t, err, debrief.ENOTFOUND, "UpdateRetrospective with a missing reader")
	if f := debrief.ErrorField(err); f != "readers[1]" {
		t.Fatalf("field %q, want readers[1]", f)
	}
	again, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	same(t, again, got, "retrospective after failed updates")

	// Lifting the restriction and clearing the readers.
	again.Restricted, again.Readers = false, nil
	noErr(t, s.UpdateRetrospective(ctx, again), "UpdateRetrospective clearing")
	if again.Restricted || again.Readers == nil || len(again.Readers) != 0 || again.Version != 4 {
		t.Fatalf("after clearing: %s", dump(again))
	}

	// Created restricted, with readers, in one go.
	retro := defaultRetro(nil)
	retro.Restricted, retro.Readers = true, []int64{bob.ID, ada.ID}
	inc2 := &debrief.Incident{Title: "Created restricted", Status: debrief.IncidentActive, Team: "security"}
	noErr(t, s.CreateIncident(ctx, inc2, retro), "CreateIncident restricted")
	if !retro.Restricted {
		t.Fatal("created retrospective not restricted")
	}
	same(t, retro.Readers, []int64{ada.ID, bob.ID}, "created readers")
	got, err = s.FindRetrospective(ctx, inc2.ID)
	noErr(t, err, "FindRetrospective")
	same(t, got, retro, "found created retrospective")
	// Readers of one retrospective are not another's.
	other, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	if len(other.Readers) != 0 {
		t.Fatalf("readers leaked: %v", other.Readers)
	}

	// A missing reader at creation: nothing is written.
	retro = defaultRetro(nil)
	retro.Readers = []int64{ada.ID, 8888}
	err = s.CreateIncident(ctx, &debrief.Incident{Title: "Bad reader"}, retro)
	wantCode(t, err, debrief.ENOTFOUND, "CreateIncident with a missing reader")
	if f := debrief.ErrorField(err); f != "readers[1]" {
		t.Fatalf("field %q, want readers[1]", f)
	}
	if n := countIncidents(t, s); n != 2 {
		t.Fatalf("%d incidents after a failed create, want 2", n)
	}

	// Deleting the incident takes its readers with it.
	noErr(t, s.DeleteIncident(ctx, inc2.ID), "DeleteIncident of a restricted incident")
	_, err = s.FindRetrospective(ctx, inc2.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindRetrospective after delete")
}
