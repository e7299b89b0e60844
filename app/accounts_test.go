package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
)

const password = "correct horse battery"

// userWithPassword creates a user who signs in with password.
func (e *env) userWithPassword(name string) *debrief.User {
	e.t.Helper()
	u := &debrief.User{Email: name + "@example.com", Name: name}
	if err := e.svc.CreateUser(e.sys, u, password); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// audit returns the audit entries with the given action, oldest first.
func (e *env) audit(action string) []*debrief.AuditEntry {
	e.t.Helper()
	entries, err := e.svc.FindAudit(e.sys, debrief.AuditFilter{Action: &action, Limit: store.MaxLimit})
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	return entries
}

func TestAuditHoldsBeforeAndAfter(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		editor := w.actors["editor"]
		inc, err := e.svc.UpdateIncident(editor, w.incTeam.ID, debrief.IncidentUpdate{Title: ptr("Checkout down"), Version: w.incTeam.Version})
		if err != nil {
			t.Fatal(err)
		}
		entries, err := e.svc.FindAudit(w.actors["org admin"], debrief.AuditFilter{IncidentID: &inc.ID})
		if err != nil {
			t.Fatal(err)
		}
		// A team member reads the same trail, without where people
		// connected from.
		seen, err := e.svc.FindAudit(w.actors["viewer"], debrief.AuditFilter{IncidentID: &inc.ID})
		if err != nil || len(seen) != len(entries) || seen[0].Address != "" || string(seen[0].After) != string(entries[0].After) {
			t.Errorf("viewer's audit: %v, %d entries", err, len(seen))
		}
		// Newest first: the update, then the creation.
		if len(entries) != 2 || entries[0].Action != "incident.update" || entries[1].Action != "incident.create" {
			t.Fatalf("entries %+v", entries)
		}
		up := entries[0]
		var before, after debrief.Incident
		if err := json.Unmarshal(up.Before, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(up.After, &after); err != nil {
			t.Fatal(err)
		}
		if before.Title != "Checkout errors" || after.Title != "Checkout down" || after.Version != before.Version+1 {
			t.Errorf("before %q v%d, after %q v%d", before.Title, before.Version, after.Title, after.Version)
		}
		if up.Outcome != debrief.AuditOK || up.ActorID != w.users["editor"].ID || up.Actor != "editor@example.com" ||
			up.Address != "192.0.2.1" || up.ObjectType != "incident" || up.ObjectID != itoa(inc.ID) || up.IncidentID == nil || *up.IncidentID != inc.ID {
			t.Errorf("entry %+v", up)
		}
		if create := entries[1]; create.Before != nil || create.After == nil || create.Actor != "system" {
			t.Errorf("creation entry %+v", create)
		}
		// A deletion keeps the before, and no after.
		if err := e.svc.DeleteIncident(w.actors["org admin"], w.incOrg.ID); err != nil {
			t.Fatal(err)
		}
		del := e.audit("incident.delete")
		if len(del) != 1 || del[0].Before == nil || del[0].After != nil || del[0].Actor != "admin@example.com" {
			t.Errorf("deletion entries %+v", del)
		}
		// A refused change leaves a denied entry and changes nothing.
		_, err = e.svc.UpdateIncident(w.actors["viewer"], w.incTeam.ID, debrief.IncidentUpdate{Title: ptr("x"), Version: inc.Version})
		wantCode(t, err, debrief.EFORBIDDEN)
		denied := e.audit("incident.update")
		if last := denied[len(denied)-1]; last.Outcome != debrief.AuditDenied || last.Actor != "viewer@example.com" || last.Detail == "" || last.After != nil {
			t.Errorf("refusal entry %+v", last)
		}
		// Someone who sees the incident but not its restricted write-up
		// sees who changed the write-up, not the text.
		sec, _ := e.svc.FindSection(e.sys, w.incRestricted.ID, "summary")
		if _, err := e.svc.UpdateSection(w.actors["team admin"], w.incRestricted.ID, "summary", debrief.SectionUpdate{Body: ptr("the secret root cause"), Version: sec.Version}); err != nil {
			t.Fatal(err)
		}
		for who, wantText := range map[string]bool{"viewer": false, "reader": true} {
			entries, err := e.svc.FindAudit(w.actors[who], debrief.AuditFilter{IncidentID: &w.incRestricted.ID})
			if err != nil {
				t.Fatal(err)
			}
			if entries[0].Action != "section.update" || (entries[0].After != nil) != wantText ||
				strings.Contains(string(mustJSON(t, entries)), "secret root cause") != wantText {
				t.Errorf("%s: section entry %+v", who, entries[0])
			}
		}
		// Transports record their own refusals.
		e.svc.Deny(app.WithAddress(context.Background(), "198.51.100.7"), "csrf", "missing CSRF token")
		if d := e.audit("csrf"); len(d) != 1 || d[0].Outcome != debrief.AuditDenied || d[0].Address != "198.51.100.7" || d[0].Detail != "missing CSRF token" || d[0].Actor != "anonymous" {
			t.Errorf("deny entries %+v", d)
		}
		e.svc.Deny(w.actors["editor"], "csrf", "forged CSRF token")
		if d := e.audit("csrf"); len(d) != 2 || d[1].ActorID != w.users["editor"].ID {
			t.Errorf("deny entries %+v", d)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Sign-in: sessions, failures audited, one message for an unknown email
// and a wrong password, and no secret in the audit log.
func TestLoginAndSessions(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		u := e.userWithPassword("ada")
		ctx := context.Background()
		_, _, errUnknown := e.svc.Login(ctx, "nobody@example.com", password, "203.0.113.5")
		_, _, errWrong := e.svc.Login(ctx, "ada@example.com", "wrong password!", "203.0.113.5")
		wantCode(t, errUnknown, debrief.EUNAUTHORIZED)
		wantCode(t, errWrong, debrief.EUNAUTHORIZED)
		if debrief.ErrorMessage(errUnknown) != debrief.ErrorMessage(errWrong) {
			t.Errorf("unknown email %q and wrong password %q answer differently", errUnknown, errWrong)
		}
		secret, sess, err := e.svc.Login(ctx, " ADA@example.com ", password, "203.0.113.5")
		if err != nil {
			t.Fatal(err)
		}
		if len(secret) != 43 || sess.CSRFToken == "" || sess.UserID != u.ID || string(sess.Hash) == secret {
			t.Errorf("session %+v", sess)
		}
		logins := e.audit("session.login")
		if len(logins) != 3 {
			t.Fatalf("%d login entries, want 3", len(logins))
		}
		for i, want := range []string{"unknown email", "wrong password"} {
			if logins[i].Outcome != debrief.AuditDenied || logins[i].Detail != want || logins[i].Address != "203.0.113.5" {
				t.Errorf("denied login %d: %+v", i, logins[i])
			}
		}
		if ok := logins[2]; ok.Outcome != debrief.AuditOK || ok.ActorID != u.ID {
			t.Errorf("login entry %+v", ok)
		}

		a, got, err := e.svc.SessionActor(ctx, secret, "203.0.113.6")
		if err != nil || a.User.ID != u.ID || a.Scope != debrief.ScopeWrite || a.Address != "203.0.113.6" || got.CSRFToken != sess.CSRFToken {
			t.Fatalf("session actor: %+v, %v", a, err)
		}
		_, _, err = e.svc.SessionActor(ctx, secret+"x", "")
		wantCode(t, err, debrief.EUNAUTHORIZED)

		// Sliding expiry: each use keeps it for another SessionLifetime.
		for range 3 {
			e.clock.Advance(app.SessionLifetime - time.Minute)
			if _, _, err := e.svc.SessionActor(ctx, secret, ""); err != nil {
				t.Fatalf("session used within its lifetime: %v", err)
			}
		}
		e.clock.Advance(app.SessionLifetime + time.Minute)
		_, _, err = e.svc.SessionActor(ctx, secret, "")
		wantCode(t, err, debrief.EUNAUTHORIZED)

		// However much it is used, a session ends after SessionMaxAge.
		secret, _, err = e.svc.StartSession(ctx, u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		half := app.SessionLifetime / 2
		for age := half; age < app.SessionMaxAge; age += half {
			e.clock.Advance(half)
			if _, _, err := e.svc.SessionActor(ctx, secret, ""); err != nil {
				t.Fatalf("at %v: %v", age, err)
			}
		}
		e.clock.Advance(half) // used half a lifetime ago, but SessionMaxAge old
		_, _, err = e.svc.SessionActor(ctx, secret, "")
		wantCode(t, err, debrief.EUNAUTHORIZED)

		// Logout ends it.
		secret, _, _ = e.svc.Login(ctx, "ada@example.com", password, "")
		if err := e.svc.Logout(ctx, secret); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.svc.SessionActor(ctx, secret, "")
		wantCode(t, err, debrief.EUNAUTHORIZED)
		if out := e.audit("session.logout"); len(out) != 1 || out[0].ActorID != u.ID || out[0].After != nil {
			t.Errorf("logout entries %+v", out)
		}

		// Disabling ends every session, and signs in nobody.
		secret, _, _ = e.svc.Login(ctx, "ada@example.com", password, "")
		if _, err := e.svc.UpdateUser(e.sys, u.ID, app.UserUpdate{Disabled: ptr(true), Version: u.Version}); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.svc.SessionActor(ctx, secret, "")
		wantCode(t, err, debrief.EUNAUTHORIZED)
		_, _, err = e.svc.Login(ctx, "ada@example.com", password, "")
		wantCode(t, err, debrief.EUNAUTHORIZED)

		// No password hash, session id, CSRF token or session hash in
		// the log.
		all, err := e.svc.FindAudit(e.sys, debrief.AuditFilter{Limit: store.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		text := string(mustJSON(t, all))
		stored, _ := e.st.FindUserByID(ctx, u.ID)
		for _, leak := range []string{stored.PasswordHash, "$2a$", secret, sess.CSRFToken, "password_hash", "csrf"} {
			if strings.Contains(text, leak) {
				t.Errorf("the audit log holds %q", leak)
			}
		}
	})
}

func TestPasswordRules(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		for _, pw := range []string{"short", strings.Repeat("é", 11), strings.Repeat("x", 73)} {
			wantField(t, e.svc.CreateUser(e.sys, &debrief.User{Email: "a@example.com", Name: "A"}, pw), "password")
		}
		wantField(t, e.svc.CreateUser(e.sys, &debrief.User{Email: "not an address", Name: "A"}, ""), "email")
		wantField(t, e.svc.CreateUser(e.sys, &debrief.User{Email: "a@example.com"}, ""), "name")
		// Twelve characters are enough, even in more bytes.
		if err := e.svc.CreateUser(e.sys, &debrief.User{Email: "b@example.com", Name: "B"}, strings.Repeat("é", 12)); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.svc.CreateUser(e.sys, &debrief.User{Email: "B@Example.com", Name: "B2"}, ""), debrief.ECONFLICT)
	})
}

func TestLoginRateLimits(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		e.userWithPassword("ada")
		ctx := context.Background()
		login := func(pw, addr string) error {
			_, _, err := e.svc.Login(ctx, "ada@example.com", pw, addr)
			return err
		}
		// A success clears the account's count.
		for range app.LoginAccountLimit - 1 {
			wantCode(t, login("wrong password!", "203.0.113.1"), debrief.EUNAUTHORIZED)
		}
		wantCode(t, login(password, "203.0.113.1"), "")
		for range app.LoginAccountLimit {
			wantCode(t, login("wrong password!", "203.0.113.2"), debrief.EUNAUTHORIZED)
		}
		// Now even the right password, from another address, waits.
		err := login(password, "203.0.113.3")
		wantCode(t, err, debrief.ETOOMANY)
		if !strings.Contains(debrief.ErrorMessage(err), "Try again after") {
			t.Errorf("message %q does not say when to retry", debrief.ErrorMessage(err))
		}
		if d := e.audit("session.login"); d[len(d)-1].Outcome != debrief.AuditDenied || !strings.Contains(d[len(d)-1].Detail, "rate limited") {
			t.Errorf("rate limit not audited: %+v", d[len(d)-1])
		}
		e.clock.Advance(app.LoginWindow + time.Second)
		wantCode(t, login(password, "203.0.113.3"), "")

		// Per address: many accounts guessed from one address.
		for i := range app.LoginAddressLimit {
			_, _, err := e.svc.Login(ctx, "guess"+itoa(int64(i))+"@example.com", "wrong password!", "198.51.100.1")
			wantCode(t, err, debrief.EUNAUTHORIZED)
		}
		_, _, err = e.svc.Login(ctx, "ada@example.com", password, "198.51.100.1")
		wantCode(t, err, debrief.ETOOMANY)
		// Another address is not held up.
		wantCode(t, login(password, "198.51.100.2"), "")
	})
}

