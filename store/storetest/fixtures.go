package storetest

import (
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// The fixtures build valid-looking data and fail the test on any error, so
// the cases read as the behaviour they check.

// paris is a zone away from UTC, to show times come back in UTC.
var paris = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}()

// base is a fixed instant with nanoseconds, not in UTC.
var base = time.Date(2025, 3, 14, 9, 26, 53, 589793238, paris)

func newPerson(t *testing.T, s store.Store, name, handle string) *debrief.Person {
	t.Helper()
	p := &debrief.Person{Name: name, Handle: handle, Email: handle + "@example.com"}
	if handle == "" {
		p.Email = ""
	}
	noErr(t, s.CreatePerson(t.Context(), p), "CreatePerson "+name)
	return p
}

// defaultRetro is a retrospective from Debrief's default template.
func defaultRetro(writer *int64) *debrief.Retrospective {
	r := &debrief.Retrospective{WriterID: writer, Template: debrief.DefaultTemplate.Name, Status: debrief.RetroDraft}
	for _, ts := range debrief.DefaultTemplate.Sections {
		r.Sections = append(r.Sections, &debrief.Section{
			Key: ts.Key, Title: ts.Title, Kind: ts.Kind, Optional: ts.Optional, Guidance: ts.Guidance,
		})
	}
	return r
}

// newIncident creates an incident titled title, changed by the options,
// with a default retrospective.
func newIncident(t *testing.T, s store.Store, title string, opts ...func(*debrief.Incident)) *debrief.Incident {
	t.Helper()
	inc := &debrief.Incident{
		Title: title, Severity: "SEV2", Status: debrief.IncidentActive,
		Services: []string{"api"}, Team: "platform", TimeZone: "UTC",
	}
	for _, o := range opts {
		o(inc)
	}
	noErr(t, s.CreateIncident(t.Context(), inc, defaultRetro(nil)), "CreateIncident "+title)
	return inc
}

func newEvent(t *testing.T, s store.Store, incidentID int64, at time.Time, text string, opts ...func(*debrief.Event)) *debrief.Event {
	t.Helper()
	ev := &debrief.Event{IncidentID: incidentID, At: at, Text: text, Source: "manual", Kind: debrief.EventNote}
	for _, o := range opts {
		o(ev)
	}
	noErr(t, s.CreateEvent(t.Context(), ev), "CreateEvent "+text)
	return ev
}

func newAction(t *testing.T, s store.Store, incidentID int64, title string, opts ...func(*debrief.Action)) *debrief.Action {
	t.Helper()
	a := &debrief.Action{IncidentID: incidentID, Title: title, Priority: "medium", Status: debrief.ActionProposed}
	for _, o := range opts {
		o(a)
	}
	noErr(t, s.CreateAction(t.Context(), a), "CreateAction "+title)
	return a
}

func incidentIDs(incs []*debrief.Incident) []int64 {
	ids := []int64{}
	for _, i := range incs {
		ids = append(ids, i.ID)
	}
	return ids
}

func eventTexts(evs []*debrief.Event) []string {
	texts := []string{}
	for _, e := range evs {
		texts = append(texts, e.Text)
	}
	return texts
}

func actionTitles(as []*debrief.Action) []string {
	titles := []string{}
	for _, a := range as {
		titles = append(titles, a.Title)
	}
	return titles
}

func sectionKeys(ss []*debrief.Section) []string {
	keys := []string{}
	for _, s := range ss {
		keys = append(keys, s.Key)
	}
	return keys
}

func personNames(ps []*debrief.Person) []string {
	names := []string{}
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return names
}

func newUser(t *testing.T, s store.Store, name, email string, opts ...func(*debrief.User)) *debrief.User {
	t.Helper()
	u := &debrief.User{Name: name, Email: email}
	for _, o := range opts {
		o(u)
	}
	noErr(t, s.CreateUser(t.Context(), u), "CreateUser "+email)
	return u
}

func newTeam(t *testing.T, s store.Store, slug, name string) *debrief.Team {
	t.Helper()
	tm := &debrief.Team{Slug: slug, Name: name, DefaultVisibility: debrief.VisibleToTeam}
	noErr(t, s.CreateTeam(t.Context(), tm), "CreateTeam "+slug)
	return tm
}

func userNames(us []*debrief.User) []string {
	names := []string{}
	for _, u := range us {
		names = append(names, u.Name)
	}
	return names
}

func teamSlugs(ts []*debrief.Team) []string {
	slugs := []string{}
	for _, t := range ts {
		slugs = append(slugs, t.Slug)
	}
	return slugs
}
