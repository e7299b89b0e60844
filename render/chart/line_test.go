package chart_test

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief/render/chart"
)

// The chart is well-formed XML whatever the labels hold, with one point
// per value, each value in its tooltip, and a y axis from 0 above the top.
func TestLineChart(t *testing.T) {
	pts := []chart.Point{{"2026-10-05", 3}, {"<b>&\"x\"", 7}, {"2026-10-19", 12}, {"2026-10-26", 9}}
	svg := chart.Line("Open follow-ups </title><script>", "Weekly & more", pts)
	if strings.Contains(svg, "<script>") || strings.Contains(svg, "<b>") {
		t.Fatalf("unescaped text:\n%s", svg)
	}
	dec := xml.NewDecoder(strings.NewReader(svg))
	circles, texts := 0, []string{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, svg)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if el.Name.Local == "circle" {
				circles++
			}
		case xml.CharData:
			texts = append(texts, string(el))
		}
	}
	if circles != len(pts) {
		t.Fatalf("%d points drawn, want %d", circles, len(pts))
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"Open follow-ups </title><script>", "<b>&\"x\": 7", "2026-10-19: 12", "|0|", "|15|"} {
		if !strings.Contains(all, want) {
			t.Errorf("chart text lacks %q: %s", want, all)
		}
	}
	// No points, one point: still a chart.
	for _, p := range [][]chart.Point{nil, {{"only", 0}}} {
		if err := xml.Unmarshal([]byte(chart.Line("t", "d", p)), new(struct{})); err != nil {
			t.Errorf("%v: %v", p, err)
		}
	}
}

func FuzzLineChart(f *testing.F) {
	f.Add("2026-W01", 3, "<&>", 0)
	f.Fuzz(func(t *testing.T, a string, av int, b string, bv int) {
		if av < 0 || bv < 0 || av > 1e6 || bv > 1e6 {
			return
		}
		svg := chart.Line(a, b, []chart.Point{{a, av}, {b, bv}})
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := d.Token()
			if err == io.EOF {
				return
			}
			if err != nil {
				// Text that is not valid XML characters (control bytes)
				// cannot be in any XML document; escaping keeps the rest.
				if strings.ContainsFunc(a+b, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFD }) {
					return
				}
				t.Fatalf("not XML for %q, %q: %v", a, b, err)
			}
		}
	})
}
