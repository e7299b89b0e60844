package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store/sqlite"
	"github.com/debrief-oss/debrief/web"
)

// env is the web UI over a real SQLite file, driven through its mux.
type env struct {
	t    testing.TB
	ctx  context.Context
	svc  *app.Service
	st   *sqlite.Store
	mux  *http.ServeMux
	logs *bytes.Buffer
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, st: st, svc: app.New(st), mux: http.NewServeMux(), logs: &bytes.Buffer{}}
	web.New(e.svc, slog.New(slog.NewTextHandler(e.logs, nil))).Register(e.mux)
	return e
}

func (e *env) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.mux.ServeHTTP(w, r)
	return w
}

func (e *env) get(path string) *httptest.ResponseRecorder {
	return e.do(httptest.NewRequest(http.MethodGet, path, nil))
}

func (e *env) post(path string, form url.Values) *httptest.ResponseRecorder {
	return e.do(newFormRequest(path, form))
}

func newFormRequest(path string, form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// page GETs path and fails unless it answers 200; it returns the body.
func (e *env) page(path string) string {
	e.t.Helper()
	w := e.get(path)
	if w.Code != http.StatusOK {
		e.t.Fatalf("GET %s: status %d, want 200\n%s", path, w.Code, w.Body)
	}
	return w.Body.String()
}

// redirected checks a Post/Redirect/Get answer and returns where it points.
func redirected(t testing.TB, w *httptest.ResponseRecorder) string {
	t.Helper()
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d, want 303 See Other\n%s", w.Code, w.Body)
	}
	return w.Header().Get("Location")
}

// contains checks body holds every want. html/template writes "+" as
// "&#43;" in text; the checks read it as a browser would.
func contains(t testing.TB, body string, wants ...string) {
	t.Helper()
	body = strings.ReplaceAll(body, "&#43;", "+")
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func lacks(t testing.TB, body string, bad ...string) {
	t.Helper()
	body = strings.ReplaceAll(body, "&#43;", "+")
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Errorf("page contains %q", b)
		}
	}
}

// at is a wall-clock time in Copenhagen, where the seeded incident happened.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func ptr[T any](v T) *T { return &v }

// seeded is the data seed creates.
type seeded struct {
	inc     *debrief.Incident
	ana, bo *debrief.Person
	events  []*debrief.Event
	actions []*debrief.Action
}

// seed creates a resolved SEV1 in Copenhagen (UTC+01:00 in March) with
// people, events, written sections and action items.
func (e *env) seed() *seeded {
	t := e.t
	t.Helper()
	s := &seeded{
		ana: &debrief.Person{Name: "Ana Sørensen", Handle: "ana", Email: "ana@example.com"},
		bo:  &debrief.Person{Name: "Bo Lindqvist", Handle: "bo"},
	}
	for _, p := range []*debrief.Person{s.ana, s.bo} {
		if err := e.svc.CreatePerson(e.ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	s.inc = &debrief.Incident{
		Title: "Checkout failed for EU customers", Severity: "SEV1", Status: debrief.IncidentResolved,
		Services: []string{"checkout-api", "payments-gateway"}, Team: "Payments",
		TimeZone: "Europe/Copenhagen", CommanderID: &s.ana.ID,
		Responders: []debrief.Responder{{PersonID: s.bo.ID, Role: "SRE on call"}},
		Milestones: debrief.Milestones{
			Started:  ptr(at(t, "2024-03-12 14:02:00")),
			Detected: ptr(at(t, "2024-03-12 14:20:00")),
			Resolved: ptr(at(t, "2024-03-12 16:05:00")),
		},
	}
	if err := e.svc.CreateIncident(e.ctx, s.inc, ""); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []*debrief.Event{
		{At: at(t, "2024-03-12 14:19:30"), Text: "Alert: checkout 5xx above 2%", Kind: debrief.EventAlert, Source: "alertmanager", URL: "https://alerts.example.com/a/1", Starred: true},
		{At: at(t, "2024-03-12 13:58:12"), Text: "Config change PAY-2291 merged", Kind: debrief.EventDeploy, Source: "github", Author: "dana"},
		{At: at(t, "2024-03-12 14:31:00"), Text: "Incident declared", Kind: debrief.EventMilestone},
		{At: at(t, "2024-03-12 14:27:00"), Text: "bot: reminder to update the status page", Kind: debrief.EventMessage, Hidden: true},
	} {
		ev.IncidentID = s.inc.ID
		if err := e.svc.CreateEvent(e.ctx, ev); err != nil {
			t.Fatal(err)
		}
		s.events = append(s.events, ev)
	}
	sec, err := e.svc.FindSection(e.ctx, s.inc.ID, "summary")
	if err != nil {
		t.Fatal(err)
	}
	body := "About **18% of card payments** failed for 70 minutes."
	if _, err := e.svc.UpdateSection(e.ctx, s.inc.ID, "summary", debrief.SectionUpdate{Body: &body, Version: sec.Version}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []*debrief.Action{
		{Title: "Add retry safety to the review checklist", OwnerID: &s.ana.ID, Priority: "high", DueDate: "2024-03-29", Status: debrief.ActionDone},
		{Title: "Let on-call roll back without the author", Priority: "high", Status: debrief.ActionInProgress, TicketURL: "https://jira.example.com/browse/OPS-812"},
		{Title: "Lower the alert window to 2 minutes", OwnerID: &s.bo.ID},
	} {
		a.IncidentID = s.inc.ID
		if err := e.svc.CreateAction(e.ctx, a); err != nil {
			t.Fatal(err)
		}
		s.actions = append(s.actions, a)
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
