package format

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/debrief-oss/debrief"
)

// Read reads one file in Debrief's interchange format. name is used in
// errors only. It returns the whole report or an *Error naming the file and,
// where there is one, the line; never part of a report.
//
// The report has no ids but the incident's, no versions and no
// created/updated times; people have a name, email and handle but no id.
func Read(name string, r io.Reader) (*debrief.Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file is larger than %d bytes", MaxSize)}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &Error{File: name, Line: bytes.Count(data[:i], []byte("\n")) + 1, Msg: "binary file (NUL byte)"}
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return nil, &Error{File: name, Line: bytes.Count(data[:i], []byte("\n")) + 1, Msg: "not UTF-8 text"}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	text := strings.ReplaceAll(string(data), "\r", "")
	p := &parser{name: name, lines: strings.Split(text, "\n")}
	rep, err := p.parse()
	if err != nil {
		return nil, err
	}
	return rep, nil
}

type parser struct {
	name  string
	lines []string
	i     int // index of the next line
	loc   *time.Location
	// addressLines holds the line of each action's addresses field.
	addressLines map[*debrief.Action]int
}

func (p *parser) errf(line int, format string, args ...any) error {
	return &Error{File: p.name, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parse() (*debrief.Report, error) {
	if len(p.lines) == 0 || p.lines[0] != "---" {
		return nil, p.errf(1, "want front matter starting with a --- line")
	}
	end := -1
	for j := 1; j < len(p.lines); j++ {
		if p.lines[j] == "---" {
			end = j
			break
		}
	}
	if end < 0 {
		return nil, p.errf(1, "front matter is not closed by a --- line")
	}
	rep, err := p.frontMatter(strings.Join(p.lines[1:end], "\n"))
	if err != nil {
		return nil, err
	}
	p.i = end + 1

	// The title heading.
	p.skipBlank()
	if p.i >= len(p.lines) || !isHeading(p.lines[p.i], "#") {
		return nil, p.errf(p.i+1, "want the title as a \"# \" heading after the front matter")
	}
	if h := headingText(p.lines[p.i], "#"); strings.TrimSpace(h) != strings.TrimSpace(rep.Incident.Title) {
		return nil, p.errf(p.i+1, "title heading %q differs from the front matter's title %q", h, rep.Incident.Title)
	}
	p.i++

	seen := map[string]bool{}
	var eventsDone, actionsDone bool
	var analysis []*itemRead
	for {
		p.skipBlank()
		if p.i >= len(p.lines) {
			break
		}
		ln, line := p.i+1, p.lines[p.i]
		switch {
		case strings.HasPrefix(line, sectionMarker):
			s, err := p.section(line)
			if err != nil {
				return nil, err
			}
			if seen[s.Key] {
				return nil, p.errf(ln, "section %s appears twice", s.Key)
			}
			seen[s.Key] = true
			if rep.Retrospective == nil {
				rep.Retrospective = &debrief.Retrospective{}
			}
			s.Position = len(rep.Retrospective.Sections) + 1
			rep.Retrospective.Sections = append(rep.Retrospective.Sections, s)
		case line == eventsMarker:
			if eventsDone {
				return nil, p.errf(ln, "a second %s list", eventsMarker)
			}
			eventsDone = true
			p.i++
			evs, err := p.events()
			if err != nil {
				return nil, err
			}
			rep.Events = evs
		case line == actionsMarker:
			if actionsDone {
				return nil, p.errf(ln, "a second %s list", actionsMarker)
			}
			actionsDone = true
			p.i++
			as, err := p.actions()
			if err != nil {
				return nil, err
			}
			rep.Actions = as
		case line == analysisMarker:
			if analysis != nil {
				return nil, p.errf(ln, "a second %s list", analysisMarker)
			}
			p.i++
			if analysis, err = p.analysis(); err != nil {
				return nil, err
			}
		default:
			return nil, p.errf(ln, "text outside any section (each section starts with a %s KEY --> line)", sectionMarker)
		}
	}
	// Events are named by their position in the file: evidence in the
	// analysis points at them that way.
	for i, ev := range rep.Events {
		ev.ID = int64(i + 1)
	}
	if err := p.checkAnalysis(analysis, len(rep.Events), p.addressLines, rep.Actions); err != nil {
		return nil, err
	}
	if len(analysis) > 0 {
		rep.Analysis = &debrief.Analysis{}
		for _, r := range analysis {
			rep.Analysis.Items = append(rep.Analysis.Items, r.it)
		}
	}
	return rep, nil
}

func (p *parser) skipBlank() {
	for p.i < len(p.lines) && strings.TrimSpace(p.lines[p.i]) == "" {
		p.i++
	}
}

func isHeading(line, level string) bool {
	return line == level || strings.HasPrefix(line, level+" ")
}

func headingText(line, level string) string {
	return strings.TrimSpace(strings.TrimPrefix(line, level))
}

// atBoundary says whether line ends a section body.
func atBoundary(line string) bool {
	return strings.HasPrefix(line, sectionMarker) || line == eventsMarker || line == actionsMarker || line == analysisMarker
}

var markerRE = regexp.MustCompile(`^<!-- section: ([^ ]+)((?: [^ ]+)*) -->$`)

// section reads a marker, its heading and its body.
func (p *parser) section(marker string) (*debrief.Section, error) {
	ln := p.i + 1
	m := markerRE.FindStringSubmatch(marker)
	if m == nil {
		return nil, p.errf(ln, "cannot read section marker %q (want <!-- section: KEY [kind=KIND] [optional] -->)", marker)
	}
	s := &debrief.Section{Key: m[1], Kind: debrief.SectionText}
	if !keyRE.MatchString(s.Key) {
		return nil, p.errf(ln, "section key %q is not a word (letters, digits, _ . -)", s.Key)
	}
	for _, opt := range strings.Fields(m[2]) {
		switch {
		case opt == "optional":
			s.Optional = true
		case strings.HasPrefix(opt, "kind="):
			s.Kind = strings.TrimPrefix(opt, "kind=")
			if !validKind(s.Kind) {
				return nil, p.errf(ln, "section %s: unknown kind %q (want text, timeline or actions)", s.Key, s.Kind)
			}
		default:
			return nil, p.errf(ln, "section %s: unknown option %q in the marker", s.Key, opt)
		}
	}
	p.i++
	p.skipBlank()
	if p.i >= len(p.lines) || !isHeading(p.lines[p.i], "##") {
		return nil, p.errf(p.i+1, "section %s: want a \"## \" heading after its marker", s.Key)
	}
	s.Title = headingText(p.lines[p.i], "##")
	p.i++
	var body []string
	for p.i < len(p.lines) && !atBoundary(p.lines[p.i]) {
		line := p.lines[p.i]
		if strings.HasPrefix(line, `\`) && markerLike(line) {
			line = line[1:]
		}
		body = append(body, line)
		p.i++
	}
	s.Body = canonText(strings.Join(body, "\n"))
	return s, nil
}

func (p *parser) events() ([]*debrief.Event, error) {
	var evs []*debrief.Event
	var text []string
	var cur *debrief.Event
	flush := func() {
		if cur != nil {
			cur.Text = canonField(strings.Join(text, "\n"))
		}
	}
	for ; p.i < len(p.lines) && !atBoundary(p.lines[p.i]); p.i++ {
		ln, line := p.i+1, p.lines[p.i]
		switch {
		case strings.HasPrefix(line, "- "):
			flush()
			ev, first, err := p.eventLine(ln, line)
			if err != nil {
				return nil, err
			}
			cur, text = ev, []string{first}
			evs = append(evs, ev)
		case strings.TrimSpace(line) == "":
			if cur != nil {
				text = append(text, "")
			}
		case cur != nil && strings.HasPrefix(line, "  "):
			text = append(text, line[2:])
		case cur == nil && len(evs) == 0 && isHeading(line, "##"):
			// The heading of a timeline written without a timeline section.
		default:
			return nil, p.errf(ln, "want an event (- YYYY-MM-DD HH:MM ±HH:MM — text) or a line indented by two spaces")
		}
	}
	flush()
	return evs, nil
}

// eventLine reads "- TIME — text {attrs}".
func (p *parser) eventLine(ln int, line string) (*debrief.Event, string, error) {
	rest := line[2:]
	i := strings.Index(rest, " —")
	if i < 0 {
		return nil, "", p.errf(ln, "event: want \"- TIME — text\"")
	}
	at, err := parseEventTime(strings.TrimSpace(rest[:i]), p.loc)
	if err != nil {
		return nil, "", p.errf(ln, "event: %v", err)
	}
	ev := &debrief.Event{At: at}
	after := rest[i+len(" —"):]
	if after != "" && after[0] != ' ' {
		return nil, "", p.errf(ln, "event: want a space after —")
	}
	if strings.HasSuffix(after, "}") {
		for j := strings.LastIndex(after, " {"); j >= 0; j = strings.LastIndex(after[:j], " {") {
			if parseAttrs(after[j+2:len(after)-1], ev) == nil {
				after = after[:j]
				break
			}
			*ev = debrief.Event{At: at}
		}
	}
	return ev, strings.TrimPrefix(after, " "), nil
}

// parseAttrs reads "kind=deploy source=\"slack\" url=<…> starred hidden".
func parseAttrs(s string, ev *debrief.Event) error {
	seen := map[string]bool{}
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return nil
		}
		j := strings.IndexAny(s, " =")
		if j < 0 {
			j = len(s)
		}
		key := s[:j]
		if seen[key] {
			return errors.New("repeated attribute")
		}
		seen[key] = true
		s = s[j:]
		switch key {
		case "starred", "hidden":
			if strings.HasPrefix(s, "=") {
				return errors.New("flag with a value")
			}
			if key == "starred" {
				ev.Starred = true
			} else {
				ev.Hidden = true
			}
			continue
		case "kind", "source", "author", "url", "original_id", "alert_key", "tag", "refs":
		default:
			return errors.New("unknown attribute")
		}
		if !strings.HasPrefix(s, "=") {
			return errors.New("want =")
		}
		s = s[1:]
		if key == "refs" {
			refs, n, err := parseRefs(s)
			if err != nil {
				return err
			}
			if s = s[n:]; s != "" && s[0] != ' ' {
				return errors.New("want a space between attributes")
			}
			ev.Refs = refs
			continue
		}
		var v string
		switch {
		case strings.HasPrefix(s, `"`):
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return err
			}
			if v, err = strconv.Unquote(q); err != nil {
				return err
			}
			s = s[len(q):]
		case strings.HasPrefix(s, "<") && key == "url":
			k := strings.IndexByte(s, '>')
			if k < 0 {
				return errors.New("unclosed <")
			}
			v, s = s[1:k], s[k+1:]
			if v == "" || strings.ContainsAny(v, "<\" \t{}") {
				return errors.New("bad url")
			}
		default:
			k := strings.IndexByte(s, ' ')
			if k < 0 {
				k = len(s)
			}
			v, s = s[:k], s[k:]
			if !bareValue(v) {
				return errors.New("bad bare value")
			}
		}
		if s != "" && s[0] != ' ' {
			return errors.New("want a space between attributes")
		}
		if v == "" {
			return errors.New("empty value")
		}
		switch key {
		case "kind":
			ev.Kind = v
		case "source":
			ev.Source = v
		case "author":
			ev.Author = v
		case "url":
			ev.URL = v
		case "original_id":
			ev.OriginalID = v
		case "alert_key":
			ev.AlertKey = v
		case "tag":
			ev.Tag = v
		}
	}
}

var actionFields = []string{"owner", "priority", "due", "status", "ticket", "ticket key", "done when", "drop reason",
	"dropped by", "verified", "verified by", "verified note", "addresses", "description"}

func (p *parser) actions() ([]*debrief.Action, error) {
	var as []*debrief.Action
	type item struct {
		a       *debrief.Action
		ln      int
		checked bool
		vals    map[string][]string
		lines   map[string]int
	}
	var items []*item
	var cur *item
	var key string // the field a block of lines belongs to
	for ; p.i < len(p.lines) && !atBoundary(p.lines[p.i]); p.i++ {
		ln, line := p.i+1, p.lines[p.i]
		switch {
		case strings.HasPrefix(line, "- [ ]") || strings.HasPrefix(line, "- [x]") || strings.HasPrefix(line, "- [X]"):
			rest := line[5:]
			if rest != "" && rest[0] != ' ' {
				return nil, p.errf(ln, "action: want a space after the box")
			}
			cur = &item{a: &debrief.Action{Title: canonField(rest)}, ln: ln, checked: line[3] != ' ',
				vals: map[string][]string{}, lines: map[string]int{}}
			items = append(items, cur)
			key = ""
		case strings.TrimSpace(line) == "":
			if cur != nil && key != "" {
				cur.vals[key] = append(cur.vals[key], "")
			}
		case cur != nil && key != "" && strings.HasPrefix(line, "    "):
			cur.vals[key] = append(cur.vals[key], line[4:])
		case cur != nil && strings.HasPrefix(line, "  ") && line[2] != ' ':
			k, v, ok := strings.Cut(line[2:], ":")
			if !ok || !knownField(k) {
				return nil, p.errf(ln, "action: want one of %s followed by a colon", strings.Join(actionFields, ", "))
			}
			if _, dup := cur.lines[k]; dup {
				return nil, p.errf(ln, "action: %s given twice", k)
			}
			cur.lines[k] = ln
			cur.vals[k] = []string{strings.TrimPrefix(v, " ")}
			key = k
		case cur == nil && len(items) == 0 && isHeading(line, "##"):
			// The heading of action items written without an actions section.
		default:
			return nil, p.errf(ln, "want an action item (- [ ] Title) or a field line indented by two spaces")
		}
	}
	for _, it := range items {
		a := it.a
		get := func(k string) string { return canonField(strings.Join(it.vals[k], "\n")) }
		if o := get("owner"); o != "" {
			person, err := readPersonLine(o)
			if err != nil {
				return nil, p.errf(it.lines["owner"], "action: %v", err)
			}
			a.Owner = (&personYAML{person}).person()
		}
		a.Priority = get("priority")
		if a.Priority != "" && !validPriority(a.Priority) {
			return nil, p.errf(it.lines["priority"], "action: unknown priority %q (want %s)", a.Priority, strings.Join(debrief.Priorities, ", "))
		}
		a.DueDate = get("due")
		if a.DueDate != "" {
			if _, err := time.Parse("2006-01-02", a.DueDate); err != nil {
				return nil, p.errf(it.lines["due"], "action: cannot read due date %q (want YYYY-MM-DD)", a.DueDate)
			}
		}
		st := debrief.ActionStatus(get("status"))
		switch {
		case st == "" && it.checked:
			st = debrief.ActionDone
		case st == "":
			st = debrief.ActionProposed
		case !validActionStatus(st):
			return nil, p.errf(it.lines["status"], "action: unknown status %q (want %s)", st, joinStatuses())
		case it.checked && st != debrief.ActionDone:
			return nil, p.errf(it.lines["status"], "action: the box is ticked but the status is %s", st)
		case !it.checked && st == debrief.ActionDone:
			return nil, p.errf(it.lines["status"], "action: the status is done but the box is not ticked")
		}
		a.Status = st
		a.TicketURL = get("ticket")
		a.DefinitionOfDone = get("done when")
		a.DropReason = get("drop reason")
		a.Description = get("description")
		if err := p.followThrough(a, get, it.lines); err != nil {
			return nil, err
		}
		if refs := splitList(get("addresses")); len(refs) > 0 {
			a.Addresses = refs
			if p.addressLines == nil {
				p.addressLines = map[*debrief.Action]int{}
			}
			p.addressLines[a] = it.lines["addresses"]
		}
		for _, k := range []string{"priority", "due", "status", "ticket", "addresses", "ticket key", "dropped by", "verified", "verified by"} {
			if strings.Contains(get(k), "\n") {
				return nil, p.errf(it.lines[k], "action: %s must be one line", k)
			}
		}
		as = append(as, a)
	}
	return as, nil
}

func knownField(k string) bool {
	for _, f := range actionFields {
		if f == k {
			return true
		}
	}
	return false
}

func joinStatuses() string {
	var s []string
	for _, st := range debrief.ActionStatuses {
		s = append(s, string(st))
	}
	return strings.Join(s, ", ")
}

var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// yamlError turns a YAML error into an *Error with the file's line (the
// front matter starts on line 2).
func (p *parser) yamlError(err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if m := yamlLineRE.FindStringSubmatchIndex(msg); m != nil {
		line, _ = strconv.Atoi(msg[m[2]:m[3]])
		line++
		msg = msg[:m[0]] + msg[m[1]:]
	}
	msg = regexp.MustCompile(`field (\S+) not found in type \S+`).ReplaceAllString(msg, "unknown key $1")
	msg = regexp.MustCompile(` into \S*format\.\S+`).ReplaceAllString(msg, "")
	return p.errf(line, "front matter: %s", msg)
}

func (p *parser) frontMatter(src string) (*debrief.Report, error) {
	var fm frontMatter
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errf(2, "front matter is empty")
		}
		return nil, p.yamlError(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		return nil, p.yamlError(err)
	}
	// lineOf finds the file line of a key path in the front matter.
	lineOf := func(path ...string) int {
		n := &root
		if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
			n = n.Content[0]
		}
		line := 1
		for _, k := range path {
			var next *yaml.Node
			for j := 0; n.Kind == yaml.MappingNode && j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == k {
					next = n.Content[j+1]
					line = n.Content[j].Line
					break
				}
			}
			if next == nil {
				break
			}
			n = next
		}
		return line + 1
	}

	if fm.Format != Version {
		return nil, p.errf(lineOf("format"), "front matter: format is %q, want %q", fm.Format, Version)
	}
	inc := &debrief.Incident{
		ID:         fm.ID,
		Title:      fm.Title,
		Severity:   fm.Severity,
		Type:       fm.Type,
		Status:     debrief.IncidentStatus(fm.Status),
		Team:       fm.Team,
		Visibility: debrief.Visibility(fm.Visibility),
		Services:   fm.Services,
		TimeZone:   fm.TimeZone,
	}
	if strings.ContainsAny(inc.Title, "\n\r") {
		return nil, p.errf(lineOf("title"), "front matter: title has more than one line")
	}
	if inc.Status != "" && !validIncidentStatus(inc.Status) {
		return nil, p.errf(lineOf("status"), "front matter: unknown incident status %q", inc.Status)
	}
	if v := inc.Visibility; v != "" && v != debrief.VisibleToTeam && v != debrief.VisibleToOrganization {
		return nil, p.errf(lineOf("visibility"), "front matter: unknown visibility %q (want team or organization)", v)
	}
	p.loc = time.UTC
	if inc.TimeZone != "" {
		loc, err := time.LoadLocation(inc.TimeZone)
		if err != nil || strings.EqualFold(inc.TimeZone, "local") {
			return nil, p.errf(lineOf("time_zone"), "front matter: unknown time zone %q (want an IANA name such as Europe/Zurich)", inc.TimeZone)
		}
		p.loc = loc
	}
	if fm.Milestones != nil {
		for _, name := range debrief.MilestoneNames {
			s := string(*fm.Milestones.field(name))
			if s == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, p.errf(lineOf("milestones", name), "front matter: milestone %s: cannot read time %q (want RFC 3339, 2021-08-26T10:22:00+02:00)", name, s)
			}
			inc.Milestones.Set(name, &t)
		}
	}
	inc.Commander = fm.Commander.person()
	for _, r := range fm.Responders {
		resp := debrief.Responder{Role: r.Role}
		resp.Person = r.Person.person()
		inc.Responders = append(inc.Responders, resp)
	}
	rep := &debrief.Report{Incident: inc}
	if r := fm.Retrospective; r != nil {
		retro := &debrief.Retrospective{
			Status:     debrief.RetrospectiveStatus(r.Status),
			Template:   r.Template,
			Restricted: r.Restricted,
		}
		if retro.Status != "" && !validRetroStatus(retro.Status) {
			return nil, p.errf(lineOf("retrospective", "status"), "front matter: unknown retrospective status %q", retro.Status)
		}
		retro.Writer = r.Writer.person()
		rep.Retrospective = retro
	}
	return rep, nil
}

// person returns the person read, nil for none or an empty one.
func (y *personYAML) person() *debrief.Person {
	if y == nil || y.p == nil || (y.p.Name == "" && y.p.Email == "" && y.p.Handle == "") {
		return nil
	}
	return y.p
}
