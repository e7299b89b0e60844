package oidc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/server"
	"github.com/debrief-oss/debrief/server/oidc"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/sqlite"
)

// env is Debrief with single sign-on, its identity provider, and a browser.
type env struct {
	p      *testProvider
	st     *sqlite.Store
	svc    *app.Service
	h      *oidc.Handler
	srv    *httptest.Server // Debrief
	jar    http.CookieJar
	client *http.Client // a browser: keeps cookies, follows redirects
	logs   *syncBuffer
	users  int // users before any sign-in
}

type envOption func(cfg *oidc.Config, tls *bool)

func withTLS() envOption { return func(_ *oidc.Config, tls *bool) { *tls = true } }

func withConfig(fn func(cfg *oidc.Config)) envOption {
	return func(cfg *oidc.Config, _ *bool) { fn(cfg) }
}

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{p: newTestProvider(t), logs: &syncBuffer{}}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e.st = st
	e.svc = app.New(st)
	// Debrief is set up: single sign-on creates nobody before the first
	// admin exists.
	admin := &debrief.User{Email: "root@example.com", Name: "Root", OrgAdmin: true}
	if err := e.svc.CreateUser(debrief.WithActor(ctx, debrief.SystemActor), admin, ""); err != nil {
		t.Fatal(err)
	}
	e.users = 1

	// The listener comes first: the redirect URL needs its address.
	e.srv = httptest.NewUnstartedServer(nil)
	useTLS := false
	cfg := oidc.Config{
		Issuer:       e.p.Issuer(),
		ClientID:     e.p.ClientID,
		ClientSecret: e.p.ClientSecret,
	}
	for _, o := range opts {
		o(&cfg, &useTLS)
	}
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	cfg.RedirectURL = scheme + "://" + e.srv.Listener.Addr().String() + "/auth/oidc/callback"
	e.h, err = oidc.New(ctx, e.svc, logger, cfg)
	if err != nil {
		t.Fatalf("oidc.New: %v", err)
	}
	// The real server, middleware and all (security headers, logging).
	s := server.New(server.Config{Logger: logger, Routes: []server.Registrar{e.h, landing{}}})
	e.srv.Config.Handler = s.Handler()
	if useTLS {
		e.srv.StartTLS()
		e.client = e.srv.Client()
	} else {
		e.srv.Start()
		e.client = &http.Client{}
	}
	t.Cleanup(e.srv.Close)

	e.jar, _ = cookiejar.New(nil)
	e.client.Jar = e.jar
	e.client.Timeout = 10 * time.Second
	// The browser goes only to Debrief and the provider: following a
	// redirect anywhere else is an open redirect.
	e.client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != e.srvURL().Host && req.URL.Host != mustParse(t, e.p.URL).Host {
			return fmt.Errorf("redirected off-site to %s", req.URL)
		}
		if len(via) > 10 {
			return errors.New("too many redirects")
		}
		return nil
	}
	return e
}

// landing stands for the rest of Debrief: the pages a sign-in returns to.
type landing struct{}

func (landing) Register(mux *http.ServeMux) {
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "landed on %s", r.URL.RequestURI())
	})
}

func (landing) Routes() []string { return []string{"/"} }

func (e *env) srvURL() *url.URL {
	u, _ := url.Parse(e.srv.URL)
	return u
}

// get fetches path (or an absolute URL) as the browser, following
// redirects, and returns the last response with its body.
func (e *env) get(t *testing.T, target string) (*http.Response, string) {
	t.Helper()
	if strings.HasPrefix(target, "/") {
		target = e.srv.URL + target
	}
	resp, err := e.client.Get(target)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// login runs the whole sign-in as the browser, starting from the link on
// Debrief's sign-in page.
func (e *env) login(t *testing.T, next string) (*http.Response, string) {
	t.Helper()
	target := "/auth/oidc/login"
	if next != "" {
		target += "?next=" + url.QueryEscape(next)
	}
	return e.get(t, target)
}

// toCallback starts a sign-in and stops where the provider sends the
// browser back to Debrief, returning that URL (with its code and state).
func (e *env) toCallback(t *testing.T) *url.URL {
	t.Helper()
	c := *e.client
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Path == "/auth/oidc/callback" {
			return http.ErrUseLastResponse
		}
		return nil
	}
	resp, err := c.Get(e.srv.URL + "/auth/oidc/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("provider answered %d, want a redirect back", resp.StatusCode)
	}
	u, err := resp.Location()
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/auth/oidc/callback" || u.Query().Get("code") == "" || u.Query().Get("state") == "" {
		t.Fatalf("provider sent the browser to %s", u.Redacted())
	}
	return u
}

