package app_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func TestFollowupMetrics(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx, svc := e.sys, e.svc
		inc := mustIncident(t, e) // team ops, severity SEV? by default
		mk := func(title string) *debrief.Action {
			a := &debrief.Action{IncidentID: inc.ID, Title: title}
			if err := svc.CreateAction(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		quick, slow, dropped, open := mk("quick"), mk("slow"), mk("dropped"), mk("open")
		move := func(a *debrief.Action, st debrief.ActionStatus) {
			cur, _ := svc.FindActionByID(ctx, inc.ID, a.ID)
			upd := debrief.ActionUpdate{Status: &st, Version: cur.Version}
			if st == debrief.ActionDropped {
				upd.DropReason = ptr("Superseded.")
			}
			if _, err := svc.UpdateAction(ctx, inc.ID, a.ID, upd); err != nil {
				t.Fatal(err)
			}
		}
		e.clock.Advance(10 * 24 * time.Hour)
		move(quick, debrief.ActionDone)
		e.clock.Advance(10 * 24 * time.Hour)
		move(dropped, debrief.ActionDropped)
		e.clock.Advance(25 * 24 * time.Hour) // day 45
		move(slow, debrief.ActionDone)
		e.clock.Advance(55 * 24 * time.Hour) // day 100
		_ = open

		m, err := svc.FollowupMetrics(ctx, nil, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Completion) != 3 || m.Completion[0].By != "all" || m.Completion[1].By != "team" || m.Completion[1].Group != "ops" {
			t.Fatalf("rows: %+v", m.Completion)
		}
		all := m.Completion[0]
		want := []float64{1.0 / 3, 2.0 / 3, 2.0 / 3}
		for i := range want {
			if math.Abs(all.Within[i]-want[i]) > 1e-9 || all.Eligible[i] != 3 {
				t.Errorf("within %d days: %.3f of %d, want %.3f of 3", all.Days[i], all.Within[i], all.Eligible[i], want[i])
			}
		}
		if m.Ages[3].Count != 1 || m.Ages[0].Count != 0 || m.OldestOpenDays != 100 || m.MedianOpenDays != 100 {
			t.Errorf("ages: %+v oldest %d median %d", m.Ages, m.OldestOpenDays, m.MedianOpenDays)
		}
		// Backlog: 20 weekly points, today last; 4 open at first, 1 now.
		if len(m.Backlog) != 20 || m.Backlog[19].Open != 1 {
			t.Fatalf("backlog: %+v", m.Backlog)
		}
		peak := 0
		for _, p := range m.Backlog {
			peak = max(peak, p.Open)
		}
		if peak != 4 {
			t.Errorf("backlog peak %d, want 4: %+v", peak, m.Backlog)
		}
		// Another team: nothing; a user outside the team sees nothing.
		other, err := svc.FollowupMetrics(ctx, ptr("search"), 4)
		if err != nil || len(other.Completion) != 0 || other.Backlog[3].Open != 0 {
			t.Fatalf("other team: %v %+v", err, other)
		}
		outsider := e.as(e.user("out", false, nil))
		if m, err := svc.FollowupMetrics(outsider, nil, 4); err != nil || len(m.Completion) != 0 {
			t.Fatalf("outsider: %v %+v", err, m)
		}
		_, err = svc.FollowupMetrics(ctx, nil, 0)
		wantField(t, err, "weeks")
	})
}

// An item closed, reopened and closed again counts as open while it was
// reopened, from its history; the last close alone would count it open
// from its creation to its last close.
func TestFollowupBacklogReopened(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ctx, svc := e.sys, e.svc
		inc := mustIncident(t, e)
		a := &debrief.Action{IncidentID: inc.ID, Title: "Add a canary stage"}
		if err := svc.CreateAction(ctx, a); err != nil {
			t.Fatal(err)
		}
		move := func(st debrief.ActionStatus) {
			cur, err := svc.FindActionByID(ctx, inc.ID, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.UpdateAction(ctx, inc.ID, a.ID, debrief.ActionUpdate{Status: &st, Version: cur.Version}); err != nil {
				t.Fatal(err)
			}
		}
		day := 24 * time.Hour
		e.clock.Advance(7 * day)
		move(debrief.ActionDone) // day 7
		e.clock.Advance(14 * day)
		move(debrief.ActionInProgress) // day 21: reopened
		e.clock.Advance(14 * day)
		move(debrief.ActionDone)  // day 35: closed again
		e.clock.Advance(21 * day) // day 56

		m, err := svc.FollowupMetrics(ctx, nil, 9)
		if err != nil {
			t.Fatal(err)
		}
		// The ends of days 0, 7, 14, ..., 56.
		want := []int{1, 0, 0, 1, 1, 0, 0, 0, 0}
		var got []int
		for _, p := range m.Backlog {
			got = append(got, p.Open)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("backlog %v, want %v (%+v)", got, want, m.Backlog)
		}

		// Reopened and still open: open from the reopening on.
		e.clock.Advance(day)
		move(debrief.ActionInProgress) // day 57
		m, err = svc.FollowupMetrics(ctx, nil, 2)
		if err != nil {
			t.Fatal(err)
		}
		if m.Backlog[0].Open != 0 || m.Backlog[1].Open != 1 {
			t.Fatalf("reopened: %+v", m.Backlog)
		}
	})
}
