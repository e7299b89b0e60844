package lint

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

// report builds a small retrospective that passes every rule; tests
// change one thing and look for the one finding it should cause.
func report() *debrief.Report {
	at := func(h, m int) time.Time { return time.Date(2024, 3, 5, h, m, 0, 0, time.UTC) }
	t := func(h, m int) *time.Time { v := at(h, m); return &v }
	owner := int64(7)
	rep := &debrief.Report{
		Incident: &debrief.Incident{
			ID: 1, Title: "Checkout errors", TimeZone: "UTC", Services: []string{"checkout"},
			Milestones: debrief.Milestones{Started: t(10, 0), Detected: t(10, 10), Mitigated: t(10, 40), Resolved: t(10, 45)},
			Commander:  &debrief.Person{Name: "Marco Rossi", Handle: "marco"},
			Responders: []debrief.Responder{{Person: &debrief.Person{Name: "Inès Dupont", Handle: "ines"}}},
		},
		Retrospective: &debrief.Retrospective{Template: "default"},
		Events: []*debrief.Event{
			{ID: 11, At: at(10, 0), Text: "Deploy 2.31", Source: "argo"},
			{ID: 12, At: at(10, 10), Text: "Alert: 5xx above 5%", Source: "pagerduty"},
			{ID: 13, At: at(10, 40), Text: "Rolled back", Source: "argo"},
		},
		Actions: []*debrief.Action{
			{ID: 21, Title: "Alert when checkout 5xx is above 2% for 5 minutes", OwnerID: &owner, DueDate: "2024-04-01", DefinitionOfDone: "The alert fires in the staging drill"},
		},
	}
	for _, s := range debrief.DefaultTemplate.Sections {
		body := "The " + s.Title + " text."
		if s.Key == "summary" {
			body = "For 45 minutes 5% of checkouts failed after a deploy; rolling back ended it."
		}
		rep.Retrospective.Sections = append(rep.Retrospective.Sections, &debrief.Section{Key: s.Key, Title: s.Title, Kind: s.Kind, Optional: s.Optional, Body: body})
	}
	return rep
}

