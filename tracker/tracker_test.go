package tracker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/jobs"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/postgres/pgtest"
	"github.com/debrief-oss/debrief/store/sqlite"
	"github.com/debrief-oss/debrief/store/sqlstore"
	"github.com/debrief-oss/debrief/tracker"
)

// fake is a tracker on loopback that answers with recorded or documented
// payloads; fail, when set, answers a request instead (to play a tracker
// that is down, slow or rate limiting).
type fake struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	routes map[string]func(w http.ResponseWriter, r *http.Request, body []byte)
	fail   []func(w http.ResponseWriter, r *http.Request) // used first, one per request
	seen   []string
	bodies map[string][]byte
}

func newFake(t *testing.T) *fake {
	f := &fake{t: t, routes: map[string]func(http.ResponseWriter, *http.Request, []byte){}, bodies: map[string][]byte{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := new(bytes.Buffer)
		body.ReadFrom(r.Body)
		f.mu.Lock()
		route := r.Method + " " + r.URL.Path
		f.seen = append(f.seen, route)
		f.bodies[route] = body.Bytes()
		var fail func(http.ResponseWriter, *http.Request)
		if len(f.fail) > 0 {
			fail, f.fail = f.fail[0], f.fail[1:]
		}
		h := f.routes[route]
		f.mu.Unlock()
		switch {
		case fail != nil:
			fail(w, r)
		case h != nil:
			h(w, r, body.Bytes())
		default:
			t.Errorf("fake tracker: unexpected %s", route)
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) failNext(fns ...func(w http.ResponseWriter, r *http.Request)) {
	f.mu.Lock()
	f.fail = append(f.fail, fns...)
	f.mu.Unlock()
}

func status(code int, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		w.Write([]byte(`{"message":"` + http.StatusText(code) + `"}`))
	}
}

func readJSON(t *testing.T, path string, v any) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// env is a service, a job runner and a syncer over one SQLite database,
// with a clock the test moves.
type env struct {
	t      *testing.T
	svc    *app.Service
	st     store.Store
	runner *jobs.Runner
	sync   *tracker.Syncer
	hooks  *tracker.Webhooks
	now    time.Time
	ctx    context.Context
	inc    *debrief.Incident
}

func newEnv(t *testing.T, clients ...tracker.Client) *env {
	ctx := context.Background()
	// SQLite, or PostgreSQL when DEBRIEF_TEST_POSTGRES names one (a schema
	// of the test's own), as the other packages' tests.
	var st interface {
		store.Store
		SetNow(func() time.Time)
	}
	if dsn := os.Getenv("DEBRIEF_TEST_POSTGRES"); dsn != "" {
		pg, err := postgres.Open(ctx, pgtest.FreshSchema(t, dsn))
		if err != nil {
			t.Fatal(err)
		}
		st = nowSetter{pg, pg.DB}
	} else {
		lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
		if err != nil {
			t.Fatal(err)
		}
		st = nowSetter{lite, lite.DB}
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, now: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), ctx: debrief.WithActor(ctx, debrief.SystemActor)}
	clock := func() time.Time { return e.now }
	st.SetNow(clock)
	e.svc = app.New(st, app.WithClock(clock))
	e.runner = jobs.New(st, jobs.WithClock(clock))
	e.sync = tracker.NewSyncer(e.svc, e.runner, nil, "https://debrief.example.com", nil, clients...)
	e.sync.Register(10 * time.Minute)
	e.svc.SetTicketQueue(e.sync.Queue)
	e.hooks = tracker.NewWebhooks(e.sync, "gh-secret", "jira-secret")
	if err := e.svc.CreateTeam(e.ctx, &debrief.Team{Slug: "payments", Name: "Payments"}); err != nil {
		t.Fatal(err)
	}
	e.inc = &debrief.Incident{Title: "Card payments declined", Team: "payments"}
	if err := e.svc.CreateIncident(e.ctx, e.inc, ""); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) action(title string) *debrief.Action {
	a := &debrief.Action{IncidentID: e.inc.ID, Title: title, Priority: "high", DefinitionOfDone: "The alert pages on-call in staging.",
		Description: "Page when declines per provider pass 5%."}
	if err := e.svc.CreateAction(e.ctx, a); err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) get(a *debrief.Action) *debrief.Action {
	got, err := e.svc.FindActionByID(e.ctx, a.IncidentID, a.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

func (e *env) runDue() int {
	n, err := e.runner.RunDue(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) hook(path, header, secret string, body []byte, extra ...string) *httptest.ResponseRecorder {
	mux := http.NewServeMux()
	e.hooks.Register(mux)
	r := httptest.NewRequest("POST", path, bytes.NewReader(body))
	r.RemoteAddr = "198.51.100.7:4000"
	if secret != "" {
		r.Header.Set(header, tracker.Sign(secret, body))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		r.Header.Set(extra[i], extra[i+1])
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

// GitHub: the ticket is made with a link back, labels and the definition
// of done; a tracker that fails marks the item "sync pending" and is
// retried with backoff; a signed webhook closes it; a bad signature is
// refused and recorded; polling sees it closed as not planned.
func TestGitHubSync(t *testing.T) {
	gh := newFake(t)
	var fixture []struct {
		Status   int             `json:"status"`
		Response json.RawMessage `json:"response"`
		Headers  map[string]any  `json:"headers"`
	}
	readJSON(t, "github/add-labels-to-issue.normalized-fixture.json", &fixture)
	var issue map[string]any
	json.Unmarshal(fixture[0].Response, &issue)
	gh.routes["POST /repos/octokit-fixture-org/add-labels-to-issue/issues"] = func(w http.ResponseWriter, r *http.Request, body []byte) {
		for k, v := range fixture[0].Headers {
			if s, ok := v.(string); ok && k != "content-length" {
				w.Header().Set(k, s)
			}
		}
		w.WriteHeader(fixture[0].Status)
		w.Write(fixture[0].Response)
	}
	// A retry first looks for the issue an earlier attempt may have made:
	// none was made here.
	gh.routes["GET /repos/octokit-fixture-org/add-labels-to-issue/issues"] = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Write([]byte("[]"))
	}
	gh.routes["GET /repos/octokit-fixture-org/add-labels-to-issue/issues/1"] = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		gh.mu.Lock()
		defer gh.mu.Unlock()
		json.NewEncoder(w).Encode(issue)
	}
	gh.routes["PATCH /repos/octokit-fixture-org/add-labels-to-issue/issues/1"] = func(w http.ResponseWriter, r *http.Request, body []byte) {
		gh.mu.Lock()
		defer gh.mu.Unlock()
		json.Unmarshal(body, &issue)
		issue["updated_at"] = "2026-11-22T10:00:00Z"
		json.NewEncoder(w).Encode(issue)
	}
	client := tracker.NewGitHub(gh.srv.URL, "token-1", "octokit-fixture-org/add-labels-to-issue", nil, &http.Client{Timeout: 300 * time.Millisecond})
	e := newEnv(t, client)
	a := e.action("Alert on the decline rate per provider")

	// The tracker is down, then slow, then rate limiting, then answers.
	gh.failNext(status(503), func(w http.ResponseWriter, r *http.Request) { time.Sleep(600 * time.Millisecond) },
		status(429, "Retry-After", "30"))
	if _, err := e.svc.RequestTicket(e.ctx, e.inc.ID, a.ID, "github"); err != nil {
		t.Fatal(err)
	}
	if got := e.get(a); got.SyncState != debrief.SyncPending || !strings.Contains(got.SyncError, "Waiting for github") {
		t.Fatalf("requested: %+v", got)
	}
	e.runDue()
	if got := e.get(a); got.SyncState != debrief.SyncPending || !strings.Contains(got.SyncError, "github answered 503 Service Unavailable") ||
		!strings.Contains(got.SyncError, "retrying") || got.TicketURL != "" {
		t.Fatalf("after a 503: %+v", got)
	}
	if n := e.runDue(); n != 0 {
		t.Fatal("retried at once, without backoff")
	}
	e.now = e.now.Add(30 * time.Second)
	e.runDue()
	if got := e.get(a); !strings.Contains(got.SyncError, "did not answer in time") {
		t.Fatalf("after a timeout: %+v", got)
	}
	e.now = e.now.Add(time.Minute)
	e.runDue()
	if got := e.get(a); !strings.Contains(got.SyncError, "rate limiting") || !strings.Contains(got.SyncError, "retrying in 30s") {
		t.Fatalf("after a 429: %+v", got)
	}
	e.now = e.now.Add(29 * time.Second)
	if n := e.runDue(); n != 0 {
		t.Fatal("retried before the rate limit's time")
	}
	e.now = e.now.Add(time.Second)
	e.runDue()
	got := e.get(a)
	if got.SyncState != debrief.SyncOK || got.SyncError != "" || got.TicketURL != "https://github.com/octokit-fixture-org/add-labels-to-issue/issues/1" ||
		got.TicketKey != "octokit-fixture-org/add-labels-to-issue#1" || got.TicketState != "open" {
		t.Fatalf("created: %+v", got)
	}
	var sent struct {
		Title  string   `json:"title"`
		Body   string   `json:"body"`
		Labels []string `json:"labels"`
	}
	json.Unmarshal(gh.bodies["POST /repos/octokit-fixture-org/add-labels-to-issue/issues"], &sent)
	if sent.Title != a.Title || !strings.Contains(sent.Body, "Definition of done: The alert pages on-call in staging.") ||
		!strings.Contains(sent.Body, "https://debrief.example.com/incidents/1#action-1") ||
		strings.Join(sent.Labels, ",") != "debrief,follow-up,priority:high" {
		t.Fatalf("filed %+v", sent)
	}

	// A webhook with a bad signature: refused, logged in the audit, no change.
	closed := readJSON(t, "github/webhook-issues-closed.json", nil)
	if w := e.hook(tracker.GitHubHookPath, "X-Hub-Signature-256", "wrong-secret", closed, "X-GitHub-Event", "issues"); w.Code != 401 {
		t.Fatalf("bad signature: %d %s", w.Code, w.Body)
	}
	if w := e.hook(tracker.GitHubHookPath, "", "", closed, "X-GitHub-Event", "issues"); w.Code != 401 {
		t.Fatalf("no signature: %d", w.Code)
	}
	if e.get(a).Status != debrief.ActionProposed {
		t.Fatal("a refused webhook changed the item")
	}
	entries, _ := e.svc.FindAudit(e.ctx, debrief.AuditFilter{})
	refused := 0
	for _, en := range entries {
		if en.Action == "webhook.github" && en.Outcome == debrief.AuditDenied && strings.Contains(en.Detail, "198.51.100.7") {
			refused++
		}
	}
	if refused != 2 {
		t.Fatalf("%d refused webhooks in the audit log, want 2", refused)
	}
	// Signed: the issue was closed as completed, so the item is done.
	if w := e.hook(tracker.GitHubHookPath, "X-Hub-Signature-256", "gh-secret", closed, "X-GitHub-Event", "issues"); w.Code != 204 {
		t.Fatalf("signed webhook: %d %s", w.Code, w.Body)
	}
	got = e.get(a)
	if got.Status != debrief.ActionDone || got.TicketState != "closed" || got.ClosedAt == nil {
		t.Fatalf("after the webhook: %+v", got)
	}

	// Debrief reopens the item; the poll finds the issue still closed (not
	// changed since) and reopens it, since Debrief is ahead.
	gh.mu.Lock()
	issue["state"], issue["state_reason"], issue["updated_at"] = "closed", "completed", "2017-10-11T09:30:00Z"
	gh.mu.Unlock()
	e.now = e.now.Add(time.Minute)
	if _, err := e.svc.UpdateAction(e.ctx, a.IncidentID, a.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionInProgress), Version: got.Version}); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(10 * time.Minute)
	if err := e.runner.Tick(e.ctx); err != nil {
		t.Fatal(err)
	}
	e.runDue()
	gh.mu.Lock()
	state := issue["state"]
	gh.mu.Unlock()
	if got = e.get(a); got.Status != debrief.ActionInProgress || state != "open" || got.TicketState != "open" {
		t.Fatalf("after the poll: item %s, issue %v, %+v", got.Status, state, got)
	}
	// Then someone closes it as not planned: the next poll drops the item.
	gh.mu.Lock()
	issue["state"], issue["state_reason"], issue["updated_at"] = "closed", "not_planned", "2026-11-22T11:00:00Z"
	gh.mu.Unlock()
	e.now = e.now.Add(10 * time.Minute)
	e.runner.Tick(e.ctx)
	e.runDue()
	if got = e.get(a); got.Status != debrief.ActionDropped || !strings.Contains(got.DropReason, "not planned in github") {
		t.Fatalf("closed as not planned: %+v", got)
	}
}

// Jira Cloud: created in the project (documented create and get answers),
// moved to Done by a signed issue_updated webhook, and moved by a
// transition when Debrief is ahead; its error collection is shown.
func TestJiraSync(t *testing.T) {
	jira := newFake(t)
	var issue map[string]any
	readJSON(t, "jira/get-issue-todo.response.json", &issue)
	done := map[string]any{}
	readJSON(t, "jira/get-transitions.response.json", &done)
	jira.routes["POST /rest/api/3/issue"] = func(w http.ResponseWriter, r *http.Request, body []byte) {
		if u, p, ok := r.BasicAuth(); !ok || u != "ops@example.com" || p != "jira-token" {
			t.Errorf("basic auth %q %q", u, p)
		}
		w.WriteHeader(201)
		w.Write(readJSON(t, "jira/create-issue.response.json", nil))
	}
	jira.routes["GET /rest/api/3/issue/OPS-24"] = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		jira.mu.Lock()
		defer jira.mu.Unlock()
		json.NewEncoder(w).Encode(issue)
	}
	jira.routes["GET /rest/api/3/issue/OPS-24/transitions"] = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		json.NewEncoder(w).Encode(done)
	}
	jira.routes["POST /rest/api/3/issue/OPS-24/transitions"] = func(w http.ResponseWriter, r *http.Request, body []byte) {
		var in struct{ Transition struct{ ID string } }
		json.Unmarshal(body, &in)
		jira.mu.Lock()
		defer jira.mu.Unlock()
		for _, tr := range done["transitions"].([]any) {
			tr := tr.(map[string]any)
			if tr["id"] == in.Transition.ID {
				issue["fields"].(map[string]any)["status"] = tr["to"]
				issue["fields"].(map[string]any)["updated"] = "2026-11-22T10:30:00.000+0000"
			}
		}
		w.WriteHeader(204)
	}
	client := tracker.NewJira(jira.srv.URL, "ops@example.com", "jira-token", "OPS", nil, nil)
	e := newEnv(t, client)
	a := e.action("Alert on the decline rate per provider")

	// A 400 with Jira's error collection is not retried, and says why.
	jira.failNext(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		w.Write(readJSON(t, "jira/error-400.response.json", nil))
	})
	if _, err := e.svc.RequestTicket(e.ctx, e.inc.ID, a.ID, "jira"); err != nil {
		t.Fatal(err)
	}
	e.runDue()
	got := e.get(a)
	if !strings.Contains(got.SyncError, "summary: You must specify a summary of the issue.") || !strings.Contains(got.SyncError, "not retried") {
		t.Fatalf("after a 400: %+v", got)
	}
	// Asked again (a new request after the fix): created.
	jobsDone, _ := e.st.FindJobs(e.ctx, tracker.JobCreate)
	if len(jobsDone) != 1 || jobsDone[0].State != store.JobFailed {
		t.Fatalf("create job: %+v", jobsDone)
	}
	c2 := e.action("Document the provider failover")
	if _, err := e.svc.RequestTicket(e.ctx, e.inc.ID, c2.ID, "jira"); err != nil {
		t.Fatal(err)
	}
	e.runDue()
	got = e.get(c2)
	if got.TicketKey != "OPS-24" || got.TicketURL != jira.srv.URL+"/browse/OPS-24" || got.TicketState != "To Do" || got.SyncState != debrief.SyncOK {
		t.Fatalf("created: %+v", got)
	}
	var sent struct {
		Fields struct {
			Project     struct{ Key string }
			Summary     string
			Labels      []string
			Description struct {
				Type    string
				Content []struct {
					Content []struct{ Text string }
				}
			}
		}
	}
	json.Unmarshal(jira.bodies["POST /rest/api/3/issue"], &sent)
	if sent.Fields.Project.Key != "OPS" || sent.Fields.Summary != c2.Title || sent.Fields.Description.Type != "doc" ||
		strings.Join(sent.Fields.Labels, ",") != "debrief,follow-up,priority:high" {
		t.Fatalf("filed %+v", sent.Fields)
	}

	// The documented issue_updated webhook, signed: To Do -> Done.
	body := readJSON(t, "jira/webhook-issue-updated.json", nil)
	if w := e.hook(tracker.JiraHookPath, "X-Hub-Signature", "not-it", body); w.Code != 401 {
		t.Fatalf("bad signature: %d", w.Code)
	}
	if w := e.hook(tracker.JiraHookPath, "X-Hub-Signature", "jira-secret", body); w.Code != 204 {
		t.Fatalf("webhook: %d %s", w.Code, w.Body)
	}
	got = e.get(c2)
	if got.Status != debrief.ActionDone || got.TicketState != "Done" {
		t.Fatalf("after the webhook: %+v", got)
	}
	// Debrief reopens it; the poll moves the ticket by Jira's transition
	// to an in-progress status.
	jira.mu.Lock()
	issue["fields"].(map[string]any)["status"] = done["transitions"].([]any)[1].(map[string]any)["to"]
	jira.mu.Unlock()
	e.now = e.now.Add(time.Minute)
	if _, err := e.svc.UpdateAction(e.ctx, c2.IncidentID, c2.ID, debrief.ActionUpdate{Status: ptr(debrief.ActionInProgress), Version: got.Version}); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(10 * time.Minute)
	e.runner.Tick(e.ctx)
	e.runDue()
	if got = e.get(c2); got.Status != debrief.ActionInProgress || got.TicketState != "In Progress" {
		t.Fatalf("after Debrief reopened it: %+v", got)
	}
	if !strings.Contains(strings.Join(jira.seen, "|"), "POST /rest/api/3/issue/OPS-24/transitions") {
		t.Fatalf("no transition made: %v", jira.seen)
	}

	// Configured mapping: a custom status name.
	m, err := tracker.ParseStates("jira:Won't Do=dropped, github:open=in_progress")
	if err != nil || m.Map("jira", tracker.Ticket{State: "Won't Do", Category: "done"}) != debrief.ActionDropped ||
		m.Map("jira", tracker.Ticket{State: "Done", Category: "done"}) != debrief.ActionDone ||
		m.Map("github", tracker.Ticket{State: "open"}) != debrief.ActionInProgress {
		t.Fatalf("ParseStates: %v %v", m, err)
	}
	for _, bad := range []string{"closed=done", "gitlab:closed=done", "jira:Done=finished"} {
		if _, err := tracker.ParseStates(bad); err == nil {
			t.Errorf("ParseStates(%q) accepted", bad)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// nowSetter is a store whose clock the test sets.
type nowSetter struct {
	store.Store
	db *sqlstore.DB
}

func (n nowSetter) SetNow(f func() time.Time) { n.db.Now = f }
