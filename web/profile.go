package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/auth"
	"github.com/debrief-oss/debrief/server/httperr"
)

// profilePage is the signed-in user's own account and API tokens.
type profilePage struct {
	layout
	Me     *debrief.User
	Teams  []membershipView
	Tokens []tokenView
	Form   tokenForm
	Errors formErrors
	Scopes []option
	Expiry []option
	// NewSecret is the token just made, shown this once.
	NewSecret string
	NewToken  *tokenView
	// HasPassword offers the password form; an account without one signs
	// in only through the identity provider, which manages its password.
	HasPassword    bool
	PasswordErrors formErrors
	// Demo: an account without a password is the demo visitor, not a
	// single sign-on user.
	Demo bool
}

type membershipView struct {
	Slug, Name, Role string
}

type tokenView struct {
	ID                   int64
	Name, Prefix, Scope  string
	Created, Expires     string
	LastUsed             string
	Active               bool
	State                string // "active", "expired", "revoked"
	RevokeURL, Anchor    string
	ExpiresSoon, Expired bool
}

type tokenForm struct{ Name, Scope, Expiry string }

var tokenLabels = map[string]string{"name": "Name", "scope": "Access", "expires_at": "Expires", "expiry": "Expires"}

// tokenExpiries are the lifetimes offered, in days; "0" never expires.
var tokenExpiries = []struct{ Value, Label string }{
	{"7", "In 7 days"}, {"30", "In 30 days"}, {"90", "In 90 days"}, {"365", "In a year"}, {"0", "Never"},
}

func newTokenView(t *debrief.APIToken, now time.Time) tokenView {
	v := tokenView{
		ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scope: scopeLabel(t.Scope),
		Created: dayLabel(t.CreatedAt), Expires: "Never", LastUsed: "Never used",
		Active: t.Active(now), RevokeURL: "/profile/tokens/" + itoa(t.ID) + "/revoke",
		Anchor: "token-" + itoa(t.ID), State: "active",
	}
	if t.ExpiresAt != nil {
		v.Expires = dayLabel(*t.ExpiresAt)
		v.Expired = !now.Before(*t.ExpiresAt)
		v.ExpiresSoon = !v.Expired && t.ExpiresAt.Sub(now) < 7*24*time.Hour
	}
	if t.LastUsedAt != nil {
		v.LastUsed = render.Time(*t.LastUsedAt, time.UTC)
	}
	switch {
	case t.RevokedAt != nil:
		v.State = "revoked"
	case v.Expired:
		v.State = "expired"
	}
	return v
}

func scopeLabel(s debrief.Scope) string {
	if s == debrief.ScopeRead {
		return "Read only"
	}
	return "Read and write"
}

func dayLabel(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

func (h *Handler) profilePage(r *http.Request, f tokenForm) (*profilePage, error) {
	me, err := actorUser(r)
	if err != nil {
		return nil, err
	}
	toks, err := h.svc.FindTokens(r.Context())
	if err != nil {
		return nil, err
	}
	teams, err := h.svc.FindTeams(r.Context())
	if err != nil {
		return nil, err
	}
	p := &profilePage{layout: layout{Title: "Your account", Nav: "profile"}, Me: me, Form: f, HasPassword: me.PasswordHash != "", Demo: h.opts.Demo}
	mine := auth.Actor(r.Context()).Teams
	for _, t := range teams { // by name
		if role, ok := mine[t.Slug]; ok {
			p.Teams = append(p.Teams, membershipView{Slug: t.Slug, Name: t.Name, Role: render.Label(string(role))})
		}
	}
	now := time.Now()
	for _, t := range toks {
		p.Tokens = append(p.Tokens, newTokenView(t, now))
	}
	p.Scopes = []option{
		{Value: string(debrief.ScopeRead), Label: "Read only", Selected: f.Scope != string(debrief.ScopeWrite)},
		{Value: string(debrief.ScopeWrite), Label: "Read and write", Selected: f.Scope == string(debrief.ScopeWrite)},
	}
	for _, e := range tokenExpiries {
		p.Expiry = append(p.Expiry, option{Value: e.Value, Label: e.Label, Selected: e.Value == f.Expiry})
	}
	return p, nil
}

func (h *Handler) showProfile(w http.ResponseWriter, r *http.Request) error {
	p, err := h.profilePage(r, tokenForm{Scope: string(debrief.ScopeRead), Expiry: "90"})
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "profile", p)
	return nil
}

