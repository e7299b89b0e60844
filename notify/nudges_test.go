package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/jobs"
	"github.com/debrief-oss/debrief/notify"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/postgres/pgtest"
	"github.com/debrief-oss/debrief/store/sqlite"

	"github.com/debrief-oss/debrief/notify/smtptest"
)

// hookSink receives the signed webhooks and checks every signature.
type hookSink struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	events []map[string]any
}

func newHookSink(t *testing.T, secret string) *hookSink {
	h := &hookSink{t: t}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if got := r.Header.Get(notify.SignatureHeader); got != notify.Sign(secret, body) {
			t.Errorf("webhook signature %q does not match", got)
		}
		var ev map[string]any
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		ev["_delivery"] = r.Header.Get("X-Debrief-Delivery")
		h.mu.Lock()
		h.events = append(h.events, ev)
		h.mu.Unlock()
		w.WriteHeader(204)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func open(t *testing.T, engine string) (store.Store, store.Store) {
	ctx := context.Background()
	var a, b store.Store
	switch engine {
	case "postgres":
		dsn := os.Getenv("DEBRIEF_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("DEBRIEF_TEST_POSTGRES is not set")
		}
		schema := pgtest.FreshSchema(t, dsn)
		for _, dst := range []*store.Store{&a, &b} {
			s, err := postgres.Open(ctx, schema)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			*dst = s
		}
	default:
		path := filepath.Join(t.TempDir(), "n.db")
		for _, dst := range []*store.Store{&a, &b} {
			s, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			*dst = s
		}
	}
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// Two servers on one database (each its service, job runner and nudger)
// look for nudges at the same time: each reminder and each digest reaches
// its owner once, by e-mail and by signed webhook.
func TestNudgesSentOnce(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			stA, stB := open(t, engine)
			smtp := smtptest.New(t)
			hooks := newHookSink(t, "hook-secret")
			// A Monday after 08:00 UTC: digest time.
			now := time.Now().UTC()
			for now.Weekday() != time.Monday {
				now = now.AddDate(0, 0, 1)
			}
			now = time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			ctx := debrief.WithActor(context.Background(), debrief.SystemActor)

			svcA := app.New(stA, app.WithClock(clock))
			if err := svcA.CreateTeam(ctx, &debrief.Team{Slug: "payments", Name: "Payments"}); err != nil {
				t.Fatal(err)
			}
			lead := &debrief.User{Email: "lead@example.com", Name: "Lead"}
			if err := svcA.CreateUser(ctx, lead, ""); err != nil {
				t.Fatal(err)
			}
			tm, _ := svcA.FindTeamBySlug(ctx, "payments")
			if err := svcA.SetMember(ctx, &debrief.Membership{TeamID: tm.ID, UserID: lead.ID, Role: debrief.RoleEditor}); err != nil {
				t.Fatal(err)
			}
			ada := &debrief.Person{Name: "Ada Lovelace", Handle: "ada", Email: "ada@example.com"}
			bob := &debrief.Person{Name: "Bob Ross", Handle: "bob", Email: "bob@example.com"}
			for _, p := range []*debrief.Person{ada, bob} {
				if err := svcA.CreatePerson(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			inc := &debrief.Incident{Title: "Card payments declined", Team: "payments"}
			if err := svcA.CreateIncident(ctx, inc, ""); err != nil {
				t.Fatal(err)
			}
			day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
			for _, a := range []*debrief.Action{
				{Title: "Alert on <decline> rate", OwnerID: &ada.ID, DueDate: day(3), Status: debrief.ActionPlanned},
				{Title: "Failover runbook", OwnerID: &bob.ID, DueDate: day(1), Status: debrief.ActionPlanned},
				{Title: "Provider dashboard", OwnerID: &ada.ID, DueDate: day(-2), Status: debrief.ActionPlanned}, // overdue: digest only
				{Title: "Far away", OwnerID: &bob.ID, DueDate: day(30), Status: debrief.ActionPlanned},
				{Title: "Done already", OwnerID: &bob.ID, DueDate: day(2), Status: debrief.ActionDone},
			} {
				a.IncidentID = inc.ID
				if err := svcA.CreateAction(ctx, a); err != nil {
					t.Fatal(err)
				}
			}

			newServer := func(st store.Store, name string) *jobs.Runner {
				svc := app.New(st, app.WithClock(clock))
				r := jobs.New(st, jobs.WithClock(clock), jobs.WithWorker(name))
				n := notify.NewNudger(svc, r, &notify.Mailer{Addr: smtp.Addr, From: "Debrief <debrief@example.com>"},
					&notify.Webhook{URL: hooks.srv.URL, Secret: "hook-secret"}, "https://debrief.example.com", nil)
				n.Register(time.Millisecond)
				return r
			}
			servers := []*jobs.Runner{newServer(stA, "server-a"), newServer(stB, "server-b")}
			var wg sync.WaitGroup
			for _, r := range servers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 3 {
						if err := r.Tick(context.Background()); err != nil {
							t.Error(err)
						}
						if _, err := r.RunDue(context.Background()); err != nil {
							t.Error(err)
						}
					}
				}()
			}
			wg.Wait()

			// E-mail: a reminder each for the two items due within three
			// days; a digest each for Ada, Bob and the payments team.
			mails := smtp.All()
			subjects := map[string]int{}
			for _, m := range mails {
				hdr, body, _ := strings.Cut(m.Data, "\r\n\r\n")
				dec, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
				var subject string
				for _, l := range strings.Split(hdr, "\r\n") {
					if s, ok := strings.CutPrefix(l, "Subject: "); ok {
						subject = s
					}
				}
				subjects[strings.Join(m.To, ",")+" "+subject]++
				if strings.Contains(subject, "Reminder") && !strings.Contains(string(dec), "https://debrief.example.com/incidents/") {
					t.Errorf("reminder without its link:\n%s", dec)
				}
			}
			for key, n := range subjects {
				if n != 1 {
					t.Errorf("%q sent %d times", key, n)
				}
			}
			if len(mails) != 5 {
				t.Fatalf("%d mails, want 2 reminders and 3 digests: %v", len(mails), subjects)
			}
			want := []string{`ada@example.com Reminder: "Alert on <decline> rate" is due on ` + day(3),
				`bob@example.com Reminder: "Failover runbook" is due on ` + day(1),
				"ada@example.com Follow-ups for Ada Lovelace: 1 overdue, 1 due soon",
				"bob@example.com Follow-ups for Bob Ross: 0 overdue, 1 due soon",
				"lead@example.com Follow-ups for team payments: 1 overdue, 2 due soon"}
			for _, w := range want {
				if subjects[w] != 1 {
					t.Errorf("no mail %q; got %v", w, subjects)
				}
			}
			// The webhook: the same five, each once, each signed.
			deliveries := map[string]int{}
			for _, ev := range hooks.events {
				deliveries[ev["_delivery"].(string)]++
			}
			if len(hooks.events) != 5 || len(deliveries) != 5 {
				t.Fatalf("%d webhook events, %d deliveries: %v", len(hooks.events), len(deliveries), deliveries)
			}
			// Run again later the same week: nothing new.
			now = now.Add(3 * time.Hour)
			for _, r := range servers {
				r.Tick(context.Background())
				r.RunDue(context.Background())
			}
			if n := len(smtp.All()); n != 5 {
				t.Fatalf("%d mails after another round, want still 5", n)
			}
		})
	}
}
