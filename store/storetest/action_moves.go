package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// FindActionStatusMoves: only the entries that moved the status, of the
// items asked for, by item and oldest first.
func testActionStatusMoves(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Moves")
	mk := func(title string) *debrief.Action {
		a := &debrief.Action{IncidentID: inc.ID, Title: title, Priority: "medium", Status: debrief.ActionProposed}
		noErr(t, s.CreateActionLogged(ctx, a, &debrief.ActionChange{Actor: "Ada", ToStatus: debrief.ActionProposed, At: base}), "CreateActionLogged")
		return a
	}
	move := func(a *debrief.Action, to debrief.ActionStatus, at time.Time) {
		from := a.Status
		a.Status = to
		noErr(t, s.UpdateActionLogged(ctx, a, &debrief.ActionChange{Actor: "Ada", FromStatus: from, ToStatus: to, At: at}), "UpdateActionLogged")
	}
	a, b, c := mk("a"), mk("b"), mk("c")
	move(a, debrief.ActionDone, base.Add(time.Hour))
	a.Title = "a, renamed" // a change that moves no status
	noErr(t, s.UpdateActionLogged(ctx, a, &debrief.ActionChange{Actor: "Ada", FromStatus: a.Status, ToStatus: a.Status}), "UpdateActionLogged")
	move(b, debrief.ActionInProgress, base.Add(2*time.Hour))
	move(a, debrief.ActionInProgress, base.Add(3*time.Hour))
	move(c, debrief.ActionDropped, base.Add(4*time.Hour))

	got, err := s.FindActionStatusMoves(ctx, []int64{b.ID, a.ID})
	noErr(t, err, "FindActionStatusMoves")
	type mv struct {
		id       int64
		from, to debrief.ActionStatus
	}
	var seen []mv
	for _, ch := range got {
		seen = append(seen, mv{ch.ActionID, ch.FromStatus, ch.ToStatus})
	}
	want := []mv{{a.ID, "", debrief.ActionProposed}, {a.ID, debrief.ActionProposed, debrief.ActionDone},
		{a.ID, debrief.ActionDone, debrief.ActionInProgress},
		{b.ID, "", debrief.ActionProposed}, {b.ID, debrief.ActionProposed, debrief.ActionInProgress}}
	same(t, seen, want, "moves")
	if !got[1].At.Equal(micro(base.Add(time.Hour))) {
		t.Fatalf("at %v", got[1].At)
	}
	none, err := s.FindActionStatusMoves(ctx, nil)
	noErr(t, err, "FindActionStatusMoves of nothing")
	if len(none) != 0 {
		t.Fatalf("moves of nothing: %s", dump(none))
	}
}

// FollowupFilter.SyncPending keeps the items waiting for their tracker.
func testActionSyncPendingFilter(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Pending")
	a := newAction(t, s, inc.ID, "waiting")
	newAction(t, s, inc.ID, "in step")
	a.SyncState, a.SyncError = debrief.SyncPending, "tracker answered 503"
	noErr(t, s.UpdateAction(ctx, a), "UpdateAction")
	got, total, err := s.FindActions(ctx, debrief.ActionFilter{IncidentID: &inc.ID, Limit: 10,
		FollowupFilter: debrief.FollowupFilter{SyncPending: true}})
	noErr(t, err, "FindActions")
	if total != 1 || len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("sync pending: %d %s", total, dump(got))
	}
}
