package postgres_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/debrief-oss/debrief/store/postgres/pgtest"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/storetest"
)

// dsn returns the test database's DSN from DEBRIEF_TEST_POSTGRES, skipping
// the test when it is unset.
func dsn(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("DEBRIEF_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("DEBRIEF_TEST_POSTGRES is not set")
	}
	return dsn
}

// withParam sets a run-time parameter in a URL or key=value DSN.
func withParam(t *testing.T, dsn, key, value string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("parse DSN: %v", err)
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + key + "=" + value
}

func open(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	base := dsn(t)
	storetest.Run(t, func(t *testing.T) store.Store { return open(t, pgtest.FreshSchema(t, base)) })
}

// The audit log refuses UPDATE, DELETE and TRUNCATE in the database itself,
// to a connection of its own that goes around the store.
func TestAuditAppendOnly(t *testing.T) {
	d := pgtest.FreshSchema(t, dsn(t))
	s := open(t, d)
	raw, err := sql.Open("pgx", d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	exec := func(ctx context.Context, query string) error {
		_, err := raw.ExecContext(ctx, query)
		return err
	}
	storetest.AuditAppendOnly(t, s, exec)
	if err := exec(t.Context(), "TRUNCATE audit_log"); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("TRUNCATE audit_log: %v, want refused", err)
	}
	es, err := s.FindAudit(t.Context(), debrief.AuditFilter{})
	if err != nil || len(es) != 2 {
		t.Fatalf("after TRUNCATE: %d entries (%v), want 2", len(es), err)
	}
}

// A database made before accounts existed (0001 only) keeps its data
// through the later migrations.
func TestUpgradeFromInit(t *testing.T) {
	d := pgtest.FreshSchema(t, dsn(t))
	raw, err := sql.Open("pgx", d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	init, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	storetest.UpgradeFromInit(t, raw, string(init), func() store.Store {
		s := open(t, d)
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		return s
	})
}

// Several instances starting on one fresh schema migrate it once between
// them: the advisory lock makes the others wait, then skip.
func TestMigrateConcurrentInstances(t *testing.T) {
	d := pgtest.FreshSchema(t, dsn(t))
	const n = 4
	stores := make([]*postgres.Store, n)
	for i := range stores {
		stores[i] = open(t, d)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, s := range stores {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.Migrate(t.Context()) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Migrate %d: %v", i, err)
		}
	}
	p := &debrief.Person{Name: "Shared", Handle: "shared"}
	if err := stores[0].CreatePerson(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	got, err := stores[n-1].FindPersonByID(t.Context(), p.ID)
	if err != nil || got.Name != "Shared" {
		t.Fatalf("FindPersonByID from another instance: %v, %v", got, err)
	}
	// Each migration was recorded once.
	db, err := sql.Open("pgx", d)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, versions int
	if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations").Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	if rows != versions || rows == 0 {
		t.Fatalf("schema_migrations: %d rows for %d versions", rows, versions)
	}
}

func TestOpenBadDSN(t *testing.T) {
	if s, err := postgres.Open(t.Context(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"); err == nil {
		s.Close()
		t.Fatal("Open of an unreachable server succeeded")
	}
}
