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

// FindActionByID returns one action item.
func (s *Service) FindActionByID(ctx context.Context, incidentID, id int64) (*debrief.Action, error) {
	return s.store.FindActionByID(ctx, incidentID, id)
}

// FindActions returns a page of action items and the total matching.
func (s *Service) FindActions(ctx context.Context, f debrief.ActionFilter) ([]*debrief.Action, int, error) {
	if err := checkPage(f.Offset, f.Limit); err != nil {
		return nil, 0, err
	}
	if f.IncidentID != nil {
		if _, err := s.store.FindIncidentByID(ctx, *f.IncidentID); err != nil {
			return nil, 0, err
		}
	}
	return s.store.FindActions(ctx, f)
}

// CreateAction adds an action item to an incident.
func (s *Service) CreateAction(ctx context.Context, a *debrief.Action) error {
	if a.Status == "" {
		a.Status = debrief.ActionProposed
	}
	if a.Priority == "" {
		a.Priority = "medium"
	}
	if a.OwnerID != nil {
		a.OwnerID = nonZero(*a.OwnerID) // 0 means none, as in updates
	}
	if _, err := s.store.FindIncidentByID(ctx, a.IncidentID); err != nil {
		return err
	}
	if err := s.validateAction(ctx, a); err != nil {
		return err
	}
	return s.store.CreateAction(ctx, a)
}

// UpdateAction applies upd to an action item if upd.Version is current.
func (s *Service) UpdateAction(ctx context.Context, incidentID, id int64, upd debrief.ActionUpdate) (*debrief.Action, error) {
	a, err := s.store.FindActionByID(ctx, incidentID, id)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	setString(&a.Title, upd.Title)
	setString(&a.Description, upd.Description)
	setString(&a.DefinitionOfDone, upd.DefinitionOfDone)
	setString(&a.Priority, upd.Priority)
	setString(&a.DueDate, upd.DueDate)
	setString(&a.TicketURL, upd.TicketURL)
	setString(&a.DropReason, upd.DropReason)
	if upd.OwnerID != nil {
		a.OwnerID = nonZero(*upd.OwnerID)
	}
	if upd.Status != nil && *upd.Status != a.Status {
		var c checker
		c.oneOf("status", string(*upd.Status), statusStrings(debrief.ActionStatuses))
		if c.err != nil {
			return nil, c.err
		}
		if !CanMoveAction(a.Status, *upd.Status) {
			return nil, debrief.FieldError("status", "cannot go from %s to %s.", a.Status, *upd.Status)
		}
		if a.Status == debrief.ActionDropped && upd.DropReason == nil {
			a.DropReason = "" // reopened: the old reason no longer applies
		}
		a.Status = *upd.Status
	}
	if err := s.validateAction(ctx, a); err != nil {
		return nil, err
	}
	a.Version = upd.Version
	if err := s.store.UpdateAction(ctx, a); err != nil {
		return nil, err
	}
	return s.store.FindActionByID(ctx, incidentID, id)
}

// DeleteAction removes an action item. Dropping it (with a reason) keeps the
// record and is usually what a team wants.
func (s *Service) DeleteAction(ctx context.Context, incidentID, id int64) error {
	return s.store.DeleteAction(ctx, incidentID, id)
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