func TestTokens(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		editor := w.actors["editor"]
		ctx := context.Background()
		_, _, err := e.svc.CreateToken(editor, "old", debrief.ScopeRead, ptr(e.clock.Now().Add(-time.Second)))
		wantField(t, err, "expires_at")
		_, _, err = e.svc.CreateToken(editor, "x", "admin", nil)
		wantField(t, err, "scope")
		_, _, err = e.svc.CreateToken(e.sys, "x", debrief.ScopeRead, nil)
		wantCode(t, err, debrief.EFORBIDDEN)

		secret, tok, err := e.svc.CreateToken(editor, "deploys", debrief.ScopeWrite, ptr(e.clock.Now().Add(time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "dbr_") || len(secret) != 4+43 || tok.Prefix != secret[4:12] {
			t.Errorf("secret %q, prefix %q", secret, tok.Prefix)
		}
		a, err := e.svc.TokenActor(ctx, secret, "192.0.2.50")
		if err != nil || a.User.ID != w.users["editor"].ID || a.Scope != debrief.ScopeWrite || a.Teams["payments"] != debrief.RoleEditor {
			t.Fatalf("token actor %+v, %v", a, err)
		}
		// A read-write token writes.
		if _, err := e.svc.UpdateIncident(debrief.WithActor(ctx, a), w.incTeam.ID, debrief.IncidentUpdate{Title: ptr("via API"), Version: w.incTeam.Version}); err != nil {
			t.Errorf("read-write token: %v", err)
		}
		toks, err := e.svc.FindTokens(editor)
		if err != nil || len(toks) != 1 || toks[0].LastUsedAt == nil {
			t.Fatalf("tokens %+v, %v", toks, err)
		}

		// Expiry.
		e.clock.Advance(time.Hour)
		_, err = e.svc.TokenActor(ctx, secret, "192.0.2.50")
		wantCode(t, err, debrief.EUNAUTHORIZED)
		if !strings.Contains(debrief.ErrorMessage(err), "expired") {
			t.Errorf("expired: %q", debrief.ErrorMessage(err))
		}

		// Revocation, of one's own tokens only.
		secret2, tok2, err := e.svc.CreateToken(editor, "scripts", debrief.ScopeRead, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.svc.RevokeToken(w.actors["viewer"], tok2.ID), debrief.ENOTFOUND)
		if _, err := e.svc.TokenActor(ctx, secret2, ""); err != nil {
			t.Fatalf("before revocation: %v", err)
		}
		if err := e.svc.RevokeToken(editor, tok2.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.TokenActor(ctx, secret2, "")
		wantCode(t, err, debrief.EUNAUTHORIZED)
		if !strings.Contains(debrief.ErrorMessage(err), "revoked") {
			t.Errorf("revoked: %q", debrief.ErrorMessage(err))
		}

		// Unknown.
		for _, bad := range []string{"dbr_" + strings.Repeat("A", 43), "not-a-token", ""} {
			_, err = e.svc.TokenActor(ctx, bad, "")
			wantCode(t, err, debrief.EUNAUTHORIZED)
			if !strings.Contains(debrief.ErrorMessage(err), "Unknown") {
				t.Errorf("unknown: %q", debrief.ErrorMessage(err))
			}
		}

		// Every refusal is in the log, and no secret is.
		refusals := e.audit("token.authenticate")
		var details []string
		for _, r := range refusals {
			if r.Outcome != debrief.AuditDenied {
				t.Errorf("refusal %+v", r)
			}
			details = append(details, r.Detail)
		}
		joined := strings.Join(details, "|")
		if len(refusals) != 5 || !strings.Contains(joined, "expired") || !strings.Contains(joined, "revoked") || !strings.Contains(joined, "unknown") {
			t.Errorf("refusals %q", details)
		}
		all, _ := e.svc.FindAudit(e.sys, debrief.AuditFilter{Limit: store.MaxLimit})
		text := string(mustJSON(t, all))
		for _, leak := range []string{secret, secret2, secret[4:20]} {
			if strings.Contains(text, leak) {
				t.Errorf("the audit log holds a token secret")
			}
		}
		created := 0
		for _, c := range e.audit("token.create") {
			if c.Outcome == debrief.AuditOK {
				created++
			}
		}
		if r := e.audit("token.revoke"); created != 3 || len(r) != 1 || r[0].Before == nil || r[0].After == nil {
			t.Errorf("token entries: %d created, %+v", created, r)
		}
	})
}

func TestSetupTokenIsSingleUse(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := app.WithAddress(context.Background(), "127.0.0.1")
		need, err := e.svc.NeedsSetup(ctx)
		token := e.svc.SetupToken()
		if err != nil || !need || len(token) != 43 {
			t.Fatalf("fresh: needs setup %v, token %q, %v", need, token, err)
		}
		admin := &debrief.User{Email: "root@example.com", Name: "Root"}
		wantCode(t, e.svc.SetupFirstAdmin(ctx, "guess", admin, password), debrief.EUNAUTHORIZED)
		wantField(t, e.svc.SetupFirstAdmin(ctx, token, admin, "short"), "password")
		if err := e.svc.SetupFirstAdmin(ctx, token, admin, password); err != nil {
			t.Fatalf("setup: %v", err)
		}
		if !admin.OrgAdmin || admin.ID == 0 {
			t.Errorf("first admin %+v", admin)
		}
		if e.svc.SetupToken() != "" {
			t.Error("the setup token outlived its use")
		}
		wantCode(t, e.svc.SetupFirstAdmin(ctx, token, &debrief.User{Email: "two@example.com", Name: "Two"}, password), debrief.EUNAUTHORIZED)
		if need, _ := e.svc.NeedsSetup(ctx); need {
			t.Error("still needs setup")
		}
		if d := e.audit("user.setup"); len(d) != 3 || d[0].Outcome != debrief.AuditDenied || d[1].Outcome != debrief.AuditOK || d[2].Outcome != debrief.AuditDenied || d[1].Address != "127.0.0.1" {
			t.Errorf("setup entries %+v", d)
		}
		// A new instance over a database with users has no token.
		if s := app.New(e.st); s.SetupToken() != "" {
			t.Error("setup token with users")
		}
		if _, _, err := e.svc.Login(ctx, "root@example.com", password, ""); err != nil {
			t.Errorf("first admin signs in: %v", err)
		}
	})
}

