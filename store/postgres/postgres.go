// Package postgres is Debrief's store on PostgreSQL, through pgx's
// database/sql driver over a pgxpool. The behaviour is store/sqlstore's;
// this package opens the connections and says how PostgreSQL differs.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are PostgreSQL's numbered schema migrations.
var migrations = mustSub(migrationFiles, "migrations")

// migrationLockKey is the first half of the advisory lock that serializes
// migrators ("dbrf"); the second is a hash of the current schema, so that
// Debriefs in different schemas of one database do not wait on each other.
const migrationLockKey = 0x64627266

// dialect is how PostgreSQL differs from the shared SQL.
var dialect = sqlstore.Dialect{
	Name:                 "postgres",
	NumberedPlaceholders: true,
	ForUpdate:            " FOR UPDATE",
	IsUniqueViolation:    func(err error) bool { return sqlState(err) == "23505" },
	IsForeignKeyViolation: func(err error) bool {
		return sqlState(err) == "23503"
	},
	// A transaction-level lock: it is released at COMMIT or ROLLBACK even
	// if the instance dies, and can never stay behind on a pooled
	// connection the way a session lock could.
	MigrationLock: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d, hashtext(coalesce(current_schema(), '')))", migrationLockKey),
}

func sqlState(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Store is a store.Store in a PostgreSQL database. Its Now field (from
// sqlstore.DB) is the clock used for CreatedAt and UpdatedAt.
type Store struct {
	*sqlstore.DB
	pool *pgxpool.Pool
}

var _ store.Store = (*Store)(nil)

// Open connects to the database dsn names, a postgres:// URL or key=value
// string as pgx reads them. Pool settings go in the DSN too
// (pool_max_conns=20, ...), and so does the schema: search_path=debrief
// puts Debrief's tables in that schema, which must exist. Call Migrate
// before using the store.
func Open(ctx context.Context, dsn string) (*Store, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	s := &Store{DB: sqlstore.New(db, db, dialect, migrations), pool: pool}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return s, nil
}

// Close closes the store and its connection pool.
func (s *Store) Close() error {
	err := s.DB.Close()
	s.pool.Close()
	return err
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // only if the embed directive and dir disagree
	}
	return sub
}
