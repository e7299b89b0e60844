package app_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
)

func item(t *testing.T, e *env, it *debrief.AnalysisItem) *debrief.AnalysisItem {
	t.Helper()
	if err := e.svc.CreateAnalysisItem(e.sys, it); err != nil {
		t.Fatalf("CreateAnalysisItem %q: %v", it.Title, err)
	}
	return it
}

func TestAnalysisValidation(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		inc := mustIncident(t, e)
		c := e.sys
		b1 := item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindComponent, Title: " Load balancer "})
		if b1.Ref != "B1" || b1.Scope != debrief.ScopeSystem || b1.Title != "Load balancer" {
			t.Fatalf("component: %+v", b1)
		}
		for _, tc := range []struct {
			it    debrief.AnalysisItem
			field string
		}{
			{debrief.AnalysisItem{Kind: "root_cause", Title: "x"}, "kind"},
			{debrief.AnalysisItem{Kind: debrief.KindComponent}, "title"},
			{debrief.AnalysisItem{Kind: debrief.KindComponent, Title: "x", Scope: "ours"}, "scope"},
			{debrief.AnalysisItem{Kind: debrief.KindSystemic, Title: "x", Control: "C1"}, "control"},
			{debrief.AnalysisItem{Kind: debrief.KindFailure, Title: "x"}, "control"},
			{debrief.AnalysisItem{Kind: debrief.KindFailure, Title: "x", Control: "c9"}, "control"},
			{debrief.AnalysisItem{Kind: debrief.KindControl, Title: "x", Controller: "B7"}, "controller"},
			{debrief.AnalysisItem{Kind: debrief.KindFactor, Title: "x"}, "category"},
			{debrief.AnalysisItem{Kind: debrief.KindFactor, Title: "x", Category: "People"}, "category"},
			{debrief.AnalysisItem{Kind: debrief.KindWhy, Title: "x", Parent: "W1"}, "parent"},
		} {
			it := tc.it
			it.IncidentID = inc.ID
			wantField(t, e.svc.CreateAnalysisItem(c, &it), tc.field)
		}
		item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindControl, Title: "Health check", Controller: "b1"})
		f := &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindFailure, Title: "x", Control: "C1", Flaws: []string{"blame"}}
		wantField(t, e.svc.CreateAnalysisItem(c, f), "flaws")
		// Categories match ignoring case and are stored as the team spells them.
		cf := item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindFactor, Title: "x", Category: "monitoring"})
		if cf.Category != "Monitoring" || cf.Ref != "CF1" {
			t.Fatalf("factor: %+v", cf)
		}
		// A why cannot become its own ancestor.
		item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "a"})
		item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "b", Parent: "W1"})
		_, err := e.svc.UpdateAnalysisItem(c, inc.ID, "W1", debrief.AnalysisItemUpdate{Parent: ptr("w2"), Version: 1})
		wantField(t, err, "parent")
		_, err = e.svc.UpdateAnalysisItem(c, inc.ID, "W1", debrief.AnalysisItemUpdate{Title: ptr("a2")})
		wantField(t, err, "version")
	})
}

