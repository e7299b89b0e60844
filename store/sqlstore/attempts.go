package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief/store"
)

// TakeAttempts charges one attempt at now to every key, unless one of them
// already has its limit of attempts within window: then it charges
// nothing and returns when that key frees up. Keys are locked in sorted
// order, so two instances charging overlapping keys cannot deadlock, and
// the count is exact across instances.
func (db *DB) TakeAttempts(ctx context.Context, keys []store.AttemptLimit, now time.Time, window time.Duration) (time.Time, error) {
	sorted := slices.Clone(keys)
	slices.SortFunc(sorted, func(a, b store.AttemptLimit) int { return strings.Compare(a.Key, b.Key) })
	var retry time.Time
	err := db.inTx(ctx, func(tx runner) error {
		retry = time.Time{}
		from := toMicros(now.Add(-window))
		if _, err := tx.exec(ctx, "DELETE FROM login_attempts WHERE last_at <= ?", from); err != nil {
			return err
		}
		hits := make([][]int64, len(sorted))
		for i, k := range sorted {
			h, err := lockAttempts(ctx, tx, k.Key, from)
			if err != nil {
				return err
			}
			hits[i] = h
			if k.Limit > 0 && len(h) >= k.Limit {
				if r := fromMicros(h[len(h)-k.Limit]).Add(window); r.After(retry) {
					retry = r
				}
			}
		}
		if !retry.IsZero() {
			return nil
		}
		at := toMicros(now)
		for i, k := range sorted {
			if err := writeAttempts(ctx, tx, k.Key, append(hits[i], at)); err != nil {
				return err
			}
		}
		return nil
	})
	return retry, wrap("take attempts", err)
}

// lockAttempts makes sure key has a row, locks it, and returns its hits
// after from.
func lockAttempts(ctx context.Context, tx runner, key string, from int64) ([]int64, error) {
	if _, err := tx.exec(ctx, "INSERT INTO login_attempts (key, hits, last_at) VALUES (?, '', 0) ON CONFLICT (key) DO NOTHING", key); err != nil {
		return nil, err
	}
	var raw string
	if err := tx.queryRow(ctx, "SELECT hits FROM login_attempts WHERE key = ?"+tx.d.ForUpdate, key).Scan(&raw); err != nil {
		return nil, err
	}
	var out []int64
	for _, f := range strings.Split(raw, ",") {
		if v, err := strconv.ParseInt(f, 10, 64); err == nil && v > from {
			out = append(out, v)
		}
	}
	return out, nil
}

func writeAttempts(ctx context.Context, tx runner, key string, hits []int64) error {
	if len(hits) == 0 {
		_, err := tx.exec(ctx, "DELETE FROM login_attempts WHERE key = ?", key)
		return err
	}
	parts := make([]string, len(hits))
	for i, h := range hits {
		parts[i] = strconv.FormatInt(h, 10)
	}
	_, err := tx.exec(ctx, "UPDATE login_attempts SET hits = ?, last_at = ? WHERE key = ?", strings.Join(parts, ","), hits[len(hits)-1], key)
	return err
}

// ReturnAttempt gives back the attempt charged to key at at, or, with a
// zero at, every attempt of key: a successful sign-in clears its
// account's count and returns its address's charge.
func (db *DB) ReturnAttempt(ctx context.Context, key string, at time.Time) error {
	err := db.inTx(ctx, func(tx runner) error {
		if at.IsZero() {
			_, err := tx.exec(ctx, "DELETE FROM login_attempts WHERE key = ?", key)
			return err
		}
		var raw string
		err := tx.queryRow(ctx, "SELECT hits FROM login_attempts WHERE key = ?"+tx.d.ForUpdate, key).Scan(&raw)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		var hits []int64
		dropped := false
		want := toMicros(at)
		for _, f := range strings.Split(raw, ",") {
			v, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				continue
			}
			if v == want && !dropped {
				dropped = true
				continue
			}
			hits = append(hits, v)
		}
		return writeAttempts(ctx, tx, key, hits)
	})
	return wrap("return attempt", err)
}