// sessionSecret returns the browser's session cookie, or "".
func (e *env) sessionSecret() string {
	for _, c := range e.jar.Cookies(e.srvURL()) {
		if c.Name == oidc.SessionCookie {
			return c.Value
		}
	}
	return ""
}

// actor returns who the browser's session signs in.
func (e *env) actor(t *testing.T) *debrief.Actor {
	t.Helper()
	secret := e.sessionSecret()
	if secret == "" {
		t.Fatal("no session cookie")
	}
	a, _, err := e.svc.SessionActor(context.Background(), secret, "127.0.0.1")
	if err != nil {
		t.Fatalf("SessionActor refuses the session cookie: %v", err)
	}
	return a
}

// wantSignedIn checks the sign-in ended on path, signed in.
func (e *env) wantSignedIn(t *testing.T, resp *http.Response, body, path string) *debrief.Actor {
	t.Helper()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Host != e.srvURL().Host || resp.Request.URL.RequestURI() != path {
		t.Fatalf("sign-in ended at %s with %d (%q), want %s with 200", resp.Request.URL, resp.StatusCode, body, path)
	}
	a := e.actor(t)
	for _, c := range e.jar.Cookies(e.srvURL()) {
		if strings.Contains(c.Name, "debrief_oidc") {
			t.Errorf("the flow cookie %s outlived the sign-in", c.Name)
		}
	}
	e.wantNoSecretsLogged(t)
	return a
}

// wantRefused checks a refused sign-in: the status, a plain HTML page that
// gives nothing away, no session, nobody created, a warning in the log and
// an entry in the audit log.
func (e *env) wantRefused(t *testing.T, resp *http.Response, body string, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body:\n%s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
	if resp.Request.URL.Path != "/auth/oidc/callback" {
		t.Errorf("refused at %s, want the callback", resp.Request.URL.Path)
	}
	if !strings.Contains(body, "Sign-in failed") || !strings.Contains(body, `href="/login"`) {
		t.Errorf("page does not say so plainly:\n%s", body)
	}
	for _, leak := range []string{"oidc:", "nonce", "audience", "token", "signature", "state", "invalid_", "access_denied", "azp", "issuer"} {
		if strings.Contains(strings.ToLower(body), leak) {
			t.Errorf("page gives away %q:\n%s", leak, body)
		}
	}
	if s := e.sessionSecret(); s != "" {
		t.Errorf("a session cookie was set")
	}
	if n := e.userCount(t); n != e.users {
		t.Errorf("%d users exist after a refused sign-in, want %d", n, e.users)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "sign-in refused") {
		t.Errorf("no warning logged:\n%s", logs)
	}
	e.wantNoSecretsLogged(t)
	e.wantAuditDenied(t)
}

// wantNoSecretsLogged checks that no code or token the provider issued, and
// no session secret, reached the log.
func (e *env) wantNoSecretsLogged(t *testing.T) {
	t.Helper()
	logs := e.logs.String()
	secrets := e.p.issued()
	if s := e.sessionSecret(); s != "" {
		secrets = append(secrets, s)
	}
	secrets = append(secrets, e.p.ClientSecret)
	for _, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("the log holds a code, token or secret:\n%s", logs)
			return
		}
	}
}

