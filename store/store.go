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
	// Incidents. CreateIncident stores the incident and its retrospective
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
	CreateEvent(ctx context.Context, ev *debrief.Event) error
	FindEventByID(ctx context.Context, incidentID, id int64) (*debrief.Event, error)
	FindEvents(ctx context.Context, f debrief.EventFilter) ([]*debrief.Event, int, error)
	UpdateEvent(ctx context.Context, ev *debrief.Event) error
	DeleteEvent(ctx context.Context, incidentID, id int64) error

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

	// People. A duplicate handle (case-insensitive, when not empty) is
	// debrief.ECONFLICT. Deleting a person referenced as commander, responder,
	// writer or owner clears those references.
	CreatePerson(ctx context.Context, p *debrief.Person) error
	FindPersonByID(ctx context.Context, id int64) (*debrief.Person, error)
	FindPeople(ctx context.Context, f debrief.PersonFilter) ([]*debrief.Person, int, error)
	UpdatePerson(ctx context.Context, p *debrief.Person) error
	DeletePerson(ctx context.Context, id int64) error

	// Migrate brings the schema up to date; it is safe to run concurrently
	// from several instances and when already current.
	Migrate(ctx context.Context) error
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	Close() error
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
