package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/server/auth"
	"github.com/debrief-oss/debrief/server/httperr"
)

// loginPage is the sign-in form.
type loginPage struct {
	layout
	Email string
	Next  string
	// Error is why the last attempt failed; TooMany is set when the
	// attempts ran out (429).
	Error   string
	TooMany bool
	SSO     bool
	// Setup is set while there are no accounts yet.
	Setup     bool
	SignedOut bool
	// PasswordChanged confirms a change of password, which signed the
	// user out everywhere.
	PasswordChanged bool
}

// badLogin is the one answer to a wrong email and a wrong password alike,
// so that the form does not tell who has an account.
const badLogin = "That email and password don’t match an account here. Check both and try again."

func (h *Handler) newLoginPage(r *http.Request, email, next string) *loginPage {
	p := &loginPage{
		layout: layout{Title: "Sign in", Bare: true},
		Email:  email, Next: safeNext(next), SSO: h.opts.SSO,
	}
	if p.Next == "/" {
		p.Next = ""
	}
	// An error here only loses the hint; the form works without it.
	p.Setup, _ = h.svc.NeedsSetup(r.Context())
	return p
}

func (h *Handler) showLogin(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if auth.Actor(r.Context()) != nil {
		http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
		return nil
	}
	p := h.newLoginPage(r, "", next)
	p.SignedOut = r.URL.Query().Get("signed_out") == "1"
	p.PasswordChanged = r.URL.Query().Get("password_changed") == "1"
	h.render(w, r, http.StatusOK, "login", p)
	return nil
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	next := safeNext(r.PostFormValue("next"))
	secret, _, err := h.svc.Login(r.Context(), email, r.PostFormValue("password"), auth.Address(r))
	if err == nil {
		if err := auth.SignIn(w, r, secret); err != nil {
			return err
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	p := h.newLoginPage(r, email, next)
	switch debrief.ErrorCode(err) {
	case debrief.EUNAUTHORIZED:
		p.Error = badLogin
	case debrief.ETOOMANY:
		// The service's message says when to try again.
		p.Error, p.TooMany = debrief.ErrorMessage(err), true
	case debrief.EINVALID:
		p.Error = debrief.ErrorMessage(err)
	default:
		return err
	}
	h.render(w, r, httperr.Status(err), "login", p)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if err := auth.SignOut(w, r); err != nil && debrief.ErrorCode(err) != debrief.EUNAUTHORIZED {
		return err
	}
	http.Redirect(w, r, "/login?signed_out=1", http.StatusSeeOther)
	return nil
}

// setupPage creates the first organisation admin.
type setupPage struct {
	layout
	Token  string
	Form   setupForm
	Errors formErrors
}

type setupForm struct{ Name, Email string }

var setupLabels = map[string]string{"name": "Name", "email": "Email", "password": "Password", "confirm": "Repeat the password"}

// checkSetupLink answers 404 for a setup link that is not the current one,
// or once there are accounts. The service checks the token again when the
// form is sent; this only spares a visitor a form that cannot work.
func (h *Handler) checkSetupLink(r *http.Request, token string) error {
	needs, err := h.svc.NeedsSetup(r.Context())
	if err != nil {
		return err
	}
	if !needs {
		return debrief.Errorf(debrief.ENOTFOUND, "Debrief is already set up: sign in with your account instead.")
	}
	want := h.svc.SetupToken()
	if want == "" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		return debrief.Errorf(debrief.ENOTFOUND, "This setup link is not valid. Use the link “debrief serve” printed when it started, or run “debrief user create --admin” on the server.")
	}
	return nil
}

func (h *Handler) showSetup(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	if err := h.checkSetupLink(r, token); err != nil {
		return err
	}
	// The token stays out of the page's address once it is read: the
	// form carries it.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, http.StatusOK, "setup", &setupPage{layout: layout{Title: "Set up Debrief", Bare: true}, Token: token})
	return nil
}

func (h *Handler) setup(w http.ResponseWriter, r *http.Request) error {
	token := r.PostFormValue("token")
	if err := h.checkSetupLink(r, token); err != nil {
		return err
	}
	f := setupForm{Name: strings.TrimSpace(r.PostFormValue("name")), Email: strings.TrimSpace(r.PostFormValue("email"))}
	password := r.PostFormValue("password")
	var errs formErrors
	if password != r.PostFormValue("confirm") {
		errs.add("confirm", "The two passwords are not the same.")
	}
	status := http.StatusBadRequest
	if !errs.Any() {
		u := &debrief.User{Name: f.Name, Email: f.Email}
		err := h.svc.SetupFirstAdmin(r.Context(), token, u, password)
		if err == nil {
			secret, _, err := h.svc.StartSession(r.Context(), u.ID, auth.Address(r))
			if err != nil {
				return err
			}
			if err := auth.SignIn(w, r, secret); err != nil {
				return err
			}
			http.Redirect(w, r, "/teams?welcome=1", http.StatusSeeOther)
			return nil
		}
		if !errs.fromApp(err, setupLabels) {
			return err
		}
		status = httperr.Status(err)
	}
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, status, "setup", &setupPage{layout: layout{Title: "Set up Debrief", Bare: true}, Token: token, Form: f, Errors: errs})
	return nil
}