// wantAuditDenied checks that a refused sign-in is in the audit log.
func (e *env) wantAuditDenied(t *testing.T) {
	t.Helper()
	ctx := debrief.WithActor(context.Background(), debrief.SystemActor)
	entries, err := e.svc.FindAudit(ctx, debrief.AuditFilter{})
	if err != nil {
		t.Errorf("FindAudit: %v", err)
		return
	}
	for _, en := range entries {
		if en.Outcome == debrief.AuditDenied && strings.HasPrefix(en.Detail, "single sign-on") {
			if en.Address == "" {
				t.Errorf("audit entry without the address: %+v", en)
			}
			return
		}
	}
	t.Errorf("no refused single sign-on in the audit log: %d entries", len(entries))
}

func (e *env) userCount(t *testing.T) int {
	t.Helper()
	users, _, err := e.st.FindUsers(context.Background(), store.UserFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(users)
}

func TestLoginSignsIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.login(t, "/incidents/7?tab=timeline")
	a := e.wantSignedIn(t, resp, body, "/incidents/7?tab=timeline")
	if a.User == nil || a.User.Email != "ada@example.com" || a.User.Name != "Ada Lovelace" {
		t.Fatalf("signed in as %+v", a.User)
	}
	if a.User.OrgAdmin || a.System {
		t.Errorf("a user from single sign-on is an organisation admin: %+v", a.User)
	}
	subject := e.p.Issuer() + " user-1"
	u, err := e.st.FindUserByOIDCSubject(context.Background(), subject)
	if err != nil || u.ID != a.User.ID {
		t.Fatalf("FindUserByOIDCSubject(%q) = %+v, %v; want user %d", subject, u, err, a.User.ID)
	}

	// The session cookie as the browser got it.
	var cookie *http.Cookie
	for _, c := range resp.Request.Response.Cookies() {
		if c.Name == oidc.SessionCookie {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("the callback set no session cookie")
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure over plain http", cookie)
	}

	// The second sign-in finds the same user by subject, even though the
	// provider now gives another address; the earlier session ends.
	first := e.sessionSecret()
	e.p.set(func(p *testProvider) { p.User.Email = "ada.lovelace@example.com"; p.User.Name = "Ada King" })
	resp, body = e.login(t, "")
	again := e.wantSignedIn(t, resp, body, "/")
	if again.User.ID != a.User.ID {
		t.Errorf("second sign-in: user %d, want %d", again.User.ID, a.User.ID)
	}
	if n := e.userCount(t); n != e.users+1 {
		t.Errorf("%d users after two sign-ins of one person, want %d", n, e.users+1)
	}
	if e.sessionSecret() == first {
		t.Error("the session was not rotated")
	}
	if _, _, err := e.svc.SessionActor(context.Background(), first, "127.0.0.1"); err == nil {
		t.Error("the session before the second sign-in still signs in")
	}
}

func TestLoginOverTLS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withTLS())
	resp, body := e.login(t, "/incidents")
	e.wantSignedIn(t, resp, body, "/incidents")
	for _, c := range resp.Request.Response.Cookies() {
		if c.Name == oidc.SessionCookie && !c.Secure {
			t.Errorf("session cookie over TLS is not Secure: %+v", c)
		}
	}
}