func rulesOf(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestCleanReportHasNoFindings(t *testing.T) {
	if fs := Lint(report(), nil); len(fs) != 0 {
		t.Fatalf("findings on a clean report: %+v", fs)
	}
}

func setBody(rep *debrief.Report, key, body string) {
	rep.Retrospective.Section(key).Body = body
}

func TestBlameRules(t *testing.T) {
	cases := []struct {
		text string
		want string // rule, "" for none
	}{
		{"The on-call engineer should have noticed the alert.", "blame/should-have"},
		{"We shouldn't have rushed it.", "blame/should-have"},
		{"Each repository should have clear rules.", ""},
		{"It was human error.", "blame/human-error"},
		{"A careless change took the site down.", "blame/careless"},
		{"The negligent rollout…", "blame/careless"},
		{"Marco failed to check the dashboard.", "blame/person-failed"},
		{"@ines forgot to renew the certificate.", "blame/person-failed"},
		{"We then accidentally missed the page.", "blame/person-failed"},
		{"The health check failed to detect it.", ""},
		{"We wrongly assumed the chart set limits.", "blame/person-failed"},
		{"The chart wrongly assumed defaults.", ""},
		{"Inbound traffic failed to reach the cluster.", ""},
		{"The root cause was a full disk.", "blame/root-cause"},
		{"Obviously the disk was full.", "blame/hindsight"},
		{"They clearly should check first.", "blame/hindsight"},
		{"The dashboard clearly showed the problem.", ""},
		// Not the writer's prose: code, quotes, block quotes, logs.
		{"Run `echo should have been` to see.", ""},
		{"```\nroot cause: disk\n```", ""},
		{"> Marco failed to check it, someone said.", ""},
		{"Someone wrote \"this is human error\" in chat.", ""},
		{"He said “obviously it is DNS”.", ""},
		{"2024-03-05T10:00:00Z ERROR root cause unknown", ""},
		{"See [the root cause doc](https://x.example/root-cause).", "blame/root-cause"},
		{"See [the doc](https://x.example/root-cause).", ""},
	}
	for _, c := range cases {
		rep := report()
		setBody(rep, "analysis", c.text)
		got := ""
		for _, f := range Lint(rep, nil) {
			if strings.HasPrefix(f.Rule, "blame/") {
				got = f.Rule
				if f.Location.Section != "analysis" || f.Location.Line < 1 {
					t.Errorf("%q: location %+v", c.text, f.Location)
				}
			}
		}
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
}

func TestBlameLineWithinSection(t *testing.T) {
	rep := report()
	setBody(rep, "analysis", "First line.\n\nSecond paragraph says human error.")
	fs := Lint(rep, nil)
	if len(fs) != 1 || fs[0].Location.Line != 3 || fs[0].Severity != Error || fs[0].Why == "" || fs[0].Fix == "" {
		t.Fatalf("got %+v", fs)
	}
}

func TestBlameInEventsAndActions(t *testing.T) {
	rep := report()
	rep.Events[1].Text = "Marco forgot to page the DBA"
	rep.Events = append(rep.Events, &debrief.Event{ID: 14, At: rep.Events[2].At, Text: "root cause found", Kind: debrief.EventMessage, Source: "slack"})
	rep.Actions[0].Description = "Stop the human error"
	fs := Lint(rep, nil)
	got := rulesOf(fs)
	if strings.Join(got, ",") != "blame/person-failed,blame/human-error" {
		t.Fatalf("got %v (%+v)", got, fs)
	}
	if fs[0].Location.EventIndex != 2 || fs[0].Location.Event != 12 || fs[1].Location.ActionIndex != 1 || fs[1].Location.Action != 21 {
		t.Fatalf("locations %+v %+v", fs[0].Location, fs[1].Location)
	}
}

func TestSubjectBefore(t *testing.T) {
	cases := map[string]string{
		"Marco":                     "Marco",
		"The check, we then":        "we",
		"because the probe":         "probe",
		"Marco restarted it and":    "",
		"- we":                      "we",
		"The host db1.example.com":  "db1.example.com",
		"Inès Dupont unfortunately": "Dupont",
		"":                          "",
		"First sentence. Then we":   "we",
		"a list\n- the deploy":      "deploy",
	}
	for in, want := range cases {
		if got := SubjectBefore(in+" failed", len(in)); got != want {
			t.Errorf("SubjectBefore(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTimelineRules(t *testing.T) {
	check := func(name string, change func(r *debrief.Report), want ...string) {
		t.Helper()
		rep := report()
		change(rep)
		got := strings.Join(rulesOf(Lint(rep, nil)), ",")
		if got != strings.Join(want, ",") {
			t.Errorf("%s: got %s, want %s", name, got, strings.Join(want, ","))
		}
	}
	check("order", func(r *debrief.Report) { r.Events[0].At = r.Events[2].At.Add(time.Minute) }, "timeline/order")
	check("zone", func(r *debrief.Report) { r.Incident.TimeZone = "" }, "timeline/zone")
	check("zone in text", func(r *debrief.Report) { r.Events[1].Text = "Alert at 11:10 CET" }, "timeline/zone")
	check("resolution", func(r *debrief.Report) {
		for _, e := range r.Events {
			e.At = e.At.Truncate(24 * time.Hour)
		}
	}, "timeline/resolution", "timeline/resolution", "timeline/resolution")
	check("milestones", func(r *debrief.Report) { r.Incident.Milestones.Detected = nil }, "timeline/milestones")
	check("milestone order", func(r *debrief.Report) {
		d := r.Incident.Milestones.Started.Add(-time.Hour)
		r.Incident.Milestones.Detected = &d
	}, "timeline/milestone-order")
	check("gap", func(r *debrief.Report) {
		start := r.Events[0].At.Add(-6 * time.Hour)
		r.Incident.Milestones.Started = &start
		r.Events[0].At = r.Events[0].At.Add(-5 * time.Hour)
		r.Retrospective.Section("summary").Body = "Checkouts failed after a deploy; rolling back ended it."
	}, "timeline/gap")
	check("no gap before the start", func(r *debrief.Report) {
		r.Events[0].At = r.Events[0].At.Add(-5 * time.Hour)
	})
	check("source", func(r *debrief.Report) { r.Events[1].Source = "manual" }, "timeline/source")
	check("source by link", func(r *debrief.Report) { r.Events[1].Source, r.Events[1].URL = "manual", "https://x" })
	check("empty", func(r *debrief.Report) { r.Events = nil }, "timeline/empty")
	check("hidden events are not the timeline", func(r *debrief.Report) {
		r.Events = append(r.Events, &debrief.Event{At: r.Events[0].At.Add(-time.Hour), Hidden: true, Text: "chatter"})
	})
}

func TestRecommendationRules(t *testing.T) {
	check := func(name string, change func(a *debrief.Action), want ...string) {
		t.Helper()
		rep := report()
		change(rep.Actions[0])
		got := strings.Join(rulesOf(Lint(rep, nil)), ",")
		if got != strings.Join(want, ",") {
			t.Errorf("%s: got %s, want %s", name, got, strings.Join(want, ","))
		}
	}
	check("owner", func(a *debrief.Action) { a.OwnerID = nil }, "recommendations/owner")
	check("owner by person", func(a *debrief.Action) { a.OwnerID, a.Owner = nil, &debrief.Person{Handle: "marco"} })
	check("date", func(a *debrief.Action) { a.DueDate = "" }, "recommendations/due-date")
	check("done", func(a *debrief.Action) { a.DefinitionOfDone = "" }, "recommendations/definition-of-done")
	check("done items need nothing", func(a *debrief.Action) { a.Status, a.OwnerID, a.DueDate = debrief.ActionDone, nil, "" })
	check("dropped", func(a *debrief.Action) { a.Status = debrief.ActionDropped }, "recommendations/drop-reason")
	check("careful", func(a *debrief.Action) { a.Title = "Be more careful" }, "blame/careless", "recommendations/vague")
	for _, title := range []string{"Improve monitoring", "Investigate", "We should consider alerting", "Better monitoring of namespaces."} {
		check(title, func(a *debrief.Action) { a.Title = title }, "recommendations/vague")
	}
	for _, title := range []string{"Improve the ALB health check to fail after 2 timeouts", "Investigate why KIAM restarts on node drain", "Review PR #123"} {
		check(title, func(a *debrief.Action) { a.Title = title })
	}
	rep := report()
	rep.Actions = nil
	if got := rulesOf(Lint(rep, nil)); strings.Join(got, ",") != "recommendations/none" {
		t.Errorf("none: %v", got)
	}
}

func TestSummaryRules(t *testing.T) {
	check := func(name, body string, want ...string) {
		t.Helper()
		rep := report()
		setBody(rep, "summary", body)
		got := strings.Join(rulesOf(Lint(rep, nil)), ",")
		if got != strings.Join(want, ",") {
			t.Errorf("%s: got %s, want %s", name, got, strings.Join(want, ","))
		}
	}
	check("missing", "  ", "summary/missing")
	check("paragraphs", "One.\n\nTwo.", "summary/one-paragraph")
	check("list is part of its paragraph", "One:\n\n- a\n- b")
	check("number", "For 45 minutes 37% of checkouts failed.", "summary/unsupported")
	check("duration from milestones", "For 45 min checkouts failed; detected after 10 minutes.")
	check("service", "The `payments-api` failed.", "summary/unsupported")
	check("known service", "The checkout failed on 5 March 2024 at 10:00.")
	check("versions", "Upgrading from 1.13 to 1.14 broke DNS.")
}

func TestCompletenessRules(t *testing.T) {
	rep := report()
	setBody(rep, "analysis", "")
	rep.Retrospective.Sections = rep.Retrospective.Sections[:len(rep.Retrospective.Sections)-2] // drop recommendations' text and analysis
	got := rulesOf(Lint(rep, nil))
	if strings.Join(got, ",") != "completeness/required-section" {
		t.Fatalf("got %v", got)
	}
	rep = report()
	setBody(rep, "impact", "The outage lasted 3 hours.")
	fs := Lint(rep, nil)
	if len(fs) != 1 || fs[0].Rule != "completeness/duration" || !strings.Contains(fs[0].Message, "45 min") {
		t.Fatalf("got %+v", fs)
	}
	setBody(rep, "impact", "The outage lasted about 40 minutes.")
	if fs := Lint(rep, nil); len(fs) != 0 {
		t.Fatalf("got %+v", fs)
	}
}

func TestEveryRuleHasDocs(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] || r.Summary == "" || r.Why == "" || r.Fix == "" || r.Severity.rank() == 0 || r.check == nil {
			t.Errorf("rule %q is incomplete or registered twice", r.ID)
		}
		seen[r.ID] = true
	}
}

// TestEveryRuleDocumented: docs/lint.md has a section per registered rule
// with a bad and a good example.
func TestEveryRuleDocumented(t *testing.T) {
	data, err := os.ReadFile("../docs/lint.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, r := range Rules() {
		head := "### " + r.ID + " (" + string(r.Severity) + ")\n"
		i := strings.Index(doc, head)
		if i < 0 {
			t.Errorf("docs/lint.md has no %q", strings.TrimSpace(head))
			continue
		}
		sec := doc[i+len(head):]
		if j := strings.Index(sec, "\n### "); j >= 0 {
			sec = sec[:j]
		}
		if !strings.Contains(sec, "- Bad") || !strings.Contains(sec, "- Good") {
			t.Errorf("docs/lint.md: %s lacks a bad or a good example", r.ID)
		}
	}
}

func TestServiceNames(t *testing.T) {
	s := "The `payments-api` and db1.internal failed, not on-call or `x` or Foo-bar; `two words` and eu-west-1."
	var got []string
	for _, n := range serviceNames(s) {
		got = append(got, s[n.start:n.end])
	}
	if strings.Join(got, "|") != "payments-api|db1.internal|on-call|eu-west-1" {
		t.Errorf("got %q", got)
	}
}

func TestTraceRule(t *testing.T) {
	analysed := func() *debrief.Report {
		rep := report()
		rep.Actions[0].ID = 7
		rep.Analysis = &debrief.Analysis{Items: []*debrief.AnalysisItem{
			{Kind: debrief.KindControl, Ref: "C1", Title: "Deploy check"},
			{Kind: debrief.KindFailure, Ref: "F1", Title: "The check passed a broken config", Control: "C1", ActionIDs: []int64{7}},
			{Kind: debrief.KindFactor, Ref: "CF1", Title: "Friday deploy", NoAction: "deploys on Fridays are fine with the new check"},
			{Kind: debrief.KindWhy, Ref: "W1", Title: "Why did it pass?", NoAction: ""},
			{Kind: debrief.KindWhy, Ref: "W2", Title: "The schema allowed it", Parent: "W1", NoAction: "covered by F1"},
		}}
		return rep
	}
	check := func(name string, change func(r *debrief.Report), want ...string) {
		t.Helper()
		rep := analysed()
		change(rep)
		var got []string
		for _, f := range Lint(rep, nil) {
			if f.Rule == "recommendations/trace" {
				got = append(got, f.Location.String()+": "+f.Message)
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}
	check("all traced", func(r *debrief.Report) {})
	check("no structured analysis, nothing to trace to", func(r *debrief.Report) { r.Analysis = nil })
	check("an action addressing nothing", func(r *debrief.Report) { r.Analysis.Items[1].ActionIDs = nil; r.Analysis.Items[1].NoAction = "none" },
		`recommendations action 1 (addresses): "`+short(report().Actions[0].Title)+`" addresses no item of the analysis`)
	check("a file's action lists its refs", func(r *debrief.Report) {
		r.Analysis.Items[1].ActionIDs = nil
		r.Actions[0].ID, r.Actions[0].Addresses = 0, []string{"F1"}
	})
	check("a failure nothing answers", func(r *debrief.Report) {
		r.Analysis.Items[1].ActionIDs = nil
		r.Actions[0].Status = debrief.ActionDropped
		r.Actions[0].DropReason = "too costly"
	}, `analysis (F1): F1 "The check passed a broken config" has no action item and no recorded decision not to act`)
	check("the last why of a chain needs an answer, not its parents", func(r *debrief.Report) { r.Analysis.Items[4].NoAction = "" },
		`analysis (W2): W2 "The schema allowed it" has no action item and no recorded decision not to act`)
}
