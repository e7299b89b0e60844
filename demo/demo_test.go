package demo_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/demo"
	"github.com/debrief-oss/debrief/store/sqlite"
)

func TestLoadOnceThroughTheRules(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := app.New(st)
	if loaded, err := demo.Load(ctx, svc); err != nil || !loaded {
		t.Fatalf("first load: %v, %v", loaded, err)
	}
	if loaded, err := demo.Load(ctx, svc); err != nil || loaded {
		t.Fatalf("second load: %v, %v (want nothing loaded into a database with incidents)", loaded, err)
	}
	incs, total, _ := svc.FindIncidents(ctx, debrief.IncidentFilter{})
	if total != 1 {
		t.Fatalf("%d incidents", total)
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
