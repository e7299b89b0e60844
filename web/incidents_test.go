package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func TestCreateIncident(t *testing.T) {
	e := newEnv(t)
	w := e.post("/incidents", url.Values{
		"title":              {"Login latency spikes"},
		"severity":           {"SEV2"},
		"services":           {" auth-api, edge ,, "},
		"team":               {e.team("identity").Slug},
		"time_zone":          {"America/New_York"},
		"milestones.started": {"2024-07-01T09:15"},
	})
	loc := redirected(t, w)
	if loc != "/incidents/1" {
		t.Fatalf("Location = %q", loc)
	}
	inc, err := e.svc.FindIncidentByID(e.ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// 09:15 in New York in July is 13:15 UTC (EDT, UTC-04:00).
	if want := time.Date(2024, 7, 1, 13, 15, 0, 0, time.UTC); inc.Milestones.Started == nil || !inc.Milestones.Started.Equal(want) {
		t.Errorf("started = %v, want %v", inc.Milestones.Started, want)
	}
	if inc.Title != "Login latency spikes" || inc.Severity != "SEV2" || inc.Team != "identity" || inc.TimeZone != "America/New_York" {
		t.Errorf("stored %+v", inc)
	}
	if len(inc.Services) != 2 || inc.Services[0] != "auth-api" || inc.Services[1] != "edge" {
		t.Errorf("services = %q", inc.Services)
	}
	contains(t, e.page(loc), "Login latency spikes", `<span class="ms-clock">09:15</span><span class="ms-date">Mon 1 Jul 2024 · UTC-04:00</span>`)
}

func TestCreateIncidentShowsErrorsNextToFields(t *testing.T) {
	e := newEnv(t)
	team := e.team("payments").Slug
	w := e.post("/incidents", url.Values{"title": {"  "}, "severity": {"SEV2"}, "services": {"api"}, "time_zone": {"UTC"}, "team": {team}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	body := w.Body.String()
	contains(t, body,
		`id="f-title" name="title" value="  "`, `aria-invalid="true" aria-describedby="f-title-error" autofocus`,
		`<p class="field-error" id="f-title-error">Title is required.</p>`,
		`<a href="#f-title">Title is required.</a>`,
		`value="api"`, `<input type="radio" name="severity" value="SEV2" checked>`)

	w = e.post("/incidents", url.Values{"title": {"Fine"}, "severity": {"SEV2"}, "time_zone": {"Mars/Olympus"}, "team": {team}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	contains(t, w.Body.String(), `id="f-time_zone-error"`, "Time zone must be an IANA name", `value="Mars/Olympus"`, `value="Fine"`)

	w = e.post("/incidents", url.Values{"title": {"Fine"}, "severity": {"SEV9"}, "time_zone": {"UTC"}, "team": {team}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	contains(t, w.Body.String(), `<p class="field-error" id="f-severity-error">Severity must be one of SEV1, SEV2, SEV3, SEV4 (got &#34;SEV9&#34;).</p>`,
		`<input type="radio" name="severity" value="SEV1" id="f-severity" aria-invalid="true" aria-describedby="f-severity-error" autofocus><span class="sev sev-1">SEV1</span>`)

	if _, n, _ := e.svc.FindIncidents(e.ctx, debrief.IncidentFilter{}); n != 0 {
		t.Errorf("%d incidents stored after failed posts", n)
	}
}

func editForm(inc *debrief.Incident) url.Values {
	return url.Values{
		"version": {itoa(inc.Version)}, "title": {inc.Title}, "severity": {inc.Severity},
		"status": {string(inc.Status)}, "services": {"checkout-api, payments-gateway"}, "team": {inc.Team},
		"time_zone": {inc.TimeZone}, "input_zone": {inc.TimeZone}, "commander_id": {itoa(*inc.CommanderID)},
		"milestones.started": {"2024-03-12T14:02:00"}, "milestones.detected": {"2024-03-12T14:20:00"},
		"milestones.resolved": {"2024-03-12T16:05:00"},
		"responder_person":    {itoa(inc.Responders[0].PersonID), "0", "0"},
		"responder_role":      {"SRE on call", "", ""},
	}
}

func TestUpdateIncident(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	path := "/incidents/" + itoa(s.inc.ID) + "/edit"
	f := editForm(s.inc)
	f.Set("title", "Checkout failed for card payments in the EU")
	f.Set("milestones.mitigated", "2024-03-12T15:12:00")
	// Switch the zone in the same save: times typed in the old zone keep
	// meaning what they meant.
	f.Set("time_zone", "UTC")
	f["responder_person"] = []string{itoa(s.bo.ID), itoa(s.ana.ID), "0"}
	f["responder_role"] = []string{"SRE on call", "Scribe", ""}
	if loc := redirected(t, e.post(path, f)); loc != "/incidents/"+itoa(s.inc.ID) {
		t.Fatalf("Location = %q", loc)
	}
	inc, _ := e.svc.FindIncidentByID(e.ctx, s.inc.ID)
	if inc.Title != "Checkout failed for card payments in the EU" || inc.TimeZone != "UTC" {
		t.Errorf("stored %q in %q", inc.Title, inc.TimeZone)
	}
	if want := at(t, "2024-03-12 15:12:00"); inc.Milestones.Mitigated == nil || !inc.Milestones.Mitigated.Equal(want) {
		t.Errorf("mitigated = %v, want %v", inc.Milestones.Mitigated, want)
	}
	if !inc.Milestones.Started.Equal(*s.inc.Milestones.Started) {
		t.Errorf("started moved from %v to %v", s.inc.Milestones.Started, inc.Milestones.Started)
	}
	if len(inc.Responders) != 2 || inc.Responders[1].Role != "Scribe" {
		t.Errorf("responders = %+v", inc.Responders)
	}
	// Now shown in UTC.
	contains(t, e.page("/incidents/"+itoa(s.inc.ID)), `<span class="ms-clock">14:12</span><span class="ms-date">Tue 12 Mar 2024 · UTC+00:00</span>`)

	// A second save from the old form is refused: someone saved since.
	w := e.post(path, editForm(s.inc))
	if w.Code != http.StatusConflict {
		t.Fatalf("stale save: status %d, want 409", w.Code)
	}
	contains(t, w.Body.String(), "Someone else saved a change first", `name="version" value="`+itoa(inc.Version)+`"`)
	if again, _ := e.svc.FindIncidentByID(e.ctx, s.inc.ID); again.Title != inc.Title {
		t.Errorf("stale save overwrote the title with %q", again.Title)
	}

	// A milestone before the start is refused next to its field.
	f = editForm(inc)
	f.Set("input_zone", "UTC")
	f.Set("time_zone", "UTC")
	f.Set("milestones.detected", "2024-03-12T12:00:00")
	w = e.post(path, f)
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	contains(t, w.Body.String(), `<p class="field-error" id="f-milestones-detected-error">Detected is before the incident started.</p>`, `value="2024-03-12T12:00:00"`)

	// A role without a person is pointed out on its row.
	f = editForm(inc)
	f.Set("input_zone", "UTC")
	f.Set("time_zone", "UTC")
	f["responder_person"] = []string{itoa(s.bo.ID), "0"}
	f["responder_role"] = []string{"SRE on call", "Scribe"}
	w = e.post(path, f)
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	contains(t, w.Body.String(), `id="f-responder_role-1-error">Choose the person who had this role`)
}

func TestRetrospectiveStatusAndWriter(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	path := "/incidents/" + itoa(s.inc.ID) + "/retrospective"
	r, _ := e.svc.FindRetrospective(e.ctx, s.inc.ID)
	// The seed's write-up has lint errors: the writer confirms them.
	if loc := redirected(t, e.post(path, url.Values{"version": {itoa(r.Version)}, "status": {"in_review"}, "confirm_lint": {"1"}})); loc != "/incidents/1#retrospective" {
		t.Errorf("Location = %q", loc)
	}
	r2, _ := e.svc.FindRetrospective(e.ctx, s.inc.ID)
	if r2.Status != debrief.RetroInReview {
		t.Fatalf("status = %s", r2.Status)
	}
	body := e.page("/incidents/" + itoa(s.inc.ID))
	contains(t, body, "Retrospective: In review", `aria-current="step">In review`, ">Approve</button>", ">Back to draft</button>")

	redirected(t, e.post(path, url.Values{"version": {itoa(r2.Version)}, "writer_id": {itoa(s.bo.ID)}}))
	r3, _ := e.svc.FindRetrospective(e.ctx, s.inc.ID)
	if r3.WriterID == nil || *r3.WriterID != s.bo.ID || r3.Status != debrief.RetroInReview {
		t.Errorf("writer = %v, status %s", r3.WriterID, r3.Status)
	}

	// The page loaded before the writer changed is now stale.
	w := e.post(path, url.Values{"version": {itoa(r2.Version)}, "status": {"approved"}})
	if w.Code != http.StatusConflict {
		t.Fatalf("status %d, want 409", w.Code)
	}
	contains(t, w.Body.String(), "Someone changed this retrospective", `href="/incidents/1"`)

	// A jump the process does not allow.
	w = e.post(path, url.Values{"version": {itoa(r3.Version)}, "status": {"done"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	contains(t, w.Body.String(), "cannot go from in_review to done")
}

func TestCrossSiteFormsAreRefused(t *testing.T) {
	e := newEnv(t)
	// With a valid CSRF token, still refused: the browser says the form
	// came from another site.
	r := e.form("/people", url.Values{"name": {"Mallory"}})
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	if w := e.do(r); w.Code != http.StatusForbidden {
		t.Errorf("cross-site post: status %d, want 403", w.Code)
	}
	if _, n, _ := e.svc.FindPeople(e.ctx, debrief.PersonFilter{}); n != 0 {
		t.Errorf("a cross-site post created %d people", n)
	}
	r = e.form("/people", url.Values{"name": {"Ana"}})
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	redirected(t, e.do(r))
}

func TestCreateIncidentFromTemplate(t *testing.T) {
	e := newEnv(t)
	if form := e.page("/incidents/new"); !strings.Contains(form, `value="learning-review"`) || !strings.Contains(form, `name="template"`) {
		t.Fatal("the new-incident form offers no template choice")
	}
	loc := redirected(t, e.post("/incidents", url.Values{
		"title": {"Cache warm-up stalls"}, "severity": {"SEV4"}, "team": {e.team("platform").Slug},
		"time_zone": {"UTC"}, "template": {"minor"},
	}))
	page := e.page(loc)
	if !strings.Contains(page, "Why it happened") || strings.Contains(page, "What went well") {
		t.Errorf("the incident does not have the minor template's sections")
	}
	w := e.post("/incidents", url.Values{"title": {"x"}, "severity": {"SEV4"}, "team": {e.team("platform").Slug},
		"time_zone": {"UTC"}, "template": {"no-such-thing"}})
	if w.Code != 400 || !strings.Contains(w.Body.String(), "unknown template") {
		t.Errorf("unknown template: %d", w.Code)
	}
}
