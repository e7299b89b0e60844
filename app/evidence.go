package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// MaxOriginalID bounds an event's id in its source and its alert key.
const (
	MaxOriginalID = 300
	// MaxImportEvents bounds one import: a timeline is read by people.
	MaxImportEvents = 200_000
)

// checkEvidence validates the fields evidence adds to an event.
func checkEvidence(c *checker, ev *debrief.Event) {
	c.text("original_id", ev.OriginalID, false, MaxOriginalID)
	c.text("alert_key", ev.AlertKey, false, MaxOriginalID)
	if ev.Tag != "" {
		c.oneOf("tag", ev.Tag, debrief.EventTags)
	}
	for i, r := range ev.Refs {
		c.text(fmt.Sprintf("refs[%d].source", i), r.Source, true, MaxShortText)
		c.text(fmt.Sprintf("refs[%d].original_id", i), r.OriginalID, false, MaxOriginalID)
		c.link(fmt.Sprintf("refs[%d].url", i), r.URL)
	}
}

// ImportEvents takes evidence into an incident's timeline: events already
// there (the same source and original id) are left as they are, copies of
// an event from another source are merged into it with both references
// kept, and the rest is added. The whole import is one transaction with
// one audit entry: a refused event (named by its position) writes nothing.
func (s *Service) ImportEvents(ctx context.Context, incidentID int64, evs []*debrief.Event) (*debrief.ImportResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := inIncident("event", "import", incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "event.import", obj); err != nil {
		return nil, err
	}
	m, updates, sources, err := s.planImport(ctx, incidentID, evs)
	if err != nil {
		return nil, err
	}
	if len(m.creates) > 0 || len(updates) > 0 {
		if err := s.store.ImportEvents(ctx, m.creates, updates); err != nil {
			return nil, err
		}
		// One entry that says what the import did, not every event: an
		// import can hold a channel's hundred thousand messages.
		s.changed(ctx, a, "event.import", obj, nil, map[string]any{
			"sources": sources, "result": m.res, "merged_into": eventIDs(updates),
		})
	}
	res := m.res
	return &res, nil
}

// PreviewImport says what ImportEvents would do, and writes nothing. The
// caller must be allowed to import into the incident.
func (s *Service) PreviewImport(ctx context.Context, incidentID int64, evs []*debrief.Event) (*debrief.ImportResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "event.import", inIncident("event", "import", incidentID)); err != nil {
		return nil, err
	}
	m, _, _, err := s.planImport(ctx, incidentID, evs)
	if err != nil {
		return nil, err
	}
	res := m.res
	return &res, nil
}

// planImport validates evs and decides, against the timeline as stored,
// which are new, which merge into an event there and which are there.
func (s *Service) planImport(ctx context.Context, incidentID int64, evs []*debrief.Event) (*merger, []*debrief.Event, []string, error) {
	if len(evs) > MaxImportEvents {
		return nil, nil, nil, debrief.Errorf(debrief.ETOOLARGE, "The import holds %d events, at most %d: choose fewer channels or a shorter window.", len(evs), MaxImportEvents)
	}
	existing, err := s.store.FindAllEvents(ctx, incidentID)
	if err != nil {
		return nil, nil, nil, err
	}
	m := newMerger(existing)
	sources := map[string]bool{}
	for i, in := range evs {
		ev := *in
		ev.ID, ev.Version, ev.IncidentID, ev.Refs = 0, 0, incidentID, nil
		if ev.Kind == "" {
			ev.Kind = debrief.EventNote
		}
		if ev.Source == "" {
			ev.Source = "import"
		}
		if err := validateEvent(&ev); err != nil {
			return nil, nil, nil, prefixField(fmt.Sprintf("events[%d]", i), err)
		}
		sources[ev.Source] = true
		m.add(&ev)
	}
	var updates []*debrief.Event
	for _, ev := range existing {
		if m.updated[ev] {
			updates = append(updates, ev)
		}
	}
	return m, updates, slices.Sorted(mapKeys(sources)), nil
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func eventIDs(evs []*debrief.Event) []int64 {
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.ID
	}
	return ids
}

