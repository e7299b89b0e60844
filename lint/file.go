package lint

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/postmortem"
	"github.com/debrief-oss/debrief/render/format"
)

// Document is one retrospective read from a file, with what is needed to
// turn a finding's place in the report into a line of the file.
type Document struct {
	Name   string
	Report *debrief.Report
	// Format is "debrief" (Debrief's own format) or "postmortem" (a
	// postmortem as people write them).
	Format string
	lines  []string
	// heads maps a section key to the 0-based line of its marker or
	// heading in the file.
	heads  map[string]int
	events int // 0-based line of the events marker or the timeline heading
	acts   int
}

// FileError is a file that cannot be linted: not UTF-8, not a
// retrospective, not readable in its format.
type FileError struct {
	File string
	Line int
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// IsDebriefFormat reports whether data is in Debrief's own format: front
// matter naming it.
func IsDebriefFormat(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimPrefix(data, []byte("\uFEFF")), []byte("---")) && bytes.Contains(data[:min(len(data), 512)], []byte(format.Version))
}

// ReadFile reads one file in Debrief's format or a free-form postmortem.
// zone is the zone of postmortem times written without one (nil: UTC).
func ReadFile(name string, data []byte, zone *time.Location) (*Document, error) {
	if IsDebriefFormat(data) {
		rep, err := format.Read(name, bytes.NewReader(data))
		if err != nil {
			if fe, ok := err.(*format.Error); ok {
				return nil, &FileError{File: name, Line: fe.Line, Msg: fe.Msg}
			}
			return nil, &FileError{File: name, Msg: err.Error()}
		}
		d := &Document{Name: name, Report: rep, Format: "debrief", lines: splitLines(data), heads: map[string]int{}, events: -1, acts: -1}
		for i, l := range d.lines {
			switch {
			case strings.HasPrefix(l, "<!-- section:"):
				f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(l, "<!-- section:"), "-->"))
				if len(f) > 0 {
					d.heads[f[0]] = i
				}
			case l == "<!-- events -->":
				d.events = i
			case l == "<!-- actions -->":
				d.acts = i
			}
		}
		return d, nil
	}
	dr, err := postmortem.Parse(name, data, postmortem.Options{Zone: zone, Now: time.Now()})
	if err != nil {
		if pe, ok := err.(*postmortem.Error); ok {
			return nil, &FileError{File: name, Line: pe.Line, Msg: pe.Msg}
		}
		return nil, &FileError{File: name, Msg: err.Error()}
	}
	known := len(dr.Events) > 0 || len(dr.Actions) > 0
	for _, s := range dr.Sections {
		if !s.Custom && s.Line > 0 && strings.TrimSpace(s.Body) != "" && (s.Key != "summary" || len(dr.Sections) > 1) {
			known = true
		}
	}
	if !known {
		return nil, &FileError{File: name, Msg: "not a retrospective: no text under a heading such as Summary, Timeline, Analysis or Action items, and no timeline or action items"}
	}
	d := &Document{Name: name, Report: FromDraft(dr), Format: "postmortem", lines: splitLines(data), heads: map[string]int{}, events: -1, acts: -1}
	for _, s := range dr.Sections {
		if _, ok := d.heads[s.Key]; !ok && s.Line > 0 {
			d.heads[s.Key] = s.Line - 1
		}
	}
	if l, ok := d.heads["timeline"]; ok {
		d.events = l
	}
	if l, ok := d.heads["recommendations"]; ok {
		d.acts = l
	}
	return d, nil
}

func splitLines(data []byte) []string {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return strings.Split(strings.ReplaceAll(s, "\r", "\n"), "\n")
}

