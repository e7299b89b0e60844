package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// FindIncidentByID returns one incident; one the actor may not see is not
// found, exactly like a missing one.
func (s *Service) FindIncidentByID(ctx context.Context, id int64) (*debrief.Incident, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	return s.incident(ctx, a, id)
}

// FindIncidents returns a page of the incidents the actor may see and the
// total of them matching.
func (s *Service) FindIncidents(ctx context.Context, f debrief.IncidentFilter) ([]*debrief.Incident, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := checkPage(f.Offset, f.Limit); err != nil {
		return nil, 0, err
	}
	f.Visible = visibleFilter(a) // whatever the caller set
	return s.store.FindIncidents(ctx, f)
}

// CreateIncident validates inc, fills defaults, and stores it together with
// a retrospective laid out from the named template. The team must exist and
// the actor be allowed to open incidents for it; the incident's visibility
// defaults to the team's.
func (s *Service) CreateIncident(ctx context.Context, inc *debrief.Incident, template string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	inc.Team = strings.TrimSpace(inc.Team)
	if inc.Team == "" {
		return debrief.FieldError("team", "is required: the slug of the team that owns the incident.")
	}
	if err := s.refuse(ctx, a, "incident.create", object{typ: "incident"}, createInTeam(a, inc.Team)); err != nil {
		return err
	}
	team, err := s.team(ctx, inc.Team)
	if err != nil {
		return err
	}
	if inc.Status == "" {
		inc.Status = debrief.IncidentActive
	}
	if inc.Severity == "" {
		inc.Severity = s.severities[len(s.severities)-1]
	}
	if inc.TimeZone == "" {
		inc.TimeZone = "UTC"
	}
	if inc.Visibility == "" {
		inc.Visibility = team.DefaultVisibility
	}
	if inc.Services == nil {
		inc.Services = []string{}
	}
	if inc.Responders == nil {
		inc.Responders = []debrief.Responder{}
	}
	if inc.CommanderID != nil {
		inc.CommanderID = nonZero(*inc.CommanderID) // 0 means none, as in updates
	}
	if err := s.validateIncident(ctx, inc); err != nil {
		return err
	}
	// The rules choose the template when the caller names none; the
	// retrospective keeps the edition it began with.
	tpl, err := s.chooseTemplate(ctx, inc, template)
	if err != nil {
		return err
	}
	retro := &debrief.Retrospective{Template: tpl.Name, TemplateTeam: tpl.Team, TemplateVersion: tpl.Version,
		Status: debrief.RetroDraft, Readers: []int64{}}
	for i, ts := range tpl.Sections {
		retro.Sections = append(retro.Sections, &debrief.Section{
			Key: ts.Key, Title: ts.Title, Kind: ts.Kind, Position: i,
			Optional: ts.Optional, Guidance: ts.Guidance,
		})
	}
	if err := s.store.CreateIncident(ctx, inc, retro); err != nil {
		return err
	}
	s.changed(ctx, a, "incident.create", incidentObject(inc.ID), nil, inc)
	return nil
}

// UpdateIncident applies upd to the incident if upd.Version is current.
// Moving it to another team needs the right to open incidents there too.
func (s *Service) UpdateIncident(ctx context.Context, id int64, upd debrief.IncidentUpdate) (*debrief.Incident, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.store.FindIncidentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	const action = "incident.update"
	if err := s.refuse(ctx, a, action, incidentObject(id), editIncident(a, inc)); err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	before := snapshot(inc)
	if v := upd.Team; v != nil && strings.TrimSpace(*v) != inc.Team {
		team := strings.TrimSpace(*v)
		if team == "" {
			return nil, debrief.FieldError("team", "is required: the slug of the team that owns the incident.")
		}
		if err := s.refuse(ctx, a, action, incidentObject(id), createInTeam(a, team)); err != nil {
			return nil, err
		}
		if _, err := s.team(ctx, team); err != nil {
			return nil, err
		}
		inc.Team = team
	}
	if v := upd.Title; v != nil {
		inc.Title = *v
	}
	if v := upd.Visibility; v != nil {
		inc.Visibility = *v
	}
	if v := upd.Type; v != nil {
		inc.Type = *v
	}
	if v := upd.RetroRequested; v != nil {
		inc.RetroRequested = *v
	}
	if v := upd.Severity; v != nil {
		inc.Severity = *v
	}
	if v := upd.Status; v != nil {
		inc.Status = *v
	}
	if v := upd.Services; v != nil {
		inc.Services = *v
	}
	if v := upd.TimeZone; v != nil {
		inc.TimeZone = *v
	}
	if v := upd.Milestones; v != nil {
		inc.Milestones = *v
	}
	if v := upd.CommanderID; v != nil {
		inc.CommanderID = nonZero(*v)
	}
	if v := upd.Responders; v != nil {
		inc.Responders = *v
	}
	if err := s.validateIncident(ctx, inc); err != nil {
		return nil, err
	}
	// The store writes only if this is still the version the caller read:
	// a change made since is never overwritten.
	inc.Version = upd.Version
	if err := s.store.UpdateIncident(ctx, inc); err != nil {
		return nil, err
	}
	got, err := s.store.FindIncidentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.changed(ctx, a, action, incidentObject(id), before, got)
	return got, nil
}

