// Package auth finds out who is making each request and puts that actor in
// the request's context, for the service to decide what they may do. It
// authenticates; it never authorises: no permission is decided here.
//
// A request is authenticated by, in order:
//
//   - an API token, "Authorization: Bearer <secret>". A bad one is refused
//     with 401 and never falls back to the cookie.
//   - the session cookie (debrief_session). An unknown, expired or tampered
//     one is cleared, recorded in the audit log, and the request goes on
//     signed out.
//   - on loopback, in the demo, a new session for the demo user.
//
// Cross-site request forgery: every unsafe request (anything but GET, HEAD,
// OPTIONS and TRACE) authenticated by the cookie must carry the session's
// CSRF token, in the form field csrf_token or the X-CSRF-Token header. Forms
// posted before there is a session (sign-in, first-admin setup) carry a
// pre-session token instead, checked against a cookie of its own (double
// submit). Both add to http.CrossOriginProtection, which the server applies
// to every request. Bearer-token requests need no token: a browser never
// adds the header on its own, so they cannot be forged from another site.
//
// Nothing here logs a cookie, a token, a password or a session id.
package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/server/httperr"
)

// Names of the cookies, the form field and the header.
const (
	// SessionCookie holds the session's secret id.
	SessionCookie = "debrief_session"
	// PreSessionCookie holds the CSRF token of a browser not signed in.
	PreSessionCookie = "debrief_csrf"
	// CSRFField is the hidden form field every form carries.
	CSRFField = "csrf_token"
	// CSRFHeader carries the token for requests that are not forms.
	CSRFHeader = "X-CSRF-Token"
)

// DefaultMaxFormBytes bounds a form body read to find its CSRF token; the
// web pages accept no bigger form either.
const DefaultMaxFormBytes = 4 << 20

// Options configures an Authenticator.
type Options struct {
	// SecureCookies marks the cookies Secure even when the request came
	// over plain HTTP, for a server behind a proxy that ends TLS. Cookies
	// of a request that came over TLS are always Secure.
	SecureCookies bool
	// DemoUser, when set, returns the id of the demo user: a visitor from a
	// loopback address without a session is signed in as them. Never set
	// it outside the demo.
	DemoUser func(ctx context.Context) (int64, error)
	// ErrorPage writes a refusal (bad CSRF token, bad credentials) of a
	// request outside /api/ as a page; without it a plain text answer is
	// written. Requests under /api/ always get the API's JSON error.
	ErrorPage func(w http.ResponseWriter, r *http.Request, err error)
	// MaxFormBytes bounds a form body read to find its CSRF token;
	// DefaultMaxFormBytes when 0.
	MaxFormBytes int64
}

// Authenticator is the authentication middleware.
type Authenticator struct {
	svc    *app.Service
	logger *slog.Logger
	opts   Options
}

// New returns an Authenticator over svc.
func New(svc *app.Service, logger *slog.Logger, opts Options) *Authenticator {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxFormBytes <= 0 {
		opts.MaxFormBytes = DefaultMaxFormBytes
	}
	return &Authenticator{svc: svc, logger: logger, opts: opts}
}

// How a request was authenticated.
const (
	viaNone    = ""
	viaSession = "session"
	viaToken   = "token"
)

// state is what the middleware learnt about a request, kept in its context.
type state struct {
	a       *Authenticator
	actor   *debrief.Actor
	via     string
	secret  string // the session cookie's value; never logged
	csrf    string // the session's CSRF token, or the pre-session one
	secure  bool
	address string
}

type stateKey struct{}

func stateFrom(ctx context.Context) *state {
	st, _ := ctx.Value(stateKey{}).(*state)
	return st
}

// Actor returns the request's actor, or nil when nobody is signed in.
func Actor(ctx context.Context) *debrief.Actor { return debrief.ActorFrom(ctx) }

// CSRFToken returns the token the request's forms must carry: the
// session's, or the pre-session one of a browser not signed in. It is ""
// outside the middleware.
func CSRFToken(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.csrf
	}
	return ""
}