// FromDraft turns a parsed postmortem into a report the way `debrief
// import` stores it: the timeline and action items become events and
// items (their sections would only repeat them).
func FromDraft(d *postmortem.Draft) *debrief.Report {
	rep := &debrief.Report{
		Incident: &debrief.Incident{
			Title: d.Title, Severity: d.Incident.Severity, Services: d.Incident.Services,
			TimeZone: d.Zone, Milestones: d.Incident.Milestones, Status: debrief.IncidentResolved,
		},
		Retrospective: &debrief.Retrospective{Template: debrief.DefaultTemplateName, Status: debrief.RetroDraft},
		Events:        []*debrief.Event{},
		Actions:       []*debrief.Action{},
	}
	if rep.Incident.TimeZone == "" {
		rep.Incident.TimeZone = "UTC"
	}
	for i := range d.Events {
		rep.Events = append(rep.Events, &d.Events[i])
	}
	for i := range d.Actions {
		rep.Actions = append(rep.Actions, &d.Actions[i])
	}
	for _, s := range d.Sections {
		if (s.Key == "timeline" && len(rep.Events) > 0) || (s.Key == "recommendations" && len(rep.Actions) > 0) {
			continue
		}
		if s.Key == "" || strings.TrimSpace(s.Body) == "" {
			continue
		}
		kind := debrief.SectionText
		rep.Retrospective.Sections = append(rep.Retrospective.Sections, &debrief.Section{Key: s.Key, Title: s.Title, Kind: kind, Body: s.Body})
	}
	return rep
}

// Locate fills the findings' FileLine: the line of the file the finding
// is on, or the line of its section's heading when it is about the whole
// section, or 1 when the file has no better place.
func (d *Document) Locate(fs []Finding) {
	for i := range fs {
		fs[i].Location.FileLine = d.line(fs[i].Location)
	}
}

func (d *Document) line(l Location) int {
	switch {
	case l.EventIndex > 0:
		if n := d.itemLine(d.events, l.EventIndex, d.Report.Events[l.EventIndex-1].Text, eventLineRe); n > 0 {
			return n
		}
	case l.ActionIndex > 0:
		if n := d.itemLine(d.acts, l.ActionIndex, d.Report.Actions[l.ActionIndex-1].Title, actionLineRe); n > 0 {
			return n
		}
	}
	head, ok := d.heads[l.Section]
	if !ok {
		return 1
	}
	if l.Line == 0 {
		if d.Format == "debrief" && head+1 < len(d.lines) {
			return head + 2 // the heading under the marker
		}
		return head + 1
	}
	// The body starts at its first non-blank line after the heading.
	s := d.Report.Retrospective.Section(l.Section)
	if s == nil {
		return head + 1
	}
	first := strings.SplitN(s.Body, "\n", 2)[0]
	for i := head + 1; i < len(d.lines); i++ {
		if strings.TrimRight(d.lines[i], " \t") == strings.TrimRight(first, " \t") || strings.TrimSpace(d.lines[i]) == strings.TrimSpace(first) {
			return i + l.Line
		}
	}
	return head + 1
}

var (
	eventLineRe  = regexp.MustCompile(`^- \d{4}-\d{2}-\d{2} `)
	actionLineRe = regexp.MustCompile(`^- \[[ xX~-]\] `)
)

// itemLine finds the line of the n-th event or action: in Debrief's
// format, the n-th item after the marker; in a postmortem, the first line
// after the section heading that holds the start of its text.
func (d *Document) itemLine(from, n int, text string, re *regexp.Regexp) int {
	if from < 0 {
		return 0
	}
	if d.Format == "debrief" {
		k := 0
		for i := from + 1; i < len(d.lines); i++ {
			if strings.HasPrefix(d.lines[i], "<!-- section:") {
				break
			}
			if re.MatchString(d.lines[i]) {
				k++
				if k == n {
					return i + 1
				}
			}
		}
		return 0
	}
	probe := strings.TrimSpace(strings.SplitN(text, "\n", 2)[0])
	if len(probe) > 30 {
		cut := 30
		for cut > 0 && !startOfRune(probe, cut) {
			cut--
		}
		probe = probe[:cut]
	}
	if probe == "" {
		return from + 1
	}
	for i := from + 1; i < len(d.lines); i++ {
		if strings.Contains(d.lines[i], probe) {
			return i + 1
		}
	}
	return from + 1
}