func TestAnalysisTraceAndLinks(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		inc := mustIncident(t, e)
		c := e.sys
		item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindControl, Title: "Canary"})
		item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindFailure, Title: "Canary blind", Control: "C1"})
		item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindMissing, Title: "Load shedding"})
		act := &debrief.Action{IncidentID: inc.ID, Title: "Give the canary traffic"}
		if err := e.svc.CreateAction(c, act); err != nil {
			t.Fatal(err)
		}
		if act.Addresses == nil || len(act.Addresses) != 0 {
			t.Fatalf("new action addresses %v", act.Addresses)
		}
		tr, err := e.svc.FindTrace(c, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tr.Untraced, []string{"F1", "M1"}) || !slices.Equal(tr.UnlinkedActions, []int64{act.ID}) {
			t.Fatalf("trace %+v", tr)
		}
		_, err = e.svc.SetActionAddresses(c, inc.ID, act.ID, []string{"F1", "F7"})
		wantField(t, err, "addresses")
		got, err := e.svc.SetActionAddresses(c, inc.ID, act.ID, []string{" f1 "})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Addresses, []string{"F1"}) {
			t.Fatalf("addresses %v", got.Addresses)
		}
		acts, _, err := e.svc.FindActions(c, debrief.ActionFilter{IncidentID: &inc.ID})
		if err != nil || !slices.Equal(acts[0].Addresses, []string{"F1"}) {
			t.Fatalf("FindActions: %v %v", acts, err)
		}
		one, err := e.svc.FindActionByID(c, inc.ID, act.ID)
		if err != nil || !slices.Equal(one.Addresses, []string{"F1"}) {
			t.Fatalf("FindActionByID: %+v %v", one, err)
		}
		// A decision instead of an action.
		m, err := e.svc.UpdateAnalysisItem(c, inc.ID, "M1", debrief.AnalysisItemUpdate{NoAction: ptr("traffic is flat; shedding would not have helped"), Version: 1})
		if err != nil || m.Version != 2 {
			t.Fatalf("decision: %+v %v", m, err)
		}
		// A decision and an action contradict each other, both ways.
		_, err = e.svc.UpdateAnalysisItem(c, inc.ID, "F1", debrief.AnalysisItemUpdate{NoAction: ptr("none"), Version: 1})
		wantField(t, err, "no_action")
		_, err = e.svc.SetActionAddresses(c, inc.ID, act.ID, []string{"F1", "M1"})
		wantField(t, err, "addresses")
		tr, _ = e.svc.FindTrace(c, inc.ID)
		if len(tr.Untraced) != 0 || len(tr.UnlinkedActions) != 0 {
			t.Fatalf("trace after linking %+v", tr)
		}
		// Deleting an item an action addresses is an explicit choice.
		err = e.svc.DeleteAnalysisItem(c, inc.ID, "F1", false)
		wantCode(t, err, debrief.ECONFLICT)
		if !strings.Contains(debrief.ErrorMessage(err), "action item "+idStr(act.ID)) {
			t.Fatalf("message %q does not name the action", debrief.ErrorMessage(err))
		}
		if err := e.svc.DeleteAnalysisItem(c, inc.ID, "F1", true); err != nil {
			t.Fatal(err)
		}
		one, _ = e.svc.FindActionByID(c, inc.ID, act.ID)
		if len(one.Addresses) != 0 {
			t.Fatalf("addresses after unlinking delete: %v", one.Addresses)
		}
		// Every change is audited.
		for _, action := range []string{"analysis.create", "analysis.update", "analysis.delete", "action.addresses"} {
			entries, err := e.svc.FindAudit(c, debrief.AuditFilter{Action: ptr(action), Limit: store.MaxLimit})
			if err != nil || len(entries) == 0 {
				t.Errorf("no audit entry %s (%v)", action, err)
			}
		}
	})
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

func TestAnalysisAccess(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ops, _ := e.st.FindTeamBySlug(e.sys, "ops")
		other := e.team("other", debrief.VisibleToTeam)
		editor := e.as(e.user("ed", false, map[*debrief.Team]debrief.Role{ops: debrief.RoleEditor}))
		viewer := e.as(e.user("vi", false, map[*debrief.Team]debrief.Role{ops: debrief.RoleViewer}))
		outsider := e.as(e.user("out", false, map[*debrief.Team]debrief.Role{other: debrief.RoleEditor}))
		inc := mustIncident(t, e)
		it := &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "Alerts go to one person"}
		if err := e.svc.CreateAnalysisItem(editor, it); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.FindAnalysis(viewer, inc.ID); err != nil {
			t.Fatalf("viewer reads: %v", err)
		}
		wantCode(t, e.svc.CreateAnalysisItem(viewer, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "x"}), debrief.EFORBIDDEN)
		_, err := e.svc.FindAnalysis(outsider, inc.ID)
		wantCode(t, err, debrief.ENOTFOUND)
		wantCode(t, e.svc.DeleteAnalysisItem(outsider, inc.ID, "S1", false), debrief.ENOTFOUND)
		_, err = e.svc.FindTrace(outsider, inc.ID)
		wantCode(t, err, debrief.ENOTFOUND)

		// Categories and the catalogue belong to the team.
		_, err = e.svc.SetFishboneCategories(viewer, "ops", []string{"Code"})
		wantCode(t, err, debrief.EFORBIDDEN)
		_, err = e.svc.FishboneCategories(outsider, "ops")
		wantCode(t, err, debrief.EFORBIDDEN)
		cats, err := e.svc.SetFishboneCategories(editor, "ops", []string{" Code ", "", "Config"})
		if err != nil || !slices.Equal(cats, []string{"Code", "Config"}) {
			t.Fatalf("categories %v %v", cats, err)
		}
		_, err = e.svc.SetFishboneCategories(editor, "ops", []string{"Code", "code"})
		wantField(t, err, "categories")
		a, _ := e.svc.FindAnalysis(viewer, inc.ID)
		if !slices.Equal(a.Categories, []string{"Code", "Config"}) {
			t.Fatalf("analysis categories %v", a.Categories)
		}
	})
}

