package debrief

import (
	"context"
	"time"
)

// Follow-through: a recommendation is worth its review only once it is
// done. These types carry an action item's history, its place on a team's
// follow-up board, its recurring links and its ticket.

// SyncState says whether an action item agrees with its ticket.
type SyncState string

const (
	SyncNone    SyncState = ""        // no ticket to sync with
	SyncOK      SyncState = "synced"  // the last exchange succeeded
	SyncPending SyncState = "pending" // an exchange failed and will be retried; SyncError says why
)

// OpenActionStatuses are the statuses of work still to do.
var OpenActionStatuses = []ActionStatus{ActionProposed, ActionPlanned, ActionInProgress}

// IsOpen reports whether an action item is still work to do.
func (s ActionStatus) IsOpen() bool {
	return s == ActionProposed || s == ActionPlanned || s == ActionInProgress
}

// FollowupFilter holds the filters of the follow-up board, across
// incidents. Nil and empty fields do not filter.
type FollowupFilter struct {
	Team     *string // the incident's team
	Priority *string
	Severity *string // the incident's severity
	Service  *string // one of the incident's services
	// Overdue keeps open items whose due date is before Today (true) or
	// the others (false). The rules set Today.
	Overdue *bool
	Today   string
	// DueBefore keeps open items due on or before that date (YYYY-MM-DD):
	// the "due soon" of reminders and digests.
	DueBefore *string
	// Ticket matches the ticket's key (OPS-123, owner/repo#12) or its URL.
	Ticket *string
	// LinkedTo keeps the items another retrospective links as recurring.
	LinkedTo *int64
	// SyncPending keeps the items whose last exchange with their tracker
	// failed and is being retried ("sync pending").
	SyncPending bool
	// ByDue lists by due date (undated last) instead of by incident.
	ByDue bool
	// Visible limits the list to what one actor may read; the rules set
	// it (nil: everything).
	Visible *ActionVisibility
}

// ActionVisibility says which action items an actor may read, for the
// store to apply in SQL. It is decided by the rules (app/authz.go): an item
// is visible when its incident's team is in Teams or the incident is
// visible to the organisation, and its retrospective is not restricted, or
// its team is in AdminTeams, or UserID is one of its readers.
type ActionVisibility struct {
	Teams      []string
	AdminTeams []string
	UserID     int64
}

// ActionChange is one entry in an action item's history: who changed what
// and when, with the status move if there was one.
type ActionChange struct {
	ID         int64         `json:"id"`
	ActionID   int64         `json:"action_id"`
	IncidentID int64         `json:"incident_id"`
	At         time.Time     `json:"at"`
	ActorID    *int64        `json:"actor_id"`
	Actor      string        `json:"actor"`
	FromStatus ActionStatus  `json:"from_status"`
	ToStatus   ActionStatus  `json:"to_status"`
	Changes    []FieldChange `json:"changes"`
	Note       string        `json:"note"`
}

// FieldChange is one field's value before and after a change.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// FollowupService is the follow-through of action items.
type FollowupService interface {
	FindActionHistory(ctx context.Context, incidentID, id int64) ([]*ActionChange, error)
	LinkAction(ctx context.Context, incidentID, actionIncidentID, actionID int64) error
	UnlinkAction(ctx context.Context, incidentID, actionIncidentID, actionID int64) error
	FindLinkedActions(ctx context.Context, incidentID int64) ([]*Action, error)
}

// FollowupMetrics measures follow-through: whether items get done, how
// old the open ones are, and whether the backlog grows.
type FollowupMetrics struct {
	// AsOf is the day the figures are for (UTC).
	AsOf time.Time `json:"as_of"`
	// Completion is the share of items done within 30, 60 and 90 days of
	// being created, overall and by team and by incident severity.
	Completion []CompletionRow `json:"completion"`
	// Ages counts open items by age.
	Ages []AgeBucket `json:"ages"`
	// OldestOpenDays is the age of the oldest open item (0 when none).
	OldestOpenDays int `json:"oldest_open_days"`
	// MedianOpenDays is the median age of open items.
	MedianOpenDays int `json:"median_open_days"`
	// Backlog is the number of open items at the end of each week.
	Backlog []BacklogPoint `json:"backlog"`
}

// CompletionRow is one group's completion rates. Within[i] is the share
// of the group's items at least Days[i] old that were done within
// Days[i] days; Eligible[i] how many items that share is of. Dropped
// items are left out: dropping with a reason is a decision, not a failure
// to follow through.
type CompletionRow struct {
	By       string    `json:"by"`    // "all", "team" or "severity"
	Group    string    `json:"group"` // the team or severity; "" for all
	Days     []int     `json:"days"`
	Within   []float64 `json:"within"`
	Eligible []int     `json:"eligible"`
}

// AgeBucket counts open items whose age in days is in [From, To).
type AgeBucket struct {
	Label string `json:"label"`
	From  int    `json:"from"`
	To    int    `json:"to"` // 0: no upper bound
	Count int    `json:"count"`
}

// BacklogPoint is the number of open items at the end of a day.
type BacklogPoint struct {
	Day  string `json:"day"` // YYYY-MM-DD
	Open int    `json:"open"`
}

// ActionCounts are an incident's action items by the states the incident
// list shows: all of them, those done, those dropped.
type ActionCounts struct {
	Total, Done, Dropped int
}
