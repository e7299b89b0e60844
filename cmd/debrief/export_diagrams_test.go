package main

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func TestSaveDiagrams(t *testing.T) {
	dir := t.TempDir()
	rep := &debrief.Report{
		Incident: &debrief.Incident{Title: "Bad build"},
		Events:   []*debrief.Event{{At: time.Date(2024, 5, 1, 14, 3, 0, 0, time.UTC), Text: "Build <fails>", Source: "ci"}},
		Analysis: &debrief.Analysis{Items: []*debrief.AnalysisItem{
			{Kind: debrief.KindComponent, Ref: "B1", Title: "Pipeline"},
			{Kind: debrief.KindFactor, Ref: "CF1", Title: "Night traffic", Category: "Environment"},
		}},
	}
	opts, err := saveDiagrams("markdown", filepath.Join(dir, "2024-05-01-bad-build.md"), rep)
	if err != nil {
		t.Fatal(err)
	}
	if opts.ControlStructureSVG != "2024-05-01-bad-build.control.svg" || opts.FishboneSVG != "2024-05-01-bad-build.fishbone.svg" ||
		opts.TimelineSVG != "2024-05-01-bad-build.timeline.svg" {
		t.Fatalf("options %+v", opts)
	}
	for _, name := range []string{opts.ControlStructureSVG, opts.FishboneSVG, opts.TimelineSVG} {
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

// TestExportMarkdownWritesTimelinePicture exports an imported postmortem
// to a file: its timeline's picture is written beside it and linked; the
// markdown-zip format holds both.
func TestExportMarkdownWritesTimelinePicture(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	for _, args := range [][]string{
		{"team", "create", "--database", db, "--name", "Ops", "--slug", "ops"},
		{"import", "--database", db, "--team", "ops", "../../importers/postmortem/testdata/dfds/PM2021-002 - Flux version bump causing component downtime.md"},
		{"export", "--database", db, "--out", filepath.Join(dir, "pm.md"), "1"},
		{"export", "--database", db, "--format", "markdown-zip", "--out", filepath.Join(dir, "pm.zip"), "1"},
	} {
		if err := run(ctx, args, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Fatal(args, err)
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, "pm.md"))
	if err != nil || !strings.Contains(string(md), "![Timeline](<pm.timeline.svg>)") {
		t.Fatalf("the document does not link its timeline: %v\n%.600s", err, md)
	}
	if svg, err := os.ReadFile(filepath.Join(dir, "pm.timeline.svg")); err != nil || !strings.HasPrefix(string(svg), "<svg") {
		t.Errorf("pm.timeline.svg: %v %.60s", err, svg)
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "pm.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if len(names) < 2 || !strings.HasSuffix(names[0], ".md") || !strings.HasSuffix(names[1], ".timeline.svg") {
		t.Errorf("the zip holds %v", names)
	}
}
