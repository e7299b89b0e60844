package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

// The evidence page and the event form name the incident's zone with the
// offset the incident's own times have, as the incident page does: a
// summer incident read in winter once said UTC+01:00 over times at +02:00.
func TestZoneLabelUsesTheIncidentsOffset(t *testing.T) {
	e := newEnv(t)
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Skip("no zone database")
	}
	// The season opposite to today's, so the offsets differ.
	start, want, wrong := time.Date(2021, 8, 26, 10, 22, 0, 0, cph), "UTC+02:00", "UTC+01:00"
	if _, off := time.Now().In(cph).Zone(); off == 2*3600 {
		start, want, wrong = time.Date(2021, 1, 26, 10, 22, 0, 0, cph), "UTC+01:00", "UTC+02:00"
	}
	inc := &debrief.Incident{
		Title: "Sign-in loop", Severity: "SEV2", Status: debrief.IncidentResolved,
		Team: e.team("payments").Slug, TimeZone: "Europe/Copenhagen",
		Milestones: debrief.Milestones{Started: &start},
	}
	if err := e.svc.CreateIncident(e.ctx, inc, ""); err != nil {
		t.Fatal(err)
	}
	base := "/incidents/" + itoa(inc.ID)
	for _, path := range []string{base, base + "/evidence", base + "/events/new"} {
		body := e.page(path)
		contains(t, body, "Europe/Copenhagen ("+want+")")
		if strings.Contains(body, "Europe/Copenhagen ("+wrong+")") {
			t.Errorf("%s names the zone with today's offset, %s", path, wrong)
		}
	}
}
