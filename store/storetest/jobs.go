package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testJobsEnqueueClaimFinish(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := base.UTC().Truncate(time.Microsecond)
	ok, err := s.EnqueueJob(ctx, &store.Job{Kind: "reminder", Key: "reminder:1", Payload: []byte(`{"action":1}`), RunAt: now})
	noErr(t, err, "EnqueueJob")
	if !ok {
		t.Fatal("first enqueue refused")
	}
	ok, err = s.EnqueueJob(ctx, &store.Job{Kind: "reminder", Key: "reminder:1", RunAt: now})
	noErr(t, err, "EnqueueJob again")
	if ok {
		t.Fatal("a second job with the same key was enqueued")
	}
	_, err = s.EnqueueJob(ctx, &store.Job{Kind: "digest", Key: "digest:later", RunAt: now.Add(time.Hour)})
	noErr(t, err, "EnqueueJob later")

	j, err := s.ClaimJob(ctx, "w1", now, time.Minute)
	noErr(t, err, "ClaimJob")
	if j == nil || j.Key != "reminder:1" || string(j.Payload) != `{"action":1}` || j.Attempts != 1 || j.LockedBy != "w1" ||
		j.State != store.JobRunning || !j.LockedUntil.Equal(now.Add(time.Minute)) {
		t.Fatalf("claimed %s", dump(j))
	}
	// Nothing else is due yet: the later job waits for its time.
	none, err := s.ClaimJob(ctx, "w2", now, time.Minute)
	noErr(t, err, "ClaimJob none due")
	if none != nil {
		t.Fatalf("claimed a job not due: %s", dump(none))
	}
	// Only its holder finishes it.
	wantCode(t, s.FinishJob(ctx, j.ID, "w2", store.JobDone, "", time.Time{}), debrief.ENOTFOUND, "FinishJob by another worker")
	// A failure to retry goes back to the queue at its time.
	noErr(t, s.FinishJob(ctx, j.ID, "w1", store.JobQueued, "SMTP 451 try later", now.Add(30*time.Second)), "FinishJob retry")
	if again, _ := s.ClaimJob(ctx, "w2", now.Add(29*time.Second), time.Minute); again != nil {
		t.Fatalf("retried before its time: %s", dump(again))
	}
	again, err := s.ClaimJob(ctx, "w2", now.Add(30*time.Second), time.Minute)
	noErr(t, err, "ClaimJob retry")
	if again == nil || again.ID != j.ID || again.Attempts != 2 || again.LastError != "SMTP 451 try later" {
		t.Fatalf("retry: %s", dump(again))
	}
	// A holder that died: its lease runs out and another worker takes it.
	stolen, err := s.ClaimJob(ctx, "w3", now.Add(91*time.Second), time.Minute)
	noErr(t, err, "ClaimJob after the lease")
	if stolen == nil || stolen.ID != j.ID || stolen.LockedBy != "w3" || stolen.Attempts != 3 {
		t.Fatalf("expired lease: %s", dump(stolen))
	}
	wantCode(t, s.FinishJob(ctx, j.ID, "w2", store.JobDone, "", time.Time{}), debrief.ENOTFOUND, "FinishJob after losing the lease")
	noErr(t, s.FinishJob(ctx, j.ID, "w3", store.JobDone, "", time.Time{}), "FinishJob done")
	jobs, err := s.FindJobs(ctx, "reminder")
	noErr(t, err, "FindJobs")
	if len(jobs) != 1 || jobs[0].State != store.JobDone || jobs[0].LockedBy != "" || jobs[0].LockedUntil != nil {
		t.Fatalf("after done: %s", dump(jobs))
	}
	if done, _ := s.ClaimJob(ctx, "w1", now.Add(24*time.Hour), time.Minute); done == nil || done.Kind != "digest" {
		t.Fatalf("next claim: %s", dump(done))
	}
	// Pruning removes finished jobs of the kind only, and frees their keys.
	n, err := s.PruneJobs(ctx, "reminder", time.Now().Add(time.Hour))
	noErr(t, err, "PruneJobs")
	if n != 1 {
		t.Fatalf("pruned %d, want 1", n)
	}
	n, err = s.PruneJobs(ctx, "digest", time.Now().Add(time.Hour))
	noErr(t, err, "PruneJobs running")
	if n != 0 {
		t.Fatalf("pruned a running job")
	}
	ok, err = s.EnqueueJob(ctx, &store.Job{Kind: "reminder", Key: "reminder:1", RunAt: now})
	noErr(t, err, "EnqueueJob after pruning")
	if !ok {
		t.Fatal("the key is still taken after pruning")
	}
}

// Many workers claiming at once each get different jobs, and every job is
// claimed exactly once.
func testJobsConcurrentClaims(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := base.UTC()
	const n = 30
	for i := range n {
		_, err := s.EnqueueJob(ctx, &store.Job{Kind: "k", Key: "k:" + string(rune('A'+i)), RunAt: now})
		noErr(t, err, "EnqueueJob")
	}
	var (
		mu   sync.Mutex
		seen = map[int64]string{}
		wg   sync.WaitGroup
	)
	for w := range 4 {
		worker := string(rune('a' + w))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j, err := s.ClaimJob(ctx, worker, now, time.Hour)
				if err != nil {
					t.Errorf("ClaimJob: %v", err)
					return
				}
				if j == nil {
					return
				}
				mu.Lock()
				if other, dup := seen[j.ID]; dup {
					t.Errorf("job %d claimed by %s and %s", j.ID, other, worker)
				}
				seen[j.ID] = worker
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("%d of %d jobs claimed", len(seen), n)
	}
}
