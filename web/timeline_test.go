package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func TestAddEditDeleteEvent(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	base := "/incidents/" + itoa(s.inc.ID)

	// Added with a time typed in the incident's zone, before every other
	// event: it must be stored in UTC and shown first.
	loc := redirected(t, e.post(base+"/events", url.Values{
		"at": {"2024-03-12T13:45:07"}, "text": {"Canary deploy of PAY-2291 to eu-north"},
		"kind": {"deploy"}, "source": {"argo"}, "author": {"dana"},
		"url": {"https://deploy.example.com/r/1"}, "starred": {"1"},
	}))
	evs, _, _ := e.svc.FindEvents(e.ctx, debrief.EventFilter{IncidentID: s.inc.ID})
	ev := evs[0]
	if ev.Text != "Canary deploy of PAY-2291 to eu-north" {
		t.Fatalf("first event is %q", ev.Text)
	}
	if want := at(t, "2024-03-12 13:45:07"); !ev.At.Equal(want) || !ev.Starred || ev.Kind != "deploy" || ev.Source != "argo" || ev.Author != "dana" {
		t.Errorf("stored %+v, want at %v", ev, want)
	}
	if loc != base+"#event-"+itoa(ev.ID) {
		t.Errorf("Location = %q", loc)
	}
	body := e.page(base)
	first := strings.Index(body, "Canary deploy of PAY-2291")
	if first < 0 || first > strings.Index(body, "Config change PAY-2291 merged") {
		t.Error("the new event is not first on the timeline")
	}
	contains(t, body, `<time class="tl-time" datetime="2024-03-12T12:45:07Z">13:45:07</time>`)

	// Edit: move it after the alert and unstar it.
	edit := base + "/events/" + itoa(ev.ID) + "/edit"
	contains(t, e.page(edit), `value="2024-03-12T13:45:07"`)
	redirected(t, e.post(edit, url.Values{
		"version": {itoa(ev.Version)}, "at": {"2024-03-12T14:25:00"}, "text": {"Canary deploy, second try"},
		"kind": {"deploy"}, "source": {"argo"}, "author": {"dana"}, "url": {""},
	}))
	got, _ := e.svc.FindEventByID(e.ctx, s.inc.ID, ev.ID)
	if !got.At.Equal(at(t, "2024-03-12 14:25:00")) || got.Text != "Canary deploy, second try" || got.Starred || got.URL != "" {
		t.Errorf("after edit: %+v", got)
	}
	body = e.page(base)
	if strings.Index(body, "Canary deploy, second try") < strings.Index(body, "Alert: checkout 5xx above 2%") {
		t.Error("the edited event did not move after the alert")
	}

	// Saving from the stale form shows both versions and keeps the input.
	w := e.post(edit, url.Values{"version": {itoa(ev.Version)}, "at": {"2024-03-12T14:26:00"}, "text": {"My stale wording"}, "kind": {"note"}})
	if w.Code != http.StatusConflict {
		t.Fatalf("stale edit: status %d, want 409", w.Code)
	}
	contains(t, w.Body.String(), "What is saved now", "Canary deploy, second try", "My stale wording", `name="version" value="`+itoa(got.Version)+`"`)

	// Delete.
	if loc := redirected(t, e.post(base+"/events/delete", url.Values{"event": {itoa(ev.ID)}})); loc != base+"#timeline" {
		t.Errorf("Location = %q", loc)
	}
	if _, err := e.svc.FindEventByID(e.ctx, s.inc.ID, ev.ID); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("event still there: %v", err)
	}
}

func TestAddEventErrors(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	base := "/incidents/" + itoa(s.inc.ID)
	for _, tc := range []struct {
		form  url.Values
		field string
		msg   string
	}{
		{url.Values{"at": {"2024-03-12T14:00"}, "text": {" "}, "kind": {"note"}}, "text", "What happened is required."},
		{url.Values{"at": {""}, "text": {"x"}, "kind": {"note"}}, "at", "Time is required."},
		{url.Values{"at": {"yesterday"}, "text": {"x"}, "kind": {"note"}}, "at", "Time must be a date and time"},
		{url.Values{"at": {"2024-03-12T14:00"}, "text": {"x"}, "kind": {"note"}, "url": {"javascript:alert(1)"}}, "url", "Link must be an absolute http or https URL."},
	} {
		w := e.post(base+"/events", tc.form)
		if w.Code != http.StatusBadRequest {
			t.Errorf("%v: status %d, want 400", tc.form, w.Code)
			continue
		}
		body := w.Body.String()
		contains(t, body, `<p class="field-error" id="f-`+tc.field+`-error">`+tc.msg)
		// What the user typed comes back.
		if v := tc.form.Get("at"); v != "" {
			contains(t, body, `value="`+v+`"`)
		}
	}
	if _, n, _ := e.svc.FindEvents(e.ctx, debrief.EventFilter{IncidentID: s.inc.ID, IncludeHidden: true}); n != len(s.events) {
		t.Errorf("%d events after failed posts, want %d", n, len(s.events))
	}
	if w := e.post("/incidents/999/events", url.Values{"at": {"2024-03-12T14:00"}, "text": {"x"}}); w.Code != http.StatusNotFound {
		t.Errorf("event on a missing incident: %d", w.Code)
	}
}

