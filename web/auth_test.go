package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/server/auth"
)

const password = "correct horse battery staple"

// withPassword creates a user who signs in with password.
func (e *env) withPassword(name, email string, roles map[string]debrief.Role) *debrief.User {
	e.t.Helper()
	u := &debrief.User{Name: name, Email: email}
	if err := e.svc.CreateUser(e.ctx, u, password); err != nil {
		e.t.Fatal(err)
	}
	for slug, role := range roles {
		if err := e.svc.SetMember(e.ctx, &debrief.Membership{TeamID: e.team(slug).ID, UserID: u.ID, Role: role}); err != nil {
			e.t.Fatal(err)
		}
	}
	return u
}

// auditOf returns the log's entries with the given action, newest first.
func (e *env) auditOf(action string) []*debrief.AuditEntry {
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

func TestSignInAndOut(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	e.withPassword("Bo Berg", "bo@example.com", map[string]debrief.Role{"payments": debrief.RoleViewer})
	c := e.anon()
	incPath := "/incidents/" + itoa(s.inc.ID)

	// Signed out, a page sends the visitor to sign in and back.
	w := c.get(incPath + "?hidden=1")
	if loc := redirectedTo(t, w); loc != "/login?next=%2Fincidents%2F1%3Fhidden%3D1" {
		t.Fatalf("Location = %q", loc)
	}
	body := c.page("/login?next=" + url.QueryEscape(incPath+"?hidden=1"))
	contains(t, body, "Sign in to Debrief", `name="email"`, `type="password"`, `autocomplete="current-password"`,
		`name="next" value="/incidents/1?hidden=1"`, `name="csrf_token" value="`+c.csrf+`"`)
	lacks(t, body, "Sign in with single sign-on", "New incident", `href="/people"`)

	w = c.post("/login", url.Values{"email": {" BO@example.com "}, "password": {password}, "next": {incPath + "?hidden=1"}})
	if loc := redirected(t, w); loc != incPath+"?hidden=1" {
		t.Errorf("after sign-in: Location = %q", loc)
	}
	sc := cookieOf(w, auth.SessionCookie)
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" {
		t.Fatalf("session cookie %+v", sc)
	}
	body = c.page(incPath)
	contains(t, body, "Checkout failed for EU customers", "Bo Berg", `action="/logout"`, `href="/profile"`)
	if ok := e.auditOf("session.login"); len(ok) == 0 || ok[0].Outcome != debrief.AuditOK || ok[0].ActorID == 0 {
		t.Errorf("sign-in not audited: %+v", ok)
	}

	// Signing out ends the session, server-side too.
	old := c.cookies[auth.SessionCookie]
	if loc := redirected(t, c.post("/logout", url.Values{})); loc != "/login?signed_out=1" {
		t.Errorf("after sign-out: Location = %q", loc)
	}
	contains(t, c.page("/login?signed_out=1"), "You have signed out.")
	redirectedTo(t, c.get(incPath))
	replay := e.anon()
	replay.cookies[auth.SessionCookie] = old
	redirectedTo(t, replay.get(incPath))
	if len(e.auditOf("session.logout")) != 1 {
		t.Error("sign-out not audited")
	}
}

func TestSignInWithSSOLink(t *testing.T) {
	e := newEnv(t, func(c *envConfig) { c.web.SSO = true })
	contains(t, e.anon().page("/login?next=/teams"), `href="/auth/oidc/login?next=%2fteams"`, "Sign in with single sign-on")
}

func TestSignedInVisitorSkipsTheSignInPage(t *testing.T) {
	e := newEnv(t)
	if loc := redirected(t, e.get("/login?next=/people")); loc != "/people" {
		t.Errorf("Location = %q", loc)
	}
}

func TestWrongPassword(t *testing.T) {
	e := newEnv(t)
	e.withPassword("Bo Berg", "bo@example.com", nil)
	var msgs []string
	for _, f := range []url.Values{
		{"email": {"bo@example.com"}, "password": {"wrong password, long enough"}},
		{"email": {"nobody@example.com"}, "password": {"wrong password, long enough"}},
	} {
		c := e.anon()
		c.get("/login")
		w := c.post("/login", f)
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", w.Code)
		}
		body := w.Body.String()
		contains(t, body, "Sign-in failed", `value="`+f.Get("email")+`"`, `aria-invalid="true"`)
		lacks(t, body, "wrong password, long enough")
		if cookieOf(w, auth.SessionCookie) != nil {
			t.Error("a failed sign-in set a session cookie")
		}
		msgs = append(msgs, regexp.MustCompile(`(?s)<div class="alert alert-error".*?</div>`).FindString(body))
		// Still signed out.
		redirectedTo(t, c.get("/"))
	}
	// One answer for a wrong password and an unknown email.
	if msgs[0] == "" || msgs[0] != msgs[1] {
		t.Errorf("the answers differ:\n%s\n%s", msgs[0], msgs[1])
	}
	var denied []*debrief.AuditEntry
	for _, a := range e.auditOf("session.login") {
		if a.Outcome == debrief.AuditDenied {
			denied = append(denied, a)
		}
	}
	if len(denied) != 2 || denied[0].Detail == "" {
		t.Errorf("refusals not audited: %+v", denied)
	}
}

