package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/server/auth"
)

const newPassword = "a brand new passphrase"

func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	bo := e.signIn(e.withPassword("Bo Berg", "bo@example.com", nil))
	contains(t, bo.page("/profile"), `action="/profile/password"`, `name="current_password" autocomplete="current-password"`,
		`name="password" autocomplete="new-password"`, `name="confirm" autocomplete="new-password"`, "Change your password")

	// A wrong current password: the form again, the error next to its
	// field, and the password as it was.
	w := bo.post("/profile/password", url.Values{"current_password": {"not my password at all"}, "password": {newPassword}, "confirm": {newPassword}})
	if w.Code != http.StatusForbidden {
		t.Fatalf("wrong current password: status %d, want 403\n%s", w.Code, w.Body)
	}
	body := w.Body.String()
	contains(t, body, `id="f-current_password-error"`, "Give your current password to set a new one.", `aria-invalid="true" aria-describedby="f-current_password-error" autofocus`)
	lacks(t, body, "not my password at all", newPassword)
	if _, _, err := e.svc.Login(context.Background(), "bo@example.com", password, ""); err != nil {
		t.Fatalf("the old password no longer signs in: %v", err)
	}

	// The new password twice, differently: nothing is sent.
	w = bo.post("/profile/password", url.Values{"current_password": {password}, "password": {newPassword}, "confirm": {newPassword + "!"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("mismatch: status %d, want 400\n%s", w.Code, w.Body)
	}
	contains(t, w.Body.String(), `id="f-confirm-error"`, "The two new passwords are not the same.")
	lacks(t, w.Body.String(), `id="f-current_password-error"`, `id="f-password-error"`)
	if _, _, err := e.svc.Login(context.Background(), "bo@example.com", password, ""); err != nil {
		t.Fatalf("after a mismatch the old password no longer signs in: %v", err)
	}

	// Too short: the service's rule, next to the new password.
	w = bo.post("/profile/password", url.Values{"current_password": {password}, "password": {"short"}, "confirm": {"short"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("short: status %d, want 400\n%s", w.Code, w.Body)
	}
	contains(t, w.Body.String(), `id="f-password-error"`, "New password is too short")

	// Success: signed out everywhere, sent to sign in with the new one.
	old := bo.cookies[auth.SessionCookie]
	other := e.signIn(bo.user) // another browser of Bo's
	w = bo.post("/profile/password", url.Values{"current_password": {password}, "password": {newPassword}, "confirm": {newPassword}})
	if loc := redirected(t, w); loc != "/login?password_changed=1" {
		t.Fatalf("Location = %q", loc)
	}
	if _, ok := bo.cookies[auth.SessionCookie]; ok {
		t.Error("the session cookie was not cleared")
	}
	contains(t, bo.page("/login?password_changed=1"), "Your password was changed. Sign in with the new one.")
	lacks(t, bo.page("/login"), "Your password was changed")
	for _, c := range []*client{bo, other} {
		if c == bo {
			c.cookies[auth.SessionCookie] = old // the old cookie, replayed
		}
		if w := c.get("/profile"); w.Code != http.StatusSeeOther {
			t.Errorf("the old session still works: status %d", w.Code)
		}
	}
	if _, _, err := e.svc.SessionActor(context.Background(), old, ""); debrief.ErrorCode(err) != debrief.EUNAUTHORIZED {
		t.Errorf("old session: %v", err)
	}
	if _, _, err := e.svc.Login(context.Background(), "bo@example.com", password, ""); debrief.ErrorCode(err) != debrief.EUNAUTHORIZED {
		t.Errorf("the old password still signs in: %v", err)
	}
	a := e.anon()
	a.get("/login")
	if loc := redirected(t, a.post("/login", url.Values{"email": {"bo@example.com"}, "password": {newPassword}})); loc != "/" {
		t.Errorf("sign-in with the new password: Location = %q", loc)
	}
	contains(t, a.page("/profile"), "Bo Berg")
}

// An account without a password (single sign-on only) is told where its
// password lives, and cannot post the form.
func TestChangePasswordWithoutOne(t *testing.T) {
	e := newEnv(t)
	cy := e.signIn(e.user("Cy", "cy@example.com", false, nil))
	body := cy.page("/profile")
	contains(t, body, "your password is managed by your identity provider")
	lacks(t, body, `action="/profile/password"`, `name="current_password"`)
	w := cy.post("/profile/password", url.Values{"current_password": {""}, "password": {newPassword}, "confirm": {newPassword}})
	if w.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403", w.Code)
	}
	if _, _, err := e.svc.Login(context.Background(), "cy@example.com", newPassword, ""); err == nil {
		t.Error("a password was set")
	}
	cy.page("/profile") // still signed in
}
