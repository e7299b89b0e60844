package storetest

import (
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// analysisCases are the conformance cases of the analysis (analysis.go).
var analysisCases = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"AnalysisItems", testAnalysisItems},
	{"AnalysisRefsNeverReused", testAnalysisRefsNeverReused},
	{"AnalysisBadRefs", testAnalysisBadRefs},
	{"AnalysisWhyCycle", testAnalysisWhyCycle},
	{"AnalysisLinksAndTrace", testAnalysisLinksAndTrace},
	{"AnalysisDeleteLinked", testAnalysisDeleteLinked},
	{"AnalysisCatalog", testAnalysisCatalog},
	{"AnalysisFishboneCategories", testAnalysisFishboneCategories},
	{"AnalysisConcurrentWrites", testAnalysisConcurrentWrites},
}

func newItem(t *testing.T, s store.Store, it *debrief.AnalysisItem) *debrief.AnalysisItem {
	t.Helper()
	noErr(t, s.CreateAnalysisItem(t.Context(), it), "CreateAnalysisItem "+it.Title)
	return it
}

func itemRefs(its []*debrief.AnalysisItem) []string {
	out := []string{}
	for _, it := range its {
		out = append(out, it.Ref)
	}
	return out
}

// castFixture is a small CAST analysis: a deploy pipeline (ours) acting on
// a cluster (the environment's) through a canary check that failed.
func castFixture(t *testing.T, s store.Store, incidentID int64, evidence ...int64) {
	newItem(t, s, &debrief.AnalysisItem{IncidentID: incidentID, Kind: debrief.KindComponent, Title: "Deploy pipeline", Scope: debrief.ScopeSystem})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: incidentID, Kind: debrief.KindComponent, Title: "Cluster", Scope: debrief.ScopeEnvironment})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: incidentID, Kind: debrief.KindControl, Title: "Canary check",
		Controller: "B1", Process: "B2", Action: "halt rollout", Feedback: "error rate", How: "Compares canary errors to the baseline."})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: incidentID, Kind: debrief.KindFailure, Title: "Canary passed a bad build",
		Control: "C1", Saw: "no errors", Reason: "the canary got no traffic", Flaws: []string{"information", "process_model"}, Evidence: evidence})
}

func testAnalysisItems(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Analysis")
	ev2 := newEvent(t, s, inc.ID, base.Add(2), "second")
	ev1 := newEvent(t, s, inc.ID, base, "first")
	castFixture(t, s, inc.ID, ev2.ID, ev1.ID, ev2.ID)
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "Why did it pass?"})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindFactor, Title: "Low traffic", Category: "Environment"})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindMissing, Title: "Synthetic canary traffic", Controller: "B1", Process: "B2"})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "Canary never tested at night"})

	items, err := s.FindAnalysisItems(ctx, inc.ID)
	noErr(t, err, "FindAnalysisItems")
	same(t, itemRefs(items), []string{"B1", "B2", "C1", "F1", "S1", "M1", "CF1", "W1"}, "refs in kind order")
	f, err := s.FindAnalysisItem(ctx, inc.ID, "F1")
	noErr(t, err, "FindAnalysisItem")
	same(t, f, items[3], "found item")
	want := []int64{min(ev1.ID, ev2.ID), max(ev1.ID, ev2.ID)}
	same(t, f.Evidence, want, "evidence, once each, ascending")
	same(t, f.Flaws, []string{"information", "process_model"}, "flaws")
	if f.Version != 1 || f.Kind != debrief.KindFailure || f.Control != "C1" || f.Saw != "no errors" {
		t.Fatalf("failure: %s", dump(f))
	}
	_, err = s.FindAnalysisItem(ctx, inc.ID, "F9")
	wantCode(t, err, debrief.ENOTFOUND, "FindAnalysisItem of a missing ref")
	other := newIncident(t, s, "Other")
	_, err = s.FindAnalysisItem(ctx, other.ID, "F1")
	wantCode(t, err, debrief.ENOTFOUND, "FindAnalysisItem through another incident")

	// Update, with optimistic versions.
	f.NoAction = "the canary is being replaced"
	f.Evidence = []int64{ev1.ID}
	noErr(t, s.UpdateAnalysisItem(ctx, f), "UpdateAnalysisItem")
	if f.Version != 2 || f.NoAction != "the canary is being replaced" || len(f.Evidence) != 1 {
		t.Fatalf("updated: %s", dump(f))
	}
	f.Version = 1
	wantCode(t, s.UpdateAnalysisItem(ctx, f), debrief.ECONFLICT, "UpdateAnalysisItem from a stale version")

	// Deleting an event takes it out of the evidence.
	noErr(t, s.DeleteEvent(ctx, inc.ID, ev1.ID), "DeleteEvent")
	f, _ = s.FindAnalysisItem(ctx, inc.ID, "F1")
	if len(f.Evidence) != 0 {
		t.Fatalf("evidence after its event was deleted: %v", f.Evidence)
	}

	// The incident takes its analysis with it.
	noErr(t, s.DeleteIncident(ctx, inc.ID), "DeleteIncident")
	items, err = s.FindAnalysisItems(ctx, inc.ID)
	noErr(t, err, "FindAnalysisItems of a deleted incident")
	if len(items) != 0 {
		t.Fatalf("items outlived their incident: %v", itemRefs(items))
	}
}

