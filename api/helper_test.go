package api_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the export test needs Europe/Copenhagen on any machine

	"github.com/debrief-oss/debrief/store/postgres/pgtest"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/api"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/server"
	"github.com/debrief-oss/debrief/server/auth"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/sqlite"
)

// The OpenAPI document, loaded and checked once for the whole test binary.
var (
	docOnce   sync.Once
	doc       *openapi3.T
	docRouter routers.Router
	docErr    error
)

func loadDoc(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	docOnce.Do(func() {
		// "uri" and "email" are not checked by kin-openapi unless defined;
		// define them as strictly as the app checks its input, so that a
		// response carrying a value the app would refuse fails validation.
		openapi3.DefineStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
			u, err := url.Parse(s)
			if err != nil || u.Scheme == "" || u.Host == "" {
				return fmt.Errorf("not an absolute URI: %q", s)
			}
			return nil
		}))
		openapi3.DefineStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
			if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
				return fmt.Errorf("not an e-mail address: %q", s)
			}
			return nil
		}))
		openapi3filter.RegisterBodyDecoder("text/markdown", openapi3filter.PlainBodyDecoder)
		openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
		openapi3filter.RegisterBodyDecoder("image/svg+xml", openapi3filter.PlainBodyDecoder)

		loader := openapi3.NewLoader()
		doc, docErr = loader.LoadFromData(api.OpenAPI())
		if docErr != nil {
			return
		}
		if docErr = doc.Validate(loader.Context, openapi3.EnableSchemaFormatValidation()); docErr != nil {
			return
		}
		docRouter, docErr = gorillamux.NewRouter(doc)
	})
	if docErr != nil {
		t.Fatalf("openapi.yaml: %v", docErr)
	}
	return doc, docRouter
}

// env is one test's server: a real database (SQLite, or PostgreSQL when
// DEBRIEF_TEST_POSTGRES is set), the app over it, and the API's routes
// behind the server's whole middleware chain, authentication included, as
// `debrief serve` builds it, on an httptest.Server. Every request a test
// sends carries the API token of an organisation admin unless it says
// otherwise.
type env struct {
	t     testing.TB
	srv   *httptest.Server
	store store.Store
	svc   *app.Service
	clock *testClock
	logs  *syncBuffer
	// mux holds the API's routes alone, without the middleware, for
	// benchmarks and tests that put an actor in the context themselves;
	// handler is the whole server, as srv serves it.
	mux     *http.ServeMux
	handler http.Handler

	admin *debrief.User // an organisation admin, an admin of team too
	token string        // admin's read-write API token
	team  *debrief.Team // the fixture team incidents belong to by default
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines to log to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testClock is the service's clock: the real time, plus however far a
// test has moved it on (to let a token expire).
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// sys is the context the tests' fixtures are made in: the program itself
// acting, as the command line does.
var sys = debrief.WithActor(context.Background(), debrief.SystemActor)

func newEnv(t testing.TB) *env {
	t.Helper()
	loadDoc(t)
	ctx := context.Background()
	st := openStore(t)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st, clock: &testClock{}, logs: &syncBuffer{}, mux: http.NewServeMux()}
	logger := slog.New(slog.NewTextHandler(e.logs, nil))
	e.svc = app.New(st, app.WithClock(e.clock.now), app.WithLogger(logger))
	h := api.New(e.svc, logger)
	h.Register(e.mux)
	authenticator := auth.New(e.svc, logger, auth.Options{})
	srv := server.New(server.Config{
		// The server logs every request; the tests' log is for errors.
		Logger: slog.New(slog.DiscardHandler),
		Routes: []server.Registrar{h},
		Wrap:   []func(http.Handler) http.Handler{authenticator.Middleware},
	})
	e.handler = srv.Handler()
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)

	// The fixtures every test starts from, made through the service as
	// the command line makes them.
	e.team = &debrief.Team{Slug: "ops", Name: "Operations", DefaultVisibility: debrief.VisibleToTeam}
	if err := e.svc.CreateTeam(sys, e.team); err != nil {
		t.Fatalf("create the fixture team: %v", err)
	}
	e.admin = &debrief.User{Email: "admin@example.com", Name: "Test Admin", OrgAdmin: true}
	if err := e.svc.CreateUser(sys, e.admin, ""); err != nil {
		t.Fatalf("create the admin: %v", err)
	}
	e.join(e.admin, e.team, debrief.RoleAdmin)
	e.token = e.newToken(e.admin, debrief.ScopeWrite, nil)
	return e
}

