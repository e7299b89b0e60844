package app

import (
	"context"
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
	return s.store.FindRetrospective(ctx, incidentID)
}

// UpdateRetrospective changes the writer or the status.
func (s *Service) UpdateRetrospective(ctx context.Context, incidentID int64, upd debrief.RetrospectiveUpdate) (*debrief.Retrospective, error) {
	r, err := s.store.FindRetrospective(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
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
	return s.store.FindRetrospective(ctx, incidentID)
}

// FindSection returns one section of a write-up.
func (s *Service) FindSection(ctx context.Context, incidentID int64, key string) (*debrief.Section, error) {
	return s.store.FindSection(ctx, incidentID, key)
}

// CreateSection adds a custom section at the end of the write-up.
func (s *Service) CreateSection(ctx context.Context, incidentID int64, sec *debrief.Section) error {
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
	r, err := s.store.FindRetrospective(ctx, incidentID)
	if err != nil {
		return err
	}
	if len(r.Sections) >= MaxSections {
		return debrief.FieldError("key", "a retrospective holds at most %d sections.", MaxSections)
	}
	// A section added by hand is never required by the template.
	sec.Optional = true
	return s.store.CreateSection(ctx, incidentID, sec)
}

// UpdateSection changes one section's title or body if upd.Version is
// current; on a conflict the caller keeps its text and is told the other
// person's version.
func (s *Service) UpdateSection(ctx context.Context, incidentID int64, key string, upd debrief.SectionUpdate) (*debrief.Section, error) {
	sec, err := s.store.FindSection(ctx, incidentID, key)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
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
	return sec, nil
}

// DeleteSection removes an optional section; the template's required
// sections stay.
func (s *Service) DeleteSection(ctx context.Context, incidentID int64, key string) error {
	sec, err := s.store.FindSection(ctx, incidentID, key)
	if err != nil {
		return err
	}
	if !sec.Optional {
		return debrief.FieldError("key", "section %q is required by the template and cannot be removed.", key)
	}
	return s.store.DeleteSection(ctx, incidentID, key)
}
