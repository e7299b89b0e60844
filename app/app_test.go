package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

func mustIncident(t *testing.T, e *env) *debrief.Incident {
	t.Helper()
	inc := &debrief.Incident{Title: "Checkout errors", Team: "ops"}
	if err := e.svc.CreateIncident(e.sys, inc, ""); err != nil {
		t.Fatal(err)
	}
	return inc
}

func TestCreateIncidentDefaultsAndTemplate(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := e.sys
		svc := e.svc
		inc := &debrief.Incident{Title: "  Checkout errors  ", Team: "ops"}
		if err := svc.CreateIncident(ctx, inc, ""); err != nil {
			t.Fatal(err)
		}
		if inc.Title != "Checkout errors" || inc.Severity != "SEV4" || inc.Status != debrief.IncidentActive || inc.TimeZone != "UTC" {
			t.Errorf("defaults: %+v", inc)
		}
		// The visibility is the team's unless the incident says.
		if inc.Visibility != debrief.VisibleToTeam {
			t.Errorf("visibility %q, want the team's", inc.Visibility)
		}
		r, err := svc.FindRetrospective(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, s := range r.Sections {
			keys = append(keys, s.Key)
		}
		want := "summary impact timeline went_well could_be_better did_not_happen analysis recommendations"
		if strings.Join(keys, " ") != want {
			t.Errorf("sections = %v, want %s", keys, want)
		}
		if !r.Section("impact").Optional || r.Section("summary").Optional || r.Status != debrief.RetroDraft {
			t.Errorf("optional flags or status wrong: %+v", r)
		}
		err = svc.CreateIncident(ctx, &debrief.Incident{Title: "x", Team: "ops"}, "no-such-template")
		wantField(t, err, "template")
	})
}

func TestIncidentValidationNamesTheField(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := e.sys
		svc := e.svc
		start := time.Date(2024, 5, 1, 14, 0, 0, 0, time.UTC)
		before := start.Add(-time.Minute)
		cases := []struct {
			inc   debrief.Incident
			field string
		}{
			{debrief.Incident{Title: "   "}, "title"},
			{debrief.Incident{Title: strings.Repeat("x", app.MaxTitle+1)}, "title"},
			{debrief.Incident{Title: "t", Severity: "SEV1"}, "severity"},
			{debrief.Incident{Title: "t", Status: "exploded"}, "status"},
			{debrief.Incident{Title: "t", TimeZone: "Mars/Olympus"}, "time_zone"},
			{debrief.Incident{Title: "t", Services: []string{"api", ""}}, "services[1]"},
			{debrief.Incident{Title: "t", Milestones: debrief.Milestones{Started: &start, Detected: &before}}, "milestones.detected"},
			{debrief.Incident{Title: "t", CommanderID: ptr(int64(42))}, "commander_id"},
			{debrief.Incident{Title: "t", Responders: []debrief.Responder{{PersonID: 7, Role: "ops"}}}, "responders[0].person_id"},
			{debrief.Incident{Title: "t", Responders: []debrief.Responder{{PersonID: 7}}}, "responders[0].role"},
			{debrief.Incident{Title: "t", Team: "no-such-team"}, "team"},
			{debrief.Incident{Title: "t", Team: " "}, "team"},
			{debrief.Incident{Title: "t", Visibility: "everyone"}, "visibility"},
		}
		for _, c := range cases {
			inc := c.inc
			if inc.Team == "" {
				inc.Team = "ops"
			}
			wantField(t, svc.CreateIncident(ctx, &inc, ""), c.field)
		}
		if _, total, _ := svc.FindIncidents(ctx, debrief.IncidentFilter{}); total != 0 {
			t.Errorf("%d incidents written by refused creates", total)
		}
		// The configured scale is the one that counts.
		ok := &debrief.Incident{Title: "t", Severity: "P1", Team: "ops"}
		if err := svc.CreateIncident(ctx, ok, ""); err != nil {
			t.Errorf("P1 on a P1-P2 scale: %v", err)
		}
	}, app.WithSeverities([]string{"P1", "P2"}))
}

