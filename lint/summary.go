package lint

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

func (c *checker) summary() (string, bool) {
	s := c.section("summary")
	if s == nil {
		return "", false
	}
	return s.Body, strings.TrimSpace(s.Body) != ""
}

func checkSummaryMissing(c *checker) {
	if _, ok := c.summary(); !ok {
		c.add(Location{Section: "summary"}, "no summary")
	}
}

func checkSummaryParagraphs(c *checker) {
	body, ok := c.summary()
	if !ok {
		return
	}
	n := len(paragraphs(body))
	if n > 1 {
		c.add(Location{Section: "summary"}, "the summary has %d paragraphs", n)
	}
}

// paragraphs splits Markdown text at blank lines; a list counts as one
// paragraph with the line before it.
func paragraphs(s string) []string {
	var out []string
	for _, p := range blankLineRe.Split(strings.TrimSpace(s), -1) {
		if strings.TrimSpace(p) == "" {
			continue
		}
		if len(out) > 0 && listItemRe.MatchString(p) {
			out[len(out)-1] += "\n\n" + p
			continue
		}
		out = append(out, p)
	}
	return out
}

// maxSummaryChecks bounds the numbers (and names) checked in one summary:
// a summary is one paragraph; a pathological one must not be quadratic.
const maxSummaryChecks = 200

var (
	blankLineRe = regexp.MustCompile(`\n[ \t]*\n`)
	// A number with what it counts or measures.
	numberRe = regexp.MustCompile(`(?i)(?:^|[^\w.:/-])(\d+(?:[.,]\d+)?)\s*(%|(?:percent|ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|weeks?|k|x)\b)?`)
	clockRe  = regexp.MustCompile(`\b\d{1,2}:\d{2}\b`)
	monthRe  = regexp.MustCompile(`(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*$|^\.?\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)`)
)

func checkSummaryUnsupported(c *checker) {
	body, ok := c.summary()
	if !ok {
		return
	}
	body = stripLinks(body)
	rest := c.restText()
	restLower := strings.ToLower(rest)
	restNumbers := map[string]bool{}
	numberTokens(restLower, restNumbers)
	checked := 0
	// Numbers: years, days of a month and clock times are dates, checked
	// only when the timeline says nothing of them.
	for _, m := range numberRe.FindAllStringSubmatchIndex(body, -1) {
		if checked++; checked > maxSummaryChecks {
			break
		}
		num, unit := body[m[2]:m[3]], ""
		if m[4] >= 0 {
			unit = strings.ToLower(body[m[4]:m[5]])
		}
		before, after := body[max(0, m[2]-16):m[2]], body[m[3]:min(len(body), m[3]+16)]
		if monthRe.MatchString(before) || monthRe.MatchString(after) || clockRe.MatchString(body[max(0, m[2]-3):min(len(body), m[3]+3)]) {
			continue
		}
		if unit == "" && strings.ContainsAny(num, ".,") {
			continue // a version ("1.13 to 1.14") more often than a quantity
		}
		if unit == "" && (versionRe.MatchString(body[max(0, m[2]-1):min(len(body), m[3]+4)])) {
			continue // a version, not a quantity
		}
		if n, err := strconv.Atoi(num); err == nil && unit == "" && (n >= 1990 && n <= 2100 || n <= 1) {
			continue // a year, or "1" as in "one of"
		}
		if restNumbers[num] || c.durationMatches(num, unit) {
			continue
		}
		c.add(Location{Section: "summary", Line: LineOf(body, m[2])}, "%s%s appears nowhere else in the retrospective", num, spaced(unit))
	}
	// Services and hosts.
	seen := map[string]bool{}
	for _, m := range serviceNames(body) {
		if checked++; checked > 2*maxSummaryChecks {
			break
		}
		name, code := body[m.start:m.end], m.code
		ln := strings.ToLower(name)
		if code && !strings.ContainsAny(name, "-._") {
			continue // an option or a type in code, not a service or host
		}
		if seen[ln] || strings.Contains(restLower, ln) || !code && isCommonHyphenated(ln) || versionRe.MatchString(ln) || len(ln) <= 5 && strings.Count(ln, ".") > 0 && !strings.ContainsAny(ln, "-_") {
			continue
		}
		seen[ln] = true
		c.add(Location{Section: "summary", Line: LineOf(body, m.start)}, "%q appears nowhere else in the retrospective", name)
	}
}

var (
	versionRe = regexp.MustCompile(`^(?:[^\w.]?)v?\d+\.\d+(?:\.\d+)+|(?:^|[^\w.])v\d+(?:\.\d+)*|^v?\d+(?:\.\d+)+$`)
	linkDefRe = regexp.MustCompile(`(?m)^\s*\[[^\]]+\]:\s*\S+.*$`)
)

// stripLinks blanks URLs, link targets and reference definitions: their
// hosts and numbers are addresses, not facts the summary states.
func stripLinks(s string) string {
	if !strings.Contains(s, "://") && !strings.Contains(s, "](") && !strings.Contains(s, "][") && !strings.Contains(s, "]:") && strings.IndexByte(s, '<') < 0 {
		return s
	}
	s = linkDefRe.ReplaceAllStringFunc(s, blankOut)
	return urlRe.ReplaceAllStringFunc(s, blankOut)
}

