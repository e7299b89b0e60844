package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/api"
)

// TestInternalErrorIsLoggedNotShown closes the database under the server:
// the client gets a 500 with a generic message, and the log gets the real
// error with the request's method and path.
//
// Through the server, the first to need the database is the authentication
// of the request's token, and it answers so; the same requests on the API's
// own routes, with the actor already in the context, show that the API
// answers and logs its own failures the same way.
func TestInternalErrorIsLoggedNotShown(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Before the database went away"})
	admin, _, _ := e.actorOf(e.admin)
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	requests := []req{
		{method: "GET", path: path},
		{method: "PATCH", path: path, body: map[string]any{"title": "x", "version": 1}},
		{method: "GET", path: "/api/v1/incidents?status=active"},
		{method: "GET", path: path + "/retrospective.md"},
		{method: "GET", path: path + "/audit"},
		{method: "GET", path: "/api/v1/audit.jsonl"},
	}
	check := func(rq req, r *resp, logs string) {
		t.Helper()
		eb := wantError(t, r, 500, "internal", "")
		if strings.Contains(strings.ToLower(eb.Error.Message), "sql") || !strings.Contains(eb.Error.Message, "Internal error") {
			t.Errorf("%s %s: message %q leaks or says nothing", rq.method, rq.path, eb.Error.Message)
		}
		if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "method="+rq.method) ||
			!strings.Contains(logs, "path="+strings.Split(rq.path, "?")[0]) || !strings.Contains(logs, "closed") {
			t.Errorf("%s %s: log lacks the request or the cause:\n%s", rq.method, rq.path, logs)
		}
	}
	for _, rq := range requests {
		check(rq, e.send(rq), e.logs.String())
	}
	for _, rq := range requests {
		var body io.Reader
		if rq.body != nil {
			raw, _ := json.Marshal(rq.body)
			body = bytes.NewReader(raw)
		}
		r := httptest.NewRequestWithContext(debrief.WithActor(t.Context(), admin), rq.method, rq.path, body)
		if rq.body != nil {
			r.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		var logs bytes.Buffer
		mux := http.NewServeMux()
		api.New(e.svc, slogTo(&logs)).Register(mux)
		mux.ServeHTTP(rec, r)
		res := &resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
		validateResponse(t, httptest.NewRequest(rq.method, e.srv.URL+rq.path, nil), res)
		check(rq, res, logs.String())
		if !strings.Contains(logs.String(), "api: internal error") {
			t.Errorf("%s %s: not logged by the API:\n%s", rq.method, rq.path, logs.String())
		}
	}
}

