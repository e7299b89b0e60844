// Package timeline draws an incident's timeline as an SVG picture: one
// lane per source or per person, the milestones as lines across the lanes,
// and the phases of the response (detect, acknowledge, mitigate, resolve)
// as bands between them. The time axis picks its steps from the span, so
// an incident of twenty minutes and one of three days both read at a
// glance.
//
// The SVG is written with the standard library; every text that comes from
// users is XML-escaped. It has no script and no external reference, so it
// can be served as an image, inlined, or attached to an export.
package timeline

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one mark on the picture.
type Event struct {
	At      time.Time
	Lane    string // the source or the person
	Text    string
	Kind    string // note, message, alert, page, deploy, action, milestone
	Starred bool
}

// Milestone is a named moment drawn across every lane.
type Milestone struct {
	Name string // started, detected, acknowledged, declared, mitigated, resolved
	At   time.Time
}

// Options shape the picture.
type Options struct {
	Title string
	// Zone for the axis labels (UTC when nil).
	Zone *time.Location
	// Width in pixels (default 960).
	Width int
	// LaneTitle names what the lanes are ("Source", "Person").
	LaneTitle string
	// MaxLanes caps the lanes; the rest share one lane, "Others" (default 10).
	MaxLanes int
}

// Layout constants, in pixels.
const (
	gutter     = 150 // lane labels on the left
	rightPad   = 24
	topPad     = 54 // title and phase labels
	axisHeight = 34
	laneHeight = 30
)

// placedMilestone is a milestone with where its label goes.
type placedMilestone struct {
	m      Milestone
	x      float64
	label  string
	anchor string
	row    int
}

// placeMilestones puts each milestone's label under its line, moving one
// that would overlap the previous labels to the next row down; it returns
// the labels and the number of rows used. There are as many rows as
// milestones, so labels never overlap however close the milestones are (four
// within 25 minutes of a 3-hour incident used to share a last row).
func placeMilestones(ms []Milestone, x func(time.Time) float64, multiDay bool, o Options) ([]placedMilestone, int) {
	sorted := append([]Milestone(nil), ms...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].At.Before(sorted[j].At) })
	rowEnd := make([]float64, len(sorted))
	for i := range rowEnd {
		rowEnd[i] = -1e9
	}
	var out []placedMilestone
	rows := 0
	for _, m := range sorted {
		mx := x(m.At)
		clock := m.At.In(o.Zone).Format("15:04")
		if multiDay {
			clock = m.At.In(o.Zone).Format("2 Jan 15:04")
		}
		label := title(m.Name) + " " + clock
		w := textWidth(label)
		anchor, left := "middle", mx-w/2
		switch {
		case left < 4:
			anchor, left = "start", mx-4
		case mx+w/2 > float64(o.Width)-4:
			anchor, left = "end", mx-w+4
		}
		row := 0
		for row < len(rowEnd)-1 && left < rowEnd[row]+8 {
			row++
		}
		rowEnd[row] = left + w
		rows = max(rows, row+1)
		out = append(out, placedMilestone{m: m, x: mx, label: label, anchor: anchor, row: row})
	}
	return out, rows
}

// kindOrder is the legend's order.
var kindOrder = []string{"alert", "page", "message", "note", "deploy", "action", "milestone"}

// textWidth estimates a label's width at 11 px (about 6.2 px a character).
func textWidth(s string) float64 {
	return 6.2 * float64(utf8.RuneCountInString(s))
}

// phases are drawn between consecutive milestones of this order.
var phases = []struct{ from, to, label, class string }{
	{"started", "detected", "Detect", "ph-detect"},
	{"detected", "acknowledged", "Acknowledge", "ph-ack"},
	{"acknowledged", "mitigated", "Mitigate", "ph-mitigate"},
	{"mitigated", "resolved", "Resolve", "ph-resolve"},
}

// steps are the axis's candidate tick spacings, smallest first.
var steps = []time.Duration{
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour,
}

