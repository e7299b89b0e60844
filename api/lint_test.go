package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

type lintAnswer struct {
	IncidentID int64 `json:"incident_id"`
	Errors     int   `json:"errors"`
	Warnings   int   `json:"warnings"`
	Infos      int   `json:"infos"`
	Findings   []struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		Location struct {
			Section string `json:"section"`
			Line    int    `json:"line"`
			EventID int64  `json:"event_id"`
		} `json:"location"`
		Message, Why, Fix string
	} `json:"findings"`
}

func TestLintRetrospective(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Checkout outage"})
	incPath := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	want[struct{}](t, e.do("PATCH", incPath+"/retrospective/sections/analysis",
		map[string]any{"body": "The deploy went out.\nIt was human error, `human error` in code is fine.", "version": 1}), 200)
	ev := e.event(inc.ID, map[string]any{"at": "2024-05-01T14:03:00Z", "text": "The root cause was found."})

	got := want[lintAnswer](t, e.do("GET", incPath+"/lint", nil), 200)
	if got.IncidentID != inc.ID || got.Errors == 0 || len(got.Findings) != got.Errors+got.Warnings+got.Infos {
		t.Fatalf("answer %+v", got)
	}
	var human, root bool
	for _, f := range got.Findings {
		if f.Rule == "blame/human-error" {
			human = f.Location.Section == "analysis" && f.Location.Line == 2 && f.Severity == "error" && f.Why != "" && f.Fix != ""
			if !strings.HasPrefix(f.Message, `"human error" names a person as the cause: "It was human error`) {
				t.Errorf("message %q", f.Message)
			}
		}
		if f.Rule == "blame/root-cause" {
			root = f.Location.Section == "timeline" && f.Location.EventID == ev.ID
		}
	}
	if !human || !root {
		t.Errorf("human error found at its line: %v; root cause at its event: %v; %+v", human, root, got.Findings)
	}

	// Access: as for reading the retrospective.
	blue := e.newTeam("blue", debrief.VisibleToTeam)
	ann := e.newUser("Ann Outsider", map[*debrief.Team]debrief.Role{blue: debrief.RoleAdmin})
	wantError(t, e.doAs(ann.token, "GET", incPath+"/lint", nil), 404, "not_found", "")
	wantError(t, e.do("GET", "/api/v1/incidents/999999/lint", nil), 404, "not_found", "")
	wantError(t, e.do("GET", "/api/v1/incidents/x/lint", nil), 400, "invalid", "id")
}
