package debrief

import (
	"context"
	"time"
)

// Event kinds. A kind tells a reader at a glance what sort of evidence an
// event is; importers set it, writers may change it.
const (
	EventNote      = "note"
	EventMessage   = "message"
	EventAlert     = "alert"
	EventPage      = "page"
	EventDeploy    = "deploy"
	EventAction    = "action"
	EventMilestone = "milestone"
)

// EventKinds lists the known event kinds.
var EventKinds = []string{EventNote, EventMessage, EventAlert, EventPage, EventDeploy, EventAction, EventMilestone}

// Event is one entry of an incident's timeline.
type Event struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"incident_id"`
	At         time.Time `json:"at"`
	Text       string    `json:"text"`
	// Source says where the event came from ("manual", "slack", "pagerduty").
	Source string `json:"source"`
	Author string `json:"author"`
	URL    string `json:"url"`
	Kind   string `json:"kind"`
	// Starred events are the ones the story turns on; hidden ones are
	// chatter kept for the record but left out of the write-up.
	Starred bool `json:"starred"`
	Hidden  bool `json:"hidden"`
	// OriginalID is the event's id in its source (a Slack channel and ts,
	// a PagerDuty log entry id): importing the same evidence twice finds
	// it again instead of adding it twice.
	OriginalID string `json:"original_id"`
	// AlertKey names the alert the event is about, the same in every source
	// that carries it (an Alertmanager fingerprint, an Opsgenie alias), so
	// that one alert seen by two sources is merged into one event.
	AlertKey string `json:"alert_key"`
	// Refs are the other sources' copies merged into this event.
	Refs []EventRef `json:"refs"`
	// Tag is the phase of the response the writer says the event belongs
	// to (see EventTags); Kind stays the sort of evidence it is.
	Tag string `json:"tag"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EventFilter selects events of one incident, always in time order.
type EventFilter struct {
	IncidentID    int64
	IncludeHidden bool
	Starred       *bool
	Kind          *string
	Source        *string
	Author        *string
	Tag           *string
	Offset        int
	Limit         int
}

// EventUpdate changes an event. Nil fields are left as they are.
type EventUpdate struct {
	At      *time.Time `json:"at"`
	Text    *string    `json:"text"`
	Source  *string    `json:"source"`
	Author  *string    `json:"author"`
	URL     *string    `json:"url"`
	Kind    *string    `json:"kind"`
	Starred *bool      `json:"starred"`
	Hidden  *bool      `json:"hidden"`
	Tag     *string    `json:"tag"`
	Version int64      `json:"version"`
}

// TimelineService manages the events of incidents' timelines.
type TimelineService interface {
	FindEventByID(ctx context.Context, incidentID, id int64) (*Event, error)
	FindEvents(ctx context.Context, filter EventFilter) ([]*Event, int, error)
	CreateEvent(ctx context.Context, ev *Event) error
	UpdateEvent(ctx context.Context, incidentID, id int64, upd EventUpdate) (*Event, error)
	DeleteEvent(ctx context.Context, incidentID, id int64) error
}
