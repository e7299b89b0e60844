package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-oss/debrief/store"
)

// Background jobs: a table both engines share, claimed one row at a time.
// On PostgreSQL the claim reads with FOR UPDATE SKIP LOCKED, so runners in
// several processes each take a different row without waiting for one
// another; on SQLite the transaction holds the only write lock, which
// serialises claims just the same.

const jobCols = "id, kind, key, payload, state, run_at, attempts, last_error, locked_by, locked_until, created_at, updated_at"

func scanJob(row rowScanner) (*store.Job, error) {
	var (
		j                       store.Job
		payload                 string
		runAt, created, updated int64
		until                   sql.NullInt64
	)
	if err := row.Scan(&j.ID, &j.Kind, &j.Key, &payload, &j.State, &runAt, &j.Attempts, &j.LastError,
		&j.LockedBy, &until, &created, &updated); err != nil {
		return nil, err
	}
	j.Payload = []byte(payload)
	j.RunAt, j.CreatedAt, j.UpdatedAt = fromMicros(runAt), fromMicros(created), fromMicros(updated)
	j.LockedUntil = timePtr(until)
	return &j, nil
}

// EnqueueJob adds j unless its key is taken; ON CONFLICT DO NOTHING is the
// same statement in both engines and never aborts a PostgreSQL transaction.
func (db *DB) EnqueueJob(ctx context.Context, j *store.Job) (bool, error) {
	now := toMicros(db.now())
	if j.Payload == nil {
		j.Payload = []byte("{}")
	}
	res, err := db.write().exec(ctx, `INSERT INTO jobs (kind, key, payload, state, run_at, attempts, last_error, locked_by,
		locked_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, '', '', NULL, ?, ?) ON CONFLICT (key) DO NOTHING`,
		j.Kind, j.Key, string(j.Payload), string(store.JobQueued), toMicros(j.RunAt), now, now)
	if err != nil {
		return false, wrap("enqueue job", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrap("enqueue job", err)
}

// ClaimJob takes the next due job for worker.
func (db *DB) ClaimJob(ctx context.Context, worker string, now time.Time, lease time.Duration) (*store.Job, error) {
	lock := db.dialect.ForUpdate
	if lock != "" {
		lock += " SKIP LOCKED"
	}
	var claimed *store.Job
	err := db.inTx(ctx, func(tx runner) error {
		j, err := scanJob(tx.queryRow(ctx, "SELECT "+jobCols+` FROM jobs
			WHERE (state = ? AND run_at <= ?) OR (state = ? AND locked_until < ?)
			ORDER BY run_at, id LIMIT 1`+lock,
			string(store.JobQueued), toMicros(now), string(store.JobRunning), toMicros(now)))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		until := now.Add(lease)
		if _, err := tx.exec(ctx, `UPDATE jobs SET state = ?, locked_by = ?, locked_until = ?, attempts = attempts + 1,
			updated_at = ? WHERE id = ?`, string(store.JobRunning), worker, toMicros(until), toMicros(db.now()), j.ID); err != nil {
			return err
		}
		j.State, j.LockedBy, j.LockedUntil, j.Attempts = store.JobRunning, worker, &until, j.Attempts+1
		claimed = j
		return nil
	})
	return claimed, wrap("claim job", err)
}

// FinishJob ends worker's hold on job id.
func (db *DB) FinishJob(ctx context.Context, id int64, worker string, state store.JobState, errText string, retryAt time.Time) error {
	set, args := "state = ?, last_error = ?, locked_by = '', locked_until = NULL, updated_at = ?",
		[]any{string(state), errText, toMicros(db.now())}
	if state == store.JobQueued {
		set += ", run_at = ?"
		args = append(args, toMicros(retryAt))
	}
	res, err := db.write().exec(ctx, "UPDATE jobs SET "+set+" WHERE id = ? AND locked_by = ? AND state = ?",
		append(args, id, worker, string(store.JobRunning))...)
	if err != nil {
		return wrap("finish job", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap("finish job", err)
	} else if n == 0 {
		return notFound(fmt.Sprintf("Job %d held by %s", id, worker))
	}
	return nil
}

// FindJobs lists the jobs of a kind ("" for all), oldest first.
func (db *DB) FindJobs(ctx context.Context, kind string) ([]*store.Job, error) {
	q, args := "SELECT "+jobCols+" FROM jobs", []any{}
	if kind != "" {
		q += " WHERE kind = ?"
		args = append(args, kind)
	}
	out, err := queryAll(ctx, db.read(), scanJob, q+" ORDER BY id", args...)
	return out, wrap("find jobs", err)
}

// PruneJobs deletes finished jobs of kind older than before.
func (db *DB) PruneJobs(ctx context.Context, kind string, before time.Time) (int, error) {
	res, err := db.write().exec(ctx, "DELETE FROM jobs WHERE kind = ? AND state IN (?, ?) AND updated_at < ?",
		kind, string(store.JobDone), string(store.JobFailed), toMicros(before))
	if err != nil {
		return 0, wrap("prune jobs", err)
	}
	n, err := res.RowsAffected()
	return int(n), wrap("prune jobs", err)
}
