package web_test

import (
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/web"
)

func TestNewParsesTemplatesAndListsRoutes(t *testing.T) {
	e := newEnv(t) // web.New panics if a template does not parse
	routes := web.New(e.svc, slog.Default(), web.Options{}).Routes()
	for _, want := range []string{
		"GET /{$}", "GET /incidents/new", "POST /incidents", "GET /incidents/{id}",
		"GET /incidents/{id}/edit", "POST /incidents/{id}/edit", "POST /incidents/{id}/retrospective",
		"GET /incidents/{id}/retrospective.md",
		"GET /incidents/{id}/sections/{key}/edit", "POST /incidents/{id}/sections/{key}/edit",
		"POST /incidents/{id}/events", "GET /incidents/{id}/events/{eid}/edit",
		"POST /incidents/{id}/events/{eid}/edit", "POST /incidents/{id}/events/delete",
		"POST /incidents/{id}/actions", "GET /incidents/{id}/actions/{aid}/edit",
		"POST /incidents/{id}/actions/{aid}/edit", "POST /incidents/{id}/actions/{aid}/status",
		"POST /incidents/{id}/actions/delete",
		"GET /people", "POST /people", "GET /static/{version}/{path...}",
	} {
		if !slices.Contains(routes, want) {
			t.Errorf("Routes() lacks %q", want)
		}
	}
}

func TestEmptyListTellsANewUserWhatToDo(t *testing.T) {
	e := newEnv(t)
	body := e.page("/")
	contains(t, body, "No incidents yet", `href="/incidents/new"`, "Record your first incident", `href="/people"`)
}

func TestIncidentPageShowsEverything(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	body := e.page("/incidents/" + itoa(s.inc.ID))

	contains(t, body,
		"<title>Checkout failed for EU customers · Debrief</title>",
		`<span class="sev sev-large sev-1">SEV1</span>`,
		`<span class="status status-resolved">Resolved</span>`,
		`<span class="chip">checkout-api</span>`, `<span class="chip">payments-gateway</span>`,
		"Payments", "Ana Sørensen (@ana)", "Bo Lindqvist (@bo)", "SRE on call",
		"Europe/Copenhagen (UTC+0", // offset now depends on the date the test runs
		// Milestones in the incident's zone with the offset of that day.
		`<span class="ms-clock">14:02</span><span class="ms-date">Tue 12 Mar 2024 · UTC+01:00</span>`,
		`<span class="ms-clock">16:05</span>`,
		// Durations between them, as numbers and as the strip.
		`<span class="d-value">18m</span>`, `<span class="d-value">2h 3m</span>`,
		`<svg class="strip"`, `class="ph-detect"`, `class="ph-resolve"`,
		// The write-up in template order, Markdown rendered, guidance when empty.
		"About <strong>18% of card payments</strong> failed for 70 minutes.",
		"Who was affected and how, per user group",
		`href="/incidents/`+itoa(s.inc.ID)+`/sections/summary/edit"`,
		// Timeline: zone, offset, source, author, link, starred.
		`<h3 class="tl-date">Tue 12 Mar 2024 <span class="tl-zone">CET, UTC+01:00</span></h3>`,
		`<time class="tl-time" datetime="2024-03-12T13:19:30Z">14:19:30</time>`, "via alertmanager", "dana", `href="https://alerts.example.com/a/1"`,
		"Key moment", "Show 1 hidden",
		// Actions table with owner, priority, status control and progress.
		"Add retry safety to the review checklist", "Ana Sørensen", `<span class="prio prio-high">High</span>`,
		"29 Mar 2024", `<strong>1 of 3 done</strong>`,
		`action="/incidents/`+itoa(s.inc.ID)+`/actions/`+itoa(s.actions[1].ID)+`/status"`,
		`href="/incidents/`+itoa(s.inc.ID)+`/retrospective.md"`,
		"Send for review",
	)
	// Hidden chatter stays out until asked for.
	lacks(t, body, "reminder to update the status page")
	contains(t, e.page("/incidents/"+itoa(s.inc.ID)+"?hidden=1"), "reminder to update the status page", "Hide the 1 hidden")

	// Sections appear in the template's order.
	var last int
	for _, sec := range debrief.DefaultTemplate.Sections {
		i := strings.Index(body, `id="section-`+sec.Key+`"`)
		if i < last {
			t.Errorf("section %s is out of template order", sec.Key)
		}
		last = i
	}
	// Events appear in time order whatever the order they were added in.
	order := []string{"Config change PAY-2291 merged", "Alert: checkout 5xx above 2%", "Incident declared"}
	last = 0
	for _, text := range order {
		i := strings.Index(body, text)
		if i < last {
			t.Errorf("event %q is out of time order", text)
		}
		last = i
	}
}

