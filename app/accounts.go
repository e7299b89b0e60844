package app

// Accounts, sessions, tokens, teams and the audit log.
//
// Every method takes the actor from ctx like the rest of the service,
// except where it says it authenticates. Secrets (session ids, API tokens,
// the setup token) are random, shown once, and stored (when at all) as
// their SHA-256; they are looked up by that hash and compared, where they
// are compared, in constant time. Passwords are stored as bcrypt hashes.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// SessionLifetime is how long a browser stays signed in without use.
const SessionLifetime = 12 * time.Hour

// SessionMaxAge is how long a session lasts however much it is used: its
// ExpiresAt, which the store enforces. The sliding SessionLifetime is
// enforced here, from LastSeen (the store's TouchSession moves LastSeen,
// not ExpiresAt).
const SessionMaxAge = 7 * 24 * time.Hour

// Passwords and secrets.
const (
	BcryptCost        = 12
	MinPasswordLength = 12 // characters
	MaxPasswordBytes  = 72 // bcrypt reads no further
	// TokenPrefix starts every API token, so that a token pasted where it
	// should not be is easy to recognise (and to scan for).
	TokenPrefix = "dbr_"
	// touchEvery is how often a session's or token's last use is written.
	touchEvery = time.Minute
)

// dummyHash is compared against when the email is unknown or its user has
// no password, so that a refusal takes as long as for a wrong password and
// its timing does not tell which emails have accounts. It is the cost-12
// bcrypt hash of a random string nobody kept.
const dummyHash = "$2a$12$mOx6AfBULiw3F686RVMYXuCOliJQvM9Ydtp52/wCS6JFovNurahgG"

func errBadLogin() error {
	return debrief.Errorf(debrief.EUNAUTHORIZED, "Wrong email or password.")
}

func errSignIn() error {
	return debrief.Errorf(debrief.EUNAUTHORIZED, "Your session has ended; sign in again.")
}

// newSecret returns 32 random bytes, base64url without padding.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashSecret returns the SHA-256 of a secret, which is what is stored.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func userObject(id int64) object {
	if id == 0 {
		return object{typ: "user"}
	}
	return object{typ: "user", id: idString(id)}
}

