package app

import (
	"context"
	"strings"

	"github.com/debrief-oss/debrief"
)

// FindEventByID returns one event of an incident's timeline. The timeline
// is part of the write-up: a restricted one is shown only to its readers.
func (s *Service) FindEventByID(ctx context.Context, incidentID, id int64) (*debrief.Event, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writeUp(ctx, a, incidentID); err != nil {
		return nil, err
	}
	return s.store.FindEventByID(ctx, incidentID, id)
}

// FindEvents returns a page of an incident's timeline, in time order.
func (s *Service) FindEvents(ctx context.Context, f debrief.EventFilter) ([]*debrief.Event, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := checkPage(f.Offset, f.Limit); err != nil {
		return nil, 0, err
	}
	if _, _, err := s.writeUp(ctx, a, f.IncidentID); err != nil {
		return nil, 0, err
	}
	return s.store.FindEvents(ctx, f)
}

// CreateEvent adds an event to an incident's timeline.
func (s *Service) CreateEvent(ctx context.Context, ev *debrief.Event) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if _, _, err := s.editWriteUp(ctx, a, ev.IncidentID, "event.create", inIncident("event", "", ev.IncidentID)); err != nil {
		return err
	}
	return s.createEvent(ctx, a, ev)
}

// createEvent stores an event whose incident a may change (the caller has
// decided that): defaults, validation, the write and its audit entry.
func (s *Service) createEvent(ctx context.Context, a *debrief.Actor, ev *debrief.Event) error {
	if ev.Source == "" {
		ev.Source = "manual"
	}
	if ev.Kind == "" {
		ev.Kind = debrief.EventNote
	}
	if err := validateEvent(ev); err != nil {
		return err
	}
	if err := s.store.CreateEvent(ctx, ev); err != nil {
		return err
	}
	s.changed(ctx, a, "event.create", inIncident("event", idString(ev.ID), ev.IncidentID), nil, ev)
	return nil
}

// UpdateEvent applies upd to an event if upd.Version is current.
func (s *Service) UpdateEvent(ctx context.Context, incidentID, id int64, upd debrief.EventUpdate) (*debrief.Event, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := inIncident("event", idString(id), incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "event.update", obj); err != nil {
		return nil, err
	}
	ev, err := s.store.FindEventByID(ctx, incidentID, id)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	before := snapshot(ev)
	if upd.At != nil {
		ev.At = *upd.At
	}
	setString(&ev.Text, upd.Text)
	setString(&ev.Source, upd.Source)
	setString(&ev.Author, upd.Author)
	setString(&ev.URL, upd.URL)
	setString(&ev.Kind, upd.Kind)
	if upd.Starred != nil {
		ev.Starred = *upd.Starred
	}
	if upd.Hidden != nil {
		ev.Hidden = *upd.Hidden
	}
	setString(&ev.Tag, upd.Tag)
	if err := validateEvent(ev); err != nil {
		return nil, err
	}
	ev.Version = upd.Version
	if err := s.store.UpdateEvent(ctx, ev); err != nil {
		return nil, err
	}
	s.changed(ctx, a, "event.update", obj, before, ev)
	return ev, nil
}

// DeleteEvent removes an event from a timeline.
func (s *Service) DeleteEvent(ctx context.Context, incidentID, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	obj := inIncident("event", idString(id), incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "event.delete", obj); err != nil {
		return err
	}
	ev, err := s.store.FindEventByID(ctx, incidentID, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteEvent(ctx, incidentID, id); err != nil {
		return err
	}
	s.changed(ctx, a, "event.delete", obj, snapshot(ev), nil)
	return nil
}

func validateEvent(ev *debrief.Event) error {
	var c checker
	if ev.At.IsZero() {
		c.fail("at", "is required: a time with its zone, such as 2024-05-01T14:03:00Z.")
	}
	ev.At = ev.At.UTC()
	ev.Text = strings.TrimSpace(ev.Text)
	c.text("text", ev.Text, true, MaxEventText)
	c.text("source", ev.Source, false, MaxShortText)
	c.text("author", ev.Author, false, MaxShortText)
	c.link("url", ev.URL)
	c.oneOf("kind", ev.Kind, debrief.EventKinds)
	checkEvidence(&c, ev)
	return c.err
}

func setString(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}
