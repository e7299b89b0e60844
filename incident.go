package debrief

import (
	"context"
	"time"
)

// IncidentStatus is where the response to an incident stands.
type IncidentStatus string

const (
	IncidentActive    IncidentStatus = "active"
	IncidentMitigated IncidentStatus = "mitigated"
	IncidentResolved  IncidentStatus = "resolved"
	IncidentClosed    IncidentStatus = "closed"
)

// IncidentStatuses lists the statuses in their natural order.
var IncidentStatuses = []IncidentStatus{IncidentActive, IncidentMitigated, IncidentResolved, IncidentClosed}

// DefaultSeverities is the severity scale used when none is configured,
// most severe first.
var DefaultSeverities = []string{"SEV1", "SEV2", "SEV3", "SEV4"}

// Milestones are the moments every incident passes through. All are stored
// in UTC; any may be unknown.
type Milestones struct {
	Started      *time.Time `json:"started,omitempty"`
	Detected     *time.Time `json:"detected,omitempty"`
	Acknowledged *time.Time `json:"acknowledged,omitempty"`
	Declared     *time.Time `json:"declared,omitempty"`
	Mitigated    *time.Time `json:"mitigated,omitempty"`
	Resolved     *time.Time `json:"resolved,omitempty"`
}

// MilestoneNames lists the milestones in the order an incident meets them.
var MilestoneNames = []string{"started", "detected", "acknowledged", "declared", "mitigated", "resolved"}

// Get returns the milestone with the given name, or nil.
func (m *Milestones) Get(name string) *time.Time {
	if p := m.field(name); p != nil {
		return *p
	}
	return nil
}

// Set sets the milestone with the given name; it reports false for an
// unknown name.
func (m *Milestones) Set(name string, t *time.Time) bool {
	p := m.field(name)
	if p == nil {
		return false
	}
	if t != nil {
		u := t.UTC()
		t = &u
	}
	*p = t
	return true
}

func (m *Milestones) field(name string) **time.Time {
	switch name {
	case "started":
		return &m.Started
	case "detected":
		return &m.Detected
	case "acknowledged":
		return &m.Acknowledged
	case "declared":
		return &m.Declared
	case "mitigated":
		return &m.Mitigated
	case "resolved":
		return &m.Resolved
	}
	return nil
}

// Duration is a named span between two milestones, such as time to detect.
type Duration struct {
	Name     string        `json:"name"`
	From, To string        `json:"-"`
	Value    time.Duration `json:"-"`
	Known    bool          `json:"-"`
}

// Durations returns the spans responders and SREs track (time to detect,
// acknowledge, mitigate, resolve), each measured from the start. A span is
// unknown when either end is missing.
func (m *Milestones) Durations() []Duration {
	spans := []Duration{
		{Name: "Time to detect", From: "started", To: "detected"},
		{Name: "Time to acknowledge", From: "detected", To: "acknowledged"},
		{Name: "Time to mitigate", From: "started", To: "mitigated"},
		{Name: "Time to resolve", From: "started", To: "resolved"},
	}
	for i := range spans {
		from, to := m.Get(spans[i].From), m.Get(spans[i].To)
		if from != nil && to != nil {
			spans[i].Value, spans[i].Known = to.Sub(*from), true
		}
	}
	return spans
}

// Responder is a person who took part in the response, in a role.
type Responder struct {
	PersonID int64   `json:"person_id"`
	Role     string  `json:"role"`
	Person   *Person `json:"person,omitempty"` // filled on read
}

// Incident is something that happened that was not meant to happen and
// would be bad enough if it happened again.
type Incident struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	// Type is the kind of incident (security, outage, data loss...), free
	// text that the template rules match.
	Type     string         `json:"type"`
	Status   IncidentStatus `json:"status"`
	Services []string       `json:"services"`
	// RetroRequested records that the commander asked for a retrospective
	// where the rules leave it optional.
	RetroRequested bool `json:"retro_requested"`
	// Team is the slug of the team that owns the incident.
	Team string `json:"team"`
	// Visibility says whether people outside the team may see it.
	Visibility Visibility `json:"visibility"`
	// TimeZone is the IANA zone the incident's times are shown in.
	TimeZone    string      `json:"time_zone"`
	Milestones  Milestones  `json:"milestones"`
	CommanderID *int64      `json:"commander_id"`
	Commander   *Person     `json:"commander,omitempty"` // filled on read
	Responders  []Responder `json:"responders"`

	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Location returns the incident's zone, UTC when unset or unknown.
func (i *Incident) Location() *time.Location {
	if loc, err := time.LoadLocation(i.TimeZone); err == nil && i.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// IncidentFilter selects incidents. Nil fields do not filter.
type IncidentFilter struct {
	Status   *IncidentStatus
	Severity *string
	Team     *string
	Service  *string
	// Query matches words in the title.
	Query *string
	// Visible restricts the result to what one actor may see; the rules
	// layer sets it, never the caller.
	Visible *VisibleFilter

	Offset int
	Limit  int
}

// VisibleFilter selects the incidents a user may see: those of the listed
// teams, and those visible to the whole organisation.
type VisibleFilter struct {
	Teams []string
}

// IncidentUpdate changes an incident. Nil fields are left as they are.
// Version must be the version the change was made from.
type IncidentUpdate struct {
	Title    *string         `json:"title"`
	Severity *string         `json:"severity"`
	Type     *string         `json:"type"`
	Status   *IncidentStatus `json:"status"`
	// RetroRequested asks for (or withdraws the request for) a
	// retrospective the rules do not require.
	RetroRequested *bool       `json:"retro_requested"`
	Services       *[]string   `json:"services"`
	Team           *string     `json:"team"`
	Visibility     *Visibility `json:"visibility"`
	TimeZone       *string     `json:"time_zone"`
	Milestones     *Milestones `json:"milestones"`
	// CommanderID sets the commander; a pointer to 0 clears it.
	CommanderID *int64       `json:"commander_id"`
	Responders  *[]Responder `json:"responders"`
	Version     int64        `json:"version"`
}

// IncidentService manages incidents. Creating an incident also creates its
// retrospective from the chosen template.
type IncidentService interface {
	FindIncidentByID(ctx context.Context, id int64) (*Incident, error)
	FindIncidents(ctx context.Context, filter IncidentFilter) ([]*Incident, int, error)
	CreateIncident(ctx context.Context, inc *Incident, template string) error
	UpdateIncident(ctx context.Context, id int64, upd IncidentUpdate) (*Incident, error)
	DeleteIncident(ctx context.Context, id int64) error
}
