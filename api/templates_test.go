package api_test

import (
	"fmt"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestTemplates(t *testing.T) {
	e := newEnv(t)
	payments := e.newTeam("payments", debrief.VisibleToTeam)
	lead := e.newUser("Lea Lead", map[*debrief.Team]debrief.Role{payments: debrief.RoleAdmin})
	editor := e.newUser("Ed Editor", map[*debrief.Team]debrief.Role{payments: debrief.RoleEditor})

	body := map[string]any{"team": "payments", "name": "payments", "title": "Payments retrospective",
		"sections": []map[string]any{
			{"title": "Summary", "guidance": "One paragraph."},
			{"key": "money", "title": "Money lost", "optional": true},
			{"key": "followups", "title": "Follow-ups", "kind": "actions"},
		}}
	wantError(t, e.doAs(editor.token, "POST", "/api/v1/templates", body), 403, "forbidden", "")
	r := e.doAs(lead.token, "POST", "/api/v1/templates", body)
	v1 := want[debrief.Template](t, r, 201)
	if v1.Version != 1 || v1.Team != "payments" || v1.Sections[0].Key != "summary" || v1.Note != "First version." {
		t.Fatalf("created %+v", v1)
	}
	if loc := r.header.Get("Location"); loc != "/api/v1/templates/payments?version=1&team=payments" {
		t.Errorf("Location %q", loc)
	}
	// A second version needs a note; with one it is version 2.
	wantError(t, e.doAs(lead.token, "POST", "/api/v1/templates", body), 400, "invalid", "note")
	body["note"] = "Money lost is optional."
	v2 := want[debrief.Template](t, e.doAs(lead.token, "POST", "/api/v1/templates", body), 201)
	if v2.Version != 2 {
		t.Fatalf("second version %d", v2.Version)
	}
	// Bad input names the field; unknown fields are refused.
	bad := map[string]any{"team": "payments", "name": "x", "title": "X", "sections": []map[string]any{{"title": "A", "kind": "chart"}}}
	wantError(t, e.doAs(lead.token, "POST", "/api/v1/templates", bad), 400, "invalid", "sections[0].kind")
	bad["colour"] = "red"
	wantError(t, e.doAs(lead.token, "POST", "/api/v1/templates", bad), 400, "invalid", "colour")

	l := want[[]debrief.Template](t, e.doAs(editor.token, "GET", "/api/v1/templates?team=payments", nil), 200)
	if len(l) != 1+len(debrief.BuiltinTemplates) || l[0].Name != "payments" || l[0].Version != 2 {
		t.Fatalf("list: %d templates, first %s v%d", len(l), l[0].Name, l[0].Version)
	}
	hist := want[[]debrief.Template](t, e.doAs(editor.token, "GET", "/api/v1/templates/payments/versions?team=payments", nil), 200)
	if len(hist) != 2 || hist[1].Note != "Money lost is optional." {
		t.Fatalf("history %+v", hist)
	}
	got := want[debrief.Template](t, e.do("GET", "/api/v1/templates/payments?team=payments&version=1", nil), 200)
	if got.Version != 1 || !got.Sections[1].Optional || got.Note != "First version." {
		t.Fatalf("version 1: %+v", got)
	}
	def := want[debrief.Template](t, e.do("GET", "/api/v1/templates/default", nil), 200)
	if !def.Builtin || def.Version != 1 {
		t.Fatalf("built-in default %+v", def)
	}
	wantError(t, e.do("GET", "/api/v1/templates/nope", nil), 404, "not_found", "")
	wantError(t, e.do("GET", "/api/v1/templates/Bad%20Name", nil), 400, "invalid", "name")
	wantError(t, e.do("GET", "/api/v1/templates?team=Not+A+Slug", nil), 400, "invalid", "team")

	// Rules: the team's admin sets the team's; the first match decides.
	rules := map[string]any{"rules": []map[string]any{
		{"name": "Big ones", "severities": []string{"SEV1", "SEV2"}, "template": "payments"},
		{"name": "Others when asked", "template": "minor", "retrospective": "optional"},
	}}
	wantError(t, e.doAs(editor.token, "PUT", "/api/v1/template-rules?team=payments", rules), 403, "forbidden", "")
	set := want[[]debrief.TemplateRule](t, e.doAs(lead.token, "PUT", "/api/v1/template-rules?team=payments", rules), 200)
	if len(set) != 2 || set[0].Retrospective != "required" || set[1].Position != 2 {
		t.Fatalf("rules %+v", set)
	}
	wantError(t, e.do("PUT", "/api/v1/template-rules", map[string]any{"rules": []map[string]any{{"template": "payments"}}}), 400, "invalid", "rules[0].template")
	listed := want[[]debrief.TemplateRule](t, e.do("GET", "/api/v1/template-rules?team=payments", nil), 200)
	if len(listed) != 2 || listed[0].Name != "Big ones" {
		t.Fatalf("listed rules %+v", listed)
	}

	big := e.incidentAs(lead.token, map[string]any{"title": "Card declines", "team": "payments", "severity": "SEV1"})
	retro := want[debrief.Retrospective](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/retrospective", big.ID), nil), 200)
	if retro.Template != "payments" || retro.TemplateTeam != "payments" || retro.TemplateVersion != 2 {
		t.Fatalf("chosen template %s/%s v%d", retro.TemplateTeam, retro.Template, retro.TemplateVersion)
	}
	req := want[map[string]any](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/requirement", big.ID), nil), 200)
	if req["required"] != true {
		t.Fatalf("requirement %v", req)
	}
	small := e.incidentAs(lead.token, map[string]any{"title": "Slow page", "team": "payments", "severity": "SEV4", "type": "performance"})
	if small.Type != "performance" {
		t.Fatalf("type %q", small.Type)
	}
	req = want[map[string]any](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/requirement", small.ID), nil), 200)
	if req["required"] != false || req["rule"].(map[string]any)["name"] != "Others when asked" {
		t.Fatalf("requirement %v", req)
	}
	upd := want[debrief.Incident](t, e.doAs(lead.token, "PATCH", fmt.Sprintf("/api/v1/incidents/%d", small.ID),
		map[string]any{"retro_requested": true, "version": small.Version}), 200)
	if !upd.RetroRequested {
		t.Fatal("request not stored")
	}
	req = want[map[string]any](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/requirement", small.ID), nil), 200)
	if req["required"] != true || req["requested"] != true {
		t.Fatalf("requirement after asking %v", req)
	}
}
