package diagram

import (
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
)

// Layout of the control structure, in pixels.
const (
	boxW    = 210
	boxH    = 64
	colGap  = 150 // between boxes of one rank: room for the edge labels
	rankGap = 150 // between ranks: room for the arrows and their labels
	margin  = 30
	legendH = 70
)

// edge is a control or a missing control drawn between two components.
type edge struct {
	it       *debrief.AnalysisItem
	from, to string // component refs: controller, process
	failures []string
	missing  bool
}

// ControlStructure draws the components of a as boxes, controllers above
// the processes they control, each control as an action arrow down and a
// feedback arrow up. Controls that failed are red and carry the ids of
// their failures; missing controls are dashed. Controls and missing
// controls that do not name both ends are listed under the diagram.
func ControlStructure(a *debrief.Analysis) []byte {
	comps := a.OfKind(debrief.KindComponent)
	failed := map[string][]string{}
	for _, f := range a.OfKind(debrief.KindFailure) {
		failed[f.Control] = append(failed[f.Control], f.Ref)
	}
	known := map[string]bool{}
	for _, c := range comps {
		known[c.Ref] = true
	}
	var edges []edge
	var loose []*debrief.AnalysisItem
	for _, it := range a.Items {
		if it.Kind != debrief.KindControl && it.Kind != debrief.KindMissing {
			continue
		}
		if !known[it.Controller] || !known[it.Process] {
			loose = append(loose, it)
			continue
		}
		edges = append(edges, edge{it: it, from: it.Controller, to: it.Process, failures: failed[it.Ref], missing: it.Kind == debrief.KindMissing})
	}

	ranks := rankComponents(comps, edges)
	rows := orderRows(comps, edges, ranks)
	width := 2 * margin
	for _, row := range rows {
		width = max(width, 2*margin+len(row)*boxW+(len(row)-1)*colGap)
	}
	width = max(width, 640)
	if len(edges) > 0 {
		width = max(width, 860) // the key's lines
	}
	looseH := 0
	if len(loose) > 0 {
		looseH = 26 + 20*len(loose)
	}
	// The key lists each drawn control in full under the picture: on the
	// arrows there is room only for a badge with its id.
	keyH := 0
	if len(edges) > 0 {
		keyH = 20 + 36*len(edges)
	}
	height := 2*margin + max(len(rows), 1)*boxH + max(len(rows)-1, 0)*rankGap + legendH + looseH + keyH
	if len(comps) == 0 {
		height = 2*margin + 40 + legendH + looseH
	}

	// Positions: each row centred.
	pos := map[string][2]int{}
	for r, row := range rows {
		rowW := len(row)*boxW + (len(row)-1)*colGap
		x0 := (width - rowW) / 2
		for i, ref := range row {
			pos[ref] = [2]int{x0 + i*(boxW+colGap), margin + r*(boxH+rankGap)}
		}
	}

	var c canvas
	c.open(width, height, "Control structure")
	if len(comps) == 0 {
		c.text(width/2, margin+24, "middle", ` fill="`+colMissing+`"`, "No components yet: add the system's parts and its environment.")
	}
	// Edges first, so boxes sit on top of their ends.
	pairs := map[[2]string]int{}
	for _, e := range edges {
		pairs[[2]string{e.from, e.to}]++
	}
	seen := map[[2]string]int{}
	var badges badgeSet
	for _, e := range edges {
		k := [2]string{e.from, e.to}
		drawEdge(&c, e, pos[e.from], pos[e.to], seen[k], pairs[k], &badges)
		seen[k]++
	}
	for _, comp := range comps {
		drawBox(&c, comp, pos[comp.Ref])
	}
	// Badges last: on top of the arrows and the boxes they may touch.
	badges.draw(&c)
	y := height - legendH - looseH - keyH
	if len(edges) > 0 {
		drawKey(&c, edges, margin, y)
		y += keyH
	}
	if len(loose) > 0 {
		c.text(margin, y+18, "start", ` font-weight="600" fill="`+colInk+`"`, "Not placed (controller or process not named):")
		for i, it := range loose {
			label := it.Ref + " " + cut(it.Title, 80)
			col := colControl
			if it.Kind == debrief.KindMissing {
				label += " (missing)"
				col = colMissing
			} else if fs := failed[it.Ref]; len(fs) > 0 {
				label += " — failed: " + strings.Join(fs, ", ")
				col = colFailed
			}
			c.text(margin+12, y+38+20*i, "start", ` fill="`+col+`"`, label)
		}
		y += looseH
	}
	legend(&c, margin, y+20)
	return c.close()
}

