// Package bundle turns files of retrospectives into reports and reports
// into files: the part of importing and exporting that the command line,
// the API and the web pages share. A file is read as Debrief's own format
// (render/format) when its front matter names that format, otherwise as a
// postmortem written by people (importers/postmortem). Zips are opened here,
// with limits that keep a hostile archive from filling memory or naming
// paths outside itself.
package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/postmortem"
	"github.com/debrief-oss/debrief/render/format"
)

// File is one file found in a folder, a zip or an upload.
type File struct {
	Name string
	Data []byte
	// Err is why the file could not be taken out of its container (too
	// large, an unsafe path in a zip). Read reports it as the file's error.
	Err error
}

// Parsed is one file read: the retrospective in the API's own schema, and
// what the reader should check. It is what `debrief import --dry-run`
// prints and what the API's dry run answers.
type Parsed struct {
	File          string                 `json:"file"`
	Incident      *debrief.Incident      `json:"incident"`
	Retrospective *debrief.Retrospective `json:"retrospective"`
	Events        []*debrief.Event       `json:"events"`
	Actions       []*debrief.Action      `json:"actions"`
	Analysis      *debrief.Analysis      `json:"analysis,omitempty"`
	Warnings      []postmortem.Warning   `json:"warnings"`
}

// Report returns the parsed file as the report app.Service.ImportReport
// stores.
func (p *Parsed) Report() *debrief.Report {
	return &debrief.Report{Incident: p.Incident, Retrospective: p.Retrospective, Events: p.Events, Actions: p.Actions, Analysis: p.Analysis}
}

// Options say how to read files.
type Options struct {
	// Zone is the zone of times written without one; nil means UTC.
	Zone *time.Location
	// Team is the team of an incident whose file names none.
	Team string
	// Now is the time of the import (the year of dates without one, as
	// a last resort); zero means now.
	Now time.Time
}

// Read parses one file: Debrief's own format when it starts with front
// matter naming it, otherwise as a postmortem written by people. Errors
// name the file and, where there is one, the line.
func Read(f File, opts Options) (*Parsed, error) {
	if f.Err != nil {
		return nil, f.Err
	}
	if IsDebriefFormat(f.Data) {
		rep, err := format.Read(f.Name, bytes.NewReader(f.Data))
		if err != nil {
			return nil, err
		}
		if rep.Incident.Team == "" {
			rep.Incident.Team = opts.Team
		}
		return &Parsed{File: f.Name, Incident: rep.Incident, Retrospective: rep.Retrospective,
			Events: nonNil(rep.Events), Actions: nonNil(rep.Actions), Analysis: rep.Analysis, Warnings: []postmortem.Warning{}}, nil
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	d, err := postmortem.Parse(f.Name, f.Data, postmortem.Options{Zone: opts.Zone, Now: now})
	if err != nil {
		return nil, err
	}
	return FromDraft(f.Name, d, opts.Team), nil
}

// IsDebriefFormat reports whether data is a file in Debrief's own format:
// front matter that names the format's version near the start.
func IsDebriefFormat(data []byte) bool {
	return bytes.HasPrefix(data, []byte("---")) && bytes.Contains(data[:min(len(data), 512)], []byte(format.Version))
}

// FromDraft turns a parsed postmortem into the API's objects.
func FromDraft(name string, d *postmortem.Draft, team string) *Parsed {
	out := &Parsed{
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
	// A plain postmortem's root cause and contributing factors become the
	// analysis's contributing factors (CF1, CF2, ...).
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
	out.Events, out.Actions = nonNil(out.Events), nonNil(out.Actions)
	if out.Warnings == nil {
		out.Warnings = []postmortem.Warning{}
	}
	return out
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// IsMarkdown picks the files a folder or zip import reads: Markdown and
// plain text, and files without an extension, which postmortem collections
// have too (DFDS's PM2022-009 is one).
func IsMarkdown(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") {
		return false
	}
	return slices.Contains([]string{".md", ".markdown", ".txt", ""}, strings.ToLower(filepath.Ext(base)))
}

// MaxUpload is the most bytes one upload (a file or a zip) sent to the
// server may have, through the API or the import page.
const MaxUpload = 8 << 20

// ErrorLine returns the line a parser's error points at, 0 when none.
func ErrorLine(err error) int {
	var pe *postmortem.Error
	if errors.As(err, &pe) {
		return pe.Line
	}
	var fe *format.Error
	if errors.As(err, &fe) {
		return fe.Line
	}
	return 0
}

// CustomSection reports whether a section with this key is kept as a
// custom section rather than filling one Debrief's templates know.
func CustomSection(key string) bool { return !postmortem.TemplateKey(key) }
