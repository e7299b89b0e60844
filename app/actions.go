package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// actionMoves lists the status changes an action item may make. Done and
// dropped items can be reopened: a fix that did not hold is work again.
var actionMoves = map[debrief.ActionStatus][]debrief.ActionStatus{
	debrief.ActionProposed:   {debrief.ActionPlanned, debrief.ActionInProgress, debrief.ActionDone, debrief.ActionDropped},
	debrief.ActionPlanned:    {debrief.ActionProposed, debrief.ActionInProgress, debrief.ActionDone, debrief.ActionDropped},
	debrief.ActionInProgress: {debrief.ActionPlanned, debrief.ActionDone, debrief.ActionDropped},
	debrief.ActionDone:       {debrief.ActionInProgress},
	debrief.ActionDropped:    {debrief.ActionProposed, debrief.ActionPlanned},
}

// CanMoveAction reports whether an action item may go from one status to another.
func CanMoveAction(from, to debrief.ActionStatus) bool {
	return from == to || slices.Contains(actionMoves[from], to)
}

// FindActionByID returns one action item. Action items are part of the
// write-up: a restricted one shows them only to its readers.
func (s *Service) FindActionByID(ctx context.Context, incidentID, id int64) (*debrief.Action, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writeUp(ctx, a, incidentID); err != nil {
		return nil, err
	}
	act, err := s.store.FindActionByID(ctx, incidentID, id)
	if err != nil {
		return nil, err
	}
	markOverdue(s.today(), act)
	return act, s.fillAddresses(ctx, act)
}

// FindActions returns a page of action items and the total matching.
//
// With an incident, the actor must be allowed to read its write-up. Across
// incidents, the store keeps only the items the actor may read, by the
// visibility that actionVisibility (authz.go) decides: the page and the
// total are exact and cut in SQL, whoever asks.
func (s *Service) FindActions(ctx context.Context, f debrief.ActionFilter) ([]*debrief.Action, int, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := checkPage(f.Offset, f.Limit); err != nil {
		return nil, 0, err
	}
	if err := checkFollowupFilter(&f.FollowupFilter); err != nil {
		return nil, 0, err
	}
	if f.IncidentID != nil {
		if _, _, err := s.writeUp(ctx, a, *f.IncidentID); err != nil {
			return nil, 0, err
		}
	}
	f.Visible = actionVisibility(a)
	f.Today = s.today()
	if f.Ticket != nil {
		t := NormalizeTicket(*f.Ticket)
		f.Ticket = &t
	}
	items, total, err := s.store.FindActions(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	markOverdue(f.Today, items...)
	return items, total, s.fillAddresses(ctx, items...)
}

// CreateAction adds an action item to an incident.
func (s *Service) CreateAction(ctx context.Context, act *debrief.Action) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if _, _, err := s.editWriteUp(ctx, a, act.IncidentID, "action.create", inIncident("action", "", act.IncidentID)); err != nil {
		return err
	}
	if err := checkCommitment(act); err != nil {
		return err
	}
	return s.createAction(ctx, a, act)
}

// createAction stores an action item whose incident a may change (the
// caller has decided that): defaults, validation, the write and its audit
// entry.
func (s *Service) createAction(ctx context.Context, a *debrief.Actor, act *debrief.Action) error {
	if act.Status == "" {
		act.Status = debrief.ActionProposed
	}
	if act.Priority == "" {
		act.Priority = "medium"
	}
	if act.OwnerID != nil {
		act.OwnerID = nonZero(*act.OwnerID) // 0 means none, as in updates
	}
	s.followupDefaults(a, act, nil)
	if err := s.validateAction(ctx, act); err != nil {
		return err
	}
	ch := &debrief.ActionChange{ActorID: nonZero(a.UserID()), Actor: a.Name(), ToStatus: act.Status, Note: "created"}
	if err := s.store.CreateActionLogged(ctx, act, ch); err != nil {
		return err
	}
	act.Addresses = []string{} // a new action addresses nothing yet
	markOverdue(s.today(), act)
	s.changed(ctx, a, "action.create", inIncident("action", idString(act.ID), act.IncidentID), nil, act)
	return nil
}

