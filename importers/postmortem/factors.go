package postmortem

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
)

// A plain postmortem's "Root cause" or "Contributing factors" section is
// also read as contributing factors of the structured analysis: one per
// bullet, or one for the text when it has no list. The section itself is
// kept as written; the factors have no category (the team files them).

// factorHeadings are the normalised headings whose text names causes.
var factorHeadings = []string{
	"root cause", "root causes", "root cause analysis", "contributing factors", "contributing factor",
	"contributing conditions", "contributing conditions analysis", "causes", "cause", "what caused the incident",
	"why it happened", "trigger", "triggers",
}

var bulletRe = regexp.MustCompile(`^ {0,3}(?:[-*+]|\d{1,3}[.)])\s+(.*)$`)

// maxFactorTitle is the longest title a factor gets; longer text goes in
// its description.
const maxFactorTitle = 200

// factorsOf returns the contributing factors in a section's body when its
// heading names causes, else nil.
func factorsOf(heading, body string) []debrief.AnalysisItem {
	h := normHeading(heading)
	found := false
	for _, f := range factorHeadings {
		if h == f {
			found = true
			break
		}
	}
	if !found {
		return nil
	}
	var texts []string
	var cur []string
	inFence := false
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if m := bulletRe.FindStringSubmatch(line); m != nil && !strings.HasPrefix(line, "    ") {
			if len(cur) > 0 {
				texts = append(texts, strings.Join(cur, " "))
			}
			cur = []string{strings.TrimSpace(m[1])}
			continue
		}
		if t := strings.TrimSpace(line); t != "" && len(cur) > 0 && strings.HasPrefix(line, " ") {
			cur = append(cur, t) // a bullet's continuation
		} else if t == "" && len(cur) > 0 {
			texts = append(texts, strings.Join(cur, " "))
			cur = nil
		}
	}
	if len(cur) > 0 {
		texts = append(texts, strings.Join(cur, " "))
	}
	if len(texts) == 0 {
		// No list: the text is one factor.
		var paras []string
		for _, p := range strings.Split(body, "\n\n") {
			if p = strings.Join(strings.Fields(p), " "); p != "" && !strings.HasPrefix(p, "#") && !strings.HasPrefix(p, "```") {
				paras = append(paras, p)
			}
		}
		if len(paras) == 0 {
			return nil
		}
		texts = []string{strings.Join(paras, "\n\n")}
	}
	var out []debrief.AnalysisItem
	for _, t := range texts {
		t = cleanInline(t)
		if t == "" {
			continue
		}
		title, desc := factorTitle(t), ""
		if title != strings.Join(strings.Fields(t), " ") {
			desc = t
		}
		out = append(out, debrief.AnalysisItem{Kind: debrief.KindFactor, Title: title, Description: desc})
	}
	return out
}

// factorTitle is the first line of t, cut to maxFactorTitle characters at
// a word.
func factorTitle(t string) string {
	first, _, _ := strings.Cut(t, "\n")
	first = strings.Join(strings.Fields(first), " ")
	if utf8.RuneCountInString(first) <= maxFactorTitle {
		return first
	}
	r := []rune(first)[:maxFactorTitle-1]
	s := string(r)
	if i := strings.LastIndex(s, " "); i > maxFactorTitle/2 {
		s = s[:i]
	}
	return s + "…"
}
