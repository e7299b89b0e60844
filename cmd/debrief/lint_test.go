package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lintDir writes a folder with a good Debrief file, a free-form postmortem
// with blame, a file that is not UTF-8 and one that is not a
// retrospective.
func lintDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	golden, err := os.ReadFile("../../render/format/testdata/golden.md")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"a-golden.md": golden,
		"b-free.md":   []byte("# Outage\n\n## Summary\n\nThe site was down.\n\n## Analysis\n\nIt was human error.\n\n## Action items\n\n- Improve monitoring\n"),
		"c-latin1.md": []byte("# Panne\n\n## R\xe9sum\xe9\n"),
		"d-notes.md":  []byte("just some notes\nno headings\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLintFilesText(t *testing.T) {
	dir := lintDir(t)
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"lint", dir}, &out, &errb)
	if !errors.Is(err, errFindings) || exitCode(err) != 1 {
		t.Fatalf("err %v (exit %d), want errFindings and exit 1; stderr %s", err, exitCode(err), errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"b-free.md:9: error: \"human error\" names a person as the cause: \"It was human error.\" [blame/human-error] (analysis line 1)\n    fix: ",
		"b-free.md:13: warning: \"Improve monitoring\": \"Improve\" names no concrete change [recommendations/vague]",
		"c-latin1.md:3: cannot lint: text is not valid UTF-8",
		"d-notes.md: cannot lint: no headings",
		"2 retrospectives: ",
		"; 2 files could not be linted",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func TestLintFormats(t *testing.T) {
	dir := lintDir(t)
	var out bytes.Buffer
	run(context.Background(), []string{"lint", "--format", "json", dir}, &out, &bytes.Buffer{})
	var res []lintResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || len(res) != 4 {
		t.Fatalf("json: %v, %d results\n%s", err, len(res), out.String())
	}
	if res[1].Findings[0].Rule == "" || res[1].Findings[0].Why == "" || res[2].Error == "" || res[2].Line != 3 {
		t.Errorf("json results: %+v", res)
	}
	out.Reset()
	run(context.Background(), []string{"lint", "--format", "github", filepath.Join(dir, "b-free.md"), filepath.Join(dir, "c-latin1.md")}, &out, &bytes.Buffer{})
	for _, want := range []string{
		"::error file=" + ghProp(filepath.Join(dir, "b-free.md")) + ",line=9,title=blame/human-error::",
		"::warning file=",
		"::error file=" + ghProp(filepath.Join(dir, "c-latin1.md")) + ",line=3,title=cannot lint::text is not valid UTF-8",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("github output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestLintCleanFileExitsZero(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ok.md")
	os.WriteFile(p, []byte("# Outage\n\n## Summary\n\nThe site was down.\n\n## Analysis\n\nThe disk filled.\n"), 0o644)
	cfg := filepath.Join(dir, "lint.yaml")
	os.WriteFile(cfg, []byte("rules:\n  completeness/required-section: warning\n"), 0o644)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"lint", "--config", cfg, p}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	os.WriteFile(cfg, []byte("rules:\n  nope: off\n"), 0o644)
	err := run(context.Background(), []string{"lint", "--config", cfg, p}, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "lint.yaml:2: rules.nope: no such rule") {
		t.Fatalf("bad config: %v", err)
	}
	for _, args := range [][]string{{"lint"}, {"lint", "--format", "xml", p}, {"lint", "--incident", "1", p}} {
		if err := run(context.Background(), args, &out, &bytes.Buffer{}); exitCode(err) != 2 {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

func TestLintStoredIncident(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"team", "create", "--database", db, "--name", "Ops", "--slug", "ops"}, &out, &errb); err != nil {
		t.Fatalf("team: %v %s", err, errb.String())
	}
	src := filepath.Join(lintDir(t), "b-free.md")
	if err := run(ctx, []string{"import", "--database", db, "--team", "ops", src}, &out, &errb); err != nil {
		t.Fatalf("import: %v %s", err, errb.String())
	}
	out.Reset()
	err := run(ctx, []string{"lint", "--database", db, "--incident", "1"}, &out, &errb)
	if !errors.Is(err, errFindings) || !strings.Contains(out.String(), "incident 1: error: \"human error\"") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"lint", "--database", db, "--incident", "99"}, &out, &errb); err == nil || !strings.Contains(err.Error(), "incident 99") {
		t.Fatalf("missing incident: %v", err)
	}
}

// TestLintTeamConfigFolder: a Debrief file names its team; --config with a
// folder applies that team's file.
func TestLintTeamConfigFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "default.yaml"), []byte("rules:\n  summary/unsupported: error\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "payments.yaml"), []byte("rules:\n  summary/unsupported: info\n"), 0o644)
	golden := "../../render/format/testdata/golden.md" // team: payments
	var out bytes.Buffer
	if err := run(context.Background(), []string{"lint", "--config", dir, golden}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("payments' own file: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "info: 502 appears nowhere else") {
		t.Errorf("payments' severity not applied:\n%s", out.String())
	}
	os.Remove(filepath.Join(dir, "payments.yaml"))
	out.Reset()
	if err := run(context.Background(), []string{"lint", "--config", dir, golden}, &out, &bytes.Buffer{}); !errors.Is(err, errFindings) {
		t.Fatalf("the default makes it an error: %v\n%s", err, out.String())
	}
}