// DeleteIncident removes an incident and everything that belongs to it.
// Since that includes the write-up, the actor must be allowed to change the
// write-up too (a restricted one is not deleted by someone who may not read
// it).
func (s *Service) DeleteIncident(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	inc, r, err := s.loadWriteUp(ctx, id)
	if err != nil {
		return err
	}
	if err := s.refuse(ctx, a, "incident.delete", incidentObject(id), editRetrospective(a, inc, r)); err != nil {
		return err
	}
	if err := s.store.DeleteIncident(ctx, id); err != nil {
		return err
	}
	s.changed(ctx, a, "incident.delete", incidentObject(id), snapshot(inc), nil)
	return nil
}

// incident returns the incident a may see: ENOTFOUND when it is missing
// or hidden from a, in the same words.
func (s *Service) incident(ctx context.Context, a *debrief.Actor, id int64) (*debrief.Incident, error) {
	inc, err := s.store.FindIncidentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := seeIncident(a, inc); err != nil {
		return nil, err
	}
	return inc, nil
}

// loadWriteUp returns an incident and its retrospective, unchecked: the
// caller asks the policy.
func (s *Service) loadWriteUp(ctx context.Context, id int64) (*debrief.Incident, *debrief.Retrospective, error) {
	inc, err := s.store.FindIncidentByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.store.FindRetrospective(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return inc, r, nil
}

// writeUp returns an incident and its retrospective when a may read the
// write-up, timeline and action items.
func (s *Service) writeUp(ctx context.Context, a *debrief.Actor, id int64) (*debrief.Incident, *debrief.Retrospective, error) {
	inc, err := s.incident(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.store.FindRetrospective(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := seeRetrospective(a, inc, r); err != nil {
		return nil, nil, err
	}
	return inc, r, nil
}

// editWriteUp returns an incident and its retrospective when a may change
// the write-up, timeline and action items; a refusal is audited as action.
func (s *Service) editWriteUp(ctx context.Context, a *debrief.Actor, id int64, action string, obj object) (*debrief.Incident, *debrief.Retrospective, error) {
	inc, r, err := s.loadWriteUp(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := s.refuse(ctx, a, action, obj, editRetrospective(a, inc, r)); err != nil {
		return nil, nil, err
	}
	return inc, r, nil
}

// team returns the team with the given slug, or an error about the "team"
// field.
func (s *Service) team(ctx context.Context, slug string) (*debrief.Team, error) {
	t, err := s.store.FindTeamBySlug(ctx, slug)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil, debrief.FieldError("team", "no team %q.", slug)
	}
	return t, err
}

func (s *Service) validateIncident(ctx context.Context, inc *debrief.Incident) error {
	var c checker
	inc.Title = strings.TrimSpace(inc.Title)
	c.text("title", inc.Title, true, MaxTitle)
	c.oneOf("severity", inc.Severity, s.severities)
	inc.Type = strings.TrimSpace(inc.Type)
	c.text("type", inc.Type, false, 60)
	c.oneOf("status", string(inc.Status), statusStrings(debrief.IncidentStatuses))
	c.text("team", inc.Team, true, MaxShortText)
	c.oneOf("visibility", string(inc.Visibility), []string{string(debrief.VisibleToTeam), string(debrief.VisibleToOrganization)})
	if len(inc.Services) > MaxServices {
		c.fail("services", "has %d entries, at most %d.", len(inc.Services), MaxServices)
	}
	for i, svc := range inc.Services {
		inc.Services[i] = strings.TrimSpace(svc)
		c.text(fmt.Sprintf("services[%d]", i), inc.Services[i], true, MaxShortText)
	}
	if _, err := time.LoadLocation(inc.TimeZone); err != nil || inc.TimeZone == "" || inc.TimeZone == "Local" {
		c.fail("time_zone", "must be an IANA time zone such as UTC or Europe/Copenhagen (got %q).", inc.TimeZone)
	}
	c.milestones(&inc.Milestones)
	if c.err != nil {
		return c.err
	}
	if inc.CommanderID != nil {
		if err := s.personExists(ctx, "commander_id", *inc.CommanderID); err != nil {
			return err
		}
	}
	if len(inc.Responders) > MaxResponders {
		return debrief.FieldError("responders", "has %d entries, at most %d.", len(inc.Responders), MaxResponders)
	}
	seen := map[int64]bool{}
	for i, r := range inc.Responders {
		field := fmt.Sprintf("responders[%d]", i)
		c.text(field+".role", r.Role, true, MaxShortText)
		if c.err != nil {
			return c.err
		}
		if seen[r.PersonID] {
			return debrief.FieldError(field+".person_id", "person %d is listed twice.", r.PersonID)
		}
		seen[r.PersonID] = true
		if err := s.personExists(ctx, field+".person_id", r.PersonID); err != nil {
			return err
		}
	}
	return nil
}

// milestones refuses a milestone before the start, and a resolution before
// the mitigation: times like that are typing mistakes, and every duration
// shown would be wrong.
func (c *checker) milestones(m *debrief.Milestones) {
	for _, name := range debrief.MilestoneNames {
		if t := m.Get(name); t != nil {
			m.Set(name, t) // normalise to UTC
		}
	}
	if m.Started != nil {
		for _, name := range debrief.MilestoneNames[1:] {
			if t := m.Get(name); t != nil && t.Before(*m.Started) {
				c.fail("milestones."+name, "is before the incident started.")
			}
		}
	}
	if m.Mitigated != nil && m.Resolved != nil && m.Resolved.Before(*m.Mitigated) {
		c.fail("milestones.resolved", "is before the incident was mitigated.")
	}
}

func (s *Service) personExists(ctx context.Context, field string, id int64) error {
	if _, err := s.store.FindPersonByID(ctx, id); debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return debrief.FieldError(field, "no person with id %d.", id)
	} else if err != nil {
		return err
	}
	return nil
}

func nonZero(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