// A user created another way (the command line) ends setup too.
func TestFirstUserEndsSetup(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		if e.svc.SetupToken() == "" {
			t.Fatal("no setup token at start")
		}
		e.user("cli", true, nil)
		if e.svc.SetupToken() != "" {
			t.Error("the setup token outlived the first user")
		}
	})
}

func TestUpdateUser(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		viewer := w.users["viewer"]
		// Users change their own name.
		u, err := e.svc.UpdateUser(w.actors["viewer"], viewer.ID, app.UserUpdate{Name: ptr("Vera"), Version: viewer.Version})
		if err != nil || u.Name != "Vera" {
			t.Fatalf("own name: %v %+v", err, u)
		}
		_, err = e.svc.UpdateUser(w.actors["viewer"], viewer.ID, app.UserUpdate{OrgAdmin: ptr(true), Version: u.Version})
		wantCode(t, err, debrief.EFORBIDDEN)
		_, err = e.svc.UpdateUser(w.actors["viewer"], w.users["editor"].ID, app.UserUpdate{Name: ptr("x"), Version: 1})
		wantCode(t, err, debrief.EFORBIDDEN)
		// A new password of one's own needs the current one; an account
		// without one (single sign-on) asks an admin.
		_, err = e.svc.UpdateUser(w.actors["viewer"], viewer.ID, app.UserUpdate{Password: ptr("a long new passphrase"), Version: u.Version})
		wantCode(t, err, debrief.EFORBIDDEN)
		u, err = e.svc.UpdateUser(e.sys, viewer.ID, app.UserUpdate{Password: ptr("the first passphrase"), Version: u.Version})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.UpdateUser(w.actors["viewer"], viewer.ID, app.UserUpdate{Password: ptr("a long new passphrase"), CurrentPassword: ptr("a wrong guess at it"), Version: u.Version})
		wantCode(t, err, debrief.EFORBIDDEN)
		_, err = e.svc.UpdateUser(w.actors["viewer"], viewer.ID, app.UserUpdate{Password: ptr("short"), CurrentPassword: ptr("the first passphrase"), Version: u.Version})
		wantField(t, err, "password")
		u, err = e.svc.UpdateUser(w.actors["viewer"], viewer.ID, app.UserUpdate{Password: ptr("a long new passphrase"), CurrentPassword: ptr("the first passphrase"), Version: u.Version})
		if err != nil {
			t.Fatalf("own password with the current one: %v", err)
		}
		// Others see only themselves.
		users, total, err := e.svc.FindUsers(w.actors["viewer"], store.UserFilter{})
		if err != nil || total != 1 || users[0].ID != viewer.ID {
			t.Errorf("viewer lists %d users (total %d): %v", len(users), total, err)
		}
		if _, total, _ := e.svc.FindUsers(w.actors["org admin"], store.UserFilter{}); total != len(w.users) {
			t.Errorf("admin lists %d users, want %d", total, len(w.users))
		}
		// Admins too give their current password to change their own.
		orgAdmin := w.users["org admin"]
		_, err = e.svc.UpdateUser(w.actors["org admin"], orgAdmin.ID, app.UserUpdate{Password: ptr("a long new passphrase"), Version: orgAdmin.Version})
		wantCode(t, err, debrief.EFORBIDDEN)
		// Team admins list everyone too: they pick whom to add.
		if _, total, _ := e.svc.FindUsers(w.actors["team admin"], store.UserFilter{}); total != len(w.users) {
			t.Errorf("team admin lists %d users, want %d", total, len(w.users))
		}
		// The last active organisation admin stays one.
		admin := w.users["org admin"]
		_, err = e.svc.UpdateUser(w.actors["org admin"], admin.ID, app.UserUpdate{OrgAdmin: ptr(false), Version: admin.Version})
		wantField(t, err, "org_admin")
		_, err = e.svc.UpdateUser(e.sys, admin.ID, app.UserUpdate{Disabled: ptr(true), Version: admin.Version})
		wantField(t, err, "disabled")
		if _, err := e.svc.UpdateUser(w.actors["org admin"], u.ID, app.UserUpdate{OrgAdmin: ptr(true), Version: u.Version}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateUser(w.actors["org admin"], admin.ID, app.UserUpdate{OrgAdmin: ptr(false), Version: admin.Version}); err != nil {
			t.Errorf("step down with another admin: %v", err)
		}
		upd := e.audit("user.update")
		if len(upd) < 3 || upd[len(upd)-1].Before == nil || upd[len(upd)-1].After == nil {
			t.Errorf("user entries %+v", upd)
		}
	})
}