// hashPassword checks a new password's length and returns its bcrypt hash.
func hashPassword(password string) (string, error) {
	switch {
	case !utf8.ValidString(password):
		return "", debrief.FieldError("password", "must be valid UTF-8 text.")
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return "", debrief.FieldError("password", "is too short: use at least %d characters.", MinPasswordLength)
	case len(password) > MaxPasswordBytes:
		return "", debrief.FieldError("password", "is too long: at most %d bytes (bcrypt ignores the rest).", MaxPasswordBytes)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// Login checks an email and password and starts a session. It is rate
// limited per account and per address (ETOOMANY), records both success and
// failure in the audit log, and answers EUNAUTHORIZED with one message for
// an unknown email and a wrong password alike. The returned secret is the
// session id for the cookie; only its hash is stored.
func (s *Service) Login(ctx context.Context, email, password, address string) (secret string, sess *debrief.Session, err error) {
	const action = "session.login"
	email = normEmail(email)
	anon := &debrief.Actor{Address: address}
	keys := []limitKey{{"account:" + email, LoginAccountLimit}}
	if address != "" {
		keys = append(keys, limitKey{"address:" + address, LoginAddressLimit})
	}
	at, retry, ok := s.limiter.take(keys)
	if !ok {
		wait := max(retry.Sub(s.now()).Round(time.Minute), time.Minute)
		s.denied(ctx, anon, action, object{typ: "user"}, "rate limited: too many failed sign-ins for this account or address")
		return "", nil, debrief.Errorf(debrief.ETOOMANY,
			"Too many failed sign-ins. Try again after %s UTC (in about %d minutes).",
			retry.UTC().Format("15:04"), int(wait.Minutes()))
	}
	u, err := s.store.FindUserByEmail(ctx, email)
	if err != nil && debrief.ErrorCode(err) != debrief.ENOTFOUND {
		return "", nil, err
	}
	hash := dummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	match := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
	switch {
	case u == nil:
		s.denied(ctx, anon, action, object{typ: "user"}, "unknown email")
		return "", nil, errBadLogin()
	case u.PasswordHash == "":
		s.denied(ctx, anon, action, userObject(u.ID), "password sign-in to an account without a password (single sign-on only)")
		return "", nil, errBadLogin()
	case !match:
		s.denied(ctx, anon, action, userObject(u.ID), "wrong password")
		return "", nil, errBadLogin()
	}
	s.limiter.succeed(keys, at)
	if u.Disabled {
		s.denied(ctx, anon, action, userObject(u.ID), "the account is disabled")
		return "", nil, debrief.Errorf(debrief.EUNAUTHORIZED, "This account is disabled; ask an administrator.")
	}
	return s.startSession(ctx, u, address, "password")
}

// StartSession starts a session for a user already authenticated by other
// means (single sign-on, the demo on loopback, the first-admin setup link).
func (s *Service) StartSession(ctx context.Context, userID int64, address string) (secret string, sess *debrief.Session, err error) {
	u, err := s.store.FindUserByID(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if u.Disabled {
		s.denied(ctx, &debrief.Actor{Address: address}, "session.login", userObject(u.ID), "the account is disabled")
		return "", nil, debrief.Errorf(debrief.EUNAUTHORIZED, "This account is disabled; ask an administrator.")
	}
	return s.startSession(ctx, u, address, "")
}

// startSession makes a new session for u; how says how u authenticated,
// for the audit log.
func (s *Service) startSession(ctx context.Context, u *debrief.User, address, how string) (string, *debrief.Session, error) {
	secret := newSecret()
	now := s.now().UTC()
	sess := &debrief.Session{
		Hash: hashSecret(secret), UserID: u.ID, CSRFToken: newSecret(),
		CreatedAt: now, ExpiresAt: now.Add(SessionMaxAge), LastSeen: now, Address: address,
	}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	e := &debrief.AuditEntry{Action: "session.login", Outcome: debrief.AuditOK, ObjectType: "user", ObjectID: idString(u.ID), After: snapshot(sess)}
	if how != "" {
		e.Detail = "signed in with " + how
	}
	s.append(ctx, &debrief.Actor{User: u, Address: address}, e)
	return secret, sess, nil
}

// SessionActor returns the actor of a session cookie's secret, and the
// session (for its CSRF token). EUNAUTHORIZED when unknown or expired.
// A session stays valid SessionLifetime after its last use (and never
// beyond SessionMaxAge); its use is written at most once a minute.
func (s *Service) SessionActor(ctx context.Context, secret, address string) (*debrief.Actor, *debrief.Session, error) {
	if secret == "" {
		return nil, nil, errSignIn()
	}
	hash := hashSecret(secret)
	sess, err := s.store.FindSession(ctx, hash)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil, nil, errSignIn()
	} else if err != nil {
		return nil, nil, err
	}
	now := s.now()
	if subtle.ConstantTimeCompare(sess.Hash, hash) != 1 || !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeen.Add(SessionLifetime)) {
		return nil, nil, errSignIn()
	}
	u, err := s.store.FindUserByID(ctx, sess.UserID)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil, nil, errSignIn()
	} else if err != nil {
		return nil, nil, err
	}
	if u.Disabled {
		return nil, nil, debrief.Errorf(debrief.EUNAUTHORIZED, "This account is disabled; ask an administrator.")
	}
	a, err := s.actorOf(ctx, u, debrief.ScopeWrite, address)
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(sess.LastSeen) >= touchEvery {
		if err := s.store.TouchSession(ctx, hash, now.UTC()); err != nil {
			s.log.ErrorContext(ctx, "could not record a session's use", "user_id", u.ID, "error", err)
		} else {
			sess.LastSeen = now.UTC()
		}
	}
	return a, sess, nil
}

