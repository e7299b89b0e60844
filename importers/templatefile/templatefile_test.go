package templatefile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestYAML(t *testing.T) {
	raw, err := os.ReadFile("testdata/payments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("payments.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	want := &debrief.Template{Name: "payments", Title: "Payments retrospective", Note: "Money lost is now required.",
		Sections: []debrief.TemplateSection{
			{Key: "summary", Title: "Summary", Guidance: "One paragraph for someone who reads nothing else."},
			{Title: "Money lost", Guidance: "In euros, with how it was counted."},
			{Key: "timeline", Title: "Timeline", Kind: debrief.SectionTimeline, Optional: true},
			{Key: "recommendations", Title: "Follow-ups", Kind: debrief.SectionActions},
		}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestMarkdown(t *testing.T) {
	raw, err := os.ReadFile("testdata/minor.md")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("our-minor.md", raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "our-minor" || got.Title != "Minor incidents, our way" || got.Note != "First version." {
		t.Fatalf("template: %q %q %q", got.Name, got.Title, got.Note)
	}
	type sec struct {
		key, title, kind string
		optional         bool
	}
	var secs []sec
	for _, s := range got.Sections {
		secs = append(secs, sec{s.Key, s.Title, s.Kind, s.Optional})
	}
	want := []sec{
		{"summary", "Summary", debrief.SectionText, false},
		{"timeline", "Timeline", debrief.SectionTimeline, true},
		{"analysis", "Why it happened", debrief.SectionText, false},
		{"recommendations", "Action items", debrief.SectionActions, false},
	}
	if !reflect.DeepEqual(secs, want) {
		t.Fatalf("sections:\n got %v\nwant %v", secs, want)
	}
	if got.Sections[0].Guidance != "What happened and the impact, in one paragraph." {
		t.Fatalf("guidance: %q", got.Sections[0].Guidance)
	}
}

// The published templates people start from load as Debrief templates,
// each with its headings as sections.
func TestPublishedTemplates(t *testing.T) {
	files, err := filepath.Glob("../postmortem/testdata/dastergon/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := Parse(filepath.Base(f), raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		headings := 0
		for _, l := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(l, "##") {
				headings++
			}
		}
		if len(tpl.Sections) < 3 || len(tpl.Sections) > headings {
			t.Errorf("%s: %d sections from %d headings", f, len(tpl.Sections), headings)
		}
		keys := map[string]bool{}
		for _, s := range tpl.Sections {
			if keys[s.Key] {
				t.Errorf("%s: key %q twice", f, s.Key)
			}
			keys[s.Key] = true
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		name, content string
		line          int
		msg           string
	}{
		{"a.yaml", "name: a\nsections:\n  - title: S\n    colour: red\n", 4, "colour"},
		{"a.yaml", "name: a\nsections:\n  - title: S\n    required: maybe\n", 4, "bool"},
		{"a.yaml", "name: a\nsections: [\n", 2, "did not find"},
		{"a.yaml", "name: a\ntitle: A\n", 0, "no sections"},
		{"a.yaml", "   \n", 0, "empty"},
		{"a.md", "---\ntitle: A\n## Summary\n", 1, "never ends"},
		{"a.md", "---\ntitle: A\nbogus: 1\n---\n## Summary\n", 3, "bogus"},
		{"a.md", "Just text, no headings.\n", 0, "no headings"},
		{"a.md", "## Summary\n\x00\x01", 0, "UTF-8"},
		{"a.yaml", strings.Repeat("x", MaxSize+1), 0, "at most"},
	} {
		_, err := Parse(c.name, []byte(c.content))
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%q: error %v, want *Error", c.content, err)
		}
		if e.Name != c.name || e.Line != c.line || !strings.Contains(e.Error(), c.msg) {
			t.Errorf("%q: %v (line %d), want line %d and %q", c.content, err, e.Line, c.line, c.msg)
		}
	}
}

func TestWriteReadsBack(t *testing.T) {
	for _, tpl := range debrief.BuiltinTemplates {
		var buf bytes.Buffer
		if err := Write(&buf, &tpl); err != nil {
			t.Fatal(err)
		}
		got, err := Parse(tpl.Name+".yaml", buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v\n%s", tpl.Name, err, buf.String())
		}
		want := tpl
		if !reflect.DeepEqual(got.Sections, want.Sections) || got.Name != want.Name || got.Title != want.Title {
			t.Fatalf("%s did not read back:\n%s", tpl.Name, buf.String())
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/payments.yaml", "testdata/minor.md"} {
		raw, _ := os.ReadFile(name)
		f.Add(filepath.Base(name), raw)
	}
	f.Add("x.md", []byte("---\nname: [\n---\n# T\n## A (optional)\n"))
	f.Add("x.yaml", []byte("sections:\n- {key: a, title: b, kind: c, required: true}\n"))
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		tpl, err := Parse(name, content)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error of another type: %T %v", err, err)
			}
			return
		}
		if len(tpl.Sections) == 0 {
			t.Fatal("a template without sections was accepted")
		}
	})
}

func TestRules(t *testing.T) {
	rules, err := ParseRules("rules.yaml", []byte(`rules:
  - name: SEV1 and SEV2 always
    severities: [SEV1, SEV2]
    template: default
  - name: Others when asked
    template: minor
    retrospective: optional
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[0].Severities[1] != "SEV2" || rules[1].Retrospective != "optional" {
		t.Fatalf("rules %+v", rules)
	}
	_, err = ParseRules("rules.yaml", []byte("rules:\n  - name: x\n    severity: [SEV1]\n"))
	var e *Error
	if !errors.As(err, &e) || e.Line != 3 || !strings.Contains(e.Msg, "severity") {
		t.Fatalf("unknown field: %v", err)
	}
}