func blankOut(s string) string { return strings.Repeat(" ", len(s)) }

// numberTokens adds the numbers of s to set, read as numberRe reads them
// in the summary (digits, then at most one [.,] and digits). A scan, not
// an expression: the rest of a retrospective is long.
func numberTokens(s string, set map[string]bool) {
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j+1 < len(s) && (s[j] == '.' || s[j] == ',') && s[j+1] >= '0' && s[j+1] <= '9' {
			j++
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
		}
		set[s[i:j]] = true
		i = j
	}
}

// nameSpan is a name found in the summary: [start, end) of body.
type nameSpan struct {
	start, end int
	code       bool
}

// serviceNames finds what looks like a service or host: a code span of 2
// to 60 characters without spaces, or a lower-case word with a dash, dot
// or underscore between letters or digits ("payments-api", "db1.internal").
// A scan rather than an expression: it runs on every summary.
func serviceNames(s string) []nameSpan {
	var out []nameSpan
	lowerOrDigit := func(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
	for i := 0; i < len(s); {
		if s[i] == '`' {
			j := i + 1
			for j < len(s) && j-i <= 61 && s[j] != '`' && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r' {
				j++
			}
			if j < len(s) && s[j] == '`' && j-i-1 >= 2 && j-i-1 <= 60 {
				out = append(out, nameSpan{i + 1, j, true})
				i = j + 1
				continue
			}
			i++
			continue
		}
		if s[i] < 'a' || s[i] > 'z' || i > 0 && isWordByte(s[i-1]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && lowerOrDigit(s[j]) {
			j++
		}
		seps := 0
		for j+1 < len(s) && (s[j] == '-' || s[j] == '_' || s[j] == '.') && lowerOrDigit(s[j+1]) {
			j += 2
			for j < len(s) && lowerOrDigit(s[j]) {
				j++
			}
			seps++
		}
		if seps > 0 && (j == len(s) || !isWordByte(s[j])) {
			out = append(out, nameSpan{i, j, false})
		}
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		i = max(j, i+1)
	}
	return out
}

func spaced(u string) string {
	if u == "" || u == "%" {
		return u
	}
	return " " + u
}

// isCommonHyphenated: words joined by dashes in ordinary prose ("on-call",
// "follow-up") are not service names.
func isCommonHyphenated(s string) bool {
	if strings.ContainsAny(s, "._") {
		return false
	}
	return len(s) < 25 && !strings.ContainsAny(s, "0123456789")
}

// durationMatches reports whether "num unit" is within a minute (or 10%)
// of a span between milestones.
func (c *checker) durationMatches(num, unit string) bool {
	d, ok := toDuration(num, unit)
	if !ok {
		return false
	}
	// Any span between two milestones: "for 37 minutes" may count from
	// detection to mitigation.
	m := &c.rep.Incident.Milestones
	for i, a := range debrief.MilestoneNames {
		for _, b := range debrief.MilestoneNames[i+1:] {
			ta, tb := m.Get(a), m.Get(b)
			if ta != nil && tb != nil && tb.After(*ta) && near(d, tb.Sub(*ta)) {
				return true
			}
		}
	}
	return false
}

func near(a, b time.Duration) bool {
	diff := a - b
	if diff < 0 {
		diff = -diff
	}
	tol := b / 10
	if tol < time.Minute {
		tol = time.Minute
	}
	return diff <= tol
}

func toDuration(num, unit string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", "."), 64)
	if err != nil {
		return 0, false
	}
	var u time.Duration
	switch strings.TrimSuffix(unit, "s") {
	case "sec", "second":
		u = time.Second
	case "m", "min", "minute":
		u = time.Minute
	case "h", "hr", "hour":
		u = time.Hour
	case "d", "day":
		u = 24 * time.Hour
	case "week":
		u = 7 * 24 * time.Hour
	default:
		return 0, false
	}
	return time.Duration(f * float64(u)), true
}

// restText is everything but the summary: other sections, titles, events
// with their times, action items, incident fields and milestone spans.
func (c *checker) restText() string {
	var b strings.Builder
	inc := c.rep.Incident
	b.WriteString(inc.Title + "\n" + inc.Severity + "\n" + strings.Join(inc.Services, "\n") + "\n")
	for _, s := range c.rep.Retrospective.Sections {
		if s.Key != "summary" {
			b.WriteString(s.Title + "\n" + s.Body + "\n")
		}
	}
	loc := c.loc
	for _, e := range c.rep.Events {
		b.WriteString(e.At.In(loc).Format("2006-01-02 15:04 ") + e.Text + " " + e.Source + " " + e.URL + "\n")
	}
	for _, a := range c.rep.Actions {
		b.WriteString(a.Title + "\n" + a.Description + "\n" + a.DefinitionOfDone + "\n" + a.TicketURL + "\n")
	}
	for _, d := range inc.Milestones.Durations() {
		if d.Known {
			fmt.Fprintf(&b, "%d %d\n", int(d.Value.Minutes()+0.5), int(d.Value.Hours()+0.5))
		}
	}
	return b.String()
}
