package lint

import (
	"regexp"
	"strings"

	"github.com/debrief-oss/debrief"
)

// open reports whether an action item still needs doing: done and dropped
// ones need no owner or date any more.
func open(a *debrief.Action) bool {
	return a.Status != debrief.ActionDone && a.Status != debrief.ActionDropped
}

func checkRecOwner(c *checker) {
	for i, a := range c.rep.Actions {
		if open(a) && a.OwnerID == nil && (a.Owner == nil || (a.Owner.Name == "" && a.Owner.Handle == "" && a.Owner.Email == "")) {
			l := c.actionLoc(i)
			l.Field = "owner"
			c.add(l, "%q has no owner", short(a.Title))
		}
	}
}

func checkRecDate(c *checker) {
	for i, a := range c.rep.Actions {
		if open(a) && strings.TrimSpace(a.DueDate) == "" {
			l := c.actionLoc(i)
			l.Field = "due_date"
			c.add(l, "%q has no date", short(a.Title))
		}
	}
}

func checkRecDone(c *checker) {
	for i, a := range c.rep.Actions {
		if open(a) && strings.TrimSpace(a.DefinitionOfDone) == "" {
			l := c.actionLoc(i)
			l.Field = "definition_of_done"
			c.add(l, "%q does not say when it is done", short(a.Title))
		}
	}
}

func checkRecDropReason(c *checker) {
	for i, a := range c.rep.Actions {
		if a.Status == debrief.ActionDropped && strings.TrimSpace(a.DropReason) == "" {
			l := c.actionLoc(i)
			l.Field = "drop_reason"
			c.add(l, "%q was dropped without a reason", short(a.Title))
		}
	}
}

func checkRecNone(c *checker) {
	for _, s := range c.tmpl.Sections {
		if s.Kind == debrief.SectionActions && !s.Optional {
			if len(c.rep.Actions) == 0 {
				c.add(Location{Section: c.actKey}, "no recommendations: say what will change, or record the decision not to act")
			}
			return
		}
	}
}

// vagueVerbs start a recommendation that names no change yet.
var vagueVerbs = []string{
	"improve", "investigate", "look into", "looking into", "consider", "review", "revisit", "explore",
	"evaluate", "assess", "think about", "discuss", "check", "monitor", "ensure", "make sure",
	"try to", "be more careful", "be careful", "be aware", "better", "enhance", "optimize",
	"optimise", "reconsider", "research", "analyse", "analyze", "follow up on", "follow up",
	"address", "work on", "fix", "clean up", "increase awareness",
}

var (
	vagueRe     *regexp.Regexp
	concreteRe  = regexp.MustCompile("[0-9`/@#]|https?:|\\.[a-z]{2,}\\b|[A-Z]{2,}|\\b[a-z]+[A-Z]|\\b[A-Z][a-z]+[A-Z]|\\bto\\s+(?:\\w+\\s+){0,3}(?:when|before|after|within|under|over|below|above|per|every|each|at\\s+least|no\\s+more)\\b")
	wordRe      = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}'’-]*`)
	stopWordSet = map[string]bool{
		"the": true, "a": true, "an": true, "our": true, "we": true, "and": true, "or": true,
		"of": true, "to": true, "for": true, "in": true, "on": true, "with": true, "how": true,
		"why": true, "what": true, "if": true, "it": true, "this": true, "that": true, "more": true,
		"all": true, "be": true, "is": true, "are": true, "its": true, "their": true, "general": true,
		"overall": true, "things": true, "stuff": true, "process": true, "processes": true,
		"better": true, "possible": true, "options": true, "ways": true, "way": true, "further": true,
		"again": true, "around": true, "issue": true, "issues": true, "problem": true, "situation": true,
		"incident": true, "careful": true, "aware": true, "when": true, "where": true, "can": true,
	}
)

func init() {
	vagueRe = verbRe(vagueVerbs)
}

// verbRe matches a recommendation that starts with one of the verbs.
func verbRe(verbs []string) *regexp.Regexp {
	q := make([]string, len(verbs))
	for i, v := range verbs {
		q[i] = strings.ReplaceAll(regexp.QuoteMeta(v), " ", `\s+`)
	}
	return regexp.MustCompile(`(?i)^\W*(?:we\s+(?:should|must|will|need\s+to)\s+|(?:should|must|need\s+to)\s+)?(` + strings.Join(q, "|") + `)\b`)
}

// vague reports whether a recommendation starts with a vague verb and
// its object names nothing concrete: no more than two content words, no
// number, name, code, link or condition. It returns the verb.
func vague(s string, re *regexp.Regexp) (string, bool) {
	s = strings.TrimSpace(s)
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return "", false
	}
	verb := s[m[2]:m[3]]
	rest := s[m[1]:]
	if i := strings.IndexAny(rest, ".:;\n"); i >= 0 {
		rest = rest[:i]
	}
	if concreteRe.MatchString(rest) {
		return "", false
	}
	n := 0
	for _, w := range wordRe.FindAllString(rest, -1) {
		if !stopWordSet[strings.ToLower(w)] {
			n++
		}
	}
	return verb, n <= 2
}

func checkRecVague(c *checker) {
	re := vagueRe
	if c.cfg.vagueRe != nil {
		re = c.cfg.vagueRe
	}
	for i, a := range c.rep.Actions {
		if !open(a) {
			continue
		}
		if verb, ok := vague(a.Title, re); ok {
			l := c.actionLoc(i)
			l.Field = "title"
			c.add(l, "%q: %q names no concrete change", short(a.Title), verb)
		}
	}
}

func short(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 80 {
		cut := 77
		for cut > 0 && !startOfRune(s, cut) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
