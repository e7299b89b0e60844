// Package sqlstore implements store.Store once, over database/sql, for every
// SQL engine Debrief supports. The engines (store/sqlite, store/postgres)
// only open connections, embed their migrations and describe their
// differences in a Dialect; the queries, the scanning and the rules of the
// contract live here, so the engines cannot behave differently.
//
// Conventions shared by every file of the package:
//   - Times are stored as BIGINT unix microseconds in UTC: exact, sortable and
//     the same in every engine (see toMicros).
//   - SQL is written with ? placeholders; Dialect.rebind adapts it.
//   - Every write that touches more than one row, or that must read back
//     what it wrote, runs in one transaction on the writer (see tx.go).
//   - Errors the caller can act on are *debrief.Error (ENOTFOUND, ECONFLICT);
//     anything else is wrapped with the operation's name.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/debrief-oss/debrief/store"
)

var _ store.Store = (*DB)(nil)

// DB is a store.Store over one or two database/sql handles.
type DB struct {
	// Now returns the current time; CreatedAt and UpdatedAt come from it.
	// It defaults to time.Now and may be replaced before use (tests), not
	// while the store is serving.
	Now func() time.Time

	writer     *sql.DB
	reader     *sql.DB
	stmts      map[*sql.DB]*stmtCache // prepared statements per handle
	dialect    Dialect
	migrations fs.FS
	// tx is set on the store InTx gives its fn: every call then runs in
	// that transaction (see txstore.go).
	tx *sql.Tx
}

// New returns a store over writer and reader. Every write, and every read
// made inside a write, goes to writer; plain reads go to reader. They may be
// the same handle (PostgreSQL); SQLite passes a one-connection writer and a
// pool of readers on the same file so that writers queue in Go instead of
// failing with SQLITE_BUSY. A nil reader means writer.
//
// migrations holds the engine's numbered .sql files at its root (see
// Migrate). New takes ownership of both handles: Close closes them.
func New(writer, reader *sql.DB, d Dialect, migrations fs.FS) *DB {
	if reader == nil {
		reader = writer
	}
	stmts := map[*sql.DB]*stmtCache{writer: newStmtCache(writer), reader: newStmtCache(reader)}
	return &DB{Now: time.Now, writer: writer, reader: reader, stmts: stmts, dialect: d, migrations: migrations}
}

// Ping checks that both handles reach the database.
func (db *DB) Ping(ctx context.Context) error {
	if db.tx != nil {
		_, err := db.tx.ExecContext(ctx, "SELECT 1")
		return err
	}
	if err := db.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect.Name, err)
	}
	if db.reader != db.writer {
		if err := db.reader.PingContext(ctx); err != nil {
			return fmt.Errorf("ping %s: %w", db.dialect.Name, err)
		}
	}
	return nil
}

// Close closes the handles given to New.
func (db *DB) Close() error {
	if db.tx != nil {
		return errInTx("Close")
	}
	var errs []error
	for _, c := range db.stmts {
		errs = append(errs, c.close())
	}
	if db.reader != db.writer {
		errs = append(errs, db.reader.Close())
	}
	errs = append(errs, db.writer.Close())
	return errors.Join(errs...)
}

// now is the store's clock, in UTC and cut to the microsecond that the
// database keeps, so that what a write returns equals what a read returns.
func (db *DB) now() time.Time {
	now := time.Now
	if db.Now != nil {
		now = db.Now
	}
	return now().UTC().Truncate(time.Microsecond)
}

// write returns a runner on the writer, for writes of a single statement,
// which need no transaction of their own.
func (db *DB) write() runner {
	if db.tx != nil {
		return db.txRunner()
	}
	return runner{q: db.writer, d: &db.dialect, stmts: db.stmts[db.writer]}
}

// read returns a runner on the reader pool.
func (db *DB) read() runner {
	if db.tx != nil {
		return db.txRunner()
	}
	return runner{q: db.reader, d: &db.dialect, stmts: db.stmts[db.reader]}
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// runner runs the shared SQL on a pool or a transaction, rebinding the
// placeholders for the dialect. Functions that may run inside a write take a
// runner rather than using db.reader, so that they see the transaction's own
// writes and, on SQLite, never wait for the writer connection they hold.
type runner struct {
	q querier
	d *Dialect
	// stmts caches prepared statements on the handle q is. Transactions
	// run unprepared: preparing on the handle would wait for a free
	// connection, and on SQLite the transaction holds the only writer.
	stmts *stmtCache
}

// prepared returns the cached statement for query, or nil to run the query
// as plain text.
func (r runner) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if r.stmts == nil {
		return nil, nil
	}
	return r.stmts.get(ctx, query)
}

func (r runner) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = r.d.rebind(query)
	if st, err := r.prepared(ctx, query); err != nil {
		return nil, err
	} else if st != nil {
		return st.ExecContext(ctx, args...)
	}
	return r.q.ExecContext(ctx, query, args...)
}

func (r runner) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = r.d.rebind(query)
	if st, err := r.prepared(ctx, query); err != nil {
		return nil, err
	} else if st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.q.QueryContext(ctx, query, args...)
}

func (r runner) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = r.d.rebind(query)
	if st, err := r.prepared(ctx, query); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	// A failed prepare fails again here, and *sql.Row carries the error.
	return r.q.QueryRowContext(ctx, query, args...)
}
