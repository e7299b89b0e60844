// Package lint reviews a retrospective against the habits of a good one
// (the domain guide's blame-aware language, an ordered and sourced
// timeline, concrete recommendations, a supported summary, the template's
// sections filled) and says, for each finding, where it is, why it matters
// and how to fix it. It reads a debrief.Report only: no store, no service,
// so the command line can lint files without a database.
package lint

import (
	"fmt"
	"sort"
	"strings"

	"github.com/debrief-oss/debrief"
)

// Severity is how much a finding matters. Errors make `debrief lint` exit
// with status 1 and ask the writer to confirm before sending for review.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
	// Off is only used in configuration: the rule does not run.
	Off Severity = "off"
)

func (s Severity) rank() int {
	switch s {
	case Error:
		return 3
	case Warning:
		return 2
	case Info:
		return 1
	}
	return 0
}

// Location says where a finding is. Section is a section key ("summary");
// Line is the line within that section's body (1-based, 0 for the whole
// section). Event and Action are ids when the report has them; EventIndex
// and ActionIndex (1-based) always say which one. FileLine is filled by
// the caller that knows the file (see Document.Locate).
type Location struct {
	Section     string `json:"section,omitempty"`
	Line        int    `json:"line,omitempty"`
	Event       int64  `json:"event_id,omitempty"`
	EventIndex  int    `json:"event_index,omitempty"`
	Action      int64  `json:"action_id,omitempty"`
	ActionIndex int    `json:"action_index,omitempty"`
	Field       string `json:"field,omitempty"`
	FileLine    int    `json:"file_line,omitempty"`
}

// String is the location as people read it: "summary line 3",
// "timeline event 4", "action 2 (owner)".
func (l Location) String() string {
	var parts []string
	if l.Section != "" {
		parts = append(parts, l.Section)
	}
	if l.Line > 0 {
		parts = append(parts, fmt.Sprintf("line %d", l.Line))
	}
	if l.EventIndex > 0 {
		parts = append(parts, fmt.Sprintf("event %d", l.EventIndex))
	}
	if l.ActionIndex > 0 {
		parts = append(parts, fmt.Sprintf("action %d", l.ActionIndex))
	}
	if l.Field != "" {
		parts = append(parts, "("+l.Field+")")
	}
	if len(parts) == 0 {
		return "retrospective"
	}
	return strings.Join(parts, " ")
}

// Finding is one thing the writer should look at.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Location Location `json:"location"`
	// Message says what was found, quoting the text when there is some.
	Message string `json:"message"`
	// Why and Fix come from the rule: why it matters, how to fix it.
	Why string `json:"why"`
	Fix string `json:"fix"`
}

// Rule is one check. Rules are registered once, in rules.go.
type Rule struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Summary  string   `json:"summary"`
	Why      string   `json:"why"`
	Fix      string   `json:"fix"`
	check    func(c *checker)
}

// Rules returns every registered rule, in id order.
func Rules() []*Rule {
	out := make([]*Rule, len(registry))
	copy(out, registry)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// RuleByID finds a registered rule.
func RuleByID(id string) *Rule {
	for _, r := range registry {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Lint checks one report with a configuration (nil: the defaults) and
// returns its findings ordered by place in the retrospective, then rule.
func Lint(rep *debrief.Report, cfg *Config) []Finding {
	if cfg == nil {
		cfg = &Config{}
	}
	c := newChecker(rep, cfg)
	for _, r := range registry {
		sev := cfg.severity(r)
		if sev == Off {
			continue
		}
		c.rule, c.sev = r, sev
		r.check(c)
	}
	c.sort()
	return dedupe(c.findings)
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Count returns how many findings there are at each severity.
func Count(fs []Finding) map[Severity]int {
	m := map[Severity]int{}
	for _, f := range fs {
		m[f.Severity]++
	}
	return m
}

// dedupe drops a finding that repeats the one before it at the same place
// (an action's description that repeats its title).
func dedupe(fs []Finding) []Finding {
	out := fs[:0]
	for _, f := range fs {
		if n := len(out); n > 0 {
			p := out[n-1]
			if p.Rule == f.Rule && p.Message == f.Message && p.Location.Section == f.Location.Section &&
				p.Location.EventIndex == f.Location.EventIndex && p.Location.ActionIndex == f.Location.ActionIndex {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}