func TestOIDCLogin(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const iss = "https://idp.example.com "
		// Before the first admin exists, single sign-on creates nobody.
		_, _, err := e.svc.OIDCLogin(ctx, iss+"1", "first@example.com", "First", "")
		wantCode(t, err, debrief.EUNAUTHORIZED)
		e.user("root", true, nil)

		secret, _, err := e.svc.OIDCLogin(ctx, iss+"1", "First@Example.com", "First", "192.0.2.8")
		if err != nil {
			t.Fatal(err)
		}
		a, _, err := e.svc.SessionActor(ctx, secret, "")
		if err != nil || a.User.Email != "first@example.com" || a.User.OrgAdmin || a.User.PasswordHash != "" {
			t.Fatalf("new user %+v, %v", a, err)
		}
		// Matched by subject the next time, whatever the email says.
		secret, _, err = e.svc.OIDCLogin(ctx, iss+"1", "changed@example.com", "First", "")
		if b, _, _ := e.svc.SessionActor(ctx, secret, ""); err != nil || b.User.ID != a.User.ID {
			t.Fatalf("second sign-on: %v", err)
		}
		// An existing account is linked only through a verified email.
		local := e.userWithPassword("local")
		_, _, err = e.svc.OIDCLogin(ctx, iss+"2", "local@example.com", "Local", "")
		wantCode(t, err, debrief.EUNAUTHORIZED)
		secret, _, err = e.svc.OIDCLoginVerified(ctx, iss+"2", "local@example.com", true, "Local", "")
		if err != nil {
			t.Fatal(err)
		}
		if c, _, _ := e.svc.SessionActor(ctx, secret, ""); c.User.ID != local.ID || c.User.OrgAdmin {
			t.Errorf("linked %+v", c.User)
		}
		// But not when it is linked to someone else already.
		_, _, err = e.svc.OIDCLoginVerified(ctx, iss+"3", "local@example.com", true, "Local", "")
		wantCode(t, err, debrief.EUNAUTHORIZED)
		if d := e.audit("user.link_oidc"); len(d) != 1 {
			t.Errorf("link entries %+v", d)
		}
	})
}