// TestNotRouted checks that under /api/v1 an unknown path is a JSON 404 and
// a known path with the wrong method a JSON 405 naming the right ones.
func TestNotRouted(t *testing.T) {
	e := newEnv(t)
	wantError(t, e.do("GET", "/api/v1/nothing-here", nil), 404, "not_found", "")
	wantError(t, e.do("GET", "/api/v1/incidents/1/events/2/extra", nil), 404, "not_found", "")
	r := e.do("PUT", "/api/v1/incidents/1", map[string]any{"title": "x"})
	wantError(t, r, 405, "invalid", "")
	if got := r.header.Get("Allow"); got != "GET, PATCH, DELETE" {
		t.Errorf("Allow %q", got)
	}
	r = e.do("DELETE", "/api/v1/people", nil)
	wantError(t, r, 405, "invalid", "")
	if got := r.header.Get("Allow"); got != "GET, POST" {
		t.Errorf("Allow %q", got)
	}
	// Outside the prefix the API claims nothing.
	if r, _ := http.Get(e.srv.URL + "/elsewhere"); r.StatusCode != 404 || r.Header.Get("Content-Type") == "application/json" {
		t.Errorf("/elsewhere: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}

// TestPanicIsAnInternalError: a handler that panics answers 500 in the
// API's shape and is logged, rather than dropping the connection.
func TestPanicIsAnInternalError(t *testing.T) {
	e := newEnv(t)
	// A Handler without a service panics on its first call to it.
	mux := http.NewServeMux()
	var logs bytes.Buffer
	api.New(nil, slogTo(&logs)).Register(mux)
	rec := httptest.NewRecorder()
	// With an actor, as the middleware would give it, so that the service
	// gets as far as its (missing) store.
	mux.ServeHTTP(rec, httptest.NewRequestWithContext(debrief.WithActor(t.Context(), debrief.SystemActor), "GET", "/api/v1/incidents/1", nil))
	res := &resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	validateResponse(t, httptest.NewRequest("GET", e.srv.URL+"/api/v1/incidents/1", nil), res)
	wantError(t, res, 500, "internal", "")
	if !strings.Contains(logs.String(), "panic") || !strings.Contains(logs.String(), "path=/api/v1/incidents/1") {
		t.Errorf("panic not logged:\n%s", logs.String())
	}
}

func TestConfig(t *testing.T) {
	e := newEnv(t)
	type config struct {
		Severities       []string           `json:"severities"`
		IncidentStatuses []string           `json:"incident_statuses"`
		EventKinds       []string           `json:"event_kinds"`
		Priorities       []string           `json:"priorities"`
		Templates        []debrief.Template `json:"templates"`
		Limits           map[string]int     `json:"limits"`
	}
	c := want[config](t, e.do("GET", "/api/v1/config", nil), 200)
	if !slices.Equal(c.Severities, []string{"SEV1", "SEV2", "SEV3", "SEV4"}) ||
		!slices.Equal(c.IncidentStatuses, []string{"active", "mitigated", "resolved", "closed"}) ||
		!slices.Equal(c.EventKinds, debrief.EventKinds) || !slices.Equal(c.Priorities, []string{"high", "medium", "low"}) {
		t.Errorf("config %+v", c)
	}
	var names []string
	for _, tp := range c.Templates {
		names = append(names, tp.Name)
	}
	if !slices.Equal(names, []string{"default", "google-sre", "learning-review", "minor"}) || len(c.Templates[0].Sections) != 8 {
		t.Errorf("templates %v", names)
	}
	if c.Limits["event_text"] != 10000 || c.Limits["body_bytes"] != 1<<20 || c.Limits["max_page_limit"] != 1000 {
		t.Errorf("limits %v", c.Limits)
	}
	wantError(t, e.do("GET", "/api/v1/config?verbose=1", nil), 400, "invalid", "verbose")
}

func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/api/v1/openapi.yaml", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/yaml" ||
		!bytes.Equal(r.body, api.OpenAPI()) || !bytes.HasPrefix(r.body, []byte("openapi: 3.0.3\n")) {
		t.Errorf("openapi.yaml: %d %q %d bytes", r.status, r.header.Get("Content-Type"), len(r.body))
	}
}

// TestResponseValidationBites makes sure the helper every test relies on
// does fail an answer that breaks the document, so that a green run means
// something.
func TestResponseValidationBites(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "x"})
	r := httptest.NewRequest("GET", fmt.Sprintf("%s/api/v1/incidents/%d", e.srv.URL, inc.ID), nil)
	bad := []struct {
		name   string
		status int
		body   string
	}{
		{"missing required field", 200, `{"id":1}`},
		{"extra field", 200, strings.Replace(string(e.do("GET", fmt.Sprintf("/api/v1/incidents/%d", inc.ID), nil).body), `{`, `{"secret":1,`, 1)},
		{"undocumented status", 418, `{"error":{"code":"invalid","message":"x"}}`},
		{"error without message", 404, `{"error":{"code":"not_found"}}`},
		{"unknown error code", 404, `{"error":{"code":"nope","message":"x"}}`},
	}
	for _, b := range bad {
		rec := &recordingTB{TB: t}
		validateResponse(rec, r, &resp{status: b.status, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(b.body)})
		if !rec.failed {
			t.Errorf("%s: the answer passed validation", b.name)
		}
	}
}

// recordingTB notes failures instead of failing the test.
type recordingTB struct {
	testing.TB
	failed bool
}

func (r *recordingTB) Errorf(string, ...any) { r.failed = true }
func (r *recordingTB) Fatalf(string, ...any) { r.failed = true }
func (r *recordingTB) Helper()               {}
