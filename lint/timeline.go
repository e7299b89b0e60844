package lint

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// visibleEvents are the events a reader sees: hidden ones are chatter the
// team chose to keep out of the timeline.
func (c *checker) visibleEvents() []int {
	var out []int
	for i, e := range c.rep.Events {
		if !e.Hidden {
			out = append(out, i)
		}
	}
	return out
}

func checkTimelineOrder(c *checker) {
	evs := c.visibleEvents()
	for k := 1; k < len(evs); k++ {
		prev, cur := c.rep.Events[evs[k-1]], c.rep.Events[evs[k]]
		if cur.At.Before(prev.At) {
			loc := c.loc
			c.add(c.eventLoc(evs[k]), "event at %s comes after one at %s",
				cur.At.In(loc).Format("2006-01-02 15:04"), prev.At.In(loc).Format("2006-01-02 15:04"))
		}
	}
}

// zoneInTextRe finds a clock time followed by a zone name in an event's
// text ("14:05 UTC", "9:30 PST").
// zoneNames are the zones zoneInTextRe knows, for a cheap test first.
var zoneNames = []string{"UTC", "GMT", "Z", "CET", "CEST", "EET", "EEST", "WET", "WEST", "BST", "IST", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AEST", "AEDT", "JST", "KST", "SGT", "HKT", "NZST", "NZDT"}

var zoneInTextRe = regexp.MustCompile(`\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?\s*)?\(?(UTC|GMT|Z|CET|CEST|EET|EEST|WET|WEST|BST|IST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|AEST|AEDT|JST|KST|SGT|HKT|NZST|NZDT)\)?\b`)

func checkTimelineZone(c *checker) {
	inc := c.rep.Incident
	if len(c.rep.Events) > 0 {
		if inc.TimeZone == "" {
			c.add(Location{Section: "timeline"}, "the incident has no time zone: times are shown in UTC without saying so")
		} else if _, err := time.LoadLocation(inc.TimeZone); err != nil {
			c.add(Location{Section: "timeline"}, "time zone %q is not a zone name", inc.TimeZone)
		}
	}
	// Times written in the text in other zones than the timeline's.
	var want map[string]bool
	for i, e := range c.rep.Events {
		if !containsAny(e.Text, zoneNames) {
			continue
		}
		if want == nil {
			want = zoneAbbrevs(inc, c.loc)
		}
		for _, m := range zoneInTextRe.FindAllStringSubmatch(e.Text, -1) {
			if !want[m[1]] {
				c.add(c.eventLoc(i), "the text gives a time in %s, the timeline is in %s: %q", m[1], orUTC(inc.TimeZone), m[0])
				break
			}
		}
	}
}

func orUTC(z string) string {
	if z == "" {
		return "UTC"
	}
	return z
}

// zoneAbbrevs are the names the incident's zone goes by during the
// incident (both sides of a DST change), and UTC when it is UTC.
func zoneAbbrevs(inc *debrief.Incident, loc *time.Location) map[string]bool {
	out := map[string]bool{}
	if loc == time.UTC {
		out["UTC"], out["GMT"], out["Z"] = true, true, true
	}
	for _, t := range []*time.Time{inc.Milestones.Started, inc.Milestones.Resolved} {
		if t != nil {
			n, _ := t.In(loc).Zone()
			out[n] = true
		}
	}
	for _, m := range []int{1, 7} {
		n, _ := time.Date(2024, time.Month(m), 1, 0, 0, 0, 0, loc).Zone()
		out[n] = true
	}
	if out["GMT"] || out["UTC"] {
		out["UTC"], out["GMT"] = true, true
	}
	return out
}

func checkTimelineResolution(c *checker) {
	loc := c.loc
	evs := c.visibleEvents()
	midnight := 0
	for _, i := range evs {
		t := c.rep.Events[i].At.In(loc)
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			midnight++
		}
	}
	// Several events at exactly midnight are dates without a clock.
	if midnight < 2 {
		return
	}
	for _, i := range evs {
		t := c.rep.Events[i].At.In(loc)
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			c.add(c.eventLoc(i), "event has a date (%s) but no time of day", t.Format("2006-01-02"))
		}
	}
}

