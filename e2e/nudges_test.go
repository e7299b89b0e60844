package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/postgres/pgtest"

	"github.com/debrief-oss/debrief/notify/smtptest"
)

// TestTwoServersRemindOnce starts two `debrief serve` processes on one
// PostgreSQL database, both running the background jobs, and an SMTP
// server on loopback: each reminder reaches its owner exactly once.
func TestTwoServersRemindOnce(t *testing.T) {
	dsn := pgtest.DSN()
	if dsn == "" {
		t.Skip("set " + pgtest.EnvVar + " to run on PostgreSQL")
	}
	database := pgtest.FreshSchema(t, dsn)
	ctx := context.Background()
	st, err := postgres.Open(ctx, database)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sys := debrief.WithActor(ctx, debrief.SystemActor)
	svc := app.New(st)
	if err := svc.CreateTeam(sys, &debrief.Team{Slug: "payments", Name: "Payments"}); err != nil {
		t.Fatal(err)
	}
	inc := &debrief.Incident{Title: "Card payments declined", Team: "payments"}
	if err := svc.CreateIncident(sys, inc, ""); err != nil {
		t.Fatal(err)
	}
	due := time.Now().UTC().AddDate(0, 0, 2).Format(time.DateOnly)
	owners := []string{"ada", "bob", "cy", "dee", "eve", "fay"}
	for _, h := range owners {
		p := &debrief.Person{Name: strings.ToUpper(h[:1]) + h[1:], Handle: h, Email: h + "@example.com"}
		if err := svc.CreatePerson(sys, p); err != nil {
			t.Fatal(err)
		}
		a := &debrief.Action{IncidentID: inc.ID, Title: "Follow-up of " + p.Name, OwnerID: &p.ID, DueDate: due, Status: debrief.ActionPlanned}
		if err := svc.CreateAction(sys, a); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	smtp := smtptest.New(t)
	flags := []string{"--smtp-addr", smtp.Addr, "--smtp-from", "Debrief <debrief@example.com>", "--nudge-every", "50ms", "--jobs-poll", "50ms"}
	a := start(t, database, flags...)
	b := start(t, database, flags...)

	deadline := time.Now().Add(20 * time.Second)
	for len(smtp.All()) < len(owners) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	// Both keep looking for a while longer: nothing more may come.
	time.Sleep(time.Second)
	mails := smtp.All()
	got := map[string]int{}
	for _, m := range mails {
		got[strings.Join(m.To, ",")]++
	}
	for _, h := range owners {
		if n := got[h+"@example.com"]; n != 1 {
			t.Errorf("%s got %d reminders, want 1", h, n)
		}
	}
	if len(mails) != len(owners) {
		t.Errorf("%d mails, want %d: %v", len(mails), len(owners), got)
	}
	for _, inst := range []*instance{a, b} {
		if !strings.Contains(inst.logs.String(), "background jobs running") {
			t.Errorf("a server did not start its job runner:\n%s", inst.logs.String())
		}
	}
}