// testPassword is the password of a user created with one. The fixture
// users have none (single sign-on only): hashing a password costs a tenth
// of a second, and the API tests sign in with tokens.
const testPassword = "correct horse battery staple"

// openStore opens an empty, migrated-ready store: a SQLite file in the
// test's directory, or, when DEBRIEF_TEST_POSTGRES holds a DSN, a schema of
// its own in that PostgreSQL database, dropped at the end of the test.
func openStore(t testing.TB) store.Store {
	t.Helper()
	ctx := context.Background()
	if dsn := os.Getenv("DEBRIEF_TEST_POSTGRES"); dsn != "" {
		st, err := postgres.Open(ctx, pgtest.FreshSchema(t, dsn))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// join gives u role in team, through the service.
func (e *env) join(u *debrief.User, team *debrief.Team, role debrief.Role) {
	e.t.Helper()
	if err := e.svc.SetMember(sys, &debrief.Membership{TeamID: team.ID, UserID: u.ID, Role: role}); err != nil {
		e.t.Fatalf("make %s %s of %s: %v", u.Email, role, team.Slug, err)
	}
}

// newTeam creates a team through the service.
func (e *env) newTeam(slug string, vis debrief.Visibility) *debrief.Team {
	e.t.Helper()
	team := &debrief.Team{Slug: slug, Name: slug, DefaultVisibility: vis}
	if err := e.svc.CreateTeam(sys, team); err != nil {
		e.t.Fatalf("create team %s: %v", slug, err)
	}
	return team
}

// actorOf signs u in through the service, as the sign-in page does, and
// returns the actor the service makes of that session.
func (e *env) actorOf(u *debrief.User) (actor *debrief.Actor, cookie string, sess *debrief.Session) {
	e.t.Helper()
	secret, _, err := e.svc.StartSession(sys, u.ID, "127.0.0.1")
	if err != nil {
		e.t.Fatalf("start a session for %s: %v", u.Email, err)
	}
	a, sess, err := e.svc.SessionActor(context.Background(), secret, "127.0.0.1")
	if err != nil {
		e.t.Fatalf("resolve the session of %s: %v", u.Email, err)
	}
	return a, secret, sess
}

// newToken creates an API token for u through the service, acting as u
// (a token is always its own user's), and returns its secret.
func (e *env) newToken(u *debrief.User, scope debrief.Scope, expires *time.Time) string {
	e.t.Helper()
	a, _, _ := e.actorOf(u)
	secret, _, err := e.svc.CreateToken(debrief.WithActor(context.Background(), a), "tests", scope, expires)
	if err != nil {
		e.t.Fatalf("create a token for %s: %v", u.Email, err)
	}
	return secret
}

// user is a test user with a read-write API token.
type user struct {
	*debrief.User
	token string
}

// newUser creates a user through the service with the given roles, and a
// read-write token for them.
func (e *env) newUser(name string, roles map[*debrief.Team]debrief.Role) *user {
	e.t.Helper()
	u := &debrief.User{Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com", Name: name}
	if err := e.svc.CreateUser(sys, u, ""); err != nil {
		e.t.Fatalf("create user %s: %v", name, err)
	}
	for team, role := range roles {
		e.join(u, team, role)
	}
	return &user{User: u, token: e.newToken(u, debrief.ScopeWrite, nil)}
}

// resp is an answer, read in full.
type resp struct {
	status int
	header http.Header
	body   []byte
}

// jsonBody marks a request body to send as it is, with a JSON content type.
type jsonBody string

// req describes a request for env.send.
type req struct {
	method, path string
	body         any    // nil, jsonBody, []byte (sent raw) or a value to marshal
	contentType  string // overrides application/json
	// token is the API token to send instead of the admin's; anonymous
	// sends none. header is sent as well (a cookie, a CSRF token).
	token     string
	anonymous bool
	header    http.Header
}

// do sends method path with body (see req.body) as the admin and returns
// the answer, checked against the OpenAPI document.
func (e *env) do(method, path string, body any) *resp {
	e.t.Helper()
	return e.send(req{method: method, path: path, body: body})
}

// doAs is do with another API token.
func (e *env) doAs(token, method, path string, body any) *resp {
	e.t.Helper()
	return e.send(req{method: method, path: path, body: body, token: token})
}

// send is the one way tests talk to the server. Every answer is validated
// against openapi.yaml: status documented for the operation, headers and
// body matching its schema. An answer to a path the document does not have
// must be the catch-all's JSON error.
func (e *env) send(rq req) *resp {
	e.t.Helper()
	var raw []byte
	switch b := rq.body.(type) {
	case nil:
	case jsonBody:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.t.Fatal(err)
		}
	}
	r, err := http.NewRequest(rq.method, e.srv.URL+rq.path, bytes.NewReader(raw))
	if err != nil {
		e.t.Fatal(err)
	}
	if rq.body != nil {
		ct := rq.contentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
	}
	for k, vs := range rq.header {
		r.Header[k] = vs
	}
	if rq.token == "" && !rq.anonymous && mintsTokens(rq) {
		// Tokens are made and revoked from a browser session, never with
		// another token: the admin's session and its CSRF token stand in.
		_, secret, sess := e.actorOf(e.admin)
		r.Header.Set("Cookie", "debrief_session="+secret)
		r.Header.Set("X-CSRF-Token", sess.CSRFToken)
	} else if token := cmp.Or(rq.token, e.token); !rq.anonymous && token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.srv.Client().Do(r)
	if err != nil {
		e.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	out := &resp{status: res.StatusCode, header: res.Header, body: body}
	validateResponse(e.t, r, out)
	return out
}

func validateResponse(t testing.TB, r *http.Request, res *resp) {
	t.Helper()
	doc, router := loadDoc(t)
	what := r.Method + " " + r.URL.RequestURI()
	if res.status >= 400 {
		checkErrorShape(t, what, res)
	}
	route, pathParams, err := router.FindRoute(r)
	if err != nil {
		// Not a documented path+method: only the catch-all answers these.
		if res.status != http.StatusNotFound && res.status != http.StatusMethodNotAllowed {
			t.Errorf("%s: undocumented request answered %d, want 404 or 405 from the catch-all", what, res.status)
		}
		var v any
		if err := json.Unmarshal(res.body, &v); err != nil {
			t.Errorf("%s: catch-all body is not JSON: %v", what, err)
			return
		}
		if err := doc.Components.Schemas["Error"].Value.VisitJSON(v); err != nil {
			t.Errorf("%s: catch-all body does not match Error: %v", what, err)
		}
		return
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: r, PathParams: pathParams, Route: route, Options: opts,
		},
		Status:  res.status,
		Header:  res.header,
		Body:    io.NopCloser(bytes.NewReader(res.body)),
		Options: opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s: answer %d does not match openapi.yaml:\n%v\nbody: %s", what, res.status, err, clip(res.body))
	}
}

// checkErrorShape holds every error answer to the one shape, with a code
// that agrees with the status.
func checkErrorShape(t testing.TB, what string, res *resp) {
	t.Helper()
	// The API answers exactly application/json; the authentication
	// middleware, which refuses some requests before they reach it, adds a
	// charset.
	if ct := res.header.Get("Content-Type"); ct != "application/json" && ct != "application/json; charset=utf-8" {
		t.Errorf("%s: error Content-Type %q, want application/json", what, ct)
	}
	var eb errBody
	if err := json.Unmarshal(res.body, &eb); err != nil {
		t.Errorf("%s: error body is not JSON: %v: %s", what, err, clip(res.body))
		return
	}
	want := map[string]int{
		debrief.EINVALID: 400, debrief.EUNAUTHORIZED: 401, debrief.EFORBIDDEN: 403,
		debrief.ENOTFOUND: 404, debrief.ECONFLICT: 409, debrief.ETOOLARGE: 413,
		debrief.ETOOMANY: 429, debrief.EINTERNAL: 500,
	}[eb.Error.Code]
	if res.status == http.StatusMethodNotAllowed {
		want = 405 // routing, not the app: the one status httperr does not give
	}
	if want != res.status || eb.Error.Message == "" {
		t.Errorf("%s: status %d with code %q, message %q", what, res.status, eb.Error.Code, eb.Error.Message)
	}
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// errBody is the API's error answer.
type errBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
	Current json.RawMessage `json:"current"`
}

// list is the API's list envelope.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// want checks the status and decodes the body into a T.
func want[T any](t testing.TB, r *resp, status int) T {
	t.Helper()
	var v T
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, clip(r.body))
	}
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, clip(r.body))
	}
	return v
}