// The timeline must render thousands of events in order; this also pins
// the grouping by day in the incident's zone across midnight.
func TestTimelineGroupsByDayInTheIncidentsZone(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	// 23:30 UTC on 12 March is 00:30 on the 13th in Copenhagen.
	ev := &debrief.Event{IncidentID: s.inc.ID, At: at(t, "2024-03-13 00:30:00"), Text: "Past midnight", Kind: "note"}
	if err := e.svc.CreateEvent(e.ctx, ev); err != nil {
		t.Fatal(err)
	}
	body := e.page("/incidents/" + itoa(s.inc.ID))
	day2 := strings.Index(body, `<h3 class="tl-date">Wed 13 Mar 2024 <span class="tl-zone">CET, UTC&#43;01:00</span></h3>`)
	if day2 < 0 || day2 > strings.Index(body, "Past midnight") || day2 < strings.Index(body, "Incident declared") {
		t.Error("events are not grouped under the right day")
	}
	if w := e.get("/incidents/" + itoa(s.inc.ID) + "/events/new"); w.Code != http.StatusOK {
		t.Errorf("new event page: %d", w.Code)
	}
}

// A long timeline is rendered in parallel chunks; the rows must still come
// out whole and in time order, and an edit must show on the next view.
func TestLongTimelineStaysInOrder(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	start := *s.inc.Milestones.Started
	const n = 450
	for i := n - 1; i >= 0; i-- { // added newest first
		ev := &debrief.Event{IncidentID: s.inc.ID, At: start.Add(time.Duration(i) * time.Minute), Text: fmt.Sprintf("Step %03d", i), Kind: "note"}
		if err := e.svc.CreateEvent(e.ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	check := func(body string) {
		t.Helper()
		if got := strings.Count(body, `<li id="event-`); got != n+len(s.events)-1 {
			t.Fatalf("%d rows, want %d", got, n+len(s.events)-1)
		}
		last := -1
		for i := range n {
			at := strings.Index(body, fmt.Sprintf("Step %03d<", i))
			if at < last {
				t.Fatalf("Step %03d is out of order", i)
			}
			last = at
		}
	}
	path := "/incidents/" + itoa(s.inc.ID)
	check(e.page(path))
	check(e.page(path)) // from the row cache

	evs, _, _ := e.svc.FindEvents(e.ctx, debrief.EventFilter{IncidentID: s.inc.ID, Limit: 1000})
	target := evs[len(evs)/2]
	text := target.Text + " (edited)"
	if _, err := e.svc.UpdateEvent(e.ctx, s.inc.ID, target.ID, debrief.EventUpdate{Text: &text, Version: target.Version}); err != nil {
		t.Fatal(err)
	}
	contains(t, e.page(path), text)
}

// A tagged event shows its phase as a small label on the incident page;
// an untagged one shows none.
func TestTimelineRowShowsTheEventsTag(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	ev := &debrief.Event{IncidentID: s.inc.ID, At: at(t, "2024-03-12 14:20:00"), Text: "Rolled back the deploy", Kind: "action"}
	if err := e.svc.CreateEvent(e.ctx, ev); err != nil {
		t.Fatal(err)
	}
	tag := debrief.TagRepair
	if _, err := e.svc.UpdateEvent(e.ctx, s.inc.ID, ev.ID, debrief.EventUpdate{Tag: &tag, Version: ev.Version}); err != nil {
		t.Fatal(err)
	}
	body := e.page("/incidents/" + itoa(s.inc.ID))
	row := body[strings.Index(body, `<li id="event-`+itoa(ev.ID)+`"`):]
	row = row[:strings.Index(row, "</li>")]
	if !strings.Contains(row, `<span class="tag ev-phase ph-repair" title="Phase of the response">Repair</span>`) {
		t.Errorf("the tagged row has no phase label:\n%s", row)
	}
	if strings.Count(body, "ev-phase") != 1 {
		t.Errorf("%d phase labels, want only the tagged event's", strings.Count(body, "ev-phase"))
	}
}
