package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/postgres/pgtest"
	"github.com/debrief-oss/debrief/store/sqlite"
)

// openStoreB opens an empty, migrated store of engine for a benchmark.
func openStoreB(b *testing.B, engine string) store.Store {
	ctx := context.Background()
	var st store.Store
	switch engine {
	case "sqlite":
		s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		st = s
	default:
		dsn := os.Getenv("DEBRIEF_TEST_POSTGRES")
		if dsn == "" {
			b.Skip("DEBRIEF_TEST_POSTGRES is not set")
		}
		s, err := postgres.Open(ctx, pgtest.FreshSchema(b, dsn))
		if err != nil {
			b.Fatal(err)
		}
		st = s
	}
	b.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkBoardPage measures one page (100 items) of the follow-up board
// for a member of one team, across 500 incidents of 5 teams holding 5,000
// items: the visibility is applied in SQL. The baseline, in the same run,
// is how the list was cut before: every matching item read, each
// incident's write-up loaded to decide, the page cut in memory.
func BenchmarkBoardPage(b *testing.B) {
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			st := openStoreB(b, engine)
			svc := app.New(st)
			ctx := context.Background()
			sysCtx := debrief.WithActor(ctx, debrief.SystemActor)
			teams := []string{"payments", "search", "identity", "storage", "edge"}
			var pay *debrief.Team
			for _, tm := range teams {
				team := &debrief.Team{Slug: tm, Name: tm, DefaultVisibility: debrief.VisibleToTeam}
				if err := svc.CreateTeam(sysCtx, team); err != nil {
					b.Fatal(err)
				}
				if pay == nil {
					pay = team
				}
			}
			for i := range 500 {
				inc := &debrief.Incident{Title: fmt.Sprintf("Incident %d", i), Team: teams[i%5], Severity: "SEV2", Status: debrief.IncidentActive, TimeZone: "UTC"}
				if err := st.CreateIncident(ctx, inc, &debrief.Retrospective{Template: "default", Status: debrief.RetroDraft}); err != nil {
					b.Fatal(err)
				}
				for j := range 10 {
					a := &debrief.Action{IncidentID: inc.ID, Title: fmt.Sprintf("Item %d.%d", i, j), Priority: "medium", Status: debrief.ActionProposed,
						DueDate: fmt.Sprintf("2026-%02d-15", 1+j)}
					if err := st.CreateAction(ctx, a); err != nil {
						b.Fatal(err)
					}
				}
			}
			u := &debrief.User{Email: "member@example.com", Name: "Member"}
			if err := svc.CreateUser(sysCtx, u, ""); err != nil {
				b.Fatal(err)
			}
			if err := svc.SetMember(sysCtx, &debrief.Membership{TeamID: pay.ID, UserID: u.ID, Role: debrief.RoleEditor}); err != nil {
				b.Fatal(err)
			}
			secret, _, err := svc.StartSession(ctx, u.ID, "192.0.2.1")
			if err != nil {
				b.Fatal(err)
			}
			act, _, err := svc.SessionActor(ctx, secret, "192.0.2.1")
			if err != nil {
				b.Fatal(err)
			}
			member := debrief.WithActor(ctx, act)
			b.Run("sql", func(b *testing.B) {
				for b.Loop() {
					items, total, err := svc.FindActions(member, debrief.ActionFilter{Limit: 100, Offset: 300})
					if err != nil || len(items) != 100 || total != 1000 {
						b.Fatalf("%d items of %d: %v", len(items), total, err)
					}
				}
			})
			b.Run("baseline-in-memory", func(b *testing.B) {
				for b.Loop() {
					var all []*debrief.Action
					for off := 0; ; off += store.MaxLimit {
						page, total, err := st.FindActions(sysCtx, debrief.ActionFilter{Offset: off, Limit: store.MaxLimit})
						if err != nil {
							b.Fatal(err)
						}
						all = append(all, page...)
						if len(all) >= total {
							break
						}
					}
					allowed := map[int64]bool{}
					var mine []*debrief.Action
					for _, a := range all {
						ok, seen := allowed[a.IncidentID]
						if !seen {
							inc, err := st.FindIncidentByID(sysCtx, a.IncidentID)
							if err != nil {
								b.Fatal(err)
							}
							if _, err := st.FindRetrospective(sysCtx, a.IncidentID); err != nil {
								b.Fatal(err)
							}
							ok = inc.Team == "payments"
							allowed[a.IncidentID] = ok
						}
						if ok {
							mine = append(mine, a)
						}
					}
					if len(mine[300:400]) != 100 {
						b.Fatal(len(mine))
					}
				}
			})
		})
	}
}
