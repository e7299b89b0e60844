package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/store"
)

func testAttempts(t *testing.T, s store.Store) {
	ctx := t.Context()
	const window = 15 * time.Minute
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	acct := store.AttemptLimit{Key: "account:ann@example.com", Limit: 3}
	addr := store.AttemptLimit{Key: "address:192.0.2.1", Limit: 5}
	for i := range 3 {
		retry, err := s.TakeAttempts(ctx, []store.AttemptLimit{acct, addr}, t0.Add(time.Duration(i)*time.Minute), window)
		noErr(t, err, "TakeAttempts")
		if !retry.IsZero() {
			t.Fatalf("attempt %d refused until %v", i, retry)
		}
	}
	// The account is at its limit: refused until its oldest attempt
	// leaves the window, and nothing is charged (the address keeps 3).
	retry, err := s.TakeAttempts(ctx, []store.AttemptLimit{acct, addr}, t0.Add(4*time.Minute), window)
	noErr(t, err, "TakeAttempts")
	same(t, retry, t0.Add(window), "retry time")
	other := store.AttemptLimit{Key: "account:bo@example.com", Limit: 3}
	for i := range 2 {
		retry, err = s.TakeAttempts(ctx, []store.AttemptLimit{other, addr}, t0.Add(5*time.Minute), window)
		noErr(t, err, "TakeAttempts")
		if !retry.IsZero() {
			t.Fatalf("the address refused at attempt %d: it should have 3 of 5", 3+i)
		}
	}
	retry, err = s.TakeAttempts(ctx, []store.AttemptLimit{other, addr}, t0.Add(6*time.Minute), window)
	noErr(t, err, "TakeAttempts")
	if retry.IsZero() {
		t.Fatal("the address's sixth attempt was charged")
	}
	// A success gives the charge back: one at a time for the address,
	// everything for the account.
	noErr(t, s.ReturnAttempt(ctx, addr.Key, t0.Add(5*time.Minute)), "ReturnAttempt")
	noErr(t, s.ReturnAttempt(ctx, acct.Key, time.Time{}), "ReturnAttempt all")
	retry, err = s.TakeAttempts(ctx, []store.AttemptLimit{acct, addr}, t0.Add(7*time.Minute), window)
	noErr(t, err, "TakeAttempts")
	if !retry.IsZero() {
		t.Fatalf("after giving back: refused until %v", retry)
	}
	// The window passes.
	retry, err = s.TakeAttempts(ctx, []store.AttemptLimit{other}, t0.Add(window+6*time.Minute), window)
	noErr(t, err, "TakeAttempts")
	if !retry.IsZero() {
		t.Fatalf("after the window: refused until %v", retry)
	}
	noErr(t, s.ReturnAttempt(ctx, "never:charged", t0), "ReturnAttempt of an unknown key")
}

// Concurrent takers on one key never charge more than its limit: the
// count holds across connections (and, on PostgreSQL, across instances).
func testAttemptsConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	key := store.AttemptLimit{Key: "address:198.51.100.1", Limit: 7}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var mu sync.Mutex
	charged := 0
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			retry, err := s.TakeAttempts(ctx, []store.AttemptLimit{key}, now.Add(time.Duration(i)*time.Millisecond), time.Hour)
			if err != nil {
				t.Error(err)
				return
			}
			if retry.IsZero() {
				mu.Lock()
				charged++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if charged != key.Limit {
		t.Fatalf("%d of 20 concurrent attempts charged, want exactly %d", charged, key.Limit)
	}
}
