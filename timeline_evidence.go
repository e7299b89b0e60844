package debrief

import (
	"context"
	"time"
)

// Event tags: the phase of the response an event belongs to, set by the
// writer while curating the timeline.
const (
	TagDetection     = "detection"
	TagDiagnosis     = "diagnosis"
	TagRepair        = "repair"
	TagCommunication = "communication"
	TagDecision      = "decision"
	TagKeyMoment     = "key_moment"
)

// EventTags lists the known tags; an event's Tag is one of them or empty.
var EventTags = []string{TagDetection, TagDiagnosis, TagRepair, TagCommunication, TagDecision, TagKeyMoment}

// EventRef is one source's copy of an event: where it came from, its id
// there and a link to it.
type EventRef struct {
	Source     string `json:"source"`
	OriginalID string `json:"original_id"`
	URL        string `json:"url"`
}

// ImportOptions say how a source's times are read: the zone of times
// written without one, and how far the source's clock was off (Skew is
// subtracted: a source whose clock ran 30 s fast has Skew 30 s).
type ImportOptions struct {
	Zone *time.Location
	Skew time.Duration
}

// ImportResult says what an import of evidence did.
type ImportResult struct {
	Read    int `json:"read"`    // events the file held (after filtering)
	Created int `json:"created"` // new events on the timeline
	Merged  int `json:"merged"`  // copies merged into an event from another source
	Same    int `json:"same"`    // events already imported before, left as they were
}

// TimelineState is the writer's sign-off on a timeline: once confirmed,
// the timeline is the story the write-up tells.
type TimelineState struct {
	IncidentID  int64      `json:"incident_id"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
	ConfirmedBy string     `json:"confirmed_by"`
}

// ProposedMilestone is a milestone Debrief read from the evidence, for the
// writer to accept into the incident's milestones.
type ProposedMilestone struct {
	Name    string    `json:"name"`
	At      time.Time `json:"at"`
	EventID int64     `json:"event_id"`
	Reason  string    `json:"reason"`
	// Current is the milestone's time on the incident now, if set.
	Current *time.Time `json:"current"`
}

// EvidenceService takes evidence into timelines and lets writers curate them.
type EvidenceService interface {
	ImportEvents(ctx context.Context, incidentID int64, evs []*Event) (*ImportResult, error)
	FindTimelineState(ctx context.Context, incidentID int64) (*TimelineState, error)
	ConfirmTimeline(ctx context.Context, incidentID int64, confirmed bool) (*TimelineState, error)
	ProposeMilestones(ctx context.Context, incidentID int64) ([]ProposedMilestone, error)
}
