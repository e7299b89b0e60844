package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testIncidentCreateFind(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada Lovelace", "ada")
	bob := newPerson(t, s, "Bob Builder", "bob")
	cy := newPerson(t, s, "Cy Twombly", "cy")

	inc := &debrief.Incident{
		Title: "Checkout fails for EU customers", Severity: "SEV1", Status: debrief.IncidentMitigated,
		Services: []string{"checkout", "payments", "db"}, Team: "payments", TimeZone: "Europe/Paris",
		Milestones: debrief.Milestones{
			Started:  ptr(base),
			Detected: ptr(base.Add(7*time.Minute + 123*time.Nanosecond)),
			Declared: ptr(base.Add(20 * time.Minute)),
		},
		CommanderID: &ada.ID,
		Responders:  []debrief.Responder{{PersonID: cy.ID, Role: "comms"}, {PersonID: bob.ID, Role: "ops"}},
	}
	retro := defaultRetro(&bob.ID)
	retro.Sections[0].Body = "Checkout was down."
	before := time.Now()
	noErr(t, s.CreateIncident(ctx, inc, retro), "CreateIncident")
	after := time.Now()

	if inc.ID <= 0 || inc.Version != 1 {
		t.Fatalf("created incident: ID %d, Version %d; want ID > 0, Version 1", inc.ID, inc.Version)
	}
	stamp(t, inc.CreatedAt, before, after, "CreatedAt")
	same(t, inc.UpdatedAt, inc.CreatedAt, "UpdatedAt of a new incident")
	// The created object is left as a read returns it: times in UTC at
	// microseconds, people filled.
	same(t, inc.Milestones, debrief.Milestones{
		Started: ptr(micro(base)), Detected: ptr(micro(base.Add(7 * time.Minute))), Declared: ptr(micro(base.Add(20 * time.Minute))),
	}, "Milestones")
	if inc.Commander == nil || inc.Commander.Name != "Ada Lovelace" || inc.Commander.ID != ada.ID {
		t.Fatalf("Commander = %s, want Ada", dump(inc.Commander))
	}
	same(t, inc.Responders, []debrief.Responder{
		{PersonID: cy.ID, Role: "comms", Person: cy}, {PersonID: bob.ID, Role: "ops", Person: bob},
	}, "Responders, in order, with their people")
	same(t, inc.Services, []string{"checkout", "payments", "db"}, "Services in order")

	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	same(t, got, inc, "found incident")

	if retro.IncidentID != inc.ID || retro.Version != 1 {
		t.Fatalf("retrospective: IncidentID %d, Version %d; want %d, 1", retro.IncidentID, retro.Version, inc.ID)
	}
	stamp(t, retro.CreatedAt, before, after, "retrospective CreatedAt")
	if retro.Writer == nil || retro.Writer.ID != bob.ID {
		t.Fatalf("retrospective Writer = %s, want Bob", dump(retro.Writer))
	}
	if len(retro.Sections) != len(debrief.DefaultTemplate.Sections) {
		t.Fatalf("%d sections, want %d", len(retro.Sections), len(debrief.DefaultTemplate.Sections))
	}
	for i, sec := range retro.Sections {
		ts := debrief.DefaultTemplate.Sections[i]
		if sec.Key != ts.Key || sec.Title != ts.Title || sec.Kind != ts.Kind || sec.Optional != ts.Optional ||
			sec.Guidance != ts.Guidance || sec.Position != i+1 || sec.Version != 1 {
			t.Fatalf("section %d = %s, want template's %s at position %d, version 1", i, dump(sec), dump(ts), i+1)
		}
		stamp(t, sec.UpdatedAt, before, after, "section UpdatedAt")
	}
	if retro.Sections[0].Body != "Checkout was down." {
		t.Fatalf("section body %q", retro.Sections[0].Body)
	}
	gotRetro, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	same(t, gotRetro, retro, "found retrospective")
}

