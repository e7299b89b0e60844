package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-oss/debrief"
)

const tokenSelect = "SELECT k.id, k.user_id, k.name, k.scope, k.prefix, k.hash, k.expires_at, k.revoked_at, " +
	"k.last_used_at, k.created_at FROM api_tokens k"

func scanToken(row rowScanner) (*debrief.APIToken, error) {
	var (
		t                      debrief.APIToken
		expires, revoked, used sql.NullInt64
		created                int64
	)
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Scope, &t.Prefix, &t.Hash, &expires, &revoked, &used, &created)
	if err != nil {
		return nil, err
	}
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = timePtr(expires), timePtr(revoked), timePtr(used)
	t.CreatedAt = fromMicros(created)
	return &t, nil
}

func tokenNotFound(id int64) func() error {
	return func() error { return notFound(fmt.Sprintf("Token %d", id)) }
}

// CreateToken stores t and sets its ID and CreatedAt; its times come back
// in UTC cut to the microsecond. A hash already stored is ECONFLICT; a
// missing user, ENOTFOUND naming "user_id".
func (db *DB) CreateToken(ctx context.Context, t *debrief.APIToken) error {
	now := db.now()
	var id int64
	err := db.write().queryRow(ctx, `INSERT INTO api_tokens
		(user_id, name, scope, prefix, hash, expires_at, revoked_at, last_used_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		t.UserID, t.Name, string(t.Scope), t.Prefix, t.Hash, nullMicros(t.ExpiresAt), nullMicros(t.RevokedAt),
		nullMicros(t.LastUsedAt), toMicros(now)).Scan(&id)
	switch {
	case db.dialect.isForeignKey(err):
		return wrap("create token", db.missingRef(ctx, err, ref{name: userName(t.UserID), table: "users", id: t.UserID, field: "user_id"}))
	case db.dialect.isUnique(err):
		return debrief.Errorf(debrief.ECONFLICT, "A token with this secret exists already.")
	case err != nil:
		return wrap("create token", err)
	}
	t.ID, t.CreatedAt = id, now
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = timePtr(nullMicros(t.ExpiresAt)), timePtr(nullMicros(t.RevokedAt)), timePtr(nullMicros(t.LastUsedAt))
	return nil
}

// FindTokenByHash returns the token whose secret hashes to hash, whether
// or not it is still active: the caller refuses an expired or revoked one
// with a message that says which.
func (db *DB) FindTokenByHash(ctx context.Context, hash []byte) (*debrief.APIToken, error) {
	t, err := scanToken(db.read().queryRow(ctx, tokenSelect+" WHERE k.hash = ?", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Token")
	}
	return t, wrap("find token", err)
}

// FindTokens returns the user's tokens, newest (last created) first,
// revoked and expired ones included.
func (db *DB) FindTokens(ctx context.Context, userID int64) ([]*debrief.APIToken, error) {
	ts, err := queryAll(ctx, db.read(), scanToken, tokenSelect+" WHERE k.user_id = ? ORDER BY k.id DESC", userID)
	return ts, wrap("find tokens", err)
}

// RevokeToken revokes the user's token id at the store's clock. A token
// revoked already keeps its first RevokedAt; a token of another user is
// ENOTFOUND, as a missing one.
func (db *DB) RevokeToken(ctx context.Context, userID, id int64) error {
	err := db.inTx(ctx, func(tx runner) error {
		res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
			toMicros(db.now()), id, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		var one int
		err = tx.queryRow(ctx, "SELECT 1 FROM api_tokens WHERE id = ? AND user_id = ?", id, userID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return tokenNotFound(id)()
		}
		return err
	})
	return wrap("revoke token", err)
}

// TouchToken records that the token was used at at. LastUsedAt only moves
// forward, as a session's LastSeen. ENOTFOUND when there is no such token.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	err := touch(ctx, db.write(), "api_tokens", "last_used_at", "id = ?", id, toMicros(at), tokenNotFound(id))
	return wrap("touch token", err)
}
