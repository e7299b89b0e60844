package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/importers/bundle"
	"github.com/debrief-oss/debrief/importers/sources"
)

// runImport reads retrospectives from files, folders, zips or standard
// input: Debrief's own format, or postmortems as people write them.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	// debrief import slack|teams|pagerduty|... imports timeline evidence.
	if len(args) > 0 && sources.Is(args[0]) {
		return runEvidenceImport(ctx, args[0], args[1:], stdout, stderr)
	}
	var cfg config
	fs := newFlagSet("import", &cfg, stderr)
	dryRun := fs.Bool("dry-run", false, "print each parsed retrospective as JSON, with its warnings, and import nothing")
	team := fs.String("team", "", "the team (slug) the imported incidents belong to, when the file does not say")
	zone := fs.String("timezone", "UTC", "the zone of times written without one")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: debrief import [flags] PATH...   (files, folders, .zip, or - for standard input)")
		fmt.Fprintln(stderr, "       debrief import slack|teams|pagerduty|opsgenie|alertmanager|github|csv|jsonl --incident N PATH...   (timeline evidence)")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"import needs at least one path (a file, a folder, a .zip, or -)"}
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		return usageError{fmt.Sprintf("--timezone %q: %v", *zone, err)}
	}
	files, err := collect(fs.Args())
	if err != nil {
		return err
	}

	var svc *app.Service
	if !*dryRun {
		if *team == "" {
			return usageError{"import needs --team (the slug of the team the incidents belong to), or --dry-run"}
		}
		st, err := openMigrated(ctx, cfg.database)
		if err != nil {
			return err
		}
		defer st.Close()
		svc = app.New(st, app.WithSeverities(cfg.severityScale()))
	}
	sys := debrief.WithActor(ctx, debrief.SystemActor)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	failed := 0
	for _, f := range files {
		out, err := bundle.Read(f, bundle.Options{Zone: loc, Team: *team})
		if err == nil && svc != nil {
			var inc *debrief.Incident
			if inc, err = svc.ImportReport(sys, out.Report()); err == nil {
				fmt.Fprintf(stdout, "%s: imported as incident %d (%d events, %d action items, %d warnings)\n",
					f.Name, inc.ID, len(out.Events), len(out.Actions), len(out.Warnings))
				for _, w := range out.Warnings {
					fmt.Fprintf(stderr, "%s:%d: warning: %s\n", f.Name, w.Line, w.Message)
				}
			}
		} else if err == nil {
			err = enc.Encode(out)
		}
		if err != nil {
			failed++
			if field := debrief.ErrorField(err); field != "" {
				fmt.Fprintf(stderr, "%s: %s: %s\n", f.Name, field, debrief.ErrorMessage(err))
			} else {
				fmt.Fprintf(stderr, "%s: %v\n", f.Name, err)
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files not imported", failed, len(files))
	}
	return nil
}

// collect reads every Markdown file under the paths: files as given,
// folders walked, zips opened, "-" from standard input.
func collect(paths []string) ([]bundle.File, error) {
	var files []bundle.File
	for _, p := range paths {
		switch {
		case p == "-":
			data, err := io.ReadAll(io.LimitReader(os.Stdin, bundle.MaxFile+1))
			if err != nil {
				return nil, fmt.Errorf("standard input: %w", err)
			}
			files = append(files, bundle.File{Name: "-", Data: data})
		case strings.EqualFold(filepath.Ext(p), ".zip"):
			zf, err := zipFiles(p)
			if err != nil {
				return nil, err
			}
			files = append(files, zf...)
		default:
			info, err := os.Stat(p)
			if err != nil {
				return nil, err
			}
			if !info.IsDir() {
				data, err := readLimited(p)
				if err != nil {
					return nil, err
				}
				files = append(files, bundle.File{Name: p, Data: data})
				continue
			}
			err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !bundle.IsMarkdown(path) {
					return err
				}
				data, err := readLimited(path)
				if err == nil {
					files = append(files, bundle.File{Name: path, Data: data})
				}
				return err
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return files, nil
}

// readLimited reads a file, or says it is too large rather than reading a
// gigabyte into memory; the parser names the limit.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, bundle.MaxFile+1))
}

// zipFiles reads the Markdown files of a zip on disk, with the limits
// of an import from disk: a folder's worth of postmortems, not a bomb.
func zipFiles(path string) ([]bundle.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return bundle.Zip(path, f, info.Size(), bundle.ZipLimits{Files: 100_000, Total: 1 << 30})
}
