// Package chart draws small charts as SVG with the standard library: the
// text is XML-escaped, the figures are computed here, and the result needs
// no script or style sheet (presentation attributes only, so a strict
// Content-Security-Policy allows it inline).
package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
)

// Point is one value with its label on the x axis.
type Point struct {
	Label string
	Value int
}

// Size of the drawing, in user units; it scales to its container.
const (
	width   = 720
	height  = 260
	left    = 48
	right   = 16
	top     = 20
	bottom  = 44
	plotW   = width - left - right
	plotH   = height - top - bottom
	maxXLab = 8 // at most this many x labels, evenly spaced
)

// Line draws values as a line over their labels, with a y axis from 0 and
// each point's value in its tooltip. title and desc are the chart's
// accessible name and description.
func Line(title, desc string, points []Point) string {
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" class="chart">`, width, height)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>`, esc(title), esc(desc))
	maxV := 0
	for _, p := range points {
		maxV = max(maxV, p.Value)
	}
	step := niceStep(maxV)
	top0 := step * int(math.Ceil(float64(max(maxV, 1))/float64(step)))
	y := func(v int) float64 { return float64(top) + float64(plotH)*(1-float64(v)/float64(top0)) }
	x := func(i int) float64 {
		if len(points) < 2 {
			return float64(left) + float64(plotW)/2
		}
		return float64(left) + float64(plotW)*float64(i)/float64(len(points)-1)
	}
	// Grid and y labels.
	for v := 0; v <= top0; v += step {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e4e7ec" stroke-width="1"/>`, left, width-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" font-size="11" fill="#667085">%d</text>`, left-6, y(v)+4, v)
	}
	// X labels, evenly thinned, counted back from the last (the latest
	// point is always labelled); the ends are anchored inside the drawing.
	every := max(1, int(math.Ceil(float64(len(points))/maxXLab)))
	for i, p := range points {
		if (len(points)-1-i)%every != 0 {
			continue
		}
		anchor := "middle"
		switch {
		case len(points) > 1 && i == len(points)-1:
			anchor = "end"
		case len(points) > 1 && i == 0:
			anchor = "start"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="%s" font-size="11" fill="#667085">%s</text>`, x(i), height-bottom+18, anchor, esc(p.Label))
	}
	if len(points) > 0 {
		var path strings.Builder
		for i, p := range points {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, x(i), y(p.Value))
		}
		fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="#4f46e5" stroke-width="2.5" stroke-linejoin="round"/>`, strings.TrimSpace(path.String()))
		for i, p := range points {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="#4f46e5"><title>%s: %d</title></circle>`, x(i), y(p.Value), esc(p.Label), p.Value)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// niceStep is a round grid step giving about four lines up to maxV.
func niceStep(maxV int) int {
	if maxV <= 4 {
		return 1
	}
	raw := float64(maxV) / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return int(m * mag)
		}
	}
	return int(10 * mag)
}
