package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testTeamCreateFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	tm := &debrief.Team{Slug: "payments", Name: "Payments", DefaultVisibility: debrief.VisibleToOrganization}
	before := time.Now()
	noErr(t, s.CreateTeam(ctx, tm), "CreateTeam")
	after := time.Now()
	if tm.ID <= 0 || tm.Version != 1 {
		t.Fatalf("created team: ID %d Version %d", tm.ID, tm.Version)
	}
	stamp(t, tm.CreatedAt, before, after, "CreatedAt")
	same(t, tm.UpdatedAt, tm.CreatedAt, "UpdatedAt")
	got, err := s.FindTeamByID(ctx, tm.ID)
	noErr(t, err, "FindTeamByID")
	same(t, got, tm, "found by id")
	got, err = s.FindTeamBySlug(ctx, "payments")
	noErr(t, err, "FindTeamBySlug")
	same(t, got, tm, "found by slug")

	_, err = s.FindTeamByID(ctx, 999)
	wantCode(t, err, debrief.ENOTFOUND, "FindTeamByID of a missing team")
	_, err = s.FindTeamBySlug(ctx, "nope")
	wantCode(t, err, debrief.ENOTFOUND, "FindTeamBySlug of a missing team")
	// Slugs match exactly, as incidents' Team does.
	_, err = s.FindTeamBySlug(ctx, "Payments")
	wantCode(t, err, debrief.ENOTFOUND, "FindTeamBySlug in another case")
}

func testTeamList(t *testing.T, s store.Store) {
	ctx := t.Context()
	teams, err := s.FindTeams(ctx)
	noErr(t, err, "FindTeams")
	if teams == nil || len(teams) != 0 {
		t.Fatalf("FindTeams of none: %v, want an empty list", teams)
	}
	newTeam(t, s, "zulu", "zulu")
	newTeam(t, s, "beta", "Beta")
	newTeam(t, s, "alpha", "alpha")
	newTeam(t, s, "eclair", "Éclair")
	newTeam(t, s, "delta", "Delta")
	newTeam(t, s, "alpha-2", "alpha")
	teams, err = s.FindTeams(ctx)
	noErr(t, err, "FindTeams")
	// By name ignoring case, then slug; "É" folds to "é", which sorts
	// after every ASCII letter.
	same(t, teamSlugs(teams), []string{"alpha", "alpha-2", "beta", "delta", "zulu", "eclair"}, "teams by name")
}

func testTeamSlugUnique(t *testing.T, s store.Store) {
	ctx := t.Context()
	newTeam(t, s, "platform", "Platform")
	err := s.CreateTeam(ctx, &debrief.Team{Slug: "platform", Name: "Platform again"})
	wantCode(t, err, debrief.ECONFLICT, "CreateTeam with a taken slug")
	if f := debrief.ErrorField(err); f != "slug" {
		t.Fatalf("field %q, want slug", f)
	}
	other := newTeam(t, s, "storage", "Storage")
	upd := *other
	upd.Slug, upd.Name = "platform", "Renamed"
	err = s.UpdateTeam(ctx, &upd)
	wantCode(t, err, debrief.ECONFLICT, "UpdateTeam to a taken slug")
	if f := debrief.ErrorField(err); f != "slug" {
		t.Fatalf("field %q, want slug", f)
	}
	got, err := s.FindTeamByID(ctx, other.ID)
	noErr(t, err, "FindTeamByID")
	same(t, got, other, "team after a failed update")
	teams, err := s.FindTeams(ctx)
	noErr(t, err, "FindTeams")
	if len(teams) != 2 {
		t.Fatalf("%d teams, want 2", len(teams))
	}
}

func testTeamUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	tm := newTeam(t, s, "platform", "Platform")
	created := tm.CreatedAt
	stale := *tm
	tm.Name, tm.DefaultVisibility = "Platform engineering", debrief.VisibleToOrganization
	before := time.Now()
	noErr(t, s.UpdateTeam(ctx, tm), "UpdateTeam")
	after := time.Now()
	if tm.Version != 2 || tm.Name != "Platform engineering" || tm.DefaultVisibility != debrief.VisibleToOrganization {
		t.Fatalf("after update: %s", dump(tm))
	}
	same(t, tm.CreatedAt, created, "CreatedAt")
	stamp(t, tm.UpdatedAt, before, after, "UpdatedAt")
	got, err := s.FindTeamByID(ctx, tm.ID)
	noErr(t, err, "FindTeamByID")
	same(t, got, tm, "found after update")

	stale.Name = "lost"
	wantCode(t, s.UpdateTeam(ctx, &stale), debrief.ECONFLICT, "UpdateTeam from a stale version")
	if stale.Version != 1 {
		t.Fatalf("failed update changed the object's version to %d", stale.Version)
	}
	got, err = s.FindTeamByID(ctx, tm.ID)
	noErr(t, err, "FindTeamByID")
	same(t, got, tm, "team after a stale update")
	wantCode(t, s.UpdateTeam(ctx, &debrief.Team{ID: 999, Slug: "x", Version: 1}), debrief.ENOTFOUND, "UpdateTeam of a missing team")

	// A team without incidents may change its slug.
	got.Slug = "infra"
	noErr(t, s.UpdateTeam(ctx, got), "UpdateTeam changing the slug")
	_, err = s.FindTeamBySlug(ctx, "platform")
	wantCode(t, err, debrief.ENOTFOUND, "FindTeamBySlug of the old slug")
	// One that owns incidents may not: they name it by slug. Nothing is
	// written.
	newIncident(t, s, "Owned", func(i *debrief.Incident) { i.Team = "infra" })
	upd := *got
	upd.Slug, upd.Name = "infrastructure", "Infrastructure"
	err = s.UpdateTeam(ctx, &upd)
	wantCode(t, err, debrief.ECONFLICT, "UpdateTeam changing the slug of a team with incidents")
	if f := debrief.ErrorField(err); f != "slug" {
		t.Fatalf("field %q, want slug", f)
	}
	again, err := s.FindTeamByID(ctx, tm.ID)
	noErr(t, err, "FindTeamByID")
	same(t, again, got, "team after a refused slug change")
	// Its other fields still change.
	upd = *again
	upd.Name = "Infrastructure"
	noErr(t, s.UpdateTeam(ctx, &upd), "UpdateTeam keeping the slug")
	if upd.Version != 4 || upd.Slug != "infra" {
		t.Fatalf("after update: %s", dump(upd))
	}
}

func testTeamConcurrentUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	tm := newTeam(t, s, "contested", "Contested")
	errs := race(8, func(i int) error {
		mine := *tm
		mine.Name = "writer " + string(rune('A'+i))
		return s.UpdateTeam(ctx, &mine)
	})
	w := oneWinner(t, errs)
	got, err := s.FindTeamByID(ctx, tm.ID)
	noErr(t, err, "FindTeamByID")
	if got.Version != 2 || got.Name != "writer "+string(rune('A'+w)) {
		t.Fatalf("after the race: %s", dump(got))
	}
}

func testTeamDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newUser(t, s, "Ada", "ada@example.com")
	bob := newUser(t, s, "Bob", "bob@example.com")
	platform := newTeam(t, s, "platform", "Platform")
	storage := newTeam(t, s, "storage", "Storage")
	for _, m := range []*debrief.Membership{
		{TeamID: platform.ID, UserID: ada.ID, Role: debrief.RoleAdmin},
		{TeamID: platform.ID, UserID: bob.ID, Role: debrief.RoleViewer},
		{TeamID: storage.ID, UserID: bob.ID, Role: debrief.RoleEditor},
	} {
		noErr(t, s.SetMembership(ctx, m), "SetMembership")
	}
	inc := newIncident(t, s, "Owned by platform", func(i *debrief.Incident) { i.Team = "platform" })
	newIncident(t, s, "Owned by Platform, another slug", func(i *debrief.Incident) { i.Team = "Platform" })

	// Refused while the team owns incidents; nothing goes.
	wantCode(t, s.DeleteTeam(ctx, platform.ID), debrief.ECONFLICT, "DeleteTeam of a team with incidents")
	got, err := s.FindTeamByID(ctx, platform.ID)
	noErr(t, err, "FindTeamByID")
	same(t, got, platform, "team after a refused delete")
	ms, err := s.FindMemberships(ctx, store.MembershipFilter{TeamID: &platform.ID})
	noErr(t, err, "FindMemberships")
	if len(ms) != 2 {
		t.Fatalf("%d memberships after a refused delete, want 2", len(ms))
	}

	// Once its incidents are gone, it goes, with its memberships only.
	noErr(t, s.DeleteIncident(ctx, inc.ID), "DeleteIncident")
	noErr(t, s.DeleteTeam(ctx, platform.ID), "DeleteTeam")
	_, err = s.FindTeamByID(ctx, platform.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindTeamByID after delete")
	ms, err = s.FindMemberships(ctx, store.MembershipFilter{})
	noErr(t, err, "FindMemberships")
	same(t, ms, []*debrief.Membership{
		{TeamID: storage.ID, UserID: bob.ID, Role: debrief.RoleEditor, TeamSlug: "storage", UserName: "Bob"},
	}, "memberships after deleting a team")
	for _, u := range []*debrief.User{ada, bob} {
		gotU, err := s.FindUserByID(ctx, u.ID)
		noErr(t, err, "FindUserByID")
		same(t, gotU, u, "user after deleting a team")
	}
	_, err = s.FindTeamByID(ctx, storage.ID)
	noErr(t, err, "FindTeamByID of the other team")

	wantCode(t, s.DeleteTeam(ctx, platform.ID), debrief.ENOTFOUND, "DeleteTeam twice")
	// The slug is free again.
	newTeam(t, s, "platform", "Platform again")
}

