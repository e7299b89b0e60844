package app

import (
	"context"
	"net/mail"
	"strings"

	"github.com/debrief-oss/debrief"
)

// FindPersonByID returns one person.
func (s *Service) FindPersonByID(ctx context.Context, id int64) (*debrief.Person, error) {
	return s.store.FindPersonByID(ctx, id)
}

// FindPeople returns a page of people and the total matching.
func (s *Service) FindPeople(ctx context.Context, f debrief.PersonFilter) ([]*debrief.Person, int, error) {
	if err := checkPage(f.Offset, f.Limit); err != nil {
		return nil, 0, err
	}
	return s.store.FindPeople(ctx, f)
}

// CreatePerson adds a person.
func (s *Service) CreatePerson(ctx context.Context, p *debrief.Person) error {
	if err := validatePerson(p); err != nil {
		return err
	}
	return s.store.CreatePerson(ctx, p)
}

// UpdatePerson applies upd to a person if upd.Version is current.
func (s *Service) UpdatePerson(ctx context.Context, id int64, upd debrief.PersonUpdate) (*debrief.Person, error) {
	p, err := s.store.FindPersonByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
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
	return p, nil
}

// DeletePerson removes a person; incidents and actions that named them keep
// going without the reference.
func (s *Service) DeletePerson(ctx context.Context, id int64) error {
	return s.store.DeletePerson(ctx, id)
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