// actorOf builds the actor of a signed-in user: their teams and roles.
func (s *Service) actorOf(ctx context.Context, u *debrief.User, scope debrief.Scope, address string) (*debrief.Actor, error) {
	ms, err := s.store.FindMemberships(ctx, store.MembershipFilter{UserID: &u.ID})
	if err != nil {
		return nil, err
	}
	teams := make(map[string]debrief.Role, len(ms))
	for _, m := range ms {
		teams[m.TeamSlug] = m.Role
	}
	return &debrief.Actor{User: u, Teams: teams, Scope: scope, Address: address}, nil
}

// Logout ends the session with this secret. Ending a session that has
// already ended is not an error. The address for the audit log comes from
// the actor in ctx, or WithAddress.
func (s *Service) Logout(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	hash := hashSecret(secret)
	sess, err := s.store.FindSession(ctx, hash)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if err := s.store.DeleteSession(ctx, hash); err != nil {
		return err
	}
	a := &debrief.Actor{Address: address(ctx, debrief.ActorFrom(ctx))}
	if u, err := s.store.FindUserByID(ctx, sess.UserID); err == nil {
		a.User = u
	}
	s.changed(ctx, a, "session.logout", userObject(sess.UserID), snapshot(sess), nil)
	return nil
}

// TokenActor returns the actor of an API token's secret: EUNAUTHORIZED when
// unknown, expired or revoked (each with its own message), and records the
// refusal in the audit log. The token's last use is written at most once a
// minute.
func (s *Service) TokenActor(ctx context.Context, secret, address string) (*debrief.Actor, error) {
	const action = "token.authenticate"
	anon := &debrief.Actor{Address: address}
	hash := hashSecret(secret)
	var tok *debrief.APIToken
	var err error
	if strings.HasPrefix(secret, TokenPrefix) {
		tok, err = s.store.FindTokenByHash(ctx, hash)
	}
	if tok == nil || debrief.ErrorCode(err) == debrief.ENOTFOUND || subtle.ConstantTimeCompare(tok.Hash, hash) != 1 {
		if err != nil && debrief.ErrorCode(err) != debrief.ENOTFOUND {
			return nil, err
		}
		s.denied(ctx, anon, action, object{typ: "token"}, "unknown API token")
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "Unknown API token: check that it was copied whole, or create a new one.")
	}
	obj := object{typ: "token", id: idString(tok.ID)}
	now := s.now()
	switch {
	case tok.RevokedAt != nil:
		s.denied(ctx, anon, action, obj, fmt.Sprintf("revoked API token %q (%s…)", tok.Name, tok.Prefix))
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "This API token was revoked on %s; create a new one.", tok.RevokedAt.UTC().Format(time.RFC3339))
	case tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt):
		s.denied(ctx, anon, action, obj, fmt.Sprintf("expired API token %q (%s…)", tok.Name, tok.Prefix))
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "This API token expired on %s; create a new one.", tok.ExpiresAt.UTC().Format(time.RFC3339))
	}
	u, err := s.store.FindUserByID(ctx, tok.UserID)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		s.denied(ctx, anon, action, obj, fmt.Sprintf("API token %q (%s…) of a disabled account", tok.Name, tok.Prefix))
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "The account this API token belongs to is disabled.")
	}
	scope := debrief.ScopeRead
	if tok.Scope == debrief.ScopeWrite {
		scope = debrief.ScopeWrite
	}
	a, err := s.actorOf(ctx, u, scope, address)
	if err != nil {
		return nil, err
	}
	a.ViaToken = true
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) >= touchEvery {
		if err := s.store.TouchToken(ctx, tok.ID, now.UTC()); err != nil {
			s.log.ErrorContext(ctx, "could not record an API token's use", "token_id", tok.ID, "error", err)
		}
	}
	return a, nil
}

