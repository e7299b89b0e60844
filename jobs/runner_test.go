package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/jobs"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/postgres"
	"github.com/debrief-oss/debrief/store/postgres/pgtest"
	"github.com/debrief-oss/debrief/store/sqlite"
)

// openTwo opens two handles on one database, as two processes would: on
// PostgreSQL two pools on one schema; on SQLite two stores on one file.
func openTwo(t *testing.T, engine string) (store.Store, store.Store) {
	t.Helper()
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
	case "sqlite":
		path := filepath.Join(t.TempDir(), "jobs.db")
		for _, dst := range []*store.Store{&a, &b} {
			s, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			*dst = s
		}
	}
	// Both migrate at once, as two servers starting together do.
	var wg sync.WaitGroup
	for _, s := range []store.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Migrate(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	return a, b
}

// Two runners on one database, both scheduling the same reminders on every
// tick and running what is due: every reminder is sent exactly once.
func TestEachReminderSentOnce(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			stA, stB := openTwo(t, engine)
			const reminders = 40
			var (
				mu   sync.Mutex
				sent = map[string][]string{}
			)
			newRunner := func(st store.Store, name string) *jobs.Runner {
				r := jobs.New(st, jobs.WithWorker(name))
				r.Handle("reminder", func(ctx context.Context, j *store.Job) error {
					time.Sleep(time.Millisecond) // long enough for the other runner to try to claim it too
					mu.Lock()
					sent[j.Key] = append(sent[j.Key], name)
					mu.Unlock()
					return nil
				})
				// Every instance schedules every reminder: the keys keep each single.
				r.Every("reminders", time.Millisecond, func(ctx context.Context, r *jobs.Runner, now time.Time) error {
					for i := range reminders {
						if _, err := r.Enqueue(ctx, "reminder", fmt.Sprintf("reminder:action:%d:2026-12-01", i), map[string]int{"action": i}, now); err != nil {
							return err
						}
					}
					return nil
				})
				return r
			}
			runners := []*jobs.Runner{newRunner(stA, "server-a"), newRunner(stB, "server-b")}
			var wg sync.WaitGroup
			for _, r := range runners {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 3 {
						if err := r.Tick(t.Context()); err != nil {
							t.Error(err)
						}
						if _, err := r.RunDue(t.Context()); err != nil {
							t.Error(err)
						}
					}
				}()
			}
			wg.Wait()
			if len(sent) != reminders {
				t.Fatalf("%d reminders sent, want %d", len(sent), reminders)
			}
			by := map[string]int{}
			for key, who := range sent {
				if len(who) != 1 {
					t.Errorf("%s sent %d times, by %v", key, len(who), who)
				}
				by[who[0]]++
			}
			t.Logf("%s: %d reminders, each sent once; by runner: %v", engine, reminders, by)
			done, err := stA.FindJobs(t.Context(), "reminder")
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range done {
				if j.State != store.JobDone || j.Attempts != 1 {
					t.Errorf("%s: state %s after %d attempts", j.Key, j.State, j.Attempts)
				}
			}
		})
	}
}

// A failing job is retried with growing delays, at a rate limit's time
// when it names one, and given up after MaxAttempts; a permanent error
// gives up at once.
func TestRetryWithBackoff(t *testing.T) {
	stA, _ := openTwo(t, "sqlite")
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	r := jobs.New(stA, jobs.WithClock(clock), jobs.WithWorker("w"))
	r.Backoff, r.MaxBackoff, r.MaxAttempts = time.Minute, 3*time.Minute, 5
	calls := 0
	r.Handle("sync", func(ctx context.Context, j *store.Job) error {
		calls++
		switch calls {
		case 1, 2, 3:
			return errors.New("tracker answered 500")
		case 4:
			return jobs.RetryAfter(errors.New("rate limited"), 17*time.Second)
		}
		return nil
	})
	r.Handle("bad", func(ctx context.Context, j *store.Job) error { return jobs.Permanent(errors.New("no such ticket")) })
	if _, err := r.Enqueue(t.Context(), "sync", "sync:1", nil, now); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Enqueue(t.Context(), "bad", "bad:1", nil, now); err != nil {
		t.Fatal(err)
	}
	wantNext := []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 17 * time.Second}
	for i, d := range append([]time.Duration{0}, wantNext...) {
		now = now.Add(d)
		if i > 0 {
			// Not a moment before its time.
			now = now.Add(-time.Second)
			if n, _ := r.RunDue(t.Context()); n != 0 {
				t.Fatalf("attempt %d ran early", i+1)
			}
			now = now.Add(time.Second)
		}
		if n, err := r.RunDue(t.Context()); err != nil || n == 0 {
			t.Fatalf("attempt %d: ran %d, %v", i+1, n, err)
		}
	}
	js, _ := stA.FindJobs(t.Context(), "")
	for _, j := range js {
		switch j.Kind {
		case "sync":
			if j.State != store.JobDone || j.Attempts != 5 || j.LastError != "" {
				t.Errorf("sync job: %+v", j)
			}
		case "bad":
			if j.State != store.JobFailed || j.Attempts != 1 || j.LastError != "no such ticket" {
				t.Errorf("bad job: %+v", j)
			}
		}
	}
}