func TestUpdateIncidentVersions(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := e.sys
		svc := e.svc
		inc := mustIncident(t, e)
		_, err := svc.UpdateIncident(ctx, inc.ID, debrief.IncidentUpdate{Title: ptr("New")})
		wantField(t, err, "version")
		_, err = svc.UpdateIncident(ctx, inc.ID, debrief.IncidentUpdate{Title: ptr("New"), Version: -1})
		wantField(t, err, "version")
		upd, err := svc.UpdateIncident(ctx, inc.ID, debrief.IncidentUpdate{Title: ptr("First"), Version: inc.Version})
		if err != nil || upd.Title != "First" || upd.Version != inc.Version+1 {
			t.Fatalf("update: %v %+v", err, upd)
		}
		_, err = svc.UpdateIncident(ctx, inc.ID, debrief.IncidentUpdate{Title: ptr("Second"), Version: inc.Version})
		if debrief.ErrorCode(err) != debrief.ECONFLICT {
			t.Fatalf("stale update: %v, want conflict", err)
		}
		got, _ := svc.FindIncidentByID(ctx, inc.ID)
		if got.Title != "First" {
			t.Errorf("stale update overwrote the first: %q", got.Title)
		}
	})
}

func TestEventRules(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := e.sys
		svc := e.svc
		inc := mustIncident(t, e)
		at := time.Date(2024, 5, 1, 16, 3, 0, 0, time.FixedZone("CEST", 2*3600))
		for field, ev := range map[string]debrief.Event{
			"at":   {Text: "x"},
			"text": {At: at, Text: " "},
			"url":  {At: at, Text: "x", URL: "javascript:alert(1)"},
			"kind": {At: at, Text: "x", Kind: "rumour"},
		} {
			ev.IncidentID = inc.ID
			wantField(t, svc.CreateEvent(ctx, &ev), field)
		}
		ev := &debrief.Event{IncidentID: inc.ID, At: at, Text: "Alert fires"}
		if err := svc.CreateEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if ev.Source != "manual" || ev.Kind != debrief.EventNote || !ev.At.Equal(at) || ev.At.Location() != time.UTC {
			t.Errorf("event defaults or UTC: %+v", ev)
		}
		if err := svc.CreateEvent(ctx, &debrief.Event{IncidentID: 999, At: at, Text: "x"}); debrief.ErrorCode(err) != debrief.ENOTFOUND {
			t.Errorf("event on a missing incident: %v", err)
		}
	})
}

func TestActionStatusRules(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := e.sys
		svc := e.svc
		inc := mustIncident(t, e)
		a := &debrief.Action{IncidentID: inc.ID, Title: "Add a canary stage", DueDate: "2024-06-01"}
		if err := svc.CreateAction(ctx, a); err != nil {
			t.Fatal(err)
		}
		if a.Status != debrief.ActionProposed || a.Priority != "medium" {
			t.Errorf("defaults: %+v", a)
		}
		// Dropping needs a reason, and a refused drop writes nothing.
		_, err := svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionDropped), Version: a.Version})
		wantField(t, err, "drop_reason")
		if got, _ := svc.FindActionByID(ctx, inc.ID, a.ID); got.Status != debrief.ActionProposed || got.Version != a.Version {
			t.Errorf("refused drop changed the item: %+v", got)
		}
		a, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionDropped), DropReason: ptr("Covered by #2"), Version: a.Version})
		if err != nil || a.DropReason != "Covered by #2" {
			t.Fatalf("drop: %v %+v", err, a)
		}
		// Dropped items reopen, and the old reason goes.
		a, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionProposed), Version: a.Version})
		if err != nil || a.DropReason != "" {
			t.Fatalf("reopen: %v %+v", err, a)
		}
		a, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionDone), Version: a.Version})
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionPlanned), Version: a.Version})
		wantField(t, err, "status")
		for field, bad := range map[string]debrief.Action{
			"title":      {},
			"due_date":   {Title: "t", DueDate: "1/6/2024"},
			"priority":   {Title: "t", Priority: "urgent!!"},
			"ticket_url": {Title: "t", TicketURL: "ftp://tracker"},
			"owner_id":   {Title: "t", OwnerID: ptr(int64(5))},
		} {
			bad.IncidentID = inc.ID
			wantField(t, svc.CreateAction(ctx, &bad), field)
		}
	})
}

