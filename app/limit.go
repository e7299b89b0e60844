package app

import (
	"context"
	"time"

	"github.com/debrief-oss/debrief/store"
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

// takeAttempts charges an attempt now to every key, or says when to try
// again (ok false). The counts live in the database, so that every
// instance serving the same organisation counts the same attempts: with
// several instances, an in-memory count would let each key try as many
// times per instance.
func (s *Service) takeAttempts(ctx context.Context, keys []store.AttemptLimit) (at, retry time.Time, ok bool, err error) {
	at = s.now()
	retry, err = s.store.TakeAttempts(ctx, keys, at, LoginWindow)
	if err != nil {
		return time.Time{}, time.Time{}, false, err
	}
	return at, retry, retry.IsZero(), nil
}

// succeeded clears the first key's attempts (the account's) and gives back
// the charge made at at to the others (the address's: people behind one
// address who sign in correctly do not use up its limit).
func (s *Service) succeeded(ctx context.Context, keys []store.AttemptLimit, at time.Time) error {
	for i, k := range keys {
		when := at
		if i == 0 {
			when = time.Time{}
		}
		if err := s.store.ReturnAttempt(ctx, k.Key, when); err != nil {
			return err
		}
	}
	return nil
}