// An audit entry that cannot be written is logged; the change stands.
func TestAuditFailureIsLogged(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		var logs bytes.Buffer
		svc := app.New(failingAudit{e.st}, app.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		if err := svc.CreatePerson(e.sys, &debrief.Person{Name: "Ada"}); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := svc.FindPeople(e.sys, debrief.PersonFilter{}); total != 1 {
			t.Errorf("%d people", total)
		}
		if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "person.create") {
			t.Errorf("logs: %s", logs.String())
		}
	})
}

type failingAudit struct{ store.Store }

func (failingAudit) AppendAudit(context.Context, *debrief.AuditEntry) error {
	return context.DeadlineExceeded
}

func TestIssueTokenOnlyForTheSystem(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		viewer := w.users["viewer"]
		_, _, err := e.svc.IssueToken(w.actors["org admin"], viewer.ID, "ci", debrief.ScopeRead, nil)
		wantCode(t, err, debrief.EFORBIDDEN)
		secret, tok, err := e.svc.IssueToken(e.sys, viewer.ID, "ci", debrief.ScopeRead, nil)
		if err != nil || tok.UserID != viewer.ID {
			t.Fatalf("system issues: %v %+v", err, tok)
		}
		a, err := e.svc.TokenActor(context.Background(), secret, "192.0.2.9")
		if err != nil || a.UserID() != viewer.ID || a.Scope != debrief.ScopeRead || !a.ViaToken {
			t.Errorf("issued token acts as %+v: %v", a, err)
		}
	})
}

