package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

type analysisBody struct {
	IncidentID int64                   `json:"incident_id"`
	Items      []*debrief.AnalysisItem `json:"items"`
	Categories []string                `json:"categories"`
}

func TestAnalysisAPI(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Bad build reached everyone"})
	ev := e.event(inc.ID, map[string]any{"at": "2025-03-14T09:30:00Z", "text": "canary passed"})
	base := fmt.Sprintf("/api/v1/incidents/%d/analysis", inc.ID)
	add := func(body map[string]any) debrief.AnalysisItem {
		t.Helper()
		r := e.do("POST", base+"/items", body)
		it := want[debrief.AnalysisItem](t, r, 201)
		if r.header.Get("Location") != base+"/items/"+it.Ref {
			t.Errorf("Location %q", r.header.Get("Location"))
		}
		return it
	}
	add(map[string]any{"kind": "component", "title": "Deploy pipeline"})
	add(map[string]any{"kind": "component", "title": "Cluster", "scope": "environment"})
	c1 := add(map[string]any{"kind": "control", "title": "Canary check", "controller": "B1", "process": "b2", "action": "halt rollout", "feedback": "error rate"})
	f1 := add(map[string]any{"kind": "failure", "title": "Canary saw no traffic", "control": "C1", "saw": "0 errors",
		"reason": "no requests reached the canary", "flaws": []string{"information"}, "evidence": []int64{ev.ID}})
	if c1.Ref != "C1" || c1.Process != "B2" || f1.Ref != "F1" || !slices.Equal(f1.Evidence, []int64{ev.ID}) {
		t.Fatalf("items %+v %+v", c1, f1)
	}
	add(map[string]any{"kind": "factor", "title": "Night-time traffic", "category": "Environment"})
	add(map[string]any{"kind": "why", "title": "The canary passed"})
	add(map[string]any{"kind": "why", "title": "It got no traffic", "parent": "W1"})

	// Bad input names the field and writes nothing.
	before := e.snapshot(inc.ID)
	wantError(t, e.do("POST", base+"/items", map[string]any{"kind": "failure", "title": "x", "control": "C9"}), 400, "invalid", "control")
	wantError(t, e.do("POST", base+"/items", map[string]any{"kind": "systemic", "title": "x", "parent": "W1"}), 400, "invalid", "parent")
	wantError(t, e.do("POST", base+"/items", map[string]any{"kind": "systemic", "title": "x", "colour": "red"}), 400, "invalid", "colour")
	wantError(t, e.do("POST", base+"/items", map[string]any{"kind": "failure", "title": "x", "control": "C1", "evidence": []int64{99999}}), 400, "invalid", "evidence")
	wantError(t, e.do("PATCH", base+"/items/W1", map[string]any{"parent": "W2", "version": 1}), 400, "invalid", "parent")
	wantError(t, e.do("GET", base+"/items/X1", nil), 400, "invalid", "ref")
	wantError(t, e.do("GET", base+"/items/F9", nil), 404, "not_found", "")
	if after := e.snapshot(inc.ID); after != before {
		t.Errorf("refused requests changed something")
	}

	got := want[analysisBody](t, e.do("GET", base, nil), 200)
	var refs []string
	for _, it := range got.Items {
		refs = append(refs, it.Ref)
	}
	if !slices.Equal(refs, []string{"B1", "B2", "C1", "F1", "CF1", "W1", "W2"}) || len(got.Categories) == 0 {
		t.Fatalf("analysis %v %v", refs, got.Categories)
	}

	// Traceability, linking, decisions.
	act := e.action(inc.ID, map[string]any{"title": "Send synthetic traffic to the canary"})
	tr := want[debrief.Trace](t, e.do("GET", base+"/trace", nil), 200)
	if !slices.Equal(tr.Untraced, []string{"F1", "CF1", "W2"}) || !slices.Equal(tr.UnlinkedActions, []int64{act.ID}) {
		t.Fatalf("trace %+v", tr)
	}
	addr := fmt.Sprintf("/api/v1/incidents/%d/actions/%d/addresses", inc.ID, act.ID)
	wantError(t, e.do("PUT", addr, map[string]any{"addresses": []string{"F1", "F5"}}), 400, "invalid", "addresses")
	wantError(t, e.do("PUT", addr, map[string]any{}), 400, "invalid", "addresses")
	a := want[debrief.Action](t, e.do("PUT", addr, map[string]any{"addresses": []string{"F1", "W2"}}), 200)
	if !slices.Equal(a.Addresses, []string{"F1", "W2"}) {
		t.Fatalf("addresses %v", a.Addresses)
	}
	want[debrief.AnalysisItem](t, e.do("PATCH", base+"/items/CF1", map[string]any{"no_action": "traffic is what it is", "version": 1}), 200)
	tr = want[debrief.Trace](t, e.do("GET", base+"/trace", nil), 200)
	if len(tr.Untraced) != 0 || len(tr.UnlinkedActions) != 0 {
		t.Fatalf("trace after linking %+v", tr)
	}
	eb := wantError(t, e.do("PATCH", base+"/items/CF1", map[string]any{"title": "stale", "version": 1}), 409, "conflict", "")
	if cur := decodeJSON[debrief.AnalysisItem](t, eb.Current); cur.Version != 2 {
		t.Errorf("current %+v", cur)
	}

	// Deleting what an action addresses is an explicit choice.
	eb = wantError(t, e.do("DELETE", base+"/items/F1", nil), 409, "conflict", "unlink")
	if !strings.Contains(eb.Error.Message, fmt.Sprint(act.ID)) {
		t.Errorf("message %q does not name the action", eb.Error.Message)
	}
	wantError(t, e.do("DELETE", base+"/items/C1", nil), 409, "conflict", "")
	if r := e.do("DELETE", base+"/items/F1?unlink=true", nil); r.status != 204 {
		t.Fatalf("delete with unlink: %d %s", r.status, r.body)
	}
	a = want[debrief.Action](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/actions/%d", inc.ID, act.ID), nil), 200)
	if !slices.Equal(a.Addresses, []string{"W2"}) {
		t.Fatalf("addresses after delete %v", a.Addresses)
	}
	f2 := add(map[string]any{"kind": "failure", "title": "again", "control": "C1"})
	if f2.Ref != "F2" {
		t.Fatalf("ref after a deletion %q, want F2", f2.Ref)
	}

	// Diagrams.
	for _, p := range []string{"/control-structure.svg", "/fishbone.svg"} {
		r := e.do("GET", base+p, nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(string(r.body), "<svg") {
			t.Fatalf("%s: %d %s %.200s", p, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
}

func TestCatalogAPI(t *testing.T) {
	e := newEnv(t)
	slug := e.team.Slug
	cats := want[map[string][]string](t, e.do("GET", "/api/v1/teams/"+slug+"/fishbone-categories", nil), 200)
	if !slices.Equal(cats["categories"], debrief.DefaultFishboneCategories) {
		t.Fatalf("default categories %v", cats)
	}
	cats = want[map[string][]string](t, e.do("PUT", "/api/v1/teams/"+slug+"/fishbone-categories", map[string]any{"categories": []string{"Code", "Config"}}), 200)
	if !slices.Equal(cats["categories"], []string{"Code", "Config"}) {
		t.Fatalf("categories %v", cats)
	}
	wantError(t, e.do("PUT", "/api/v1/teams/"+slug+"/fishbone-categories", map[string]any{"categories": []string{"a", "A"}}), 400, "invalid", "categories")

	base := "/api/v1/teams/" + slug + "/controls"
	c := want[debrief.CatalogControl](t, e.do("POST", base, map[string]any{"name": "Canary check", "purpose": "Stop bad builds"}), 201)
	wantError(t, e.do("POST", base, map[string]any{"name": "canary CHECK"}), 409, "conflict", "name")
	l := want[list[debrief.CatalogControl]](t, e.do("GET", base, nil), 200)
	if l.Total != 1 || l.Items[0].Name != "Canary check" {
		t.Fatalf("list %+v", l)
	}
	for _, sev := range []string{"SEV1", "SEV2"} {
		inc := e.incident(map[string]any{"title": "Bad build " + sev, "severity": sev, "milestones": map[string]any{"started": "2025-03-14T09:00:00Z"}})
		items := fmt.Sprintf("/api/v1/incidents/%d/analysis/items", inc.ID)
		want[debrief.AnalysisItem](t, e.do("POST", items, map[string]any{"kind": "control", "title": "Canary", "catalog_id": c.ID}), 201)
		want[debrief.AnalysisItem](t, e.do("POST", items, map[string]any{"kind": "failure", "title": "blind", "control": "C1"}), 201)
	}
	type entry struct {
		Control debrief.CatalogControl      `json:"control"`
		Uses    []debrief.CatalogControlUse `json:"uses"`
	}
	en := want[entry](t, e.do("GET", fmt.Sprintf("%s/%d", base, c.ID), nil), 200)
	if len(en.Uses) != 2 || en.Uses[0].Failures[0] != "F1" {
		t.Fatalf("entry %+v", en)
	}
	upd := want[debrief.CatalogControl](t, e.do("PATCH", fmt.Sprintf("%s/%d", base, c.ID), map[string]any{"how": "compares error rates", "version": 1}), 200)
	if upd.Version != 2 || upd.How != "compares error rates" {
		t.Fatalf("update %+v", upd)
	}
	if r := e.do("DELETE", fmt.Sprintf("%s/%d", base, c.ID), nil); r.status != 204 {
		t.Fatalf("delete %d", r.status)
	}
	wantError(t, e.do("GET", fmt.Sprintf("%s/%d", base, c.ID), nil), 404, "not_found", "")
}
