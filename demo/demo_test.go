package demo_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/demo"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/sqlite"
)

// openStore opens an empty, migrated store of the engine: SQLite in a
// temporary file, or PostgreSQL in a schema of its own when
// DEBRIEF_TEST_POSTGRES holds a DSN.
func openStore(t *testing.T, engine string) store.Store {
	t.Helper()
	ctx := context.Background()
	var st store.Store
	var err error
	switch engine {
	case "sqlite":
		st, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	case "postgres":
		dsn := os.Getenv("DEBRIEF_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("DEBRIEF_TEST_POSTGRES is not set")
		}
		st, err = postgres.Open(ctx, freshSchema(t, dsn))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// freshSchema creates an empty schema, dropped at cleanup, and returns dsn
// with search_path set to it.
func freshSchema(t *testing.T, dsn string) string {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "test_demo_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn + " search_path=" + schema
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestLoadOnceThroughTheRules(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) { testLoadOnce(t, engine) })
	}
}

func testLoadOnce(t *testing.T, engine string) {
	ctx := context.Background()
	st := openStore(t, engine)
	svc := app.New(st)
	if _, err := demo.User(ctx, svc); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Fatalf("demo user before loading: %v, want not found", err)
	}
	if loaded, err := demo.Load(ctx, svc); err != nil || !loaded {
		t.Fatalf("first load: %v, %v", loaded, err)
	}
	if loaded, err := demo.Load(ctx, svc); err != nil || loaded {
		t.Fatalf("second load: %v, %v (want nothing loaded into a database with incidents)", loaded, err)
	}
	if _, err := demo.User(ctx, app.New(st)); err != nil {
		t.Fatalf("demo user after a second load: %v", err)
	}
	// The visitor's account: an editor of the demo team, without a
	// password, who sees and may change the demo incident.
	u, err := demo.User(ctx, svc)
	if err != nil || u.Email != "demo@example.com" || u.Name != "Demo Visitor" || u.OrgAdmin || u.PasswordHash != "" {
		t.Fatalf("demo user: %+v, %v", u, err)
	}
	secret, _, err := svc.StartSession(ctx, u.ID, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	visitor, _, err := svc.SessionActor(ctx, secret, "127.0.0.1")
	if err != nil || visitor.Teams["cloud-engineering"] != debrief.RoleEditor {
		t.Fatalf("visitor: %+v, %v", visitor, err)
	}
	ctx = debrief.WithActor(ctx, visitor)
	incs, total, _ := svc.FindIncidents(ctx, debrief.IncidentFilter{})
	if total != 1 {
		t.Fatalf("%d incidents", total)
	}
	if incs[0].Team != "cloud-engineering" || incs[0].Visibility != debrief.VisibleToOrganization {
		t.Errorf("incident team %q, visibility %q", incs[0].Team, incs[0].Visibility)
	}
	team, err := svc.FindTeamBySlug(ctx, "cloud-engineering")
	if err != nil || team.Name != "Cloud Engineering" || team.DefaultVisibility != debrief.VisibleToOrganization {
		t.Fatalf("team: %+v, %v", team, err)
	}
	rep, err := svc.FindReport(ctx, incs[0].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	// A complete retrospective: every template section written, a
	// timeline with starred and hidden events, follow-ups in every state.
	for _, s := range rep.Retrospective.Sections {
		if s.Body == "" {
			t.Errorf("section %q is empty", s.Key)
		}
	}
	var starred, hidden int
	for _, ev := range rep.Events {
		if ev.Starred {
			starred++
		}
		if ev.Hidden {
			hidden++
		}
	}
	if len(rep.Events) < 10 || starred == 0 || hidden == 0 {
		t.Errorf("timeline: %d events, %d starred, %d hidden", len(rep.Events), starred, hidden)
	}
	statuses := map[debrief.ActionStatus]bool{}
	for _, a := range rep.Actions {
		statuses[a.Status] = true
	}
	if len(statuses) != len(debrief.ActionStatuses) {
		t.Errorf("action statuses %v, want one of each", statuses)
	}
	d := rep.Incident.Milestones.Durations()
	if !d[0].Known || d[0].Value.Minutes() != 64 || d[3].Value.Minutes() != 87 {
		t.Errorf("durations %+v, want the postmortem's 64 min to detect and 87 to resolve", d)
	}
}
