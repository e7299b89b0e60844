package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// Ticket sync: what a tracker (GitHub Issues, Jira) says about an action
// item's ticket, applied by the rules. The transport is package tracker;
// the decisions are here, so that a webhook and a poll decide alike.
//
// The conflict rule: the last sync recorded the ticket's state and the
// item's status. When only the ticket changed since, its state (mapped by
// configuration) becomes the item's status; when only the item changed,
// Debrief is ahead and the ticket is updated from it; when both changed
// and disagree, the later change wins (the ticket's updated time against
// the item's), and a tie goes to Debrief. Every decision is kept in the
// item's history with both sides' values, and in the audit log.

// TicketSync is what a tracker reported about an item's ticket.
type TicketSync struct {
	Tracker string // "github", "jira"
	// URL and Key name a ticket just created for the item.
	URL, Key string
	// State is the ticket's state as the tracker names it; Status is what
	// it maps to ("" when the configuration maps it to nothing).
	State     string
	Status    debrief.ActionStatus
	UpdatedAt time.Time
	// Note, when set, is what the history says of a sync that decided
	// nothing (instead of "Synced with ...").
	Note string
}

// SyncResult says what a sync did.
type SyncResult struct {
	Action *debrief.Action
	// Push is set when Debrief is ahead: the ticket should be moved to
	// the item's status.
	Push bool
	// Note is the decision in words, as kept in the history ("" when
	// nothing needed deciding).
	Note string
}

// ApplyTicketSync records what the tracker said about the item's ticket
// and settles its status by the conflict rule.
func (s *Service) ApplyTicketSync(ctx context.Context, incidentID, id int64, ts TicketSync) (*SyncResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := inIncident("action", idString(id), incidentID)
	if err := s.refuse(ctx, a, "action.sync", obj, syncTickets(a)); err != nil {
		return nil, err
	}
	act, err := s.store.FindActionByID(ctx, incidentID, id)
	if err != nil {
		return nil, err
	}
	before, old := snapshot(act), *act
	res := &SyncResult{}
	if ts.URL != "" && act.TicketURL == "" {
		act.TicketURL = ts.URL
	}
	if ts.Key != "" && act.TicketKey == "" {
		act.TicketKey = ts.Key
	}
	key := act.TicketKey
	if key == "" {
		key = act.TicketURL
	}
	first := act.TicketState == "" && act.SyncedStatus == ""
	trackerChanged := ts.State != act.TicketState
	debriefChanged := !first && act.Status != act.SyncedStatus
	want := ts.Status
	switch {
	case want == "" || want == act.Status:
		// Nothing to settle: the ticket agrees, or its state means nothing here.
		if debriefChanged && want != act.Status {
			res.Push = true
		}
	case trackerChanged && !debriefChanged:
		res.Note = s.moveFromTicket(act, want, ts, key, fmt.Sprintf("The ticket %s is now %q in %s", key, ts.State, ts.Tracker))
	case !trackerChanged:
		// Only Debrief changed: the ticket follows.
		res.Push = true
	default:
		// Both changed and they disagree: the later change wins.
		both := fmt.Sprintf("Sync conflict: the ticket %s became %q (%s, at %s) and the item became %s (at %s) since the last sync",
			key, ts.State, ts.Tracker, ts.UpdatedAt.UTC().Format(time.RFC3339), act.Status, act.UpdatedAt.UTC().Format(time.RFC3339))
		if ts.UpdatedAt.After(act.UpdatedAt) {
			res.Note = s.moveFromTicket(act, want, ts, key, both+"; the later change wins: the ticket's")
		} else {
			res.Note = both + "; the later change wins: Debrief's, so the ticket follows it (" + string(act.Status) + ")"
			res.Push = true
		}
	}
	now := s.now().UTC()
	act.TicketState, act.SyncedStatus = ts.State, act.Status
	act.SyncState, act.SyncError, act.SyncedAt = debrief.SyncOK, "", &now
	if act.Status != old.Status {
		s.followupDefaults(a, act, &old)
	}
	ch := changeOf(a, &old, act, &res.Note)
	if ch.Note == "" {
		ch.Note = "Synced with " + ts.Tracker + " " + key
		if ts.Note != "" {
			ch.Note = ts.Note
		}
	}
	if err := s.store.UpdateActionLogged(ctx, act, ch); err != nil {
		return nil, err
	}
	got, err := s.store.FindActionByID(ctx, incidentID, id)
	if err != nil {
		return nil, err
	}
	s.changed(ctx, a, "action.sync", obj, before, got)
	markOverdue(s.today(), got)
	res.Action = got
	return res, s.fillAddresses(ctx, got)
}

