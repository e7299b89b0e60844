package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

func TestFlagsWinOverEnvironment(t *testing.T) {
	t.Setenv("DEBRIEF_DATABASE", "from-env.db")
	t.Setenv("DEBRIEF_LOG_LEVEL", "debug")
	var cfg config
	fs := newFlagSet("test", &cfg, &bytes.Buffer{})
	if err := parse(fs, []string{"--database", "from-flag.db"}); err != nil {
		t.Fatal(err)
	}
	if cfg.database != "from-flag.db" || cfg.logLevel != "debug" {
		t.Errorf("database=%q logLevel=%q", cfg.database, cfg.logLevel)
	}
}

func TestBadEnvironmentNamesTheVariable(t *testing.T) {
	t.Setenv("DEBRIEF_DEMO", "perhaps")
	err := run(context.Background(), []string{"serve"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "DEBRIEF_DEMO") || exitCode(err) != 2 {
		t.Errorf("err = %v", err)
	}
}

func TestSeverityScale(t *testing.T) {
	cfg := config{severities: " P1, P2 ,,P3 "}
	if got := strings.Join(cfg.severityScale(), "|"); got != "P1|P2|P3" {
		t.Errorf("scale = %q", got)
	}
	if _, err := (&config{logFormat: "xml", logLevel: "info"}).logger(&bytes.Buffer{}); err == nil {
		t.Error("log format xml accepted")
	}
}

func TestFlagsAnywhere(t *testing.T) {
	for _, args := range [][]string{
		{"--format", "json", "42"},
		{"42", "--format", "json"},
		{"42", "--format=json"},
		{"--all", "42", "--format", "json"},
	} {
		var cfg config
		fs := newFlagSet("export", &cfg, io.Discard)
		form := fs.String("format", "markdown", "")
		fs.Bool("all", false, "")
		if err := parse(fs, args); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if *form != "json" || len(fs.Args()) != 1 || fs.Arg(0) != "42" {
			t.Errorf("%q: format %q, args %q", args, *form, fs.Args())
		}
	}
	// After "--", and "-" alone, are arguments, not flags.
	var cfg config
	fs := newFlagSet("import", &cfg, io.Discard)
	if err := parse(fs, []string{"-", "--", "--not-a-flag"}); err != nil {
		t.Fatal(err)
	}
	if got := fs.Args(); len(got) != 2 || got[0] != "-" || got[1] != "--not-a-flag" {
		t.Errorf("args %q", got)
	}
}
