package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/sqlite"
)

// openStore opens the database named by dsn: a postgres:// URL selects
// PostgreSQL, anything else is a SQLite file path ("sqlite:" prefix optional).
// It does not migrate; callers decide when.
func openStore(ctx context.Context, dsn string) (store.Store, error) {
	// Each branch returns a nil interface on failure, never an interface
	// holding a nil pointer.
	if engineName(dsn) == "postgres" {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	st, err := sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	if err != nil {
		return nil, err
	}
	return st, nil
}

// engineName names the engine for logs, without the DSN (which can hold a
// password).
func engineName(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return "postgres"
	}
	return "sqlite"
}

// openMigrated opens the database and brings its schema up to date, as the
// operator commands need before they read or write; on failure nothing is
// left open.
func openMigrated(ctx context.Context, dsn string) (store.Store, error) {
	st, err := openStore(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	return st, nil
}
