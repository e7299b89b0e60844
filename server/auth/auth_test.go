package auth_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/server/auth"
	"github.com/debrief-oss/debrief/store/sqlite"
)

// env is the middleware over a real service and SQLite file, in front of
// a handler that reports who it was called for.
type env struct {
	t      *testing.T
	ctx    context.Context // the system, for setting up
	svc    *app.Service
	st     *sqlite.Store
	h      http.Handler
	logs   *bytes.Buffer
	user   *debrief.User
	secret string // the user's session
	csrf   string
	token  string // the user's read-write API token
	pages  int    // calls of the error page
}

func newEnv(t *testing.T, opts auth.Options) *env {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, svc: app.New(st), logs: &bytes.Buffer{}, ctx: debrief.WithActor(context.Background(), debrief.SystemActor)}
	e.user = &debrief.User{Name: "Ana", Email: "ana@example.com"}
	if err := e.svc.CreateUser(e.ctx, e.user, ""); err != nil {
		t.Fatal(err)
	}
	secret, sess, err := e.svc.StartSession(e.ctx, e.user.ID, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	e.secret, e.csrf = secret, sess.CSRFToken
	uctx := debrief.WithActor(context.Background(), &debrief.Actor{User: e.user, Scope: debrief.ScopeWrite})
	if e.token, _, err = e.svc.CreateToken(uctx, "ci", debrief.ScopeWrite, nil); err != nil {
		t.Fatal(err)
	}
	if opts.ErrorPage == nil {
		opts.ErrorPage = func(w http.ResponseWriter, r *http.Request, err error) {
			e.pages++
			w.WriteHeader(statusOf(err))
			fmt.Fprintf(w, "error page: %s", debrief.ErrorMessage(err))
		}
	}
	a := auth.New(e.svc, slog.New(slog.NewTextHandler(e.logs, nil)), opts)
	e.h = a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/signin" {
			secret, _, err := e.svc.StartSession(r.Context(), e.user.ID, auth.Address(r))
			if err == nil {
				err = auth.SignIn(w, r, secret)
			}
			if err != nil {
				t.Error(err)
			}
			return
		}
		if r.URL.Path == "/signout" {
			if err := auth.SignOut(w, r); err != nil {
				t.Error(err)
			}
			return
		}
		fmt.Fprintf(w, "actor=%s csrf=%s", debrief.ActorFrom(r.Context()).Name(), auth.CSRFToken(r.Context()))
	}))
	return e
}

func statusOf(err error) int {
	switch debrief.ErrorCode(err) {
	case debrief.EUNAUTHORIZED:
		return 401
	case debrief.EFORBIDDEN:
		return 403
	}
	return 500
}

type req struct {
	method, path string
	form         url.Values
	json         string
	cookie       string // session secret
	bearer       string
	header       map[string]string
	cookies      map[string]string
	remote       string
	tls          bool
}