func TestLoginRedirect(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withConfig(func(cfg *oidc.Config) { cfg.SecureCookies = true }))
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	states := map[string]bool{}
	for range 2 {
		resp, err := c.Get(e.srv.URL + "/auth/oidc/login?next=/people")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("status %d, want 302", resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q", cc)
		}
		loc, err := resp.Location()
		if err != nil {
			t.Fatal(err)
		}
		q := loc.Query()
		if loc.Scheme+"://"+loc.Host+loc.Path != e.p.URL+"/authorize" {
			t.Errorf("sent to %s", loc.Redacted())
		}
		for k, want := range map[string]string{
			"client_id": e.p.ClientID, "response_type": "code", "code_challenge_method": "S256",
			"redirect_uri": e.srv.URL + "/auth/oidc/callback",
		} {
			if q.Get(k) != want {
				t.Errorf("%s = %q, want %q", k, q.Get(k), want)
			}
		}
		if !slices.Contains(strings.Fields(q.Get("scope")), "openid") {
			t.Errorf("scope = %q", q.Get("scope"))
		}
		for _, k := range []string{"state", "nonce", "code_challenge"} {
			if len(q.Get(k)) < 43 {
				t.Errorf("%s = %q, want 256 random bits", k, q.Get(k))
			}
		}
		if states[q.Get("state")] {
			t.Error("the state repeats")
		}
		states[q.Get("state")] = true

		var flow *http.Cookie
		for _, ck := range resp.Cookies() {
			flow = ck
		}
		if flow == nil || flow.Name != "__Host-debrief_oidc" || !flow.Secure || !flow.HttpOnly ||
			flow.SameSite != http.SameSiteLaxMode || flow.Path != "/" || flow.MaxAge <= 0 || flow.MaxAge > 600 {
			t.Errorf("flow cookie = %+v, want __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, short-lived", flow)
		}
		for _, secret := range []string{q.Get("state"), q.Get("nonce")} {
			if strings.Contains(e.logs.String(), secret) {
				t.Error("the log holds the state or nonce")
			}
		}
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	otherKey := rsaKey(t, 1)
	tests := []struct {
		name   string
		setup  func(p *testProvider)
		status int
	}{
		{"wrong nonce", func(p *testProvider) {
			p.Tamper = func(c map[string]any) { c["nonce"] = "not-the-nonce-debrief-sent" }
		}, 401},
		{"no nonce", func(p *testProvider) {
			p.Tamper = func(c map[string]any) { delete(c, "nonce") }
		}, 401},
		{"signed by another key", func(p *testProvider) { p.SigningKey = otherKey }, 401},
		{"expired", func(p *testProvider) {
			p.Tamper = func(c map[string]any) {
				c["iat"] = time.Now().Add(-time.Hour).Unix()
				c["exp"] = time.Now().Add(-time.Minute).Unix()
			}
		}, 401},
		{"audience mismatch", func(p *testProvider) {
			p.Tamper = func(c map[string]any) { c["aud"] = "someone-else" }
		}, 401},
		{"issued to another client (azp)", func(p *testProvider) {
			p.Tamper = func(c map[string]any) { c["aud"] = []string{p.ClientID, "other"}; c["azp"] = "other" }
		}, 401},
		{"another issuer", func(p *testProvider) {
			p.Tamper = func(c map[string]any) { c["iss"] = "https://evil.example" }
		}, 401},
		{"no subject", func(p *testProvider) {
			p.Tamper = func(c map[string]any) { c["sub"] = "" }
		}, 401},
		{"provider error", func(p *testProvider) { p.AuthorizeError = "access_denied" }, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.p.set(tt.setup)
			resp, body := e.login(t, "/incidents")
			e.wantRefused(t, resp, body, tt.status)
		})
	}

	t.Run("tampered state", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		cb := e.toCallback(t)
		q := cb.Query()
		state := q.Get("state")
		flipped := "A"
		if strings.HasSuffix(state, "A") {
			flipped = "B"
		}
		q.Set("state", state[:len(state)-1]+flipped)
		cb.RawQuery = q.Encode()
		resp, body := e.get(t, cb.String())
		e.wantRefused(t, resp, body, 400)
		if strings.Contains(e.logs.String(), state) {
			t.Error("the log holds the state")
		}
	})
	t.Run("no state", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		cb := e.toCallback(t)
		q := cb.Query()
		q.Del("state")
		cb.RawQuery = q.Encode()
		resp, body := e.get(t, cb.String())
		e.wantRefused(t, resp, body, 400)
	})
	t.Run("no flow cookie", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		cb := e.toCallback(t)
		e.jar, _ = cookiejar.New(nil) // another browser
		e.client.Jar = e.jar
		resp, body := e.get(t, cb.String())
		e.wantRefused(t, resp, body, 400)
	})
	t.Run("forged flow cookie", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		cb := e.toCallback(t)
		var forged []*http.Cookie
		for _, c := range e.jar.Cookies(e.srvURL()) {
			if c.Name == "debrief_oidc" {
				payload, _, _ := strings.Cut(c.Value, ".")
				forged = append(forged, &http.Cookie{Name: c.Name, Value: payload + ".AAAA", Path: "/"})
			}
		}
		if len(forged) != 1 {
			t.Fatalf("flow cookie not found")
		}
		e.jar.SetCookies(e.srvURL(), forged)
		resp, body := e.get(t, cb.String())
		e.wantRefused(t, resp, body, 400)
	})
	t.Run("failed exchange", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, withConfig(func(cfg *oidc.Config) { cfg.ClientSecret = "wrong" }))
		resp, body := e.login(t, "/")
		e.wantRefused(t, resp, body, 401)
	})
	t.Run("code used twice", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		cb := e.toCallback(t)
		resp, body := e.get(t, cb.String())
		e.wantSignedIn(t, resp, body, "/")
		// The flow is spent: a replay of the same answer (a back button, an
		// attacker with the URL) starts nothing.
		e.jar, _ = cookiejar.New(nil)
		e.client.Jar = e.jar
		resp, body = e.get(t, cb.String())
		if resp.StatusCode != 400 || e.sessionSecret() != "" {
			t.Errorf("replay: %d, session %v", resp.StatusCode, e.sessionSecret() != "")
		}
	})
}