func testAnalysisRefsNeverReused(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Refs")
	a := newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "one"})
	b := newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "two"})
	same(t, []string{a.Ref, b.Ref}, []string{"S1", "S2"}, "refs")
	noErr(t, s.DeleteAnalysisItem(ctx, inc.ID, "S2", false), "DeleteAnalysisItem")
	c := newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "three"})
	same(t, c.Ref, "S3", "a new item after a deletion")
	// Numbers count per incident.
	other := newIncident(t, s, "Other")
	d := newItem(t, s, &debrief.AnalysisItem{IncidentID: other.ID, Kind: debrief.KindSystemic, Title: "first there"})
	same(t, d.Ref, "S1", "first item of another incident")
	wantCode(t, s.DeleteAnalysisItem(ctx, inc.ID, "S2", false), debrief.ENOTFOUND, "deleting twice")
	err := s.CreateAnalysisItem(ctx, &debrief.AnalysisItem{IncidentID: 98765, Kind: debrief.KindSystemic, Title: "orphan"})
	wantCode(t, err, debrief.ENOTFOUND, "an item of a missing incident")
}

func testAnalysisBadRefs(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Bad refs")
	other := newIncident(t, s, "Other")
	foreign := newEvent(t, s, other.ID, base, "elsewhere")
	castFixture(t, s, inc.ID)
	for _, c := range []struct {
		it    debrief.AnalysisItem
		field string
	}{
		{debrief.AnalysisItem{Kind: debrief.KindFailure, Title: "x", Control: "C7"}, "control"},
		{debrief.AnalysisItem{Kind: debrief.KindFailure, Title: "x", Control: "B1"}, "control"},
		{debrief.AnalysisItem{Kind: debrief.KindControl, Title: "x", Controller: "C1"}, "controller"},
		{debrief.AnalysisItem{Kind: debrief.KindMissing, Title: "x", Process: "B9"}, "process"},
		{debrief.AnalysisItem{Kind: debrief.KindWhy, Title: "x", Parent: "W1"}, "parent"},
		{debrief.AnalysisItem{Kind: debrief.KindFailure, Title: "x", Control: "C1", Evidence: []int64{foreign.ID}}, "evidence"},
		{debrief.AnalysisItem{Kind: debrief.KindControl, Title: "x", CatalogID: ptr(int64(4242))}, "catalog_id"},
	} {
		it := c.it
		it.IncidentID = inc.ID
		err := s.CreateAnalysisItem(ctx, &it)
		wantCode(t, err, debrief.EINVALID, "create with bad "+c.field)
		if f := debrief.ErrorField(err); f != c.field {
			t.Errorf("field %q, want %q (%v)", f, c.field, err)
		}
	}
	items, _ := s.FindAnalysisItems(ctx, inc.ID)
	same(t, itemRefs(items), []string{"B1", "B2", "C1", "F1"}, "nothing written by refused creates")
	// A refused create takes no number.
	f := newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindFailure, Title: "y", Control: "C1"})
	same(t, f.Ref, "F2", "ref after refused creates")

	// An item another names cannot go.
	err := s.DeleteAnalysisItem(ctx, inc.ID, "C1", false)
	wantCode(t, err, debrief.ECONFLICT, "deleting a control failures name")
	if msg := debrief.ErrorMessage(err); !strings.Contains(msg, "F1, F2") {
		t.Fatalf("message %q does not list F1, F2", msg)
	}
}