// Render writes the SVG picture of evs and ms to w.
func Render(w io.Writer, evs []Event, ms []Milestone, o Options) error {
	if o.Width <= 0 {
		o.Width = 960
	}
	if o.Width < gutter+200 {
		o.Width = gutter + 200
	}
	if o.Zone == nil {
		o.Zone = time.UTC
	}
	if o.MaxLanes <= 0 {
		o.MaxLanes = 10
	}
	if o.LaneTitle == "" {
		o.LaneTitle = "Source"
	}
	lanes, laneOf := laneList(evs, o.MaxLanes)

	from, to, ok := span(evs, ms)
	if !ok {
		from = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		to = from.Add(time.Hour)
	}
	// A little room either side, so the first and last marks are not cut.
	pad := to.Sub(from) / 30
	if pad < 30*time.Second {
		pad = 30 * time.Second
	}
	from, to = from.Add(-pad), to.Add(pad)
	plotW := float64(o.Width - gutter - rightPad)
	x := func(t time.Time) float64 {
		return float64(gutter) + plotW*float64(t.Sub(from))/float64(to.Sub(from))
	}
	nLanes := max(len(lanes), 1)
	plotTop := topPad + axisHeight
	plotBottom := plotTop + nLanes*laneHeight
	placed, rows := placeMilestones(ms, x, to.Sub(from) > 30*time.Hour, o)
	// Below the lanes: the milestone labels' rows, then the legend.
	height := plotBottom + 22 + rows*15 + 28

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="tl-title tl-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`+"\n",
		o.Width, height, o.Width, height)
	b.WriteString("<title id=\"tl-title\">" + esc(firstNonEmpty(o.Title, "Timeline")) + "</title>\n")
	fmt.Fprintf(&b, "<desc id=\"tl-desc\">%s</desc>\n", esc(describe(evs, ms, lanes, o)))
	fmt.Fprintf(&b, "<rect class=\"bg\" "+paint["bg"]+" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>\n", o.Width, height)
	fmt.Fprintf(&b, "<text class=\"title\" "+paint["title"]+" x=\"12\" y=\"22\">%s</text>\n", esc(clip(firstNonEmpty(o.Title, "Timeline"), 90)))

	// Phases: bands between milestones, labelled above the axis.
	at := map[string]time.Time{}
	for _, m := range ms {
		at[m.Name] = m.At
	}
	for _, p := range phases {
		a, okA := at[p.from]
		z, okZ := at[p.to]
		if !okA || !okZ || !z.After(a) {
			continue
		}
		x0, x1 := x(a), x(z)
		fmt.Fprintf(&b, "<g class=\"phase %s\"><rect %s x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>", p.class, paint[p.class], x0, topPad-14, x1-x0, plotBottom-topPad+14)
		label := p.label + " " + humanDuration(z.Sub(a))
		if x1-x0 > 40 {
			fmt.Fprintf(&b, "<text %s x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", paint["phase-text"], (x0+x1)/2, topPad-3, esc(fitText(label, x1-x0)))
		}
		b.WriteString("</g>\n")
	}

	// The axis: ticks at a step that gives at most about one label per
	// 90 pixels.
	step := pickStep(to.Sub(from), plotW)
	b.WriteString("<g class=\"axis\">\n")
	fmt.Fprintf(&b, "<line %s x1=\"%d\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", paint["axis"], gutter, plotTop, float64(gutter)+plotW, plotTop)
	lastDay := ""
	for t := firstTick(from, step, o.Zone); !t.After(to); t = nextTick(t, step, o.Zone) {
		tx := x(t)
		if tx < float64(gutter) {
			continue
		}
		local := t.In(o.Zone)
		day := local.Format("Mon 2 Jan")
		label := local.Format("15:04")
		if step >= 24*time.Hour {
			label = local.Format("2 Jan")
		} else if day != lastDay {
			label = local.Format("2 Jan 15:04")
		}
		lastDay = day
		fmt.Fprintf(&b, "<line class=\"grid\" %s x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", paint["grid"], tx, plotTop, tx, plotBottom)
		fmt.Fprintf(&b, "<text %s x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", paint["axis-text"], tx, plotTop-8, esc(label))
	}
	fmt.Fprintf(&b, "<text class=\"zone\" "+paint["axis-text"]+" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", gutter-8, plotTop-8, esc(zoneName(o.Zone, from)))
	b.WriteString("</g>\n")

	// Lanes, with their labels.
	b.WriteString("<g class=\"lanes\">\n")
	for i, l := range lanes {
		y := plotTop + i*laneHeight
		cls := "lane"
		if i%2 == 1 {
			cls = "lane odd"
		}
		fmt.Fprintf(&b, "<rect class=\"%s\" %s x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>", cls, paint[cls], gutter, y, plotW, laneHeight)
		fmt.Fprintf(&b, "<text class=\"lane-label\" "+paint["lane-label"]+" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", gutter-8, y+laneHeight/2+4, esc(clip(l, 20)))
	}
	if len(lanes) == 0 {
		fmt.Fprintf(&b, "<text class=\"empty\" "+paint["empty"]+" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">No events yet</text>\n", float64(gutter)+plotW/2, plotTop+laneHeight/2+4)
	}
	b.WriteString("</g>\n")

	// Milestones: a line across the lanes, the name below (placed above).
	b.WriteString("<g class=\"milestones\">\n")
	for _, pm := range placed {
		m := pm.m
		fmt.Fprintf(&b, "<g class=\"ms\"><title>%s</title><line %s x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", esc(title(m.Name)+" "+m.At.In(o.Zone).Format("2006-01-02 15:04:05 MST")), paint["ms-line"], pm.x, topPad-14, pm.x, plotBottom+4+pm.row*15)
		fmt.Fprintf(&b, "<text %s x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text></g>\n", paint["ms-text"], pm.x, plotBottom+16+pm.row*15, pm.anchor, esc(pm.label))
	}
	b.WriteString("</g>\n")

	// The legend: the kinds on the picture, and what a large dot means.
	b.WriteString("<g class=\"legend\">\n")
	lx := float64(gutter)
	ly := height - 12
	seen := map[string]bool{}
	starred := false
	for _, ev := range evs {
		seen[kindClass(ev.Kind)] = true
		starred = starred || ev.Starred
	}
	for _, k := range kindOrder {
		if !seen[k] {
			continue
		}
		fmt.Fprintf(&b, "<circle %s cx=\"%.1f\" cy=\"%d\" r=\"4.5\"/><text %s x=\"%.1f\" y=\"%d\">%s</text>\n", dot(k, false), lx+5, ly-4, paint["legend-text"], lx+13, ly, k)
		lx += 26 + textWidth(k)
	}
	if starred {
		fmt.Fprintf(&b, "<circle %s cx=\"%.1f\" cy=\"%d\" r=\"6\"/><text %s x=\"%.1f\" y=\"%d\">key moment</text>\n", dot("note", true), lx+7, ly-4, paint["legend-text"], lx+17, ly)
	}
	b.WriteString("</g>\n")

	// Events: a dot per event in its lane; key moments larger, with a ring.
	b.WriteString("<g class=\"events\">\n")
	for _, ev := range evs {
		i := laneOf(ev.Lane)
		cy := plotTop + i*laneHeight + laneHeight/2
		r := 4.5
		if ev.Starred {
			r = 7
		}
		cls := dot(kindClass(ev.Kind), ev.Starred)
		fmt.Fprintf(&b, "<circle %s cx=\"%.1f\" cy=\"%d\" r=\"%.1f\"><title>%s</title></circle>\n", cls, x(ev.At), cy, r,
			esc(ev.At.In(o.Zone).Format("15:04:05")+" · "+clip(ev.Lane, 40)+": "+clip(ev.Text, 280)))
	}
	b.WriteString("</g>\n</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// paint holds each class's presentation attributes. They are attributes,
// not a <style> element, so the picture looks the same as an <img>, inline,
// or opened on its own under a Content-Security-Policy that allows no
// inline style.
var paint = map[string]string{
	"bg":          `fill="#fff"`,
	"title":       `font-size="15" font-weight="600" fill="#1c2430"`,
	"axis":        `stroke="#8a94a6" stroke-width="1"`,
	"grid":        `stroke="#e3e7ee" stroke-width="1"`,
	"axis-text":   `fill="#4a5568" font-size="11"`,
	"lane":        `fill="#f7f9fc"`,
	"lane odd":    `fill="#eef2f7"`,
	"lane-label":  `fill="#1c2430" font-size="12"`,
	"empty":       `fill="#6b7280"`,
	"phase-text":  `font-size="11" font-weight="600" fill="#1c2430"`,
	"ph-detect":   `fill="#d97706" fill-opacity="0.16"`,
	"ph-ack":      `fill="#dc2626" fill-opacity="0.16"`,
	"ph-mitigate": `fill="#2563eb" fill-opacity="0.16"`,
	"ph-resolve":  `fill="#059669" fill-opacity="0.16"`,
	"ms-line":     `stroke="#1c2430" stroke-width="1.5" stroke-dasharray="4 3"`,
	"ms-text":     `font-size="11" fill="#1c2430"`,
	"legend-text": `font-size="11" fill="#4a5568"`,
	"ev":          `stroke="#fff" stroke-width="1.2"`,
	"ev key":      `stroke="#1c2430" stroke-width="2"`,
	"k-alert":     `fill="#dc2626"`,
	"k-page":      `fill="#d97706"`,
	"k-deploy":    `fill="#7c3aed"`,
	"k-message":   `fill="#2563eb"`,
	"k-note":      `fill="#4b5563"`,
	"k-action":    `fill="#059669"`,
	"k-milestone": `fill="#111827"`,
}

// dot is an event's class and paint.
func dot(kind string, key bool) string {
	cls, stroke := "ev k-"+kind, paint["ev"]
	if key {
		cls, stroke = cls+" key", paint["ev key"]
	}
	return `class="` + cls + `" ` + paint["k-"+kind] + " " + stroke
}

// laneList orders lanes by their first event; beyond max, the lanes with
// the fewest events share "Others".
func laneList(evs []Event, maxLanes int) ([]string, func(string) int) {
	first := map[string]time.Time{}
	count := map[string]int{}
	var names []string
	for _, ev := range evs {
		l := laneName(ev.Lane)
		if _, ok := first[l]; !ok {
			names = append(names, l)
			first[l] = ev.At
		} else if ev.At.Before(first[l]) {
			first[l] = ev.At
		}
		count[l]++
	}
	sort.SliceStable(names, func(i, j int) bool { return first[names[i]].Before(first[names[j]]) })
	index := map[string]int{}
	if len(names) > maxLanes {
		byCount := append([]string(nil), names...)
		sort.SliceStable(byCount, func(i, j int) bool { return count[byCount[i]] > count[byCount[j]] })
		keep := map[string]bool{}
		for _, n := range byCount[:maxLanes-1] {
			keep[n] = true
		}
		var kept []string
		for _, n := range names {
			if keep[n] {
				kept = append(kept, n)
			}
		}
		names = append(kept, "Others")
	}
	for i, n := range names {
		index[n] = i
	}
	others := index["Others"]
	return names, func(l string) int {
		if i, ok := index[laneName(l)]; ok {
			return i
		}
		return others
	}
}

func laneName(l string) string {
	if strings.TrimSpace(l) == "" {
		return "(unknown)"
	}
	return strings.TrimSpace(l)
}

func span(evs []Event, ms []Milestone) (from, to time.Time, ok bool) {
	add := func(t time.Time) {
		if !ok {
			from, to, ok = t, t, true
			return
		}
		if t.Before(from) {
			from = t
		}
		if t.After(to) {
			to = t
		}
	}
	for _, e := range evs {
		add(e.At)
	}
	for _, m := range ms {
		add(m.At)
	}
	if ok && to.Sub(from) < 5*time.Minute {
		mid := from.Add(to.Sub(from) / 2)
		from, to = mid.Add(-150*time.Second), mid.Add(150*time.Second)
	}
	return from, to, ok
}

func pickStep(d time.Duration, width float64) time.Duration {
	maxTicks := max(2, int(width/90))
	for _, s := range steps {
		if int(d/s) <= maxTicks {
			return s
		}
	}
	return steps[len(steps)-1]
}

// firstTick is the first round time at or after from in zone: steps of a
// day or more start at local midnight.
func firstTick(from time.Time, step time.Duration, zone *time.Location) time.Time {
	l := from.In(zone)
	if step >= 24*time.Hour {
		d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, zone)
		for d.Before(from) {
			d = d.AddDate(0, 0, 1)
		}
		return d
	}
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, zone)
	n := l.Sub(midnight) / step
	t := midnight.Add(n * step)
	for t.Before(from) {
		t = t.Add(step)
	}
	return t
}