func (e *env) do(q req) *httptest.ResponseRecorder {
	e.t.Helper()
	if q.method == "" {
		q.method = http.MethodGet
	}
	var r *http.Request
	switch {
	case q.form != nil:
		r = httptest.NewRequest(q.method, q.path, strings.NewReader(q.form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case q.json != "":
		r = httptest.NewRequest(q.method, q.path, strings.NewReader(q.json))
		r.Header.Set("Content-Type", "application/json")
	default:
		r = httptest.NewRequest(q.method, q.path, nil)
	}
	if q.cookie != "" {
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: q.cookie})
	}
	for k, v := range q.cookies {
		r.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if q.bearer != "" {
		r.Header.Set("Authorization", "Bearer "+q.bearer)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	if q.remote != "" {
		r.RemoteAddr = q.remote
	}
	if q.tls {
		r.TLS = &tls.ConnectionState{}
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func (e *env) audit(action string) []*debrief.AuditEntry {
	e.t.Helper()
	all, err := e.svc.FindAudit(e.ctx, debrief.AuditFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []*debrief.AuditEntry
	for _, a := range all {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}

func cookie(w *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSessionCookieSignsIn(t *testing.T) {
	e := newEnv(t, auth.Options{})
	w := e.do(req{path: "/", cookie: e.secret})
	if got, want := w.Body.String(), "actor=ana@example.com csrf="+e.csrf; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
	w = e.do(req{path: "/"})
	if !strings.HasPrefix(w.Body.String(), "actor=anonymous csrf=") {
		t.Errorf("without a cookie: %q", w.Body.String())
	}
}

func TestSignInSetsAHardenedCookieAndRotates(t *testing.T) {
	for _, tt := range []struct {
		name   string
		opts   auth.Options
		tls    bool
		secure bool
	}{
		{"plain http", auth.Options{}, false, false},
		{"tls", auth.Options{}, true, true},
		{"behind a proxy", auth.Options{SecureCookies: true}, false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts)
			// The sign-in form posts with the pre-session token.
			pre := e.do(req{path: "/login", tls: tt.tls})
			pc := cookie(pre, auth.PreSessionCookie)
			if pc == nil || !pc.HttpOnly || pc.Secure != tt.secure || pc.SameSite != http.SameSiteLaxMode {
				t.Fatalf("pre-session cookie %+v", pc)
			}
			w := e.do(req{method: "POST", path: "/signin", tls: tt.tls, cookie: e.secret,
				form: url.Values{"csrf_token": {e.csrf}}})
			c := cookie(w, auth.SessionCookie)
			if c == nil || c.Value == "" || c.Value == e.secret {
				t.Fatalf("session cookie %+v: want a new secret", c)
			}
			if !c.HttpOnly || c.Secure != tt.secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				t.Errorf("session cookie %+v: want HttpOnly, Secure=%v, SameSite=Lax, Path=/", c, tt.secure)
			}
			if d := cookie(w, auth.PreSessionCookie); d == nil || d.MaxAge >= 0 {
				t.Errorf("the pre-session cookie is not dropped at sign-in: %+v", d)
			}
			// The session the browser came with is over.
			if body := e.do(req{path: "/", cookie: e.secret}).Body.String(); !strings.HasPrefix(body, "actor=anonymous") {
				t.Errorf("old session still works after sign-in: %q", body)
			}
			if body := e.do(req{path: "/", cookie: c.Value}).Body.String(); !strings.HasPrefix(body, "actor=ana@example.com") {
				t.Errorf("new session: %q", body)
			}
		})
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	e := newEnv(t, auth.Options{})
	w := e.do(req{method: "POST", path: "/signout", cookie: e.secret, form: url.Values{"csrf_token": {e.csrf}}})
	if c := cookie(w, auth.SessionCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("cookie not cleared: %+v", c)
	}
	if body := e.do(req{path: "/", cookie: e.secret}).Body.String(); !strings.HasPrefix(body, "actor=anonymous") {
		t.Errorf("session still works after sign-out: %q", body)
	}
}

func TestTamperedCookieIsClearedAndAudited(t *testing.T) {
	e := newEnv(t, auth.Options{})
	forged := e.secret[:len(e.secret)-1] + "A"
	if forged == e.secret {
		forged = e.secret[:len(e.secret)-1] + "B"
	}
	for _, bad := range []string{forged, "x", strings.Repeat("a", 4000), "<script>"} {
		w := e.do(req{path: "/", cookie: bad})
		if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "actor=anonymous") {
			t.Errorf("cookie %.10q: %d %q, want signed out", bad, w.Code, w.Body)
		}
		if c := cookie(w, auth.SessionCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("cookie %.10q not cleared: %+v", bad, c)
		}
	}
	denied := e.audit("session.use")
	if len(denied) != 4 || denied[0].Outcome != debrief.AuditDenied || denied[0].Address != "192.0.2.1" {
		t.Fatalf("audit: %+v", denied)
	}
	for _, d := range denied {
		if strings.Contains(d.Detail, forged) {
			t.Errorf("the audit log holds the cookie: %q", d.Detail)
		}
	}
}

func TestBearerTokens(t *testing.T) {
	e := newEnv(t, auth.Options{})
	w := e.do(req{path: "/api/v1/incidents", bearer: e.token})
	if !strings.HasPrefix(w.Body.String(), "actor=ana@example.com csrf=") || strings.Contains(w.Body.String(), e.csrf) {
		t.Errorf("token: %q", w.Body)
	}
	// A token request changes things without a CSRF token: no browser
	// sends the header on its own.
	w = e.do(req{method: "POST", path: "/api/v1/incidents", bearer: e.token, json: `{}`})
	if w.Code != 200 {
		t.Errorf("POST with a token: %d %s", w.Code, w.Body)
	}
	// A bad token is refused, whatever cookie comes with it.
	for _, q := range []req{
		{path: "/api/v1/incidents", bearer: "dbr_nope", cookie: e.secret},
		{path: "/api/v1/incidents", bearer: e.token + "x"},
		{path: "/api/v1/incidents", header: map[string]string{"Authorization": "Basic YWxhZGRpbjpvcGVuc2VzYW1l"}, cookie: e.secret},
		{path: "/api/v1/incidents", header: map[string]string{"Authorization": "Bearer"}},
	} {
		w := e.do(q)
		if w.Code != 401 {
			t.Errorf("%v: status %d, want 401", q.header, w.Code)
			continue
		}
		var body struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != debrief.EUNAUTHORIZED || body.Error.Message == "" {
			t.Errorf("body %s: %v", w.Body, err)
		}
		if !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("WWW-Authenticate = %q", w.Header().Get("WWW-Authenticate"))
		}
	}
	// Outside the API, the error page says it.
	if w := e.do(req{path: "/incidents", bearer: "dbr_nope"}); w.Code != 401 || !strings.HasPrefix(w.Body.String(), "error page:") {
		t.Errorf("page with a bad token: %d %q", w.Code, w.Body)
	}
	if n := len(e.audit("token.authenticate")); n < 2 {
		t.Errorf("%d refused tokens audited, want at least 2", n)
	}
	if n := len(e.audit("token.use")); n != 2 {
		t.Errorf("%d malformed headers audited, want 2", n)
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t, auth.Options{})
	ok := func(q req) {
		t.Helper()
		if w := e.do(q); w.Code != 200 {
			t.Errorf("%s %s: %d %s, want 200", q.method, q.path, w.Code, w.Body)
		}
	}
	refused := func(q req, status int) {
		t.Helper()
		if w := e.do(q); w.Code != status {
			t.Errorf("%s %s: %d %s, want %d", q.method, q.path, w.Code, w.Body, status)
		}
	}
	// Every unsafe method by cookie needs the session's token...
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		refused(req{method: m, path: "/people", cookie: e.secret, form: url.Values{"name": {"x"}}}, 403)
		refused(req{method: m, path: "/people", cookie: e.secret, form: url.Values{"csrf_token": {strings.Repeat("A", len(e.csrf))}}}, 403)
		ok(req{method: m, path: "/people", cookie: e.secret, header: map[string]string{"X-CSRF-Token": e.csrf}})
		if m == "DELETE" {
			// A DELETE's body is not a form (Go's ParseForm reads none):
			// its token goes in the header.
			refused(req{method: m, path: "/people", cookie: e.secret, form: url.Values{"csrf_token": {e.csrf}}}, 403)
			continue
		}
		ok(req{method: m, path: "/people", cookie: e.secret, form: url.Values{"csrf_token": {e.csrf}}})
	}
	// ...not a token from the address (it would leak into logs), nor
	// another session's.
	refused(req{method: "POST", path: "/people?csrf_token=" + e.csrf, cookie: e.secret, form: url.Values{}}, 403)
	_, other, err := e.svc.StartSession(e.ctx, e.user.ID, "192.0.2.2")
	if err != nil {
		t.Fatal(err)
	}
	refused(req{method: "POST", path: "/people", cookie: e.secret, form: url.Values{"csrf_token": {other.CSRFToken}}}, 403)
	// The API by cookie: the header, as JSON.
	w := e.do(req{method: "POST", path: "/api/v1/people", cookie: e.secret, json: `{"name":"x"}`})
	if w.Code != 403 || !strings.Contains(w.Body.String(), `"code":"forbidden"`) || !strings.Contains(w.Header().Get("Content-Type"), "json") {
		t.Errorf("API by cookie without the header: %d %s", w.Code, w.Body)
	}
	ok(req{method: "POST", path: "/api/v1/people", cookie: e.secret, json: `{}`, header: map[string]string{"X-CSRF-Token": e.csrf}})
	// Safe methods need none.
	ok(req{method: "GET", path: "/people", cookie: e.secret})
	ok(req{method: "HEAD", path: "/people", cookie: e.secret})

	denied := e.audit("csrf")
	if len(denied) != 12 {
		t.Errorf("%d refusals audited, want 12", len(denied))
	}
	for _, d := range denied {
		if d.Outcome != debrief.AuditDenied || d.ActorID != e.user.ID || strings.Contains(d.Detail, e.csrf) {
			t.Errorf("audit entry %+v", d)
		}
	}
	if e.pages == 0 {
		t.Error("refused pages did not use the error page")
	}
}

func TestPreSessionToken(t *testing.T) {
	e := newEnv(t, auth.Options{})
	w := e.do(req{path: "/login"})
	c := cookie(w, auth.PreSessionCookie)
	if c == nil || !strings.HasSuffix(w.Body.String(), "csrf="+c.Value) {
		t.Fatalf("no pre-session token: %+v %q", c, w.Body)
	}
	pre := map[string]string{auth.PreSessionCookie: c.Value}
	// The same token comes back on the next page instead of a new one.
	if w := e.do(req{path: "/login", cookies: pre}); cookie(w, auth.PreSessionCookie) != nil || !strings.HasSuffix(w.Body.String(), c.Value) {
		t.Errorf("token not kept: %q", w.Body)
	}
	if w := e.do(req{method: "POST", path: "/login", cookies: pre, form: url.Values{"csrf_token": {c.Value}}}); w.Code != 200 {
		t.Errorf("with the token: %d", w.Code)
	}
	for _, q := range []req{
		{method: "POST", path: "/login", form: url.Values{"csrf_token": {c.Value}}},                                                             // no cookie: a forged form
		{method: "POST", path: "/login", cookies: pre, form: url.Values{}},                                                                      // no field
		{method: "POST", path: "/login", cookies: pre, form: url.Values{"csrf_token": {c.Value + "x"}}},                                         // wrong
		{method: "POST", path: "/login", cookies: map[string]string{auth.PreSessionCookie: "short"}, form: url.Values{"csrf_token": {"short"}}}, // not one we made
	} {
		if w := e.do(q); w.Code != 403 {
			t.Errorf("%v %v: %d, want 403", q.cookies, q.form, w.Code)
		}
	}
	// The API without credentials needs no token: there is nothing to
	// forge, and the service answers 401.
	if w := e.do(req{method: "POST", path: "/api/v1/people", json: `{}`}); w.Code != 200 {
		t.Errorf("API without credentials: %d", w.Code)
	}
}

func TestStaleCookieOnAFormAsksToSignInAgain(t *testing.T) {
	e := newEnv(t, auth.Options{})
	w := e.do(req{method: "POST", path: "/people", cookie: "ended", form: url.Values{"csrf_token": {e.csrf}}})
	if w.Code != 401 || !strings.Contains(w.Body.String(), "signed out") {
		t.Errorf("%d %q", w.Code, w.Body)
	}
}

func TestDemoSignsInFromLoopbackOnly(t *testing.T) {
	demoUser := func(e *env) func(context.Context) (int64, error) {
		return func(context.Context) (int64, error) { return e.user.ID, nil }
	}
	var e *env
	e = newEnv(t, auth.Options{DemoUser: func(ctx context.Context) (int64, error) { return demoUser(e)(ctx) }})
	for _, tt := range []struct {
		q    req
		want bool
	}{
		{req{path: "/", remote: "127.0.0.1:5000"}, true},
		{req{path: "/incidents/1", remote: "[::1]:5000"}, true},
		{req{path: "/", remote: "127.9.9.9:5000"}, true},
		{req{path: "/", remote: "[::ffff:127.0.0.1]:5000"}, true},
		{req{path: "/", remote: "192.0.2.7:5000"}, false},
		{req{path: "/", remote: "10.0.0.1:5000", header: map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-Ip": "127.0.0.1"}}, false},
		{req{path: "/", remote: "[2001:db8::1]:5000"}, false},
		{req{path: "/static/x/app.css", remote: "127.0.0.1:5000"}, false},
		{req{path: "/api/v1/incidents", remote: "127.0.0.1:5000"}, false},
		{req{method: "POST", path: "/people", remote: "127.0.0.1:5000", form: url.Values{}}, false},
		// Signing out of the demo leads to the sign-in page, which must
		// not sign the visitor straight back in.
		{req{path: "/login", remote: "127.0.0.1:5000"}, false},
		{req{path: "/auth/oidc/login", remote: "127.0.0.1:5000"}, false},
	} {
		w := e.do(tt.q)
		signedIn := strings.HasPrefix(w.Body.String(), "actor=ana@example.com")
		if signedIn != tt.want || (cookie(w, auth.SessionCookie) != nil) != tt.want {
			t.Errorf("%s %s from %s %v: signed in %v (cookie %v), want %v", tt.q.method, tt.q.path, tt.q.remote, tt.q.header, signedIn, cookie(w, auth.SessionCookie) != nil, tt.want)
		}
	}
	// The session it started works like any other, from anywhere.
	w := e.do(req{path: "/", remote: "127.0.0.1:1"})
	if body := e.do(req{path: "/", remote: "192.0.2.7:1", cookie: cookie(w, auth.SessionCookie).Value}).Body.String(); !strings.HasPrefix(body, "actor=ana@example.com") {
		t.Errorf("demo session: %q", body)
	}
}

func TestNoSecretInLogs(t *testing.T) {
	e := newEnv(t, auth.Options{})
	e.do(req{path: "/", cookie: e.secret})
	e.do(req{method: "POST", path: "/people", cookie: e.secret, form: url.Values{"csrf_token": {"forged-" + e.csrf}}})
	e.do(req{path: "/api/v1/x", bearer: e.token + "0"})
	e.st.Close() // every lookup now fails inside the store, and is logged
	w := e.do(req{path: "/", cookie: e.secret})
	if w.Code != 500 {
		t.Errorf("status %d, want 500", w.Code)
	}
	e.do(req{path: "/api/v1/x", bearer: e.token})
	logs := e.logs.String()
	if !strings.Contains(logs, "level=ERROR") {
		t.Errorf("the failure was not logged:\n%s", logs)
	}
	for _, secret := range []string{e.secret, e.csrf, e.token, e.token[4:]} {
		if strings.Contains(logs, secret) {
			t.Errorf("a secret is in the log:\n%s", logs)
		}
	}
}

func TestSessionExpiresWithoutUse(t *testing.T) {
	now := time.Now()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc := app.New(st, app.WithClock(func() time.Time { return now }))
	ctx := debrief.WithActor(context.Background(), debrief.SystemActor)
	u := &debrief.User{Name: "Bo", Email: "bo@example.com"}
	if err := svc.CreateUser(ctx, u, ""); err != nil {
		t.Fatal(err)
	}
	secret, _, err := svc.StartSession(ctx, u.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	h := auth.New(svc, nil, auth.Options{}).Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, debrief.ActorFrom(r.Context()).Name())
	}))
	get := func() string {
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: secret})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Body.String()
	}
	if got := get(); got != "bo@example.com" {
		t.Fatalf("fresh: %q", got)
	}
	now = now.Add(app.SessionLifetime + time.Minute)
	if got := get(); got != "anonymous" {
		t.Errorf("after %v unused: %q", app.SessionLifetime, got)
	}
}

// The server's logging and metrics, outside the middleware, see the route
// the mux matched inside it.
func TestRoutePatternReachesOuterHandlers(t *testing.T) {
	e := newEnv(t, auth.Options{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /incidents/{id}", func(http.ResponseWriter, *http.Request) {})
	h := auth.New(e.svc, nil, auth.Options{}).Middleware(mux)
	r := httptest.NewRequest("GET", "/incidents/7", nil)
	r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: e.secret})
	h.ServeHTTP(httptest.NewRecorder(), r)
	if r.Pattern != "GET /incidents/{id}" {
		t.Errorf("Pattern = %q", r.Pattern)
	}
}
