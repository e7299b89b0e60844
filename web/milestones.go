package web

import (
	"slices"
	"strconv"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
)

// milestoneView is one milestone as the incident page lists it.
type milestoneView struct {
	Name, Label string
	Known       bool
	At          timeView
	// Class colours its marker like the phase that ends at it.
	Class string
}

// durationView is one of the response measures (time to detect, ...).
type durationView struct {
	Name  string
	Value string
	Known bool
	Class string
	// Span says what is measured: "started → detected".
	Span string
}

// phaseStrip is the bar on the incident page: one segment per phase
// between consecutive known milestones, its length proportional to its
// duration, drawn as server-side SVG (no inline styles, so the page's
// Content-Security-Policy holds).
type phaseStrip struct {
	Segments []segment
	// Markers are the milestones' positions on the bar.
	Markers []segment
	// Summary is the strip in words, for screen readers.
	Summary string
}

// segment is one rectangle of the strip, in viewBox units (0 to stripWidth).
type segment struct {
	X, W  string
	Class string
	Title string
}

const stripWidth = 1000.0

// phaseClass names the colour of the phase that ends at a milestone.
var phaseClass = map[string]string{
	"started":      "ph-start",
	"detected":     "ph-detect",
	"acknowledged": "ph-ack",
	"declared":     "ph-declare",
	"mitigated":    "ph-mitigate",
	"resolved":     "ph-resolve",
}

// phaseName says what was going on in the phase that ends at a milestone.
var phaseName = map[string]string{
	"detected":     "Undetected",
	"acknowledged": "Waiting for a responder",
	"declared":     "Assessing",
	"mitigated":    "Impact ongoing",
	"resolved":     "Mitigated, resolving",
}

func milestoneViews(m *debrief.Milestones, loc *time.Location) []milestoneView {
	out := make([]milestoneView, len(debrief.MilestoneNames))
	for i, name := range debrief.MilestoneNames {
		mv := milestoneView{Name: name, Label: render.Label(name), Class: phaseClass[name]}
		if t := m.Get(name); t != nil {
			mv.Known, mv.At = true, newTimeView(*t, loc)
		}
		out[i] = mv
	}
	return out
}

func durationViews(m *debrief.Milestones) []durationView {
	ds := m.Durations()
	out := make([]durationView, len(ds))
	for i, d := range ds {
		dv := durationView{Name: d.Name, Known: d.Known, Class: phaseClass[d.To], Span: d.From + " → " + d.To}
		if d.Known {
			dv.Value = render.Duration(d.Value)
		}
		out[i] = dv
	}
	return out
}

// newPhaseStrip lays out the bar. It needs two known milestones; an
// incident still open is drawn up to now, so the bar shows how long it has
// been going on.
func newPhaseStrip(inc *debrief.Incident, now time.Time) phaseStrip {
	type point struct {
		name string
		at   time.Time
	}
	var pts []point
	for _, name := range debrief.MilestoneNames {
		if t := inc.Milestones.Get(name); t != nil {
			pts = append(pts, point{name, *t})
		}
	}
	// Times are validated against the start, not against each other
	// (a declaration may precede the acknowledgement): draw them as they
	// happened.
	slices.SortStableFunc(pts, func(a, b point) int { return a.at.Compare(b.at) })
	open := inc.Milestones.Resolved == nil && (inc.Status == debrief.IncidentActive || inc.Status == debrief.IncidentMitigated)
	if open && len(pts) > 0 && now.After(pts[len(pts)-1].at) {
		pts = append(pts, point{"now", now})
	}
	if len(pts) < 2 || !pts[len(pts)-1].at.After(pts[0].at) {
		return phaseStrip{}
	}

	// Each phase gets at least minShare of the bar so that a one-minute
	// acknowledgement in a two-day incident is still visible.
	const minShare = 0.015
	total := pts[len(pts)-1].at.Sub(pts[0].at).Seconds()
	shares := make([]float64, len(pts)-1)
	sum := 0.0
	for i := range shares {
		shares[i] = max(pts[i+1].at.Sub(pts[i].at).Seconds()/total, minShare)
		sum += shares[i]
	}
	var s phaseStrip
	x := 0.0
	summary := ""
	for i, share := range shares {
		w := share / sum * stripWidth
		to := pts[i+1]
		class, name := phaseClass[to.name], phaseName[to.name]
		if to.name == "now" {
			class, name = "ph-ongoing", "Ongoing"
		}
		d := render.Duration(to.at.Sub(pts[i].at))
		title := name + ": " + d + " (" + labelOf(pts[i].name) + " → " + labelOf(to.name) + ")"
		s.Segments = append(s.Segments, segment{X: num(x), W: num(w), Class: class, Title: title})
		if summary != "" {
			summary += "; "
		}
		summary += title
		x += w
		if i < len(shares)-1 {
			s.Markers = append(s.Markers, segment{X: num(x - 1.5), W: "3", Class: "marker", Title: labelOf(to.name)})
		}
	}
	s.Summary = "Phases of the incident: " + summary + "."
	return s
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