func nextTick(t time.Time, step time.Duration, zone *time.Location) time.Time {
	if step >= 24*time.Hour {
		return t.In(zone).AddDate(0, 0, int(step/(24*time.Hour)))
	}
	return t.Add(step)
}

func zoneName(z *time.Location, t time.Time) string {
	name, off := t.In(z).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("%s (UTC%s%02d:%02d)", name, sign, off/3600, off%3600/60)
}

func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
}

// fitText shortens a label to about the room it has (7 px a character).
func fitText(s string, room float64) string {
	n := int(room / 7)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if i := strings.IndexByte(s, ' '); i > 0 && i <= n {
		return s[:i]
	}
	return ""
}

func describe(evs []Event, ms []Milestone, lanes []string, o Options) string {
	var parts []string
	parts = append(parts, fmt.Sprintf("%d events in %d lanes by %s", len(evs), len(lanes), strings.ToLower(o.LaneTitle)))
	for _, m := range ms {
		parts = append(parts, title(m.Name)+" at "+m.At.In(o.Zone).Format("2006-01-02 15:04 MST"))
	}
	return strings.Join(parts, "; ") + "."
}

func kindClass(k string) string {
	switch k {
	case "alert", "page", "deploy", "message", "note", "action", "milestone":
		return k
	}
	return "note"
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// esc escapes text for XML character data and attribute values, and drops
// the control characters XML 1.0 does not allow at all.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF):
			// not allowed in XML 1.0
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
