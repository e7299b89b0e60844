package debrief

import (
	"context"
	"time"
)

// Role is what a member may do in a team, least first.
type Role string

const (
	RoleViewer Role = "viewer" // reads the team's incidents
	RoleEditor Role = "editor" // also writes them: timeline, write-up, actions
	RoleAdmin  Role = "admin"  // also manages the team: members, settings
)

// Roles lists the team roles, least first.
var Roles = []Role{RoleViewer, RoleEditor, RoleAdmin}

// Includes reports whether r grants at least what other grants.
func (r Role) Includes(other Role) bool { return r.rank() >= other.rank() }

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// User is someone who signs in to Debrief.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	// OrgAdmin users manage the whole organisation: users, teams, and every
	// incident whatever its team.
	OrgAdmin bool `json:"org_admin"`
	Disabled bool `json:"disabled"`
	// PasswordHash is an encoded hash (bcrypt); empty for users who sign in
	// only through single sign-on. Never serialised.
	PasswordHash string `json:"-"`
	// OIDCSubject is the "iss sub" pair the identity provider vouches for.
	OIDCSubject string `json:"-"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Visibility says who outside an incident's team may see it.
type Visibility string

const (
	VisibleToTeam         Visibility = "team"         // the team's members only
	VisibleToOrganization Visibility = "organization" // every signed-in user
)

// Team owns incidents. Its Slug is what incidents name in their Team field.
type Team struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
	// DefaultVisibility is given to the team's new incidents.
	DefaultVisibility Visibility `json:"default_visibility"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Membership gives a user a role in a team.
type Membership struct {
	TeamID int64 `json:"team_id"`
	UserID int64 `json:"user_id"`
	Role   Role  `json:"role"`
	// Filled on read.
	TeamSlug string `json:"team_slug,omitempty"`
	UserName string `json:"user_name,omitempty"`
}

// Scope limits what an API token may do.
type Scope string

const (
	ScopeRead  Scope = "read"
	ScopeWrite Scope = "read-write"
)

// Actor is who is acting: a signed-in user with their memberships, or the
// system itself (the command line, the demo loader, migrations). Every
// service call finds its actor in the context; a context without one may do
// nothing.
type Actor struct {
	User *User
	// Teams maps team slugs to the user's role in them.
	Teams map[string]Role
	// Scope is ScopeRead for a read-only API token; otherwise ScopeWrite.
	Scope Scope
	// ViaToken is set when the actor came with an API token rather than a
	// browser session: a token may not mint more tokens.
	ViaToken bool
	// System is set for the program's own work, never for a request.
	System bool
	// Address is the client's IP address, for the audit log.
	Address string
}

// SystemActor acts for the program itself (command line, demo, imports run
// by an operator on the server).
var SystemActor = &Actor{System: true, Scope: ScopeWrite}

// Name is how the audit log names the actor.
func (a *Actor) Name() string {
	switch {
	case a == nil:
		return "anonymous"
	case a.System:
		return "system"
	case a.User != nil:
		return a.User.Email
	}
	return "anonymous"
}

// UserID returns the actor's user id, or 0.
func (a *Actor) UserID() int64 {
	if a == nil || a.User == nil {
		return 0
	}
	return a.User.ID
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the context's actor, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}