// AddNote adds a live note to an incident's timeline, now, by the actor.
func (s *Service) AddNote(ctx context.Context, incidentID int64, text string) (*debrief.Event, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	ev := &debrief.Event{IncidentID: incidentID, At: s.now(), Text: text, Source: "note", Kind: debrief.EventNote}
	if a.User != nil {
		ev.Author = a.User.Name
	}
	if err := s.CreateEvent(ctx, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// FindTimelineState returns whether the writer has confirmed the timeline.
func (s *Service) FindTimelineState(ctx context.Context, incidentID int64) (*debrief.TimelineState, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writeUp(ctx, a, incidentID); err != nil {
		return nil, err
	}
	return s.store.FindTimelineState(ctx, incidentID)
}

// ConfirmTimeline records the writer's sign-off on the timeline (or takes
// it back): the timeline is the story the write-up tells.
func (s *Service) ConfirmTimeline(ctx context.Context, incidentID int64, confirmed bool) (*debrief.TimelineState, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := inIncident("timeline", idString(incidentID), incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "timeline.confirm", obj); err != nil {
		return nil, err
	}
	before, err := s.store.FindTimelineState(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	st := &debrief.TimelineState{IncidentID: incidentID}
	if a.User != nil {
		st.ConfirmedBy = a.User.Name
	}
	if confirmed {
		now := s.now()
		st.ConfirmedAt = &now
	}
	if err := s.store.SetTimelineState(ctx, st); err != nil {
		return nil, err
	}
	s.changed(ctx, a, "timeline.confirm", obj, snapshot(before), st)
	return st, nil
}

// ProposeMilestones reads milestones from the evidence, for the writer to
// accept: detected is the first alert, acknowledged the first
// acknowledgement, mitigated the last event tagged repair (the repair that
// worked), resolved the last resolution of an alert, started a change
// (deploy) in the day before detection, and declared the first message
// saying the incident was declared (declared.go). Hidden events are left
// out.
func (s *Service) ProposeMilestones(ctx context.Context, incidentID int64) ([]debrief.ProposedMilestone, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	inc, _, err := s.writeUp(ctx, a, incidentID)
	if err != nil {
		return nil, err
	}
	evs, err := s.store.FindAllEvents(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	return proposeMilestones(inc, evs), nil
}

func proposeMilestones(inc *debrief.Incident, evs []*debrief.Event) []debrief.ProposedMilestone {
	found := map[string]debrief.ProposedMilestone{}
	set := func(name string, ev *debrief.Event, reason string, last bool) {
		if _, ok := found[name]; ok && !last {
			return
		}
		found[name] = debrief.ProposedMilestone{Name: name, At: ev.At, EventID: ev.ID, Reason: reason}
	}
	for _, ev := range evs {
		if ev.Hidden {
			continue
		}
		low := strings.ToLower(ev.Text)
		switch {
		case strings.HasSuffix(ev.AlertKey, "#resolve") || (ev.Kind == debrief.EventAlert || ev.Kind == debrief.EventPage) && (strings.HasPrefix(low, "resolved") || strings.HasPrefix(low, "closed") || strings.Contains(low, "alert closed")):
			set("resolved", ev, "the last resolution of an alert ("+ev.Source+")", true)
		case strings.HasSuffix(ev.AlertKey, "#ack") || strings.Contains(low, "acknowledged"):
			set("acknowledged", ev, "the first acknowledgement ("+ev.Source+")", false)
			set("detected", ev, "the first alert or page ("+ev.Source+")", false)
		case ev.Kind == debrief.EventAlert || ev.Kind == debrief.EventPage || ev.Tag == debrief.TagDetection:
			set("detected", ev, "the first alert or page ("+ev.Source+")", false)
		}
		if ev.Tag == debrief.TagRepair {
			set("mitigated", ev, "the last event tagged repair", true)
		}
		if declaresIncident(low) {
			set("declared", ev, "the first message declaring the incident ("+ev.Source+")", false)
		}
	}
	if d, ok := found["detected"]; ok {
		for _, ev := range evs {
			if !ev.Hidden && ev.Kind == debrief.EventDeploy && ev.At.Before(d.At) && d.At.Sub(ev.At) <= 24*time.Hour {
				set("started", ev, "a change in the day before the first alert (a guess: check it)", true)
			}
		}
	}
	var out []debrief.ProposedMilestone
	for _, name := range debrief.MilestoneNames {
		p, ok := found[name]
		if !ok {
			continue
		}
		p.Current = inc.Milestones.Get(name)
		out = append(out, p)
	}
	return out
}

// AcceptMilestones sets the named proposed milestones on the incident (as
// an incident update: the same rules, audit and version check).
func (s *Service) AcceptMilestones(ctx context.Context, incidentID int64, names []string, version int64) (*debrief.Incident, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	// Accepting reads the evidence and changes the incident: the write-up's
	// editors may, as for the timeline itself.
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "incident.update", incidentObject(incidentID)); err != nil {
		return nil, err
	}
	props, err := s.ProposeMilestones(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	inc, err := s.FindIncidentByID(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	ms := inc.Milestones
	for i, name := range names {
		ok := false
		for _, p := range props {
			if p.Name == name {
				at := p.At
				ms.Set(name, &at)
				ok = true
			}
		}
		if !ok {
			return nil, debrief.FieldError(fmt.Sprintf("names[%d]", i), "%q is not a proposed milestone.", name)
		}
	}
	return s.UpdateIncident(ctx, incidentID, debrief.IncidentUpdate{Milestones: &ms, Version: version})
}

// AlertRule says what the Alertmanager receiver does with alerts that no
// open incident matches: open one when the alert's severity label is in
// Severities, in the team of its "team" label or else Team.
type AlertRule struct {
	Severities []string
	Team       string
}

// ReceiveAlerts files an Alertmanager payload's events: into the open
// incident (active or mitigated) the labels match — a "debrief_incident"
// label naming it, or a "service" or "job" label among its services —
// or into a new incident when the rule says so. It returns the incident
// (nil when none matched and the rule opened none).
func (s *Service) ReceiveAlerts(ctx context.Context, labels map[string]string, title string, evs []*debrief.Event, rule AlertRule) (*debrief.Incident, *debrief.ImportResult, error) {
	if err := s.CheckAlerts(ctx); err != nil {
		return nil, nil, err
	}
	inc, err := s.matchIncident(ctx, labels)
	if err != nil {
		return nil, nil, err
	}
	if inc == nil {
		if !slices.Contains(rule.Severities, labels["severity"]) {
			return nil, &debrief.ImportResult{}, nil
		}
		team := labels["team"]
		if team == "" {
			team = rule.Team
		}
		if team == "" {
			return nil, nil, debrief.FieldError("labels.team", "no open incident matches, and neither the alert's team label nor the receiver's rule names a team to open one in.")
		}
		inc = &debrief.Incident{Title: title, Team: team, Status: debrief.IncidentActive}
		for _, k := range []string{"service", "job"} {
			if v := labels[k]; v != "" && !slices.Contains(inc.Services, v) {
				inc.Services = append(inc.Services, v)
			}
		}
		if err := s.CreateIncident(ctx, inc, ""); err != nil {
			return nil, nil, err
		}
	}
	res, err := s.ImportEvents(ctx, inc.ID, evs)
	if err != nil {
		return nil, nil, err
	}
	return inc, res, nil
}

func (s *Service) matchIncident(ctx context.Context, labels map[string]string) (*debrief.Incident, error) {
	if v := labels["debrief_incident"]; v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, debrief.FieldError("labels.debrief_incident", "%q is not an incident id.", v)
		}
		inc, err := s.FindIncidentByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return inc, nil
	}
	var best *debrief.Incident
	for _, st := range []debrief.IncidentStatus{debrief.IncidentActive, debrief.IncidentMitigated} {
		for _, k := range []string{"service", "job"} {
			v := labels[k]
			if v == "" {
				continue
			}
			incs, _, err := s.FindIncidents(ctx, debrief.IncidentFilter{Status: &st, Service: &v, Limit: 50})
			if err != nil {
				return nil, err
			}
			for _, inc := range incs {
				if best == nil || inc.CreatedAt.After(best.CreatedAt) {
					best = inc
				}
			}
		}
	}
	return best, nil
}

// CheckImport decides whether the caller may import evidence into the
// incident, before an upload is read: a refused caller's file is never
// stored, not even for a moment.
func (s *Service) CheckImport(ctx context.Context, incidentID int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	_, _, err = s.editWriteUp(ctx, a, incidentID, "event.import", inIncident("event", "import", incidentID))
	return err
}

// CheckAlerts decides whether the caller may post alerts to the receiver.
func (s *Service) CheckAlerts(ctx context.Context) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return s.refuse(ctx, a, "alerts.receive", object{typ: "alerts"}, receiveAlerts(a))
}
