package sqlstore

import (
	"context"
	"fmt"
)

// inTx runs fn in one transaction on the writer: committed when fn returns
// nil, rolled back otherwise, so a write that fails half way leaves nothing
// behind. fn must do all its work through the runner it is given; on SQLite
// the writer has a single connection, and fn holds it.
//
// fn's error is returned as is (not wrapped), so that callers can still
// classify a driver error after the rollback; see missingRef.
func (db *DB) inTx(ctx context.Context, fn func(tx runner) error) (err error) {
	if db.tx != nil {
		// Already in the transaction of InTx, whose caller returns on
		// the first failed call and so rolls this write back with the
		// rest (see txstore.go for why no savepoint).
		return fn(db.txRunner())
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		// A panic in fn must not leave the transaction, and on SQLite the
		// only writer connection, held forever.
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(runner{q: tx, d: &db.dialect}); err != nil {
		// The rollback's own error adds nothing: the transaction is void
		// either way, and fn's error says why.
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
