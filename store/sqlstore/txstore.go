package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/debrief-oss/debrief/store"
)

// InTx runs fn with a store whose every call is part of one transaction on
// the writer (see store.Store.InTx). The store given to fn is a copy of db
// bound to the transaction: write() and read() run on it, and inTx runs its
// function straight in it. The whole is committed or rolled back with fn's
// result.
//
// Why: a caller that makes many writes (an import: the incident, its
// sections, analysis, actions and their audit entries) paid one commit per
// write, and on PostgreSQL each commit is a WAL flush. Why no savepoint
// per call: each would be a round trip more, and on PostgreSQL more than
// 64 subtransactions that wrote, in one transaction, overflow the
// backend's subtransaction cache and slow every other session's snapshots
// while the transaction runs; an import of a file with many action items
// would get there. A failed call fails the transaction instead, which is
// all its caller needs.
func (db *DB) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	if db.tx != nil {
		// Nested (rare, explicit): the same transaction, with a
		// savepoint so that a refused fn leaves nothing of its own.
		return db.inSavepoint(ctx, func(runner) error { return fn(db) })
	}
	return db.inTx(ctx, func(r runner) error {
		tx, ok := r.q.(*sql.Tx)
		if !ok {
			return fmt.Errorf("store: transaction runner on %T", r.q)
		}
		bound := *db
		bound.tx = tx
		return fn(&bound)
	})
}

// txRunner runs statements in db.tx, unprepared: the cached statements
// belong to the pool's handles (see runner.stmts).
func (db *DB) txRunner() runner {
	return runner{q: db.tx, d: &db.dialect}
}

// inSavepoint runs fn inside a savepoint of db.tx: released when fn returns
// nil, rolled back to otherwise, which also makes an aborted PostgreSQL
// transaction usable again. fn's error is returned as is, as by inTx.
func (db *DB) inSavepoint(ctx context.Context, fn func(tx runner) error) error {
	if _, err := db.tx.ExecContext(ctx, "SAVEPOINT sqlstore_write"); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_, _ = db.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT sqlstore_write")
			panic(p)
		}
	}()
	if err := fn(db.txRunner()); err != nil {
		// Rolled back to, a savepoint stays open: release it too. Errors
		// here leave the transaction failed, which its commit reports.
		_, _ = db.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT sqlstore_write")
		_, _ = db.tx.ExecContext(ctx, "RELEASE SAVEPOINT sqlstore_write")
		return err
	}
	if _, err := db.tx.ExecContext(ctx, "RELEASE SAVEPOINT sqlstore_write"); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

func errInTx(op string) error {
	return fmt.Errorf("store: %s is not for the store of a transaction (InTx)", op)
}
