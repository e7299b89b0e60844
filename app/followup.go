package app

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// The follow-through of action items (issue #8): the lifecycle's rules on
// top of the status moves in actions.go, the history of every change,
// overdue marking, recurring links and the lookup from a ticket.
//
// The lifecycle: proposed (an idea from the review) -> planned (committed:
// an owner and a due date) -> in progress -> done -> optionally verified
// effective; or dropped, with a reason and who decided. Closing (done or
// dropped) stamps ClosedAt, which the completion rates measure; reopening
// clears it and any verification.

// MaxDroppedBy bounds who decided a drop (a name, or "the review meeting").
const MaxDroppedBy = 200

// displayName is how an item names the one who decided or verified: the
// user's name, as people say it, rather than the e-mail the audit keeps.
func displayName(a *debrief.Actor) string {
	if a.User != nil && a.User.Name != "" {
		return a.User.Name
	}
	return a.Name()
}

// today is the date overdue is judged against, in UTC: a due date is a
// calendar day, and a day late anywhere is a day late.
func (s *Service) today() string { return s.now().UTC().Format(time.DateOnly) }

// markOverdue sets Overdue on open items due before today.
func markOverdue(today string, acts ...*debrief.Action) {
	for _, a := range acts {
		a.Overdue = a.Status.IsOpen() && a.DueDate != "" && a.DueDate < today
	}
}

// checkCommitment refuses a planned item without an owner and a due date:
// planning is the commitment that someone does it by a date.
func checkCommitment(a *debrief.Action) error {
	if a.Status != debrief.ActionPlanned {
		return nil
	}
	if a.OwnerID == nil {
		return debrief.FieldError("owner_id", "is required to plan an action item: say who will do it.")
	}
	if a.DueDate == "" {
		return debrief.FieldError("due_date", "is required to plan an action item: say by when (YYYY-MM-DD).")
	}
	return nil
}

// followupDefaults fills what the rules derive: the ticket's key from its
// URL, ClosedAt when the item is closed (and before, the item as it was).
func (s *Service) followupDefaults(a *debrief.Actor, act, before *debrief.Action) {
	act.DroppedBy = strings.TrimSpace(act.DroppedBy)
	act.TicketKey = strings.TrimSpace(act.TicketKey)
	if act.TicketKey == "" || (before != nil && before.TicketURL != act.TicketURL && before.TicketKey == act.TicketKey) {
		if k := TicketKey(act.TicketURL); k != "" || act.TicketURL == "" {
			act.TicketKey = k
		}
	}
	closed := act.Status == debrief.ActionDone || act.Status == debrief.ActionDropped
	switch {
	case !closed:
		act.ClosedAt = nil
	case act.ClosedAt == nil || (before != nil && before.Status != act.Status):
		now := s.now().UTC()
		act.ClosedAt = &now
	}
	if act.Status != debrief.ActionDropped {
		act.DroppedBy = ""
	} else if act.DroppedBy == "" && before == nil {
		act.DroppedBy = displayName(a)
	}
	if act.Status != debrief.ActionDone {
		act.VerifiedAt, act.VerifiedBy, act.VerifiedNote = nil, "", ""
	}
}

