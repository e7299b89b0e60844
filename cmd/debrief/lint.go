package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/debrief-oss/debrief/importers/bundle"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/lint"
	"github.com/debrief-oss/debrief/render/format"
)

// lintResult is one file's (or one stored incident's) result.
type lintResult struct {
	File     string         `json:"file"`
	Error    string         `json:"error,omitempty"`
	Line     int            `json:"line,omitempty"`
	Findings []lint.Finding `json:"findings"`
}

// errFindings is returned when a retrospective has errors (exit status 1).
var errFindings = errors.New("lint found errors")

// runLint checks retrospectives in files or a stored incident and prints
// the findings; the exit status is 1 when there are errors or a file could
// not be read.
func runLint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("lint", &cfg, stderr)
	form := fs.String("format", "text", "output: text, json or github (GitHub Actions annotations)")
	incident := fs.Int64("incident", 0, "lint the stored retrospective of this incident instead of files")
	cfgFile := fs.String("config", "", "lint configuration: a YAML file, or a folder with default.yaml and SLUG.yaml per team (docs/lint.md)")
	zone := fs.String("timezone", "UTC", "the zone of times written without one in free-form postmortems")
	rules := fs.Bool("rules", false, "list the rules and exit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: debrief lint [flags] FILE|DIR...   or   debrief lint --incident ID")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if *rules {
		for _, r := range lint.Rules() {
			fmt.Fprintf(stdout, "%-38s %-8s %s\n", r.ID, r.Severity, r.Summary)
		}
		return nil
	}
	switch *form {
	case "text", "json", "github":
	default:
		return usageError{fmt.Sprintf("--format %q: want text, json or github", *form)}
	}
	if (*incident != 0) == (fs.NArg() > 0) {
		return usageError{"lint takes files or folders, or --incident ID, not both and not neither"}
	}
	if *incident < 0 {
		return usageError{fmt.Sprintf("--incident %d: want an incident id", *incident)}
	}
	loc, err := time.LoadLocation(*zone)
	if err != nil {
		return usageError{fmt.Sprintf("--timezone %q: %v", *zone, err)}
	}
	lcs, err := loadLintConfigs(*cfgFile)
	if err != nil {
		return err
	}

	var results []lintResult
	if *incident != 0 {
		st, err := openMigrated(ctx, cfg.database)
		if err != nil {
			return err
		}
		defer st.Close()
		// The operator at the server runs as the system, as export does.
		sys := debrief.WithActor(ctx, debrief.SystemActor)
		rep, err := app.New(st).FindReport(sys, *incident, false)
		if err != nil {
			return fmt.Errorf("incident %d: %w", *incident, err)
		}
		results = append(results, lintResult{File: "incident " + strconv.FormatInt(*incident, 10), Findings: lint.Lint(rep, lcs.For(rep.Incident.Team))})
	} else {
		for _, f := range lintFiles(fs.Args()) {
			r := lintResult{File: f.name, Findings: []lint.Finding{}}
			if f.err != nil {
				r.Error = f.err.Error()
			} else if doc, err := lint.ReadFile(f.name, f.data, loc); err != nil {
				r.Error = err.Error()
				var fe *lint.FileError
				if errors.As(err, &fe) {
					r.Error, r.Line = fe.Msg, fe.Line
				}
			} else {
				r.Findings = lint.Lint(doc.Report, lcs.For(doc.Report.Incident.Team))
				doc.Locate(r.Findings)
			}
			results = append(results, r)
		}
	}

	failed := false
	for _, r := range results {
		if r.Error != "" || lint.HasErrors(r.Findings) {
			failed = true
		}
	}
	switch *form {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	case "github":
		writeGitHub(stdout, results)
	default:
		writeLintText(stdout, results)
	}
	if failed {
		return errFindings
	}
	return nil
}

// loadLintConfigs reads --config / --lint-config: nothing for "", the
// defaults.
func loadLintConfigs(path string) (*lint.Configs, error) {
	if path == "" {
		return nil, nil
	}
	cs, err := lint.LoadConfigs(path)
	if err != nil {
		var ce *lint.ConfigError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, fmt.Errorf("lint configuration: %w", err)
	}
	return cs, nil
}

// lintFile is one file to check, or why it could not be read.
type lintFile struct {
	name string
	data []byte
	err  error
}

// lintFiles reads the files under the paths: files as given, folders
// walked for Markdown. A path that cannot be read is a result of its own,
// so the others are still checked.
func lintFiles(paths []string) []lintFile {
	var out []lintFile
	read := func(p string) lintFile {
		f, err := os.Open(p)
		if err != nil {
			return lintFile{name: p, err: errors.Unwrap(err)}
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, format.MaxSize+1))
		if err == nil && len(data) > format.MaxSize {
			err = fmt.Errorf("file is larger than %d bytes", format.MaxSize)
		}
		return lintFile{name: p, data: data, err: err}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			out = append(out, lintFile{name: p, err: errors.Unwrap(err)})
			continue
		}
		if !info.IsDir() {
			out = append(out, read(p))
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				out = append(out, lintFile{name: path, err: err})
				return nil
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if bundle.IsMarkdown(path) {
				out = append(out, read(path))
			}
			return nil
		})
		if err != nil {
			out = append(out, lintFile{name: p, err: err})
		}
	}
	return out
}

func writeLintText(w io.Writer, results []lintResult) {
	n := map[lint.Severity]int{}
	bad := 0
	for _, r := range results {
		if r.Error != "" {
			bad++
			if r.Line > 0 {
				fmt.Fprintf(w, "%s:%d: cannot lint: %s\n", r.File, r.Line, r.Error)
			} else {
				fmt.Fprintf(w, "%s: cannot lint: %s\n", r.File, r.Error)
			}
			continue
		}
		for _, f := range r.Findings {
			n[f.Severity]++
			place := r.File
			if f.Location.FileLine > 0 {
				place += ":" + strconv.Itoa(f.Location.FileLine)
			}
			fmt.Fprintf(w, "%s: %s: %s [%s] (%s)\n    fix: %s\n", place, f.Severity, f.Message, f.Rule, f.Location, f.Fix)
		}
	}
	fmt.Fprintf(w, "%d retrospectives: %d errors, %d warnings, %d info", len(results)-bad, n[lint.Error], n[lint.Warning], n[lint.Info])
	if bad > 0 {
		fmt.Fprintf(w, "; %d files could not be linted", bad)
	}
	fmt.Fprintln(w)
}

// writeGitHub writes GitHub Actions workflow commands, which the runner
// shows as annotations on the files of a pull request.
func writeGitHub(w io.Writer, results []lintResult) {
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(w, "::error file=%s%s,title=%s::%s\n", ghProp(r.File), ghLine(r.Line), ghProp("cannot lint"), ghData(r.Error))
			continue
		}
		for _, f := range r.Findings {
			level := map[lint.Severity]string{lint.Error: "error", lint.Warning: "warning", lint.Info: "notice"}[f.Severity]
			fmt.Fprintf(w, "::%s file=%s%s,title=%s::%s\n", level, ghProp(r.File), ghLine(f.Location.FileLine), ghProp(f.Rule), ghData(f.Message+" ("+f.Location.String()+"). Fix: "+f.Fix))
		}
	}
}

func ghLine(n int) string {
	if n <= 0 {
		return ""
	}
	return ",line=" + strconv.Itoa(n)
}

// ghData escapes a workflow command's message; ghProp a property value.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
