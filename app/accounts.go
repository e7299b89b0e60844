package app

// Accounts, sessions, tokens, teams and the audit log.
//
// CONTRACT (written first so the transports can be built in parallel; the
// bodies are filled in by the accounts work). Every method takes the actor
// from ctx like the rest of the service, except where it says it
// authenticates.

import (
	"context"
	"errors"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

var errTODO = errors.New("app: not implemented yet")

// SessionLifetime is how long a browser stays signed in without use.
const SessionLifetime = 12 * time.Hour

// Login checks an email and password and starts a session. It is rate
// limited per account and per address (ETOOMANY), records both success and
// failure in the audit log, and answers EUNAUTHORIZED with one message for
// an unknown email and a wrong password alike. The returned secret is the
// session id for the cookie; only its hash is stored.
func (s *Service) Login(ctx context.Context, email, password, address string) (secret string, sess *debrief.Session, err error) {
	return "", nil, errTODO
}

// StartSession starts a session for a user already authenticated by other
// means (single sign-on, the demo on loopback, the first-admin setup link).
func (s *Service) StartSession(ctx context.Context, userID int64, address string) (secret string, sess *debrief.Session, err error) {
	return "", nil, errTODO
}

// SessionActor returns the actor of a session cookie's secret, and the
// session (for its CSRF token). EUNAUTHORIZED when unknown or expired.
func (s *Service) SessionActor(ctx context.Context, secret, address string) (*debrief.Actor, *debrief.Session, error) {
	return nil, nil, errTODO
}

// Logout ends the session with this secret.
func (s *Service) Logout(ctx context.Context, secret string) error { return errTODO }

// TokenActor returns the actor of an API token's secret: EUNAUTHORIZED when
// unknown, expired or revoked (each with its own message), and records the
// refusal in the audit log.
func (s *Service) TokenActor(ctx context.Context, secret, address string) (*debrief.Actor, error) {
	return nil, errTODO
}

// CreateToken creates an API token for the actor's own user; the secret is
// returned once and never stored.
func (s *Service) CreateToken(ctx context.Context, name string, scope debrief.Scope, expiresAt *time.Time) (secret string, tok *debrief.APIToken, err error) {
	return "", nil, errTODO
}

// FindTokens lists the actor's own tokens.
func (s *Service) FindTokens(ctx context.Context) ([]*debrief.APIToken, error) { return nil, errTODO }

// RevokeToken revokes one of the actor's own tokens.
func (s *Service) RevokeToken(ctx context.Context, id int64) error { return errTODO }

// NeedsSetup reports whether there are no users yet, so the first admin
// must be created. It needs no actor.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) { return false, errTODO }

// SetupToken returns the one-time secret for the first-admin setup link,
// made at start when there are no users; "" once setup is done.
func (s *Service) SetupToken() string { return "" }

// SetupFirstAdmin creates the first organisation admin with the setup
// token; it fails once any user exists.
func (s *Service) SetupFirstAdmin(ctx context.Context, token string, u *debrief.User, password string) error {
	return errTODO
}

// CreateUser creates a user (organisation admins, or the system from the
// command line). An empty password means single sign-on only.
func (s *Service) CreateUser(ctx context.Context, u *debrief.User, password string) error {
	return errTODO
}

// FindUsers lists users (organisation admins; others see only themselves).
func (s *Service) FindUsers(ctx context.Context, f store.UserFilter) ([]*debrief.User, int, error) {
	return nil, 0, errTODO
}

// UserUpdate changes a user; nil fields are left as they are.
type UserUpdate struct {
	Name     *string `json:"name"`
	OrgAdmin *bool   `json:"org_admin"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
	Version  int64   `json:"version"`
}

// UpdateUser changes a user: organisation admins any field, users their own
// name and password. Disabling a user ends their sessions.
func (s *Service) UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*debrief.User, error) {
	return nil, errTODO
}

// OIDCLogin finds or creates the user vouched for by an identity provider
// (matched by subject, then by verified email) and starts a session.
func (s *Service) OIDCLogin(ctx context.Context, subject, email, name, address string) (secret string, sess *debrief.Session, err error) {
	return "", nil, errTODO
}

// Teams: FindTeams lists every team (any signed-in user); CreateTeam needs
// an organisation admin; UpdateTeam and member changes need a team admin.
func (s *Service) FindTeams(ctx context.Context) ([]*debrief.Team, error) { return nil, errTODO }

// FindTeamBySlug returns one team.
func (s *Service) FindTeamBySlug(ctx context.Context, slug string) (*debrief.Team, error) {
	return nil, errTODO
}

// CreateTeam creates a team.
func (s *Service) CreateTeam(ctx context.Context, t *debrief.Team) error { return errTODO }

// TeamUpdate changes a team; nil fields are left as they are.
type TeamUpdate struct {
	Name              *string             `json:"name"`
	DefaultVisibility *debrief.Visibility `json:"default_visibility"`
	Version           int64               `json:"version"`
}

// UpdateTeam changes a team.
func (s *Service) UpdateTeam(ctx context.Context, id int64, upd TeamUpdate) (*debrief.Team, error) {
	return nil, errTODO
}

// FindMembers lists a team's members.
func (s *Service) FindMembers(ctx context.Context, teamID int64) ([]*debrief.Membership, error) {
	return nil, errTODO
}

// SetMember gives a user a role in a team.
func (s *Service) SetMember(ctx context.Context, m *debrief.Membership) error { return errTODO }

// RemoveMember takes a user out of a team.
func (s *Service) RemoveMember(ctx context.Context, teamID, userID int64) error { return errTODO }

// FindAudit returns audit entries: an incident's to those who may see the
// incident, everything to organisation admins.
func (s *Service) FindAudit(ctx context.Context, f debrief.AuditFilter) ([]*debrief.AuditEntry, error) {
	return nil, errTODO
}

// Deny records a refused attempt (bad CSRF token, tampered cookie) made in
// a transport, so that every refusal is visible in the audit log.
func (s *Service) Deny(ctx context.Context, action, detail string) {}
