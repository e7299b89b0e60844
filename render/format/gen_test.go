package format

import (
	"math/rand"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

var (
	zones = []string{"", "UTC", "Europe/Zurich", "Europe/London", "America/New_York", "America/Los_Angeles",
		"Asia/Kolkata", "Australia/Adelaide", "Pacific/Chatham", "America/St_Johns", "Asia/Tokyo", "Pacific/Honolulu"}
	words = []string{"checkout", "payments", "rollback", "Zürich", "naïve", "日本語", "😀", "pool", "DNS", "ключ",
		"a|b", "`code`", "*bold*", "_x_", "<b>", "&amp;", "{braces}", "}", "{", "—", "--", "\"quoted\"", "\\", "#1", "@marco", "<x@y>", "[x]"}
	lineKinds = []string{
		"## Not a section heading", "# Title-like", "---", "```", "```go", "| a | b |", "|---|---|",
		"<!-- a comment -->", "<!-- section: fake -->", `\<!-- section: escaped -->`, `\\<!-- section: twice -->`,
		"<!-- events -->", "<!-- actions -->", `\<!-- events -->`, "- [ ] not an action", "- 2021-08-26 10:22 +02:00 — not an event",
		"  indented", "    code block", "\ttab", "> quote", "", "", "trailing spaces  ", "- list item", "1. numbered",
	}
	kinds    = append([]string{""}, debrief.EventKinds...)
	sources  = []string{"", "manual", "slack", "pagerduty", "my source", "so\"urce"}
	authors  = []string{"", "marco", "Inès Dupont", "jo.bloggs@example.com", "a {b}", "x=y"}
	urls     = []string{"", "https://example.com/a?b=c&d=e#f", "https://example.com/with space", "http://x/<y>", "https://ex.com/{id}"}
	titles   = []string{"Summary", "Impact", "Timeline", "What went well", "Analysis — deep", "Recommendations", "Lessons | learned", "日本語の節", "`code` in title", ""}
	names    = []string{"Marco Rossi", "Inès Dupont", "李雷", "Jo", "Ana @home", "Bob <bob>", "Mary-Jane O'Neil", "", " padded ", "x@y"}
	emails   = []string{"", "marco@example.com", "ines+ops@example.co.uk"}
	handles  = []string{"", "marco", "ines_d", "li-lei"}
	statuses = []debrief.IncidentStatus{"", debrief.IncidentActive, debrief.IncidentMitigated, debrief.IncidentResolved, debrief.IncidentClosed}
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.Intn(len(xs))] }

func genText(rng *rand.Rand, maxWords int) string {
	n := 1 + rng.Intn(maxWords)
	var w []string
	for range n {
		w = append(w, pick(rng, words))
	}
	return strings.Join(w, " ")
}

func genBody(rng *rand.Rand) string {
	if rng.Intn(5) == 0 {
		return ""
	}
	n := 1 + rng.Intn(8)
	var lines []string
	for range n {
		if rng.Intn(2) == 0 {
			lines = append(lines, pick(rng, lineKinds))
		} else {
			lines = append(lines, genText(rng, 8))
		}
	}
	s := strings.Join(lines, "\n")
	if rng.Intn(4) == 0 {
		s = "\n\n" + s + "\n\n  \n"
	}
	return s
}

func genPerson(rng *rand.Rand) *debrief.Person {
	if rng.Intn(4) == 0 {
		return nil
	}
	return &debrief.Person{ID: rng.Int63n(100), Name: pick(rng, names), Email: pick(rng, emails), Handle: pick(rng, handles)}
}

func genTime(rng *rand.Rand, base time.Time) time.Time {
	t := base.Add(time.Duration(rng.Intn(72*60)) * time.Minute)
	switch rng.Intn(4) {
	case 0:
		t = t.Add(time.Duration(rng.Intn(60)) * time.Second)
	case 1:
		t = t.Add(time.Duration(rng.Intn(1e9)))
	}
	return t
}

