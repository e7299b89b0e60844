package api_test

import (
	"context"
	"testing"

	"github.com/debrief-oss/debrief"
)

// GET /actions?sync=pending: the items waiting for their tracker.
func TestActionsSyncPendingFilter(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Checkout down"})
	pending := e.action(inc.ID, map[string]any{"title": "Pending"})
	e.action(inc.ID, map[string]any{"title": "Fine"})
	ctx := context.Background()
	stored, err := e.store.FindActionByID(ctx, inc.ID, pending.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored.SyncState, stored.SyncError = debrief.SyncPending, "github answered 503; retrying with backoff"
	if err := e.store.UpdateAction(ctx, stored); err != nil {
		t.Fatal(err)
	}
	l := want[list[debrief.Action]](t, e.do("GET", "/api/v1/actions?sync=pending", nil), 200)
	if l.Total != 1 || l.Items[0].ID != pending.ID || l.Items[0].SyncState != debrief.SyncPending {
		t.Fatalf("sync=pending: %+v", l)
	}
	wantError(t, e.do("GET", "/api/v1/actions?sync=ok", nil), 400, "invalid", "sync")
}
