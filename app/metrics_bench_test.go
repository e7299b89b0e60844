package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// BenchmarkFollowupMetrics measures the follow-through metrics (26 weekly
// backlog points) for an organisation admin over 500 incidents holding
// 5,000 action items, each with its creation in the history and half of
// them closed, a fifth of those reopened and closed again (8,500 status
// moves). "status-moves"
// is the history read alone (FindActionStatusMoves of every item), the
// part the backlog's reading of reopened items adds.
func BenchmarkFollowupMetrics(b *testing.B) {
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			st := openStoreB(b, engine)
			now := time.Now().UTC()
			svc := app.New(st, app.WithClock(func() time.Time { return now }))
			ctx := context.Background()
			sysCtx := debrief.WithActor(ctx, debrief.SystemActor)
			if err := svc.CreateTeam(sysCtx, &debrief.Team{Slug: "payments", Name: "Payments"}); err != nil {
				b.Fatal(err)
			}
			var ids []int64
			start := now.AddDate(0, 0, -200)
			for i := range 500 {
				inc := &debrief.Incident{Title: fmt.Sprintf("Incident %d", i), Team: "payments", Severity: "SEV2", Status: debrief.IncidentActive, TimeZone: "UTC"}
				if err := st.CreateIncident(ctx, inc, &debrief.Retrospective{Template: "default", Status: debrief.RetroDraft}); err != nil {
					b.Fatal(err)
				}
				for j := range 10 {
					created := start.Add(time.Duration(i*10+j) * time.Hour / 2)
					a := &debrief.Action{IncidentID: inc.ID, Title: fmt.Sprintf("Item %d.%d", i, j), Priority: "medium", Status: debrief.ActionProposed}
					if err := st.CreateActionLogged(ctx, a, &debrief.ActionChange{Actor: "bench", ToStatus: a.Status, At: created}); err != nil {
						b.Fatal(err)
					}
					ids = append(ids, a.ID)
					moves := []debrief.ActionStatus{}
					switch {
					case j%10 < 1:
						moves = []debrief.ActionStatus{debrief.ActionDone, debrief.ActionInProgress, debrief.ActionDone}
					case j%10 < 5:
						moves = []debrief.ActionStatus{debrief.ActionDone}
					}
					for k, to := range moves {
						from := a.Status
						a.Status = to
						at := created.Add(time.Duration(k+1) * 72 * time.Hour)
						if to == debrief.ActionDone {
							a.ClosedAt = &at
						} else {
							a.ClosedAt = nil
						}
						if err := st.UpdateActionLogged(ctx, a, &debrief.ActionChange{Actor: "bench", FromStatus: from, ToStatus: to, At: at}); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			b.Run("metrics", func(b *testing.B) {
				for b.Loop() {
					m, err := svc.FollowupMetrics(sysCtx, nil, 26)
					if err != nil || len(m.Backlog) != 26 {
						b.Fatal(err)
					}
				}
			})
			b.Run("status-moves", func(b *testing.B) {
				for b.Loop() {
					moves, err := st.FindActionStatusMoves(ctx, ids)
					if err != nil || len(moves) != 5000+500*3+2000 {
						b.Fatalf("%d moves: %v", len(moves), err)
					}
				}
			})
		})
	}
}
