package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigChangesRules(t *testing.T) {
	cfg, err := LoadConfig("team.yaml", strings.NewReader(`
rules:
  blame/root-cause: off
  blame/human-error: Warning
words:
  blame: ["dropped the ball"]
  allow: ["human error budget"]
  people: ["ops"]
  vague: ["streamline"]
timeline:
  max_gap: 20m
`))
	if err != nil {
		t.Fatal(err)
	}
	rep := report()
	setBody(rep, "analysis", "The root cause: Marco dropped the ball.\nHuman error here.\nThe human error budget is fine.\nOps failed to page.")
	rep.Actions[0].Title = "Streamline paging"
	got := map[string]Severity{}
	for _, f := range Lint(rep, cfg) {
		got[f.Rule] = f.Severity
	}
	want := map[string]Severity{"blame/custom": Warning, "blame/human-error": Warning, "blame/person-failed": Warning, "recommendations/vague": Warning, "timeline/gap": Info}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	n := 0
	for _, f := range Lint(rep, cfg) {
		if f.Rule == "blame/human-error" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("allowed phrase still flagged: %d findings", n)
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	cases := map[string]string{
		"rules:\n  blame/nope: off\n":         "team.yaml:2: rules.blame/nope: no such rule",
		"rules:\n  blame/root-cause: loud\n":  `team.yaml:2: rules.blame/root-cause: severity "loud": want off, error, warning or info`,
		"rule:\n  x: off\n":                   "team.yaml:1: rule: unknown field (known: rules, words, timeline)",
		"words:\n  blames: [x]\n":             "team.yaml:2: words.blames: unknown field (known: blame, allow, vague, people)",
		"words:\n  allow: [\"ok\", \"  \"]\n": "team.yaml:2: words.allow[1]: empty word",
		"timeline:\n  max_gap: soon\n":        `team.yaml:2: timeline.max_gap: "soon" is not a positive duration`,
		"timeline:\n  max_gap: -1h\n":         `timeline.max_gap: "-1h" is not a positive duration`,
		"- a list\n":                          "team.yaml:1: want a mapping",
		"rules: [1, 2]\n":                     "team.yaml:1:",
		"rules:\n  a: b\n c: d\n":             "team.yaml",
		"words:\n  blame: {a: 1}\n":           "team.yaml:2:",
	}
	for in, want := range cases {
		_, err := LoadConfig("team.yaml", strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
	if cfg, err := LoadConfig("empty.yaml", strings.NewReader("")); err != nil || cfg == nil {
		t.Errorf("empty config: %v", err)
	}
}

func TestTeamConfigs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("default.yaml", "rules:\n  blame/root-cause: off\nwords:\n  blame: [\"dropped the ball\"]\n")
	write("payments.yaml", "rules:\n  blame/human-error: info\nwords:\n  blame: [\"sloppy work\"]\n")
	cs, err := LoadConfigs(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep := report()
	setBody(rep, "analysis", "Root cause: human error, they dropped the ball and did sloppy work.")
	sev := func(team string) map[string]Severity {
		out := map[string]Severity{}
		for _, f := range Lint(rep, cs.For(team)) {
			out[f.Rule+" "+f.Message[:10]] = f.Severity
		}
		return out
	}
	if got := sev("payments"); len(got) != 4 || got[`blame/human-error "human err`] != Info {
		t.Errorf("payments: %v", got)
	}
	if got := sev("search"); len(got) != 3 || got[`blame/human-error "human err`] != Error {
		t.Errorf("a team without a file gets the default: %v", got)
	}
	write("search.yaml", "rules:\n  blame/nope: off\n")
	if _, err := LoadConfigs(dir); err == nil || !strings.Contains(err.Error(), "search.yaml:2: rules.blame/nope: no such rule") {
		t.Errorf("bad team file: %v", err)
	}
	if cs, err := LoadConfigs(filepath.Join(dir, "default.yaml")); err != nil || cs.For("payments") != cs.Default {
		t.Errorf("one file for every team: %v", err)
	}
}