// CreateToken creates an API token for the actor's own user; the secret is
// returned once and never stored. The scope is read or read-write; an
// expiry, when given, must be in the future.
func (s *Service) CreateToken(ctx context.Context, name string, scope debrief.Scope, expiresAt *time.Time) (secret string, tok *debrief.APIToken, err error) {
	a, err := actor(ctx)
	if err != nil {
		return "", nil, err
	}
	if err := s.refuse(ctx, a, "token.create", object{typ: "token"}, manageTokens(a, true)); err != nil {
		return "", nil, err
	}
	return s.issueToken(ctx, a, a.User.ID, name, scope, expiresAt)
}

// IssueToken creates an API token for any user. Only the system may: it is
// how an operator at the server bootstraps automation (debrief token
// create), before anyone has a browser session.
func (s *Service) IssueToken(ctx context.Context, userID int64, name string, scope debrief.Scope, expiresAt *time.Time) (secret string, tok *debrief.APIToken, err error) {
	a, err := actor(ctx)
	if err != nil {
		return "", nil, err
	}
	if err := s.refuse(ctx, a, "token.create", object{typ: "token"}, issueTokens(a)); err != nil {
		return "", nil, err
	}
	u, err := s.store.FindUserByID(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if u.Disabled {
		return "", nil, debrief.FieldError("user_id", "%s is disabled.", u.Email)
	}
	return s.issueToken(ctx, a, u.ID, name, scope, expiresAt)
}

func (s *Service) issueToken(ctx context.Context, a *debrief.Actor, userID int64, name string, scope debrief.Scope, expiresAt *time.Time) (string, *debrief.APIToken, error) {
	var c checker
	name = strings.TrimSpace(name)
	c.text("name", name, true, MaxShortText)
	c.oneOf("scope", string(scope), []string{string(debrief.ScopeRead), string(debrief.ScopeWrite)})
	if c.err == nil && expiresAt != nil && !expiresAt.After(s.now()) {
		c.fail("expires_at", "must be in the future.")
	}
	if c.err != nil {
		return "", nil, c.err
	}
	secret := TokenPrefix + newSecret()
	tok := &debrief.APIToken{
		UserID: userID, Name: name, Scope: scope,
		Prefix: secret[len(TokenPrefix) : len(TokenPrefix)+8],
		Hash:   hashSecret(secret),
	}
	if expiresAt != nil {
		t := expiresAt.UTC()
		tok.ExpiresAt = &t
	}
	if err := s.store.CreateToken(ctx, tok); err != nil {
		return "", nil, err
	}
	s.changed(ctx, a, "token.create", object{typ: "token", id: idString(tok.ID)}, nil, tok)
	return secret, tok, nil
}

// FindTokens lists the actor's own tokens, newest first.
func (s *Service) FindTokens(ctx context.Context) ([]*debrief.APIToken, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := manageTokens(a, false); err != nil {
		return nil, err
	}
	return s.store.FindTokens(ctx, a.User.ID)
}

// RevokeToken revokes one of the actor's own tokens.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	obj := object{typ: "token", id: idString(id)}
	if err := s.refuse(ctx, a, "token.revoke", obj, manageTokens(a, true)); err != nil {
		return err
	}
	before, err := s.findToken(ctx, a.User.ID, id)
	if err != nil {
		return err
	}
	if err := s.store.RevokeToken(ctx, a.User.ID, id); err != nil {
		return err
	}
	after, err := s.findToken(ctx, a.User.ID, id)
	if err != nil {
		return err
	}
	s.changed(ctx, a, "token.revoke", obj, snapshot(before), after)
	return nil
}

