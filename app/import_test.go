package app_test

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func importable(team string) *debrief.Report {
	at := time.Date(2021, 8, 26, 8, 22, 0, 0, time.UTC)
	return &debrief.Report{
		Incident: &debrief.Incident{Title: "Imported: ingress outage", Severity: "SEV2", Team: team, TimeZone: "Europe/Copenhagen",
			Milestones: debrief.Milestones{Started: &at}},
		Retrospective: &debrief.Retrospective{Sections: []*debrief.Section{
			{Key: "summary", Title: "Summary", Body: "Bookings failed for 87 minutes."},
			{Key: "lessons", Title: "Lessons learned", Body: "- Watch redirects."},
		}},
		Events: []*debrief.Event{
			{At: at.Add(64 * time.Minute), Text: "Developer reports 307s"},
			{At: at, Text: "Load balancers moved to Traefik v2"},
		},
		Actions: []*debrief.Action{{Title: "Alert on redirect loops", Status: debrief.ActionPlanned}},
	}
}

func TestImportReportWhole(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		inc, err := e.svc.ImportReport(w.actors["editor"], importable("payments"))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := e.svc.FindReport(e.sys, inc.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if s := rep.Retrospective.Section("summary"); s == nil || s.Body != "Bookings failed for 87 minutes." {
			t.Errorf("summary %+v", s)
		}
		if s := rep.Retrospective.Section("lessons"); s == nil || s.Title != "Lessons learned" {
			t.Errorf("the section the template lacks was not kept: %+v", s)
		}
		if len(rep.Events) != 2 || rep.Events[0].Text != "Load balancers moved to Traefik v2" || rep.Events[0].Source != "import" {
			t.Errorf("events %+v", rep.Events)
		}
		if len(rep.Actions) != 1 || rep.Actions[0].Status != debrief.ActionPlanned {
			t.Errorf("actions %+v", rep.Actions)
		}
	})
}

func TestImportReportAllOrNothing(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		_, before, _ := e.svc.FindIncidents(e.sys, debrief.IncidentFilter{})
		bad := importable("payments")
		bad.Events[1].URL = "javascript:alert(1)"
		_, err := e.svc.ImportReport(w.actors["editor"], bad)
		if debrief.ErrorField(err) != "events[1].url" {
			t.Fatalf("error %v (field %q), want events[1].url", err, debrief.ErrorField(err))
		}
		if _, after, _ := e.svc.FindIncidents(e.sys, debrief.IncidentFilter{}); after != before {
			t.Errorf("%d incidents after a refused import, %d before", after, before)
		}
		// Importing into a team you cannot edit is refused before anything.
		_, err = e.svc.ImportReport(w.actors["viewer"], importable("payments"))
		wantCode(t, err, debrief.EFORBIDDEN)
	})
}

// The people a file names are the directory's people: matched by email,
// then handle, then a name only one person has; someone new is added once,
// and removed again when the import is refused.
func TestImportMatchesPeople(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		ana := &debrief.Person{Name: "Ana Alvarez", Email: "ana@example.com"}
		bo := &debrief.Person{Name: "Bo Berg", Handle: "bo"}
		for _, p := range []*debrief.Person{ana, bo} {
			if err := e.svc.CreatePerson(e.sys, p); err != nil {
				t.Fatal(err)
			}
		}
		_, people, _ := e.svc.FindPeople(e.sys, debrief.PersonFilter{})
		rep := importable("payments")
		rep.Incident.Commander = &debrief.Person{Name: "Ana A.", Email: "ANA@example.com"}
		rep.Incident.Responders = []debrief.Responder{
			{Person: &debrief.Person{Handle: "bo"}, Role: "ops"},
			{Person: &debrief.Person{Name: "Cy New"}, Role: "comms"},
			{Person: &debrief.Person{Name: "bo berg"}, Role: "again"}, // Bo, by his name: kept once
		}
		rep.Retrospective.Writer = &debrief.Person{Name: "Cy New"}
		rep.Actions[0].Owner = &debrief.Person{Name: "Bo", Handle: "bo"}
		inc, err := e.svc.ImportReport(w.actors["editor"], rep)
		if err != nil {
			t.Fatal(err)
		}
		if inc.CommanderID == nil || *inc.CommanderID != ana.ID {
			t.Errorf("commander %v, want Ana (%d)", inc.CommanderID, ana.ID)
		}
		if len(inc.Responders) != 2 || inc.Responders[0].PersonID != bo.ID || inc.Responders[1].Person.Name != "Cy New" {
			t.Errorf("responders %+v", inc.Responders)
		}
		cy := inc.Responders[1].PersonID
		full, err := e.svc.FindReport(e.sys, inc.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if full.Retrospective.WriterID == nil || *full.Retrospective.WriterID != cy {
			t.Errorf("writer %v, want Cy (%d), added once", full.Retrospective.WriterID, cy)
		}
		if full.Actions[0].OwnerID == nil || *full.Actions[0].OwnerID != bo.ID {
			t.Errorf("owner %v, want Bo", full.Actions[0].OwnerID)
		}
		if _, n, _ := e.svc.FindPeople(e.sys, debrief.PersonFilter{}); n != people+1 {
			t.Errorf("%d people after the import, want %d (only Cy added)", n, people+1)
		}

		bad := importable("payments")
		bad.Incident.Commander = &debrief.Person{Name: "Dee Gone"}
		bad.Events[1].URL = "javascript:alert(1)"
		if _, err := e.svc.ImportReport(w.actors["editor"], bad); debrief.ErrorField(err) != "events[1].url" {
			t.Fatalf("error %v, want events[1].url", err)
		}
		q := "Dee Gone"
		if found, _, _ := e.svc.FindPeople(e.sys, debrief.PersonFilter{Query: &q}); len(found) != 0 {
			t.Errorf("a refused import left %q in the directory", found[0].Name)
		}
	})
}
