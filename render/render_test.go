package render_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
)

func TestHTMLIsSanitised(t *testing.T) {
	for _, md := range []string{
		"<script>alert(1)</script>",
		"[click](javascript:alert(1))",
		`<img src=x onerror="alert(1)">`,
		"<a href=\"x\" onclick=\"alert(1)\">x</a>",
	} {
		got := string(render.HTML(md))
		low := strings.ToLower(got)
		if strings.Contains(low, "<script") || strings.Contains(low, "javascript:") || strings.Contains(low, "onerror") || strings.Contains(low, "onclick") {
			t.Errorf("HTML(%q) = %q", md, got)
		}
	}
	got := string(render.HTML("**bold** and a [link](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done"))
	for _, want := range []string{"<strong>bold</strong>", `href="https://example.com"`, `rel="nofollow`, "<table>", `type="checkbox"`} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML lacks %q: %s", want, got)
		}
	}
}

func TestTimeShowsZoneAndOffset(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	summer := time.Date(2021, 8, 26, 8, 22, 0, 0, time.UTC)
	winter := time.Date(2021, 12, 1, 8, 22, 30, 0, time.UTC)
	for _, c := range []struct {
		t    time.Time
		loc  *time.Location
		want string
	}{
		{summer, cph, "2021-08-26 10:22 CEST (UTC+02:00)"},
		{winter, cph, "2021-12-01 09:22:30 CET (UTC+01:00)"},
		{summer, time.UTC, "2021-08-26 08:22 UTC"},
	} {
		if got := render.Time(c.t, c.loc); got != c.want {
			t.Errorf("Time(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                            "0m",
		64 * time.Minute:             "1h 4m",
		87 * time.Minute:             "1h 27m",
		50*time.Hour + 7*time.Minute: "2d 2h",
		-5 * time.Minute:             "-5m",
	} {
		if got := render.Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestMarkdownExport(t *testing.T) {
	start := time.Date(2024, 5, 1, 14, 3, 0, 0, time.UTC)
	resolved := start.Add(95 * time.Minute)
	ada := &debrief.Person{ID: 1, Name: "Ada Lovelace", Handle: "ada"}
	rep := &debrief.Report{
		Incident: &debrief.Incident{
			ID: 7, Title: "Checkout | errors", Severity: "SEV2", Status: debrief.IncidentResolved,
			Services: []string{"checkout", "payments"}, TimeZone: "America/New_York",
			Milestones: debrief.Milestones{Started: &start, Resolved: &resolved},
			Commander:  ada,
		},
		Retrospective: &debrief.Retrospective{Status: debrief.RetroDraft, Sections: []*debrief.Section{
			{Key: "summary", Title: "Summary", Kind: debrief.SectionText, Body: "One checkout in five failed."},
			{Key: "impact", Title: "Impact", Kind: debrief.SectionText, Optional: true},
			{Key: "timeline", Title: "Timeline", Kind: debrief.SectionTimeline},
			{Key: "analysis", Title: "Analysis", Kind: debrief.SectionText},
			{Key: "recommendations", Title: "Recommendations", Kind: debrief.SectionActions},
		}},
		Events: []*debrief.Event{
			{At: start, Text: "Deploy 412 starts", Source: "argo", URL: "https://ci.example.com/412"},
			{At: start.Add(time.Minute), Text: "bot chatter", Hidden: true},
			{At: start.Add(6 * time.Minute), Text: "Alert fires", Starred: true},
		},
		Actions: []*debrief.Action{
			{Title: "Canary deploys", DefinitionOfDone: "5% first", Owner: ada, Priority: "high", DueDate: "2024-06-01", Status: debrief.ActionPlanned},
			{Title: "Retry | budget", Priority: "low", Status: debrief.ActionDropped, DropReason: "covered by #1"},
		},
	}
	var buf bytes.Buffer
	if err := render.Markdown(&buf, rep); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"# Checkout | errors\n",
		"| Severity | SEV2 |",
		"| Services | checkout, payments |",
		"| Incident commander | Ada Lovelace (@ada) |",
		"| Started | 2024-05-01 10:03 EDT (UTC-04:00) |",
		"| Time to resolve | 1h 35m |",
		"## Summary\n\nOne checkout in five failed.",
		"- **2024-05-01 10:03 EDT (UTC-04:00)** Deploy 412 starts ([argo](<https://ci.example.com/412>))",
		"- **2024-05-01 10:09 EDT (UTC-04:00)** ★ Alert fires",
		"## Analysis\n\n_Not written yet._",
		"| 1 | Canary deploys (done when: 5% first) | Ada Lovelace (@ada) | High | 2024-06-01 | Planned |",
		`| 2 | Retry \| budget |`,
		"Dropped: covered by #1",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("export lacks %q\n---\n%s", want, md)
		}
	}
	if strings.Contains(md, "bot chatter") || strings.Contains(md, "## Impact") {
		t.Errorf("hidden event or empty optional section exported:\n%s", md)
	}
	if strings.Index(md, "Deploy 412") > strings.Index(md, "Alert fires") {
		t.Error("timeline out of order")
	}
}

func TestMarkdownFilename(t *testing.T) {
	cases := []struct {
		id    int64
		title string
		want  string
	}{
		{42, "Checkout outage", "incident-42-checkout-outage.md"},
		{7, `"; rm -rf / ..\..\etc/passwd`, "incident-7-rm-rf-etc-passwd.md"},
		{8, "Ünïcode ☃ only", "incident-8-n-code-only.md"},
		{9, "☃☃☃", "incident-9.md"},
		{10, "", "incident-10.md"},
		{11, strings.Repeat("long title ", 20), "incident-11-long-title-long-title-long-title-long-title-long-t.md"},
	}
	for _, c := range cases {
		if got := render.MarkdownFilename(&debrief.Incident{ID: c.id, Title: c.title}); got != c.want {
			t.Errorf("MarkdownFilename(%d, %q) = %q, want %q", c.id, c.title, got, c.want)
		}
	}
}

func TestMarkdownAnalysis(t *testing.T) {
	rep := &debrief.Report{
		Incident: &debrief.Incident{ID: 7, Title: "Bad build", TimeZone: "UTC"},
		Actions:  []*debrief.Action{{ID: 31, Title: "Synthetic traffic", Addresses: []string{"F1"}}, {ID: 32, Title: "Chore"}},
		Analysis: &debrief.Analysis{Items: []*debrief.AnalysisItem{
			{Kind: debrief.KindComponent, Ref: "B1", Title: "Pipeline", Scope: "system"},
			{Kind: debrief.KindComponent, Ref: "B2", Title: "Cluster", Scope: "environment"},
			{Kind: debrief.KindControl, Ref: "C1", Title: "Canary", Controller: "B1", Process: "B2", Action: "halt"},
			{Kind: debrief.KindFailure, Ref: "F1", Title: "Canary blind", Control: "C1", Flaws: []string{"process_model"}, ActionIDs: []int64{31}},
			{Kind: debrief.KindSystemic, Ref: "S2", Title: "Untested controls", NoAction: "accepted for now"},
			{Kind: debrief.KindFactor, Ref: "CF1", Title: "Night traffic", Category: "Environment"},
			{Kind: debrief.KindWhy, Ref: "W1", Title: "It failed"},
			{Kind: debrief.KindWhy, Ref: "W2", Title: "No traffic", Parent: "W1"},
		}},
	}
	var b strings.Builder
	if err := render.MarkdownWith(&b, rep, render.MarkdownOptions{ControlStructureSVG: "x.control.svg", FishboneSVG: "x.fishbone.svg"}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"## Analysis", "![Control structure](<x.control.svg>)", "### How safety controls failed",
		"- **F1** Canary blind (control: **C1** Canary; flaws: Process model) → addressed by action #1",
		"- **S2** Untested controls → no action: accepted for now",
		"- **W1** It failed\n  - **W2** No traffic", "![Fishbone](<x.fishbone.svg>)",
		"Items with neither an action nor a decision: CF1, W2", "address no item of the analysis: #2",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("export lacks %q:\n%s", want, md)
		}
	}
}
