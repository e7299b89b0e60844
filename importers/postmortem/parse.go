// Package postmortem reads postmortems written the way people write them
// (Markdown with headings, timelines as tables or lists, action items)
// into a Draft that Debrief can import. It does not read Debrief's own
// interchange format; that has its own package.
package postmortem

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
)

// MaxSize is the largest file Parse accepts.
const MaxSize = 2 << 20

// Options controls how a postmortem is read.
type Options struct {
	// Zone is used for times when the text names no zone (--timezone).
	// Nil means UTC.
	Zone *time.Location
	// Now is the time of the import; it is only used as a last resort
	// for the year of dates written without one.
	Now time.Time
}

// Warning is something the reader should check: a guess Parse made.
type Warning struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// IncidentFields are the incident's fields found in the text.
type IncidentFields struct {
	Severity   string             `json:"severity,omitempty"`
	Services   []string           `json:"services,omitempty"`
	Milestones debrief.Milestones `json:"milestones"`
}

// Draft is one parsed postmortem, not yet stored.
type Draft struct {
	Name     string           `json:"name"`
	Title    string           `json:"title"`
	Incident IncidentFields   `json:"incident"`
	Sections []Section        `json:"sections"`
	Events   []debrief.Event  `json:"events"`
	Actions  []debrief.Action `json:"actions"`
	// Factors are the contributing factors read from a "Root cause" or
	// "Contributing factors" section (see factors.go).
	Factors []debrief.AnalysisItem `json:"factors"`
	// Zone is the zone the times were read in, as stated or assumed.
	Zone     string    `json:"zone"`
	Warnings []Warning `json:"warnings"`
}

// Error is a file Parse could not read.
type Error struct {
	Name string
	Line int // 0 when the error is about the whole file
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg)
	}
	return e.Name + ": " + e.Msg
}

type parser struct {
	name  string
	opts  Options
	lines []string
	d     *Draft
	fm    []fmLine
	// ranges holds, per section key, the line ranges [start, end) of its bodies.
	ranges map[string][][2]int
	// docDate is a "Date:" found in the text, and its line.
	docDate     stamp
	docDateLine int
	warnedOrder bool
	byKey       map[string]int
	merged      map[int][]string
}

// fmLine is a front matter line and its index.
type fmLine struct {
	i    int
	text string
}

func (p *parser) warn(line int, format string, args ...any) {
	p.d.Warnings = append(p.d.Warnings, Warning{Line: line, Message: fmt.Sprintf(format, args...)})
}