// UpdateAction applies upd to an action item if upd.Version is current.
func (s *Service) UpdateAction(ctx context.Context, incidentID, id int64, upd debrief.ActionUpdate) (*debrief.Action, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := inIncident("action", idString(id), incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "action.update", obj); err != nil {
		return nil, err
	}
	act, err := s.store.FindActionByID(ctx, incidentID, id)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	// A stale change is a conflict before it is anything else: the rules
	// below judge the item as it is now, which the caller has not seen.
	if upd.Version != act.Version {
		return nil, debrief.Errorf(debrief.ECONFLICT,
			"Action %d was changed by someone else (version %d, yours is %d); reload it and try again.", id, act.Version, upd.Version)
	}
	before := snapshot(act)
	old := *act
	setString(&act.Title, upd.Title)
	setString(&act.Description, upd.Description)
	setString(&act.DefinitionOfDone, upd.DefinitionOfDone)
	setString(&act.Priority, upd.Priority)
	setString(&act.DueDate, upd.DueDate)
	setString(&act.TicketURL, upd.TicketURL)
	setString(&act.DropReason, upd.DropReason)
	if upd.OwnerID != nil {
		act.OwnerID = nonZero(*upd.OwnerID)
	}
	if upd.Status != nil && *upd.Status != act.Status {
		var c checker
		c.oneOf("status", string(*upd.Status), statusStrings(debrief.ActionStatuses))
		if c.err != nil {
			return nil, c.err
		}
		if !CanMoveAction(act.Status, *upd.Status) {
			return nil, debrief.FieldError("status", "cannot go from %s to %s.", act.Status, *upd.Status)
		}
		if act.Status == debrief.ActionDropped && upd.DropReason == nil {
			act.DropReason = "" // reopened: the old reason no longer applies
		}
		act.Status = *upd.Status
	}
	if err := s.applyFollowup(a, &old, act, upd); err != nil {
		return nil, err
	}
	if err := s.validateAction(ctx, act); err != nil {
		return nil, err
	}
	act.Version = upd.Version
	ch := changeOf(a, &old, act, upd.Note)
	if err := s.store.UpdateActionLogged(ctx, act, ch); err != nil {
		return nil, err
	}
	got, err := withAddresses(s, ctx)(s.store.FindActionByID(ctx, incidentID, id))
	if err != nil {
		return nil, err
	}
	markOverdue(s.today(), got)
	s.changed(ctx, a, "action.update", obj, before, got)
	return got, nil
}

// DeleteAction removes an action item. Dropping it (with a reason) keeps the
// record and is usually what a team wants.
func (s *Service) DeleteAction(ctx context.Context, incidentID, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	obj := inIncident("action", idString(id), incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "action.delete", obj); err != nil {
		return err
	}
	act, err := s.store.FindActionByID(ctx, incidentID, id)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAction(ctx, incidentID, id); err != nil {
		return err
	}
	s.changed(ctx, a, "action.delete", obj, snapshot(act), nil)
	return nil
}

func (s *Service) validateAction(ctx context.Context, a *debrief.Action) error {
	var c checker
	a.Title = strings.TrimSpace(a.Title)
	a.DropReason = strings.TrimSpace(a.DropReason)
	c.text("title", a.Title, true, MaxTitle)
	c.text("description", a.Description, false, MaxActionText)
	c.text("definition_of_done", a.DefinitionOfDone, false, MaxActionText)
	c.oneOf("priority", a.Priority, debrief.Priorities)
	c.oneOf("status", string(a.Status), statusStrings(debrief.ActionStatuses))
	if a.DueDate != "" {
		if _, err := time.Parse(time.DateOnly, a.DueDate); err != nil || !dateRE.MatchString(a.DueDate) {
			c.fail("due_date", "must be a date as YYYY-MM-DD (got %q).", a.DueDate)
		}
	}
	c.link("ticket_url", a.TicketURL)
	c.text("drop_reason", a.DropReason, a.Status == debrief.ActionDropped, MaxActionText)
	validateFollowup(&c, a)
	if c.err != nil {
		if debrief.ErrorField(c.err) == "drop_reason" && a.DropReason == "" {
			return debrief.FieldError("drop_reason", "is required to drop an action item: say why, so readers know it was a decision.")
		}
		return c.err
	}
	if a.OwnerID != nil {
		return s.personExists(ctx, "owner_id", *a.OwnerID)
	}
	return nil
}

// CountActions counts the action items of each of the incidents, for a
// page of the incident list, in one query. Incidents whose items the actor
// may not read (a restricted write-up) are left out, as FindActions leaves
// their items out; the visibility is actionVisibility's (authz.go).
func (s *Service) CountActions(ctx context.Context, incidentIDs []int64) (map[int64]debrief.ActionCounts, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	return s.store.CountActionsByIncident(ctx, incidentIDs, actionVisibility(a))
}