func TestCatalogAcrossIncidents(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ops, _ := e.st.FindTeamBySlug(e.sys, "ops")
		e.team("other", debrief.VisibleToTeam)
		editor := e.as(e.user("ed", false, map[*debrief.Team]debrief.Role{ops: debrief.RoleEditor}))
		c := &debrief.CatalogControl{Name: "Canary check", Purpose: "Stop bad builds"}
		if err := e.svc.CreateCatalogControl(editor, "ops", c); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.svc.CreateCatalogControl(editor, "other", &debrief.CatalogControl{Name: "x"}), debrief.EFORBIDDEN)
		foreign := &debrief.CatalogControl{Name: "Theirs"}
		if err := e.svc.CreateCatalogControl(e.sys, "other", foreign); err != nil {
			t.Fatal(err)
		}
		_, _, err := e.svc.FindCatalogControl(editor, "ops", foreign.ID)
		wantCode(t, err, debrief.ENOTFOUND)
		var incs []*debrief.Incident
		for _, sev := range []string{"SEV1", "SEV3"} {
			inc := &debrief.Incident{Title: "Bad build " + sev, Team: "ops", Severity: sev}
			if err := e.svc.CreateIncident(e.sys, inc, ""); err != nil {
				t.Fatal(err)
			}
			incs = append(incs, inc)
			item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindControl, Title: "Canary", CatalogID: &c.ID})
			item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindFailure, Title: "Passed a bad build", Control: "C1"})
		}
		// A catalogue entry of another team cannot be named.
		wantField(t, e.svc.CreateAnalysisItem(e.sys, &debrief.AnalysisItem{IncidentID: incs[0].ID, Kind: debrief.KindControl, Title: "x", CatalogID: &foreign.ID}), "catalog_id")
		got, uses, err := e.svc.FindCatalogControl(editor, "ops", c.ID)
		if err != nil || got.Name != "Canary check" || len(uses) != 2 {
			t.Fatalf("entry %+v uses %+v err %v", got, uses, err)
		}
		for _, u := range uses {
			if len(u.Failures) != 1 || u.Failures[0] != "F1" {
				t.Fatalf("use %+v", u)
			}
		}
		// A restricted write-up drops out for who may not read it.
		if _, err := e.svc.UpdateRetrospective(e.sys, incs[0].ID, debrief.RetrospectiveUpdate{Restricted: ptr(true), Version: 1}); err != nil {
			t.Fatal(err)
		}
		_, uses, _ = e.svc.FindCatalogControl(editor, "ops", c.ID)
		if len(uses) != 1 || uses[0].IncidentID != incs[1].ID {
			t.Fatalf("uses for an editor after restricting one: %+v", uses)
		}
		upd, err := e.svc.UpdateCatalogControl(editor, "ops", c.ID, app.CatalogControlUpdate{Name: ptr("Canary analysis"), Version: c.Version})
		if err != nil || upd.Name != "Canary analysis" {
			t.Fatalf("update %+v %v", upd, err)
		}
		if err := e.svc.DeleteCatalogControl(editor, "ops", c.ID); err != nil {
			t.Fatal(err)
		}
	})
}
