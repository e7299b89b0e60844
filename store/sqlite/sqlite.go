// Package sqlite is Debrief's store on SQLite, through the pure-Go
// modernc.org/sqlite driver: one file, no server. The behaviour is
// store/sqlstore's; this package opens the connections and says how SQLite
// differs.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are SQLite's numbered schema migrations.
var migrations = mustSub(migrationFiles, "migrations")

// dialect is how SQLite differs from the shared SQL.
var dialect = sqlstore.Dialect{
	Name: "sqlite",
	// No ForUpdate and no MigrationLock: every write transaction is BEGIN
	// IMMEDIATE (_txlock=immediate), which holds the database's single
	// write lock from its first statement.
	IsUniqueViolation: func(err error) bool {
		// A composite primary key (sections) is enforced like a unique
		// index and reported as PRIMARYKEY.
		code := errorCode(err)
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
	IsForeignKeyViolation: func(err error) bool {
		return errorCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	},
}

func errorCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// Store is a store.Store in one SQLite file. Its Now field (from
// sqlstore.DB) is the clock used for CreatedAt and UpdatedAt.
type Store struct {
	*sqlstore.DB
}

var _ store.Store = (*Store)(nil)

// Connection settings. busy_timeout comes first so that the pragmas after
// it already wait for a lock instead of failing. WAL lets readers run while
// the writer writes; synchronous(NORMAL) is durable across application
// crashes in WAL mode and much faster than FULL. foreign_keys is per
// connection in SQLite and off by default: the cascades depend on it.
const (
	writerParams = "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(ON)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	// Readers never write; query_only makes a mistake fail loudly instead
	// of racing the writer for the lock.
	readerParams = "_pragma=busy_timeout(5000)&_pragma=foreign_keys(ON)&_pragma=query_only(ON)"
)

// Open opens (creating if needed) the database file at path. Call Migrate
// before using the store.
//
// It opens the file twice: a writer with a single connection, so that
// writers queue in Go rather than fail with SQLITE_BUSY, and whose
// transactions take the write lock when they begin (_txlock=immediate) so
// that a transaction that reads then writes cannot deadlock with another;
// and a pool of readers, which WAL lets read alongside the writer.
//
// path must name a file: ":memory:" would give every connection a database
// of its own.
func Open(ctx context.Context, path string) (*Store, error) {
	switch {
	case path == "" || path == ":memory:" || strings.HasPrefix(path, "file::memory:"):
		return nil, fmt.Errorf("sqlite: open %q: the store needs a database file", path)
	case strings.ContainsAny(path, "?#"):
		// The driver would take what follows for its parameters.
		return nil, fmt.Errorf("sqlite: open %q: the path must not contain '?' or '#'", path)
	}

	writer, err := sql.Open("sqlite", path+"?"+writerParams)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	// The writer connects first: it creates the file and turns WAL on,
	// which persists in the file, before any reader opens it.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	reader, err := sql.Open("sqlite", path+"?"+readerParams)
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		reader.Close()
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return &Store{DB: sqlstore.New(writer, reader, dialect, migrations)}, nil
}

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // only if the embed directive and dir disagree
	}
	return sub
}