func TestEveryPageRenders(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	id := itoa(s.inc.ID)
	for path, wants := range map[string][]string{
		"/":                          {"Checkout failed for EU customers", `<span class="sev sev-1">SEV1</span>`, "2h 3m", `<progress value="1" max="3"`, "Showing <strong>1–1</strong> of <strong>1</strong>"},
		"/incidents":                 {"Checkout failed for EU customers"},
		"/incidents/new":             {"Record an incident", `name="title"`, `<input type="radio" name="severity" value="SEV1" id="f-severity"><span class="sev sev-1">SEV1</span>`, `<input type="radio" name="severity" value="SEV4" checked>`, `<option value="Europe/Copenhagen">`, `type="datetime-local"`},
		"/incidents/" + id + "/edit": {`value="Checkout failed for EU customers"`, `name="milestones.detected" value="2024-03-12T14:20:00"`, `name="version" value="`, "Europe/Copenhagen (UTC+0", `<option value="` + itoa(s.ana.ID) + `" selected>Ana Sørensen (@ana)</option>`, `value="SRE on call"`},
		"/incidents/" + id + "/sections/summary/edit":                      {"One paragraph: what happened", "About **18% of card payments** failed for 70 minutes.", `name="version" value="2"`},
		"/incidents/" + id + "/events/new":                                 {"Add a timeline event", `name="at"`, "Europe/Copenhagen (UTC+0"},
		"/incidents/" + id + "/events/" + itoa(s.events[0].ID) + "/edit":   {`value="2024-03-12T14:19:30"`, "Alert: checkout 5xx above 2%", `<option value="alert" selected>Alert</option>`, `name="starred" value="1" checked`, "Delete event"},
		"/incidents/" + id + "/actions/new":                                {"Add an action item", `name="title"`, `<option value="medium" selected>Medium</option>`},
		"/incidents/" + id + "/actions/" + itoa(s.actions[0].ID) + "/edit": {`value="Add retry safety to the review checklist"`, `value="2024-03-29"`, `<option value="done" selected>Done</option>`, "Reason for dropping"},
		"/people": {"Ana Sørensen", "@ana", "ana@example.com", "Bo Lindqvist", "Add a person"},
	} {
		t.Run(path, func(t *testing.T) { contains(t, e.page(path), wants...) })
	}
}

