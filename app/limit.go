package app

import (
	"sync"
	"time"
)

// Sign-in attempts allowed per window: per account (the email typed, known
// or not, so the limit says nothing about which accounts exist) and per
// client address. A successful sign-in clears its account's count.
const (
	LoginWindow       = 15 * time.Minute
	LoginAccountLimit = 5
	LoginAddressLimit = 20
	// BadTokenAddressLimit is how many unknown API tokens one address may
	// present per window before it is refused without a word in the audit
	// log.
	BadTokenAddressLimit = 30
)

// limiter counts attempts per key in a sliding window, in memory: each
// instance counts its own, which bounds guessing per instance and is enough
// for a self-hosted service run as one or a few instances.
type limiter struct {
	now   func() time.Time
	mu    sync.Mutex
	hits  map[string][]time.Time // ascending, within the window
	calls int
}

type limitKey struct {
	key   string
	limit int
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, hits: map[string][]time.Time{}}
}

// take charges one attempt to every key, unless one of them has used its
// limit: then it charges nothing and returns when to try again. Charging
// before the password is checked means concurrent guesses cannot slip past
// the limit; a success gives the charge back (succeed).
func (l *limiter) take(keys []limitKey) (at, retry time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	for _, k := range keys {
		h := l.prune(k.key, now)
		if len(h) >= k.limit {
			if r := h[len(h)-k.limit].Add(LoginWindow); r.After(retry) {
				retry = r
			}
		}
	}
	if !retry.IsZero() {
		return time.Time{}, retry, false
	}
	for _, k := range keys {
		l.hits[k.key] = append(l.hits[k.key], now)
	}
	return now, time.Time{}, true
}

// succeed clears the first key's attempts (the account's) and gives back
// the charge made at at to the others (the address's: people behind one
// address who sign in correctly do not use up its limit).
func (l *limiter) succeed(keys []limitKey, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, k := range keys {
		if i == 0 {
			delete(l.hits, k.key)
			continue
		}
		h := l.hits[k.key]
		for j := len(h) - 1; j >= 0; j-- {
			if h[j].Equal(at) {
				h = append(h[:j], h[j+1:]...)
				break
			}
		}
		if len(h) == 0 {
			delete(l.hits, k.key)
		} else {
			l.hits[k.key] = h
		}
	}
}

// prune drops key's attempts older than the window and returns the rest.
func (l *limiter) prune(key string, now time.Time) []time.Time {
	h := l.hits[key]
	i := 0
	for i < len(h) && !h[i].After(now.Add(-LoginWindow)) {
		i++
	}
	if i == len(h) {
		delete(l.hits, key)
		return nil
	}
	h = h[i:]
	l.hits[key] = h
	return h
}

// sweep prunes every key now and then, so keys that are never tried again
// do not stay in memory.
func (l *limiter) sweep(now time.Time) {
	l.calls++
	if l.calls%1024 != 0 {
		return
	}
	for key := range l.hits {
		l.prune(key, now)
	}
}
