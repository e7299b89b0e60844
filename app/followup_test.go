package app_test

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// The lifecycle of an action item: planning needs an owner and a date,
// dropping records why and who decided, verification comes after done,
// every change is kept as history.
func TestActionLifecycle(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx, svc := e.sys, e.svc
		inc := mustIncident(t, e)
		ada := &debrief.Person{Name: "Ada"}
		if err := svc.CreatePerson(ctx, ada); err != nil {
			t.Fatal(err)
		}
		// Created planned without a commitment: refused, nothing written.
		wantField(t, svc.CreateAction(ctx, &debrief.Action{IncidentID: inc.ID, Title: "x", Status: debrief.ActionPlanned}), "owner_id")
		wantField(t, svc.CreateAction(ctx, &debrief.Action{IncidentID: inc.ID, Title: "x", Status: debrief.ActionPlanned, OwnerID: &ada.ID}), "due_date")
		a := &debrief.Action{IncidentID: inc.ID, Title: "Add a canary stage", TicketURL: "https://acme.atlassian.net/browse/OPS-123"}
		if err := svc.CreateAction(ctx, a); err != nil {
			t.Fatal(err)
		}
		if a.TicketKey != "OPS-123" || a.ClosedAt != nil || a.Overdue {
			t.Fatalf("created: %+v", a)
		}
		// proposed -> planned needs the owner and the date.
		_, err := svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionPlanned), Version: a.Version})
		wantField(t, err, "owner_id")
		_, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionPlanned), OwnerID: &ada.ID, Version: a.Version})
		wantField(t, err, "due_date")
		yesterday := e.clock.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
		a, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionPlanned), OwnerID: &ada.ID,
			DueDate: ptr(yesterday), Note: ptr("agreed at the review"), Version: a.Version})
		if err != nil {
			t.Fatal(err)
		}
		if !a.Overdue {
			t.Errorf("planned, due yesterday, not overdue: %+v", a)
		}
		// A planned item keeps its commitment.
		_, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{OwnerID: ptr(int64(0)), Version: a.Version})
		wantField(t, err, "owner_id")
		// Verification only after done.
		_, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Verified: ptr(true), Version: a.Version})
		wantField(t, err, "verified")
		a, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionDone), Version: a.Version})
		if err != nil || a.ClosedAt == nil || a.Overdue {
			t.Fatalf("done: %v %+v", err, a)
		}
		a, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Verified: ptr(true), VerifiedNote: ptr("No repeat in 30 days."), Version: a.Version})
		if err != nil || a.VerifiedAt == nil || a.VerifiedBy == "" || a.VerifiedNote != "No repeat in 30 days." {
			t.Fatalf("verify: %v %+v", err, a)
		}
		// Reopening clears the close and the verification.
		a, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionInProgress), Version: a.Version})
		if err != nil || a.ClosedAt != nil || a.VerifiedAt != nil || a.VerifiedNote != "" {
			t.Fatalf("reopen: %v %+v", err, a)
		}
		// Dropping: the reason is required, who decided is recorded (the
		// actor unless named).
		_, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionDropped), Version: a.Version})
		wantField(t, err, "drop_reason")
		a, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionDropped),
			DropReason: ptr("The service is retired."), DroppedBy: ptr("The review meeting"), Version: a.Version})
		if err != nil || a.DroppedBy != "The review meeting" || a.ClosedAt == nil {
			t.Fatalf("drop: %v %+v", err, a)
		}

		hist, err := svc.FindActionHistory(ctx, inc.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var moves []string
		for _, h := range hist {
			moves = append(moves, string(h.FromStatus)+">"+string(h.ToStatus))
		}
		want := []string{">proposed", "proposed>planned", "planned>done", "done>done", "done>in_progress", "in_progress>dropped"}
		if len(moves) != len(want) {
			t.Fatalf("history moves %v, want %v", moves, want)
		}
		for i := range want {
			if moves[i] != want[i] {
				t.Fatalf("history moves %v, want %v", moves, want)
			}
		}
		if hist[1].Note != "agreed at the review" || hist[1].Actor == "" {
			t.Errorf("planning entry: %+v", hist[1])
		}
		fields := map[string]debrief.FieldChange{}
		for _, c := range hist[5].Changes {
			fields[c.Field] = c
		}
		if fields["drop_reason"].To != "The service is retired." || fields["dropped_by"].To != "The review meeting" || fields["status"].From != "in_progress" {
			t.Errorf("drop entry: %+v", hist[5].Changes)
		}
	})
}