func TestRetrospectiveRules(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := e.sys
		svc := e.svc
		inc := mustIncident(t, e)
		r, _ := svc.FindRetrospective(ctx, inc.ID)
		_, err := svc.UpdateRetrospective(ctx, inc.ID, debrief.RetrospectiveUpdate{Status: ptr(debrief.RetroDone), Version: r.Version})
		wantField(t, err, "status")
		r, err = svc.UpdateRetrospective(ctx, inc.ID, debrief.RetrospectiveUpdate{Status: ptr(debrief.RetroInReview), Version: r.Version})
		if err != nil || r.Status != debrief.RetroInReview {
			t.Fatalf("to review: %v", err)
		}
		wantField(t, svc.DeleteSection(ctx, inc.ID, "summary"), "key")
		if err := svc.DeleteSection(ctx, inc.ID, "impact"); err != nil {
			t.Errorf("delete optional section: %v", err)
		}
		sec := &debrief.Section{Title: "Lessons learned!"}
		if err := svc.CreateSection(ctx, inc.ID, sec); err != nil || sec.Key != "lessons-learned" || !sec.Optional {
			t.Errorf("custom section: %v %+v", err, sec)
		}
		wantField(t, svc.CreateSection(ctx, inc.ID, &debrief.Section{Key: "Bad Key", Title: "x"}), "key")
		// Two people save the same section from the same version: the second
		// is refused and the first's text stays.
		s, _ := svc.FindSection(ctx, inc.ID, "summary")
		if _, err := svc.UpdateSection(ctx, inc.ID, "summary", debrief.SectionUpdate{Body: ptr("Alice's text"), Version: s.Version}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.UpdateSection(ctx, inc.ID, "summary", debrief.SectionUpdate{Body: ptr("Bob's text"), Version: s.Version})
		if debrief.ErrorCode(err) != debrief.ECONFLICT {
			t.Fatalf("second save: %v, want conflict", err)
		}
		if got, _ := svc.FindSection(ctx, inc.ID, "summary"); got.Body != "Alice's text" {
			t.Errorf("body = %q", got.Body)
		}
	})
}

func TestPersonRules(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := e.sys
		svc := e.svc
		p := &debrief.Person{Name: "Ada", Handle: "@ada", Email: "ada@example.com"}
		if err := svc.CreatePerson(ctx, p); err != nil || p.Handle != "ada" {
			t.Fatalf("create: %v %+v", err, p)
		}
		wantField(t, svc.CreatePerson(ctx, &debrief.Person{Name: "B", Email: "not-an-address"}), "email")
		wantField(t, svc.CreatePerson(ctx, &debrief.Person{Name: "B", Handle: "two words"}), "handle")
		if err := svc.CreatePerson(ctx, &debrief.Person{Name: "Ada 2", Handle: "ADA"}); debrief.ErrorCode(err) != debrief.ECONFLICT {
			t.Errorf("duplicate handle: %v", err)
		}
	})
}

func TestFindReportIncludesEverythingInOrder(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := e.sys
		svc := e.svc
		inc := mustIncident(t, e)
		base := time.Date(2024, 5, 1, 14, 0, 0, 0, time.UTC)
		// 1,100 events, more than one store page, created newest first.
		for i := 1100; i > 0; i-- {
			ev := &debrief.Event{IncidentID: inc.ID, At: base.Add(time.Duration(i) * time.Second), Text: "e", Hidden: i == 5}
			if err := svc.CreateEvent(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := svc.FindReport(ctx, inc.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Events) != 1099 {
			t.Fatalf("%d events, want 1099 (hidden left out)", len(rep.Events))
		}
		for i := 1; i < len(rep.Events); i++ {
			if rep.Events[i].At.Before(rep.Events[i-1].At) {
				t.Fatalf("event %d out of order", i)
			}
		}
		if rep, _ := svc.FindReport(ctx, inc.ID, true); len(rep.Events) != 1100 {
			t.Errorf("with hidden: %d events", len(rep.Events))
		}
	})
}

func TestBuiltinTemplates(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := e.sys
		if err := e.svc.CreateTeam(ctx, &debrief.Team{Name: "Templates", Slug: "templates"}); err != nil {
			t.Fatal(err)
		}
		for _, tpl := range debrief.BuiltinTemplates {
			inc := &debrief.Incident{Title: "With " + tpl.Name, Team: "templates"}
			if err := e.svc.CreateIncident(ctx, inc, tpl.Name); err != nil {
				t.Fatalf("%s: %v", tpl.Name, err)
			}
			r, err := e.svc.FindRetrospective(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r.Template != tpl.Name || len(r.Sections) != len(tpl.Sections) {
				t.Errorf("%s: template %q with %d sections, want %d", tpl.Name, r.Template, len(r.Sections), len(tpl.Sections))
			}
			for i, s := range r.Sections {
				if s.Key != tpl.Sections[i].Key || s.Optional != tpl.Sections[i].Optional {
					t.Errorf("%s: section %d is %q, want %q", tpl.Name, i, s.Key, tpl.Sections[i].Key)
				}
			}
		}
	})
}
