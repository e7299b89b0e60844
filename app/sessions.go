package app

// Signing in: passwords, sessions and the actor of a request.
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
	keys := []store.AttemptLimit{{Key: "account:" + email, Limit: LoginAccountLimit}}
	if address != "" {
		keys = append(keys, store.AttemptLimit{Key: "address:" + address, Limit: LoginAddressLimit})
	}
	at, retry, ok, err := s.takeAttempts(ctx, keys)
	if err != nil {
		return "", nil, err
	}
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
	if err := s.succeeded(ctx, keys, at); err != nil {
		return "", nil, err
	}
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
