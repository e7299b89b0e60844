package web

import (
	"slices"
	"strconv"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
)

// Small helpers shared by the page models. Pages get plain strings computed
// once in Go rather than calling functions per row in templates: the
// incident page has thousands of rows and template calls are the costly part.

func labelOf(v string) string { return render.Label(v) }

func personLabel(p *debrief.Person) string { return render.PersonName(p) }

// severityClass maps a severity to one of four colour classes by its rank
// in the configured scale, so any scale (P1..P5, SEV0..SEV3) gets colours.
func severityClass(scale []string, sev string) string {
	i := slices.Index(scale, sev)
	switch {
	case i < 0:
		return "sev-x"
	case i >= 3:
		return "sev-4"
	}
	return "sev-" + strconv.Itoa(i+1)
}

// timeView is one moment as the pages show it: in the incident's zone, with
// the machine-readable instant for <time datetime>.
type timeView struct {
	t time.Time // in the zone shown
	// Date is "Wed 1 May 2024", Clock "14:03" or "14:03:07", Offset
	// "UTC+02:00", Zone "CEST, UTC+02:00".
	Date, Clock, Offset, Zone string
	ISO                       string
}

func newTimeView(t time.Time, loc *time.Location) timeView {
	lt := t.In(loc)
	clock := "15:04"
	if lt.Second() != 0 {
		clock = "15:04:05"
	}
	v := timeView{
		t:      lt,
		Date:   lt.Format("Mon 2 Jan 2006"),
		Clock:  lt.Format(clock),
		Offset: "UTC" + lt.Format("-07:00"),
		ISO:    t.UTC().Format(time.RFC3339),
	}
	v.Zone = v.Offset
	if name, _ := lt.Zone(); name != "" && name != "UTC" && name[0] != '+' && name[0] != '-' {
		v.Zone = name + ", " + v.Offset
	}
	return v
}

// Full is "2024-05-01 14:03 CEST (UTC+02:00)". It is a method, computed
// only where a page shows it, not for every row of a long timeline.
func (v timeView) Full() string { return render.Time(v.t, v.t.Location()) }

// incidentPath is the address of an incident's page.
func incidentPath(id int64) string { return "/incidents/" + strconv.FormatInt(id, 10) }