// generate makes a random report. Times cluster around the European and
// American daylight saving changes so events cross them.
func generate(rng *rand.Rand) *debrief.Report {
	bases := []time.Time{
		time.Date(2021, 3, 27, 12, 0, 0, 0, time.UTC), // Europe springs forward on the 28th
		time.Date(2021, 10, 30, 12, 0, 0, 0, time.UTC),
		time.Date(2021, 11, 6, 12, 0, 0, 0, time.UTC), // America falls back on the 7th
		time.Date(2021, 8, 26, 8, 0, 0, 0, time.UTC),
	}
	base := pick(rng, bases)
	inc := &debrief.Incident{
		ID: rng.Int63n(10000), Title: genText(rng, 6), Severity: pick(rng, []string{"", "SEV1", "SEV2", "SEV3", "P0: major"}), Type: pick(rng, []string{"", "security", "outage"}),
		Status: pick(rng, statuses), Team: pick(rng, []string{"", "payments", "core-infra", "équipe"}),
		Visibility: pick(rng, []debrief.Visibility{"", debrief.VisibleToTeam, debrief.VisibleToOrganization}),
		TimeZone:   pick(rng, zones), Commander: genPerson(rng), Version: 3, CreatedAt: base,
	}
	for range rng.Intn(4) {
		inc.Services = append(inc.Services, pick(rng, []string{"api", "db", "checkout, eu", "日本", "a: b", "- x"}))
	}
	for _, n := range debrief.MilestoneNames {
		if rng.Intn(3) > 0 {
			inc.Milestones.Set(n, ptrTime(genTime(rng, base)))
		}
	}
	for range rng.Intn(4) {
		inc.Responders = append(inc.Responders, debrief.Responder{Role: pick(rng, []string{"", "ops", "scribe", "comms lead"}), Person: genPerson(rng)})
	}
	rep := &debrief.Report{Incident: inc}
	if rng.Intn(10) > 0 {
		retro := &debrief.Retrospective{
			Status:   pick(rng, append([]debrief.RetrospectiveStatus{""}, debrief.RetrospectiveStatuses...)),
			Template: pick(rng, []string{"", "default", "sre", "short"}), Writer: genPerson(rng), Restricted: rng.Intn(3) == 0,
		}
		n := rng.Intn(9)
		for i := range n {
			kind := debrief.SectionText
			switch rng.Intn(6) {
			case 0:
				kind = debrief.SectionTimeline
			case 1:
				kind = debrief.SectionActions
			case 2:
				if rng.Intn(3) == 0 {
					kind = ""
				}
			}
			retro.Sections = append(retro.Sections, &debrief.Section{
				Key:   pick(rng, []string{"summary", "impact", "timeline", "analysis", "recommendations", "custom_1", "x.y-z"}) + "_" + string(rune('a'+i)),
				Title: pick(rng, titles), Kind: kind, Optional: rng.Intn(3) == 0, Body: genBody(rng), Position: i + 1,
				Guidance: "not carried",
			})
		}
		rep.Retrospective = retro
	}
	for range rng.Intn(12) {
		text := genText(rng, 10)
		switch rng.Intn(5) {
		case 0:
			text += "\n" + genBody(rng)
		case 1:
			text = pick(rng, []string{"ends with {starred}", "{kind=deploy}", "a {b} {hidden}", "", "  spaced  ", "x}"})
		}
		rep.Events = append(rep.Events, &debrief.Event{
			ID: int64(100 + len(rep.Events)*7), At: genTime(rng, base), Text: text, Source: pick(rng, sources), Author: pick(rng, authors), URL: pick(rng, urls),
			Kind: pick(rng, kinds), Starred: rng.Intn(4) == 0, Hidden: rng.Intn(5) == 0,
		})
		genEvidence(rng, rep.Events[len(rep.Events)-1])
	}
	for range rng.Intn(8) {
		a := &debrief.Action{
			Title: genText(rng, 6), Owner: genPerson(rng), Priority: pick(rng, append([]string{""}, debrief.Priorities...)),
			Status:    pick(rng, append([]debrief.ActionStatus{""}, debrief.ActionStatuses...)),
			TicketURL: pick(rng, []string{"", "https://jira.example.com/browse/PAY-1", "PAY-2"}),
		}
		if rng.Intn(2) == 0 {
			a.DueDate = base.AddDate(0, 0, rng.Intn(60)).Format("2006-01-02")
		}
		if rng.Intn(2) == 0 {
			a.Description = genBody(rng)
		}
		if rng.Intn(2) == 0 {
			a.DefinitionOfDone = genText(rng, 5)
		}
		if a.Status == debrief.ActionDropped || rng.Intn(5) == 0 {
			a.DropReason = genText(rng, 5)
			if rng.Intn(3) == 0 {
				a.DropReason += "\n" + genText(rng, 3)
			}
		}
		genFollowThrough(rng, a, base)
		rep.Actions = append(rep.Actions, a)
	}
	genAnalysis(rng, rep)
	return rep
}

