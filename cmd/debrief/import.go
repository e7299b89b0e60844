package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/importers/postmortem"
	"github.com/debrief-oss/debrief/importers/sources"
	"github.com/debrief-oss/debrief/render/format"
)

// importFile is one file found under the paths given.
type importFile struct {
	name string
	data []byte
}

// imported is what --dry-run prints for one file: the retrospective in the
// API's own schema, and what the reader should check.
type imported struct {
	File          string                 `json:"file"`
	Incident      *debrief.Incident      `json:"incident"`
	Retrospective *debrief.Retrospective `json:"retrospective"`
	Events        []*debrief.Event       `json:"events"`
	Actions       []*debrief.Action      `json:"actions"`
	Analysis      *debrief.Analysis      `json:"analysis,omitempty"`
	Warnings      []postmortem.Warning   `json:"warnings"`
}

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
		out, err := read(f, loc, *team)
		if err == nil && svc != nil {
			var inc *debrief.Incident
			if inc, err = svc.ImportReport(sys, &debrief.Report{Incident: out.Incident, Retrospective: out.Retrospective, Events: out.Events, Actions: out.Actions, Analysis: out.Analysis}); err == nil {
				fmt.Fprintf(stdout, "%s: imported as incident %d (%d events, %d action items, %d warnings)\n",
					f.name, inc.ID, len(out.Events), len(out.Actions), len(out.Warnings))
				for _, w := range out.Warnings {
					fmt.Fprintf(stderr, "%s:%d: warning: %s\n", f.name, w.Line, w.Message)
				}
			}
		} else if err == nil {
			err = enc.Encode(out)
		}
		if err != nil {
			failed++
			if field := debrief.ErrorField(err); field != "" {
				fmt.Fprintf(stderr, "%s: %s: %s\n", f.name, field, debrief.ErrorMessage(err))
			} else {
				fmt.Fprintf(stderr, "%s: %v\n", f.name, err)
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files not imported", failed, len(files))
	}
	return nil
}

// read parses one file: Debrief's own format when it starts with front
// matter naming it, otherwise as a postmortem written by people.
func read(f importFile, loc *time.Location, team string) (*imported, error) {
	if bytes.HasPrefix(f.data, []byte("---")) && bytes.Contains(f.data[:min(len(f.data), 512)], []byte(format.Version)) {
		rep, err := format.Read(f.name, bytes.NewReader(f.data))
		if err != nil {
			return nil, err
		}
		if rep.Incident.Team == "" {
			rep.Incident.Team = team
		}
		return &imported{File: f.name, Incident: rep.Incident, Retrospective: rep.Retrospective,
			Events: rep.Events, Actions: rep.Actions, Analysis: rep.Analysis, Warnings: []postmortem.Warning{}}, nil
	}
	d, err := postmortem.Parse(f.name, f.data, postmortem.Options{Zone: loc, Now: time.Now()})
	if err != nil {
		return nil, err
	}
	return fromDraft(f.name, d, team), nil
}

// fromDraft turns a parsed postmortem into the API's objects.
func fromDraft(name string, d *postmortem.Draft, team string) *imported {
	out := &imported{
		File: name,
		Incident: &debrief.Incident{
			Title: d.Title, Severity: d.Incident.Severity, Services: d.Incident.Services,
			Team: team, TimeZone: d.Zone, Milestones: d.Incident.Milestones,
			Status: debrief.IncidentResolved,
		},
		Retrospective: &debrief.Retrospective{Template: debrief.DefaultTemplateName, Status: debrief.RetroDraft},
		Warnings:      d.Warnings,
	}
	if out.Incident.TimeZone == "" {
		out.Incident.TimeZone = "UTC"
	}
	if out.Incident.Services == nil {
		out.Incident.Services = []string{}
	}
	for i := range d.Events {
		out.Events = append(out.Events, &d.Events[i])
	}
	for i := range d.Actions {
		out.Actions = append(out.Actions, &d.Actions[i])
	}
	if len(d.Factors) > 0 {
		out.Analysis = &debrief.Analysis{}
		for i := range d.Factors {
			f := d.Factors[i]
			f.Ref = fmt.Sprintf("CF%d", i+1)
			out.Analysis.Items = append(out.Analysis.Items, &f)
		}
	}
	for _, s := range d.Sections {
		// The timeline and the action items become events and items; their
		// sections would only repeat them.
		if (s.Key == "timeline" && len(out.Events) > 0) || (s.Key == "recommendations" && len(out.Actions) > 0) {
			continue
		}
		if s.Key == "" || strings.TrimSpace(s.Body) == "" {
			continue
		}
		out.Retrospective.Sections = append(out.Retrospective.Sections, &debrief.Section{Key: s.Key, Title: s.Title, Body: s.Body})
	}
	if out.Events == nil {
		out.Events = []*debrief.Event{}
	}
	if out.Actions == nil {
		out.Actions = []*debrief.Action{}
	}
	if out.Warnings == nil {
		out.Warnings = []postmortem.Warning{}
	}
	return out
}

// collect reads every Markdown file under the paths: files as given,
// folders walked, zips opened, "-" from standard input.
func collect(paths []string) ([]importFile, error) {
	var files []importFile
	for _, p := range paths {
		switch {
		case p == "-":
			data, err := io.ReadAll(io.LimitReader(os.Stdin, postmortem.MaxSize+1))
			if err != nil {
				return nil, fmt.Errorf("standard input: %w", err)
			}
			files = append(files, importFile{name: "-", data: data})
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
				files = append(files, importFile{name: p, data: data})
				continue
			}
			err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !isMarkdown(path) {
					return err
				}
				data, err := readLimited(path)
				if err == nil {
					files = append(files, importFile{name: path, data: data})
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

// isMarkdown picks the files a folder or zip import reads: Markdown and
// plain text, and files without an extension, which postmortem collections
// have too (DFDS's PM2022-009 is one).
func isMarkdown(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") {
		return false
	}
	return slices.Contains([]string{".md", ".markdown", ".txt", ""}, strings.ToLower(filepath.Ext(base)))
}

// readLimited reads a file, or says it is too large rather than reading a
// gigabyte into memory; the parser names the limit.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, postmortem.MaxSize+1))
}

func zipFiles(path string) ([]importFile, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	var files []importFile
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || !isMarkdown(zf.Name) {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, zf.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, postmortem.MaxSize+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, zf.Name, err)
		}
		files = append(files, importFile{name: path + ":" + zf.Name, data: data})
	}
	return files, nil
}