// An address the provider has not verified must not sign anyone in as the
// Debrief user who has it: anyone can put any address in their profile at
// some providers.
func TestUnverifiedEmailDoesNotLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	existing := e.createUser(t, "ada@example.com", "Ada (local)")
	e.p.set(func(p *testProvider) {
		p.User = testUser{Subject: "mallory", Email: "ada@example.com", EmailVerified: false, Name: "Mallory"}
	})
	resp, body := e.login(t, "/")
	if e.sessionSecret() != "" {
		if a := e.actor(t); a.User.ID == existing.ID {
			t.Fatalf("an unverified address signed in as the user who has it")
		}
	} else if resp.StatusCode < 400 {
		t.Fatalf("no session and no refusal: %d %q", resp.StatusCode, body)
	}
	u, err := e.st.FindUserByID(context.Background(), existing.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.OIDCSubject != "" {
		t.Errorf("the existing user was linked to %q", u.OIDCSubject)
	}
}

// A verified address finds the existing user and links the subject to it.
func TestVerifiedEmailLinks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	existing := e.createUser(t, "ada@example.com", "Ada (local)")
	resp, body := e.login(t, "/")
	a := e.wantSignedIn(t, resp, body, "/")
	if a.User.ID != existing.ID {
		t.Fatalf("signed in as user %d, want the existing %d", a.User.ID, existing.ID)
	}
	u, err := e.st.FindUserByID(context.Background(), existing.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := e.p.Issuer() + " user-1"; u.OIDCSubject != want {
		t.Errorf("OIDCSubject = %q, want %q", u.OIDCSubject, want)
	}
}

