package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/importers/bundle"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/store"
)

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("export", &cfg, stderr)
	form := fs.String("format", "markdown", "markdown (to read and send), debrief (Debrief's own format, to keep in git and import again), json, svg (the timeline's picture), or markdown-zip (the Markdown document and its pictures in one zip)")
	out := fs.String("out", "-", "file to write, or - for standard output; with --all, a folder")
	all := fs.Bool("all", false, "export every incident, one file each, into the folder --out")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: debrief export [flags] INCIDENT-ID | --all --out DIR")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if !bundle.ValidFormat(*form) {
		return usageError{fmt.Sprintf("--format %q: want markdown, debrief, json, svg or markdown-zip", *form)}
	}
	var id int64
	switch {
	case *all && (fs.NArg() != 0 || *out == "-"):
		return usageError{"export --all takes no incident id, and needs --out DIR"}
	case !*all:
		if fs.NArg() != 1 {
			return usageError{"export takes one incident id, such as: debrief export 1 (or --all --out DIR)"}
		}
		n, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil || n <= 0 {
			return usageError{fmt.Sprintf("incident id %q is not a number", fs.Arg(0))}
		}
		id = n
	}

	st, err := openMigrated(ctx, cfg.database)
	if err != nil {
		return err
	}
	defer st.Close()
	// The operator at the server runs as the system: the files are theirs.
	sys := debrief.WithActor(ctx, debrief.SystemActor)
	svc := app.New(st)
	// mdOpts names the diagrams saved next to the Markdown file being
	// written (see saveDiagrams).
	var mdOpts render.MarkdownOptions
	write := func(w io.Writer, rep *debrief.Report) error { return bundle.WriteWith(w, rep, *form, mdOpts) }
	// Debrief's own format is lossless: it keeps hidden events too.
	hidden := bundle.IncludeHidden(*form)

	if !*all {
		rep, err := svc.FindReport(sys, id, hidden)
		if err != nil {
			return fmt.Errorf("incident %d: %w", id, err)
		}
		if *out == "-" {
			return write(stdout, rep)
		}
		if mdOpts, err = saveDiagrams(*form, *out, rep); err != nil {
			return err
		}
		return writeAtomic(*out, func(w io.Writer) error { return write(w, rep) })
	}

	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	n := 0
	for offset := 0; ; {
		incs, total, err := svc.FindIncidents(sys, debrief.IncidentFilter{Offset: offset, Limit: store.MaxLimit})
		if err != nil {
			return err
		}
		for _, inc := range incs {
			rep, err := svc.FindReport(sys, inc.ID, hidden)
			if err != nil {
				return fmt.Errorf("incident %d: %w", inc.ID, err)
			}
			name := bundle.Filename(inc, *form)
			if mdOpts, err = saveDiagrams(*form, filepath.Join(*out, name), rep); err != nil {
				return err
			}
			if err := writeAtomic(filepath.Join(*out, name), func(w io.Writer) error { return write(w, rep) }); err != nil {
				return err
			}
			n++
		}
		offset += len(incs)
		if len(incs) == 0 || offset >= total {
			break
		}
	}
	fmt.Fprintf(stderr, "exported %d incidents to %s\n", n, *out)
	return nil
}

// writeAtomic writes a file beside its target and renames it into place, so
// a failed export never leaves half a file where a good one was.
func writeAtomic(path string, fill func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".debrief-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := fill(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