// applyFollowup applies the follow-through fields of upd to act (changed
// from before by the rest of upd) and checks the lifecycle's rules.
func (s *Service) applyFollowup(a *debrief.Actor, before, act *debrief.Action, upd debrief.ActionUpdate) error {
	setString(&act.DroppedBy, upd.DroppedBy)
	setString(&act.TicketKey, upd.TicketKey)
	if act.Status == debrief.ActionDropped && before.Status != debrief.ActionDropped {
		if strings.TrimSpace(act.DropReason) == "" {
			return debrief.FieldError("drop_reason", "is required to drop an action item: say why, so readers know it was a decision.")
		}
		// Who decided is always recorded: the one making the change, unless
		// they name someone else (a manager, "the review meeting").
		if strings.TrimSpace(act.DroppedBy) == "" {
			act.DroppedBy = displayName(a)
		}
		if strings.TrimSpace(act.DroppedBy) == "" {
			return debrief.FieldError("dropped_by", "is required to drop an action item: say who decided (a person, or the review meeting).")
		}
	}
	// Planning needs its commitment; so does changing the owner or date of
	// a planned item (an item planned before the rule keeps its state
	// until someone touches them).
	if act.Status == debrief.ActionPlanned && (before.Status != debrief.ActionPlanned || upd.OwnerID != nil || upd.DueDate != nil) {
		if err := checkCommitment(act); err != nil {
			return err
		}
	}
	if upd.Verified != nil {
		if *upd.Verified && act.Status != debrief.ActionDone {
			return debrief.FieldError("verified", "only a done action item can be verified effective (this one is %s).", act.Status)
		}
		switch {
		case *upd.Verified && act.VerifiedAt == nil:
			now := s.now().UTC()
			act.VerifiedAt, act.VerifiedBy = &now, displayName(a)
		case !*upd.Verified:
			act.VerifiedAt, act.VerifiedBy, act.VerifiedNote = nil, "", ""
		}
	}
	if upd.VerifiedNote != nil {
		if act.VerifiedAt == nil && strings.TrimSpace(*upd.VerifiedNote) != "" {
			return debrief.FieldError("verified_note", "needs the item verified effective (verified: true).")
		}
		act.VerifiedNote = *upd.VerifiedNote
	}
	s.followupDefaults(a, act, before)
	return nil
}

// checkFollowupFilter refuses filters that can match nothing by mistake.
func checkFollowupFilter(f *debrief.FollowupFilter) error {
	var c checker
	if f.Priority != nil {
		c.oneOf("priority", *f.Priority, debrief.Priorities)
	}
	if f.DueBefore != nil && !dateRE.MatchString(*f.DueBefore) {
		c.fail("due_before", "must be a date as YYYY-MM-DD (got %q).", *f.DueBefore)
	}
	return c.err
}

// validateFollowup checks the follow-through fields' shape.
func validateFollowup(c *checker, a *debrief.Action) {
	c.text("dropped_by", a.DroppedBy, false, MaxDroppedBy)
	c.text("verified_note", a.VerifiedNote, false, MaxActionText)
	c.text("ticket_key", a.TicketKey, false, MaxDroppedBy)
}

// changeOf is the history entry for the change from before to after.
func changeOf(a *debrief.Actor, before, after *debrief.Action, note *string) *debrief.ActionChange {
	ch := &debrief.ActionChange{ActorID: nonZero(a.UserID()), Actor: a.Name(), FromStatus: before.Status, ToStatus: after.Status}
	if note != nil {
		ch.Note = strings.TrimSpace(*note)
	}
	owner := func(id *int64) string {
		if id == nil {
			return ""
		}
		return idString(*id)
	}
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	fields := []struct{ name, from, to string }{
		{"title", before.Title, after.Title},
		{"description", before.Description, after.Description},
		{"definition_of_done", before.DefinitionOfDone, after.DefinitionOfDone},
		{"owner_id", owner(before.OwnerID), owner(after.OwnerID)},
		{"priority", before.Priority, after.Priority},
		{"due_date", before.DueDate, after.DueDate},
		{"status", string(before.Status), string(after.Status)},
		{"drop_reason", before.DropReason, after.DropReason},
		{"dropped_by", before.DroppedBy, after.DroppedBy},
		{"ticket_url", before.TicketURL, after.TicketURL},
		{"ticket_key", before.TicketKey, after.TicketKey},
		{"verified_at", stamp(before.VerifiedAt), stamp(after.VerifiedAt)},
		{"verified_note", before.VerifiedNote, after.VerifiedNote},
	}
	for _, f := range fields {
		if f.from != f.to {
			ch.Changes = append(ch.Changes, debrief.FieldChange{Field: f.name, From: f.from, To: f.to})
		}
	}
	return ch
}

var (
	jiraKeyRE    = regexp.MustCompile(`^[A-Z][A-Z0-9_]+-[0-9]+$`)
	githubPathRE = regexp.MustCompile(`^/([^/]+)/([^/]+)/(?:issues|pull)/([0-9]+)/?$`)
)

