package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testTimesRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	inc := newIncident(t, s, "Times")
	times := []time.Time{
		base, // nanoseconds, in Paris
		time.Date(2025, 10, 26, 2, 30, 0, 999_999_999, paris), // a DST fold, last nanosecond
		time.Date(2024, 2, 29, 23, 59, 59, 1_500, time.FixedZone("", -(9*3600+30*60))),
		time.Date(1969, 12, 31, 23, 59, 59, 999_999_500, time.UTC), // before the epoch: cut toward the past
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2999, 12, 31, 23, 59, 59, 999_999_000, time.UTC),
		time.Unix(0, 0),
		{}, // the zero time survives as the zero time
	}
	for _, at := range times {
		ev := newEvent(t, s, inc.ID, at, at.String())
		got, err := s.FindEventByID(ctx, inc.ID, ev.ID)
		noErr(t, err, "FindEventByID")
		want := at.UTC().Truncate(time.Microsecond)
		if !got.At.Equal(want) || got.At.Location() != time.UTC || got.At.Nanosecond()%1000 != 0 {
			t.Fatalf("At %v came back as %v (%v), want %v in UTC", at, got.At, got.At.Location(), want)
		}
		if at.IsZero() && !got.At.IsZero() {
			t.Fatalf("the zero time came back as %v", got.At)
		}
		same(t, got.At, ev.At, "At as created and as read")
	}
	// Sorted by instant, not by how the zone wrote them.
	evs, _, err := s.FindEvents(ctx, debrief.EventFilter{IncidentID: inc.ID})
	noErr(t, err, "FindEvents")
	for i := 1; i < len(evs); i++ {
		if evs[i].At.Before(evs[i-1].At) {
			t.Fatalf("events out of time order: %v before %v", evs[i-1].At, evs[i].At)
		}
	}

	// Every milestone, each at its own instant.
	m := debrief.Milestones{}
	for i, name := range debrief.MilestoneNames {
		at := base.Add(time.Duration(i)*time.Hour + time.Duration(i)*time.Nanosecond*333)
		m.Set(name, &at)
	}
	inc.Milestones = m
	inc.Milestones.Started = ptr(times[1]) // Set converted to UTC; this one is not
	noErr(t, s.UpdateIncident(ctx, inc), "UpdateIncident")
	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	for _, name := range debrief.MilestoneNames {
		want := m.Get(name).UTC().Truncate(time.Microsecond)
		if name == "started" {
			want = times[1].UTC().Truncate(time.Microsecond)
		}
		g := got.Milestones.Get(name)
		if g == nil || !g.Equal(want) || g.Location() != time.UTC {
			t.Fatalf("milestone %s = %v, want %v in UTC", name, g, want)
		}
	}
	// And back to unknown.
	got.Milestones = debrief.Milestones{Resolved: got.Milestones.Resolved}
	noErr(t, s.UpdateIncident(ctx, got), "UpdateIncident")
	again, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	same(t, again.Milestones, debrief.Milestones{Resolved: got.Milestones.Resolved}, "milestones cleared but one")
}

// awkward is text that trips up encodings and naive SQL.
var awkward = strings.Join([]string{
	"Ünïcödé, 日本語のテキスト, עברית מימין לשמאל, العربية",
	"emoji 🔥🚒👩🏽‍🚒 and flags 🇪🇺 and a ZWJ family 👨‍👩‍👧‍👦",
	"combining: e\u0301 vs é; zero-width\u200bspace; BOM\ufeff",
	"quotes ' \" ` and SQL '); DROP TABLE incidents; -- ",
	"placeholders ? ?? $1 $2 :name @p1 %s %% _ \\ \\\\",
	"tabs\tand\r\nnewlines\n",
}, "\n")

func testTextRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := &debrief.Person{Name: awkward, Handle: "h🔥ndle", Email: "ünï@example.com"}
	noErr(t, s.CreatePerson(ctx, p), "CreatePerson")
	gotP, err := s.FindPersonByID(ctx, p.ID)
	noErr(t, err, "FindPersonByID")
	same(t, gotP, p, "person with awkward text")

	inc := newIncident(t, s, awkward, func(i *debrief.Incident) {
		i.Services = []string{"svc ?", "日本", awkward}
		i.Team, i.Severity = "ñ-team", "SEV🔥"
		i.Responders = []debrief.Responder{{PersonID: p.ID, Role: awkward}}
	})
	got, err := s.FindIncidentByID(ctx, inc.ID)
	noErr(t, err, "FindIncidentByID")
	same(t, got, inc, "incident with awkward text")
	incs, n, err := s.FindIncidents(ctx, debrief.IncidentFilter{Service: ptr(awkward), Team: ptr("ñ-team"), Severity: ptr("SEV🔥"), Query: ptr("日本語のテキスト DROP")})
	noErr(t, err, "FindIncidents")
	if n != 1 || incs[0].ID != inc.ID {
		t.Fatalf("filters on awkward text found %v", incidentIDs(incs))
	}

	// Long text: a megabyte-sized event and a large section body.
	long := strings.Repeat(awkward+"\n", (1<<20)/len(awkward)+1)
	ev := newEvent(t, s, inc.ID, base, long)
	gotE, err := s.FindEventByID(ctx, inc.ID, ev.ID)
	noErr(t, err, "FindEventByID")
	if gotE.Text != long {
		t.Fatalf("long event text: %d bytes back of %d", len(gotE.Text), len(long))
	}
	sec, err := s.FindSection(ctx, inc.ID, "analysis")
	noErr(t, err, "FindSection")
	sec.Body = long[:300_000]
	noErr(t, s.UpdateSection(ctx, inc.ID, sec), "UpdateSection")
	gotS, err := s.FindSection(ctx, inc.ID, "analysis")
	noErr(t, err, "FindSection")
	if gotS.Body != sec.Body {
		t.Fatalf("long section body: %d bytes back of %d", len(gotS.Body), len(sec.Body))
	}
	custom := &debrief.Section{Key: "ключ 🔑 ?", Title: awkward, Kind: debrief.SectionText, Guidance: awkward, Body: awkward}
	noErr(t, s.CreateSection(ctx, inc.ID, custom), "CreateSection with an awkward key")
	gotC, err := s.FindSection(ctx, inc.ID, "ключ 🔑 ?")
	noErr(t, err, "FindSection")
	same(t, gotC, custom, "section with awkward text")

	a := newAction(t, s, inc.ID, awkward, func(a *debrief.Action) {
		a.Description, a.DefinitionOfDone, a.DropReason, a.TicketURL = long, awkward, awkward, "https://例え.テスト/?q=1&r=%20"
	})
	gotA, err := s.FindActionByID(ctx, inc.ID, a.ID)
	noErr(t, err, "FindActionByID")
	same(t, gotA, a, "action with awkward text")
}
