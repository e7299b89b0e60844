package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/store/postgres/pgtest"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/sqlite"
	"github.com/debrief-oss/debrief/store/sqlstore"
)

// The rules are tested against real databases, never a mock: every test
// runs once per engine, on SQLite always and on PostgreSQL when
// DEBRIEF_TEST_POSTGRES holds a DSN (each test in a schema of its own).

var engines = []string{"sqlite", "postgres"}

// openStore opens an empty, migrated store of the given engine, and
// returns its shared SQL layer too (for its clock).
func openStore(t *testing.T, engine string) (store.Store, *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	var st store.Store
	var db *sqlstore.DB
	switch engine {
	case "sqlite":
		s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "app.db"))
		if err != nil {
			t.Fatal(err)
		}
		st, db = s, s.DB
	case "postgres":
		dsn := os.Getenv("DEBRIEF_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("DEBRIEF_TEST_POSTGRES is not set")
		}
		s, err := postgres.Open(ctx, pgtest.FreshSchema(t, dsn))
		if err != nil {
			t.Fatal(err)
		}
		st, db = s, s.DB
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st, db
}

// clock is a settable time shared by the service and its store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is one test's service over one engine.
type env struct {
	t     *testing.T
	svc   *app.Service
	st    store.Store
	clock *clock
	// sys acts as the system, which may do anything.
	sys context.Context
}

// run runs test once per engine, each on a fresh database, in parallel
// with the other tests. opts configure the service.
func run(t *testing.T, test func(t *testing.T, e *env), opts ...app.Option) {
	t.Parallel()
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			test(t, newEnv(t, engine, opts...))
		})
	}
}

// newEnv opens a fresh store of engine with a service over it whose clock
// the test moves. The team "ops" exists, for incidents of tests that are
// not about teams.
func newEnv(t *testing.T, engine string, opts ...app.Option) *env {
	t.Helper()
	st, db := openStore(t, engine)
	c := &clock{now: time.Now().UTC().Truncate(time.Second)}
	db.Now = c.Now
	e := &env{t: t, st: st, clock: c, sys: debrief.WithActor(context.Background(), debrief.SystemActor)}
	e.svc = app.New(st, append([]app.Option{app.WithClock(c.Now)}, opts...)...)
	e.team("ops", debrief.VisibleToTeam)
	return e
}

// team creates a team.
func (e *env) team(slug string, vis debrief.Visibility) *debrief.Team {
	e.t.Helper()
	tm := &debrief.Team{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:], DefaultVisibility: vis}
	if err := e.svc.CreateTeam(e.sys, tm); err != nil {
		e.t.Fatal(err)
	}
	return tm
}

// user creates a user without a password, with roles in teams.
func (e *env) user(name string, orgAdmin bool, roles map[*debrief.Team]debrief.Role) *debrief.User {
	e.t.Helper()
	u := &debrief.User{Email: name + "@example.com", Name: name, OrgAdmin: orgAdmin}
	if err := e.svc.CreateUser(e.sys, u, ""); err != nil {
		e.t.Fatal(err)
	}
	for tm, r := range roles {
		if err := e.svc.SetMember(e.sys, &debrief.Membership{TeamID: tm.ID, UserID: u.ID, Role: r}); err != nil {
			e.t.Fatal(err)
		}
	}
	return u
}

// as signs u in through a session and returns a context acting as them.
func (e *env) as(u *debrief.User) context.Context {
	e.t.Helper()
	secret, _, err := e.svc.StartSession(context.Background(), u.ID, "192.0.2.1")
	if err != nil {
		e.t.Fatal(err)
	}
	a, _, err := e.svc.SessionActor(context.Background(), secret, "192.0.2.1")
	if err != nil {
		e.t.Fatal(err)
	}
	return debrief.WithActor(context.Background(), a)
}

// incident creates an incident of team with the given visibility.
func (e *env) incident(team string, vis debrief.Visibility) *debrief.Incident {
	e.t.Helper()
	inc := &debrief.Incident{Title: "Checkout errors", Team: team, Visibility: vis}
	if err := e.svc.CreateIncident(e.sys, inc, ""); err != nil {
		e.t.Fatal(err)
	}
	return inc
}

func ptr[T any](v T) *T { return &v }

// wantCode checks err has the given code ("" for none).
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := debrief.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

// wantField checks err is an EINVALID error naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if debrief.ErrorCode(err) != debrief.EINVALID || debrief.ErrorField(err) != field {
		t.Fatalf("error = %v (code %q, field %q), want invalid %q", err, debrief.ErrorCode(err), debrief.ErrorField(err), field)
	}
}
