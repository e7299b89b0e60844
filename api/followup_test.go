package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/debrief-oss/debrief"
)

// The follow-up board's filters, the lookup from a ticket, an item's
// history and recurring links, through the API.
func TestFollowupBoardAPI(t *testing.T) {
	e := newEnv(t)
	ada := e.person("Ada Lovelace", "ada")
	pay := e.newTeam("payments", debrief.VisibleToTeam)
	e.join(e.admin, pay, debrief.RoleAdmin)
	one := e.incident(map[string]any{"title": "Checkout down", "team": "payments", "severity": "SEV1", "services": []string{"checkout"}})
	two := e.incident(map[string]any{"title": "Search slow", "severity": "SEV3", "services": []string{"search"}})
	late := e.action(one.ID, map[string]any{"title": "Late", "owner_id": ada.ID, "status": "planned", "due_date": "2020-01-02",
		"priority": "high", "ticket_url": "https://acme.atlassian.net/browse/OPS-123"})
	soon := e.action(one.ID, map[string]any{"title": "Soon", "due_date": "2999-01-01"})
	other := e.action(two.ID, map[string]any{"title": "Other", "due_date": "2020-01-01", "ticket_url": "https://github.com/acme/search/issues/4"})
	if !late.Overdue || late.TicketKey != "OPS-123" || soon.Overdue {
		t.Fatalf("created: %+v %+v", late, soon)
	}

	ids := func(query string) []int64 {
		t.Helper()
		l := want[list[debrief.Action]](t, e.do("GET", "/api/v1/actions?"+query, nil), 200)
		out := []int64{}
		for _, a := range l.Items {
			out = append(out, a.ID)
		}
		if l.Total != len(out) {
			t.Fatalf("%s: total %d for %d items", query, l.Total, len(out))
		}
		return out
	}
	for q, w := range map[string][]int64{
		"overdue=true&team=payments": {late.ID},
		"overdue=true":               {late.ID, other.ID},
		"overdue=true&sort=due":      {other.ID, late.ID},
		"overdue=false":              {soon.ID},
		"priority=high":              {late.ID},
		"severity=SEV3":              {other.ID},
		"service=checkout":           {late.ID, soon.ID},
		"ticket=OPS-123":             {late.ID},
		"ticket=" + url.QueryEscape("https://acme.atlassian.net/browse/OPS-123"): {late.ID},
		"ticket=" + url.QueryEscape("acme/search#4"):                             {other.ID},
		"due_before=2020-01-01":                                                  {other.ID},
		"team=nowhere":                                                           {},
	} {
		if got := ids(q); !slices.Equal(got, w) {
			t.Errorf("%s: %v, want %v", q, got, w)
		}
	}
	wantError(t, e.do("GET", "/api/v1/actions?overdue=yes", nil), 400, "invalid", "overdue")
	wantError(t, e.do("GET", "/api/v1/actions?due_before=tomorrow", nil), 400, "invalid", "due_before")
	wantError(t, e.do("GET", "/api/v1/actions?sort=owner", nil), 400, "invalid", "sort")
	wantError(t, e.do("GET", "/api/v1/actions?priority=urgent", nil), 400, "invalid", "priority")

	// Planning needs the commitment; dropping records who decided.
	base := fmt.Sprintf("/api/v1/incidents/%d/actions/%d", one.ID, soon.ID)
	wantError(t, e.do("PATCH", base, map[string]any{"status": "planned", "version": soon.Version}), 400, "invalid", "owner_id")
	dropped := want[debrief.Action](t, e.do("PATCH", base, map[string]any{"status": "dropped", "drop_reason": "Not needed after the redesign.",
		"note": "decided at the review", "version": soon.Version}), 200)
	if dropped.DroppedBy != "Test Admin" || dropped.ClosedAt == nil {
		t.Fatalf("dropped: %+v", dropped)
	}
	hist := want[struct{ Items []debrief.ActionChange }](t, e.do("GET", base+"/history", nil), 200)
	if len(hist.Items) != 2 || hist.Items[1].ToStatus != debrief.ActionDropped || hist.Items[1].Note != "decided at the review" {
		t.Fatalf("history: %+v", hist.Items)
	}
	wantError(t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/actions/999/history", one.ID), nil), 404, "not_found", "")

	// No tracker is configured on this server: asking for a ticket says so.
	wantError(t, e.do("POST", fmt.Sprintf("/api/v1/incidents/%d/actions/%d/ticket", one.ID, late.ID), map[string]any{"tracker": "github"}), 400, "invalid", "ticket_url")
	wantError(t, e.do("POST", fmt.Sprintf("/api/v1/incidents/%d/actions/%d/ticket", two.ID, other.ID), map[string]any{"tracker": "github"}), 400, "invalid", "ticket_url")
	wantError(t, e.do("POST", base+"/ticket", map[string]any{"tracker": "github"}), 400, "invalid", "tracker")
	wantError(t, e.do("POST", base+"/ticket", map[string]any{"tracker": "gitlab"}), 400, "invalid", "tracker")

	// A recurring item: linked from the other incident's retrospective.
	links := fmt.Sprintf("/api/v1/incidents/%d/linked-actions", two.ID)
	link := fmt.Sprintf("%s/%d", links, late.ID)
	if r := e.do("PUT", link, map[string]any{"incident_id": one.ID}); r.status != 204 {
		t.Fatalf("link: %d %s", r.status, r.body)
	}
	linked := want[struct{ Items []debrief.Action }](t, e.do("GET", links, nil), 200)
	if len(linked.Items) != 1 || linked.Items[0].ID != late.ID || !slices.Equal(linked.Items[0].LinkedIncidentIDs, []int64{two.ID}) {
		t.Fatalf("linked: %+v", linked.Items)
	}
	wantError(t, e.do("PUT", link, map[string]any{}), 400, "invalid", "incident_id")
	wantError(t, e.do("PUT", link, map[string]any{"incident_id": 999}), 404, "not_found", "")
	wantError(t, e.do("PUT", link, map[string]any{"incident": one.ID}), 400, "invalid", "incident")
	if r := e.do("DELETE", fmt.Sprintf("%s?incident_id=%d", link, one.ID), nil); r.status != 204 {
		t.Fatalf("unlink: %d %s", r.status, r.body)
	}
	wantError(t, e.do("DELETE", fmt.Sprintf("%s?incident_id=%d", link, one.ID), nil), 404, "not_found", "")
	wantError(t, e.do("DELETE", link, nil), 400, "invalid", "incident_id")
}
