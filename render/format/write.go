package format

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/debrief-oss/debrief"
)

type frontMatter struct {
	Format        string          `yaml:"format"`
	ID            int64           `yaml:"id,omitempty"`
	Title         string          `yaml:"title"`
	Severity      string          `yaml:"severity,omitempty"`
	Type          string          `yaml:"type,omitempty"`
	Status        string          `yaml:"status,omitempty"`
	Team          string          `yaml:"team,omitempty"`
	Visibility    string          `yaml:"visibility,omitempty"`
	Services      []string        `yaml:"services,flow,omitempty"`
	TimeZone      string          `yaml:"time_zone,omitempty"`
	Milestones    *milestonesYAML `yaml:"milestones,omitempty"`
	Commander     *personYAML     `yaml:"commander,omitempty"`
	Responders    []responderYAML `yaml:"responders,omitempty"`
	Retrospective *retroYAML      `yaml:"retrospective,omitempty"`
}

type milestonesYAML struct {
	Started      stamp `yaml:"started,omitempty"`
	Detected     stamp `yaml:"detected,omitempty"`
	Acknowledged stamp `yaml:"acknowledged,omitempty"`
	Declared     stamp `yaml:"declared,omitempty"`
	Mitigated    stamp `yaml:"mitigated,omitempty"`
	Resolved     stamp `yaml:"resolved,omitempty"`
}

// stamp is a milestone as written: RFC 3339 with the zone's offset, written
// as a plain YAML timestamp (no quotes), read as text so that the reader
// reports its own errors.
type stamp string

func (s stamp) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: string(s)}, nil
}

func (m *milestonesYAML) field(name string) *stamp {
	switch name {
	case "started":
		return &m.Started
	case "detected":
		return &m.Detected
	case "acknowledged":
		return &m.Acknowledged
	case "declared":
		return &m.Declared
	case "mitigated":
		return &m.Mitigated
	case "resolved":
		return &m.Resolved
	}
	return nil
}

type responderYAML struct {
	Person *personYAML `yaml:"person,omitempty"`
	Role   string      `yaml:"role,omitempty"`
}

type retroYAML struct {
	Status     string      `yaml:"status,omitempty"`
	Template   string      `yaml:"template,omitempty"`
	Writer     *personYAML `yaml:"writer,omitempty"`
	Restricted bool        `yaml:"restricted,omitempty"`
}

func personPtr(p *debrief.Person) *personYAML {
	if p == nil || (p.Name == "" && p.Email == "" && p.Handle == "") {
		return nil
	}
	return &personYAML{p}
}