func TestSignInIsRateLimited(t *testing.T) {
	e := newEnv(t)
	e.withPassword("Bo Berg", "bo@example.com", nil)
	c := e.anon()
	c.get("/login")
	var w = c.post("/login", url.Values{"email": {"bo@example.com"}, "password": {"guess number one!"}})
	for i := 0; w.Code == http.StatusUnauthorized && i < 20; i++ {
		w = c.post("/login", url.Values{"email": {"bo@example.com"}, "password": {"guess number one!"}})
	}
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429 at last", w.Code)
	}
	contains(t, w.Body.String(), "Too many attempts", "Try again after")
	// Even the right password waits now.
	w = c.post("/login", url.Values{"email": {"bo@example.com"}, "password": {password}})
	if w.Code != http.StatusTooManyRequests || cookieOf(w, auth.SessionCookie) != nil {
		t.Errorf("right password while limited: %d", w.Code)
	}
}

func TestFormsWithoutTheCSRFTokenAreRefused(t *testing.T) {
	e := newEnv(t)
	for name, token := range map[string]string{"missing": "", "forged": strings.Repeat("x", len(e.admin.csrf)), "another session's": e.signIn(e.user("Eve", "eve@example.com", true, nil)).csrf} {
		r := newFormRequest("/people", url.Values{"name": {"Mallory"}, "csrf_token": {token}})
		w := e.do(r)
		if w.Code != http.StatusForbidden {
			t.Errorf("%s token: status %d, want 403", name, w.Code)
			continue
		}
		contains(t, w.Body.String(), "You can’t do that here", "out of date or did not come from Debrief", `<link rel="stylesheet"`)
	}
	if _, n, _ := e.svc.FindPeople(e.ctx, debrief.PersonFilter{}); n != 0 {
		t.Errorf("a refused form created %d people", n)
	}
	if n := len(e.auditOf("csrf")); n != 3 {
		t.Errorf("%d refusals in the audit log, want 3", n)
	}
	// The header works as well as the field, for scripts.
	r := newFormRequest("/people", url.Values{"name": {"Ana"}})
	r.Header.Set("X-CSRF-Token", e.admin.csrf)
	redirected(t, e.do(r))
}

func TestTamperedCookieIsTreatedAsSignedOut(t *testing.T) {
	e := newEnv(t)
	c := e.signIn(e.user("Bo", "bo@example.com", false, nil))
	secret := c.cookies[auth.SessionCookie]
	c.cookies[auth.SessionCookie] = secret[:len(secret)-2] + "xy"
	w := c.get("/people")
	if loc := redirectedTo(t, w); loc != "/login?next=%2Fpeople" {
		t.Errorf("Location = %q", loc)
	}
	if ck := cookieOf(w, auth.SessionCookie); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("the bad cookie was not cleared: %+v", ck)
	}
	if _, ok := c.cookies[auth.SessionCookie]; ok {
		t.Error("the client kept the cookie")
	}
	if d := e.auditOf("session.use"); len(d) != 1 || d[0].Outcome != debrief.AuditDenied {
		t.Errorf("audit: %+v", d)
	}
}

func TestNoOpenRedirect(t *testing.T) {
	e := newEnv(t)
	e.withPassword("Bo Berg", "bo@example.com", nil)
	for _, next := range []string{
		"https://evil.example/", "//evil.example/x", `/\evil.example`, "/\\/evil.example", "javascript:alert(1)",
		"http:/evil.example", "/login", "/logout", " /people", "/people\r\nSet-Cookie: x=1", "%2F%2Fevil.example", "",
	} {
		c := e.anon()
		body := c.page("/login?next=" + url.QueryEscape(next))
		lacks(t, body, "evil.example", "javascript:")
		w := c.post("/login", url.Values{"email": {"bo@example.com"}, "password": {password}, "next": {next}})
		if loc := redirected(t, w); loc != "/" {
			t.Errorf("next=%q: Location = %q, want /", next, loc)
		}
		// Signed in, the sign-in page sends them on, locally only.
		if loc := redirected(t, c.get("/login?next="+url.QueryEscape(next))); loc != "/" {
			t.Errorf("signed in, next=%q: Location = %q, want /", next, loc)
		}
	}
}

func TestDemoSignInOnlyFromLoopback(t *testing.T) {
	var demo *debrief.User
	e := newEnv(t, func(c *envConfig) {
		c.auth.DemoUser = func(context.Context) (int64, error) { return demo.ID, nil }
	})
	e.seed()
	demo = e.user("Demo Visitor", "demo@example.com", false, map[string]debrief.Role{"payments": debrief.RoleEditor})

	for _, remote := range []string{"127.0.0.1:40000", "[::1]:40000"} {
		c := e.anon()
		c.remote = remote
		body := c.page("/")
		contains(t, body, "Demo Visitor", "Checkout failed for EU customers")
		if c.cookies[auth.SessionCookie] == "" {
			t.Errorf("%s: no session cookie", remote)
		}
		// The session is a real one: forms work with its token.
		redirected(t, c.post("/people", url.Values{"name": {"From " + remote}}))
	}
	for _, remote := range []string{"192.0.2.10:40000", "[2001:db8::5]:40000", "10.1.2.3:1"} {
		c := e.anon()
		c.remote = remote
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("X-Forwarded-For", "127.0.0.1")
		r.Header.Set("Forwarded", "for=127.0.0.1")
		if loc := redirectedTo(t, c.do(r)); loc != "/login" {
			t.Errorf("%s: Location = %q, want /login", remote, loc)
		}
		if c.cookies[auth.SessionCookie] != "" {
			t.Errorf("%s got a session", remote)
		}
	}
}

// redirectedTo checks a redirect of a GET to the sign-in page (or
// elsewhere) and returns where it points.
func redirectedTo(t testing.TB, w interface {
	Result() *http.Response
}) string {
	t.Helper()
	res := w.Result()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want a redirect", res.StatusCode)
	}
	return res.Header.Get("Location")
}

func cookieOf(w interface{ Result() *http.Response }, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