func testIncidentCreateNilRetrospective(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := &debrief.Incident{Title: "No template", Status: debrief.IncidentActive}
	noErr(t, s.CreateIncident(ctx, inc, nil), "CreateIncident without retrospective")
	r, err := s.FindRetrospective(ctx, inc.ID)
	noErr(t, err, "FindRetrospective")
	if r.Status != debrief.RetroDraft || len(r.Sections) != 0 || r.Version != 1 {
		t.Fatalf("retrospective = %s, want an empty draft at version 1", dump(r))
	}
	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	// Lists come back empty, not nil, and no commander.
	if got.Services == nil || len(got.Services) != 0 || got.Responders == nil || len(got.Responders) != 0 ||
		got.CommanderID != nil || got.Commander != nil {
		t.Fatalf("incident = %s, want empty services and responders, no commander", dump(got))
	}
}

func testIncidentNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.FindIncidentByID(ctx, 4242)
	wantCode(t, err, debrief.ENOTFOUND, "FindIncidentByID of a missing incident")
	if msg := debrief.ErrorMessage(err); msg != "Incident 4242 not found." {
		t.Fatalf("message %q", msg)
	}
	err = s.UpdateIncident(ctx, &debrief.Incident{ID: 4242, Title: "x", Version: 1})
	wantCode(t, err, debrief.ENOTFOUND, "UpdateIncident of a missing incident")
	wantCode(t, s.DeleteIncident(ctx, 4242), debrief.ENOTFOUND, "DeleteIncident of a missing incident")
	_, err = s.FindRetrospective(ctx, 4242)
	wantCode(t, err, debrief.ENOTFOUND, "FindRetrospective of a missing incident")
}

// countIncidents returns the total of all incidents.
func countIncidents(t *testing.T, s store.Store) int {
	t.Helper()
	_, n, err := s.FindIncidents(t.Context(), debrief.IncidentFilter{})
	noErr(t, err, "FindIncidents")
	return n
}

func testIncidentCreateIsAtomic(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")

	// A missing commander: nothing is written.
	inc := &debrief.Incident{Title: "Bad commander", Status: debrief.IncidentActive, CommanderID: ptr(int64(9999))}
	err := s.CreateIncident(ctx, inc, defaultRetro(nil))
	wantCode(t, err, debrief.ENOTFOUND, "CreateIncident with a missing commander")
	if f := debrief.ErrorField(err); f != "commander_id" {
		t.Fatalf("field %q, want commander_id", f)
	}
	if inc.ID != 0 || inc.Version != 0 {
		t.Fatalf("failed create changed the incident: ID %d Version %d", inc.ID, inc.Version)
	}

	// A missing responder, after a valid commander and services.
	inc = &debrief.Incident{Title: "Bad responder", Status: debrief.IncidentActive, CommanderID: &ada.ID,
		Services: []string{"api"}, Responders: []debrief.Responder{{PersonID: ada.ID, Role: "lead"}, {PersonID: 9998, Role: "x"}}}
	err = s.CreateIncident(ctx, inc, defaultRetro(nil))
	wantCode(t, err, debrief.ENOTFOUND, "CreateIncident with a missing responder")
	if msg := debrief.ErrorMessage(err); msg != "Person 9998 not found." {
		t.Fatalf("message %q", msg)
	}

	// A responder with no person at all.
	err = s.CreateIncident(ctx, &debrief.Incident{Title: "Zero responder", Responders: []debrief.Responder{{Role: "x"}}}, defaultRetro(nil))
	wantCode(t, err, debrief.ENOTFOUND, "CreateIncident with responder 0")
	if f := debrief.ErrorField(err); f != "responders[0].person_id" {
		t.Fatalf("field %q, want responders[0].person_id", f)
	}

	// A missing writer.
	err = s.CreateIncident(ctx, &debrief.Incident{Title: "Bad writer"}, defaultRetro(ptr(int64(9997))))
	wantCode(t, err, debrief.ENOTFOUND, "CreateIncident with a missing writer")

	// Two sections with one key: the incident, written first, goes too.
	retro := defaultRetro(nil)
	retro.Sections = append(retro.Sections, &debrief.Section{Key: "summary", Title: "Again", Kind: debrief.SectionText})
	err = s.CreateIncident(ctx, &debrief.Incident{Title: "Bad sections"}, retro)
	wantCode(t, err, debrief.ECONFLICT, "CreateIncident with a duplicate section key")

	if n := countIncidents(t, s); n != 0 {
		t.Fatalf("%d incidents after failed creates, want 0", n)
	}
	// And the store still works.
	newIncident(t, s, "Good one")
	if n := countIncidents(t, s); n != 1 {
		t.Fatalf("%d incidents, want 1", n)
	}
}

func testIncidentUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	bob := newPerson(t, s, "Bob", "bob")
	cy := newPerson(t, s, "Cy", "cy")
	inc := newIncident(t, s, "Before", func(i *debrief.Incident) {
		i.CommanderID = &ada.ID
		i.Responders = []debrief.Responder{{PersonID: ada.ID, Role: "lead"}, {PersonID: bob.ID, Role: "ops"}}
		i.Services = []string{"a", "b"}
	})
	created := inc.CreatedAt

	inc.Title, inc.Severity, inc.Status = "After", "SEV1", debrief.IncidentResolved
	inc.Services = []string{"c", "a"}
	inc.Team, inc.TimeZone = "storage", "America/New_York"
	inc.Milestones.Resolved = ptr(base.Add(time.Hour))
	inc.CommanderID = &bob.ID
	inc.Responders = []debrief.Responder{{PersonID: cy.ID, Role: "scribe"}, {PersonID: ada.ID, Role: "ops"}}
	before := time.Now()
	noErr(t, s.UpdateIncident(ctx, inc), "UpdateIncident")
	after := time.Now()

	if inc.Version != 2 {
		t.Fatalf("Version %d after update, want 2", inc.Version)
	}
	same(t, inc.CreatedAt, created, "CreatedAt after update")
	stamp(t, inc.UpdatedAt, before, after, "UpdatedAt")
	if inc.Commander == nil || inc.Commander.ID != bob.ID {
		t.Fatalf("Commander %s, want Bob (refilled by the update)", dump(inc.Commander))
	}
	same(t, inc.Responders, []debrief.Responder{{PersonID: cy.ID, Role: "scribe", Person: cy}, {PersonID: ada.ID, Role: "ops", Person: ada}}, "Responders")
	same(t, *inc.Milestones.Resolved, micro(base.Add(time.Hour)), "Resolved")

	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	same(t, got, inc, "found after update")
	if got.Title != "After" || got.Severity != "SEV1" || got.Status != debrief.IncidentResolved || got.Team != "storage" ||
		got.TimeZone != "America/New_York" {
		t.Fatalf("fields not written: %s", dump(got))
	}
	same(t, got.Services, []string{"c", "a"}, "Services")

	// Clearing: no commander (nil, or a pointer to 0), no responders, no services.
	got.CommanderID, got.Responders, got.Services = nil, nil, nil
	noErr(t, s.UpdateIncident(ctx, got), "UpdateIncident clearing")
	again, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	if again.CommanderID != nil || again.Commander != nil || len(again.Responders) != 0 || len(again.Services) != 0 || again.Version != 3 {
		t.Fatalf("after clearing: %s", dump(again))
	}
	again.CommanderID = &ada.ID
	noErr(t, s.UpdateIncident(ctx, again), "UpdateIncident setting commander")
	again.CommanderID = ptr(int64(0))
	noErr(t, s.UpdateIncident(ctx, again), "UpdateIncident with commander 0")
	if again.CommanderID != nil || again.Version != 5 {
		t.Fatalf("commander 0 should clear it: %s", dump(again))
	}
}

func testIncidentUpdateStale(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Original")
	stale := *inc
	inc.Title = "First writer"
	noErr(t, s.UpdateIncident(ctx, inc), "UpdateIncident")
	stored, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")

	stale.Title = "Second writer"
	stale.Services = []string{"should", "not", "land"}
	err = s.UpdateIncident(ctx, &stale)
	wantCode(t, err, debrief.ECONFLICT, "UpdateIncident from a stale version")
	if stale.Version != 1 {
		t.Fatalf("failed update changed the object's version to %d", stale.Version)
	}
	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	same(t, got, stored, "stored incident after a stale update")

	// A version from the future is as wrong as one from the past.
	stale.Version = 7
	wantCode(t, s.UpdateIncident(ctx, &stale), debrief.ECONFLICT, "UpdateIncident from a future version")
}

