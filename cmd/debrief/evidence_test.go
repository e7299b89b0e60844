package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvidenceImportAndNoteCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "d.db")
	cmd := func(args ...string) (string, string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, args, &out, &errb)
		return out.String(), errb.String(), err
	}
	if _, _, err := cmd("team", "create", "--database", db, "--name", "Ops", "--slug", "ops"); err != nil {
		t.Fatal(err)
	}
	pm := filepath.Join(t.TempDir(), "pm.md")
	os.WriteFile(pm, []byte("# Checkout errors\n\n## Summary\n\nCard payments failed.\n"), 0o600)
	if _, _, err := cmd("import", "--database", db, "--team", "ops", pm); err != nil {
		t.Fatal(err)
	}
	export := "../../importers/slack/testdata/export"
	out, errs, err := cmd("import", "slack", "--database", db, "--incident", "1", "--channels", "incident-2024-05-01",
		"--since", "2024-05-01 11:02", "--zone", "Europe/Copenhagen", "--workspace-url", "https://acme.slack.com", export)
	if err != nil || !strings.Contains(out, "incident 1: 6 events read, 6 added") {
		t.Fatalf("%q %q %v", out, errs, err)
	}
	// Not a terminal: a line at the start and at the end, no bar.
	if !strings.Contains(errs, "reading "+export) || strings.Contains(errs, "\r") {
		t.Errorf("progress on a pipe: %q", errs)
	}
	out, _, err = cmd("import", "slack", "--database", db, "--incident", "1", "--channels", "incident-2024-05-01", export)
	if err != nil || !strings.Contains(out, "7 events read, 1 added") || !strings.Contains(out, "6 already there") {
		t.Errorf("again: %q %v", out, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{\"at\":\"2024-05-01T09:00:00Z\",\"text\":\"ok\"}\n{\"at\":\"2024-05-01T09:00:00Z\"}\n"), 0o600)
	_, _, err = cmd("import", "jsonl", "--database", db, "--incident", "1", bad)
	if err == nil || !strings.Contains(err.Error(), "bad.jsonl: line 2: text: is required") {
		t.Errorf("bad file: %v", err)
	}
	out, _, err = cmd("note", "--database", db, "--author", "maria", "1", "Customer comms sent")
	if err != nil || !strings.Contains(out, "incident 1: note") {
		t.Errorf("note: %q %v", out, err)
	}
	if _, _, err := cmd("note", "--database", db, "1"); err == nil || exitCode(err) != 2 {
		t.Errorf("note without text: %v", err)
	}
	if _, _, err := cmd("import", "slack", "--database", db, export); err == nil || exitCode(err) != 2 {
		t.Errorf("no --incident: %v", err)
	}
}

func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, name: "x.zip", terminal: true}
	p.update(512<<20, 1<<30)
	p.done()
	if got := b.String(); got != "\rx.zip [===============               ]  50% 512.0 MiB/1.0 GiB\n" {
		t.Errorf("%q", got)
	}
}

func TestExportTimelineSVG(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "d.db")
	for _, args := range [][]string{
		{"team", "create", "--database", db, "--name", "Ops", "--slug", "ops"},
		{"import", "--database", db, "--team", "ops", "../../importers/postmortem/testdata/dfds/PM2021-002 - Flux version bump causing component downtime.md"},
	} {
		if err := run(ctx, args, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"export", "--database", db, "--format", "svg", "1"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "<svg xmlns=") || !strings.Contains(out.String(), `class="ev `) {
		t.Errorf("export --format svg: %.300s", out.String())
	}
}
