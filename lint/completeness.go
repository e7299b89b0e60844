package lint

import (
	"regexp"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

func checkRequiredSections(c *checker) {
	for _, ts := range c.tmpl.Sections {
		if ts.Optional || ts.Kind != debrief.SectionText || ts.Key == "summary" {
			continue // the summary has its own rule
		}
		s := c.section(ts.Key)
		switch {
		case s == nil:
			c.add(Location{Section: ts.Key}, "the template's section %q is missing", ts.Title)
		case s.Optional:
		case strings.TrimSpace(s.Body) == "" || strings.TrimSpace(s.Body) == strings.TrimSpace(ts.Guidance):
			c.add(Location{Section: ts.Key}, "the section %q is empty", s.Title)
		}
	}
}

// statedDurationRe finds a duration the text states for the incident:
// "lasted 45 minutes", "an outage of 2 hours", "for about 30 min",
// "downtime: 1h 20m".
var statedDurationRe = regexp.MustCompile(`(?i)\b(?:lasted|lasting|outage\s+of|downtime\s+of|downtime:?|duration:?|duration\s+of|disruption\s+of|unavailable\s+for|down\s+for|impact(?:ed)?\s+for|total\s+(?:duration|time|impact)\s*(?:of|:|was)?)\s+(?:about\s+|approximately\s+|approx\.?\s+|around\s+|roughly\s+|nearly\s+|almost\s+|~\s*|over\s+|under\s+|just\s+(?:over|under)\s+)?(\d+(?:[.,]\d+)?)\s*(h|hrs?|hours?|m|mins?|minutes?|d|days?)\b(?:\s*(?:and\s+)?(\d+)\s*(m|mins?|minutes?)\b)?`)

var durationKeys = []string{"last", "outage", "downtime", "duration", "disruption", "unavailable", "down for", "impact", "total"}

func checkStatedDuration(c *checker) {
	m := &c.rep.Incident.Milestones
	if m.Started == nil {
		return
	}
	end := m.Resolved
	if end == nil {
		end = m.Mitigated
	}
	if end == nil {
		return
	}
	actual := end.Sub(*m.Started)
	var mit time.Duration
	if m.Mitigated != nil {
		mit = m.Mitigated.Sub(*m.Started)
	}
	for _, t := range c.texts {
		if t.loc.EventIndex > 0 {
			continue // an event tells of its moment, not of the incident
		}
		if !containsAny(t.lower, durationKeys) {
			continue
		}
		for _, sm := range statedDurationRe.FindAllStringSubmatchIndex(t.prose.Masked, -1) {
			s := t.prose.Masked
			d, ok := toDuration(s[sm[2]:sm[3]], strings.ToLower(s[sm[4]:sm[5]]))
			if !ok {
				continue
			}
			if sm[6] >= 0 {
				extra, _ := toDuration(s[sm[6]:sm[7]], "min")
				d += extra
			}
			if nearStated(d, actual) || (mit > 0 && nearStated(d, mit)) {
				continue
			}
			c.addAt(t, sm[0], sm[1], "the text says %s, the milestones say %s from started to %s", human(d), human(actual), map[bool]string{true: "resolved", false: "mitigated"}[m.Resolved != nil])
		}
	}
}

// nearStated allows for rounding: within 25% or 10 minutes.
func nearStated(a, b time.Duration) bool {
	diff := a - b
	if diff < 0 {
		diff = -diff
	}
	tol := b / 4
	if tol < 10*time.Minute {
		tol = 10 * time.Minute
	}
	return diff <= tol
}