// createToken makes a token and shows its secret on the page it answers
// with, once: the secret is not stored, so no later page can show it, and
// the answer may not be kept by any cache.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	f := tokenForm{Name: strings.TrimSpace(r.PostFormValue("name")), Scope: r.PostFormValue("scope"), Expiry: r.PostFormValue("expiry")}
	var errs formErrors
	var expires *time.Time
	switch days := formID(f.Expiry); {
	case f.Expiry == "0":
	case days >= 1 && days <= 3650:
		t := time.Now().Add(time.Duration(days) * 24 * time.Hour)
		expires = &t
	default:
		errs.add("expiry", "Choose when the token expires.")
	}
	status := http.StatusBadRequest
	if !errs.Any() {
		secret, tok, err := h.svc.CreateToken(r.Context(), f.Name, debrief.Scope(f.Scope), expires)
		if err == nil {
			p, err := h.profilePage(r, tokenForm{Scope: string(debrief.ScopeRead), Expiry: "90"})
			if err != nil {
				return err
			}
			tv := newTokenView(tok, time.Now())
			p.NewSecret, p.NewToken = secret, &tv
			p.Title = "Your new API token"
			w.Header().Set("Cache-Control", "no-store")
			h.render(w, r, http.StatusCreated, "profile", p)
			return nil
		}
		if !errs.fromApp(err, tokenLabels) {
			return err
		}
		status = httperr.Status(err)
	}
	p, err := h.profilePage(r, f)
	if err != nil {
		return err
	}
	p.Errors = errs
	h.render(w, r, status, "profile", p)
	return nil
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	if err := h.svc.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/profile#token-"+itoa(id), http.StatusSeeOther)
	return nil
}

var passwordLabels = map[string]string{"current_password": "Current password", "password": "New password", "confirm": "Repeat the new password"}

// changePassword sets the user's own password, given the current one. The
// service then ends every session of the user, this one included, so a
// success sends them to sign in again with the new password. The form is
// never filled in again with what was typed: a password is not echoed.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	me, err := actorUser(r)
	if err != nil {
		return err
	}
	if me.PasswordHash == "" {
		return debrief.Errorf(debrief.EFORBIDDEN, "Your password is managed by your identity provider: change it there.")
	}
	current, next := r.PostFormValue("current_password"), r.PostFormValue("password")
	var errs formErrors
	if next != r.PostFormValue("confirm") {
		errs.add("confirm", "The two new passwords are not the same.")
	}
	status := http.StatusBadRequest
	if !errs.Any() {
		_, err := h.svc.UpdateUser(r.Context(), me.ID, app.UserUpdate{Password: &next, CurrentPassword: &current, Version: me.Version})
		if err == nil {
			// The session is gone already; this drops its cookie.
			if err := auth.SignOut(w, r); err != nil && debrief.ErrorCode(err) != debrief.EUNAUTHORIZED {
				return err
			}
			http.Redirect(w, r, "/login?password_changed=1", http.StatusSeeOther)
			return nil
		}
		if !errs.fromApp(err, passwordLabels) {
			return err
		}
		status = httperr.Status(err)
	}
	p, err := h.profilePage(r, tokenForm{Scope: string(debrief.ScopeRead), Expiry: "90"})
	if err != nil {
		return err
	}
	p.PasswordErrors = errs
	h.render(w, r, status, "profile", p)
	return nil
}