// wantError checks an error answer's status, code and field, and returns it.
func wantError(t testing.TB, r *resp, status int, code, field string) errBody {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, clip(r.body))
	}
	var eb errBody
	if err := json.Unmarshal(r.body, &eb); err != nil {
		t.Fatalf("error body: %v", err)
	}
	if eb.Error.Code != code || eb.Error.Field != field {
		t.Fatalf("error code %q field %q, want %q field %q (message %q)",
			eb.Error.Code, eb.Error.Field, code, field, eb.Error.Message)
	}
	return eb
}

// Fixtures, made through the API itself.

func (e *env) person(name, handle string) *debrief.Person {
	e.t.Helper()
	p := want[debrief.Person](e.t, e.do("POST", "/api/v1/people", map[string]any{"name": name, "handle": handle}), 201)
	return &p
}

// incident creates an incident as the admin; without a team named in body,
// it belongs to the fixture team.
func (e *env) incident(body map[string]any) *debrief.Incident {
	e.t.Helper()
	return e.incidentAs(e.token, body)
}

func (e *env) incidentAs(token string, body map[string]any) *debrief.Incident {
	e.t.Helper()
	inc := want[debrief.Incident](e.t, e.doAs(token, "POST", "/api/v1/incidents", e.withTeam(body)), 201)
	return &inc
}

