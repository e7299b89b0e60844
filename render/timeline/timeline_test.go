package timeline

import (
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var t0 = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

func minutesIncident() ([]Event, []Milestone) {
	m := func(d time.Duration) time.Time { return t0.Add(d) }
	evs := []Event{
		{At: m(-12 * time.Minute), Lane: "github", Text: "Merged acme/gateway#1347: Raise connection pool to 200", Kind: "deploy"},
		{At: m(50 * time.Second), Lane: "alertmanager", Text: "Firing: CheckoutErrorRate — checkout error rate above 5%", Kind: "alert", Starred: true},
		{At: m(time.Minute), Lane: "pagerduty", Text: "Triggered #4321", Kind: "alert"},
		{At: m(2*time.Minute + 30*time.Second), Lane: "pagerduty", Text: "Acknowledged by Maria Jensen.", Kind: "page"},
		{At: m(3 * time.Minute), Lane: "slack", Text: "I'm on it", Kind: "message"},
		{At: m(4 * time.Minute), Lane: "slack", Text: "Gateway returns 502 since 09:58 UTC", Kind: "message"},
		{At: m(5 * time.Minute), Lane: "slack", Text: "Rolled back the gateway to v2.3.1", Kind: "message", Starred: true},
		{At: m(7 * time.Minute), Lane: "slack", Text: "Error rate graph", Kind: "message"},
		{At: m(20 * time.Minute), Lane: "pagerduty", Text: "Resolved by Maria Jensen.", Kind: "alert"},
		{At: m(20 * time.Minute), Lane: "slack", Text: "Error rate back to normal", Kind: "message"},
	}
	ms := []Milestone{
		{Name: "started", At: m(-10 * time.Minute)},
		{Name: "detected", At: m(50 * time.Second)},
		{Name: "acknowledged", At: m(2*time.Minute + 30*time.Second)},
		{Name: "mitigated", At: m(5 * time.Minute)},
		{Name: "resolved", At: m(20 * time.Minute)},
	}
	return evs, ms
}

func daysIncident() ([]Event, []Milestone) {
	var evs []Event
	people := []string{"Maria Jensen", "Tom Berg", "Ada Lovelace", "PagerDuty (bot)"}
	for i := range 60 {
		evs = append(evs, Event{At: t0.Add(time.Duration(i) * 71 * time.Minute), Lane: people[i%len(people)], Text: "update", Kind: []string{"message", "note", "page"}[i%3], Starred: i%17 == 0})
	}
	ms := []Milestone{
		{Name: "started", At: t0.Add(-3 * time.Hour)},
		{Name: "detected", At: t0},
		{Name: "acknowledged", At: t0.Add(40 * time.Minute)},
		{Name: "mitigated", At: t0.Add(30 * time.Hour)},
		{Name: "resolved", At: t0.Add(70 * time.Hour)},
	}
	return evs, ms
}

func render(t *testing.T, evs []Event, ms []Milestone, o Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, evs, ms, o); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, b.Bytes())
	return b.Bytes()
}

// wellFormed parses the SVG as XML, to the end.
func wellFormed(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./render/timeline -update, then look at it)", name)
	}
}

func TestGoldenMinutes(t *testing.T) {
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	evs, ms := minutesIncident()
	golden(t, "minutes.svg", render(t, evs, ms, Options{Title: "Checkout errors — by source", Zone: cph}))
}

func TestGoldenDays(t *testing.T) {
	evs, ms := daysIncident()
	golden(t, "days.svg", render(t, evs, ms, Options{Title: "Search index rebuild — by person", LaneTitle: "Person"}))
}

func TestEscapingAndHostileText(t *testing.T) {
	evs := []Event{{At: t0, Lane: `<script>alert("x")</script>`, Text: "a & b ]]> \x00\x01 <img src=x onerror=alert(1)> 'q'", Kind: `"><svg onload=alert(1)>`}}
	svg := render(t, evs, nil, Options{Title: `</title><script>alert(1)</script>`})
	s := string(svg)
	for _, bad := range []string{"<script", "<img", "onload=alert", "\x00"} {
		if strings.Contains(s, bad) {
			t.Errorf("the SVG holds %q", bad)
		}
	}
	if !strings.Contains(s, "&lt;script&gt;") || !strings.Contains(s, "a &amp; b ]]&gt;") {
		t.Errorf("text not escaped:\n%s", s)
	}
}

func TestEmptyAndManyLanes(t *testing.T) {
	render(t, nil, nil, Options{})
	var evs []Event
	for i := range 30 {
		evs = append(evs, Event{At: t0.Add(time.Duration(i) * time.Minute), Lane: string(rune('A' + i%26)), Text: "x"})
	}
	svg := string(render(t, evs, nil, Options{MaxLanes: 5}))
	if strings.Count(svg, `class="lane-label"`) != 5 || !strings.Contains(svg, ">Others<") {
		t.Errorf("lanes beyond the cap are not grouped")
	}
}

func TestAxisSteps(t *testing.T) {
	for d, want := range map[time.Duration]time.Duration{
		20 * time.Minute:    5 * time.Minute,
		3 * time.Hour:       30 * time.Minute,
		3 * 24 * time.Hour:  12 * time.Hour,
		40 * 24 * time.Hour: 7 * 24 * time.Hour,
	} {
		if got := pickStep(d, 786); got != want {
			t.Errorf("%v: step %v, want %v", d, got, want)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("slack", "hello <b>", "message", int64(0))
	f.Add("", "\xff\xfe", "x", int64(-1e15))
	f.Fuzz(func(t *testing.T, lane, text, kind string, off int64) {
		evs := []Event{{At: t0.Add(time.Duration(off)), Lane: lane, Text: text, Kind: kind}, {At: t0, Lane: text, Text: lane}}
		var b bytes.Buffer
		if err := Render(&b, evs, []Milestone{{Name: lane, At: t0}}, Options{Title: text}); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b.Bytes())
	})
}