// Write writes rep in Debrief's interchange format. It fails on what the
// format cannot hold: a title or section title of more than one line, a
// section key that is not a word, a report without an incident.
func Write(w io.Writer, rep *debrief.Report) error {
	if rep == nil || rep.Incident == nil {
		return errors.New("format: report without an incident")
	}
	inc, retro := rep.Incident, rep.Retrospective
	loc := inc.Location()
	if strings.ContainsAny(inc.Title, "\n\r") {
		return errors.New("format: incident title has more than one line")
	}

	fm := frontMatter{
		Format:     Version,
		ID:         inc.ID,
		Title:      inc.Title,
		Severity:   inc.Severity,
		Type:       inc.Type,
		Status:     string(inc.Status),
		Team:       inc.Team,
		Visibility: string(inc.Visibility),
		Services:   inc.Services,
		TimeZone:   inc.TimeZone,
		Commander:  personPtr(inc.Commander),
	}
	var ms milestonesYAML
	anyMS := false
	for _, name := range debrief.MilestoneNames {
		if t := inc.Milestones.Get(name); t != nil {
			*ms.field(name) = stamp(t.In(loc).Format(time.RFC3339Nano))
			anyMS = true
		}
	}
	if anyMS {
		fm.Milestones = &ms
	}
	for _, r := range inc.Responders {
		fm.Responders = append(fm.Responders, responderYAML{Person: personPtr(r.Person), Role: r.Role})
	}
	if retro != nil {
		fm.Retrospective = &retroYAML{
			Status:     string(retro.Status),
			Template:   retro.Template,
			Writer:     personPtr(retro.Writer),
			Restricted: retro.Restricted,
		}
	}
	var yb bytes.Buffer
	enc := yaml.NewEncoder(&yb)
	enc.SetIndent(2)
	if err := enc.Encode(&fm); err != nil {
		return fmt.Errorf("format: front matter: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("format: front matter: %w", err)
	}

	bw := bufio.NewWriter(w)
	bw.WriteString("---\n")
	bw.Write(yb.Bytes())
	bw.WriteString("---\n\n")
	bw.WriteString(heading("#", canonLine(inc.Title)))

	var sections []*debrief.Section
	if retro != nil {
		sections = retro.Sections
	}
	wroteEvents, wroteActions, wroteAnalysis := false, false, false
	for _, s := range sections {
		if !keyRE.MatchString(s.Key) {
			return fmt.Errorf("format: section key %q is not a word", s.Key)
		}
		if strings.Contains(s.Title, "\n") {
			return fmt.Errorf("format: section %s: title has more than one line", s.Key)
		}
		kind := s.Kind
		if kind == "" {
			kind = debrief.SectionText
		}
		if !validKind(kind) {
			return fmt.Errorf("format: section %s: unknown kind %q", s.Key, s.Kind)
		}
		marker := sectionMarker + " " + s.Key
		if kind != debrief.SectionText {
			marker += " kind=" + kind
		}
		if s.Optional {
			marker += " optional"
		}
		bw.WriteString(marker + " -->\n")
		bw.WriteString(heading("##", canonLine(s.Title)))
		writeBody(bw, s.Body)
		switch {
		case kind == debrief.SectionTimeline && !wroteEvents:
			wroteEvents = true
			writeEvents(bw, rep.Events, loc, "")
		case kind == debrief.SectionActions && !wroteActions:
			wroteActions = true
			if err := writeActions(bw, rep.Actions, loc, ""); err != nil {
				return err
			}
		}
		if s.Key == analysisSection && !wroteAnalysis && hasAnalysis(rep) {
			wroteAnalysis = true
			if err := writeAnalysis(bw, rep, ""); err != nil {
				return err
			}
		}
	}
	// Without a timeline or actions section the events and the action
	// items are still written, at the end, so nothing is lost.
	if !wroteEvents && len(rep.Events) > 0 {
		writeEvents(bw, rep.Events, loc, "## Timeline\n\n")
	}
	if !wroteActions && len(rep.Actions) > 0 {
		if err := writeActions(bw, rep.Actions, loc, "## Action items\n\n"); err != nil {
			return err
		}
	}
	if !wroteAnalysis && hasAnalysis(rep) {
		if err := writeAnalysis(bw, rep, "## Analysis items\n\n"); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func heading(level, title string) string {
	if title == "" {
		return level + "\n\n"
	}
	return level + " " + title + "\n\n"
}

// writeBody writes a section body verbatim but for lines that would read as
// markers, which get one more leading backslash.
func writeBody(bw *bufio.Writer, body string) {
	body = canonText(body)
	if body == "" {
		return
	}
	for _, line := range strings.Split(body, "\n") {
		if markerLike(line) {
			bw.WriteString(`\`)
		}
		bw.WriteString(line)
		bw.WriteString("\n")
	}
	bw.WriteString("\n")
}

func writeEvents(bw *bufio.Writer, events []*debrief.Event, loc *time.Location, head string) {
	bw.WriteString(eventsMarker + "\n")
	bw.WriteString(head)
	for _, ev := range events {
		lines := strings.Split(canonField(ev.Text), "\n")
		bw.WriteString("- " + formatEventTime(ev.At, loc) + " —")
		if lines[0] != "" {
			bw.WriteString(" " + lines[0])
		}
		if a := eventAttrs(ev); a != "" || strings.HasSuffix(lines[0], "}") {
			bw.WriteString(" {" + a + "}")
		}
		bw.WriteString("\n")
		writeIndented(bw, lines[1:], "  ")
	}
	if len(events) > 0 {
		bw.WriteString("\n")
	}
}

func writeIndented(bw *bufio.Writer, lines []string, indent string) {
	for _, l := range lines {
		if l != "" {
			bw.WriteString(indent + l)
		}
		bw.WriteString("\n")
	}
}

// bareValue says whether an attribute value needs no quotes.
func bareValue(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.:/@+-", r)) {
			return false
		}
	}
	return true
}

func attrValue(s string) string {
	if bareValue(s) {
		return s
	}
	return strconv.Quote(s)
}

func urlValue(s string) string {
	if s != "" && !strings.ContainsAny(s, "<>\" \t\n\r{}") {
		return "<" + s + ">"
	}
	return strconv.Quote(s)
}

func eventAttrs(ev *debrief.Event) string {
	var a []string
	if ev.Kind != "" {
		a = append(a, "kind="+attrValue(ev.Kind))
	}
	if ev.Source != "" {
		a = append(a, "source="+attrValue(ev.Source))
	}
	if ev.Author != "" {
		a = append(a, "author="+attrValue(ev.Author))
	}
	if ev.URL != "" {
		a = append(a, "url="+urlValue(ev.URL))
	}
	// The evidence fields (docs/format.md): the id in the source, the
	// alert's key, the phase tag and the other sources' merged copies.
	if ev.OriginalID != "" {
		a = append(a, "original_id="+attrValue(ev.OriginalID))
	}
	if ev.AlertKey != "" {
		a = append(a, "alert_key="+attrValue(ev.AlertKey))
	}
	if ev.Tag != "" {
		a = append(a, "tag="+attrValue(ev.Tag))
	}
	if len(ev.Refs) > 0 {
		a = append(a, "refs="+refsJSON(ev.Refs))
	}
	if ev.Starred {
		a = append(a, "starred")
	}
	if ev.Hidden {
		a = append(a, "hidden")
	}
	return strings.Join(a, " ")
}

func writeActions(bw *bufio.Writer, actions []*debrief.Action, loc *time.Location, head string) error {
	bw.WriteString(actionsMarker + "\n")
	bw.WriteString(head)
	for _, a := range actions {
		title := canonField(a.Title)
		if strings.Contains(title, "\n") {
			return fmt.Errorf("format: action %q: title has more than one line", title)
		}
		box := "- [ ]"
		if a.Status == debrief.ActionDone {
			box = "- [x]"
		}
		if title != "" {
			box += " " + title
		}
		bw.WriteString(box + "\n")
		if a.Owner != nil {
			s, err := personLine(a.Owner)
			if err != nil {
				return fmt.Errorf("format: action %q: owner: %w", title, err)
			}
			field(bw, "owner", s)
		}
		field(bw, "priority", a.Priority)
		field(bw, "due", a.DueDate)
		switch a.Status {
		case debrief.ActionDone:
		case "":
			field(bw, "status", string(debrief.ActionProposed))
		default:
			field(bw, "status", string(a.Status))
		}
		field(bw, "ticket", a.TicketURL)
		field(bw, "ticket key", a.TicketKey)
		field(bw, "done when", a.DefinitionOfDone)
		field(bw, "drop reason", a.DropReason)
		field(bw, "dropped by", a.DroppedBy)
		if a.VerifiedAt != nil {
			field(bw, "verified", a.VerifiedAt.In(loc).Format(time.RFC3339Nano))
		}
		field(bw, "verified by", a.VerifiedBy)
		field(bw, "verified note", a.VerifiedNote)
		field(bw, "addresses", strings.Join(a.Addresses, ", "))
		field(bw, "description", a.Description)
	}
	if len(actions) > 0 {
		bw.WriteString("\n")
	}
	return nil
}

// field writes "  name: value", or for a value of several lines "  name:"
// and the lines indented by four spaces.
func field(bw *bufio.Writer, name, value string) {
	value = canonField(value)
	if value == "" {
		return
	}
	if !strings.Contains(value, "\n") {
		bw.WriteString("  " + name + ": " + value + "\n")
		return
	}
	bw.WriteString("  " + name + ":\n")
	writeIndented(bw, strings.Split(value, "\n"), "    ")
}
