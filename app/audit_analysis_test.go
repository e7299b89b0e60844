package app_test

import (
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

// The analysis is part of the write-up: someone who sees the incident but
// not its restricted write-up sees who changed the analysis, not the text,
// whether the item was added by hand or by an import.
func TestAuditHidesRestrictedAnalysis(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		it := &debrief.AnalysisItem{IncidentID: w.incRestricted.ID, Kind: debrief.KindFactor, Title: "the secret factor", Category: "Process"}
		if err := e.svc.CreateAnalysisItem(w.actors["team admin"], it); err != nil {
			t.Fatal(err)
		}
		for who, wantText := range map[string]bool{"viewer": false, "reader": true} {
			entries, err := e.svc.FindAudit(w.actors[who], debrief.AuditFilter{IncidentID: &w.incRestricted.ID})
			if err != nil {
				t.Fatal(err)
			}
			if entries[0].Action != "analysis.create" || (entries[0].After != nil) != wantText ||
				strings.Contains(string(mustJSON(t, entries)), "secret factor") != wantText {
				t.Errorf("%s: analysis entry %+v", who, entries[0])
			}
		}
	})
}