func testAnalysisWhyCycle(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Whys")
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "The site was down"})
	w2 := newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "The database was full", Parent: "W1"})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "Logs grew", Parent: "W2"})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "No alert on disk", Parent: "W2"}) // a branch
	w1, _ := s.FindAnalysisItem(ctx, inc.ID, "W1")
	w1.Parent = "W3"
	err := s.UpdateAnalysisItem(ctx, w1)
	wantCode(t, err, debrief.EINVALID, "a why under its own descendant")
	if debrief.ErrorField(err) != "parent" {
		t.Fatalf("field of %v", err)
	}
	w2.Parent = "W2"
	wantCode(t, s.UpdateAnalysisItem(ctx, w2), debrief.EINVALID, "a why its own parent")
	// Moving a branch elsewhere is fine.
	w4, _ := s.FindAnalysisItem(ctx, inc.ID, "W4")
	w4.Parent = "W1"
	noErr(t, s.UpdateAnalysisItem(ctx, w4), "moving W4 under W1")
	wantCode(t, s.DeleteAnalysisItem(ctx, inc.ID, "W2", false), debrief.ECONFLICT, "deleting a why with answers")
}

func testAnalysisLinksAndTrace(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Trace")
	castFixture(t, s, inc.ID)
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "no tests of controls"})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindMissing, Title: "traffic shadowing", NoAction: "too costly for now"})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "why 1"})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "why 2", Parent: "W1"})
	a1 := newAction(t, s, inc.ID, "Send synthetic traffic to the canary")
	a2 := newAction(t, s, inc.ID, "Unrelated chore")

	tr, err := s.FindTrace(ctx, inc.ID)
	noErr(t, err, "FindTrace")
	same(t, tr, &debrief.Trace{Untraced: []string{"F1", "S1", "W2"}, UnlinkedActions: []int64{a1.ID, a2.ID}}, "trace before links")

	noErr(t, s.SetActionLinks(ctx, inc.ID, a1.ID, []string{"S1", "F1", "F1"}), "SetActionLinks")
	links, err := s.FindActionLinks(ctx, inc.ID)
	noErr(t, err, "FindActionLinks")
	same(t, links, map[int64][]string{a1.ID: {"F1", "S1"}}, "links in kind order, once each")
	byAction, err := s.FindActionAddresses(ctx, []int64{a1.ID, a2.ID})
	noErr(t, err, "FindActionAddresses")
	same(t, byAction, links, "the same links, asked by action")
	none, err := s.FindActionAddresses(ctx, nil)
	noErr(t, err, "FindActionAddresses of none")
	same(t, none, map[int64][]string{}, "no actions, no links")
	f1, _ := s.FindAnalysisItem(ctx, inc.ID, "F1")
	same(t, f1.ActionIDs, []int64{a1.ID}, "ActionIDs on the item")
	tr, _ = s.FindTrace(ctx, inc.ID)
	same(t, tr, &debrief.Trace{Untraced: []string{"W2"}, UnlinkedActions: []int64{a2.ID}}, "trace after links")
	// A dropped action was revisited by the review: it need not address
	// anything.
	a2.Status, a2.DropReason = debrief.ActionDropped, "not worth it"
	noErr(t, s.UpdateAction(ctx, a2), "UpdateAction")
	tr, _ = s.FindTrace(ctx, inc.ID)
	same(t, tr.UnlinkedActions, []int64{}, "a dropped action is not untraced")
	a2.Status, a2.DropReason = debrief.ActionProposed, ""
	noErr(t, s.UpdateAction(ctx, a2), "UpdateAction")

	// A ref that is no item, or an item of another incident: refused whole.
	other := newIncident(t, s, "Other")
	newItem(t, s, &debrief.AnalysisItem{IncidentID: other.ID, Kind: debrief.KindSystemic, Title: "elsewhere"})
	err = s.SetActionLinks(ctx, inc.ID, a2.ID, []string{"S1", "S9"})
	wantCode(t, err, debrief.EINVALID, "linking to a missing ref")
	if debrief.ErrorField(err) != "addresses" {
		t.Fatalf("field of %v", err)
	}
	wantCode(t, s.SetActionLinks(ctx, other.ID, a2.ID, []string{"S1"}), debrief.ENOTFOUND, "an action through another incident")
	links, _ = s.FindActionLinks(ctx, inc.ID)
	same(t, links, map[int64][]string{a1.ID: {"F1", "S1"}}, "links after refused writes")

	// Replacing and clearing.
	noErr(t, s.SetActionLinks(ctx, inc.ID, a1.ID, []string{"W2"}), "SetActionLinks again")
	tr, _ = s.FindTrace(ctx, inc.ID)
	same(t, tr.Untraced, []string{"F1", "S1"}, "untraced after replacing links")
	// Deleting the action removes its links.
	noErr(t, s.DeleteAction(ctx, inc.ID, a1.ID), "DeleteAction")
	links, _ = s.FindActionLinks(ctx, inc.ID)
	same(t, links, map[int64][]string{}, "links after deleting the action")
}