// rankComponents gives each component its row: 0 for those no control acts
// on, and otherwise one below its lowest controller. Loops (a component
// that, through others, controls itself) are cut by bounding the passes.
func rankComponents(comps []*debrief.AnalysisItem, edges []edge) map[string]int {
	rank := map[string]int{}
	for _, c := range comps {
		rank[c.Ref] = 0
	}
	for range comps {
		changed := false
		for _, e := range edges {
			if e.from == e.to {
				continue
			}
			if r := rank[e.from] + 1; r > rank[e.to] && r < len(comps) {
				rank[e.to] = r
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	return rank
}

// orderRows puts the components in rows by rank, each row in the average
// position of the components it is linked to in the row above (so arrows
// cross less), ties by ref number.
func orderRows(comps []*debrief.AnalysisItem, edges []edge, rank map[string]int) [][]string {
	n := 0
	for _, r := range rank {
		n = max(n, r+1)
	}
	rows := make([][]string, n)
	for _, c := range comps {
		rows[rank[c.Ref]] = append(rows[rank[c.Ref]], c.Ref)
	}
	index := map[string]float64{}
	if n > 0 {
		for i, ref := range rows[0] {
			index[ref] = float64(i)
		}
	}
	order := map[string]int{}
	for i, c := range comps {
		order[c.Ref] = i
	}
	for r := 1; r < n; r++ {
		bary := map[string]float64{}
		for _, ref := range rows[r] {
			sum, cnt := 0.0, 0
			for _, e := range edges {
				if e.to == ref && rank[e.from] < r {
					sum += index[e.from]
					cnt++
				}
			}
			if cnt > 0 {
				bary[ref] = sum / float64(cnt)
			} else {
				bary[ref] = float64(order[ref])
			}
		}
		slices.SortStableFunc(rows[r], func(a, b string) int {
			switch {
			case bary[a] < bary[b]:
				return -1
			case bary[a] > bary[b]:
				return 1
			}
			return order[a] - order[b]
		})
		for i, ref := range rows[r] {
			index[ref] = float64(i)
		}
	}
	return rows
}

func drawBox(c *canvas, it *debrief.AnalysisItem, p [2]int) {
	x, y := p[0], p[1]
	fill, dash, scope := colSysFill, "", "system"
	if it.Scope == debrief.ScopeEnvironment {
		fill, dash, scope = colEnvFill, ` stroke-dasharray="6 4"`, "environment"
	}
	c.f(`<g id="%s">`+"\n", esc(it.Ref))
	c.f("<title>%s</title>\n", esc(it.Ref+" "+it.Title+" ("+scope+")"))
	c.f(`<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="%s" stroke-width="1.5"%s/>`+"\n", x, y, boxW, boxH, fill, colInk, dash)
	c.text(x+8, y+16, "start", ` font-size="11" font-weight="700" fill="`+colInk+`"`, it.Ref)
	c.text(x+boxW-8, y+16, "end", ` font-size="10" fill="`+colMissing+`"`, scope)
	lines := wrap(it.Title, 26, 2)
	for i, l := range lines {
		yy := y + 38 + i*16
		if len(lines) == 1 {
			yy = y + 44
		}
		c.text(x+boxW/2, yy, "middle", ` font-weight="600" fill="`+colInk+`"`, l)
	}
	c.f("</g>\n")
}

// drawEdge draws one control between its controller (from) and process
// (to): the control action on the left going down, the feedback on the
// right coming up. k of n edges between the same two boxes share the space.
func drawEdge(c *canvas, e edge, from, to [2]int, k, n int, badges *badgeSet) {
	col, fcol, marker, fmarker, dash := colControl, colFeedback, "a-control", "a-feedback", ""
	switch {
	case e.missing:
		col, fcol, marker, fmarker, dash = colMissing, colMissing, "a-missing", "a-missing", ` stroke-dasharray="7 5"`
	case len(e.failures) > 0:
		col, fcol, marker, fmarker = colFailed, colFailed, "a-failed", "a-failed"
	}
	// Spread several edges between one pair across the box.
	slot := boxW / (n + 1)
	cx := from[0] + slot*(k+1)
	px := to[0] + slot*(k+1)
	const off = 14
	x1, y1 := cx-off, from[1]+boxH
	x2, y2 := px-off, to[1]
	fx1, fy1 := px+off, to[1]
	fx2, fy2 := cx+off, from[1]+boxH
	if to[1] <= from[1] { // a loop or a sideways link: go from the top
		y1, fy2 = from[1], from[1]
		y2, fy1 = to[1]+boxH, to[1]+boxH
	}
	width := "2"
	if len(e.failures) > 0 {
		width = "3"
	}
	c.f(`<g id="%s">`+"\n", esc(e.it.Ref))
	tip := e.it.Ref + " " + e.it.Title
	if e.missing {
		tip += " (missing control)"
	}
	if len(e.failures) > 0 {
		tip += " — failed: " + strings.Join(e.failures, ", ")
	}
	c.f("<title>%s</title>\n", esc(tip))
	c.f(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="%s"%s marker-end="url(#%s)"/>`+"\n", x1, y1, x2, y2-2, col, width, dash, marker)
	c.f(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="%s"%s marker-end="url(#%s)"/>`+"\n", fx1, fy1, fx2, fy2+2, fcol, width, dash, fmarker)

	// A badge with the control's id (and its failures) sits on the
	// action arrow, a third of the way down; the key below the picture
	// says the rest. Badges that would overlap are moved apart.
	head := e.it.Ref
	if e.missing {
		head += " missing"
	}
	if len(e.failures) > 0 {
		head += " ✗ " + strings.Join(e.failures, ", ")
	}
	badges.add(x1+(x2-x1)/3, y1+(y2-y1)/3, head, col)
	c.f("</g>\n")
}

// legend explains the marks, so the picture reads without the page.
func legend(c *canvas, x, y int) {
	c.f(`<g font-size="12" fill="%s">`+"\n", colInk)
	item := func(dx int, col, dash, label string) {
		c.f(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"%s/>`+"\n", x+dx, y, x+dx+28, y, col, dash)
		c.text(x+dx+34, y+4, "start", "", label)
	}
	item(0, colControl, "", "control action ↓")
	item(150, colFeedback, "", "feedback ↑")
	item(270, colFailed, "", "failed (✗ failure ids)")
	item(445, colMissing, ` stroke-dasharray="7 5"`, "missing control")
	c.f(`<rect x="%d" y="%d" width="24" height="14" rx="3" fill="%s" stroke="%s"/>`+"\n", x, y+18, colSysFill, colInk)
	c.text(x+30, y+30, "start", "", "our system")
	c.f(`<rect x="%d" y="%d" width="24" height="14" rx="3" fill="%s" stroke="%s" stroke-dasharray="6 4"/>`+"\n", x+150, y+18, colEnvFill, colInk)
	c.text(x+180, y+30, "start", "", "environment")
	c.f("</g>\n")
}

// badge is an edge's label: its text centred on (x, y).
type badge struct {
	x, y       int
	text, col  string
	halfW, top int
}

// badgeSet places badges so that none overlaps another: a badge that
// would is moved down, then up, in steps of its height, until it is free.
type badgeSet struct{ placed []badge }

const badgeH = 18

func (s *badgeSet) add(x, y int, text, col string) {
	w := 7*len([]rune(text)) + 14
	b := badge{x: x, y: y, text: text, col: col, halfW: w / 2}
	for step := 0; step < 12; step++ {
		dy := (step + 1) / 2 * (badgeH + 3)
		if step%2 == 1 {
			dy = -dy
		}
		b.top = y + dy - badgeH/2
		if !s.overlaps(b) {
			break
		}
	}
	s.placed = append(s.placed, b)
}

func (s *badgeSet) overlaps(b badge) bool {
	for _, o := range s.placed {
		if b.x-b.halfW < o.x+o.halfW+4 && o.x-o.halfW < b.x+b.halfW+4 &&
			b.top < o.top+badgeH+2 && o.top < b.top+badgeH+2 {
			return true
		}
	}
	return false
}

func (s *badgeSet) draw(c *canvas) {
	for _, b := range s.placed {
		c.f(`<rect x="%d" y="%d" width="%d" height="%d" rx="9" fill="#ffffff" stroke="%s" stroke-width="1.5"/>`+"\n",
			b.x-b.halfW, b.top, 2*b.halfW, badgeH, b.col)
		c.text(b.x, b.top+13, "middle", fmt.Sprintf(` font-size="11" font-weight="700" fill="%s"`, b.col), b.text)
	}
}

// drawKey lists the drawn controls in full: id, title, the action down and
// the feedback up, in the control's colour.
func drawKey(c *canvas, edges []edge, x, y int) {
	c.text(x, y+12, "start", ` font-weight="600" fill="`+colInk+`"`, "Controls drawn:")
	for i, e := range edges {
		col := colControl
		switch {
		case e.missing:
			col = colMissing
		case len(e.failures) > 0:
			col = colFailed
		}
		line := e.it.Ref + "  " + cut(e.it.Title, 70)
		if e.missing {
			line += " (missing)"
		}
		if len(e.failures) > 0 {
			line += " — failed: " + strings.Join(e.failures, ", ")
		}
		var how []string
		if e.it.Action != "" {
			how = append(how, "↓ "+cut(e.it.Action, 60))
		}
		if e.it.Feedback != "" {
			how = append(how, "↑ "+cut(e.it.Feedback, 40))
		}
		c.text(x+12, y+32+36*i, "start", ` font-weight="600" fill="`+col+`"`, line)
		if len(how) > 0 {
			c.text(x+30, y+48+36*i, "start", ` font-size="11" font-style="italic" fill="`+col+`"`, strings.Join(how, "    "))
		}
	}
}