// The board's filters across incidents, with the lookup from a ticket.
func TestActionBoardAndTicketLookup(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		mk := func(inc *debrief.Incident, title, due, url string) *debrief.Action {
			a := &debrief.Action{IncidentID: inc.ID, Title: title, DueDate: due, TicketURL: url}
			if err := e.svc.CreateAction(e.sys, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		late := mk(w.incTeam, "late", "2020-01-01", "https://github.com/acme/pay/issues/7")
		mk(w.incOrg, "later", "2999-01-01", "")
		mk(w.incRestricted, "secret late", "2020-01-01", "https://acme.atlassian.net/browse/SEC-9")
		mk(w.incSearch, "search late", "2020-01-01", "")

		titles := func(ctx interface{}, f debrief.ActionFilter) []string {
			t.Helper()
			as, n, err := e.svc.FindActions(w.actors[ctx.(string)], f)
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, a := range as {
				out = append(out, a.Title)
			}
			if n != len(out) {
				t.Fatalf("total %d for %v", n, out)
			}
			return out
		}
		overdue := debrief.ActionFilter{FollowupFilter: debrief.FollowupFilter{Overdue: ptr(true)}}
		eq := func(got []string, want ...string) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("got %v, want %v", got, want)
				}
			}
		}
		eq(titles("org admin", overdue), "late", "secret late", "search late")
		eq(titles("editor", overdue), "late")
		eq(titles("team admin", overdue), "late", "secret late")
		eq(titles("other team", overdue), "search late")
		team := debrief.ActionFilter{FollowupFilter: debrief.FollowupFilter{Overdue: ptr(true), Team: ptr("payments")}}
		eq(titles("other team", team))
		// From a ticket, by key or by URL, to the item and its incident.
		byKey := debrief.ActionFilter{FollowupFilter: debrief.FollowupFilter{Ticket: ptr("acme/pay#7")}}
		eq(titles("editor", byKey), "late")
		byURL := debrief.ActionFilter{FollowupFilter: debrief.FollowupFilter{Ticket: ptr("https://github.com/acme/pay/issues/7")}}
		as, _, err := e.svc.FindActions(w.actors["viewer"], byURL)
		if err != nil || len(as) != 1 || as[0].ID != late.ID || as[0].IncidentID != w.incTeam.ID || !as[0].Overdue {
			t.Fatalf("by URL: %v %+v", err, as)
		}
		// A restricted one's ticket is not found by those who may not read it.
		sec := debrief.ActionFilter{FollowupFilter: debrief.FollowupFilter{Ticket: ptr("SEC-9")}}
		eq(titles("editor", sec))
		eq(titles("reader", sec), "secret late")
	})
}

func TestRecurringActionLinks(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		a := &debrief.Action{IncidentID: w.incRestricted.ID, Title: "Tracking: DNS flaps"}
		if err := e.svc.CreateAction(e.sys, a); err != nil {
			t.Fatal(err)
		}
		// An editor who cannot read the restricted write-up cannot link its item.
		err := e.svc.LinkAction(w.actors["editor"], w.incTeam.ID, w.incRestricted.ID, a.ID)
		wantCode(t, err, debrief.EFORBIDDEN)
		// A viewer may read but not change the linking write-up.
		wantCode(t, e.svc.LinkAction(w.actors["reader"], w.incTeam.ID, w.incRestricted.ID, a.ID), debrief.EFORBIDDEN)
		lead := w.actors["team admin"]
		if err := e.svc.LinkAction(lead, w.incTeam.ID, w.incRestricted.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.LinkAction(lead, w.incOrg.ID, w.incRestricted.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		wantField(t, e.svc.LinkAction(lead, w.incRestricted.ID, w.incRestricted.ID, a.ID), "action_id")
		for _, inc := range []*debrief.Incident{w.incTeam, w.incOrg} {
			got, err := e.svc.FindLinkedActions(lead, inc.ID)
			if err != nil || len(got) != 1 || got[0].ID != a.ID {
				t.Fatalf("linked from %d: %v %+v", inc.ID, err, got)
			}
		}
		// Each linking retrospective shows it, to those who may read the item.
		if got, err := e.svc.FindLinkedActions(w.actors["editor"], w.incTeam.ID); err != nil || len(got) != 0 {
			t.Fatalf("editor sees a restricted linked item: %v %+v", err, got)
		}
		got, err := e.svc.FindActionByID(lead, w.incRestricted.ID, a.ID)
		if err != nil || len(got.LinkedIncidentIDs) != 2 {
			t.Fatalf("linked ids: %v %+v", err, got)
		}
		if err := e.svc.UnlinkAction(lead, w.incOrg.ID, w.incRestricted.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		entries, err := e.svc.FindAudit(e.sys, debrief.AuditFilter{IncidentID: &w.incOrg.ID})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, en := range entries {
			seen[en.Action] = true
		}
		if !seen["action.link"] || !seen["action.unlink"] {
			t.Errorf("audit of incident %d: %v", w.incOrg.ID, seen)
		}
	})
}

func TestTicketKey(t *testing.T) {
	for in, want := range map[string]string{
		"https://acme.atlassian.net/browse/OPS-123":                                          "OPS-123",
		"https://acme.atlassian.net/browse/OPS-123/":                                         "OPS-123",
		"https://acme.atlassian.net/jira/software/projects/OPS/boards/1?selectedIssue=OPS-9": "OPS-9",
		"https://github.com/debrief-oss/debrief/issues/8":                                    "debrief-oss/debrief#8",
		"https://github.com/debrief-oss/debrief/pull/12":                                     "debrief-oss/debrief#12",
		"https://tickets.example/OPS-1":                                                      "",
		"OPS-123":                                                                            "",
		"":                                                                                   "",
	} {
		if got := app.TicketKey(in); got != want {
			t.Errorf("TicketKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := app.NormalizeTicket(" https://github.com/a/b/issues/3 "); got != "a/b#3" {
		t.Errorf("NormalizeTicket = %q", got)
	}
}