func (s *Service) findToken(ctx context.Context, userID, id int64) (*debrief.APIToken, error) {
	toks, err := s.store.FindTokens(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, t := range toks {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, debrief.Errorf(debrief.ENOTFOUND, "API token %d not found.", id)
}

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
	if upd.Password != nil && id == a.UserID() && !isAdmin(a) {
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

// Teams: FindTeams lists every team (any signed-in user); CreateTeam needs
// an organisation admin; UpdateTeam and member changes need a team admin.
func (s *Service) FindTeams(ctx context.Context) ([]*debrief.Team, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return s.store.FindTeams(ctx)
}

// FindTeamBySlug returns one team.
func (s *Service) FindTeamBySlug(ctx context.Context, slug string) (*debrief.Team, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return s.store.FindTeamBySlug(ctx, slug)
}

func teamObject(id int64) object {
	if id == 0 {
		return object{typ: "team"}
	}
	return object{typ: "team", id: idString(id)}
}

func validateTeam(t *debrief.Team) error {
	var c checker
	t.Name = strings.TrimSpace(t.Name)
	c.text("name", t.Name, true, MaxTitle)
	c.text("slug", t.Slug, true, MaxShortText)
	if c.err == nil && debrief.Slug(t.Slug, MaxShortText) != t.Slug {
		c.fail("slug", "may hold lower-case letters, digits and single '-' only (got %q).", t.Slug)
	}
	c.oneOf("default_visibility", string(t.DefaultVisibility), []string{string(debrief.VisibleToTeam), string(debrief.VisibleToOrganization)})
	return c.err
}

// CreateTeam creates a team. The slug defaults to one made from the name;
// the default visibility of its incidents to the team only.
func (s *Service) CreateTeam(ctx context.Context, t *debrief.Team) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.refuse(ctx, a, "team.create", teamObject(0), manageOrganization(a)); err != nil {
		return err
	}
	t.Slug = strings.TrimSpace(t.Slug)
	if t.Slug == "" {
		t.Slug = debrief.Slug(t.Name, 60)
	}
	if t.DefaultVisibility == "" {
		t.DefaultVisibility = debrief.VisibleToTeam
	}
	if err := validateTeam(t); err != nil {
		return err
	}
	if err := s.store.CreateTeam(ctx, t); err != nil {
		return err
	}
	s.changed(ctx, a, "team.create", teamObject(t.ID), nil, t)
	return nil
}

// TeamUpdate changes a team; nil fields are left as they are.
type TeamUpdate struct {
	Name              *string             `json:"name"`
	DefaultVisibility *debrief.Visibility `json:"default_visibility"`
	Version           int64               `json:"version"`
}

// UpdateTeam changes a team.
func (s *Service) UpdateTeam(ctx context.Context, id int64, upd TeamUpdate) (*debrief.Team, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.store.FindTeamByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.refuse(ctx, a, "team.update", teamObject(id), manageTeam(a, t)); err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	before := snapshot(t)
	setString(&t.Name, upd.Name)
	if upd.DefaultVisibility != nil {
		t.DefaultVisibility = *upd.DefaultVisibility
	}
	if err := validateTeam(t); err != nil {
		return nil, err
	}
	t.Version = upd.Version
	if err := s.store.UpdateTeam(ctx, t); err != nil {
		return nil, err
	}
	s.changed(ctx, a, "team.update", teamObject(id), before, t)
	return t, nil
}

// FindMembers lists a team's members, to any signed-in actor (like the
// people directory).
func (s *Service) FindMembers(ctx context.Context, teamID int64) ([]*debrief.Membership, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	if _, err := s.store.FindTeamByID(ctx, teamID); err != nil {
		return nil, err
	}
	return s.store.FindMemberships(ctx, store.MembershipFilter{TeamID: &teamID})
}

func membershipObject(teamID, userID int64) object {
	return object{typ: "membership", id: fmt.Sprintf("%d/%d", teamID, userID)}
}

// member returns the team's memberships and userID's among them (nil when
// not a member).
func (s *Service) member(ctx context.Context, teamID, userID int64) ([]*debrief.Membership, *debrief.Membership, error) {
	ms, err := s.store.FindMemberships(ctx, store.MembershipFilter{TeamID: &teamID})
	if err != nil {
		return nil, nil, err
	}
	for _, m := range ms {
		if m.UserID == userID {
			return ms, m, nil
		}
	}
	return ms, nil, nil
}

// lastAdmin refuses to leave a team without an admin: it is called when
// cur is about to stop being one.
func lastAdmin(ms []*debrief.Membership, cur *debrief.Membership, team *debrief.Team) error {
	if cur == nil || cur.Role != debrief.RoleAdmin {
		return nil
	}
	admins := 0
	for _, m := range ms {
		if m.Role == debrief.RoleAdmin {
			admins++
		}
	}
	if admins <= 1 {
		return debrief.FieldError("role", "%s is the last admin of team %q: make someone else admin first.", cur.UserName, team.Slug)
	}
	return nil
}

// SetMember gives a user a role in a team.
func (s *Service) SetMember(ctx context.Context, m *debrief.Membership) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	team, err := s.store.FindTeamByID(ctx, m.TeamID)
	if err != nil {
		return err
	}
	obj := membershipObject(m.TeamID, m.UserID)
	if err := s.refuse(ctx, a, "membership.set", obj, manageTeam(a, team)); err != nil {
		return err
	}
	var c checker
	c.oneOf("role", string(m.Role), statusStrings(debrief.Roles))
	if c.err != nil {
		return c.err
	}
	u, err := s.store.FindUserByID(ctx, m.UserID)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return debrief.FieldError("user_id", "no user with id %d.", m.UserID)
	} else if err != nil {
		return err
	}
	ms, cur, err := s.member(ctx, m.TeamID, m.UserID)
	if err != nil {
		return err
	}
	if m.Role != debrief.RoleAdmin {
		if err := lastAdmin(ms, cur, team); err != nil {
			return err
		}
	}
	if err := s.store.SetMembership(ctx, m); err != nil {
		return err
	}
	m.TeamSlug, m.UserName = team.Slug, u.Name
	action, before := "membership.create", snapshot(nil)
	if cur != nil {
		action, before = "membership.update", snapshot(cur)
	}
	s.changed(ctx, a, action, obj, before, m)
	return nil
}

