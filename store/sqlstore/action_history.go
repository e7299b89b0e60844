package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/debrief-oss/debrief"
)

// The follow-through of action items: the extra columns of migration 0006,
// the history of every change, the recurring links and the board's filters.
// The columns are written by their own statement inside the action's
// transaction, so the original INSERT and UPDATE stay as they were.

const followupCols = "a.dropped_by, a.verified_at, a.verified_by, a.verified_note, a.closed_at, " +
	"a.ticket_key, a.sync_state, a.sync_error, a.synced_at, a.ticket_state, a.synced_status"

type followupScan struct {
	droppedBy, verifiedBy, verifiedNote, ticketKey, syncState, syncError string
	ticketState, syncedStatus                                            string
	verifiedAt, closedAt, syncedAt                                       sql.NullInt64
}

func (s *followupScan) dest() []any {
	return []any{&s.droppedBy, &s.verifiedAt, &s.verifiedBy, &s.verifiedNote, &s.closedAt,
		&s.ticketKey, &s.syncState, &s.syncError, &s.syncedAt, &s.ticketState, &s.syncedStatus}
}

func (s *followupScan) fill(a *debrief.Action) {
	a.DroppedBy, a.VerifiedBy, a.VerifiedNote = s.droppedBy, s.verifiedBy, s.verifiedNote
	a.VerifiedAt, a.ClosedAt, a.SyncedAt = timePtr(s.verifiedAt), timePtr(s.closedAt), timePtr(s.syncedAt)
	a.TicketKey, a.SyncState, a.SyncError = s.ticketKey, debrief.SyncState(s.syncState), s.syncError
	a.TicketState, a.SyncedStatus = s.ticketState, debrief.ActionStatus(s.syncedStatus)
	a.LinkedIncidentIDs = []int64{}
}

// writeFollowup writes a's follow-through columns to the row id and, when
// ch is not nil, appends ch to its history.
func writeFollowup(ctx context.Context, tx runner, id int64, a *debrief.Action, ch *debrief.ActionChange, now time.Time) error {
	_, err := tx.exec(ctx, `UPDATE actions SET dropped_by = ?, verified_at = ?, verified_by = ?, verified_note = ?,
		closed_at = ?, ticket_key = ?, sync_state = ?, sync_error = ?, synced_at = ?, ticket_state = ?, synced_status = ?
		WHERE id = ?`,
		a.DroppedBy, nullMicros(a.VerifiedAt), a.VerifiedBy, a.VerifiedNote, nullMicros(a.ClosedAt),
		a.TicketKey, string(a.SyncState), a.SyncError, nullMicros(a.SyncedAt), a.TicketState, string(a.SyncedStatus), id)
	if err != nil || ch == nil {
		return err
	}
	ch.ActionID, ch.IncidentID = id, a.IncidentID
	if ch.At.IsZero() {
		ch.At = now
	}
	return appendChange(ctx, tx, ch)
}

