package sqlstore

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
)

// A migration is one numbered file, NNNN_what.sql, applied once and in
// number order; schema_migrations records which have been. Files are never
// edited once released: a change is a new file.
type migration struct {
	version int64
	name    string
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]+)_([A-Za-z0-9_]+)\.sql$`)

// createMigrations is the bookkeeping table. It is created by the runner,
// not by a migration, because the runner needs it to know where to start.
const createMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT   NOT NULL,
    applied_at BIGINT NOT NULL
)`

func loadMigrations(fsys fs.FS) ([]migration, error) {
	if fsys == nil {
		return nil, fmt.Errorf("no migrations")
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var migs []migration
	seen := map[int64]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %q: name is not NNNN_name.sql", e.Name())
		}
		v, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("migration %q: %w", e.Name(), err)
		}
		if other, ok := seen[v]; ok {
			return nil, fmt.Errorf("migrations %q and %q share version %d", other, e.Name(), v)
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		migs = append(migs, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(migs, func(i, j int) bool { return migs[i].version < migs[j].version })
	return migs, nil
}

// Migrate applies the migrations not yet recorded, each in its own
// transaction together with its record, so a failed one leaves the schema
// as the previous one left it. Several instances may run it at once: each
// transaction first takes the dialect's migration lock (or, on SQLite, the
// write lock) and then checks again whether its migration is still to do,
// so exactly one instance applies each and the others skip it.
func (db *DB) Migrate(ctx context.Context) error {
	if db.tx != nil {
		return errInTx("Migrate")
	}
	migs, err := loadMigrations(db.migrations)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	err = db.inTx(ctx, func(tx runner) error {
		if err := db.lockMigrations(ctx, tx); err != nil {
			return err
		}
		_, err := tx.q.ExecContext(ctx, createMigrations)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}

	// The common case, a current schema, costs this one read.
	applied := map[int64]bool{}
	rows, err := db.writer.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}

	for _, m := range migs {
		if applied[m.version] {
			continue
		}
		if err := db.inTx(ctx, func(tx runner) error { return db.apply(ctx, tx, m) }); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, tx runner, m migration) error {
	if err := db.lockMigrations(ctx, tx); err != nil {
		return err
	}
	// Another instance may have applied it while we waited for the lock.
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	// Not rebound: migrations are engine-specific and use no placeholders.
	if _, err := tx.q.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.version, m.name, toMicros(db.now()))
	return err
}

func (db *DB) lockMigrations(ctx context.Context, tx runner) error {
	if db.dialect.MigrationLock == "" {
		return nil
	}
	_, err := tx.q.ExecContext(ctx, db.dialect.MigrationLock)
	return err
}