// RemoveMember takes a user out of a team.
func (s *Service) RemoveMember(ctx context.Context, teamID, userID int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	team, err := s.store.FindTeamByID(ctx, teamID)
	if err != nil {
		return err
	}
	obj := membershipObject(teamID, userID)
	if err := s.refuse(ctx, a, "membership.delete", obj, manageTeam(a, team)); err != nil {
		return err
	}
	ms, cur, err := s.member(ctx, teamID, userID)
	if err != nil {
		return err
	}
	if cur == nil {
		return debrief.Errorf(debrief.ENOTFOUND, "User %d is not a member of team %q.", userID, team.Slug)
	}
	if err := lastAdmin(ms, cur, team); err != nil {
		return err
	}
	if err := s.store.DeleteMembership(ctx, teamID, userID); err != nil {
		return err
	}
	s.changed(ctx, a, "membership.delete", obj, snapshot(cur), nil)
	return nil
}

// FindAudit returns audit entries: an incident's to those who may see the
// incident, everything to organisation admins (and the system). Someone
// who may see the incident but not its restricted write-up gets the
// write-up's entries (events, sections, actions, the retrospective)
// without their before and after, which would show the text.
func (s *Service) FindAudit(ctx context.Context, f debrief.AuditFilter) ([]*debrief.AuditEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkPage(0, f.Limit); err != nil {
		return nil, err
	}
	if isAdmin(a) {
		return s.store.FindAudit(ctx, f)
	}
	if f.IncidentID == nil {
		return nil, debrief.Errorf(debrief.EFORBIDDEN, "Only organisation admins can read the whole audit log; an incident's is on the incident.")
	}
	inc, err := s.incident(ctx, a, *f.IncidentID)
	if err != nil {
		return nil, err
	}
	r, err := s.store.FindRetrospective(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	entries, err := s.store.FindAudit(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		// Where people connect from is for organisation admins only.
		e.Address = ""
	}
	if !canSeeRetrospective(a, inc, r) {
		for _, e := range entries {
			switch e.ObjectType {
			case "event", "section", "action", "retrospective":
				e.Before, e.After = nil, nil
			}
		}
	}
	return entries, nil
}
