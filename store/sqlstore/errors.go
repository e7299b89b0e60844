package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/debrief-oss/debrief"
)

// wrap names the operation in an unexpected error. A *debrief.Error is
// returned as is: its message is meant for users and already says what was
// wrong.
func wrap(op string, err error) error {
	var e *debrief.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

func notFound(name string) error {
	return debrief.Errorf(debrief.ENOTFOUND, "%s not found.", name)
}

func conflict(name string, had, now int64) error {
	return debrief.Errorf(debrief.ECONFLICT,
		"%s was changed by someone else (version %d, yours is %d); reload it and try again.", name, now, had)
}

// ref is a row a write points at by foreign key, for telling the caller
// which one is missing when the database rejects the write.
type ref struct {
	name  string // "Person 7"
	table string // whose primary key is id
	id    int64
	field string // the input that held the id, "owner_id"
}

func personRef(id *int64, field string) []ref {
	if id == nil || *id == 0 {
		return nil
	}
	return []ref{{name: fmt.Sprintf("Person %d", *id), table: "people", id: *id, field: field}}
}

func incidentRef(id int64) ref {
	return ref{name: fmt.Sprintf("Incident %d", id), table: "incidents", id: id}
}

// missingRef turns a foreign-key violation into ENOTFOUND naming the first
// of refs that does not exist. It runs after the failed transaction has
// been rolled back (PostgreSQL refuses further statements in an aborted
// one), on the reader; if every row exists by then (a concurrent write),
// cause is returned.
func (db *DB) missingRef(ctx context.Context, cause error, refs ...ref) error {
	for _, r := range refs {
		var one int
		err := db.read().queryRow(ctx, "SELECT 1 FROM "+r.table+" WHERE id = ?", r.id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return &debrief.Error{Code: debrief.ENOTFOUND, Message: r.name + " not found.", Field: r.field}
		} else if err != nil {
			return errors.Join(cause, err)
		}
	}
	return cause
}

// target identifies one row for a versioned update or a delete.
type target struct {
	name  string // for messages: "Event 7"
	table string
	where string // "incident_id = ? AND id = ?"
	args  []any
}

// updateVersioned runs UPDATE table SET set, version = version + 1 WHERE
// target AND version = have, and maps a miss to the contract's errors:
// ENOTFOUND when the row is gone, ECONFLICT when it has another version.
// The version test is in the UPDATE itself, so two writers from the same
// version cannot both succeed: the second one's WHERE no longer matches
// (PostgreSQL re-checks it after waiting for the first one's row lock; on
// SQLite writers are serialized).
func updateVersioned(ctx context.Context, tx runner, t target, have int64, set string, args ...any) error {
	query := "UPDATE " + t.table + " SET " + set + ", version = version + 1 WHERE " + t.where + " AND version = ?"
	args = append(append(args, t.args...), have)
	res, err := tx.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 1 {
		return nil
	}
	var now int64
	err = tx.queryRow(ctx, "SELECT version FROM "+t.table+" WHERE "+t.where, t.args...).Scan(&now)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(t.name)
	} else if err != nil {
		return err
	}
	return conflict(t.name, have, now)
}

// deleteRow deletes the target, ENOTFOUND when there is none.
func deleteRow(ctx context.Context, r runner, t target) error {
	res, err := r.exec(ctx, "DELETE FROM "+t.table+" WHERE "+t.where, t.args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return notFound(t.name)
	}
	return nil
}
