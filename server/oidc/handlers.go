package oidc

import (
	"crypto/subtle"
	"errors"
	"html"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/server/httperr"
)

// auditAction names refused single sign-on attempts in the audit log: the
// same action as a refused password sign-in, the detail says which.
const auditAction = "session.login"

// login sends the browser to the provider with a fresh state, nonce and
// PKCE verifier, kept in the flow cookie for the way back.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	f := &flow{
		State:    randomToken(),
		Nonce:    randomToken(),
		Verifier: oauth2.GenerateVerifier(),
		Next:     localPath(r.URL.Query().Get("next")),
		Issued:   time.Now().Unix(),
	}
	h.setFlow(w, r, f)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, h.oauth.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), http.StatusFound)
}

// idClaims are the ID token's claims Debrief uses, beyond those go-oidc
// checks.
type idClaims struct {
	Email             string   `json:"email"`
	EmailVerified     flexBool `json:"email_verified"`
	Name              string   `json:"name"`
	GivenName         string   `json:"given_name"`
	FamilyName        string   `json:"family_name"`
	PreferredUsername string   `json:"preferred_username"`
	AuthorizedParty   string   `json:"azp"`
}

// flexBool reads a JSON boolean, or the strings "true" and "false" some
// providers send instead; anything else is false.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(data), `"`)
	*b = flexBool(strings.EqualFold(s, "true"))
	return nil
}

// callback receives the browser back from the provider.
func (h *Handler) callback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	q := r.URL.Query()
	f, flowErr := h.takeFlow(w, r)

	if e := q.Get("error"); e != "" {
		h.refuse(w, r, http.StatusUnauthorized, msgProviderRefused, "the identity provider returned an error", "error", errorCode(e))
		return
	}
	if flowErr != nil {
		h.refuse(w, r, http.StatusBadRequest, msgStartAgain, "no valid sign-in cookie: expired, already used, from another browser, or forged")
		return
	}
	state := q.Get("state")
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(f.State)) != 1 {
		h.refuse(w, r, http.StatusBadRequest, msgStartAgain, "the state does not match the sign-in cookie")
		return
	}
	code := q.Get("code")
	if code == "" {
		h.refuse(w, r, http.StatusBadRequest, msgStartAgain, "the identity provider sent no code")
		return
	}

	ctx := oidc.ClientContext(r.Context(), h.client)
	tok, err := h.oauth.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		h.refuse(w, r, http.StatusUnauthorized, msgNotVerified, "exchanging the code for tokens failed", exchangeError(err)...)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		h.refuse(w, r, http.StatusUnauthorized, msgNotVerified, "the token response has no ID token")
		return
	}
	idt, err := h.verifier.Verify(ctx, raw)
	if err != nil {
		h.refuse(w, r, http.StatusUnauthorized, msgNotVerified, "the ID token is not valid", "err", err.Error())
		return
	}
	if idt.Nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		h.refuse(w, r, http.StatusUnauthorized, msgNotVerified, "the ID token's nonce does not match the sign-in cookie")
		return
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			h.refuse(w, r, http.StatusUnauthorized, msgNotVerified, "the ID token's at_hash does not match the access token")
			return
		}
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		h.refuse(w, r, http.StatusUnauthorized, msgNotVerified, "the ID token's claims cannot be read", "err", err.Error())
		return
	}
	// OpenID Connect Core 3.1.3.7: with several audiences, or an azp at
	// all, the token must have been issued to this client.
	if (len(idt.Audience) > 1 || c.AuthorizedParty != "") && c.AuthorizedParty != h.cfg.ClientID {
		h.refuse(w, r, http.StatusUnauthorized, msgNotVerified, "the ID token was issued to another client (azp)")
		return
	}
	if idt.Subject == "" {
		h.refuse(w, r, http.StatusUnauthorized, msgNotVerified, "the ID token has no subject")
		return
	}

	// The service links the identity to an existing user by email only
	// when the provider says it verified the address (email_verified); an
	// unverified one can only name a new user.
	subject := idt.Issuer + " " + idt.Subject
	addr := clientAddress(r)
	ctx = app.WithAddress(r.Context(), addr)
	secret, sess, err := h.svc.OIDCLoginVerified(ctx, subject, strings.TrimSpace(c.Email), bool(c.EmailVerified), displayName(c), addr)
	if err != nil {
		h.loginFailed(w, r, err)
		return
	}

	// A new session id at every sign-in: the session this browser held
	// before ends now.
	if old, err := r.Cookie(SessionCookie); err == nil && old.Value != "" && old.Value != secret {
		if err := h.svc.Logout(ctx, old.Value); err != nil {
			h.logger.Warn("oidc: ending the previous session failed", "err", err)
		}
	}
	// No Expires: the cookie ends with the browser, and the service ends the
	// session after app.SessionLifetime without use, whatever the cookie.
	http.SetCookie(w, &http.Cookie{
		Name:     SessionCookie,
		Value:    secret,
		Path:     "/",
		HttpOnly: true,
		Secure:   h.secure(r),
		SameSite: http.SameSiteLaxMode,
	})
	h.logger.Info("oidc: signed in", "user_id", sess.UserID, "address", addr)
	// The path was checked when the flow began and is checked again: the
	// Location header is set as is, without http.Redirect's rewriting.
	w.Header().Set("Location", localPath(f.Next))
	w.WriteHeader(http.StatusSeeOther)
}

