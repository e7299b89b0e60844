// Package jobs runs Debrief's background work (ticket sync, reminders,
// digests) exactly once, however many `debrief serve` processes share one
// database.
//
// Work is a row in the jobs table with a unique key: scheduling the same
// piece of work twice (every instance's clock ticks) enqueues it once.
// Runners claim due rows one at a time with a lease (SELECT ... FOR UPDATE
// SKIP LOCKED on PostgreSQL; SQLite's single writer serialises claims, and
// one process runs them in-process). A runner that dies leaves its row to be
// claimed again when the lease ends; a handler that fails is retried with
// exponential backoff, or at the time a rate limit names.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/debrief-oss/debrief/store"
)

// Handler does one job. A nil error marks it done; RetryAfter asks for
// another try at a given delay; Permanent gives up at once; any other error
// is retried with backoff until MaxAttempts.
type Handler func(ctx context.Context, j *store.Job) error

// Schedule enqueues the work due at now, for example one reminder job per
// item due in three days. It runs on every instance at each tick; the jobs'
// unique keys keep the work single.
type Schedule func(ctx context.Context, r *Runner, now time.Time) error

// Runner claims and runs jobs.
type Runner struct {
	st       store.Store
	worker   string
	log      *slog.Logger
	now      func() time.Time
	handlers map[string]Handler
	schedule []namedSchedule

	// Lease is how long a claim holds a job; a handler must finish well
	// within it. MaxAttempts bounds retries; Poll is how often Run looks
	// for work; Backoff is the first retry delay, doubled each attempt up
	// to MaxBackoff.
	Lease       time.Duration
	MaxAttempts int
	Poll        time.Duration
	Backoff     time.Duration
	MaxBackoff  time.Duration

	mu sync.Mutex
}

type namedSchedule struct {
	name  string
	every time.Duration
	fn    Schedule
	last  time.Time
}

// Option configures a Runner.
type Option func(*Runner)

// WithClock sets the clock (tests move it).
func WithClock(now func() time.Time) Option { return func(r *Runner) { r.now = now } }

// WithLogger sets where failures are reported.
func WithLogger(l *slog.Logger) Option { return func(r *Runner) { r.log = l } }

// WithWorker names the runner in the table (locked_by); by default a random
// name, unique per process.
func WithWorker(name string) Option { return func(r *Runner) { r.worker = name } }

// New returns a runner over st.
func New(st store.Store, opts ...Option) *Runner {
	b := make([]byte, 6)
	rand.Read(b)
	r := &Runner{
		st: st, worker: "runner-" + hex.EncodeToString(b), log: slog.New(slog.DiscardHandler), now: time.Now,
		handlers: map[string]Handler{}, Lease: 5 * time.Minute, MaxAttempts: 8, Poll: 5 * time.Second,
		Backoff: 30 * time.Second, MaxBackoff: time.Hour,
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Worker is the runner's name in the jobs table.
func (r *Runner) Worker() string { return r.worker }

// Handle sets the handler of a kind of job.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

// Every runs fn at most once per every on this runner (Tick decides).
func (r *Runner) Every(name string, every time.Duration, fn Schedule) {
	r.schedule = append(r.schedule, namedSchedule{name: name, every: every, fn: fn})
}

// Prune deletes, once a day, the finished jobs of kind older than keep.
// keep must outlast the time in which the same key could be scheduled
// again (a reminder's window, a poll's period), or the work is repeated.
func (r *Runner) Prune(kind string, keep time.Duration) {
	r.Every("prune:"+kind, 24*time.Hour, func(ctx context.Context, r *Runner, now time.Time) error {
		n, err := r.st.PruneJobs(ctx, kind, now.Add(-keep))
		if n > 0 {
			r.log.Info("jobs: pruned finished jobs", "kind", kind, "count", n)
		}
		return err
	})
}

// Enqueue adds a job of kind under key, due at runAt, with payload as JSON.
// It reports false when a job with that key exists already.
func (r *Runner) Enqueue(ctx context.Context, kind, key string, payload any, runAt time.Time) (bool, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", key, err)
	}
	return r.st.EnqueueJob(ctx, &store.Job{Kind: kind, Key: key, Payload: b, RunAt: runAt})
}

// Tick runs the schedules that are due on this runner.
func (r *Runner) Tick(ctx context.Context) error {
	now := r.now()
	var errs []error
	for i := range r.schedule {
		s := &r.schedule[i]
		if !s.last.IsZero() && now.Sub(s.last) < s.every {
			continue
		}
		s.last = now
		if err := s.fn(ctx, r, now); err != nil {
			errs = append(errs, fmt.Errorf("schedule %s: %w", s.name, err))
		}
	}
	return errors.Join(errs...)
}

// RunDue claims and runs every job due now, one after another, and returns
// how many it ran. Several runners may call it at once.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for ctx.Err() == nil {
		j, err := r.st.ClaimJob(ctx, r.worker, r.now(), r.Lease)
		if err != nil {
			return n, err
		}
		if j == nil {
			return n, nil
		}
		n++
		r.run(ctx, j)
	}
	return n, ctx.Err()
}

