package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAnalysisPages(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	base := "/incidents/" + itoa(s.inc.ID)
	add := func(form url.Values) string {
		t.Helper()
		return redirected(t, e.post(base+"/analysis/items", form))
	}
	// After adding, the same form comes back focused for the next one.
	if loc := add(url.Values{"kind": {"component"}, "title": {"Deploy pipeline"}}); loc != base+"/analysis?add=component" {
		t.Errorf("after adding, to %q", loc)
	}
	add(url.Values{"kind": {"component"}, "title": {"Card processor <PSP>"}, "scope": {"environment"}})
	add(url.Values{"kind": {"control"}, "title": {"Canary analysis"}, "controller": {"B1"}, "process": {"B2"}, "action": {"halt rollout"}})
	add(url.Values{"kind": {"failure"}, "title": {"Canary passed a bad build"}, "control": {"C1"}})
	add(url.Values{"kind": {"factor"}, "title": {"Night-time traffic"}, "category": {"Environment"}})
	add(url.Values{"kind": {"why"}, "title": {"Why did checkout fail?"}})
	add(url.Values{"kind": {"why"}, "title": {"The canary got no traffic"}, "parent": {"W1"}})

	page := e.page(base + "/analysis?add=failure")
	contains(t, page, `id="t-failure"`, `autofocus`, `accesskey="f"`, "Card processor &lt;PSP&gt;", `<svg xmlns="http://www.w3.org/2000/svg"`,
		"C1 ✗ F1", `id="item-F1"`, "Items with neither an action item nor a decision")
	if strings.Count(page, "autofocus") != 1 {
		t.Errorf("%d autofocus attributes, want 1", strings.Count(page, "autofocus"))
	}

	// A refused item comes back in its own form with the message, typed
	// text kept, nothing written.
	w := e.post(base+"/analysis/items", url.Values{"kind": {"failure"}, "title": {"Orphan failure"}, "control": {"C9"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("refused item: %d", w.Code)
	}
	contains(t, w.Body.String(), "there is no analysis item C9", `value="Orphan failure"`)
	an, _ := e.svc.FindAnalysis(e.ctx, s.inc.ID)
	if len(an.Items) != 7 {
		t.Fatalf("%d items after a refused one", len(an.Items))
	}

	// The action item addresses F1; the incident page links both ways.
	act := s.actions[0]
	redirected(t, e.post(base+"/actions/"+itoa(act.ID)+"/addresses", url.Values{"addresses": {"f1, W2"}}))
	inc := e.page(base)
	contains(t, inc, `class="a-addr" href="#item-F1"`, `class="a-addr" href="#item-W2"`, `id="control-structure"`, `id="fishbone"`,
		"Addressed by")
	w = e.post(base+"/actions/"+itoa(act.ID)+"/addresses", url.Values{"addresses": {"F7"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("unknown ref: %d", w.Code)
	}
	contains(t, w.Body.String(), "there is no analysis item F7")

	// Deleting F1 while an action addresses it needs the explicit choice.
	w = e.post(base+"/analysis/items/F1/delete", url.Values{})
	if w.Code != http.StatusConflict {
		t.Fatalf("delete of an addressed item: %d", w.Code)
	}
	contains(t, w.Body.String(), "unlink", `name="unlink"`)
	redirected(t, e.post(base+"/analysis/items/F1/delete", url.Values{"unlink": {"1"}}))
	a, _ := e.svc.FindActionByID(e.ctx, s.inc.ID, act.ID)
	if strings.Join(a.Addresses, ",") != "W2" {
		t.Fatalf("addresses after the delete: %v", a.Addresses)
	}

	// The item page: a decision, and a why cannot move under itself.
	redirected(t, e.post(base+"/analysis/items/CF1/edit", url.Values{"version": {"1"}, "title": {"Night-time traffic"},
		"category": {"Environment"}, "no_action": {"traffic is what it is"}}))
	w = e.post(base+"/analysis/items/W1/edit", url.Values{"version": {"1"}, "title": {"Why?"}, "parent": {"W2"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("a loop of whys: %d", w.Code)
	}
	contains(t, w.Body.String(), "a why cannot be its own cause")
	if got := e.page(base + "/analysis/items/W2/edit"); !strings.Contains(got, "W2") {
		t.Error("item page lacks its ref")
	}
}

func TestCatalogPages(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	redirected(t, e.post("/teams/payments/controls", url.Values{"name": {"Canary analysis"}, "purpose": {"Stop bad builds"}}))
	w := e.post("/teams/payments/controls", url.Values{"name": {"canary ANALYSIS"}})
	if w.Code != http.StatusConflict {
		t.Fatalf("duplicate: %d", w.Code)
	}
	cs, _ := e.svc.FindCatalogControls(e.ctx, "payments")
	if len(cs) != 1 {
		t.Fatalf("catalogue %v", cs)
	}
	base := "/incidents/" + itoa(s.inc.ID)
	redirected(t, e.post(base+"/analysis/items", url.Values{"kind": {"control"}, "title": {"Canary"}}))
	redirected(t, e.post(base+"/analysis/items", url.Values{"kind": {"failure"}, "title": {"Blind"}, "control": {"C1"}}))
	redirected(t, e.post(base+"/analysis/items/C1/edit", url.Values{"version": {"1"}, "title": {"Canary"}, "catalog_id": {itoa(cs[0].ID)}}))
	page := e.page("/teams/payments/controls/" + itoa(cs[0].ID))
	contains(t, page, "Canary analysis", "failed in 1", s.inc.Title, "SEV1", `href="`+base+`/analysis#item-F1"`)
	redirected(t, e.post("/teams/payments/categories", url.Values{"categories": {"Code\nConfig\nPeople"}}))
	an, _ := e.svc.FindAnalysis(e.ctx, s.inc.ID)
	if strings.Join(an.Categories, ",") != "Code,Config,People" {
		t.Fatalf("categories %v", an.Categories)
	}
}
