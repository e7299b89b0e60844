package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestSaveDiagrams(t *testing.T) {
	dir := t.TempDir()
	rep := &debrief.Report{
		Incident: &debrief.Incident{Title: "Bad build"},
		Analysis: &debrief.Analysis{Items: []*debrief.AnalysisItem{
			{Kind: debrief.KindComponent, Ref: "B1", Title: "Pipeline"},
			{Kind: debrief.KindFactor, Ref: "CF1", Title: "Night traffic", Category: "Environment"},
		}},
	}
	opts, err := saveDiagrams("markdown", filepath.Join(dir, "2024-05-01-bad-build.md"), rep)
	if err != nil {
		t.Fatal(err)
	}
	if opts.ControlStructureSVG != "2024-05-01-bad-build.control.svg" || opts.FishboneSVG != "2024-05-01-bad-build.fishbone.svg" {
		t.Fatalf("options %+v", opts)
	}
	for _, name := range []string{opts.ControlStructureSVG, opts.FishboneSVG} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !strings.HasPrefix(string(b), "<svg") {
			t.Fatalf("%s: %v %.40s", name, err, b)
		}
	}
	// Other formats carry the analysis as data: no files beside them.
	if opts, err := saveDiagrams("debrief", filepath.Join(dir, "x.debrief.md"), rep); err != nil || opts.ControlStructureSVG != "" {
		t.Fatalf("debrief format: %+v %v", opts, err)
	}
}
