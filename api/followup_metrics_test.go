package api_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

// The follow-through metrics through the API: the figures of the page, over
// the items each caller may read, every answer checked against openapi.yaml.
func TestActionMetricsAPI(t *testing.T) {
	e := newEnv(t)
	pay := e.newTeam("payments", debrief.VisibleToTeam)
	e.join(e.admin, pay, debrief.RoleAdmin)
	ops := e.incident(map[string]any{"title": "Checkout down", "severity": "SEV1"})
	payInc := e.incident(map[string]any{"title": "Refunds stuck", "team": "payments", "severity": "SEV2"})
	quick := e.action(ops.ID, map[string]any{"title": "Quick"})
	e.action(ops.ID, map[string]any{"title": "Open"})
	e.action(payInc.ID, map[string]any{"title": "Payments open"})

	e.clock.advance(10 * 24 * time.Hour)
	want[debrief.Action](t, e.do("PATCH", fmt.Sprintf("/api/v1/incidents/%d/actions/%d", ops.ID, quick.ID),
		map[string]any{"status": "done", "version": quick.Version}), 200)
	e.clock.advance(30 * 24 * time.Hour) // day 40

	m := want[debrief.FollowupMetrics](t, e.do("GET", "/api/v1/actions/metrics?weeks=8", nil), 200)
	if len(m.Backlog) != 8 || m.Backlog[7].Open != 2 || len(m.Completion) != 5 {
		t.Fatalf("metrics: %+v", m)
	}
	all := m.Completion[0]
	if all.By != "all" || all.Eligible[0] != 3 || all.Within[0] < 0.33 || all.Within[0] > 0.34 || all.Eligible[1] != 0 {
		t.Fatalf("completion: %+v", m.Completion)
	}
	if m.Ages[1].Count != 2 || m.OldestOpenDays != 40 {
		t.Fatalf("ages: %+v, oldest %d", m.Ages, m.OldestOpenDays)
	}
	byTeam := want[debrief.FollowupMetrics](t, e.do("GET", "/api/v1/actions/metrics?team=payments", nil), 200)
	if len(byTeam.Backlog) != 26 || byTeam.Backlog[25].Open != 1 || byTeam.Completion[1].Group != "payments" {
		t.Fatalf("payments: %+v", byTeam)
	}
	// A viewer of payments with a read-only token: its items only; asking
	// for another team's gives empty figures, not a refusal.
	viewer := e.newUser("Vera Viewer", map[*debrief.Team]debrief.Role{pay: debrief.RoleViewer})
	ro := e.newToken(viewer.User, debrief.ScopeRead, nil)
	mine := want[debrief.FollowupMetrics](t, e.doAs(ro, "GET", "/api/v1/actions/metrics", nil), 200)
	if mine.Backlog[25].Open != 1 || mine.Completion[0].Eligible[0] != 1 {
		t.Fatalf("viewer: %+v", mine)
	}
	theirs := want[debrief.FollowupMetrics](t, e.doAs(ro, "GET", "/api/v1/actions/metrics?team=ops", nil), 200)
	if len(theirs.Completion) != 0 || theirs.Backlog[25].Open != 0 {
		t.Fatalf("viewer asking for ops: %+v", theirs)
	}
	wantError(t, e.do("GET", "/api/v1/actions/metrics?weeks=0", nil), 400, "invalid", "weeks")
	wantError(t, e.do("GET", "/api/v1/actions/metrics?weeks=261", nil), 400, "invalid", "weeks")
	wantError(t, e.do("GET", "/api/v1/actions/metrics?status=done", nil), 400, "invalid", "status")
	if r := e.send(req{method: "GET", path: "/api/v1/actions/metrics", anonymous: true}); r.status != 401 {
		t.Fatalf("anonymous: %d", r.status)
	}
}
