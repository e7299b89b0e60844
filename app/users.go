package app

// Accounts: the first admin, users and their passwords, single sign-on.

import (
	"context"
	"crypto/subtle"
	"net/mail"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// NeedsSetup reports whether there are no users yet, so the first admin
// must be created. It needs no actor. While there are none it makes sure
// there is a setup token; once there are, it drops it.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	_, total, err := s.store.FindUsers(ctx, store.UserFilter{Limit: 1})
	if err != nil {
		return false, err
	}
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if total > 0 {
		s.setupToken = ""
		return false, nil
	}
	if s.setupToken == "" {
		s.setupToken = newSecret()
	}
	return true, nil
}

// SetupToken returns the one-time secret for the first-admin setup link,
// made at start when there are no users; "" once setup is done.
func (s *Service) SetupToken() string {
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	return s.setupToken
}

// endSetup drops the setup token: a user exists.
func (s *Service) endSetup() {
	s.setupMu.Lock()
	s.setupToken = ""
	s.setupMu.Unlock()
}

// SetupFirstAdmin creates the first organisation admin with the setup
// token; it fails once any user exists. The token is used up when the
// admin is created; a refused password leaves it for another try.
func (s *Service) SetupFirstAdmin(ctx context.Context, token string, u *debrief.User, password string) error {
	const action = "user.setup"
	anon := &debrief.Actor{Address: address(ctx, debrief.ActorFrom(ctx))}
	// Holding the lock through the creation makes the token single use
	// within this instance; across instances, the check for users below
	// does (each instance prints its own token).
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if s.setupToken == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.setupToken)) != 1 {
		s.denied(ctx, anon, action, userObject(0), "wrong or used setup token")
		return debrief.Errorf(debrief.EUNAUTHORIZED, "This setup link is not valid (it works once, and only until the first user exists).")
	}
	if _, total, err := s.store.FindUsers(ctx, store.UserFilter{Limit: 1}); err != nil {
		return err
	} else if total > 0 {
		s.setupToken = ""
		return debrief.Errorf(debrief.ECONFLICT, "Debrief is already set up: sign in instead.")
	}
	if password == "" {
		return debrief.FieldError("password", "is required for the first admin.")
	}
	u.OrgAdmin, u.Disabled, u.OIDCSubject = true, false, ""
	if err := s.prepareUser(u, password); err != nil {
		return err
	}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return err
	}
	s.setupToken = ""
	s.changed(ctx, &debrief.Actor{User: u, Address: anon.Address}, action, userObject(u.ID), nil, u)
	return nil
}

// prepareUser normalises and checks a new user, and hashes their password
// when there is one.
func (s *Service) prepareUser(u *debrief.User, password string) error {
	u.Email = normEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	var c checker
	c.text("email", u.Email, true, MaxTitle)
	if c.err == nil {
		if addr, err := mail.ParseAddress(u.Email); err != nil || addr.Address != u.Email {
			c.fail("email", "is not an e-mail address (got %q).", u.Email)
		}
	}
	c.text("name", u.Name, true, MaxTitle)
	if c.err != nil {
		return c.err
	}
	u.PasswordHash = ""
	if password != "" {
		h, err := hashPassword(password)
		if err != nil {
			return err
		}
		u.PasswordHash = h
	}
	return nil
}

// CreateUser creates a user (organisation admins, or the system from the
// command line). An empty password means single sign-on only.
func (s *Service) CreateUser(ctx context.Context, u *debrief.User, password string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.refuse(ctx, a, "user.create", userObject(0), manageOrganization(a)); err != nil {
		return err
	}
	if err := s.prepareUser(u, password); err != nil {
		return err
	}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return err
	}
	s.endSetup()
	s.changed(ctx, a, "user.create", userObject(u.ID), nil, u)
	return nil
}