func displayName(c idClaims) string {
	if n := strings.TrimSpace(c.Name); n != "" {
		return n
	}
	if n := strings.TrimSpace(c.GivenName + " " + c.FamilyName); n != "" {
		return n
	}
	return strings.TrimSpace(c.PreferredUsername)
}

// clientAddress is the address the request came from: the one an
// authentication middleware put in the actor, else the peer's IP.
func clientAddress(r *http.Request) string {
	if a := debrief.ActorFrom(r.Context()); a != nil && a.Address != "" {
		return a.Address
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// errorCode returns the provider's error parameter when it looks like an
// RFC 6749 error code, for the log; anything else is not logged as is.
func errorCode(s string) string {
	if len(s) > 64 {
		return "(unrecognised)"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c == '_') {
			return "(unrecognised)"
		}
	}
	return s
}

// exchangeError returns log attributes for a failed token request. For an
// error answer they are the provider's error code and the status, never the
// response body; other errors (the provider unreachable, a response that is
// not JSON) name neither the code nor any token.
func exchangeError(err error) []any {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return []any{"status", status, "error", errorCode(re.ErrorCode)}
	}
	return []any{"err", err.Error()}
}

// loginFailed answers an error from the account service, which has already
// recorded any refusal in the audit log. Its message (which may name an
// account) goes to the log, not to the page.
func (h *Handler) loginFailed(w http.ResponseWriter, r *http.Request, err error) {
	status := httperr.Status(err)
	switch {
	case httperr.IsInternal(err):
		h.logger.Error("oidc: signing in failed", "address", clientAddress(r), "err", err)
		page(w, status, "Debrief could not sign you in because of an error on the server. Try again in a moment.")
	case status == http.StatusTooManyRequests:
		h.warn(r, status, "too many sign-in attempts")
		page(w, status, msgTooMany)
	default:
		h.warn(r, status, "the account service refused the sign-in", "err", debrief.ErrorMessage(err))
		page(w, status, msgAccountRefused)
	}
}

// The messages people see. They say what to do, never why in detail.
const (
	msgStartAgain      = "This sign-in link has expired or was already used. Start again from the sign-in page."
	msgProviderRefused = "Your identity provider did not sign you in. Start again from the sign-in page."
	msgNotVerified     = "Debrief could not verify the answer from your identity provider. Start again from the sign-in page; if this keeps happening, tell your Debrief administrator."
	msgAccountRefused  = "Your identity provider signed you in, but Debrief cannot open a session for this account. Ask your Debrief administrator."
	msgTooMany         = "Too many sign-in attempts. Wait a few minutes and try again."
)

// refuse logs a refused sign-in at warn (reason and attrs: never codes or
// tokens), records it in the audit log and answers with a plain page.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, status int, msg, reason string, attrs ...any) {
	h.warn(r, status, reason, attrs...)
	h.svc.Deny(app.WithAddress(r.Context(), clientAddress(r)), auditAction, "single sign-on: "+reason)
	page(w, status, msg)
}

func (h *Handler) warn(r *http.Request, status int, reason string, attrs ...any) {
	args := append([]any{"reason", reason, "address", clientAddress(r), "status", status}, attrs...)
	h.logger.Log(r.Context(), slog.LevelWarn, "oidc: sign-in refused", args...)
}

// page writes a small HTML page with one message. It has no inline style or
// script, which the Content-Security-Policy would refuse.
func page(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	const title = "Sign-in failed"
	_, _ = w.Write([]byte(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + title + ` · Debrief</title>
</head>
<body>
<main>
<h1>` + title + `</h1>
<p>` + html.EscapeString(msg) + `</p>
<p><a href="/login">Back to sign in</a></p>
</main>
</body>
</html>
`))
}
