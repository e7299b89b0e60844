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
// nothing: every part, the people the file adds to the directory and the
// audit entries of the changes are written in one transaction, rolled back
// when any part is refused, and the error names the part. Access is
// decided as for creating an incident in rep.Incident.Team.
func (s *Service) ImportReport(ctx context.Context, rep *debrief.Report) (*debrief.Incident, error) {
	if rep == nil || rep.Incident == nil {
		return nil, debrief.FieldError("incident", "is required.")
	}
	var id int64
	err := s.inTx(ctx, func(tx *Service) error {
		// tx is this import's own Service: the categories of the team
		// cannot change under it, and a file has many factors.
		tx.catCache = map[string][]string{}
		inc, err := tx.importReport(ctx, rep)
		if err != nil {
			return err
		}
		id = inc.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindIncidentByID(ctx, id)
}

// importReport is ImportReport inside its transaction.
func (s *Service) importReport(ctx context.Context, rep *debrief.Report) (*debrief.Incident, error) {
	inc := *rep.Incident
	inc.ID, inc.Version = 0, 0
	// An id in the file is another Debrief's; the people are matched by
	// who they are.
	inc.CommanderID = nil
	people := &peopleMatcher{s: s}
	if err := people.matchIncidentPeople(ctx, &inc); err != nil {
		return nil, err
	}
	template := ""
	if rep.Retrospective != nil {
		template = rep.Retrospective.Template
	}
	if template != "" {
		// A file from elsewhere may name a template this Debrief does
		// not have; then the rules choose, as for a new incident.
		if _, err := s.resolveTemplate(ctx, inc.Team, template); err != nil {
			template = ""
		}
	}
	if err := s.CreateIncident(ctx, &inc, template); err != nil {
		return nil, err
	}
	if err := s.fillImported(ctx, &inc, rep, people); err != nil {
		return nil, err
	}
	return &inc, nil
}

func (s *Service) fillImported(ctx context.Context, inc *debrief.Incident, rep *debrief.Report, people *peopleMatcher) error {
	// Access is decided once for the whole file, not once per event: a
	// postmortem can hold hundreds of events, all of the same incident.
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	_, retro, err := s.editWriteUp(ctx, a, inc.ID, "incident.import", incidentObject(inc.ID))
	if err != nil {
		return err
	}
	if r := rep.Retrospective; r != nil {
		seen := map[string]bool{}
		for i, sec := range r.Sections {
			// A second section of a key is refused, as the store refuses
			// it (the write-up loaded once would otherwise take it as
			// the first one's). A section without a key gets one from
			// its title, as in createSection.
			key := sec.Key
			if key == "" {
				key = debrief.Slug(sec.Title, 60)
			}
			if seen[key] {
				return &debrief.Error{Code: debrief.ECONFLICT, Field: fmt.Sprintf("sections[%d].key", i),
					Message: fmt.Sprintf("the file has a section %q already.", key)}
			}
			seen[key] = true
			if err := s.importSection(ctx, a, inc.ID, retro, sec); err != nil {
				return prefixField(fmt.Sprintf("sections[%d]", i), err)
			}
		}
		writer, err := people.match(ctx, r.Writer, "writer")
		if err != nil {
			return err
		}
		if writer != nil {
			if _, err := s.UpdateRetrospective(ctx, inc.ID, debrief.RetrospectiveUpdate{WriterID: writer, Version: retro.Version}); err != nil {
				return prefixField("writer", err)
			}
		}
	}
	// The timeline goes in as one write with one audit entry listing every
	// event: a postmortem can hold hundreds.
	events := make([]*debrief.Event, 0, len(rep.Events))
	for i, ev := range rep.Events {
		e := *ev
		e.ID, e.Version, e.IncidentID = 0, 0, inc.ID
		if e.Source == "" {
			e.Source = "import"
		}
		if e.Kind == "" {
			e.Kind = debrief.EventNote
		}
		if err := validateEvent(&e); err != nil {
			return prefixField(fmt.Sprintf("events[%d]", i), err)
		}
		events = append(events, &e)
	}
	if len(events) > 0 {
		if err := s.store.CreateEvents(ctx, events); err != nil {
			return err
		}
		s.changed(ctx, a, "event.import", inIncident("event", fmt.Sprintf("%d events", len(events)), inc.ID), nil, events)
	}
	// The analysis names events by the ids they had in the report.
	eventIDs := map[int64]int64{}
	for i, ev := range rep.Events {
		if ev.ID != 0 {
			eventIDs[ev.ID] = events[i].ID
		}
	}
	if err := s.importAnalysis(ctx, a, inc, rep.Analysis, eventIDs); err != nil {
		return err
	}
	for i, item := range rep.Actions {
		act := *item
		act.ID, act.Version, act.IncidentID = 0, 0, inc.ID
		owner, err := people.match(ctx, item.Owner, fmt.Sprintf("actions[%d].owner", i))
		if err != nil {
			return err
		}
		act.OwnerID, act.Owner = owner, nil
		if err := s.createAction(ctx, a, &act); err != nil {
			return prefixField(fmt.Sprintf("actions[%d]", i), err)
		}
		if err := s.importAddresses(ctx, a, &act, item.Addresses); err != nil {
			return prefixField(fmt.Sprintf("actions[%d]", i), err)
		}
	}
	return nil
}

// importSection writes one section's body: into the template's section of
// that key (found in retro, loaded once for the file), or as a custom
// section when the template has none.
func (s *Service) importSection(ctx context.Context, a *debrief.Actor, incidentID int64, retro *debrief.Retrospective, sec *debrief.Section) error {
	cur := retro.Section(sec.Key)
	if cur == nil {
		ns := &debrief.Section{Key: sec.Key, Title: sec.Title, Body: sec.Body}
		if err := s.createSection(ctx, a, incidentID, retro, ns); err != nil {
			return err
		}
		// Kept in the loaded write-up, so that its count of sections
		// (at most MaxSections) stays true.
		retro.Sections = append(retro.Sections, ns)
		return nil
	}
	var c checker
	c.text("body", sec.Body, false, MaxSectionBody)
	if c.err != nil {
		return c.err
	}
	before := snapshot(cur)
	next := *cur
	next.Body = sec.Body
	if err := s.store.UpdateSection(ctx, incidentID, &next); err != nil {
		return err
	}
	s.changed(ctx, a, "section.update", inIncident("section", sec.Key, incidentID), before, &next)
	return nil
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

// CheckPostmortemImport says whether the actor may import incidents into team, before
// any file is read: the same decision as for creating an incident there.
// A dry run stores nothing, so anyone signed in may make one; the team, when
// named, must exist. ImportReport decides again for each file (a file in
// Debrief's format may name another team).
func (s *Service) CheckPostmortemImport(ctx context.Context, team string, dryRun bool) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if dryRun && team == "" {
		return nil
	}
	if !dryRun {
		if err := canWrite(a); err != nil {
			return err
		}
	}
	if team == "" {
		return debrief.FieldError("team", "Choose the team the imported incidents belong to.")
	}
	if _, err := s.store.FindTeamBySlug(ctx, team); err != nil {
		if debrief.ErrorCode(err) == debrief.ENOTFOUND {
			return debrief.FieldError("team", "There is no team %q.", team)
		}
		return err
	}
	if dryRun {
		return nil
	}
	return createInTeam(a, team)
}