func (e *env) createUser(t *testing.T, email, name string) *debrief.User {
	t.Helper()
	u := &debrief.User{Email: email, Name: name}
	ctx := debrief.WithActor(context.Background(), debrief.SystemActor)
	if err := e.svc.CreateUser(ctx, u, ""); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestNextStaysOnSite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tt := range []struct{ next, want string }{
		{"/incidents/7", "/incidents/7"},
		{"/incidents?team=sre&q=dns", "/incidents?team=sre&q=dns"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"http:evil.example", "/"},
		{"//evil.example/x", "/"},
		{"///evil.example/x", "/"},
		{`/\evil.example`, "/"},
		{`\\evil.example`, "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{" //evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/auth/oidc/login", "/"},
		{"/" + strings.Repeat("a", 2000), "/"},
	} {
		resp, body := e.login(t, tt.next)
		if resp.Request.URL.Host != e.srvURL().Host || resp.Request.URL.RequestURI() != tt.want || resp.StatusCode != 200 {
			t.Errorf("next %.40q: ended at %.80s (%d %.80q), want %s", tt.next, resp.Request.URL, resp.StatusCode, body, tt.want)
		}
	}
}

func TestNewChecksConfiguration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newEnv(t).svc
	p := newTestProvider(t)
	good := oidc.Config{Issuer: p.Issuer(), ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: "http://127.0.0.1:8080/auth/oidc/callback"}
	if _, err := oidc.New(ctx, svc, nil, good); err != nil {
		t.Fatalf("good configuration refused: %v", err)
	}

	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	discovery := func(doc map[string]any) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if doc["issuer"] == nil {
				doc["issuer"] = "http://" + r.Host
			}
			writeJSON(w, 200, doc)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	full := func(over map[string]any) map[string]any {
		doc := map[string]any{
			"authorization_endpoint": "http://127.0.0.1/authorize", "token_endpoint": "http://127.0.0.1/token",
			"jwks_uri": "http://127.0.0.1/jwks", "response_types_supported": []string{"code"},
		}
		for k, v := range over {
			if v == nil {
				delete(doc, k)
			} else {
				doc[k] = v
			}
		}
		return doc
	}

	for _, tt := range []struct {
		name string
		cfg  func(c *oidc.Config)
		want string
	}{
		{"no issuer", func(c *oidc.Config) { c.Issuer = "" }, "needs issuer"},
		{"no client id", func(c *oidc.Config) { c.ClientID = " " }, "client id"},
		{"no client secret", func(c *oidc.Config) { c.ClientSecret = "" }, "client secret"},
		{"no redirect URL", func(c *oidc.Config) { c.RedirectURL = "" }, "redirect URL"},
		{"plain http issuer", func(c *oidc.Config) { c.Issuer = "http://idp.example.com" }, "must use https"},
		{"relative redirect", func(c *oidc.Config) { c.RedirectURL = "/auth/oidc/callback" }, "not an absolute"},
		{"redirect elsewhere", func(c *oidc.Config) { c.RedirectURL = "https://debrief.example.com/callback" }, "/auth/oidc/callback"},
		{"unreachable", func(c *oidc.Config) { c.Issuer = downURL }, "discovery at " + downURL},
		{"not a provider", func(c *oidc.Config) { c.Issuer = p.URL + "/nothing-here" }, "404"},
		{"another issuer", func(c *oidc.Config) {
			c.Issuer = discovery(full(map[string]any{"issuer": "https://idp.example.com"}))
		}, `names the issuer "https://idp.example.com"`},
		{"no token endpoint", func(c *oidc.Config) { c.Issuer = discovery(full(map[string]any{"token_endpoint": nil})) }, "no token_endpoint"},
		{"no keys", func(c *oidc.Config) { c.Issuer = discovery(full(map[string]any{"jwks_uri": nil})) }, "no jwks_uri"},
		{"no PKCE S256", func(c *oidc.Config) {
			c.Issuer = discovery(full(map[string]any{"code_challenge_methods_supported": []string{"plain"}}))
		}, "S256"},
		{"no code flow", func(c *oidc.Config) {
			c.Issuer = discovery(full(map[string]any{"response_types_supported": []string{"id_token"}}))
		}, "authorization code"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.cfg(&cfg)
			_, err := oidc.New(ctx, svc, nil, cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, want an error saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), p.ClientSecret) {
				t.Errorf("the error holds the client secret: %v", err)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	want := []string{"GET /auth/oidc/login", "GET /auth/oidc/callback"}
	if got := e.h.Routes(); !slices.Equal(got, want) {
		t.Fatalf("Routes() = %q, want %q", got, want)
	}
	mux := http.NewServeMux()
	e.h.Register(mux)
	for _, pattern := range want {
		method, path, _ := strings.Cut(pattern, " ")
		req := httptest.NewRequest(method, path, nil)
		if _, got := mux.Handler(req); got != pattern {
			t.Errorf("%s is served by %q", pattern, got)
		}
	}
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
