package diagram_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render/diagram"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sample is a small CAST analysis of a bad deploy, with every mark the
// diagrams have: a failed control, one that held, a missing control, a
// control with no ends, and text that needs escaping.
func sample() *debrief.Analysis {
	it := func(kind debrief.AnalysisKind, ref, title string, f func(*debrief.AnalysisItem)) *debrief.AnalysisItem {
		i := &debrief.AnalysisItem{Kind: kind, Ref: ref, Title: title}
		if f != nil {
			f(i)
		}
		return i
	}
	env := func(i *debrief.AnalysisItem) { i.Scope = debrief.ScopeEnvironment }
	sys := func(i *debrief.AnalysisItem) { i.Scope = debrief.ScopeSystem }
	return &debrief.Analysis{
		Categories: []string{"Process", "Tooling", "Monitoring", "Communication", "Infrastructure", "Environment"},
		Items: []*debrief.AnalysisItem{
			it(debrief.KindComponent, "B1", "On-call engineer", sys),
			it(debrief.KindComponent, "B2", "Deploy pipeline & canary analysis", sys),
			it(debrief.KindComponent, "B3", "Checkout service", sys),
			it(debrief.KindComponent, "B4", "Payment provider <PSP>", env),
			it(debrief.KindControl, "C1", "Canary check", func(i *debrief.AnalysisItem) {
				i.Controller, i.Process, i.Action, i.Feedback = "B2", "B3", "halt rollout", "5xx rate of canary"
			}),
			it(debrief.KindControl, "C2", "Deploy approval", func(i *debrief.AnalysisItem) {
				i.Controller, i.Process, i.Action, i.Feedback = "B1", "B2", "approve / roll back", "pipeline status"
			}),
			it(debrief.KindControl, "C3", "Circuit breaker", func(i *debrief.AnalysisItem) {
				i.Controller, i.Process, i.Action, i.Feedback = "B3", "B4", "stop calling", "timeouts"
			}),
			it(debrief.KindControl, "C4", "Change freeze calendar", nil),
			it(debrief.KindFailure, "F1", "Canary passed a bad build", func(i *debrief.AnalysisItem) { i.Control = "C1" }),
			it(debrief.KindFailure, "F2", "Breaker tripped too late", func(i *debrief.AnalysisItem) { i.Control = "C3" }),
			it(debrief.KindMissing, "M1", "Synthetic traffic", func(i *debrief.AnalysisItem) {
				i.Controller, i.Process, i.Action = "B2", "B3", "send probe requests"
			}),
			it(debrief.KindFactor, "CF1", "Canary got no traffic at night", func(i *debrief.AnalysisItem) { i.Category = "Environment" }),
			it(debrief.KindFactor, "CF2", "Runbook did not cover \"rollback & retry\"", func(i *debrief.AnalysisItem) { i.Category = "Process" }),
			it(debrief.KindFactor, "CF3", "Dashboards showed averages only", func(i *debrief.AnalysisItem) { i.Category = "Monitoring" }),
			it(debrief.KindFactor, "CF4", "Alert went to a muted channel", func(i *debrief.AnalysisItem) { i.Category = "Monitoring" }),
			it(debrief.KindFactor, "CF5", "A factor filed under a category the team removed", func(i *debrief.AnalysisItem) { i.Category = "Legacy" }),
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is meant, run go test -update and look at the picture", name)
	}
}

// wellFormed parses svg with encoding/xml and returns its text.
func wellFormed(t *testing.T, svg []byte) string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var text strings.Builder
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = v.Name.Local
				if v.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace %q", v.Name.Space)
				}
			}
		case xml.CharData:
			text.Write(v)
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	return text.String()
}

func TestControlStructure(t *testing.T) {
	svg := diagram.ControlStructure(sample())
	text := wellFormed(t, svg)
	for _, want := range []string{"Payment provider <PSP>", "C1 ✗ F1", "C3 ✗ F2", "M1 missing", "C4 Change freeze calendar", "environment"} {
		if !strings.Contains(text, want) {
			t.Errorf("control structure lacks %q", want)
		}
	}
	if !bytes.Contains(svg, []byte("&lt;PSP&gt;")) {
		t.Error("user text is not escaped")
	}
	golden(t, "control.svg", svg)
}

func TestFishbone(t *testing.T) {
	svg := diagram.Fishbone(sample(), "Checkout failed for 40 minutes & nobody was paged")
	text := wellFormed(t, svg)
	for _, want := range []string{"CF1", "Canary got no traffic at night", "Monitoring", "Legacy", "none found", "Checkout failed"} {
		if !strings.Contains(text, want) {
			t.Errorf("fishbone lacks %q", want)
		}
	}
	golden(t, "fishbone.svg", svg)
}

func TestEmptyAnalysis(t *testing.T) {
	a := &debrief.Analysis{}
	wellFormed(t, diagram.ControlStructure(a))
	wellFormed(t, diagram.Fishbone(a, ""))
}

// TestHostileText draws text made of markup and control characters; the
// SVG must stay well-formed.
func TestHostileText(t *testing.T) {
	a := sample()
	for _, it := range a.Items {
		it.Title = `</text><script>alert(1)</script>]]>&amp;` + "\x01\"'" + it.Title
	}
	a.Categories = append(a.Categories, "<bone>")
	wellFormed(t, diagram.ControlStructure(a))
	wellFormed(t, diagram.Fishbone(a, "<head>&"))
}

// large is an analysis far bigger than any real one: 30 components, 60
// controls with 40 failures, 12 missing controls, 80 factors.
func large() *debrief.Analysis {
	a := &debrief.Analysis{Categories: debrief.DefaultFishboneCategories}
	ref := func(p string, n int) string { return p + strconv.Itoa(n) }
	for i := 1; i <= 30; i++ {
		a.Items = append(a.Items, &debrief.AnalysisItem{Kind: debrief.KindComponent, Ref: ref("B", i), Title: "Component number " + strconv.Itoa(i)})
	}
	for i := 1; i <= 60; i++ {
		a.Items = append(a.Items, &debrief.AnalysisItem{Kind: debrief.KindControl, Ref: ref("C", i), Title: "Control " + strconv.Itoa(i),
			Controller: ref("B", 1+i%10), Process: ref("B", 11+i%20), Action: "act", Feedback: "measure"})
	}
	for i := 1; i <= 40; i++ {
		a.Items = append(a.Items, &debrief.AnalysisItem{Kind: debrief.KindFailure, Ref: ref("F", i), Title: "Failure", Control: ref("C", i)})
	}
	for i := 1; i <= 12; i++ {
		a.Items = append(a.Items, &debrief.AnalysisItem{Kind: debrief.KindMissing, Ref: ref("M", i), Title: "Missing", Controller: ref("B", i), Process: ref("B", 30-i)})
	}
	for i := 1; i <= 80; i++ {
		a.Items = append(a.Items, &debrief.AnalysisItem{Kind: debrief.KindFactor, Ref: ref("CF", i), Title: "A factor with a fairly long title " + strconv.Itoa(i),
			Category: debrief.DefaultFishboneCategories[i%6]})
	}
	return a
}

func TestLargeAnalysisIsWellFormed(t *testing.T) {
	a := large()
	wellFormed(t, diagram.ControlStructure(a))
	wellFormed(t, diagram.Fishbone(a, "Large"))
}

// BenchmarkDiagrams draws both diagrams of the large analysis.
func BenchmarkDiagrams(b *testing.B) {
	a := large()
	for b.Loop() {
		diagram.ControlStructure(a)
		diagram.Fishbone(a, "Large")
	}
}