// Address returns the client's address as the middleware saw it: the
// connection's peer, never a header the client could set.
func Address(r *http.Request) string {
	if st := stateFrom(r.Context()); st != nil {
		return st.address
	}
	return clientAddress(r)
}

// Middleware resolves each request's actor, refuses forged requests, and
// calls next with the actor in the context.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The mux records the matched route on the request it is given;
		// the server's logging and metrics, outside, read it from theirs.
		next := http.HandlerFunc(func(w http.ResponseWriter, inner *http.Request) {
			next.ServeHTTP(w, inner)
			r.Pattern = inner.Pattern
		})
		st := &state{a: a, secure: r.TLS != nil || a.opts.SecureCookies, address: clientAddress(r)}
		ctx := app.WithAddress(r.Context(), st.address)
		ctx = context.WithValue(ctx, stateKey{}, st)

		// 1. An API token. A bad one is an answer, not a reason to try
		// the cookie: a program must learn that its token is wrong.
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := bearer(h)
			if !ok {
				a.svc.Deny(ctx, "token.use", "malformed Authorization header")
				a.refuse(w, r.WithContext(ctx), debrief.Errorf(debrief.EUNAUTHORIZED, `Send the API token as "Authorization: Bearer <token>".`))
				return
			}
			actor, err := a.svc.TokenActor(ctx, secret, st.address)
			if err != nil {
				a.refuse(w, r.WithContext(ctx), err) // TokenActor audits the refusal itself
				return
			}
			st.actor, st.via = actor, viaToken
			next.ServeHTTP(w, r.WithContext(debrief.WithActor(ctx, actor)))
			return
		}

		// 2. The session cookie.
		staleCookie := false
		if c := sessionCookie(r); c != nil {
			actor, sess, err := a.svc.SessionActor(ctx, c.Value, st.address)
			switch {
			case err == nil:
				st.actor, st.via, st.secret, st.csrf = actor, viaSession, c.Value, sess.CSRFToken
			case debrief.ErrorCode(err) == debrief.EUNAUTHORIZED:
				// Unknown, expired or tampered with: the browser forgets
				// it and carries on signed out.
				staleCookie = true
				a.clearCookie(w, st, SessionCookie)
				a.svc.Deny(ctx, "session.use", "unknown or expired session cookie")
			default:
				a.refuse(w, r.WithContext(ctx), err)
				return
			}
		}

		// 3. The demo, from this machine only.
		if st.actor == nil && a.demoApplies(r) {
			if err := a.demoSignIn(ctx, w, st); err != nil {
				a.refuse(w, r.WithContext(ctx), err)
				return
			}
		}

		// A browser not signed in gets a pre-session token for the
		// sign-in and setup forms.
		if st.actor == nil && !isAPI(r) {
			a.preSession(w, r, st)
		}

		if st.actor != nil {
			ctx = debrief.WithActor(ctx, st.actor)
		}
		if !safeMethod(r.Method) && (st.via == viaSession || (st.actor == nil && !isAPI(r))) {
			if err := a.checkCSRF(w, r, st); err != nil {
				if debrief.ErrorCode(err) == debrief.EFORBIDDEN {
					a.svc.Deny(ctx, "csrf", csrfDetail(r, st))
					if staleCookie {
						err = debrief.Errorf(debrief.EUNAUTHORIZED, "You were signed out, so this was not saved. Sign in again, then use your browser’s Back button to find what you typed.")
					}
				}
				// The refusal page knows who is signed in, for its frame.
				a.refuse(w, r.WithContext(ctx), err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bearer reads "Bearer <secret>" (the scheme in any case).
func bearer(h string) (string, bool) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(h), " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" || strings.ContainsAny(secret, " \t") {
		return "", false
	}
	return secret, true
}

// sessionCookie returns the request's session cookie, if it has one that
// could be a secret at all.
func sessionCookie(r *http.Request) *http.Cookie {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	return c
}

func safeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

func isAPI(r *http.Request) bool {
	return r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
}

// clientAddress is the connection's peer address, without the port. The
// X-Forwarded-For header is never read: any client can write it.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// isLoopback reports whether the connection comes from this machine.
func isLoopback(r *http.Request) bool {
	addr, err := netip.ParseAddr(clientAddress(r))
	return err == nil && addr.Unmap().IsLoopback()
}

// demoApplies reports whether a request without a session gets one for the
// demo user: a page read from a loopback address. Not the API, static
// files or the operational endpoints (nothing would keep the cookie), and
// not the ways to sign in as someone else (the sign-in page, the setup
// link, single sign-on), so that signing out of the demo works.
func (a *Authenticator) demoApplies(r *http.Request) bool {
	if a.opts.DemoUser == nil || !isLoopback(r) || (r.Method != http.MethodGet && r.Method != http.MethodHead) || isAPI(r) {
		return false
	}
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/auth/"), p == "/login", p == "/setup":
		return false
	}
	return isPage(r)
}

// isPage reports whether a request is for a page: not the API, a static
// file or an operational endpoint, whose answers need no cookie.
func isPage(r *http.Request) bool {
	switch p := r.URL.Path; {
	case isAPI(r), strings.HasPrefix(p, "/static/"):
		return false
	case p == "/healthz", p == "/readyz", p == "/metrics", p == "/favicon.ico":
		return false
	}
	return true
}

func (a *Authenticator) demoSignIn(ctx context.Context, w http.ResponseWriter, st *state) error {
	id, err := a.opts.DemoUser(ctx)
	if err != nil {
		return err
	}
	secret, _, err := a.svc.StartSession(ctx, id, st.address)
	if err != nil {
		return err
	}
	actor, sess, err := a.svc.SessionActor(ctx, secret, st.address)
	if err != nil {
		return err
	}
	a.setSessionCookie(w, st, secret)
	st.actor, st.via, st.secret, st.csrf = actor, viaSession, secret, sess.CSRFToken
	return nil
}

// preSession sets st.csrf from the pre-session cookie, making one on a page
// read when there is none (or a malformed one).
func (a *Authenticator) preSession(w http.ResponseWriter, r *http.Request, st *state) {
	if c, err := r.Cookie(PreSessionCookie); err == nil && validToken(c.Value) {
		st.csrf = c.Value
		return
	}
	if r.Method != http.MethodGet || !isPage(r) {
		return
	}
	st.csrf = newToken()
	http.SetCookie(w, &http.Cookie{
		Name: PreSessionCookie, Value: st.csrf, Path: "/",
		HttpOnly: true, Secure: st.secure, SameSite: http.SameSiteLaxMode,
	})
}

// checkCSRF compares the request's token with the expected one in constant
// time: EFORBIDDEN when it is missing or wrong.
func (a *Authenticator) checkCSRF(w http.ResponseWriter, r *http.Request, st *state) error {
	got := r.Header.Get(CSRFHeader)
	// A plain form is read whole, bounded. A file upload is not: its token
	// is its first part (multipartToken), so that the handler can stream a
	// large upload (a chat export) instead of the middleware holding it in
	// memory; the handler reads and bounds the rest.
	if got == "" && isForm(r) {
		if err := a.readForm(w, r); err != nil {
			return err
		}
		got = r.PostForm.Get(CSRFField)
	}
	if got == "" && isMultipart(r) && !isAPI(r) {
		got = multipartToken(r)
	}
	if st.csrf == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.csrf)) != 1 {
		msg := "This form is out of date or did not come from Debrief, so nothing was changed. Go back, reload the page and try again."
		if isAPI(r) {
			msg = "A request authenticated by the session cookie must carry the session's CSRF token in the " + CSRFHeader + " header."
		}
		return debrief.Errorf(debrief.EFORBIDDEN, "%s", msg)
	}
	return nil
}

