package lint

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// text is one piece of the writer's text the blame rules read, with where
// it is.
type text struct {
	loc   Location
	prose Prose
	lower string // prose.Masked, ASCII lower case
	// lines says whether findings in it carry a line within the text
	// (section bodies do; one-line fields do not).
	lines bool
}

// checker holds one run over one report.
type checker struct {
	rep      *debrief.Report
	cfg      *Config
	rule     *Rule
	sev      Severity
	findings []Finding
	tmpl     *debrief.Template
	people   *People
	texts    []text
	order    map[string]int // section key -> position, for sorting
	loc      *time.Location // the incident's zone, loaded once
	actKey   string         // the key of the section holding action items
}

func newChecker(rep *debrief.Report, cfg *Config) *checker {
	if rep.Incident == nil {
		rep.Incident = &debrief.Incident{}
	}
	if rep.Retrospective == nil {
		rep.Retrospective = &debrief.Retrospective{}
	}
	c := &checker{rep: rep, cfg: cfg, order: map[string]int{}, actKey: "recommendations"}
	c.tmpl = templateFor(rep.Retrospective.Template)
	c.loc = rep.Incident.Location()
	for i, s := range rep.Retrospective.Sections {
		c.order[s.Key] = i
		if s.Kind == debrief.SectionActions {
			c.actKey = s.Key
		}
	}
	if _, ok := c.order["timeline"]; !ok {
		c.order["timeline"] = len(c.order)
	}
	if _, ok := c.order[c.actKey]; !ok {
		c.order[c.actKey] = len(c.order)
	}
	// The people of this incident.
	var names, handles []string
	addP := func(p *debrief.Person) {
		if p != nil {
			names = append(names, p.Name)
			handles = append(handles, p.Handle)
		}
	}
	addP(rep.Incident.Commander)
	for _, r := range rep.Incident.Responders {
		addP(r.Person)
	}
	addP(rep.Retrospective.Writer)
	for _, a := range rep.Actions {
		addP(a.Owner)
	}
	c.people = NewPeople(names, handles, cfg.Words.People)

	// The texts: section titles and bodies, events written by people
	// (not chat messages, alerts or pages: those are quoted), action items.
	for _, s := range rep.Retrospective.Sections {
		if s.Title != "" {
			c.texts = append(c.texts, text{loc: Location{Section: s.Key, Field: "title"}, prose: c.mask(s.Title)})
		}
		if strings.TrimSpace(s.Body) != "" {
			c.texts = append(c.texts, text{loc: Location{Section: s.Key}, prose: c.mask(s.Body), lines: true})
		}
	}
	for i, e := range rep.Events {
		if e.Kind == debrief.EventMessage || e.Kind == debrief.EventAlert || e.Kind == debrief.EventPage {
			continue
		}
		c.texts = append(c.texts, text{loc: c.eventLoc(i), prose: c.mask(e.Text)})
	}
	for i, a := range rep.Actions {
		for _, f := range []struct{ name, v string }{{"title", a.Title}, {"description", a.Description}, {"definition_of_done", a.DefinitionOfDone}, {"drop_reason", a.DropReason}} {
			if strings.TrimSpace(f.v) != "" {
				l := c.actionLoc(i)
				l.Field = f.name
				c.texts = append(c.texts, text{loc: l, prose: c.mask(f.v), lines: f.name == "description"})
			}
		}
	}
	for i := range c.texts {
		c.texts[i].lower = lowerASCII(c.texts[i].prose.Masked)
	}
	return c
}

// mask masks a text and blanks the phrases the team allows.
func (c *checker) mask(s string) Prose {
	p := NewProse(s)
	if len(c.cfg.allowRe) > 0 {
		b := []byte(p.Masked)
		for _, re := range c.cfg.allowRe {
			for _, m := range re.FindAllStringIndex(p.Masked, -1) {
				for x := m[0]; x < m[1]; x++ {
					if b[x] != '\n' {
						b[x] = ' '
					}
				}
			}
		}
		p.Masked = string(b)
	}
	return p
}

func (c *checker) eventLoc(i int) Location {
	return Location{Section: "timeline", Event: c.rep.Events[i].ID, EventIndex: i + 1}
}

func (c *checker) actionLoc(i int) Location {
	return Location{Section: c.actKey, Action: c.rep.Actions[i].ID, ActionIndex: i + 1}
}

// add records a finding of the current rule.
func (c *checker) add(loc Location, format string, args ...any) {
	c.findings = append(c.findings, Finding{
		Rule: c.rule.ID, Severity: c.sev, Location: loc,
		Message: fmt.Sprintf(format, args...), Why: c.rule.Why, Fix: c.rule.Fix,
	})
}

// addAt records a finding at an offset of a text.
func (c *checker) addAt(t text, i, j int, format string, args ...any) {
	loc := t.loc
	if t.lines {
		loc.Line = LineOf(t.prose.Text, i)
	}
	c.add(loc, "%s: %q", fmt.Sprintf(format, args...), snippet(t.prose.Text, i, j))
}

func (c *checker) sort() {
	sort.SliceStable(c.findings, func(i, j int) bool {
		a, b := c.findings[i].Location, c.findings[j].Location
		if a.Section != b.Section {
			oa, okA := c.order[a.Section]
			ob, okB := c.order[b.Section]
			if !okA {
				oa = 1 << 20
			}
			if !okB {
				ob = 1 << 20
			}
			if a.Section == "" {
				oa = -1
			}
			if b.Section == "" {
				ob = -1
			}
			if oa != ob {
				return oa < ob
			}
			return a.Section < b.Section
		}
		if a.EventIndex != b.EventIndex {
			return a.EventIndex < b.EventIndex
		}
		if a.ActionIndex != b.ActionIndex {
			return a.ActionIndex < b.ActionIndex
		}
		if a.Field != b.Field {
			return a.Field == "title"
		}
		return a.Line < b.Line
	})
}

// templateFor finds a built-in template by name; the default otherwise.
func templateFor(name string) *debrief.Template {
	for i := range debrief.BuiltinTemplates {
		if debrief.BuiltinTemplates[i].Name == name {
			return &debrief.BuiltinTemplates[i]
		}
	}
	return &debrief.DefaultTemplate
}

// section finds a section of the report by key.
func (c *checker) section(key string) *debrief.Section {
	return c.rep.Retrospective.Section(key)
}