// TicketKey returns the key a tracker gives the ticket at u: OPS-123 for
// a Jira /browse/OPS-123 (or ?selectedIssue=OPS-123) link, owner/repo#12
// for a GitHub issue or pull request; "" when u is neither.
func TicketKey(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || p.Host == "" {
		return ""
	}
	if m := githubPathRE.FindStringSubmatch(p.Path); m != nil && strings.Contains(p.Host, "github") {
		return m[1] + "/" + m[2] + "#" + m[3]
	}
	if k := p.Query().Get("selectedIssue"); jiraKeyRE.MatchString(k) {
		return k
	}
	if i := strings.LastIndex(p.Path, "/browse/"); i >= 0 {
		if k := strings.Trim(p.Path[i+len("/browse/"):], "/"); jiraKeyRE.MatchString(k) {
			return k
		}
	}
	return ""
}

// NormalizeTicket turns what a user typed to find a ticket (a key, or a
// URL) into what the store matches: the key when one can be read from a
// URL, the text as given otherwise.
func NormalizeTicket(s string) string {
	s = strings.TrimSpace(s)
	if k := TicketKey(s); k != "" {
		return k
	}
	return s
}

// FindActionHistory returns every change of an action item, oldest first,
// to whoever may read the item.
func (s *Service) FindActionHistory(ctx context.Context, incidentID, id int64) ([]*debrief.ActionChange, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writeUp(ctx, a, incidentID); err != nil {
		return nil, err
	}
	return s.store.FindActionHistory(ctx, incidentID, id)
}

// LinkAction links the action item actionID of incident actionIncidentID
// from the retrospective of incidentID: a recommendation that recurs, one
// tracking item for a problem that keeps causing incidents.
func (s *Service) LinkAction(ctx context.Context, incidentID, actionIncidentID, actionID int64) error {
	return s.link(ctx, "action.link", incidentID, actionIncidentID, actionID)
}

// UnlinkAction removes a link made by LinkAction.
func (s *Service) UnlinkAction(ctx context.Context, incidentID, actionIncidentID, actionID int64) error {
	return s.link(ctx, "action.unlink", incidentID, actionIncidentID, actionID)
}

func (s *Service) link(ctx context.Context, action string, incidentID, actionIncidentID, actionID int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	obj := inIncident("action", idString(actionID), incidentID)
	inc, r, err := s.loadWriteUp(ctx, incidentID)
	if err != nil {
		return err
	}
	from, fromR, err := s.loadWriteUp(ctx, actionIncidentID)
	if err != nil {
		return err
	}
	if err := s.refuse(ctx, a, action, obj, linkAction(a, inc, r, from, fromR)); err != nil {
		return err
	}
	act, err := s.store.FindActionByID(ctx, actionIncidentID, actionID)
	if err != nil {
		return err
	}
	if actionIncidentID == incidentID {
		return debrief.FieldError("action_id", "belongs to this incident already; link items of other incidents.")
	}
	if action == "action.link" {
		if slices.Contains(act.LinkedIncidentIDs, incidentID) {
			return nil
		}
		err = s.store.LinkAction(ctx, incidentID, actionID)
	} else {
		err = s.store.UnlinkAction(ctx, incidentID, actionID)
	}
	if err != nil {
		return err
	}
	after, err := s.store.FindActionByID(ctx, actionIncidentID, actionID)
	if err != nil {
		return err
	}
	s.changed(ctx, a, action, obj, snapshot(act), after)
	return nil
}

// FindLinkedActions returns the action items of other incidents that the
// retrospective of incidentID links as recurring, those the actor may read.
func (s *Service) FindLinkedActions(ctx context.Context, incidentID int64) ([]*debrief.Action, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writeUp(ctx, a, incidentID); err != nil {
		return nil, err
	}
	f := debrief.ActionFilter{Limit: 1000, FollowupFilter: debrief.FollowupFilter{LinkedTo: &incidentID, Visible: actionVisibility(a)}}
	items, _, err := s.store.FindActions(ctx, f)
	if err != nil {
		return nil, err
	}
	markOverdue(s.today(), items...)
	return items, s.fillAddresses(ctx, items...)
}

var _ debrief.FollowupService = (*Service)(nil)
