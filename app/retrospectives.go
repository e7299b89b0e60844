package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
)

// retroMoves lists the status changes a write-up may make: forward one step
// at a time, or back one step when review sends it back.
var retroMoves = map[debrief.RetrospectiveStatus][]debrief.RetrospectiveStatus{
	debrief.RetroDraft:    {debrief.RetroInReview},
	debrief.RetroInReview: {debrief.RetroDraft, debrief.RetroApproved},
	debrief.RetroApproved: {debrief.RetroInReview, debrief.RetroDone},
	debrief.RetroDone:     {debrief.RetroApproved},
}

// FindRetrospective returns an incident's write-up with its sections.
func (s *Service) FindRetrospective(ctx context.Context, incidentID int64) (*debrief.Retrospective, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	_, r, err := s.writeUp(ctx, a, incidentID)
	return r, err
}

// UpdateRetrospective changes the writer, the status, or who may read it
// (Restricted and Readers: the team's admins and organisation admins only;
// readers must be users).
func (s *Service) UpdateRetrospective(ctx context.Context, incidentID int64, upd debrief.RetrospectiveUpdate) (*debrief.Retrospective, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	const action = "retrospective.update"
	obj := inIncident("retrospective", idString(incidentID), incidentID)
	inc, r, err := s.editWriteUp(ctx, a, incidentID, action, obj)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	before := snapshot(retroHeader(r))
	restricted, readers := r.Restricted, r.Readers
	if upd.Restricted != nil {
		restricted = *upd.Restricted
	}
	if upd.Readers != nil {
		readers = *upd.Readers
	}
	if readers == nil {
		readers = []int64{}
	}
	// A form that sends the current values back changes nothing and needs
	// no right to restrict.
	if restricted != r.Restricted || !sameMembers(readers, r.Readers) {
		if err := s.refuse(ctx, a, action, obj, restrictRetrospective(a, inc)); err != nil {
			return nil, err
		}
		if err := s.checkReaders(ctx, readers); err != nil {
			return nil, err
		}
		r.Restricted, r.Readers = restricted, readers
	}
	if upd.WriterID != nil {
		r.WriterID = nonZero(*upd.WriterID)
		if r.WriterID != nil {
			if err := s.personExists(ctx, "writer_id", *r.WriterID); err != nil {
				return nil, err
			}
		}
	}
	if upd.Status != nil && *upd.Status != r.Status {
		var c checker
		c.oneOf("status", string(*upd.Status), statusStrings(debrief.RetrospectiveStatuses))
		if c.err != nil {
			return nil, c.err
		}
		if !slices.Contains(retroMoves[r.Status], *upd.Status) {
			return nil, debrief.FieldError("status", "cannot go from %s to %s.", r.Status, *upd.Status)
		}
		r.Status = *upd.Status
	}
	r.Version = upd.Version
	if err := s.store.UpdateRetrospective(ctx, r); err != nil {
		return nil, err
	}
	got, err := s.store.FindRetrospective(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	s.changed(ctx, a, action, obj, before, retroHeader(got))
	return got, nil
}

// retroHeader returns r without its sections, for the audit log: sections
// have entries of their own, and a status change should not copy the whole
// write-up twice.
func retroHeader(r *debrief.Retrospective) *debrief.Retrospective {
	h := *r
	h.Sections = nil
	return &h
}

// checkReaders refuses readers that are not users, or listed twice.
func (s *Service) checkReaders(ctx context.Context, readers []int64) error {
	if len(readers) > MaxReaders {
		return debrief.FieldError("readers", "has %d entries, at most %d.", len(readers), MaxReaders)
	}
	seen := map[int64]bool{}
	for i, id := range readers {
		field := fmt.Sprintf("readers[%d]", i)
		if seen[id] {
			return debrief.FieldError(field, "user %d is listed twice.", id)
		}
		seen[id] = true
		if _, err := s.store.FindUserByID(ctx, id); debrief.ErrorCode(err) == debrief.ENOTFOUND {
			return debrief.FieldError(field, "no user with id %d.", id)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// sameMembers reports whether a and b hold the same ids, in any order.
func sameMembers(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// FindSection returns one section of a write-up.
func (s *Service) FindSection(ctx context.Context, incidentID int64, key string) (*debrief.Section, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writeUp(ctx, a, incidentID); err != nil {
		return nil, err
	}
	return s.store.FindSection(ctx, incidentID, key)
}

// CreateSection adds a custom section at the end of the write-up.
func (s *Service) CreateSection(ctx context.Context, incidentID int64, sec *debrief.Section) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	_, r, err := s.editWriteUp(ctx, a, incidentID, "section.create", inIncident("section", sec.Key, incidentID))
	if err != nil {
		return err
	}
	return s.createSection(ctx, a, incidentID, r, sec)
}

// createSection adds sec to r, the write-up of incidentID that a may
// change (the caller has decided that): validation, the write and its
// audit entry.
func (s *Service) createSection(ctx context.Context, a *debrief.Actor, incidentID int64, r *debrief.Retrospective, sec *debrief.Section) error {
	var c checker
	if sec.Key == "" {
		sec.Key = debrief.Slug(sec.Title, 60)
	}
	if !keyRE.MatchString(sec.Key) {
		c.fail("key", "must be lower-case letters, digits, '-' or '_' (got %q).", sec.Key)
	}
	if sec.Kind == "" {
		sec.Kind = debrief.SectionText
	}
	sec.Title = strings.TrimSpace(sec.Title)
	c.text("title", sec.Title, true, MaxTitle)
	c.oneOf("kind", sec.Kind, []string{debrief.SectionText})
	c.text("guidance", sec.Guidance, false, MaxActionText)
	c.text("body", sec.Body, false, MaxSectionBody)
	if c.err != nil {
		return c.err
	}
	if len(r.Sections) >= MaxSections {
		return debrief.FieldError("key", "a retrospective holds at most %d sections.", MaxSections)
	}
	// A section added by hand is never required by the template.
	sec.Optional = true
	if err := s.store.CreateSection(ctx, incidentID, sec); err != nil {
		return err
	}
	s.changed(ctx, a, "section.create", inIncident("section", sec.Key, incidentID), nil, sec)
	return nil
}

// UpdateSection changes one section's title or body if upd.Version is
// current; on a conflict the caller keeps its text and is told the other
// person's version.
func (s *Service) UpdateSection(ctx context.Context, incidentID int64, key string, upd debrief.SectionUpdate) (*debrief.Section, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := inIncident("section", key, incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "section.update", obj); err != nil {
		return nil, err
	}
	sec, err := s.store.FindSection(ctx, incidentID, key)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	before := snapshot(sec)
	setString(&sec.Title, upd.Title)
	setString(&sec.Body, upd.Body)
	var c checker
	sec.Title = strings.TrimSpace(sec.Title)
	c.text("title", sec.Title, true, MaxTitle)
	c.text("body", sec.Body, false, MaxSectionBody)
	if c.err != nil {
		return nil, c.err
	}
	sec.Version = upd.Version
	if err := s.store.UpdateSection(ctx, incidentID, sec); err != nil {
		return nil, err
	}
	s.changed(ctx, a, "section.update", obj, before, sec)
	return sec, nil
}

// DeleteSection removes an optional section; the template's required
// sections stay.
func (s *Service) DeleteSection(ctx context.Context, incidentID int64, key string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	obj := inIncident("section", key, incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "section.delete", obj); err != nil {
		return err
	}
	sec, err := s.store.FindSection(ctx, incidentID, key)
	if err != nil {
		return err
	}
	if !sec.Optional {
		return debrief.FieldError("key", "section %q is required by the template and cannot be removed.", key)
	}
	if err := s.store.DeleteSection(ctx, incidentID, key); err != nil {
		return err
	}
	s.changed(ctx, a, "section.delete", obj, snapshot(sec), nil)
	return nil
}