func testAnalysisDeleteLinked(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Delete linked")
	castFixture(t, s, inc.ID)
	a1 := newAction(t, s, inc.ID, "one")
	a2 := newAction(t, s, inc.ID, "two")
	noErr(t, s.SetActionLinks(ctx, inc.ID, a1.ID, []string{"F1"}), "link a1")
	noErr(t, s.SetActionLinks(ctx, inc.ID, a2.ID, []string{"F1"}), "link a2")
	err := s.DeleteAnalysisItem(ctx, inc.ID, "F1", false)
	wantCode(t, err, debrief.ECONFLICT, "deleting an item actions address")
	if msg := debrief.ErrorMessage(err); !strings.Contains(msg, "F1") || !strings.Contains(msg, "unlink") {
		t.Fatalf("message %q", msg)
	}
	if _, err := s.FindAnalysisItem(ctx, inc.ID, "F1"); err != nil {
		t.Fatalf("refused delete removed the item: %v", err)
	}
	noErr(t, s.DeleteAnalysisItem(ctx, inc.ID, "F1", true), "delete with unlink")
	tr, _ := s.FindTrace(ctx, inc.ID)
	same(t, tr.UnlinkedActions, []int64{a1.ID, a2.ID}, "actions after their item went")
}

func testAnalysisCatalog(t *testing.T, s store.Store) {
	ctx := t.Context()
	team := newTeam(t, s, "platform", "Platform")
	c := &debrief.CatalogControl{TeamID: team.ID, Name: "Canary check", Purpose: "Stop bad builds", How: "Compare error rates"}
	noErr(t, s.CreateCatalogControl(ctx, c), "CreateCatalogControl")
	if c.ID == 0 || c.Version != 1 {
		t.Fatalf("created: %s", dump(c))
	}
	err := s.CreateCatalogControl(ctx, &debrief.CatalogControl{TeamID: team.ID, Name: "CANARY check"})
	wantCode(t, err, debrief.ECONFLICT, "a second control of the same name")
	wantCode(t, s.CreateCatalogControl(ctx, &debrief.CatalogControl{TeamID: 8888, Name: "x"}), debrief.ENOTFOUND, "a missing team")
	b := &debrief.CatalogControl{TeamID: team.ID, Name: "Autoscaler"}
	noErr(t, s.CreateCatalogControl(ctx, b), "CreateCatalogControl b")
	list, err := s.FindCatalogControls(ctx, team.ID)
	noErr(t, err, "FindCatalogControls")
	same(t, []string{list[0].Name, list[1].Name}, []string{"Autoscaler", "Canary check"}, "by name")
	c.Purpose = "Stop bad builds early"
	noErr(t, s.UpdateCatalogControl(ctx, c), "UpdateCatalogControl")
	got, _ := s.FindCatalogControlByID(ctx, c.ID)
	same(t, got, c, "updated entry")

	old := newIncident(t, s, "Old", func(i *debrief.Incident) { i.Milestones.Started = ptr(base); i.Severity = "SEV1" })
	recent := newIncident(t, s, "Recent", func(i *debrief.Incident) { i.Milestones.Started = ptr(base.Add(48 * 3600e9)); i.Severity = "SEV3" })
	held := newIncident(t, s, "Held", func(i *debrief.Incident) { i.Milestones.Started = ptr(base.Add(24 * 3600e9)) })
	for _, inc := range []*debrief.Incident{old, recent} {
		castFixture(t, s, inc.ID)
		cc, _ := s.FindAnalysisItem(ctx, inc.ID, "C1")
		cc.CatalogID = &c.ID
		noErr(t, s.UpdateAnalysisItem(ctx, cc), "link control to the catalogue")
	}
	newItem(t, s, &debrief.AnalysisItem{IncidentID: recent.ID, Kind: debrief.KindFailure, Title: "again", Control: "C1"})
	newItem(t, s, &debrief.AnalysisItem{IncidentID: held.ID, Kind: debrief.KindControl, Title: "Canary", CatalogID: &c.ID})
	uses, err := s.FindCatalogControlUses(ctx, c.ID)
	noErr(t, err, "FindCatalogControlUses")
	if len(uses) != 3 {
		t.Fatalf("uses: %s", dump(uses))
	}
	same(t, []int64{uses[0].IncidentID, uses[1].IncidentID, uses[2].IncidentID}, []int64{recent.ID, held.ID, old.ID}, "newest first")
	same(t, uses[0].Failures, []string{"F1", "F2"}, "failures in the recent incident")
	same(t, uses[1].Failures, []string{}, "a control that held")
	if uses[0].Severity != "SEV3" || uses[2].Severity != "SEV1" || uses[0].StartedAt == nil || uses[0].Control != "C1" {
		t.Fatalf("uses: %s", dump(uses))
	}
	noErr(t, s.DeleteCatalogControl(ctx, c.ID), "DeleteCatalogControl")
	cc, _ := s.FindAnalysisItem(ctx, old.ID, "C1")
	if cc.CatalogID != nil {
		t.Fatalf("control still names a deleted entry: %s", dump(cc))
	}
	wantCode(t, s.DeleteCatalogControl(ctx, c.ID), debrief.ENOTFOUND, "deleting twice")
}