// withTeam returns body with the fixture team as its "team" unless it
// names one.
func (e *env) withTeam(body map[string]any) map[string]any {
	out := maps.Clone(body)
	if _, ok := out["team"]; !ok {
		out["team"] = e.team.Slug
	}
	return out
}

func (e *env) event(incidentID int64, body map[string]any) *debrief.Event {
	e.t.Helper()
	ev := want[debrief.Event](e.t, e.do("POST", fmt.Sprintf("/api/v1/incidents/%d/events", incidentID), body), 201)
	return &ev
}

func (e *env) action(incidentID int64, body map[string]any) *debrief.Action {
	e.t.Helper()
	a := want[debrief.Action](e.t, e.do("POST", fmt.Sprintf("/api/v1/incidents/%d/actions", incidentID), body), 201)
	return &a
}

// snapshot reads everything the API can list, so a test can check that a
// refused request wrote nothing at all.
func (e *env) snapshot(incidentIDs ...int64) string {
	e.t.Helper()
	paths := []string{"/api/v1/incidents?limit=1000", "/api/v1/people?limit=1000", "/api/v1/actions?limit=1000"}
	for _, id := range incidentIDs {
		paths = append(paths,
			fmt.Sprintf("/api/v1/incidents/%d/events?include_hidden=true&limit=1000", id),
			fmt.Sprintf("/api/v1/incidents/%d/retrospective", id))
	}
	var b strings.Builder
	for _, p := range paths {
		r := e.do("GET", p, nil)
		if r.status != 200 {
			e.t.Fatalf("snapshot %s: %d %s", p, r.status, r.body)
		}
		b.WriteString(p + "\n")
		b.Write(r.body)
	}
	return b.String()
}

func decodeJSON[T any](t testing.TB, raw []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %T: %v: %s", v, err, clip(raw))
	}
	return v
}

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// mintsTokens reports whether rq creates or revokes an API token.
func mintsTokens(rq req) bool {
	return rq.method != "GET" && strings.HasPrefix(rq.path, "/api/v1/me/tokens")
}