// csrfDetail says, for the audit log, what was wrong with a refused token,
// without the token.
func csrfDetail(r *http.Request, st *state) string {
	what := "forged CSRF token"
	if r.Header.Get(CSRFHeader) == "" && (r.PostForm == nil || r.PostForm.Get(CSRFField) == "") {
		what = "missing CSRF token"
	}
	if st.via != viaSession {
		what += " (before sign-in)"
	}
	return what + " on " + r.Method + " " + r.URL.Path
}

// multipartToken reads a file upload's token from its first part, which
// must be the CSRF field (the upload form puts it first), without reading
// the file: the bytes read are put back in front of the body for the
// handler. (Not from the address: tokens there leak into logs.)
func multipartToken(r *http.Request) string {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return ""
	}
	var seen bytes.Buffer
	mr := multipart.NewReader(io.TeeReader(io.LimitReader(r.Body, 16<<10), &seen), params["boundary"])
	token := ""
	if part, err := mr.NextPart(); err == nil && part.FormName() == CSRFField {
		b, _ := io.ReadAll(io.LimitReader(part, 256))
		token = string(b)
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(seen.Bytes()), r.Body), r.Body}
	return token
}

// readForm reads a plain form's body, up to MaxFormBytes. The form stays
// parsed for the handler.
func (a *Authenticator) readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, a.opts.MaxFormBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return debrief.Errorf(debrief.EINVALID, "The form could not be read.")
	}
	return nil
}

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

func isForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded"
}

// refuse writes err: JSON under /api/, else the error page.
func (a *Authenticator) refuse(w http.ResponseWriter, r *http.Request, err error) {
	status := httperr.Status(err)
	if httperr.IsInternal(err) {
		a.logger.ErrorContext(r.Context(), "auth: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized && isAPI(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="debrief"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	if !isAPI(r) && a.opts.ErrorPage != nil {
		a.opts.ErrorPage(w, r, err)
		return
	}
	if isAPI(r) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{
			"code": debrief.ErrorCode(err), "message": httperr.Message(err),
		}})
		return
	}
	http.Error(w, httperr.Message(err), status)
}

// newToken returns 32 random bytes, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validToken reports whether s could be a token newToken made.
func validToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (a *Authenticator) setSessionCookie(w http.ResponseWriter, st *state, secret string) {
	// No Expires: the cookie ends with the browser, and the server ends
	// the session after SessionLifetime without use whatever the cookie.
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: secret, Path: "/",
		HttpOnly: true, Secure: st.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (a *Authenticator) clearCookie(w http.ResponseWriter, st *state, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: st.secure, SameSite: http.SameSiteLaxMode,
	})
}

// SignIn starts the browser's session after the service authenticated it
// (Login, StartSession, OIDCLogin): it ends the session the request came
// with, if any (a new id at every sign-in), sets the session cookie, and
// drops the pre-session token. It needs the middleware in front.
func SignIn(w http.ResponseWriter, r *http.Request, secret string) error {
	st := stateFrom(r.Context())
	if st == nil {
		return errors.New("auth: SignIn without the middleware")
	}
	if st.secret != "" && st.secret != secret {
		if err := st.a.svc.Logout(r.Context(), st.secret); err != nil && debrief.ErrorCode(err) != debrief.EUNAUTHORIZED && debrief.ErrorCode(err) != debrief.ENOTFOUND {
			return err
		}
	}
	st.a.setSessionCookie(w, st, secret)
	st.a.clearCookie(w, st, PreSessionCookie)
	st.secret = secret
	return nil
}

// SignOut ends the request's session, if it has one, and clears the cookie.
func SignOut(w http.ResponseWriter, r *http.Request) error {
	st := stateFrom(r.Context())
	if st == nil {
		return errors.New("auth: SignOut without the middleware")
	}
	st.a.clearCookie(w, st, SessionCookie)
	if st.secret == "" {
		return nil
	}
	secret := st.secret
	st.secret = ""
	return st.a.svc.Logout(r.Context(), secret)
}
