package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/debrief-oss/debrief"
)

// The action row with its owner, who comes by join: one query fills Owner
// for a whole page.
var actionSelect = "SELECT a.id, a.incident_id, a.title, a.description, a.definition_of_done, a.owner_id, " +
	"a.priority, a.due_date, a.status, a.drop_reason, a.ticket_url, a.version, a.created_at, a.updated_at, " +
	followupCols + ", " + personCols("o") + " FROM actions a LEFT JOIN people o ON o.id = a.owner_id"

func scanAction(row rowScanner) (*debrief.Action, error) {
	var (
		a                debrief.Action
		ownerID          sql.NullInt64
		created, updated int64
		o                personScan
	)
	dest := []any{&a.ID, &a.IncidentID, &a.Title, &a.Description, &a.DefinitionOfDone, &ownerID,
		&a.Priority, &a.DueDate, &a.Status, &a.DropReason, &a.TicketURL, &a.Version, &created, &updated}
	var fs followupScan
	dest = append(dest, fs.dest()...)
	if err := row.Scan(append(dest, o.dest()...)...); err != nil {
		return nil, err
	}
	fs.fill(&a)
	a.OwnerID, a.Owner = idPtr(ownerID), o.person()
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &a, nil
}

func actionTarget(incidentID, id int64) target {
	return target{name: fmt.Sprintf("Action %d", id), table: "actions", where: "incident_id = ? AND id = ?", args: []any{incidentID, id}}
}

// actionRefs are the rows an action points at, in the order a missing one
// is reported.
func actionRefs(a *debrief.Action) []ref {
	return append([]ref{incidentRef(a.IncidentID)}, personRef(a.OwnerID, "owner_id")...)
}

// CreateAction stores a and leaves it as a read would return it (ID,
// Version, times, Owner).
func (db *DB) CreateAction(ctx context.Context, a *debrief.Action) error {
	return db.CreateActionLogged(ctx, a, nil)
}

// CreateActionLogged is CreateAction that also writes the follow-through
// columns and, when ch is not nil, ch as the first entry of the item's
// history, in the same transaction.
func (db *DB) CreateActionLogged(ctx context.Context, a *debrief.Action, ch *debrief.ActionChange) error {
	now := db.now()
	var stored *debrief.Action
	err := db.inTx(ctx, func(tx runner) error {
		var id int64
		err := tx.queryRow(ctx, `INSERT INTO actions
			(incident_id, title, description, definition_of_done, owner_id, priority, due_date, status,
			 drop_reason, ticket_url, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			a.IncidentID, a.Title, a.Description, a.DefinitionOfDone, nullID(a.OwnerID), a.Priority, a.DueDate,
			string(a.Status), a.DropReason, a.TicketURL, toMicros(now), toMicros(now)).Scan(&id)
		if err != nil {
			return err
		}
		if err := writeFollowup(ctx, tx, id, a, ch, now); err != nil {
			return err
		}
		stored, err = findAction(ctx, tx, a.IncidentID, id)
		return err
	})
	if db.dialect.isForeignKey(err) {
		return wrap("create action", db.missingRef(ctx, err, actionRefs(a)...))
	} else if err != nil {
		return wrap("create action", err)
	}
	*a = *stored
	return nil
}

// FindActionByID returns one action of the incident, with its owner.
func (db *DB) FindActionByID(ctx context.Context, incidentID, id int64) (*debrief.Action, error) {
	a, err := findAction(ctx, db.read(), incidentID, id)
	return a, wrap("find action", err)
}

func findAction(ctx context.Context, r runner, incidentID, id int64) (*debrief.Action, error) {
	a, err := scanAction(r.queryRow(ctx, actionSelect+" WHERE a.incident_id = ? AND a.id = ?", incidentID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(fmt.Sprintf("Action %d", id))
	} else if err != nil {
		return nil, err
	}
	return a, fillLinks(ctx, r, []*debrief.Action{a})
}

// FindActions returns a page of actions, by incident then id, with their
// owners: one query for the page, one for the total.
func (db *DB) FindActions(ctx context.Context, f debrief.ActionFilter) ([]*debrief.Action, int, error) {
	var w where
	if f.IncidentID != nil {
		w.add("a.incident_id = ?", *f.IncidentID)
	}
	if f.Status != nil {
		w.add("a.status = ?", string(*f.Status))
	}
	if f.OwnerID != nil {
		w.add("a.owner_id = ?", *f.OwnerID)
	}
	followupWhere(&w, &f.FollowupFilter)
	actions, total, err := findPage(ctx, db.read(), scanAction, actionSelect, "actions a", &w, followupOrder(&f.FollowupFilter), f.Offset, f.Limit)
	if err == nil {
		err = fillLinks(ctx, db.read(), actions)
	}
	return actions, total, wrap("find actions", err)
}

// UpdateAction writes a if the stored version is a.Version, and leaves a as
// a read would return it (Owner refilled). The action is found by
// a.IncidentID and a.ID together.
func (db *DB) UpdateAction(ctx context.Context, a *debrief.Action) error {
	return db.UpdateActionLogged(ctx, a, nil)
}

// UpdateActionLogged is UpdateAction that also writes the follow-through
// columns and, when ch is not nil, appends ch to the item's history, in the
// same transaction: a change is never made without its record.
func (db *DB) UpdateActionLogged(ctx context.Context, a *debrief.Action, ch *debrief.ActionChange) error {
	now := db.now()
	var stored *debrief.Action
	err := db.inTx(ctx, func(tx runner) error {
		err := updateVersioned(ctx, tx, actionTarget(a.IncidentID, a.ID), a.Version,
			"title = ?, description = ?, definition_of_done = ?, owner_id = ?, priority = ?, due_date = ?, "+
				"status = ?, drop_reason = ?, ticket_url = ?, updated_at = ?",
			a.Title, a.Description, a.DefinitionOfDone, nullID(a.OwnerID), a.Priority, a.DueDate,
			string(a.Status), a.DropReason, a.TicketURL, toMicros(now))
		if err != nil {
			return err
		}
		if err := writeFollowup(ctx, tx, a.ID, a, ch, now); err != nil {
			return err
		}
		stored, err = findAction(ctx, tx, a.IncidentID, a.ID)
		return err
	})
	if db.dialect.isForeignKey(err) {
		return wrap("update action", db.missingRef(ctx, err, personRef(a.OwnerID, "owner_id")...))
	} else if err != nil {
		return wrap("update action", err)
	}
	*a = *stored
	return nil
}

// DeleteAction deletes one action of the incident.
func (db *DB) DeleteAction(ctx context.Context, incidentID, id int64) error {
	return wrap("delete action", deleteRow(ctx, db.write(), actionTarget(incidentID, id)))
}
