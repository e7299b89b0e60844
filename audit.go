package debrief

import (
	"encoding/json"
	"time"
)

// Audit outcomes.
const (
	AuditOK     = "ok"     // the change was made
	AuditDenied = "denied" // refused: not allowed, bad credentials, bad CSRF token
)

// AuditEntry records one change or one refused attempt: who, when, what,
// and the object before and after. Entries are only ever appended; nothing
// in the product edits or deletes them.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id,omitempty"`
	Actor   string    `json:"actor"`
	Address string    `json:"address,omitempty"`
	// Action names what was done: "incident.update", "event.create",
	// "session.login", "token.revoke".
	Action     string          `json:"action"`
	Outcome    string          `json:"outcome"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	IncidentID *int64          `json:"incident_id,omitempty"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	// Detail says why an attempt was denied, in words.
	Detail string `json:"detail,omitempty"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	IncidentID *int64
	ActorID    *int64
	Action     *string
	Since      *time.Time
	// Oldest lists oldest first, from the entry after AfterID (0: from the
	// start), for exporting the log page by page. Otherwise the newest
	// come first, and AfterID keeps only entries with larger ids.
	Oldest  bool
	AfterID int64
	Limit   int
}
