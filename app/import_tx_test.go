package app_test

import (
	"testing"

	"github.com/debrief-oss/debrief"
)

// An import refused at its last part (an action item, after the people,
// the incident, its sections, events and analysis are written) leaves
// nothing: no incident, no person it added, no audit entry of a change
// that did not happen. A refusal of access stays in the log.
func TestImportReportRefusedLateLeavesNothing(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		_, incidents, _ := e.svc.FindIncidents(e.sys, debrief.IncidentFilter{})
		_, people, _ := e.svc.FindPeople(e.sys, debrief.PersonFilter{})
		all, err := e.svc.FindAudit(e.sys, debrief.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		bad := importable("payments")
		bad.Incident.Commander = &debrief.Person{Name: "Dee New", Email: "dee@example.com"}
		bad.Retrospective.Sections = append(bad.Retrospective.Sections, &debrief.Section{Key: "custom", Title: "Custom", Body: "x"})
		bad.Analysis = &debrief.Analysis{Items: []*debrief.AnalysisItem{{Kind: debrief.KindFactor, Ref: "CF1", Title: "Redirects", Category: "Methods"}}}
		bad.Actions = append(bad.Actions, &debrief.Action{Title: "", Status: debrief.ActionPlanned,
			Owner: &debrief.Person{Name: "Eve Owner"}})
		_, err = e.svc.ImportReport(w.actors["editor"], bad)
		if f := debrief.ErrorField(err); f != "actions[1].title" {
			t.Fatalf("error %v (field %q), want actions[1].title", err, f)
		}
		if _, n, _ := e.svc.FindIncidents(e.sys, debrief.IncidentFilter{}); n != incidents {
			t.Errorf("%d incidents after a refused import, %d before", n, incidents)
		}
		if _, n, _ := e.svc.FindPeople(e.sys, debrief.PersonFilter{}); n != people {
			t.Errorf("%d people after a refused import, %d before", n, people)
		}
		after, err := e.svc.FindAudit(e.sys, debrief.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(all) {
			t.Errorf("a refused import left %d audit entries, the newest %q", len(after)-len(all), after[0].Action)
		}

		// Refused for access: the refusal is recorded, nothing else.
		_, err = e.svc.ImportReport(w.actors["viewer"], importable("payments"))
		wantCode(t, err, debrief.EFORBIDDEN)
		after, err = e.svc.FindAudit(e.sys, debrief.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(all)+1 || after[0].Outcome != debrief.AuditDenied || after[0].Action != "incident.create" {
			t.Errorf("after a refused import: %d new entries, the newest %+v; want the refusal", len(after)-len(all), after[0])
		}

		// The same file, mended, goes in whole, each change audited.
		bad.Actions[1].Title = "Alert on redirect loops, again"
		inc, err := e.svc.ImportReport(w.actors["editor"], bad)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := e.svc.FindAudit(e.sys, debrief.AuditFilter{IncidentID: &inc.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, en := range entries {
			got[en.Action]++
		}
		want := map[string]int{"incident.create": 1, "section.update": 1, "section.create": 2, "event.import": 1, "analysis.import": 1, "action.create": 2}
		for a, n := range want {
			if got[a] != n {
				t.Errorf("%d %q entries, want %d (all: %v)", got[a], a, n, got)
			}
		}
	})
}

// A file naming a section twice is refused, naming the second.
func TestImportReportSectionTwice(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		for _, key := range []string{"summary", "custom"} {
			rep := importable("payments")
			rep.Retrospective.Sections = append(rep.Retrospective.Sections,
				&debrief.Section{Key: key, Title: "One", Body: "a"}, &debrief.Section{Key: key, Title: "Two", Body: "b"})
			_, err := e.svc.ImportReport(w.actors["editor"], rep)
			wantCode(t, err, debrief.ECONFLICT)
			if f, want := debrief.ErrorField(err), "sections[3].key"; key == "custom" && f != want {
				t.Errorf("field %q, want %q", f, want)
			}
		}
		// Sections without keys get theirs from their titles.
		rep := importable("payments")
		rep.Retrospective.Sections = append(rep.Retrospective.Sections,
			&debrief.Section{Title: "Follow-up notes", Body: "a"}, &debrief.Section{Title: "Other notes", Body: "b"})
		if _, err := e.svc.ImportReport(w.actors["editor"], rep); err != nil {
			t.Fatal(err)
		}
	})
}