func (r *Runner) run(ctx context.Context, j *store.Job) {
	h, ok := r.handlers[j.Kind]
	var err error
	if !ok {
		err = Permanent(fmt.Errorf("no handler for jobs of kind %q", j.Kind))
	} else {
		jctx, cancel := context.WithTimeout(ctx, r.Lease)
		err = safeRun(jctx, h, j)
		cancel()
	}
	state, retryAt, text := store.JobDone, time.Time{}, ""
	if err != nil {
		text = err.Error()
		var perm *permanent
		var after *retryAfter
		switch {
		case errors.As(err, &perm) || j.Attempts >= r.MaxAttempts:
			state = store.JobFailed
			r.log.Error("jobs: giving up", "kind", j.Kind, "key", j.Key, "attempts", j.Attempts, "error", err)
		case errors.As(err, &after):
			state, retryAt = store.JobQueued, r.now().Add(after.d)
		default:
			state, retryAt = store.JobQueued, r.now().Add(r.backoff(j.Attempts))
		}
		if state == store.JobQueued {
			r.log.Warn("jobs: will retry", "kind", j.Kind, "key", j.Key, "attempt", j.Attempts, "at", retryAt, "error", err)
		}
	}
	// The outcome is recorded even when ctx is ending: the work is done.
	if ferr := r.st.FinishJob(context.WithoutCancel(ctx), j.ID, r.worker, state, text, retryAt); ferr != nil {
		r.log.Error("jobs: could not record the outcome", "kind", j.Kind, "key", j.Key, "error", ferr)
	}
}

// safeRun turns a handler's panic into an error, so one bad job does not
// stop the runner.
func safeRun(ctx context.Context, h Handler, j *store.Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, j)
}

// backoff is the delay before attempt n+1: Backoff doubled per attempt,
// capped at MaxBackoff.
func (r *Runner) backoff(attempt int) time.Duration {
	d := r.Backoff
	for i := 1; i < attempt && d < r.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, r.MaxBackoff)
}

// Run ticks the schedules and runs due jobs every Poll until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	t := time.NewTicker(r.Poll)
	defer t.Stop()
	for {
		if err := r.Tick(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("jobs: scheduling", "error", err)
		}
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("jobs: running", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

type permanent struct{ err error }

func (p *permanent) Error() string { return p.err.Error() }
func (p *permanent) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error { return &permanent{err} }

type retryAfter struct {
	err error
	d   time.Duration
}

func (r *retryAfter) Error() string { return r.err.Error() }
func (r *retryAfter) Unwrap() error { return r.err }

// RetryAfter asks for another try after d (a rate limit's Retry-After).
func RetryAfter(err error, d time.Duration) error { return &retryAfter{err, d} }