// moveFromTicket moves act to the ticket's status when the lifecycle allows
// it, and says what it did.
func (s *Service) moveFromTicket(act *debrief.Action, want debrief.ActionStatus, ts TicketSync, key, why string) string {
	if !CanMoveAction(act.Status, want) {
		return fmt.Sprintf("%s, which would make the item %s; an item cannot go from %s to %s, so it stays %s",
			why, want, act.Status, want, act.Status)
	}
	if want == debrief.ActionDropped && strings.TrimSpace(act.DropReason) == "" {
		act.DropReason = fmt.Sprintf("Closed as not planned in %s (%s).", ts.Tracker, key)
		act.DroppedBy = ts.Tracker + " " + key
	}
	from := act.Status
	act.Status = want
	return fmt.Sprintf("%s: the item moves from %s to %s", why, from, want)
}

// MarkSyncPending records that an exchange with the tracker failed and
// will be retried: the item says "sync pending" with the reason, and
// nothing else about it changes.
func (s *Service) MarkSyncPending(ctx context.Context, incidentID, id int64, reason string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	obj := inIncident("action", idString(id), incidentID)
	if err := s.refuse(ctx, a, "action.sync", obj, syncTickets(a)); err != nil {
		return err
	}
	act, err := s.store.FindActionByID(ctx, incidentID, id)
	if err != nil {
		return err
	}
	if act.SyncState == debrief.SyncPending && act.SyncError == reason {
		return nil
	}
	old := *act
	act.SyncState, act.SyncError = debrief.SyncPending, reason
	ch := changeOf(a, &old, act, &reason)
	ch.Note = "Sync pending: " + reason
	return s.store.UpdateActionLogged(ctx, act, ch)
}

// RequestTicket asks for a ticket to be made for an item in the tracker
// named: the item is marked "sync pending" until the job has made it.
func (s *Service) RequestTicket(ctx context.Context, incidentID, id int64, tracker string) (*debrief.Action, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := inIncident("action", idString(id), incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "action.ticket", obj); err != nil {
		return nil, err
	}
	act, err := s.store.FindActionByID(ctx, incidentID, id)
	if err != nil {
		return nil, err
	}
	if act.TicketURL != "" {
		return nil, debrief.FieldError("ticket_url", "is set already (%s): this item has its ticket.", act.TicketURL)
	}
	if s.tickets == nil {
		return nil, debrief.FieldError("tracker", "no tracker is configured on this server (see docs/tracker.md).")
	}
	if err := s.tickets(ctx, incidentID, id, tracker); err != nil {
		return nil, err
	}
	old := *act
	act.SyncState, act.SyncError = debrief.SyncPending, "Waiting for "+tracker+" to create the ticket."
	ch := changeOf(a, &old, act, nil)
	ch.Note = "Ticket requested in " + tracker
	if err := s.store.UpdateActionLogged(ctx, act, ch); err != nil {
		return nil, err
	}
	got, err := s.store.FindActionByID(ctx, incidentID, id)
	if err != nil {
		return nil, err
	}
	s.changed(ctx, a, "action.ticket", obj, snapshot(&old), got)
	return got, s.fillAddresses(ctx, got)
}

// TicketQueue queues the creation of a ticket for an item in a tracker;
// it returns an EINVALID error naming "tracker" for one it does not know.
type TicketQueue func(ctx context.Context, incidentID, id int64, tracker string) error

// WithTicketQueue sets how RequestTicket queues ticket creation (the
// tracker package's job); without it, requests are refused.
func WithTicketQueue(q TicketQueue) Option { return func(s *Service) { s.tickets = q } }

// SetTicketQueue sets the queue after New, for wiring that needs the
// service first.
func (s *Service) SetTicketQueue(q TicketQueue) { s.tickets = q }