// Parse reads one postmortem. name is the file name, used in errors and
// as a source of the date and title when the text lacks them.
func Parse(name string, content []byte, opts Options) (*Draft, error) {
	if opts.Zone == nil {
		opts.Zone = time.UTC
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if len(content) > MaxSize {
		return nil, &Error{Name: name, Msg: fmt.Sprintf("file is %d bytes, over the %d byte limit", len(content), MaxSize)}
	}
	content = bytes.TrimPrefix(content, []byte("\xef\xbb\xbf"))
	if i := bytes.IndexByte(content, 0); i >= 0 {
		return nil, &Error{Name: name, Line: 1 + bytes.Count(content[:i], []byte("\n")), Msg: "binary file (NUL byte), not a Markdown postmortem"}
	}
	if !utf8.Valid(content) {
		line := 1
		for i := 0; i < len(content); {
			r, size := utf8.DecodeRune(content[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			if r == '\n' {
				line++
			}
			i += size
		}
		return nil, &Error{Name: name, Line: line, Msg: "text is not valid UTF-8"}
	}
	text := strings.ReplaceAll(string(content), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	p := &parser{name: name, opts: opts, lines: strings.Split(text, "\n"), d: &Draft{Name: name}, ranges: map[string][][2]int{}, byKey: map[string]int{}, merged: map[int][]string{}}
	p.frontMatter()
	hs := findHeadings(p.lines)
	if len(hs) == 0 {
		return nil, &Error{Name: name, Msg: "no headings: this does not look like a postmortem"}
	}
	p.sections(hs)
	p.finishSections()
	p.metadata()
	p.timeline()
	p.actions()
	p.stats()
	if p.d.Events == nil {
		p.d.Events = []debrief.Event{}
	}
	if p.d.Actions == nil {
		p.d.Actions = []debrief.Action{}
	}
	if p.d.Warnings == nil {
		p.d.Warnings = []Warning{}
	}
	sort.SliceStable(p.d.Warnings, func(i, j int) bool { return p.d.Warnings[i].Line < p.d.Warnings[j].Line })
	return p.d, nil
}

var fmKeyRe = regexp.MustCompile(`^([A-Za-z_ -]+):\s*(.*)$`)

// frontMatter reads a YAML front matter block some tools put at the top
// (title, date, severity) and blanks it so it is not read as text.
func (p *parser) frontMatter() {
	if len(p.lines) < 2 || strings.TrimSpace(p.lines[0]) != "---" {
		return
	}
	end := -1
	for i := 1; i < len(p.lines) && i < 200; i++ {
		if t := strings.TrimSpace(p.lines[i]); t == "---" || t == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		return
	}
	for i := 1; i < end; i++ {
		if m := fmKeyRe.FindStringSubmatch(p.lines[i]); m != nil {
			v := strings.Trim(strings.TrimSpace(m[2]), `"'`)
			switch strings.ToLower(strings.TrimSpace(m[1])) {
			case "title":
				p.d.Title = v
			default:
				// Other keys are read like metadata lines below.
				continue
			}
		}
	}
	for i := 0; i <= end; i++ {
		if i > 0 && i < end {
			p.fm = append(p.fm, fmLine{i, p.lines[i]})
		}
		p.lines[i] = ""
	}
}

// sections splits the document at its headings.
func (p *parser) sections(hs []heading) {
	// The title is the first level-1 heading when it comes before any
	// other heading; otherwise the file name.
	titleLine := -1
	if hs[0].level == 1 {
		if p.d.Title == "" {
			p.d.Title = cleanInline(hs[0].text)
		}
		titleLine = hs[0].line
		if hs[0].setext {
			titleLine++
		}
		hs = hs[1:]
	}
	if p.d.Title == "" {
		base := filepath.Base(p.name)
		p.d.Title = strings.TrimSuffix(base, filepath.Ext(base))
		if p.d.Title == "" {
			p.d.Title = "Imported postmortem"
		}
	}
	// The section level is the level of the first heading after the
	// title: headings at that level or above start sections; deeper ones
	// stay in their section unless they name a known section of their own.
	level := 0
	for _, h := range hs {
		if h.level > 0 {
			level = h.level
			break
		}
	}
	if level == 0 {
		level = 2
	}
	startBody := titleLine + 1
	if len(hs) > 0 {
		pre := strings.TrimSpace(strings.Join(p.lines[startBody:hs[0].line], "\n"))
		if pre != "" {
			// Text before the first heading is the summary, unless a
			// later heading is one; then it is kept as "Details".
			sec := Section{Key: "summary", Title: "Summary", Line: startBody + 1}
			for _, h := range hs {
				if k, _ := sectionKey(h.text); k == "summary" {
					sec = Section{Key: "details", Title: "Details", Line: startBody + 1, Custom: true}
					break
				}
			}
			p.addSection(sec, pre)
			p.ranges[sec.Key] = append(p.ranges[sec.Key], [2]int{startBody, hs[0].line})
		}
	} else {
		body := strings.TrimSpace(strings.Join(p.lines[startBody:], "\n"))
		if body != "" {
			p.addSection(Section{Key: "summary", Title: "Summary", Line: startBody + 1}, body)
		}
		return
	}
	var cur *Section
	var curStart int
	flush := func(end int) {
		if cur != nil {
			p.addSection(*cur, strings.Join(p.lines[curStart:end], "\n"))
			p.ranges[cur.Key] = append(p.ranges[cur.Key], [2]int{curStart, end})
		}
	}
	for i, h := range hs {
		key, known := sectionKey(h.text)
		lvl := h.level
		if lvl == 0 {
			lvl = level
		}
		if lvl > level && cur != nil {
			// A sub-heading: its own section only when it names a known
			// section other than the current one, and not inside a
			// timeline (where sub-headings are days or phases).
			if !known || key == cur.Key || cur.Key == "timeline" {
				continue
			}
		}
		flush(h.line)
		cur = &Section{Key: key, Title: cleanInline(h.text), Line: h.line + 1, Custom: !standardKeys[key]}
		if cur.Title == "" {
			cur.Title = "Untitled"
		}
		curStart = h.line + 1
		if h.setext {
			curStart++
		}
		_ = i
	}
	flush(len(p.lines))
}

// addSection adds a section, merging it into an earlier one with the same
// key (a "Trigger" after a "Root cause") under a sub-heading of its title.
func (p *parser) addSection(s Section, body string) {
	s.Body = strings.TrimSpace(body)
	p.d.Factors = append(p.d.Factors, factorsOf(s.Title, s.Body)...)
	if i, ok := p.byKey[s.Key]; ok {
		o := &p.d.Sections[i]
		p.merged[i] = append(p.merged[i], "### "+s.Title+"\n\n"+s.Body)
		p.warn(s.Line, "section %q merged into %q (same meaning)", s.Title, o.Title)
		return
	}
	p.byKey[s.Key] = len(p.d.Sections)
	p.d.Sections = append(p.d.Sections, s)
}

// finishSections appends the bodies of merged sections to the sections
// they were merged into.
func (p *parser) finishSections() {
	for i, parts := range p.merged {
		s := &p.d.Sections[i]
		s.Body = strings.TrimSpace(s.Body + "\n\n" + strings.Join(parts, "\n\n"))
	}
}

var (
	mdLinkRe  = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)`)
	refLinkRe = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
)

// cleanInline removes inline Markdown emphasis and links, keeping text.
func cleanInline(s string) string {
	s = mdLinkRe.ReplaceAllString(s, "$1")
	s = refLinkRe.ReplaceAllString(s, "$1")
	s = strings.NewReplacer("**", "", "__", "", "`", "").Replace(s)
	return strings.TrimSpace(s)
}

func itoa(n int) string { return fmt.Sprint(n) }

func atoiSafe(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
		if n > 1e6 {
			break
		}
	}
	return n
}