func testMemberships(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newUser(t, s, "ada", "ada@example.com")
	bob := newUser(t, s, "Bob", "bob@example.com")
	cy := newUser(t, s, "Cy", "cy@example.com")
	zed := newUser(t, s, "Álvaro", "alvaro@example.com")
	platform := newTeam(t, s, "platform", "Platform")
	api := newTeam(t, s, "api", "API")

	m := &debrief.Membership{TeamID: platform.ID, UserID: bob.ID, Role: debrief.RoleViewer}
	noErr(t, s.SetMembership(ctx, m), "SetMembership")
	same(t, m, &debrief.Membership{TeamID: platform.ID, UserID: bob.ID, Role: debrief.RoleViewer, TeamSlug: "platform", UserName: "Bob"},
		"membership as set")
	// Setting again changes the role; there is still one membership.
	m = &debrief.Membership{TeamID: platform.ID, UserID: bob.ID, Role: debrief.RoleAdmin}
	noErr(t, s.SetMembership(ctx, m), "SetMembership again")
	if m.Role != debrief.RoleAdmin || m.TeamSlug != "platform" {
		t.Fatalf("membership after a change: %s", dump(m))
	}
	for _, m := range []*debrief.Membership{
		{TeamID: platform.ID, UserID: ada.ID, Role: debrief.RoleEditor},
		{TeamID: platform.ID, UserID: zed.ID, Role: debrief.RoleViewer},
		{TeamID: api.ID, UserID: cy.ID, Role: debrief.RoleViewer},
		{TeamID: api.ID, UserID: bob.ID, Role: debrief.RoleEditor},
	} {
		noErr(t, s.SetMembership(ctx, m), "SetMembership")
	}

	mem := func(tm *debrief.Team, u *debrief.User, r debrief.Role) *debrief.Membership {
		return &debrief.Membership{TeamID: tm.ID, UserID: u.ID, Role: r, TeamSlug: tm.Slug, UserName: u.Name}
	}
	cases := []struct {
		name string
		f    store.MembershipFilter
		want []*debrief.Membership
	}{
		// By team slug, then user name ignoring case.
		{"all", store.MembershipFilter{}, []*debrief.Membership{
			mem(api, bob, debrief.RoleEditor), mem(api, cy, debrief.RoleViewer),
			mem(platform, ada, debrief.RoleEditor), mem(platform, bob, debrief.RoleAdmin), mem(platform, zed, debrief.RoleViewer),
		}},
		{"team", store.MembershipFilter{TeamID: &api.ID}, []*debrief.Membership{
			mem(api, bob, debrief.RoleEditor), mem(api, cy, debrief.RoleViewer),
		}},
		{"user", store.MembershipFilter{UserID: &bob.ID}, []*debrief.Membership{
			mem(api, bob, debrief.RoleEditor), mem(platform, bob, debrief.RoleAdmin),
		}},
		{"team and user", store.MembershipFilter{TeamID: &platform.ID, UserID: &ada.ID}, []*debrief.Membership{
			mem(platform, ada, debrief.RoleEditor),
		}},
		{"none", store.MembershipFilter{TeamID: &api.ID, UserID: &ada.ID}, []*debrief.Membership{}},
	}
	for _, c := range cases {
		got, err := s.FindMemberships(ctx, c.f)
		noErr(t, err, "FindMemberships "+c.name)
		same(t, got, c.want, "memberships "+c.name)
	}

	// Missing team or user.
	err := s.SetMembership(ctx, &debrief.Membership{TeamID: 999, UserID: ada.ID, Role: debrief.RoleViewer})
	wantCode(t, err, debrief.ENOTFOUND, "SetMembership in a missing team")
	if f := debrief.ErrorField(err); f != "team_id" {
		t.Fatalf("field %q, want team_id", f)
	}
	err = s.SetMembership(ctx, &debrief.Membership{TeamID: api.ID, UserID: 999, Role: debrief.RoleViewer})
	wantCode(t, err, debrief.ENOTFOUND, "SetMembership of a missing user")
	if f := debrief.ErrorField(err); f != "user_id" {
		t.Fatalf("field %q, want user_id", f)
	}

	noErr(t, s.DeleteMembership(ctx, platform.ID, bob.ID), "DeleteMembership")
	got, err := s.FindMemberships(ctx, store.MembershipFilter{UserID: &bob.ID})
	noErr(t, err, "FindMemberships")
	same(t, got, []*debrief.Membership{mem(api, bob, debrief.RoleEditor)}, "memberships after a delete")
	wantCode(t, s.DeleteMembership(ctx, platform.ID, bob.ID), debrief.ENOTFOUND, "DeleteMembership twice")
	wantCode(t, s.DeleteMembership(ctx, 999, 999), debrief.ENOTFOUND, "DeleteMembership of nobody")

	// A renamed user or team is read with its new name.
	u, err := s.FindUserByID(ctx, cy.ID)
	noErr(t, err, "FindUserByID")
	u.Name = "Cyrus"
	noErr(t, s.UpdateUser(ctx, u), "UpdateUser")
	got, err = s.FindMemberships(ctx, store.MembershipFilter{UserID: &cy.ID})
	noErr(t, err, "FindMemberships")
	if len(got) != 1 || got[0].UserName != "Cyrus" {
		t.Fatalf("memberships after a rename: %s", dump(got))
	}
}
