package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/server/auth"
	"github.com/debrief-oss/debrief/store/sqlite"
	"github.com/debrief-oss/debrief/web"
)

// env is the web UI over a real SQLite file, driven through its mux behind
// the authentication middleware, as the server mounts it. Its get, post and
// do act as an organisation admin signed in with a real session cookie and
// carrying the session's CSRF token; other clients act as others.
type env struct {
	t testing.TB
	// ctx carries the system actor, for setting up data directly.
	ctx  context.Context
	svc  *app.Service
	st   *sqlite.Store
	web  *web.Handler
	mux  http.Handler
	logs *bytes.Buffer
	// admin is the organisation admin the env acts as.
	admin *client
	teams map[string]*debrief.Team
}

type envConfig struct {
	web  web.Options
	auth auth.Options
	// noAdmin leaves the database without accounts (for the setup page).
	noAdmin bool
}

func newEnv(t testing.TB, opts ...func(*envConfig)) *env {
	t.Helper()
	var cfg envConfig
	for _, o := range opts {
		o(&cfg)
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	e := &env{
		t: t, ctx: debrief.WithActor(ctx, debrief.SystemActor), st: st, svc: app.New(st),
		logs: logs, teams: map[string]*debrief.Team{},
	}
	e.web = web.New(e.svc, logger, cfg.web)
	mux := http.NewServeMux()
	e.web.Register(mux)
	cfg.auth.ErrorPage = e.web.ServeError
	e.mux = auth.New(e.svc, logger, cfg.auth).Middleware(mux)
	if !cfg.noAdmin {
		e.admin = e.signIn(e.user("Ada Admin", "ada@example.com", true, nil))
	} else {
		e.admin = e.anon()
	}
	return e
}

// user creates an account (without a password: signing in by session
// keeps the tests fast) with the given roles, creating the teams named.
func (e *env) user(name, email string, orgAdmin bool, roles map[string]debrief.Role) *debrief.User {
	e.t.Helper()
	u := &debrief.User{Name: name, Email: email, OrgAdmin: orgAdmin}
	if err := e.svc.CreateUser(e.ctx, u, ""); err != nil {
		e.t.Fatal(err)
	}
	for slug, role := range roles {
		if err := e.svc.SetMember(e.ctx, &debrief.Membership{TeamID: e.team(slug).ID, UserID: u.ID, Role: role}); err != nil {
			e.t.Fatal(err)
		}
	}
	return u
}

// team returns the team with the slug, creating it (named after it, with
// the first letter in upper case) on first use.
func (e *env) team(slug string) *debrief.Team {
	e.t.Helper()
	if t, ok := e.teams[slug]; ok {
		return t
	}
	t := &debrief.Team{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:]}
	if err := e.svc.CreateTeam(e.ctx, t); err != nil {
		e.t.Fatal(err)
	}
	e.teams[slug] = t
	return t
}

// signIn starts a session for u, as the sign-in page would, and returns a
// client that uses it.
func (e *env) signIn(u *debrief.User) *client {
	e.t.Helper()
	secret, sess, err := e.svc.StartSession(e.ctx, u.ID, "192.0.2.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{e: e, user: u, cookies: map[string]string{auth.SessionCookie: secret}, csrf: sess.CSRFToken}
}

// anon is a browser that has not signed in.
func (e *env) anon() *client { return &client{e: e, cookies: map[string]string{}} }

// client is one browser: its cookies, and the CSRF token its last page
// carried, which its forms send back.
type client struct {
	e       *env
	user    *debrief.User
	cookies map[string]string
	csrf    string
	// remote is the connection's address; httptest's default when "".
	remote string
}

var csrfFieldRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (c *client) do(r *http.Request) *httptest.ResponseRecorder {
	for name, v := range c.cookies {
		r.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	if c.remote != "" {
		r.RemoteAddr = c.remote
	}
	w := httptest.NewRecorder()
	c.e.mux.ServeHTTP(w, r)
	for _, ck := range w.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	if m := csrfFieldRE.FindStringSubmatch(w.Body.String()); m != nil {
		c.csrf = m[1]
	}
	return w
}

func (c *client) get(path string) *httptest.ResponseRecorder {
	return c.do(httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends a form with the client's CSRF token, unless the form has one.
func (c *client) post(path string, form url.Values) *httptest.ResponseRecorder {
	return c.do(c.formRequest(path, form))
}

func (c *client) formRequest(path string, form url.Values) *http.Request {
	if !form.Has("csrf_token") && c.csrf != "" {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("csrf_token", c.csrf)
		form = f
	}
	return newFormRequest(path, form)
}

func (c *client) page(path string) string {
	c.e.t.Helper()
	w := c.get(path)
	if w.Code != http.StatusOK {
		c.e.t.Fatalf("GET %s as %s: status %d, want 200\n%s", path, c.name(), w.Code, w.Body)
	}
	return w.Body.String()
}

func (c *client) name() string {
	if c.user == nil {
		return "a visitor"
	}
	return c.user.Email
}

func (e *env) do(r *http.Request) *httptest.ResponseRecorder { return e.admin.do(r) }

func (e *env) get(path string) *httptest.ResponseRecorder { return e.admin.get(path) }

func (e *env) post(path string, form url.Values) *httptest.ResponseRecorder {
	return e.admin.post(path, form)
}

// form is a form request carrying the admin's CSRF token.
func (e *env) form(path string, form url.Values) *http.Request {
	return e.admin.formRequest(path, form)
}

func newFormRequest(path string, form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// page GETs path and fails unless it answers 200; it returns the body.
func (e *env) page(path string) string {
	e.t.Helper()
	return e.admin.page(path)
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
		Services: []string{"checkout-api", "payments-gateway"}, Team: e.team("payments").Slug,
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
