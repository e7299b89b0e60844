package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestMarkdownExport(t *testing.T) {
	e := newEnv(t)
	e.newTeam("payments", debrief.VisibleToTeam)
	ada := e.person("Ada Lovelace", "ada")
	bob := e.person("Bob Ross", "bob")
	inc := e.incident(map[string]any{
		"title":        "Checkout outage: card | payments",
		"severity":     "SEV2",
		"status":       "resolved",
		"services":     []string{"checkout", "payments"},
		"team":         "payments",
		"time_zone":    "Europe/Copenhagen",
		"commander_id": ada.ID,
		"responders":   []map[string]any{{"person_id": bob.ID, "role": "Scribe"}},
		"milestones": map[string]any{
			"started":   "2024-05-01T13:58:00Z",
			"detected":  "2024-05-01T14:03:00Z",
			"mitigated": "2024-05-01T15:29:00Z",
			"resolved":  "2024-05-02T09:00:00Z",
		},
	})
	incPath := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	// Events out of time order, one hidden, one starred with its evidence.
	e.event(inc.ID, map[string]any{"at": "2024-05-01T15:29:00Z", "text": "Rolled back to v41; errors stop."})
	e.event(inc.ID, map[string]any{"at": "2024-05-01T14:03:00Z", "text": "Error rate alert fires.", "kind": "alert",
		"author": "PagerDuty", "source": "pagerduty", "url": "https://pd.example.com/i/1", "starred": true})
	e.event(inc.ID, map[string]any{"at": "2024-05-01T14:10:00Z", "text": "lunch order for the war room", "hidden": true})
	e.event(inc.ID, map[string]any{"at": "2024-05-01T13:58:30+00:00", "text": "Deploy of checkout v42."})
	want[struct{}](t, e.do("PATCH", incPath+"/retrospective/sections/summary",
		map[string]any{"body": "A bad deploy broke card payments for 91 minutes.", "version": 1}), 200)
	e.action(inc.ID, map[string]any{"title": "Canary deploys for checkout", "definition_of_done": "every deploy canaried",
		"owner_id": ada.ID, "priority": "high", "due_date": "2024-06-01", "ticket_url": "https://jira.example.com/PAY-7"})
	e.action(inc.ID, map[string]any{"title": "Page on card | error rate", "status": "dropped", "drop_reason": "Covered by SLO alerts"})

	r := e.do("GET", incPath+"/retrospective.md", nil)
	if r.status != 200 {
		t.Fatalf("export: %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/markdown; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	wantCD := fmt.Sprintf(`attachment; filename="incident-%d-checkout-outage-card-payments.md"`, inc.ID)
	if cd := r.header.Get("Content-Disposition"); cd != wantCD {
		t.Errorf("Content-Disposition %q, want %q", cd, wantCD)
	}
	md := string(r.body)

	// In order: the title, the metadata table, the sections, the timeline,
	// the actions.
	inOrder(t, md,
		"# Checkout outage: card | payments\n",
		fmt.Sprintf("| Incident | #%d |\n", inc.ID),
		"| Severity | SEV2 |\n",
		"| Status | Resolved |\n",
		"| Services | checkout, payments |\n",
		"| Team | payments |\n",
		"| Incident commander | Ada Lovelace (@ada) |\n",
		"| Responders | Bob Ross (@bob), Scribe |\n",
		"| Retrospective status | Draft |\n",
		"| Started | 2024-05-01 15:58 CEST (UTC+02:00) |\n",
		"| Detected | 2024-05-01 16:03 CEST (UTC+02:00) |\n",
		"| Mitigated | 2024-05-01 17:29 CEST (UTC+02:00) |\n",
		"| Resolved | 2024-05-02 11:00 CEST (UTC+02:00) |\n",
		"| Time to detect | 5m |\n",
		"| Time to mitigate | 1h 31m |\n",
		"## Summary\n\nA bad deploy broke card payments for 91 minutes.\n",
		"## Timeline\n",
		"- **2024-05-01 15:58:30 CEST (UTC+02:00)** Deploy of checkout v42.\n",
		"- **2024-05-01 16:03 CEST (UTC+02:00)** ★ Error rate alert fires. ([PagerDuty, pagerduty](<https://pd.example.com/i/1>))\n",
		"- **2024-05-01 17:29 CEST (UTC+02:00)** Rolled back to v41; errors stop.\n",
		"## What went well\n\n_Not written yet._\n",
		"## Recommendations\n",
		"| # | Action | Owner | Priority | Due | Status | Ticket |\n",
		"| 1 | Canary deploys for checkout (done when: every deploy canaried) | Ada Lovelace (@ada) | High | 2024-06-01 | Proposed | [ticket](<https://jira.example.com/PAY-7>) |\n",
		`| 2 | Page on card \| error rate |  | Medium |  | Dropped: Covered by SLO alerts (decided by Test Admin) |  |`+"\n",
	)
	for _, absent := range []string{"lunch order", "## Impact", "## What did not happen", "Time to resolve | 0"} {
		if strings.Contains(md, absent) {
			t.Errorf("export holds %q:\n%s", absent, md)
		}
	}
	if t.Failed() {
		t.Logf("export:\n%s", md)
	}
}

// inOrder checks that md holds every part, each after the one before.
func inOrder(t *testing.T, md string, parts ...string) {
	t.Helper()
	rest := md
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			if strings.Contains(md, p) {
				t.Errorf("export holds %q, but out of order", p)
			} else {
				t.Errorf("export lacks %q", p)
			}
			continue
		}
		rest = rest[i+len(p):]
	}
}
