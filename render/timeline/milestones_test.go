package timeline

import (
	"testing"
	"time"
)

// Four milestones within 25 minutes of a three-hour picture (the demo
// incident's declared, mitigated and resolved) once shared the last label
// row and were drawn over each other; no two labels in a row may overlap.
func TestMilestoneLabelsNeverOverlap(t *testing.T) {
	start := time.Date(2021, 8, 26, 8, 22, 0, 0, time.UTC)
	var ms []Milestone
	for i, name := range []string{"started", "detected", "acknowledged", "declared", "mitigated", "resolved"} {
		at := start
		if i > 0 {
			at = start.Add(64*time.Minute + time.Duration(i)*5*time.Minute)
		}
		ms = append(ms, Milestone{Name: name, At: at})
	}
	span := 3 * time.Hour
	x := func(at time.Time) float64 { return 150 + 786*at.Sub(start).Seconds()/span.Seconds() }
	placed, rows := placeMilestones(ms, x, false, Options{Zone: time.UTC, Width: 960})
	if rows < 4 {
		t.Fatalf("rows = %d, want at least 4 for five labels within 25 minutes", rows)
	}
	type span1 struct{ l, r float64 }
	byRow := map[int][]span1{}
	for _, p := range placed {
		w := textWidth(p.label)
		l := p.x - w/2
		switch p.anchor {
		case "start":
			l = p.x
		case "end":
			l = p.x - w
		}
		for _, o := range byRow[p.row] {
			if l < o.r && o.l < l+w {
				t.Errorf("label %q overlaps another in row %d", p.label, p.row)
			}
		}
		byRow[p.row] = append(byRow[p.row], span1{l, l + w})
	}
}
