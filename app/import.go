package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/debrief-oss/debrief"
)

// ImportReport stores a whole retrospective read from a file: the incident,
// its write-up (sections the template has are filled, others added as
// custom sections), its timeline and its action items. It is all or
// nothing: when any part is refused, what was already stored is removed
// again and the error names the part. Access is decided as for creating an
// incident in rep.Incident.Team.
func (s *Service) ImportReport(ctx context.Context, rep *debrief.Report) (*debrief.Incident, error) {
	if rep == nil || rep.Incident == nil {
		return nil, debrief.FieldError("incident", "is required.")
	}
	inc := *rep.Incident
	inc.ID, inc.Version = 0, 0
	template := ""
	if rep.Retrospective != nil {
		template = rep.Retrospective.Template
	}
	if _, ok := s.templates[template]; !ok {
		template = debrief.DefaultTemplateName
	}
	if err := s.CreateIncident(ctx, &inc, template); err != nil {
		return nil, err
	}
	if err := s.fillImported(ctx, &inc, rep); err != nil {
		// Undo as the system: the importer may create but not delete.
		if derr := s.store.DeleteIncident(ctx, inc.ID); derr != nil {
			return nil, errors.Join(err, fmt.Errorf("remove the partly imported incident %d: %w", inc.ID, derr))
		}
		return nil, err
	}
	return s.FindIncidentByID(ctx, inc.ID)
}

func (s *Service) fillImported(ctx context.Context, inc *debrief.Incident, rep *debrief.Report) error {
	// Access is decided once for the whole file, not once per event: a
	// postmortem can hold hundreds of events, all of the same incident.
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if _, _, err := s.editWriteUp(ctx, a, inc.ID, "incident.import", incidentObject(inc.ID)); err != nil {
		return err
	}
	if r := rep.Retrospective; r != nil {
		for i, sec := range r.Sections {
			if err := s.importSection(ctx, inc.ID, sec); err != nil {
				return prefixField(fmt.Sprintf("sections[%d]", i), err)
			}
		}
	}
	for i, ev := range rep.Events {
		e := *ev
		e.ID, e.Version, e.IncidentID = 0, 0, inc.ID
		if e.Source == "" {
			e.Source = "import"
		}
		if err := s.createEvent(ctx, a, &e); err != nil {
			return prefixField(fmt.Sprintf("events[%d]", i), err)
		}
	}
	for i, item := range rep.Actions {
		act := *item
		act.ID, act.Version, act.IncidentID = 0, 0, inc.ID
		act.OwnerID, act.Owner = nil, nil // people are matched by a later step
		if err := s.createAction(ctx, a, &act); err != nil {
			return prefixField(fmt.Sprintf("actions[%d]", i), err)
		}
	}
	return nil
}

// importSection writes one section's body: into the template's section of
// that key, or as a custom section when the template has none.
func (s *Service) importSection(ctx context.Context, incidentID int64, sec *debrief.Section) error {
	cur, err := s.FindSection(ctx, incidentID, sec.Key)
	switch {
	case debrief.ErrorCode(err) == debrief.ENOTFOUND:
		return s.CreateSection(ctx, incidentID, &debrief.Section{Key: sec.Key, Title: sec.Title, Body: sec.Body})
	case err != nil:
		return err
	}
	body := sec.Body
	_, err = s.UpdateSection(ctx, incidentID, sec.Key, debrief.SectionUpdate{Body: &body, Version: cur.Version})
	return err
}

// prefixField puts the part's position in front of a field error's field,
// so "at" in the third event reads "events[2].at".
func prefixField(prefix string, err error) error {
	var e *debrief.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	if out.Field != "" {
		out.Field = prefix + "." + out.Field
	} else {
		out.Field = prefix
	}
	return &out
}
