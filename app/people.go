package app

import (
	"context"
	"net/mail"
	"strings"

	"github.com/debrief-oss/debrief"
)

// FindPersonByID returns one person. The people directory is read by
// every signed-in actor.
func (s *Service) FindPersonByID(ctx context.Context, id int64) (*debrief.Person, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return s.store.FindPersonByID(ctx, id)
}

// FindPeople returns a page of people and the total matching.
func (s *Service) FindPeople(ctx context.Context, f debrief.PersonFilter) ([]*debrief.Person, int, error) {
	if _, err := actor(ctx); err != nil {
		return nil, 0, err
	}
	if err := checkPage(f.Offset, f.Limit); err != nil {
		return nil, 0, err
	}
	return s.store.FindPeople(ctx, f)
}

// CreatePerson adds a person.
func (s *Service) CreatePerson(ctx context.Context, p *debrief.Person) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.refuse(ctx, a, "person.create", object{typ: "person"}, editPeople(a)); err != nil {
		return err
	}
	if err := validatePerson(p); err != nil {
		return err
	}
	if err := s.store.CreatePerson(ctx, p); err != nil {
		return err
	}
	s.changed(ctx, a, "person.create", personObject(p.ID), nil, p)
	return nil
}

// UpdatePerson applies upd to a person if upd.Version is current.
func (s *Service) UpdatePerson(ctx context.Context, id int64, upd debrief.PersonUpdate) (*debrief.Person, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.refuse(ctx, a, "person.update", personObject(id), editPeople(a)); err != nil {
		return nil, err
	}
	p, err := s.store.FindPersonByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	before := snapshot(p)
	setString(&p.Name, upd.Name)
	setString(&p.Handle, upd.Handle)
	setString(&p.Email, upd.Email)
	if err := validatePerson(p); err != nil {
		return nil, err
	}
	p.Version = upd.Version
	if err := s.store.UpdatePerson(ctx, p); err != nil {
		return nil, err
	}
	s.changed(ctx, a, "person.update", personObject(id), before, p)
	return p, nil
}

// DeletePerson removes a person; incidents and actions that named them keep
// going without the reference.
func (s *Service) DeletePerson(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.refuse(ctx, a, "person.delete", personObject(id), editPeople(a)); err != nil {
		return err
	}
	p, err := s.store.FindPersonByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.store.DeletePerson(ctx, id); err != nil {
		return err
	}
	s.changed(ctx, a, "person.delete", personObject(id), snapshot(p), nil)
	return nil
}

func personObject(id int64) object {
	if id == 0 {
		return object{typ: "person"}
	}
	return object{typ: "person", id: idString(id)}
}

func validatePerson(p *debrief.Person) error {
	var c checker
	p.Name = strings.TrimSpace(p.Name)
	p.Handle = strings.TrimPrefix(strings.TrimSpace(p.Handle), "@")
	p.Email = strings.TrimSpace(p.Email)
	c.text("name", p.Name, true, MaxTitle)
	c.text("handle", p.Handle, false, MaxShortText)
	if c.err == nil && p.Handle != "" && !handleRE.MatchString(p.Handle) {
		c.fail("handle", "may hold letters, digits, '.', '_' and '-' only (got %q).", p.Handle)
	}
	c.text("email", p.Email, false, MaxTitle)
	if c.err == nil && p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			c.fail("email", "is not an e-mail address (got %q).", p.Email)
		}
	}
	return c.err
}
