package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// What the tracker says about a ticket, settled by the conflict rule and
// recorded in the history.
func TestTicketSyncRules(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx, svc := e.sys, e.svc
		inc := mustIncident(t, e)
		a := &debrief.Action{IncidentID: inc.ID, Title: "Alert on replication lag", Status: debrief.ActionInProgress}
		if err := svc.CreateAction(ctx, a); err != nil {
			t.Fatal(err)
		}
		// A user may not pretend to be the tracker.
		u := e.user("ed", false, nil)
		_, err := svc.ApplyTicketSync(e.as(u), inc.ID, a.ID, app.TicketSync{State: "closed"})
		wantCode(t, err, debrief.EFORBIDDEN)

		// The ticket is made: its link and key are recorded, nothing moves.
		now := e.clock.Now()
		res, err := svc.ApplyTicketSync(ctx, inc.ID, a.ID, app.TicketSync{Tracker: "github", URL: "https://github.com/acme/db/issues/7",
			Key: "acme/db#7", State: "open", UpdatedAt: now})
		if err != nil || res.Push || res.Action.TicketKey != "acme/db#7" || res.Action.SyncState != debrief.SyncOK || res.Action.Status != debrief.ActionInProgress {
			t.Fatalf("created: %v %+v", err, res)
		}
		// A failure marks it pending with the reason; the next success clears it.
		if err := svc.MarkSyncPending(ctx, inc.ID, a.ID, "github answered 502 Bad Gateway; retrying at 10:02"); err != nil {
			t.Fatal(err)
		}
		got, _ := svc.FindActionByID(ctx, inc.ID, a.ID)
		if got.SyncState != debrief.SyncPending || !strings.Contains(got.SyncError, "502") {
			t.Fatalf("pending: %+v", got)
		}
		// Only the ticket changed: closed as completed -> done.
		e.clock.Advance(time.Minute)
		res, err = svc.ApplyTicketSync(ctx, inc.ID, a.ID, app.TicketSync{Tracker: "github", State: "closed", Status: debrief.ActionDone, UpdatedAt: e.clock.Now()})
		if err != nil || res.Action.Status != debrief.ActionDone || res.Action.SyncState != debrief.SyncOK || res.Action.SyncError != "" || res.Push {
			t.Fatalf("closed: %v %+v", err, res.Action)
		}
		// Only Debrief changed (reopened): the ticket must follow.
		e.clock.Advance(time.Minute)
		upd, err := svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionInProgress), Version: res.Action.Version})
		if err != nil {
			t.Fatal(err)
		}
		res, err = svc.ApplyTicketSync(ctx, inc.ID, a.ID, app.TicketSync{Tracker: "github", State: "closed", Status: debrief.ActionDone, UpdatedAt: e.clock.Now().Add(-time.Minute)})
		if err != nil || !res.Push || res.Action.Status != debrief.ActionInProgress {
			t.Fatalf("debrief ahead: %v %+v", err, res)
		}
		// Both changed: the item is dropped in Debrief, later the ticket is
		// reopened: the later change (the ticket's) wins, and it is said.
		e.clock.Advance(time.Minute)
		if upd, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionDone), Version: res.Action.Version}); err != nil {
			t.Fatal(err)
		}
		res, err = svc.ApplyTicketSync(ctx, inc.ID, a.ID, app.TicketSync{Tracker: "github", State: "open", Status: debrief.ActionInProgress,
			UpdatedAt: upd.UpdatedAt.Add(time.Hour)})
		if err != nil || res.Push || res.Action.Status != debrief.ActionInProgress || !strings.Contains(res.Note, "the later change wins: the ticket's") {
			t.Fatalf("conflict, ticket later: %v %+v", err, res)
		}
		// Both changed again, Debrief later: Debrief wins and the ticket follows.
		e.clock.Advance(time.Minute)
		if upd, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionDone), Version: res.Action.Version}); err != nil {
			t.Fatal(err)
		}
		res, err = svc.ApplyTicketSync(ctx, inc.ID, a.ID, app.TicketSync{Tracker: "github", State: "closed_wontfix", Status: debrief.ActionDropped,
			UpdatedAt: upd.UpdatedAt.Add(-time.Hour)})
		if err != nil || !res.Push || res.Action.Status != debrief.ActionDone || !strings.Contains(res.Note, "Debrief's") {
			t.Fatalf("conflict, debrief later: %v %+v", err, res)
		}
		hist, err := svc.FindActionHistory(ctx, inc.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var notes []string
		for _, h := range hist {
			if strings.Contains(h.Note, "Sync conflict") {
				notes = append(notes, h.Note)
			}
		}
		if len(notes) != 2 {
			t.Fatalf("conflict decisions in the history: %q", notes)
		}
	})
}