func TestListFiltersAndPages(t *testing.T) {
	e := newEnv(t)
	core := e.team("core").Slug
	for i := range 30 {
		sev := "SEV3"
		if i%10 == 0 {
			sev = "SEV1"
		}
		inc := &debrief.Incident{Title: "Outage number " + itoa(int64(i+1)), Severity: sev, Team: core, Services: []string{"api"}}
		if err := e.svc.CreateIncident(e.ctx, inc, ""); err != nil {
			t.Fatal(err)
		}
	}
	first := e.page("/")
	contains(t, first, "Showing <strong>1–25</strong> of <strong>30</strong>", `href="/?page=2"`, "Outage number 30")
	lacks(t, first, "rel=\"prev\"")
	second := e.page("/?page=2")
	contains(t, second, "Showing <strong>26–30</strong> of <strong>30</strong>", `href="/"`, "Outage number 1<")

	if w := e.get("/?page=9&team=core"); w.Code != http.StatusFound || w.Header().Get("Location") != "/?page=2&team=core" {
		t.Errorf("a page past the end: %d to %q", w.Code, w.Header().Get("Location"))
	}

	sev1 := e.page("/?severity=SEV1")
	contains(t, sev1, "of <strong>3</strong>", `<option value="SEV1" selected>SEV1</option>`, "Outage number 21", "Outage number 11", "Outage number 1<")
	lacks(t, sev1, "Outage number 2<")
	// Paging keeps the filters.
	e2 := e.page("/?severity=SEV3&team=core")
	contains(t, e2, `href="/?page=2&amp;severity=SEV3&amp;team=core"`)

	none := e.page("/?q=nothing-like-this")
	contains(t, none, "No incidents match these filters", "Clear the filters")
	contains(t, e.page("/?status=active"), "of <strong>30</strong>")
	contains(t, e.page("/?status=closed"), "No incidents match")
}

func TestNotFoundPagesAreFriendly(t *testing.T) {
	e := newEnv(t)
	e.seed()
	for _, path := range []string{"/nope", "/incidents/999", "/incidents/abc", "/incidents/1/sections/nope/edit", "/incidents/1/events/999/edit", "/incidents/1/actions/999/edit", "/incidents/999/retrospective.md"} {
		w := e.get(path)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, w.Code)
			continue
		}
		contains(t, w.Body.String(), "We couldn’t find that", `href="/"`, `<link rel="stylesheet"`)
	}
	if e.logs.Len() != 0 {
		t.Errorf("a 404 was logged:\n%s", e.logs)
	}
}

func TestInternalErrorsAreLoggedNotShown(t *testing.T) {
	e := newEnv(t)
	e.seed()
	e.st.Close() // every query now fails inside the store
	w := e.get("/incidents/1")
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}
	body := w.Body.String()
	contains(t, body, "Something went wrong on our side", "The error has been logged")
	lacks(t, body, "sql", "database")
	if !strings.Contains(e.logs.String(), "level=ERROR") || !strings.Contains(e.logs.String(), "path=/incidents/1") {
		t.Errorf("the error was not logged:\n%s", e.logs)
	}
}

func TestMarkdownDownload(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	w := e.get("/incidents/" + itoa(s.inc.ID) + "/retrospective.md")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	if got, want := w.Header().Get("Content-Disposition"), `attachment; filename="incident-1-checkout-failed-for-eu-customers.md"`; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	if got := w.Header().Get("Content-Type"); got != "text/markdown; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	md := w.Body.String()
	contains(t, md, "# Checkout failed for EU customers", "About **18% of card payments**", "Alert: checkout 5xx above 2%", "| Add retry safety to the review checklist |")
	lacks(t, md, "reminder to update the status page") // hidden
}

func TestStaticFilesAreFingerprinted(t *testing.T) {
	e := newEnv(t)
	body := e.page("/")
	m := regexp.MustCompile(`href="(/static/([0-9a-f]+)/app\.css)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no stylesheet link")
	}
	w := e.get(m[1])
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "--sev-1") {
		t.Fatalf("GET %s: %d", m[1], w.Code)
	}
	if got := w.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := w.Header().Get("Content-Type"); got != "text/css; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	font := e.get("/static/" + m[2] + "/fonts/inter-latin-wght-normal.woff2")
	if font.Code != http.StatusOK || font.Header().Get("Content-Type") != "font/woff2" {
		t.Errorf("font: %d %q", font.Code, font.Header().Get("Content-Type"))
	}
	old := e.get("/static/0123456789ab/app.css")
	if old.Code != http.StatusOK || old.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("stale version: %d %q", old.Code, old.Header().Get("Cache-Control"))
	}
	if w := e.get("/static/" + m[2] + "/nope.css"); w.Code != http.StatusNotFound {
		t.Errorf("missing file: %d", w.Code)
	}
}