func testAnalysisFishboneCategories(t *testing.T, s store.Store) {
	ctx := t.Context()
	team := newTeam(t, s, "platform", "Platform")
	got, err := s.FindFishboneCategories(ctx, team.ID)
	noErr(t, err, "FindFishboneCategories")
	if got != nil {
		t.Fatalf("categories of a new team: %v", got)
	}
	noErr(t, s.SetFishboneCategories(ctx, team.ID, []string{"Code", "Config", "Ünïcode"}), "SetFishboneCategories")
	got, _ = s.FindFishboneCategories(ctx, team.ID)
	same(t, got, []string{"Code", "Config", "Ünïcode"}, "categories in order")
	noErr(t, s.SetFishboneCategories(ctx, team.ID, nil), "clearing")
	got, _ = s.FindFishboneCategories(ctx, team.ID)
	if got != nil {
		t.Fatalf("after clearing: %v", got)
	}
	wantCode(t, s.SetFishboneCategories(ctx, 7777, []string{"x"}), debrief.ENOTFOUND, "a missing team")
}

// testAnalysisConcurrentWrites races writes whose checks depend on each
// other: two whys each made the other's parent, and a control deleted
// while a failure naming it is created, while an action is linked to an
// item being deleted. However they interleave, no loop and no dangling or
// silently dropped link may result.
func testAnalysisConcurrentWrites(t *testing.T, s store.Store) {
	ctx := t.Context()
	for round := range 5 {
		inc := newIncident(t, s, "Race")
		newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "a"})
		newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "b"})
		errs := race(2, func(i int) error {
			me, other := "W1", "W2"
			if i == 1 {
				me, other = other, me
			}
			w, err := s.FindAnalysisItem(ctx, inc.ID, me)
			if err != nil {
				return err
			}
			w.Parent = other
			return s.UpdateAnalysisItem(ctx, w)
		})
		if errs[0] == nil && errs[1] == nil {
			t.Fatalf("round %d: both whys became the other's parent: a loop", round)
		}

		newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindControl, Title: "c"})
		newItem(t, s, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "s"})
		act := newAction(t, s, inc.ID, "act")
		errs = race(4, func(i int) error {
			switch i {
			case 0:
				return s.DeleteAnalysisItem(ctx, inc.ID, "C1", false)
			case 1:
				return s.CreateAnalysisItem(ctx, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindFailure, Title: "f", Control: "C1"})
			case 2:
				return s.DeleteAnalysisItem(ctx, inc.ID, "S1", false)
			default:
				return s.SetActionLinks(ctx, inc.ID, act.ID, []string{"S1"})
			}
		})
		if errs[0] == nil && errs[1] == nil {
			t.Fatalf("round %d: a control was deleted while a failure naming it was created", round)
		}
		items, err := s.FindAnalysisItems(ctx, inc.ID)
		noErr(t, err, "FindAnalysisItems")
		refs := map[string]bool{}
		for _, it := range items {
			refs[it.Ref] = true
		}
		for _, it := range items {
			if it.Control != "" && !refs[it.Control] {
				t.Fatalf("round %d: %s names %s, which is gone", round, it.Ref, it.Control)
			}
		}
		links, _ := s.FindActionLinks(ctx, inc.ID)
		if errs[2] == nil && errs[3] == nil && len(links[act.ID]) == 0 {
			// Both succeeded: the delete must have come first (the link
			// then found no S1 and failed) — so both cannot succeed.
			t.Fatalf("round %d: a link was set and silently removed by a delete", round)
		}
		for _, e := range errs {
			if c := debrief.ErrorCode(e); c != "" && c != debrief.EINVALID && c != debrief.ECONFLICT && c != debrief.ENOTFOUND {
				t.Fatalf("round %d: unexpected error %v", round, e)
			}
		}
	}
}
