package format

import (
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

const head = "---\nformat: debrief/1\ntitle: T\ntime_zone: Europe/Zurich\n---\n\n# T\n\n"

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"no front matter", "# T\n", "x.md:1: want front matter"},
		{"unclosed", "---\nformat: debrief/1\n", "x.md:1: front matter is not closed"},
		{"broken yaml", "---\nformat: debrief/1\ntitle: [a\n---\n", "x.md:"},
		{"unknown key", "---\nformat: debrief/1\ntitle: T\ncolour: red\n---\n\n# T\n", "x.md:4: front matter: unknown key colour"},
		{"unknown nested key", "---\nformat: debrief/1\ntitle: T\nretrospective:\n  status: draft\n  mood: ok\n---\n\n# T\n", "x.md:6: front matter: unknown key mood"},
		{"wrong version", "---\nformat: debrief/9\ntitle: T\n---\n\n# T\n", "x.md:2: front matter: format is"},
		{"unknown status", "---\nformat: debrief/1\ntitle: T\nstatus: exploded\n---\n\n# T\n", `x.md:4: front matter: unknown incident status "exploded"`},
		{"unknown retro status", "---\nformat: debrief/1\ntitle: T\nretrospective:\n  status: meh\n---\n\n# T\n", `x.md:5: front matter: unknown retrospective status "meh"`},
		{"unknown zone", "---\nformat: debrief/1\ntitle: T\ntime_zone: Mars/Olympus\n---\n\n# T\n", "x.md:4: front matter: unknown time zone"},
		{"bad milestone", "---\nformat: debrief/1\ntitle: T\nmilestones:\n  started: yesterday\n---\n\n# T\n", "x.md:5: front matter: milestone started"},
		{"bad person key", "---\nformat: debrief/1\ntitle: T\ncommander:\n  name: A\n  phone: 1\n---\n\n# T\n", `x.md:6: front matter: unknown key "phone" in a person`},
		{"title differs", "---\nformat: debrief/1\ntitle: T\n---\n\n# U\n", "x.md:6: title heading"},
		{"text outside", head + "stray\n", "x.md:9: text outside any section"},
		{"bad marker", head + "<!-- section: a b=c -->\n## A\n", `x.md:9: section a: unknown option "b=c"`},
		{"no heading", head + "<!-- section: a -->\nbody\n", "x.md:10: section a: want a \"## \" heading"},
		{"duplicate section", head + "<!-- section: a -->\n## A\n<!-- section: a -->\n## A\n", "x.md:11: section a appears twice"},
		{"bad event time", head + "<!-- events -->\n- 2021-08-26 25:99 +02:00 — x\n", `x.md:10: event: cannot read time "2021-08-26 25:99 +02:00"`},
		{"event without dash", head + "<!-- events -->\n- 2021-08-26 10:00 +02:00 x\n", "x.md:10: event: want"},
		{"stray event line", head + "<!-- events -->\nhello\n", "x.md:10: want an event"},
		{"unknown action status", head + "<!-- actions -->\n- [ ] A\n  status: someday\n", `x.md:11: action: unknown status "someday"`},
		{"ticked but planned", head + "<!-- actions -->\n- [x] A\n  status: planned\n", "x.md:11: action: the box is ticked"},
		{"unknown action field", head + "<!-- actions -->\n- [ ] A\n  colour: red\n", "x.md:11: action: want one of"},
		{"bad priority", head + "<!-- actions -->\n- [ ] A\n  priority: urgent\n", `x.md:11: action: unknown priority "urgent"`},
		{"bad due", head + "<!-- actions -->\n- [ ] A\n  due: next week\n", `x.md:11: action: cannot read due date`},
		{"bad item ref", head + "<!-- analysis -->\n- X1 A\n", "x.md:10: analysis: want an item"},
		{"item field of another kind", head + "<!-- analysis -->\n- B1 A\n  control: C1\n", "x.md:11: analysis: B1: control does not apply to a component"},
		{"unknown item field", head + "<!-- analysis -->\n- S1 A\n  colour: red\n", "x.md:11: analysis: S1: want one of"},
		{"missing ref", head + "<!-- analysis -->\n- C1 A\n- F1 B\n  control: C2\n", "x.md:12: analysis: F1: control names C2, which is not in the analysis"},
		{"ref of wrong kind", head + "<!-- analysis -->\n- B1 A\n- F1 B\n  control: B1\n", "x.md:12: analysis: F1: control names B1, a component; want a control"},
		{"duplicate ref", head + "<!-- analysis -->\n- S1 A\n- S1 B\n", "x.md:11: analysis: S1 appears twice"},
		{"why cycle", head + "<!-- analysis -->\n- W1 A\n  parent: W2\n- W2 B\n  parent: W1\n", "x.md:11: analysis: W1: its parents lead back to itself"},
		{"evidence beyond the timeline", head + "<!-- analysis -->\n- C1 A\n- F1 B\n  control: C1\n  evidence: 3\n", "x.md:13: analysis: F1: evidence 3, but the timeline has 0 events"},
		{"bad flaw", head + "<!-- analysis -->\n- C1 A\n- F1 B\n  flaws: human error\n", `x.md:12: analysis: F1: unknown flaw "human error"`},
		{"action addresses nothing known", head + "<!-- actions -->\n- [ ] A\n  addresses: F7\n", "x.md:11: action: addresses F7, which is not in the analysis"},
		{"dropped by, not dropped", head + "<!-- actions -->\n- [ ] A\n  status: planned\n  dropped by: Jo\n", "x.md:12: action: dropped by, but the status is planned"},
		{"verified, not done", head + "<!-- actions -->\n- [ ] A\n  status: in_progress\n  verified: 2021-08-30T09:15:00+02:00\n", "x.md:12: action: verified, but the status is in_progress"},
		{"verified by without a time", head + "<!-- actions -->\n- [x] A\n  verified by: Jo\n", "x.md:11: action: verified by without verified"},
		{"bad verified time", head + "<!-- actions -->\n- [x] A\n  verified: last week\n", `x.md:11: action: cannot read verified time "last week"`},
		{"binary", "---\x00", "x.md:1: binary file"},
		{"not utf8", "---\nformat: debrief/1\ntitle: \xff\n---\n", "x.md:3: not UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Read("x.md", strings.NewReader(tc.src))
			if err == nil {
				t.Fatalf("no error; report %+v", rep)
			}
			if rep != nil {
				t.Errorf("a report with the error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
}

func TestReadByHand(t *testing.T) {
	src := "---\nformat: debrief/1\ntitle: T\ntime_zone: America/New_York\nmilestones:\n  started: 2021-11-07T01:30:00-04:00\n---\n\n# T\n\r\n" +
		"<!-- events -->\n- 2021-11-07 01:30 -05:00 — second 01:30\r\n- 2021-11-07 09:00 — local {starred}\n"
	rep, err := Read("x.md", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Incident.Milestones.Started; got == nil || !got.Equal(time.Date(2021, 11, 7, 5, 30, 0, 0, time.UTC)) {
		t.Errorf("started = %v", got)
	}
	if len(rep.Events) != 2 || !rep.Events[0].At.Equal(time.Date(2021, 11, 7, 6, 30, 0, 0, time.UTC)) ||
		!rep.Events[1].At.Equal(time.Date(2021, 11, 7, 14, 0, 0, 0, time.UTC)) || !rep.Events[1].Starred || rep.Events[1].Text != "local" {
		t.Errorf("events = %+v %+v", rep.Events[0], rep.Events[1])
	}
}

// TestReadEvidenceByHand reads the evidence attributes as a person might
// write them, and keeps malformed refs as text, like any other braces that
// do not read as attributes.
func TestReadEvidenceByHand(t *testing.T) {
	src := head + "<!-- events -->\n" +
		"- 2021-08-26 10:14 +02:00 — Alert {tag=detection alert_key=\"checkout 5xx\" original_id=Q1 refs=[{\"source\": \"slack\", \"original_id\": \"C1/2.3\", \"url\": \"https://x/{a} b\"}] starred}\n" +
		"- 2021-08-26 10:15 +02:00 — Broken {refs=[{\"colour\": \"red\"}]}\n"
	rep, err := Read("x.md", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	ev := rep.Events[0]
	if ev.Text != "Alert" || ev.Tag != "detection" || ev.AlertKey != "checkout 5xx" || ev.OriginalID != "Q1" || !ev.Starred ||
		len(ev.Refs) != 1 || ev.Refs[0] != (debrief.EventRef{Source: "slack", OriginalID: "C1/2.3", URL: "https://x/{a} b"}) {
		t.Errorf("event %+v", ev)
	}
	if ev := rep.Events[1]; len(ev.Refs) != 0 || !strings.Contains(ev.Text, "colour") {
		t.Errorf("malformed refs read as %+v", ev)
	}
}