// Unknown API tokens are audited up to a limit per address; then the
// address waits, and the audit log stops growing.
func TestBadTokensAreThrottled(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		count := func() int {
			entries, err := e.svc.FindAudit(e.sys, debrief.AuditFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			return len(entries)
		}
		before := count()
		for i := range app.BadTokenAddressLimit {
			_, err := e.svc.TokenActor(context.Background(), "dbt_nope", "192.0.2.77")
			if debrief.ErrorCode(err) != debrief.EUNAUTHORIZED {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		for range 50 {
			_, err := e.svc.TokenActor(context.Background(), "dbt_nope", "192.0.2.77")
			wantCode(t, err, debrief.ETOOMANY)
		}
		if got := count() - before; got != app.BadTokenAddressLimit {
			t.Errorf("%d audit entries for %d+50 bad tokens, want %d", got, app.BadTokenAddressLimit, app.BadTokenAddressLimit)
		}
		// Another address is not held back, and the window passes.
		_, err := e.svc.TokenActor(context.Background(), "dbt_nope", "192.0.2.78")
		wantCode(t, err, debrief.EUNAUTHORIZED)
		e.clock.Advance(app.LoginWindow + time.Second)
		_, err = e.svc.TokenActor(context.Background(), "dbt_nope", "192.0.2.77")
		wantCode(t, err, debrief.EUNAUTHORIZED)
	})
}
