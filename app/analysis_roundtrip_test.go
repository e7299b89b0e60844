package app_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render/format"
)

// buildAnalysis gives inc a small analysis with a gap in its refs, evidence
// and an action linked to a failure.
func buildAnalysis(t *testing.T, e *env, inc *debrief.Incident) {
	t.Helper()
	c := e.sys
	ev := &debrief.Event{IncidentID: inc.ID, At: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC), Text: "canary passed"}
	if err := e.svc.CreateEvent(c, ev); err != nil {
		t.Fatal(err)
	}
	item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindComponent, Title: "Pipeline"})
	item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindComponent, Title: "Cluster", Scope: debrief.ScopeEnvironment})
	item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindControl, Title: "Canary", Controller: "B1", Process: "B2"})
	item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "gone soon"})
	item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "Controls are not tested", NoAction: "accepted"})
	if err := e.svc.DeleteAnalysisItem(c, inc.ID, "S1", false); err != nil {
		t.Fatal(err)
	}
	item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindFailure, Title: "Canary blind", Control: "C1",
		Flaws: []string{"information"}, Evidence: []int64{ev.ID}})
	item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "why"})
	item(t, e, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindWhy, Title: "because", Parent: "W1"})
	act := &debrief.Action{IncidentID: inc.ID, Title: "Synthetic traffic"}
	if err := e.svc.CreateAction(c, act); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetActionAddresses(c, inc.ID, act.ID, []string{"F1", "W2"}); err != nil {
		t.Fatal(err)
	}
}

var idLine = regexp.MustCompile(`(?m)^id: \d+\n`)

func TestAnalysisRoundTripThroughFiles(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		inc := mustIncident(t, e)
		buildAnalysis(t, e, inc)
		rep, err := e.svc.FindReport(e.sys, inc.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Analysis == nil || len(rep.Analysis.Items) != 7 || !slices.Equal(rep.Actions[0].Addresses, []string{"F1", "W2"}) {
			t.Fatalf("report analysis %+v actions %+v", rep.Analysis, rep.Actions)
		}
		var first bytes.Buffer
		if err := format.Write(&first, rep); err != nil {
			t.Fatal(err)
		}
		read, err := format.Read("x.md", bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("%v\n%s", err, first.Bytes())
		}
		imported, err := e.svc.ImportReport(e.sys, read)
		if err != nil {
			t.Fatal(err)
		}
		rep2, err := e.svc.FindReport(e.sys, imported.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		var second bytes.Buffer
		if err := format.Write(&second, rep2); err != nil {
			t.Fatal(err)
		}
		if a, b := idLine.ReplaceAllString(first.String(), ""), idLine.ReplaceAllString(second.String(), ""); a != b {
			t.Fatalf("export, import, export differs:\n--- first\n%s\n--- second\n%s", a, b)
		}
		// Refs are kept, gaps included, and new ones come after them.
		s3 := item(t, e, &debrief.AnalysisItem{IncidentID: imported.ID, Kind: debrief.KindSystemic, Title: "new"})
		if s3.Ref != "S3" {
			t.Errorf("first new systemic problem after import is %s, want S3", s3.Ref)
		}

		// JSON: the export carries the analysis, and importing it gives the
		// same analysis back.
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON debrief.Report
		if err := json.Unmarshal(b, &fromJSON); err != nil {
			t.Fatal(err)
		}
		imported2, err := e.svc.ImportReport(e.sys, &fromJSON)
		if err != nil {
			t.Fatal(err)
		}
		rep3, _ := e.svc.FindReport(e.sys, imported2.ID, true)
		if got, want := summary(rep3), summary(rep); got != want {
			t.Fatalf("JSON round trip:\n got %s\nwant %s", got, want)
		}
	})
}

// summary is what must survive a round trip, as one string.
func summary(rep *debrief.Report) string {
	type it struct {
		Ref, Title, Control, Parent, NoAction, Scope string
		Flaws                                        []string
		Evidence, Actions                            int
	}
	var out []it
	for _, x := range rep.Analysis.Items {
		out = append(out, it{x.Ref, x.Title, x.Control, x.Parent, x.NoAction, x.Scope, x.Flaws, len(x.Evidence), len(x.ActionIDs)})
	}
	var addr [][]string
	for _, a := range rep.Actions {
		addr = append(addr, a.Addresses)
	}
	b, _ := json.Marshal(struct {
		Items []it
		Addr  [][]string
	}{out, addr})
	return string(b)
}

func TestImportRefusesDanglingAnalysis(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		rep := &debrief.Report{
			Incident: &debrief.Incident{Title: "Imported", Team: "ops"},
			Analysis: &debrief.Analysis{Items: []*debrief.AnalysisItem{
				{Kind: debrief.KindFailure, Ref: "F1", Title: "x", Control: "C4"},
			}},
		}
		_, err := e.svc.ImportReport(e.sys, rep)
		wantField(t, err, "analysis.F1.control")
		// A decision and an action for one item contradict each other.
		rep.Analysis.Items = []*debrief.AnalysisItem{{Kind: debrief.KindSystemic, Ref: "S1", Title: "x", NoAction: "accepted"}}
		rep.Actions = []*debrief.Action{{Title: "Do it anyway", Addresses: []string{"S1"}}}
		_, err = e.svc.ImportReport(e.sys, rep)
		wantField(t, err, "actions[0].addresses")
		incs, _, _ := e.svc.FindIncidents(e.sys, debrief.IncidentFilter{})
		if len(incs) != 0 {
			t.Fatalf("a refused import left %d incidents", len(incs))
		}
	})
}