func testIncidentUpdateIsAtomic(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	inc := newIncident(t, s, "Original", func(i *debrief.Incident) {
		i.Responders = []debrief.Responder{{PersonID: ada.ID, Role: "lead"}}
	})
	stored := *inc

	upd := *inc
	upd.Title = "Changed"
	upd.Services = []string{"x"}
	upd.Responders = []debrief.Responder{{PersonID: ada.ID, Role: "ops"}, {PersonID: 9999, Role: "ghost"}}
	err := s.UpdateIncident(ctx, &upd)
	wantCode(t, err, debrief.ENOTFOUND, "UpdateIncident with a missing responder")
	if f := debrief.ErrorField(err); f != "responders[1].person_id" {
		t.Fatalf("field %q, want responders[1].person_id", f)
	}
	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	same(t, got, &stored, "incident after a failed update")

	upd = stored
	upd.CommanderID = ptr(int64(9999))
	wantCode(t, s.UpdateIncident(ctx, &upd), debrief.ENOTFOUND, "UpdateIncident with a missing commander")
	got, err = s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	same(t, got, &stored, "incident after a failed update")
}

func testIncidentFilters(t *testing.T, s store.Store) {
	ctx := t.Context()
	db := newIncident(t, s, "Database outage in EU", func(i *debrief.Incident) {
		i.Severity, i.Status, i.Team, i.Services = "SEV1", debrief.IncidentActive, "storage", []string{"db", "api-gateway"}
	})
	api := newIncident(t, s, "API latency spike", func(i *debrief.Incident) {
		i.Severity, i.Status, i.Team, i.Services = "SEV2", debrief.IncidentMitigated, "platform", []string{"api"}
	})
	uni := newIncident(t, s, "Ünïcode títle: Straße broken", func(i *debrief.Incident) {
		i.Severity, i.Status, i.Team, i.Services = "SEV2", debrief.IncidentResolved, "platform", nil
	})
	pay := newIncident(t, s, "Payments database failover (100% of traffic)", func(i *debrief.Incident) {
		i.Severity, i.Status, i.Team, i.Services = "SEV3", debrief.IncidentClosed, "payments", []string{"payments", "db"}
	})

	cases := []struct {
		name string
		f    debrief.IncidentFilter
		want []*debrief.Incident
	}{
		{"all, newest first", debrief.IncidentFilter{}, []*debrief.Incident{pay, uni, api, db}},
		{"status", debrief.IncidentFilter{Status: ptr(debrief.IncidentActive)}, []*debrief.Incident{db}},
		{"severity", debrief.IncidentFilter{Severity: ptr("SEV2")}, []*debrief.Incident{uni, api}},
		{"team", debrief.IncidentFilter{Team: ptr("platform")}, []*debrief.Incident{uni, api}},
		{"team matches exactly", debrief.IncidentFilter{Team: ptr("Platform")}, nil},
		{"service is one element", debrief.IncidentFilter{Service: ptr("api")}, []*debrief.Incident{api}},
		{"service in several", debrief.IncidentFilter{Service: ptr("db")}, []*debrief.Incident{pay, db}},
		{"service not a substring", debrief.IncidentFilter{Service: ptr("gateway")}, nil},
		{"query word", debrief.IncidentFilter{Query: ptr("database")}, []*debrief.Incident{pay, db}},
		{"query ignores case", debrief.IncidentFilter{Query: ptr("DATABASE")}, []*debrief.Incident{pay, db}},
		{"query word prefix", debrief.IncidentFilter{Query: ptr("data")}, []*debrief.Incident{pay, db}},
		{"query not inside a word", debrief.IncidentFilter{Query: ptr("base")}, nil},
		{"query all words", debrief.IncidentFilter{Query: ptr("database EU")}, []*debrief.Incident{db}},
		{"query words anywhere", debrief.IncidentFilter{Query: ptr("outage database")}, []*debrief.Incident{db}},
		{"query words must all match", debrief.IncidentFilter{Query: ptr("outage payments")}, nil},
		{"query unicode, folded", debrief.IncidentFilter{Query: ptr("ÜNÏCODE straße")}, []*debrief.Incident{uni}},
		{"query punctuation ignored", debrief.IncidentFilter{Query: ptr("títle:")}, []*debrief.Incident{uni}},
		{"query of punctuation only is no filter", debrief.IncidentFilter{Query: ptr("%_ -")}, []*debrief.Incident{pay, uni, api, db}},
		{"query digits", debrief.IncidentFilter{Query: ptr("100%")}, []*debrief.Incident{pay}},
		{"query empty", debrief.IncidentFilter{Query: ptr("")}, []*debrief.Incident{pay, uni, api, db}},
		{"combined", debrief.IncidentFilter{Service: ptr("db"), Status: ptr(debrief.IncidentClosed), Query: ptr("failover")}, []*debrief.Incident{pay}},
		{"combined, none", debrief.IncidentFilter{Service: ptr("db"), Team: ptr("platform")}, nil},
	}
	for _, c := range cases {
		got, n, err := s.FindIncidents(ctx, c.f)
		noErr(t, err, "FindIncidents "+c.name)
		if want := incidentIDs(c.want); !sameIDs(incidentIDs(got), want) || n != len(want) {
			t.Fatalf("%s: got %v (total %d), want %v", c.name, incidentIDs(got), n, want)
		}
	}
	// Pages are filled like single reads.
	got, _, err := s.FindIncidents(ctx, debrief.IncidentFilter{Service: ptr("db")})
	noErr(t, err, "FindIncidents")
	same(t, got, []*debrief.Incident{pay, db}, "listed incidents")
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testIncidentPagination(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	var all []int64
	for i := range 25 {
		sev := "SEV3"
		if i%5 == 0 {
			sev = "SEV1"
		}
		inc := newIncident(t, s, "Incident", func(inc *debrief.Incident) {
			inc.Severity = sev
			inc.CommanderID = &ada.ID
			inc.Responders = []debrief.Responder{{PersonID: ada.ID, Role: "lead"}}
		})
		all = append([]int64{inc.ID}, all...) // newest first
	}
	pages := []struct {
		offset, limit int
		want          []int64
	}{
		{0, 10, all[:10]},
		{10, 10, all[10:20]},
		{20, 10, all[20:]},
		{25, 10, nil},
		{100, 10, nil},
		{-5, 3, all[:3]},
		{0, 0, all}, // the default limit, 100
	}
	for _, p := range pages {
		got, n, err := s.FindIncidents(ctx, debrief.IncidentFilter{Offset: p.offset, Limit: p.limit})
		noErr(t, err, "FindIncidents")
		if !sameIDs(incidentIDs(got), append([]int64{}, p.want...)) || n != 25 {
			t.Fatalf("offset %d limit %d: got %v total %d, want %v total 25", p.offset, p.limit, incidentIDs(got), n, p.want)
		}
		for _, inc := range got {
			if inc.Commander == nil || len(inc.Responders) != 1 || inc.Responders[0].Person == nil {
				t.Fatalf("listed incident without its people: %s", dump(inc))
			}
		}
	}
	got, n, err := s.FindIncidents(ctx, debrief.IncidentFilter{Severity: ptr("SEV1"), Limit: 2, Offset: 1})
	noErr(t, err, "FindIncidents")
	if len(got) != 2 || n != 5 {
		t.Fatalf("filtered page: %d items, total %d; want 2 of 5", len(got), n)
	}
}

func testIncidentDeleteCascades(t *testing.T, s store.Store) {
	ctx := t.Context()
	ada := newPerson(t, s, "Ada", "ada")
	setup := func(title string) (*debrief.Incident, *debrief.Event, *debrief.Action) {
		inc := newIncident(t, s, title, func(i *debrief.Incident) {
			i.CommanderID = &ada.ID
			i.Responders = []debrief.Responder{{PersonID: ada.ID, Role: "lead"}}
			i.Services = []string{"api"}
		})
		ev := newEvent(t, s, inc.ID, base, "event of "+title)
		newEvent(t, s, inc.ID, base, "hidden of "+title, func(e *debrief.Event) { e.Hidden = true })
		a := newAction(t, s, inc.ID, "action of "+title, func(a *debrief.Action) { a.OwnerID = &ada.ID })
		noErr(t, s.CreateSection(ctx, inc.ID, &debrief.Section{Key: "custom", Title: "Custom"}), "CreateSection")
		return inc, ev, a
	}
	gone, goneEv, goneAct := setup("gone")
	kept, keptEv, keptAct := setup("kept")

	noErr(t, s.DeleteIncident(ctx, gone.ID), "DeleteIncident")

	_, err := s.FindIncidentByID(ctx, gone.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindIncidentByID after delete")
	_, err = s.FindRetrospective(ctx, gone.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindRetrospective after delete")
	_, err = s.FindSection(ctx, gone.ID, "custom")
	wantCode(t, err, debrief.ENOTFOUND, "FindSection after delete")
	_, err = s.FindEventByID(ctx, gone.ID, goneEv.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindEventByID after delete")
	_, err = s.FindActionByID(ctx, gone.ID, goneAct.ID)
	wantCode(t, err, debrief.ENOTFOUND, "FindActionByID after delete")
	evs, n, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: gone.ID, IncludeHidden: true})
	noErr(t, err, "FindEvents")
	if len(evs) != 0 || n != 0 {
		t.Fatalf("%d events (total %d) of a deleted incident", len(evs), n)
	}
	acts, n, err := s.FindActions(ctx, debrief.ActionFilter{})
	noErr(t, err, "FindActions")
	if n != 1 || len(acts) != 1 || acts[0].ID != keptAct.ID {
		t.Fatalf("actions after delete: %v (total %d), want only the kept one", actionTitles(acts), n)
	}
	incs, n, err := s.FindIncidents(ctx, debrief.IncidentFilter{Service: ptr("api")})
	noErr(t, err, "FindIncidents")
	if n != 1 || incs[0].ID != kept.ID {
		t.Fatalf("incidents after delete: %v", incidentIDs(incs))
	}

	// The other incident is untouched, and the person is still there.
	_, err = s.FindEventByID(ctx, kept.ID, keptEv.ID)
	noErr(t, err, "FindEventByID of the kept incident")
	_, n, err = s.FindEvents(ctx, debrief.EventFilter{IncidentID: kept.ID, IncludeHidden: true})
	noErr(t, err, "FindEvents")
	if n != 2 {
		t.Fatalf("kept incident has %d events, want 2", n)
	}
	r, err := s.FindRetrospective(ctx, kept.ID)
	noErr(t, err, "FindRetrospective of the kept incident")
	if len(r.Sections) != len(debrief.DefaultTemplate.Sections)+1 {
		t.Fatalf("kept retrospective has %d sections", len(r.Sections))
	}
	k, err := s.FindIncidentByID(ctx, kept.ID)
	noErr(t, err, "FindIncidentByID")
	same(t, k, kept, "kept incident")
	_, err = s.FindPersonByID(ctx, ada.ID)
	noErr(t, err, "FindPersonByID")

	wantCode(t, s.DeleteIncident(ctx, gone.ID), debrief.ENOTFOUND, "DeleteIncident twice")
}

// race runs n updates at once, all from the same version, and returns
// their errors.
func race(n int, update func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = update(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWinner checks that exactly one update succeeded and the others were
// conflicts, and returns the winner.
func oneWinner(t *testing.T, errs []error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch debrief.ErrorCode(err) {
		case "":
			if winner >= 0 {
				t.Fatalf("updates %d and %d both won from the same version", winner, i)
			}
			winner = i
		case debrief.ECONFLICT:
		default:
			t.Fatalf("update %d: %v, want success or a conflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no update won: %v", errs)
	}
	return winner
}

func testIncidentConcurrentUpdates(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Contested")
	const n = 8
	errs := race(n, func(i int) error {
		mine := *inc
		mine.Title = "writer " + string(rune('A'+i))
		mine.Services = []string{mine.Title}
		return s.UpdateIncident(ctx, &mine)
	})
	w := oneWinner(t, errs)
	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	want := "writer " + string(rune('A'+w))
	if got.Version != 2 || got.Title != want || len(got.Services) != 1 || got.Services[0] != want {
		t.Fatalf("after the race: version %d, title %q, services %v; want 2, %q, [%q]", got.Version, got.Title, got.Services, want, want)
	}
}
