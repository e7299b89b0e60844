package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/server/auth"
)

// perms says which controls a page shows. It is presentation only: the
// service decides every request whatever the page showed, so a control
// shown by mistake is refused there, and one hidden by mistake can still be
// used through the API. It mirrors the rules in app/authz.go for the
// common cases and nothing more.
type perms struct {
	// Edit: change the incident, its timeline, write-up and actions.
	Edit bool
	// Admin: manage the team, restrict the write-up.
	Admin bool
	// OrgAdmin: manage users and create teams.
	OrgAdmin bool
}

// permsOn returns what the request's actor may be offered on team.
func permsOn(r *http.Request, team string) perms {
	a := auth.Actor(r.Context())
	if a == nil {
		return perms{}
	}
	if a.System || (a.User != nil && a.User.OrgAdmin) {
		return perms{Edit: true, Admin: true, OrgAdmin: true}
	}
	if a.Scope == debrief.ScopeRead {
		return perms{}
	}
	role, ok := a.Teams[team]
	if !ok {
		return perms{}
	}
	return perms{Edit: role.Includes(debrief.RoleEditor), Admin: role == debrief.RoleAdmin}
}

// readOnlyNote is the warning above a form of inc for a reader who may
// see it but, as far as the page can tell, not change it. The form is still
// shown (the service decides when it is sent).
func readOnlyNote(r *http.Request, inc *debrief.Incident) string {
	if permsOn(r, inc.Team).Edit {
		return ""
	}
	return "You can read this incident but not change it: only editors of its team (" + inc.Team + ") can. Saving this form will be refused; ask an admin of the team to make you an editor."
}

// actorUser returns the signed-in user, or an EUNAUTHORIZED error.
func actorUser(r *http.Request) (*debrief.User, error) {
	a := auth.Actor(r.Context())
	if a == nil || a.User == nil {
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "Sign in first.")
	}
	return a.User, nil
}

// loginURL is the sign-in page, coming back to next afterwards.
func loginURL(next string) string {
	next = safeNext(next)
	if next == "/" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(next)
}

// safeNext returns next when it is a path on this site, else "/": the
// sign-in page must never send anyone to another site (an open redirect
// makes a convincing phishing link out of a trusted address).
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' {
		return "/"
	}
	// "//evil.example" and "/\evil.example" are other hosts to a browser.
	if strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return "/"
	}
	for _, c := range next {
		if unicode.IsControl(c) || unicode.IsSpace(c) {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	switch u.Path {
	case "/login", "/logout", "/setup":
		return "/"
	}
	return next
}

// localNext is where to come back to after signing in again: the page the
// form was on, when it is on this site.
func localNext(referer string, r *http.Request) string {
	u, err := url.Parse(referer)
	if err != nil || u.Host != r.Host {
		return "/"
	}
	return safeNext(u.RequestURI())
}

// initial is the first letter of a name (or else an e-mail), upper case.
func initial(name, email string) string {
	s := strings.TrimSpace(name)
	if s == "" {
		s = email
	}
	c, _ := utf8.DecodeRuneInString(s)
	if c == utf8.RuneError {
		return "?"
	}
	return strings.ToUpper(string(c))
}
