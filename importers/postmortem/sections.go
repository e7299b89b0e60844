package postmortem

import (
	"regexp"
	"strings"

	"github.com/debrief-oss/debrief"
)

// Section is one part of the write-up under its heading.
type Section struct {
	// Key is Debrief's template key when the heading means the same as
	// one ("analysis" for "Root cause"), otherwise a slug of the heading.
	Key   string `json:"key"`
	Title string `json:"title"`
	// Body is the Markdown under the heading, without the heading.
	Body string `json:"body"`
	// Line is the line of the heading, 0 for text before any heading.
	Line int `json:"line"`
	// Custom is true when Key is not one of Debrief's template keys.
	Custom bool `json:"custom"`
}

// Debrief's default template keys, and the custom keys given to
// headings that have a common meaning but no template section.
var standardKeys = map[string]bool{
	"summary": true, "impact": true, "timeline": true, "went_well": true,
	"could_be_better": true, "did_not_happen": true, "analysis": true,
	"recommendations": true, "lessons": true, "detection": true, "resolution": true,
}

// synonyms maps normalised headings to keys. Checked in order; the first
// rule whose phrase the heading equals, or starts with, wins.
var synonyms = []struct {
	key     string
	phrases []string
}{
	{"went_well", []string{"what went well", "things that went well", "went well", "what worked", "what worked well", "the good"}},
	{"lucky", []string{"where we got lucky", "we got lucky", "got lucky", "lucky", "luck"}},
	{"could_be_better", []string{"what went wrong", "what could have been done better", "what could be done better", "what could have gone better", "what could be improved", "things that went wrong", "what didn't go well", "what did not go well", "went wrong", "could be better", "opportunities for improvement", "areas for improvement", "the bad", "what needs improvement"}},
	{"did_not_happen", []string{"what did not happen", "what didn't happen", "did not happen"}},
	{"lessons", []string{"lessons learned", "lessons learnt", "lessons", "learnings", "takeaways", "key takeaways"}},
	{"recommendations", []string{"action items", "actions items", "action item", "actions", "remediation", "remediations", "corrective actions", "corrective and preventative actions", "corrective and preventative measures", "corrective and preventive measures", "preventive measures", "preventive actions", "preventative actions", "follow-ups", "follow ups", "followups", "follow-up", "follow up", "next steps", "recommendations", "todo", "to do", "tasks"}},
	{"analysis", []string{"root cause analysis", "root causes", "what caused the incident", "contributing conditions", "contributing conditions analysis", "root cause", "trigger", "triggers", "contributing factors", "contributing factor", "causes", "cause", "analysis", "why it happened", "5 whys", "five whys", "technical analysis", "investigation"}},
	{"timeline", []string{"timeline", "detailed timeline", "incident timeline", "key events", "chronology", "sequence of events", "timeline of events", "events"}},
	{"summary", []string{"summary", "executive summary", "incident summary", "issue summary", "overview", "tl;dr", "tldr", "description", "incident description", "background"}},
	{"impact", []string{"impact", "customer impact", "user impact", "affected users", "business impact", "impact assessment", "scope"}},
	{"detection", []string{"detection", "how was it detected", "how it was detected", "discovery"}},
	{"resolution", []string{"resolution", "recovery", "mitigation", "resolution and recovery", "fix", "response", "remediation steps"}},
}

var (
	headingNumRe = regexp.MustCompile(`^(?:\d+(?:\.\d+)*[.)]?|[ivx]+\.|[a-z]\))\s+`)
	parenTailRe  = regexp.MustCompile(`\s*[(\[].*[)\]]\s*$`)
	spacesRe     = regexp.MustCompile(`\s+`)
)

// normHeading lower-cases a heading and strips numbering, emphasis,
// trailing punctuation and a trailing parenthesis ("(findings)").
func normHeading(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.NewReplacer("*", "", "_", " ", "`", "", "’", "'").Replace(h)
	h = headingNumRe.ReplaceAllString(h, "")
	h = parenTailRe.ReplaceAllString(h, "")
	h = strings.TrimRight(h, ":?.! ")
	h = strings.TrimLeft(h, "#-–— ")
	return spacesRe.ReplaceAllString(strings.TrimSpace(h), " ")
}

// sectionKey returns the key for a heading and whether it is a known one.
func sectionKey(heading string) (string, bool) {
	n := normHeading(heading)
	if n == "" {
		return "section", false
	}
	for _, r := range synonyms {
		for _, p := range r.phrases {
			if n == p {
				return r.key, true
			}
		}
	}
	for _, r := range synonyms {
		for _, p := range r.phrases {
			if len(p) > 4 && strings.HasPrefix(n, p+" ") {
				return r.key, true
			}
		}
	}
	s := debrief.Slug(n, 60)
	s = strings.ReplaceAll(s, "-", "_")
	if s == "" {
		s = "section"
	}
	return s, false
}

// heading is an ATX heading found in the document.
type heading struct {
	line  int // index into lines
	level int
	text  string
	// setext headings take two lines: the text and its underline.
	setext bool
}

var atxRe = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
var boldHeadingRe = regexp.MustCompile(`^\s*(?:\*\*|__)([^*_]{2,60}?):?(?:\*\*|__):?\s*$`)

// findHeadings lists the headings outside fenced code blocks. A line that
// is only bold text naming a known section ("**Impact**") counts as a
// heading of level 0, to be placed at the section level later.
func findHeadings(lines []string) []heading {
	var hs []heading
	fence := ""
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			continue
		}
		if m := atxRe.FindStringSubmatch(l); m != nil {
			hs = append(hs, heading{line: i, level: len(m[1]), text: strings.TrimSpace(m[2])})
			continue
		}
		// Setext headings: a text line underlined with === or ---.
		if i > 0 && len(t) >= 3 && (strings.Trim(t, "=") == "" || (strings.Trim(t, "-") == "" && len(t) >= 3)) {
			prev := strings.TrimSpace(lines[i-1])
			if prev != "" && !strings.HasPrefix(prev, "|") && !strings.HasPrefix(prev, "-") && !strings.HasPrefix(prev, "*") &&
				(i < 2 || strings.TrimSpace(lines[i-2]) == "") && (len(hs) == 0 || hs[len(hs)-1].line != i-1) {
				lvl := 1
				if t[0] == '-' {
					lvl = 2
				}
				hs = append(hs, heading{line: i - 1, level: lvl, text: prev, setext: true})
				continue
			}
		}
		if m := boldHeadingRe.FindStringSubmatch(l); m != nil {
			if _, known := sectionKey(m[1]); known {
				hs = append(hs, heading{line: i, level: 0, text: strings.TrimSpace(m[1])})
			}
		}
	}
	return hs
}

// TemplateKey reports whether key is one of Debrief's template section
// keys, as opposed to a custom section made from a heading.
func TemplateKey(key string) bool { return standardKeys[key] }