func checkMilestones(c *checker) {
	m := &c.rep.Incident.Milestones
	var missing []string
	for _, name := range []string{"started", "detected", "resolved"} {
		if m.Get(name) == nil {
			missing = append(missing, name)
		}
	}
	if m.Mitigated == nil && m.Resolved == nil {
		missing = append(missing, "mitigated")
	}
	if len(missing) > 0 {
		c.add(Location{Section: "timeline"}, "milestones not set: %s", strings.Join(missing, ", "))
	}
}

func checkMilestoneOrder(c *checker) {
	m := &c.rep.Incident.Milestones
	loc := c.loc
	var prevName string
	var prev *time.Time
	for _, name := range debrief.MilestoneNames {
		t := m.Get(name)
		if t == nil {
			continue
		}
		// "declared" may come before "detected" is seen by people; only
		// the main chain is checked against everything before it.
		if prev != nil && t.Before(*prev) {
			c.add(Location{Section: "timeline"}, "%s (%s) is before %s (%s)", name, t.In(loc).Format("2006-01-02 15:04"), prevName, prev.In(loc).Format("2006-01-02 15:04"))
		}
		if prev == nil || t.After(*prev) {
			prev, prevName = t, name
		}
	}
}

func checkTimelineGap(c *checker) {
	evs := c.visibleEvents()
	if len(evs) < 3 {
		return
	}
	maxGap := c.cfg.maxGap()
	first, last := c.rep.Events[evs[0]].At, c.rep.Events[evs[len(evs)-1]].At
	span := last.Sub(first)
	m := &c.rep.Incident.Milestones
	end := m.Resolved
	if end == nil {
		end = m.Mitigated
	}
	for k := 1; k < len(evs); k++ {
		a, b := c.rep.Events[evs[k-1]].At, c.rep.Events[evs[k]].At
		gap := b.Sub(a)
		// A gap counts when it is long and a large share of the whole
		// timeline, and falls while the incident was on: after it ended,
		// quiet is expected.
		if gap < maxGap || gap*3 < span {
			continue
		}
		if end != nil && !a.Before(*end) {
			continue
		}
		// Nor before it started: background ("the AMI was released in
		// March") is not the response going quiet.
		if m.Started != nil && a.Before(*m.Started) {
			continue
		}
		c.add(c.eventLoc(evs[k]), "nothing recorded for %s before this event", human(gap))
	}
}

// human writes a duration as people do: "2 h 15 min", "45 min", "3 days".
func human(d time.Duration) string {
	if d >= 72*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// sourced reports whether an event says where it comes from: a link, or
// a source other than typed by hand or imported from text.
func sourced(e *debrief.Event) bool {
	s := strings.ToLower(e.Source)
	return e.URL != "" || (s != "" && s != "manual" && s != "import")
}

func checkTimelineSource(c *checker) {
	if !c.wantsSources() {
		return
	}
	evs := c.visibleEvents()
	var without []int
	for _, i := range evs {
		if !sourced(c.rep.Events[i]) {
			without = append(without, i)
		}
	}
	if len(without) == 0 {
		return
	}
	// One finding per timeline, at the first such event: a finding per
	// event would bury the others.
	c.add(c.eventLoc(without[0]), "%d of %d events have no source or link", len(without), len(evs))
}

// wantsSources: the template's timeline asks for evidence.
func (c *checker) wantsSources() bool {
	for _, s := range c.tmpl.Sections {
		if s.Kind == debrief.SectionTimeline {
			g := strings.ToLower(s.Guidance)
			return strings.Contains(g, "evidence") || strings.Contains(g, "source")
		}
	}
	return false
}

func checkTimelineEmpty(c *checker) {
	for _, s := range c.tmpl.Sections {
		if s.Kind == debrief.SectionTimeline && !s.Optional && len(c.visibleEvents()) == 0 {
			c.add(Location{Section: "timeline"}, "the timeline has no events")
			return
		}
	}
}
