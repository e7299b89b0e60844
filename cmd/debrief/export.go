package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/render"
)

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("export", &cfg, stderr)
	format := fs.String("format", "markdown", "output format: markdown or json")
	out := fs.String("out", "-", "file to write, or - for standard output")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: debrief export [flags] INCIDENT-ID")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"export takes one incident id, such as: debrief export 1"}
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return usageError{fmt.Sprintf("incident id %q is not a number", fs.Arg(0))}
	}
	if *format != "markdown" && *format != "md" && *format != "json" {
		return usageError{fmt.Sprintf("--format %q: want markdown or json", *format)}
	}

	st, err := openStore(ctx, cfg.database)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	// The operator at the server runs as the system: the file is theirs.
	rep, err := app.New(st).FindReport(debrief.WithActor(ctx, debrief.SystemActor), id, false)
	if err != nil {
		return fmt.Errorf("incident %d: %w", id, err)
	}

	w := stdout
	var f *os.File
	if *out != "-" {
		// Write beside the target and rename, so a failed export never
		// leaves half a file where a good one was.
		if f, err = os.CreateTemp(filepath.Dir(*out), ".debrief-export-*"); err != nil {
			return err
		}
		defer os.Remove(f.Name())
		w = f
	}
	if *format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = render.Markdown(w, rep)
	}
	if err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return err
		}
		return os.Rename(f.Name(), *out)
	}
	return nil
}
