package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/debrief-oss/debrief"
)

const sessionSelect = "SELECT s.hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen, s.address FROM sessions s"

func scanSession(row rowScanner) (*debrief.Session, error) {
	var s debrief.Session
	var created, expires, seen int64
	if err := row.Scan(&s.Hash, &s.UserID, &s.CSRFToken, &created, &expires, &seen, &s.Address); err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeen = fromMicros(created), fromMicros(expires), fromMicros(seen)
	return &s, nil
}

// sessionNotFound says nothing about why: an unknown and an expired session
// are the same to the caller.
func sessionNotFound() error { return notFound("Session") }

// CreateSession stores s. It sets CreatedAt from the store's clock, and
// LastSeen too when it is zero; ExpiresAt is the caller's, and comes back
// in UTC cut to the microsecond. A hash already stored is ECONFLICT; a
// missing user, ENOTFOUND naming "user_id".
func (db *DB) CreateSession(ctx context.Context, s *debrief.Session) error {
	now := db.now()
	seen := now
	if !s.LastSeen.IsZero() {
		seen = s.LastSeen
	}
	_, err := db.write().exec(ctx, `INSERT INTO sessions
		(hash, user_id, csrf_token, created_at, expires_at, last_seen, address)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.Hash, s.UserID, s.CSRFToken, toMicros(now), toMicros(s.ExpiresAt), toMicros(seen), s.Address)
	switch {
	case db.dialect.isForeignKey(err):
		return wrap("create session", db.missingRef(ctx, err, ref{name: userName(s.UserID), table: "users", id: s.UserID, field: "user_id"}))
	case db.dialect.isUnique(err):
		return debrief.Errorf(debrief.ECONFLICT, "The session exists already.")
	case err != nil:
		return wrap("create session", err)
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeen = now, fromMicros(toMicros(s.ExpiresAt)), fromMicros(toMicros(seen))
	return nil
}

// FindSession returns the session whose id hashes to hash, ENOTFOUND when
// there is none or it has expired (ExpiresAt at or before the store's
// clock; an expired session is never returned, even before
// DeleteExpiredSessions removes it).
func (db *DB) FindSession(ctx context.Context, hash []byte) (*debrief.Session, error) {
	s, err := scanSession(db.read().queryRow(ctx, sessionSelect+" WHERE s.hash = ? AND s.expires_at > ?",
		hash, toMicros(db.now())))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sessionNotFound()
	}
	return s, wrap("find session", err)
}

// TouchSession records that the session was used at lastSeen. LastSeen only
// moves forward: of two requests touching it at once, the later time stays
// whatever order they land in. It does not change ExpiresAt. ENOTFOUND when
// there is no such session.
func (db *DB) TouchSession(ctx context.Context, hash []byte, lastSeen time.Time) error {
	at := toMicros(lastSeen)
	err := touch(ctx, db.write(), "sessions", "last_seen", "hash = ?", hash, at, sessionNotFound)
	return wrap("touch session", err)
}

// touch sets a time column to at unless it already holds a later one, and
// tells a missing row from one that had a later time.
func touch(ctx context.Context, r runner, table, col, where string, key any, at int64, missing func() error) error {
	res, err := r.exec(ctx, "UPDATE "+table+" SET "+col+" = ? WHERE "+where+
		" AND ("+col+" IS NULL OR "+col+" < ?)", at, key, at)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	var one int
	err = r.queryRow(ctx, "SELECT 1 FROM "+table+" WHERE "+where, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return missing()
	}
	return err
}

// DeleteSession ends the session; ENOTFOUND when there is none.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	err := deleteRow(ctx, db.write(), target{name: "Session", table: "sessions", where: "hash = ?", args: []any{hash}})
	return wrap("delete session", err)
}

// DeleteUserSessions ends every session of the user (none is no error).
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := db.write().exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return wrap("delete user sessions", err)
}

// DeleteExpiredSessions deletes the sessions FindSession no longer returns
// and says how many there were.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int, error) {
	res, err := db.write().exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", toMicros(db.now()))
	if err != nil {
		return 0, wrap("delete expired sessions", err)
	}
	n, err := res.RowsAffected()
	return int(n), wrap("delete expired sessions", err)
}
