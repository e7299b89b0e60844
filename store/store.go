// Package store defines what the rules layer needs from a database, in terms
// of the domain types, so that every engine offers the same behaviour. The
// engines live in subpackages (sqlite, postgres); storetest is the one
// conformance suite they all pass.
//
// The store persists and enforces integrity (existence, optimistic versions,
// uniqueness); it does not validate business rules, which live in app.
package store

import (
	"context"
	"time"

	"github.com/debrief-oss/debrief"
)

// Store is a database holding Debrief's data.
//
// Versions: every Create sets Version to 1. Every Update writes the whole
// object only if the stored version equals obj.Version, then sets obj.Version
// to the new stored version (old+1). When the row exists with another version
// the update fails with debrief.ECONFLICT and writes nothing; when it does not
// exist, debrief.ENOTFOUND. Find* of a missing row returns ENOTFOUND.
//
// Timestamps: CreatedAt/UpdatedAt are set by the store from Now(); all times
// come back in UTC with microsecond precision.
//
// Lists: Find* return one page (Offset, Limit; Limit 0 means the store's
// default of 100, capped at 1000) and the total count matching the filter.
type Store interface {
	// Incidents. FindIncidents honours f.Visible when set: only incidents
	// whose team is listed, or whose visibility is "organization".
	// Incident.Visibility and Retrospective.Restricted/Readers are stored
	// like every other field. CreateIncident stores the incident and its retrospective
	// (with its sections) in one transaction; it sets IDs and versions on
	// both. Reads fill Commander and Responders[].Person.
	CreateIncident(ctx context.Context, inc *debrief.Incident, retro *debrief.Retrospective) error
	FindIncidentByID(ctx context.Context, id int64) (*debrief.Incident, error)
	FindIncidents(ctx context.Context, f debrief.IncidentFilter) ([]*debrief.Incident, int, error)
	UpdateIncident(ctx context.Context, inc *debrief.Incident) error
	// DeleteIncident removes the incident with its events, retrospective,
	// sections and actions.
	DeleteIncident(ctx context.Context, id int64) error

	// Timeline events, always listed in time order (at, then id).
	// CreateEvents stores many events in one transaction: all or none.
	CreateEvent(ctx context.Context, ev *debrief.Event) error
	CreateEvents(ctx context.Context, evs []*debrief.Event) error
	FindEventByID(ctx context.Context, incidentID, id int64) (*debrief.Event, error)
	FindEvents(ctx context.Context, f debrief.EventFilter) ([]*debrief.Event, int, error)
	UpdateEvent(ctx context.Context, ev *debrief.Event) error
	DeleteEvent(ctx context.Context, incidentID, id int64) error
	// FindAllEvents returns every event of the incident, hidden ones too,
	// in time order. ImportEvents writes the new events and the merged
	// references (Refs) of updated ones, each at its version, in one
	// transaction: all or none. Two events of an incident may not share a
	// non-empty OriginalID within a Source (ECONFLICT).
	FindAllEvents(ctx context.Context, incidentID int64) ([]*debrief.Event, error)
	ImportEvents(ctx context.Context, creates, updates []*debrief.Event) error
	// FindTimelineState returns the incident's timeline sign-off (not
	// confirmed when never set); SetTimelineState stores it.
	FindTimelineState(ctx context.Context, incidentID int64) (*debrief.TimelineState, error)
	SetTimelineState(ctx context.Context, st *debrief.TimelineState) error

	// Retrospectives and their sections, sections in Position order.
	// FindRetrospective fills Writer and Sections.
	FindRetrospective(ctx context.Context, incidentID int64) (*debrief.Retrospective, error)
	UpdateRetrospective(ctx context.Context, r *debrief.Retrospective) error
	FindSection(ctx context.Context, incidentID int64, key string) (*debrief.Section, error)
	// CreateSection appends a section (Position = last + 1); a duplicate key
	// is debrief.ECONFLICT.
	CreateSection(ctx context.Context, incidentID int64, s *debrief.Section) error
	UpdateSection(ctx context.Context, incidentID int64, s *debrief.Section) error
	DeleteSection(ctx context.Context, incidentID int64, key string) error

	// Action items, listed by incident then id. Reads fill Owner.
	CreateAction(ctx context.Context, a *debrief.Action) error
	FindActionByID(ctx context.Context, incidentID, id int64) (*debrief.Action, error)
	FindActions(ctx context.Context, f debrief.ActionFilter) ([]*debrief.Action, int, error)
	UpdateAction(ctx context.Context, a *debrief.Action) error
	DeleteAction(ctx context.Context, incidentID, id int64) error

	// Rate limits shared by every instance (sign-in attempts, unknown
	// API tokens). TakeAttempts charges now to every key unless one is at
	// its limit within window, and then returns the time it frees up
	// (zero when charged). ReturnAttempt gives back the charge made at at,
	// or every charge of key when at is zero.
	TakeAttempts(ctx context.Context, keys []AttemptLimit, now time.Time, window time.Duration) (retry time.Time, err error)
	ReturnAttempt(ctx context.Context, key string, at time.Time) error

	// Templates and the rules that choose them. Template versions are
	// never changed once written; a new version of a name is numbered
	// after the last (after 1 for a built-in's name in the organisation).
	debrief.TemplateService
	// The analysis of an incident (see analysis.go and docs/analysis.md).
	// Items are listed in AnalysisKinds order then number, with Evidence
	// (event ids, ascending) and ActionIDs (ascending) filled.
	// CreateAnalysisItem gives the item the next ref of its kind, never one
	// used before in the incident; an item that comes with a Ref (an
	// import) keeps it (ECONFLICT when taken) and later refs come after it. Create and Update check, in the writing
	// transaction, that every ref the item names is an item of the right
	// kind in the incident (controller and process: components; control: a
	// control; parent: a why), that evidence events belong to the incident
	// and that a why's parents never lead back to it; a failed check is
	// EINVALID naming the field. DeleteAnalysisItem is ECONFLICT, listing
	// them, while other items name the item, or while action items address
	// it and unlink is false; with unlink, those links go with it.
	FindAnalysisItems(ctx context.Context, incidentID int64) ([]*debrief.AnalysisItem, error)
	FindAnalysisItem(ctx context.Context, incidentID int64, ref string) (*debrief.AnalysisItem, error)
	CreateAnalysisItem(ctx context.Context, it *debrief.AnalysisItem) error
	UpdateAnalysisItem(ctx context.Context, it *debrief.AnalysisItem) error
	DeleteAnalysisItem(ctx context.Context, incidentID int64, ref string, unlink bool) error
	// SetActionLinks replaces the items an action addresses (EINVALID
	// "addresses" for a ref that is no item of the action's incident);
	// FindActionLinks returns, per action of the incident that has any, the
	// refs it addresses in kind order then number.
	SetActionLinks(ctx context.Context, incidentID, actionID int64, refs []string) error
	FindActionLinks(ctx context.Context, incidentID int64) (map[int64][]string, error)
	// FindActionAddresses is FindActionLinks for the given actions, of any
	// incidents.
	FindActionAddresses(ctx context.Context, actionIDs []int64) (map[int64][]string, error)
	// CountActionsByIncident counts each incident's action items (done,
	// dropped, all) in one query; with visible, the incidents whose items
	// the reader may not read are left out.
	CountActionsByIncident(ctx context.Context, incidentIDs []int64, visible *debrief.ActionVisibility) (map[int64]debrief.ActionCounts, error)
	// FindTrace returns the incident's items with neither an action nor a
	// "no action" decision, and its actions that address nothing.
	FindTrace(ctx context.Context, incidentID int64) (*debrief.Trace, error)
	// Fishbone categories of a team, in order; nil when it has set none.
	FindFishboneCategories(ctx context.Context, teamID int64) ([]string, error)
	SetFishboneCategories(ctx context.Context, teamID int64, names []string) error
	// A team's catalogue of safety controls, listed by name. A duplicate
	// name in a team (ignoring case) is ECONFLICT, Field "name". Deleting an
	// entry unlinks the controls that named it. FindCatalogControlUses lists
	// the incidents whose controls name the entry, newest first, with the
	// failures of those controls.
	CreateCatalogControl(ctx context.Context, c *debrief.CatalogControl) error
	FindCatalogControlByID(ctx context.Context, id int64) (*debrief.CatalogControl, error)
	FindCatalogControls(ctx context.Context, teamID int64) ([]*debrief.CatalogControl, error)
	UpdateCatalogControl(ctx context.Context, c *debrief.CatalogControl) error
	DeleteCatalogControl(ctx context.Context, id int64) error
	FindCatalogControlUses(ctx context.Context, id int64) ([]*debrief.CatalogControlUse, error)
	// Follow-through of action items. CreateActionLogged and
	// UpdateActionLogged are CreateAction and UpdateAction that, when ch is
	// not nil, append ch (ActionID, IncidentID and, when zero, At filled)
	// to the item's history in the same transaction. FindActionHistory
	// lists it oldest first. LinkAction links an action item from another
	// incident's retrospective (twice is once; a missing incident or
	// action is ENOTFOUND); reads fill LinkedIncidentIDs in incident order.
	CreateActionLogged(ctx context.Context, a *debrief.Action, ch *debrief.ActionChange) error
	UpdateActionLogged(ctx context.Context, a *debrief.Action, ch *debrief.ActionChange) error
	FindActionHistory(ctx context.Context, incidentID, id int64) ([]*debrief.ActionChange, error)
	// FindActionStatusMoves lists the history entries of the items ids
	// whose status changed (creations included), by item, oldest first.
	FindActionStatusMoves(ctx context.Context, ids []int64) ([]*debrief.ActionChange, error)
	LinkAction(ctx context.Context, incidentID, id int64) error
	UnlinkAction(ctx context.Context, incidentID, id int64) error

	// People. A duplicate handle (case-insensitive, when not empty) is
	// debrief.ECONFLICT. Deleting a person referenced as commander, responder,
	// writer or owner clears those references.
	CreatePerson(ctx context.Context, p *debrief.Person) error
	FindPersonByID(ctx context.Context, id int64) (*debrief.Person, error)
	FindPeople(ctx context.Context, f debrief.PersonFilter) ([]*debrief.Person, int, error)
	UpdatePerson(ctx context.Context, p *debrief.Person) error
	DeletePerson(ctx context.Context, id int64) error

	// Users. Email is unique ignoring case (ECONFLICT, Field "email");
	// OIDCSubject is unique when not empty. FindUserByEmail and
	// FindUserByOIDCSubject return ENOTFOUND when there is none.
	CreateUser(ctx context.Context, u *debrief.User) error
	FindUserByID(ctx context.Context, id int64) (*debrief.User, error)
	FindUserByEmail(ctx context.Context, email string) (*debrief.User, error)
	FindUserByOIDCSubject(ctx context.Context, subject string) (*debrief.User, error)
	FindUsers(ctx context.Context, f UserFilter) ([]*debrief.User, int, error)
	UpdateUser(ctx context.Context, u *debrief.User) error

	// Teams. Slug is unique (ECONFLICT, Field "slug"). DeleteTeam of a team
	// that still owns incidents is ECONFLICT; its memberships go with it.
	CreateTeam(ctx context.Context, t *debrief.Team) error
	FindTeamByID(ctx context.Context, id int64) (*debrief.Team, error)
	FindTeamBySlug(ctx context.Context, slug string) (*debrief.Team, error)
	FindTeams(ctx context.Context) ([]*debrief.Team, error) // by name
	UpdateTeam(ctx context.Context, t *debrief.Team) error
	DeleteTeam(ctx context.Context, id int64) error

	// Memberships: SetMembership creates or changes a user's role in a
	// team; FindMemberships fills TeamSlug and UserName, ordered by team
	// slug then user name.
	SetMembership(ctx context.Context, m *debrief.Membership) error
	DeleteMembership(ctx context.Context, teamID, userID int64) error
	FindMemberships(ctx context.Context, f MembershipFilter) ([]*debrief.Membership, error)

	// Sessions, found by the hash of their id. FindSession returns
	// ENOTFOUND for an unknown or expired one (expired at Now()).
	CreateSession(ctx context.Context, s *debrief.Session) error
	FindSession(ctx context.Context, hash []byte) (*debrief.Session, error)
	TouchSession(ctx context.Context, hash []byte, lastSeen time.Time) error
	DeleteSession(ctx context.Context, hash []byte) error
	DeleteUserSessions(ctx context.Context, userID int64) error
	DeleteExpiredSessions(ctx context.Context) (int, error)

	// API tokens, found by the hash of their secret (ENOTFOUND when
	// unknown; expired and revoked ones are returned, for the caller to
	// refuse with a clear message). FindTokens lists a user's tokens, newest
	// first. RevokeToken sets RevokedAt on a token of that user (ENOTFOUND
	// otherwise); revoking twice keeps the first time.
	CreateToken(ctx context.Context, t *debrief.APIToken) error
	FindTokenByHash(ctx context.Context, hash []byte) (*debrief.APIToken, error)
	FindTokens(ctx context.Context, userID int64) ([]*debrief.APIToken, error)
	RevokeToken(ctx context.Context, userID, id int64) error
	TouchToken(ctx context.Context, id int64, at time.Time) error

	// The audit log: append only, no update, no delete. AppendAudit sets ID
	// and, when zero, At. FindAudit returns entries newest first, or oldest
	// first with f.Oldest; AfterID keeps entries with larger ids (for
	// exporting in pages).
	AppendAudit(ctx context.Context, e *debrief.AuditEntry) error
	FindAudit(ctx context.Context, f debrief.AuditFilter) ([]*debrief.AuditEntry, error)

	// Background jobs (package jobs). EnqueueJob adds j unless a job with
	// its Key exists (false then): whichever instance enqueues first wins,
	// so a scheduled piece of work is queued once. ClaimJob takes the next
	// job due at now (queued with RunAt <= now, or running with its lease
	// expired) for worker until now+lease, or returns nil: two workers
	// never hold the same job (SELECT ... FOR UPDATE SKIP LOCKED on
	// PostgreSQL, the write lock on SQLite). FinishJob ends worker's hold
	// on job id: done, failed for good, or queued again at retryAt with
	// errText; ENOTFOUND when worker does not hold it (its lease expired
	// and another took it).
	EnqueueJob(ctx context.Context, j *Job) (bool, error)
	ClaimJob(ctx context.Context, worker string, now time.Time, lease time.Duration) (*Job, error)
	FinishJob(ctx context.Context, id int64, worker string, state JobState, errText string, retryAt time.Time) error
	FindJobs(ctx context.Context, kind string) ([]*Job, error)
	// PruneJobs deletes the finished (done or failed) jobs of kind last
	// changed before before, and says how many. Their keys are free again:
	// prune only what can no longer be scheduled twice.
	PruneJobs(ctx context.Context, kind string, before time.Time) (int, error)

	// InTx runs fn with a Store whose every call is part of one
	// transaction on the writer: committed when fn returns nil, rolled
	// back otherwise, so that what fn wrote through it is undone whole.
	// Reads through it see the transaction's writes. fn must make all its
	// calls through the Store it is given (on SQLite the transaction holds
	// the only writer: a call on the outer Store would wait for it), must
	// not use it after returning or from several goroutines, and must
	// return as soon as a call fails: a failed call may have written part
	// of its work, and on PostgreSQL the transaction refuses further
	// statements; the rollback removes it. Errors keep their codes, except
	// that a missing reference may come back as the driver's error rather
	// than ENOTFOUND (the store cannot look in an aborted transaction).
	// InTx on it nests: the same transaction, and a nested fn that fails
	// is undone alone. Migrate and Close on it are refused.
	InTx(ctx context.Context, fn func(tx Store) error) error

	// Migrate brings the schema up to date; it is safe to run concurrently
	// from several instances and when already current.
	Migrate(ctx context.Context) error
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// AttemptLimit is one key of a rate limit and how many attempts it may
// have within the window.
type AttemptLimit struct {
	Key   string
	Limit int
}

// JobState is where a background job stands.
type JobState string

const (
	JobQueued  JobState = "queued"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"
)

// Job is one piece of background work (package jobs): a kind, a unique
// key that makes enqueueing idempotent, and a JSON payload.
type Job struct {
	ID          int64
	Kind        string
	Key         string
	Payload     []byte
	State       JobState
	RunAt       time.Time
	Attempts    int
	LastError   string
	LockedBy    string
	LockedUntil *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// UserFilter selects users. Query matches name or email, ignoring case.
type UserFilter struct {
	Query  *string
	Offset int
	Limit  int
}

// MembershipFilter selects memberships; nil fields do not filter.
type MembershipFilter struct {
	TeamID *int64
	UserID *int64
}

// Page limits shared by every engine.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// PageLimit returns the effective limit for a requested one.
func PageLimit(limit int) int {
	switch {
	case limit <= 0:
		return DefaultLimit
	case limit > MaxLimit:
		return MaxLimit
	}
	return limit
}
