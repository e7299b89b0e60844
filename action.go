package debrief

import (
	"context"
	"time"
)

// ActionStatus is where a follow-up stands.
type ActionStatus string

const (
	ActionProposed   ActionStatus = "proposed"
	ActionPlanned    ActionStatus = "planned"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionDropped    ActionStatus = "dropped"
)

// ActionStatuses lists the statuses in order.
var ActionStatuses = []ActionStatus{ActionProposed, ActionPlanned, ActionInProgress, ActionDone, ActionDropped}

// Priorities, most urgent first.
var Priorities = []string{"high", "medium", "low"}

// Action is a recommendation the team agreed on: concrete (you can tell when
// it is done) and actionable (someone can do it).
type Action struct {
	ID               int64   `json:"id"`
	IncidentID       int64   `json:"incident_id"`
	Title            string  `json:"title"`
	Description      string  `json:"description"`
	DefinitionOfDone string  `json:"definition_of_done"`
	OwnerID          *int64  `json:"owner_id"`
	Owner            *Person `json:"owner,omitempty"` // filled on read
	Priority         string  `json:"priority"`
	// DueDate is a calendar date, YYYY-MM-DD, or empty.
	DueDate string       `json:"due_date"`
	Status  ActionStatus `json:"status"`
	// DropReason says why a dropped action was dropped; required then.
	DropReason string `json:"drop_reason"`
	TicketURL  string `json:"ticket_url"`
	// Addresses are the refs of the analysis items ("F2") the action
	// addresses, filled on read; see analysis.go.
	Addresses []string `json:"addresses"`

	// Follow-through (followup.go): who decided a drop, verification after
	// done, when it closed, the ticket's key, its sync state, the other
	// retrospectives that link it, and whether it is overdue.
	DroppedBy         string       `json:"dropped_by"`
	VerifiedAt        *time.Time   `json:"verified_at"`
	VerifiedBy        string       `json:"verified_by"`
	VerifiedNote      string       `json:"verified_note"`
	ClosedAt          *time.Time   `json:"closed_at"`
	TicketKey         string       `json:"ticket_key"`
	SyncState         SyncState    `json:"sync_state"`
	SyncError         string       `json:"sync_error"`
	SyncedAt          *time.Time   `json:"synced_at"`
	TicketState       string       `json:"ticket_state"` // the tracker's state at the last sync
	SyncedStatus      ActionStatus `json:"-"`            // the item's status at the last sync
	LinkedIncidentIDs []int64      `json:"linked_incident_ids"`
	Overdue           bool         `json:"overdue"` // filled on read by the rules

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ActionFilter selects action items. Nil fields do not filter.
type ActionFilter struct {
	IncidentID *int64
	Status     *ActionStatus
	OwnerID    *int64
	Offset     int
	Limit      int

	// Follow-through filters (followup.go).
	FollowupFilter
}

// ActionUpdate changes an action item. Nil fields are left as they are.
type ActionUpdate struct {
	Title            *string       `json:"title"`
	Description      *string       `json:"description"`
	DefinitionOfDone *string       `json:"definition_of_done"`
	OwnerID          *int64        `json:"owner_id"` // a pointer to 0 clears it
	Priority         *string       `json:"priority"`
	DueDate          *string       `json:"due_date"`
	Status           *ActionStatus `json:"status"`
	DropReason       *string       `json:"drop_reason"`
	TicketURL        *string       `json:"ticket_url"`
	Version          int64         `json:"version"`

	// Follow-through (followup.go).
	DroppedBy    *string `json:"dropped_by"`
	TicketKey    *string `json:"ticket_key"`
	Verified     *bool   `json:"verified"`
	VerifiedNote *string `json:"verified_note"`
	Note         *string `json:"note"` // kept in the history with this change
}

// ActionService manages action items.
type ActionService interface {
	FindActionByID(ctx context.Context, incidentID, id int64) (*Action, error)
	FindActions(ctx context.Context, filter ActionFilter) ([]*Action, int, error)
	CreateAction(ctx context.Context, a *Action) error
	UpdateAction(ctx context.Context, incidentID, id int64, upd ActionUpdate) (*Action, error)
	DeleteAction(ctx context.Context, incidentID, id int64) error
}
