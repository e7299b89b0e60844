package debrief

import (
	"context"
	"time"
)

// RetrospectiveStatus is where a write-up stands, from first draft to done.
type RetrospectiveStatus string

const (
	RetroDraft    RetrospectiveStatus = "draft"
	RetroInReview RetrospectiveStatus = "in_review"
	RetroApproved RetrospectiveStatus = "approved"
	RetroDone     RetrospectiveStatus = "done"
)

// RetrospectiveStatuses lists the statuses in order.
var RetrospectiveStatuses = []RetrospectiveStatus{RetroDraft, RetroInReview, RetroApproved, RetroDone}

// Section kinds. A text section is Markdown; a timeline or actions section
// holds an introduction in Markdown and shows the incident's events or action
// items after it.
const (
	SectionText     = "text"
	SectionTimeline = "timeline"
	SectionActions  = "actions"
)

// Section is one part of a write-up, in the template's order.
type Section struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Kind     string `json:"kind"`
	Position int    `json:"position"`
	Optional bool   `json:"optional"`
	// Guidance tells the writer what belongs here; it is not part of the text.
	Guidance string `json:"guidance"`
	Body     string `json:"body"`

	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Retrospective is the analysis of one incident, agreed by the team, with
// agreed next steps. There is exactly one per incident.
type Retrospective struct {
	IncidentID int64   `json:"incident_id"`
	WriterID   *int64  `json:"writer_id"`
	Writer     *Person `json:"writer,omitempty"` // filled on read
	Template   string  `json:"template"`
	// TemplateTeam and TemplateVersion say which edition of the template
	// the retrospective began with: the team whose template it is (empty
	// for the organisation's) and its version, kept when the template
	// changes later.
	TemplateTeam    string              `json:"template_team"`
	TemplateVersion int64               `json:"template_version"`
	Status          RetrospectiveStatus `json:"status"`
	// Restricted write-ups (a security incident, say) are shown only to
	// the team's admins, organisation admins and the listed readers, even
	// to people who may see the incident itself.
	Restricted bool       `json:"restricted"`
	Readers    []int64    `json:"readers"`
	Sections   []*Section `json:"sections"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Section returns the section with the given key, or nil.
func (r *Retrospective) Section(key string) *Section {
	for _, s := range r.Sections {
		if s.Key == key {
			return s
		}
	}
	return nil
}

// RetrospectiveUpdate changes a retrospective's own fields (not its
// sections, which carry versions of their own so that two people can write
// different sections at once).
type RetrospectiveUpdate struct {
	// WriterID sets the writer; a pointer to 0 clears it.
	WriterID   *int64               `json:"writer_id"`
	Status     *RetrospectiveStatus `json:"status"`
	Restricted *bool                `json:"restricted"`
	Readers    *[]int64             `json:"readers"`
	Version    int64                `json:"version"`
}

// SectionUpdate changes one section.
type SectionUpdate struct {
	Title   *string `json:"title"`
	Body    *string `json:"body"`
	Version int64   `json:"version"`
}

// RetrospectiveService manages write-ups.
type RetrospectiveService interface {
	FindRetrospective(ctx context.Context, incidentID int64) (*Retrospective, error)
	UpdateRetrospective(ctx context.Context, incidentID int64, upd RetrospectiveUpdate) (*Retrospective, error)
	FindSection(ctx context.Context, incidentID int64, key string) (*Section, error)
	// CreateSection adds a custom section at the end.
	CreateSection(ctx context.Context, incidentID int64, s *Section) error
	UpdateSection(ctx context.Context, incidentID int64, key string, upd SectionUpdate) (*Section, error)
	// DeleteSection removes an optional or custom section; required ones stay.
	DeleteSection(ctx context.Context, incidentID int64, key string) error
}