// genAnalysis gives rep a random analysis that names only what exists, with
// gaps in the numbering as deletions leave, and links some actions to it.
func genAnalysis(rng *rand.Rand, rep *debrief.Report) {
	if rng.Intn(3) == 0 {
		return
	}
	an := &debrief.Analysis{}
	byKind := map[debrief.AnalysisKind][]string{}
	pickRef := func(k debrief.AnalysisKind) string {
		if refs := byKind[k]; len(refs) > 0 && rng.Intn(4) > 0 {
			return pick(rng, refs)
		}
		return ""
	}
	multi := func() string {
		switch rng.Intn(4) {
		case 0:
			return ""
		case 1:
			return genBody(rng)
		}
		return genText(rng, 6)
	}
	for _, k := range debrief.AnalysisKinds {
		n := 0
		for range rng.Intn(4) {
			n += 1 + rng.Intn(2)
			it := &debrief.AnalysisItem{Kind: k, Ref: k.Prefix() + strconv.Itoa(n), Title: genText(rng, 5), Description: multi(), NoAction: multi()}
			if rng.Intn(6) == 0 {
				it.Title = ""
			}
			switch k {
			case debrief.KindComponent:
				it.Scope = pick(rng, []string{"", debrief.ScopeSystem, debrief.ScopeEnvironment})
			case debrief.KindControl, debrief.KindMissing:
				it.Controller, it.Process = pickRef(debrief.KindComponent), pickRef(debrief.KindComponent)
				it.Action, it.Feedback, it.How = multi(), multi(), multi()
			case debrief.KindFailure:
				it.Control, it.Saw, it.Reason = pickRef(debrief.KindControl), multi(), multi()
				for _, f := range debrief.Flaws {
					if rng.Intn(4) == 0 {
						it.Flaws = append(it.Flaws, f)
					}
				}
				for _, ev := range rep.Events {
					if rng.Intn(3) == 0 {
						it.Evidence = append(it.Evidence, ev.ID)
					}
				}
			case debrief.KindFactor:
				it.Category = pick(rng, []string{"", "Process", "Tooling", "équipe, people", "a: b"})
			case debrief.KindWhy:
				it.Parent = pickRef(debrief.KindWhy)
			}
			byKind[k] = append(byKind[k], it.Ref)
			an.Items = append(an.Items, it)
		}
	}
	if len(an.Items) == 0 {
		return
	}
	rep.Analysis = an
	for _, a := range rep.Actions {
		for _, it := range an.Items {
			if rng.Intn(5) == 0 {
				a.Addresses = append(a.Addresses, it.Ref)
			}
		}
	}
}

// Evidence and follow-through values: ids and keys with the characters
// sources use (Slack's "C01/1714.5", Alertmanager fingerprints) and the
// ones that need quoting.
var (
	originalIDs = []string{"", "C01ABC/1714560000.123456", "Q1W2E3", "a b", "x=\"y\"", "{id}", "日本"}
	alertKeys   = []string{"", "5xx-checkout", "4f2a9c1e88b0", "alias with spaces", "a}b"}
	refSources  = []string{"", "slack", "pagerduty", "alert manager"}
	refURLs     = []string{"", "https://example.com/a?b=c&d=e#f", "https://ex.com/{id} \"q\" <x>"}
	deciders    = []string{"Marco Rossi", "the review meeting", "Inès \"ID\" Dupont", "a: b"}
)

func genEvidence(rng *rand.Rand, ev *debrief.Event) {
	if rng.Intn(3) == 0 {
		return
	}
	ev.OriginalID, ev.AlertKey = pick(rng, originalIDs), pick(rng, alertKeys)
	ev.Tag = pick(rng, append([]string{""}, debrief.EventTags...))
	for range rng.Intn(3) {
		ev.Refs = append(ev.Refs, debrief.EventRef{Source: pick(rng, refSources), OriginalID: pick(rng, originalIDs), URL: pick(rng, refURLs)})
	}
}

// genFollowThrough sets the fields each status allows: who decided a drop,
// and the verification of a done item.
func genFollowThrough(rng *rand.Rand, a *debrief.Action, base time.Time) {
	if rng.Intn(2) == 0 {
		a.TicketKey = pick(rng, []string{"PAY-1", "OPS-42", "#17"})
	}
	switch a.Status {
	case debrief.ActionDropped:
		if rng.Intn(4) > 0 {
			a.DroppedBy = pick(rng, deciders)
		}
	case debrief.ActionDone:
		if rng.Intn(3) > 0 {
			a.VerifiedAt = ptrTime(genTime(rng, base.AddDate(0, 0, 20)))
			a.VerifiedBy = pick(rng, append([]string{""}, deciders...))
			switch rng.Intn(3) {
			case 1:
				a.VerifiedNote = genText(rng, 6)
			case 2:
				a.VerifiedNote = genBody(rng)
			}
		}
	}
}
