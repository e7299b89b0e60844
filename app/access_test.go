package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// world is a small organisation: two teams, people in every role, and
// incidents of every kind.
type world struct {
	*env
	payments, search *debrief.Team
	// Incidents of payments: visible to the team, to the organisation,
	// and one with a restricted write-up (visible to the team).
	incTeam, incOrg, incRestricted *debrief.Incident
	// One incident of search, visible to its team only.
	incSearch *debrief.Incident
	actors    map[string]context.Context
	users     map[string]*debrief.User
}

// Actor names, in the matrix's order.
var actorNames = []string{"system", "org admin", "team admin", "editor", "viewer", "reader", "other team", "read-only token", "no actor"}

func newWorld(t *testing.T, e *env) *world {
	t.Helper()
	w := &world{env: e, actors: map[string]context.Context{}, users: map[string]*debrief.User{}}
	w.payments = e.team("payments", debrief.VisibleToTeam)
	w.search = e.team("search", debrief.VisibleToTeam)
	p, s := w.payments, w.search
	w.users["org admin"] = e.user("admin", true, nil)
	w.users["team admin"] = e.user("lead", false, map[*debrief.Team]debrief.Role{p: debrief.RoleAdmin})
	w.users["editor"] = e.user("editor", false, map[*debrief.Team]debrief.Role{p: debrief.RoleEditor})
	w.users["viewer"] = e.user("viewer", false, map[*debrief.Team]debrief.Role{p: debrief.RoleViewer})
	// A viewer listed as a reader of the restricted write-up.
	w.users["reader"] = e.user("reader", false, map[*debrief.Team]debrief.Role{p: debrief.RoleViewer})
	w.users["other team"] = e.user("outsider", false, map[*debrief.Team]debrief.Role{s: debrief.RoleEditor})
	// An editor of payments who uses a read-only API token.
	w.users["read-only token"] = e.user("robot", false, map[*debrief.Team]debrief.Role{p: debrief.RoleEditor})

	w.incTeam = e.incident("payments", debrief.VisibleToTeam)
	w.incOrg = e.incident("payments", debrief.VisibleToOrganization)
	w.incRestricted = e.incident("payments", debrief.VisibleToTeam)
	w.incSearch = e.incident("search", "")
	r, err := e.svc.FindRetrospective(e.sys, w.incRestricted.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateRetrospective(e.sys, w.incRestricted.ID, debrief.RetrospectiveUpdate{
		Restricted: ptr(true), Readers: &[]int64{w.users["reader"].ID}, Version: r.Version,
	}); err != nil {
		t.Fatal(err)
	}

	w.actors["system"] = e.sys
	w.actors["no actor"] = context.Background()
	for name, u := range w.users {
		if name != "read-only token" {
			w.actors[name] = e.as(u)
		}
	}
	robot := e.as(w.users["read-only token"])
	secret, _, err := e.svc.CreateToken(robot, "ci", debrief.ScopeRead, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.TokenActor(context.Background(), secret, "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	w.actors["read-only token"] = debrief.WithActor(context.Background(), a)
	return w
}

// version returns the incident's current version, read as the system.
func (w *world) version(id int64) int64 {
	w.t.Helper()
	inc, err := w.svc.FindIncidentByID(w.sys, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return inc.Version
}

// TestRoleMatrix walks every role (and no actor) through every kind of
// decision and checks the exact answer: ENOTFOUND for what the actor may
// not see, EFORBIDDEN for what they see but may not do, EUNAUTHORIZED
// without an actor, and the policy's field errors where a form would show
// them.
func TestRoleMatrix(t *testing.T) {
	const (
		ok        = ""
		notFound  = debrief.ENOTFOUND
		forbidden = debrief.EFORBIDDEN
		unauth    = debrief.EUNAUTHORIZED
	)
	type op struct {
		name string
		do   func(w *world, ctx context.Context, who string) error
		// want per actor, in actorNames order.
		want []string
	}
	ops := []op{
		{"see team incident", func(w *world, ctx context.Context, _ string) error {
			_, err := w.svc.FindIncidentByID(ctx, w.incTeam.ID)
			return err
		}, []string{ok, ok, ok, ok, ok, ok, notFound, ok, unauth}},
		{"see organisation incident", func(w *world, ctx context.Context, _ string) error {
			_, err := w.svc.FindIncidentByID(ctx, w.incOrg.ID)
			return err
		}, []string{ok, ok, ok, ok, ok, ok, ok, ok, unauth}},
		{"see team incident's timeline", func(w *world, ctx context.Context, _ string) error {
			_, _, err := w.svc.FindEvents(ctx, debrief.EventFilter{IncidentID: w.incTeam.ID})
			return err
		}, []string{ok, ok, ok, ok, ok, ok, notFound, ok, unauth}},
		{"see a missing incident", func(w *world, ctx context.Context, _ string) error {
			_, err := w.svc.FindIncidentByID(ctx, 9999)
			return err
		}, []string{notFound, notFound, notFound, notFound, notFound, notFound, notFound, notFound, unauth}},
		{"edit team incident", func(w *world, ctx context.Context, who string) error {
			_, err := w.svc.UpdateIncident(ctx, w.incTeam.ID, debrief.IncidentUpdate{Title: ptr("by " + who), Version: w.version(w.incTeam.ID)})
			return err
		}, []string{ok, ok, ok, ok, forbidden, forbidden, notFound, forbidden, unauth}},
		{"edit organisation incident", func(w *world, ctx context.Context, who string) error {
			_, err := w.svc.UpdateIncident(ctx, w.incOrg.ID, debrief.IncidentUpdate{Title: ptr("by " + who), Version: w.version(w.incOrg.ID)})
			return err
		}, []string{ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden, unauth}},
		{"add to team incident's timeline", func(w *world, ctx context.Context, who string) error {
			return w.svc.CreateEvent(ctx, &debrief.Event{IncidentID: w.incTeam.ID, At: w.clock.Now(), Text: "by " + who})
		}, []string{ok, ok, ok, ok, forbidden, forbidden, notFound, forbidden, unauth}},
		{"see restricted retrospective", func(w *world, ctx context.Context, _ string) error {
			_, err := w.svc.FindRetrospective(ctx, w.incRestricted.ID)
			return err
		}, []string{ok, ok, ok, forbidden, forbidden, ok, notFound, forbidden, unauth}},
		{"see restricted retrospective's actions", func(w *world, ctx context.Context, _ string) error {
			_, _, err := w.svc.FindActions(ctx, debrief.ActionFilter{IncidentID: &w.incRestricted.ID})
			return err
		}, []string{ok, ok, ok, forbidden, forbidden, ok, notFound, forbidden, unauth}},
		{"see restricted incident's header", func(w *world, ctx context.Context, _ string) error {
			_, err := w.svc.FindIncidentByID(ctx, w.incRestricted.ID)
			return err
		}, []string{ok, ok, ok, ok, ok, ok, notFound, ok, unauth}},
		{"edit restricted retrospective", func(w *world, ctx context.Context, who string) error {
			sec, err := w.svc.FindSection(w.sys, w.incRestricted.ID, "summary")
			if err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			_, err = w.svc.UpdateSection(ctx, w.incRestricted.ID, "summary", debrief.SectionUpdate{Body: ptr("by " + who), Version: sec.Version})
			return err
		}, []string{ok, ok, ok, forbidden, forbidden, forbidden, notFound, forbidden, unauth}},
		{"restrict retrospective", func(w *world, ctx context.Context, _ string) error {
			r, err := w.svc.FindRetrospective(w.sys, w.incTeam.ID)
			if err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			r, err = w.svc.UpdateRetrospective(ctx, w.incTeam.ID, debrief.RetrospectiveUpdate{Restricted: ptr(true), Version: r.Version})
			if err != nil {
				return err
			}
			_, err = w.svc.UpdateRetrospective(w.sys, w.incTeam.ID, debrief.RetrospectiveUpdate{Restricted: ptr(false), Version: r.Version})
			return err
		}, []string{ok, ok, ok, forbidden, forbidden, forbidden, notFound, forbidden, unauth}},
		{"create in team", func(w *world, ctx context.Context, who string) error {
			return w.svc.CreateIncident(ctx, &debrief.Incident{Title: "by " + who, Team: "payments"}, "")
		}, []string{ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden, unauth}},
		{"manage team", func(w *world, ctx context.Context, who string) error {
			tm, err := w.svc.FindTeamBySlug(w.sys, "payments")
			if err != nil {
				return fmt.Errorf("setup: %w", err)
			}
			_, err = w.svc.UpdateTeam(ctx, tm.ID, app.TeamUpdate{Name: ptr("Payments by " + who), Version: tm.Version})
			return err
		}, []string{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden, unauth}},
		{"add team member", func(w *world, ctx context.Context, _ string) error {
			return w.svc.SetMember(ctx, &debrief.Membership{TeamID: w.payments.ID, UserID: w.users["other team"].ID, Role: debrief.RoleViewer})
		}, []string{ok, ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden, unauth}},
		{"create team", func(w *world, ctx context.Context, who string) error {
			return w.svc.CreateTeam(ctx, &debrief.Team{Name: "Team of " + who})
		}, []string{ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, unauth}},
		{"manage users", func(w *world, ctx context.Context, who string) error {
			return w.svc.CreateUser(ctx, &debrief.User{Email: debrief.Slug(who, 40) + "-made@example.com", Name: "Made by " + who}, "")
		}, []string{ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, unauth}},
		{"edit people", func(w *world, ctx context.Context, who string) error {
			return w.svc.CreatePerson(ctx, &debrief.Person{Name: "Added by " + who})
		}, []string{ok, ok, ok, ok, forbidden, forbidden, ok, forbidden, unauth}},
		{"read people", func(w *world, ctx context.Context, _ string) error {
			_, _, err := w.svc.FindPeople(ctx, debrief.PersonFilter{})
			return err
		}, []string{ok, ok, ok, ok, ok, ok, ok, ok, unauth}},
		{"read the whole audit log", func(w *world, ctx context.Context, _ string) error {
			_, err := w.svc.FindAudit(ctx, debrief.AuditFilter{})
			return err
		}, []string{ok, ok, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, unauth}},
		{"read team incident's audit log", func(w *world, ctx context.Context, _ string) error {
			_, err := w.svc.FindAudit(ctx, debrief.AuditFilter{IncidentID: &w.incTeam.ID})
			return err
		}, []string{ok, ok, ok, ok, ok, ok, notFound, ok, unauth}},
		{"delete other team's incident", func(w *world, ctx context.Context, _ string) error {
			return w.svc.DeleteIncident(ctx, w.incSearch.ID)
		}, []string{ok, ok, notFound, notFound, notFound, notFound, ok, notFound, unauth}},
	}
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		for _, o := range ops {
			if len(o.want) != len(actorNames) {
				t.Fatalf("%s: %d answers for %d actors", o.name, len(o.want), len(actorNames))
			}
		}
		// The deletion goes last for each actor, and the other team's
		// incident comes back for the next.
		for i, who := range actorNames {
			for _, o := range ops {
				err := o.do(w, w.actors[who], who)
				if got := debrief.ErrorCode(err); got != o.want[i] {
					t.Errorf("%s / %s: %v (code %q), want %q", who, o.name, err, got, o.want[i])
				}
				if o.name == "delete other team's incident" && err == nil {
					w.incSearch = e.incident("search", "")
				}
				if o.name == "add team member" && err == nil {
					if err := e.svc.RemoveMember(e.sys, w.payments.ID, w.users["other team"].ID); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	})
}

// FindIncidents lists only what the actor may see, and the total counts
// only that, whatever filter the caller passes.
func TestListsShowOnlyWhatTheActorMaySee(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		want := map[string][]int64{
			"org admin":       {w.incTeam.ID, w.incOrg.ID, w.incRestricted.ID, w.incSearch.ID},
			"editor":          {w.incTeam.ID, w.incOrg.ID, w.incRestricted.ID},
			"read-only token": {w.incTeam.ID, w.incOrg.ID, w.incRestricted.ID},
			"other team":      {w.incOrg.ID, w.incSearch.ID},
		}
		for who, ids := range want {
			// A caller's own Visible filter is overwritten, not trusted.
			f := debrief.IncidentFilter{Visible: &debrief.VisibleFilter{Teams: []string{"payments", "search"}}}
			incs, total, err := e.svc.FindIncidents(w.actors[who], f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, inc := range incs {
				got = append(got, inc.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, ids) || total != len(ids) {
				t.Errorf("%s sees %v (total %d), want %v", who, got, total, ids)
			}
			// Paging counts the same total.
			page, total, err := e.svc.FindIncidents(w.actors[who], debrief.IncidentFilter{Limit: 1})
			if err != nil || len(page) != 1 || total != len(ids) {
				t.Errorf("%s: page of 1: %d items, total %d, %v", who, len(page), total, err)
			}
		}
		if _, _, err := e.svc.FindIncidents(context.Background(), debrief.IncidentFilter{}); debrief.ErrorCode(err) != debrief.EUNAUTHORIZED {
			t.Errorf("no actor: %v", err)
		}

		// Action items across incidents: only those of incidents whose
		// write-up the actor may read, with exact totals and pages.
		for _, inc := range []*debrief.Incident{w.incTeam, w.incOrg, w.incRestricted, w.incSearch} {
			for i := range 2 {
				if err := e.svc.CreateAction(e.sys, &debrief.Action{IncidentID: inc.ID, Title: fmt.Sprintf("Fix %d.%d", inc.ID, i)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		wantActions := map[string][]int64{
			"org admin":  {w.incTeam.ID, w.incTeam.ID, w.incOrg.ID, w.incOrg.ID, w.incRestricted.ID, w.incRestricted.ID, w.incSearch.ID, w.incSearch.ID},
			"team admin": {w.incTeam.ID, w.incTeam.ID, w.incOrg.ID, w.incOrg.ID, w.incRestricted.ID, w.incRestricted.ID},
			"editor":     {w.incTeam.ID, w.incTeam.ID, w.incOrg.ID, w.incOrg.ID},
			"reader":     {w.incTeam.ID, w.incTeam.ID, w.incOrg.ID, w.incOrg.ID, w.incRestricted.ID, w.incRestricted.ID},
			"other team": {w.incOrg.ID, w.incOrg.ID, w.incSearch.ID, w.incSearch.ID},
		}
		for who, ids := range wantActions {
			acts, total, err := e.svc.FindActions(w.actors[who], debrief.ActionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, a := range acts {
				got = append(got, a.IncidentID)
			}
			if !slices.Equal(got, ids) || total != len(ids) {
				t.Errorf("%s: actions of incidents %v (total %d), want %v", who, got, total, ids)
			}
			page, total, err := e.svc.FindActions(w.actors[who], debrief.ActionFilter{Offset: 1, Limit: 2})
			if err != nil || total != len(ids) || len(page) != 2 || page[0].ID != acts[1].ID || page[1].ID != acts[2].ID {
				t.Errorf("%s: page 2 of 2: %d items, total %d, %v", who, len(page), total, err)
			}
		}
	})
}

// Changing an incident's team needs the right to open incidents in the new
// team too, and the team must exist.
func TestMoveIncidentBetweenTeams(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		editor := w.actors["editor"]
		_, err := e.svc.UpdateIncident(editor, w.incTeam.ID, debrief.IncidentUpdate{Team: ptr("search"), Version: w.version(w.incTeam.ID)})
		wantCode(t, err, debrief.EFORBIDDEN)
		_, err = e.svc.UpdateIncident(w.actors["org admin"], w.incTeam.ID, debrief.IncidentUpdate{Team: ptr("nowhere"), Version: w.version(w.incTeam.ID)})
		wantField(t, err, "team")
		if inc, _ := e.svc.FindIncidentByID(e.sys, w.incTeam.ID); inc.Team != "payments" {
			t.Fatalf("refused moves moved it to %q", inc.Team)
		}
		// An editor of both teams may move it.
		if err := e.svc.SetMember(e.sys, &debrief.Membership{TeamID: w.search.ID, UserID: w.users["editor"].ID, Role: debrief.RoleEditor}); err != nil {
			t.Fatal(err)
		}
		inc, err := e.svc.UpdateIncident(e.as(w.users["editor"]), w.incTeam.ID, debrief.IncidentUpdate{Team: ptr("search"), Version: w.version(w.incTeam.ID)})
		if err != nil || inc.Team != "search" {
			t.Fatalf("move: %v %+v", err, inc)
		}
		// It left the viewer's sight with its team.
		_, err = e.svc.FindIncidentByID(w.actors["viewer"], w.incTeam.ID)
		wantCode(t, err, debrief.ENOTFOUND)
	})
}

// Readers of a restricted write-up must be users, and only admins change
// who reads; sending the current values back is no change.
func TestRestrictedReaders(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		r, err := e.svc.FindRetrospective(e.sys, w.incRestricted.ID)
		if err != nil {
			t.Fatal(err)
		}
		lead := w.actors["team admin"]
		_, err = e.svc.UpdateRetrospective(lead, w.incRestricted.ID, debrief.RetrospectiveUpdate{Readers: &[]int64{w.users["reader"].ID, 4242}, Version: r.Version})
		wantField(t, err, "readers[1]")
		_, err = e.svc.UpdateRetrospective(lead, w.incRestricted.ID, debrief.RetrospectiveUpdate{Readers: &[]int64{w.users["viewer"].ID, w.users["viewer"].ID}, Version: r.Version})
		wantField(t, err, "readers[1]")
		r, err = e.svc.UpdateRetrospective(lead, w.incRestricted.ID, debrief.RetrospectiveUpdate{Readers: &[]int64{w.users["viewer"].ID}, Version: r.Version})
		if err != nil || !slices.Equal(r.Readers, []int64{w.users["viewer"].ID}) {
			t.Fatalf("readers: %v %+v", err, r)
		}
		if _, err := e.svc.FindRetrospective(w.actors["viewer"], w.incRestricted.ID); err != nil {
			t.Errorf("new reader: %v", err)
		}
		_, err = e.svc.FindRetrospective(w.actors["reader"], w.incRestricted.ID)
		wantCode(t, err, debrief.EFORBIDDEN)
		// The team admin makes the editor a reader; the editor, sending the
		// same restriction and readers back with a status change, needs no
		// right to restrict.
		r, err = e.svc.UpdateRetrospective(lead, w.incRestricted.ID, debrief.RetrospectiveUpdate{Readers: &[]int64{w.users["editor"].ID}, Version: r.Version})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.UpdateRetrospective(w.actors["editor"], w.incRestricted.ID, debrief.RetrospectiveUpdate{
			Restricted: ptr(true), Readers: &[]int64{w.users["editor"].ID}, Status: ptr(debrief.RetroInReview), Version: r.Version,
		})
		if err != nil {
			t.Fatalf("editor, same readers: %v", err)
		}
	})
}

// A team keeps at least one admin.
func TestLastTeamAdminStays(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		lead := w.users["team admin"]
		err := e.svc.SetMember(e.sys, &debrief.Membership{TeamID: w.payments.ID, UserID: lead.ID, Role: debrief.RoleEditor})
		wantField(t, err, "role")
		wantField(t, e.svc.RemoveMember(w.actors["org admin"], w.payments.ID, lead.ID), "role")
		wantField(t, e.svc.SetMember(e.sys, &debrief.Membership{TeamID: w.payments.ID, UserID: lead.ID, Role: "owner"}), "role")
		wantField(t, e.svc.SetMember(e.sys, &debrief.Membership{TeamID: w.payments.ID, UserID: 4242, Role: debrief.RoleViewer}), "user_id")
		// With a second admin, the first may step down.
		if err := e.svc.SetMember(w.actors["team admin"], &debrief.Membership{TeamID: w.payments.ID, UserID: w.users["editor"].ID, Role: debrief.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetMember(w.actors["team admin"], &debrief.Membership{TeamID: w.payments.ID, UserID: lead.ID, Role: debrief.RoleViewer}); err != nil {
			t.Fatal(err)
		}
		ms, err := e.svc.FindMembers(w.actors["viewer"], w.payments.ID)
		if err != nil {
			t.Fatal(err)
		}
		roles := map[int64]debrief.Role{}
		for _, m := range ms {
			roles[m.UserID] = m.Role
		}
		if roles[lead.ID] != debrief.RoleViewer || roles[w.users["editor"].ID] != debrief.RoleAdmin {
			t.Errorf("roles %v", roles)
		}
		wantCode(t, e.svc.RemoveMember(e.sys, w.payments.ID, w.users["other team"].ID), debrief.ENOTFOUND)
	})
}