func appendChange(ctx context.Context, tx runner, ch *debrief.ActionChange) error {
	if ch.Changes == nil {
		ch.Changes = []debrief.FieldChange{}
	}
	changes, err := json.Marshal(ch.Changes)
	if err != nil {
		return err
	}
	return tx.queryRow(ctx, `INSERT INTO action_history
		(action_id, incident_id, at, actor_id, actor, from_status, to_status, changes, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		ch.ActionID, ch.IncidentID, toMicros(ch.At), nullID(ch.ActorID), ch.Actor,
		string(ch.FromStatus), string(ch.ToStatus), string(changes), ch.Note).Scan(&ch.ID)
}

// FindActionHistory returns the history of one action item, oldest first.
func (db *DB) FindActionHistory(ctx context.Context, incidentID, id int64) ([]*debrief.ActionChange, error) {
	if _, err := findAction(ctx, db.read(), incidentID, id); err != nil {
		return nil, wrap("find action history", err)
	}
	out, err := queryAll(ctx, db.read(), scanChange, `SELECT id, action_id, incident_id, at, actor_id, actor,
		from_status, to_status, changes, note FROM action_history WHERE action_id = ? ORDER BY id`, id)
	return out, wrap("find action history", err)
}

func scanChange(row rowScanner) (*debrief.ActionChange, error) {
	var (
		ch      debrief.ActionChange
		at      int64
		actorID sql.NullInt64
		changes string
	)
	if err := row.Scan(&ch.ID, &ch.ActionID, &ch.IncidentID, &at, &actorID, &ch.Actor,
		&ch.FromStatus, &ch.ToStatus, &changes, &ch.Note); err != nil {
		return nil, err
	}
	ch.At, ch.ActorID = fromMicros(at), idPtr(actorID)
	if err := json.Unmarshal([]byte(changes), &ch.Changes); err != nil {
		return nil, fmt.Errorf("action history %d: changes: %w", ch.ID, err)
	}
	return &ch, nil
}

// LinkAction links the action item id (of any incident) from the
// retrospective of incidentID; linking twice is not an error.
func (db *DB) LinkAction(ctx context.Context, incidentID, id int64) error {
	err := db.inTx(ctx, func(tx runner) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM action_links WHERE action_id = ? AND incident_id = ?", id, incidentID).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err := tx.exec(ctx, "INSERT INTO action_links (action_id, incident_id, created_at) VALUES (?, ?, ?)",
			id, incidentID, toMicros(db.now()))
		return err
	})
	if db.dialect.isForeignKey(err) {
		return wrap("link action", db.missingRef(ctx, err, incidentRef(incidentID),
			ref{name: fmt.Sprintf("Action %d", id), table: "actions", id: id}))
	}
	return wrap("link action", err)
}

// UnlinkAction removes a link made by LinkAction; ENOTFOUND when there is none.
func (db *DB) UnlinkAction(ctx context.Context, incidentID, id int64) error {
	return wrap("unlink action", deleteRow(ctx, db.write(), target{
		name: fmt.Sprintf("Link of action %d from incident %d", id, incidentID), table: "action_links",
		where: "action_id = ? AND incident_id = ?", args: []any{id, incidentID},
	}))
}

// fillLinks sets LinkedIncidentIDs on each action, in one query.
func fillLinks(ctx context.Context, r runner, actions []*debrief.Action) error {
	if len(actions) == 0 {
		return nil
	}
	byID := make(map[int64]*debrief.Action, len(actions))
	ids := make([]int64, 0, len(actions))
	for _, a := range actions {
		a.LinkedIncidentIDs = []int64{}
		byID[a.ID] = a
		ids = append(ids, a.ID)
	}
	type link struct{ action, incident int64 }
	links, err := queryAll(ctx, r, func(row rowScanner) (link, error) {
		var l link
		return l, row.Scan(&l.action, &l.incident)
	}, "SELECT action_id, incident_id FROM action_links WHERE action_id IN ("+placeholders(len(ids))+") ORDER BY action_id, incident_id",
		int64Args(ids)...)
	if err != nil {
		return err
	}
	for _, l := range links {
		a := byID[l.action]
		a.LinkedIncidentIDs = append(a.LinkedIncidentIDs, l.incident)
	}
	return nil
}

// followupWhere adds the board's filters to w. The incident's attributes
// and the visibility are tested with EXISTS, so the page and the count keep
// reading from "actions a" alone.
func followupWhere(w *where, f *debrief.FollowupFilter) {
	if f.Priority != nil {
		w.add("a.priority = ?", *f.Priority)
	}
	open := stringArgs([]string{string(debrief.ActionProposed), string(debrief.ActionPlanned), string(debrief.ActionInProgress)})
	if f.Overdue != nil {
		cond := "(a.due_date <> '' AND a.due_date < ? AND a.status IN (?, ?, ?))"
		if !*f.Overdue {
			cond = "NOT " + cond
		}
		w.add(cond, append([]any{f.Today}, open...)...)
	}
	if f.DueBefore != nil {
		w.add("(a.due_date <> '' AND a.due_date <= ? AND a.status IN (?, ?, ?))", append([]any{*f.DueBefore}, open...)...)
	}
	if f.Ticket != nil {
		w.add("(a.ticket_key = ? OR a.ticket_url = ?)", *f.Ticket, *f.Ticket)
	}
	if f.SyncPending {
		w.add("a.sync_state = ?", string(debrief.SyncPending))
	}
	if f.LinkedTo != nil {
		w.add("EXISTS (SELECT 1 FROM action_links l WHERE l.action_id = a.id AND l.incident_id = ?)", *f.LinkedTo)
	}
	if f.Team != nil {
		w.add("EXISTS (SELECT 1 FROM incidents i WHERE i.id = a.incident_id AND i.team = ?)", *f.Team)
	}
	if f.Severity != nil {
		w.add("EXISTS (SELECT 1 FROM incidents i WHERE i.id = a.incident_id AND i.severity = ?)", *f.Severity)
	}
	if f.Service != nil {
		w.add("EXISTS (SELECT 1 FROM incident_services s WHERE s.incident_id = a.incident_id AND s.service = ?)", *f.Service)
	}
	if v := f.Visible; v != nil {
		visibleActions(w, v)
	}
}

// visibleActions limits w to the items v may read: the incident is seen
// (its team is one of v's, or it is open to the organisation) and its
// retrospective is not restricted, or v administers its team, or v is one
// of its readers. The rule itself is app/authz.go's; this is its SQL.
func visibleActions(w *where, v *debrief.ActionVisibility) {
	var args []any
	seen := "i.visibility = ?"
	args = append(args, string(debrief.VisibleToOrganization))
	if len(v.Teams) > 0 {
		seen = "(i.team IN (" + placeholders(len(v.Teams)) + ") OR " + seen + ")"
		args = append(stringArgs(v.Teams), args...)
	}
	readable := "r.incident_id IS NULL OR NOT r.restricted"
	if len(v.AdminTeams) > 0 {
		readable += " OR i.team IN (" + placeholders(len(v.AdminTeams)) + ")"
		args = append(args, stringArgs(v.AdminTeams)...)
	}
	readable += " OR EXISTS (SELECT 1 FROM retrospective_readers rr WHERE rr.incident_id = i.id AND rr.user_id = ?)"
	args = append(args, v.UserID)
	w.add("EXISTS (SELECT 1 FROM incidents i LEFT JOIN retrospectives r ON r.incident_id = i.id "+
		"WHERE i.id = a.incident_id AND "+seen+" AND ("+readable+"))", args...)
}

func followupOrder(f *debrief.FollowupFilter) string {
	if f.ByDue {
		return "CASE WHEN a.due_date = '' THEN 1 ELSE 0 END, a.due_date, a.incident_id, a.id"
	}
	return "a.incident_id, a.id"
}