// FindUsers lists users (organisation admins; others see only themselves).
func (s *Service) FindUsers(ctx context.Context, f store.UserFilter) ([]*debrief.User, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := checkPage(f.Offset, f.Limit); err != nil {
		return nil, 0, err
	}
	if listUsers(a) {
		return s.store.FindUsers(ctx, f)
	}
	u := a.User
	if q := f.Query; q != nil {
		want := strings.ToLower(*q)
		if !strings.Contains(strings.ToLower(u.Name), want) && !strings.Contains(strings.ToLower(u.Email), want) {
			return []*debrief.User{}, 0, nil
		}
	}
	if f.Offset > 0 {
		return []*debrief.User{}, 1, nil
	}
	return []*debrief.User{u}, 1, nil
}

// UserUpdate changes a user; nil fields are left as they are.
type UserUpdate struct {
	Name     *string `json:"name"`
	OrgAdmin *bool   `json:"org_admin"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
	// CurrentPassword must accompany a change of one's own password, so
	// that a session left open on someone's desk cannot take the account.
	CurrentPassword *string `json:"current_password"`
	Version         int64   `json:"version"`
}

// UpdateUser changes a user: organisation admins any field, users their own
// name and password (with their current one). Disabling a user ends their
// sessions, and so does any change of password. The last active organisation
// admin cannot be demoted or disabled.
func (s *Service) UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*debrief.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	const action = "user.update"
	decision := canWrite(a)
	if id != a.UserID() || upd.OrgAdmin != nil || upd.Disabled != nil {
		decision = manageOrganization(a)
	}
	if err := s.refuse(ctx, a, action, userObject(id), decision); err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	u, err := s.store.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	before := snapshot(u)
	wasAdmin := u.OrgAdmin && !u.Disabled
	if upd.Name != nil {
		u.Name = strings.TrimSpace(*upd.Name)
		var c checker
		c.text("name", u.Name, true, MaxTitle)
		if c.err != nil {
			return nil, c.err
		}
	}
	if upd.OrgAdmin != nil {
		u.OrgAdmin = *upd.OrgAdmin
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	if wasAdmin && !(u.OrgAdmin && !u.Disabled) {
		n, err := s.activeAdmins(ctx)
		if err != nil {
			return nil, err
		}
		if n <= 1 {
			field := "org_admin"
			if u.Disabled {
				field = "disabled"
			}
			return nil, debrief.FieldError(field, "%s is the last active organisation admin: make someone else admin first.", u.Email)
		}
	}
	if upd.Password != nil && id == a.UserID() && !a.System {
		cur := ""
		if upd.CurrentPassword != nil {
			cur = *upd.CurrentPassword
		}
		if u.PasswordHash == "" || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(cur)) != nil {
			s.denied(ctx, a, action, userObject(id), "password change with a wrong current password")
			return nil, forbidden("current_password", "Give your current password to set a new one.")
		}
	}
	if upd.Password != nil {
		h, err := hashPassword(*upd.Password)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = h
	}
	u.Version = upd.Version
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	// A new password ends every session of the user, their own included:
	// whoever knew the old one is signed out.
	if u.Disabled || upd.Password != nil {
		if err := s.store.DeleteUserSessions(ctx, id); err != nil {
			return nil, err
		}
	}
	s.changed(ctx, a, action, userObject(id), before, u)
	return u, nil
}

// activeAdmins counts the organisation admins who are not disabled.
func (s *Service) activeAdmins(ctx context.Context) (int, error) {
	users, err := findAll(func(offset int) ([]*debrief.User, int, error) {
		return s.store.FindUsers(ctx, store.UserFilter{Offset: offset, Limit: store.MaxLimit})
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range users {
		if u.OrgAdmin && !u.Disabled {
			n++
		}
	}
	return n, nil
}

// OIDCLogin finds or creates the user vouched for by an identity provider
// (matched by subject, then by verified email) and starts a session. It
// takes the email as unverified: an account with that email is not linked
// (see OIDCLoginVerified).
func (s *Service) OIDCLogin(ctx context.Context, subject, email, name, address string) (secret string, sess *debrief.Session, err error) {
	return s.OIDCLoginVerified(ctx, subject, email, false, name, address)
}

// OIDCLoginVerified is OIDCLogin with the provider's email_verified claim.
// The user is found by subject (the "iss sub" pair); else, when the
// provider says the email is verified, the user with that email is linked
// to the subject; else a user is created without a password. Nobody
// becomes an organisation admin this way, and no user is created before
// the first admin has been set up.
func (s *Service) OIDCLoginVerified(ctx context.Context, subject, email string, emailVerified bool, name, address string) (string, *debrief.Session, error) {
	const action = "session.login"
	anon := &debrief.Actor{Address: address}
	subject = strings.TrimSpace(subject)
	email = normEmail(email)
	if subject == "" {
		s.denied(ctx, anon, action, userObject(0), "single sign-on without a subject")
		return "", nil, debrief.Errorf(debrief.EUNAUTHORIZED, "The identity provider did not say who you are.")
	}
	u, err := s.store.FindUserByOIDCSubject(ctx, subject)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		u, err = s.oidcUser(ctx, subject, email, emailVerified, name, address)
	}
	if err != nil {
		return "", nil, err
	}
	if u.Disabled {
		s.denied(ctx, anon, action, userObject(u.ID), "single sign-on to a disabled account")
		return "", nil, debrief.Errorf(debrief.EUNAUTHORIZED, "This account is disabled; ask an administrator.")
	}
	return s.startSession(ctx, u, address, "single sign-on")
}

// oidcUser links or creates the user for a subject seen for the first time.
func (s *Service) oidcUser(ctx context.Context, subject, email string, emailVerified bool, name, address string) (*debrief.User, error) {
	anon := &debrief.Actor{Address: address}
	if email == "" {
		s.denied(ctx, anon, "session.login", userObject(0), "single sign-on without an email address")
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "The identity provider did not give an email address.")
	}
	existing, err := s.store.FindUserByEmail(ctx, email)
	switch {
	case err == nil && emailVerified && existing.OIDCSubject == "":
		before := snapshot(existing)
		existing.OIDCSubject = subject
		if err := s.store.UpdateUser(ctx, existing); err != nil {
			return nil, err
		}
		s.append(ctx, &debrief.Actor{User: existing, Address: address}, &debrief.AuditEntry{
			Action: "user.link_oidc", Outcome: debrief.AuditOK, ObjectType: "user", ObjectID: idString(existing.ID),
			Before: before, After: snapshot(existing), Detail: "linked to a single sign-on identity by verified email",
		})
		return existing, nil
	case err == nil:
		s.denied(ctx, anon, "session.login", userObject(existing.ID), "single sign-on with the email of an account it is not linked to (email not verified, or the account is linked to another identity)")
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "An account with the email %s exists but is not linked to this sign-on; ask an administrator.", email)
	case debrief.ErrorCode(err) != debrief.ENOTFOUND:
		return nil, err
	}
	if setup, err := s.NeedsSetup(ctx); err != nil {
		return nil, err
	} else if setup {
		s.denied(ctx, anon, "session.login", userObject(0), "single sign-on before the first admin was set up")
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "Debrief is not set up yet: the first admin must be created with the setup link first.")
	}
	u := &debrief.User{Email: email, Name: strings.TrimSpace(name), OIDCSubject: subject}
	if u.Name == "" {
		u.Name = email
	}
	if err := s.prepareUser(u, ""); err != nil {
		return nil, err
	}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	s.append(ctx, &debrief.Actor{User: u, Address: address}, &debrief.AuditEntry{
		Action: "user.create", Outcome: debrief.AuditOK, ObjectType: "user", ObjectID: idString(u.ID),
		After: snapshot(u), Detail: "created at first single sign-on",
	})
	return u, nil
}
