package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

const userSelect = "SELECT u.id, u.email, u.name, u.org_admin, u.disabled, u.password_hash, u.oidc_subject, " +
	"u.version, u.created_at, u.updated_at FROM users u"

func scanUser(row rowScanner) (*debrief.User, error) {
	var (
		u                debrief.User
		subject          sql.NullString
		created, updated int64
	)
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.OrgAdmin, &u.Disabled, &u.PasswordHash, &subject,
		&u.Version, &created, &updated)
	if err != nil {
		return nil, err
	}
	u.OIDCSubject = subject.String
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &u, nil
}

// oidcSubject stores a subject, NULL when empty so that any number of users
// may have none (like handleKey). Subjects are the provider's exact
// strings: they are not folded.
func oidcSubject(s string) sql.NullString {
	if s == "" {
		return sql.NullString{}
	}
	return sql.NullString{String: s, Valid: true}
}

// userSearch is the stored key FindUsers' Query matches: name and email,
// folded, separated by a newline so a match cannot span both.
func userSearch(u *debrief.User) string {
	return fold(u.Name) + "\n" + fold(u.Email)
}

func userName(id int64) string { return fmt.Sprintf("User %d", id) }

// userTaken tells which of u's unique keys another user holds, after a
// unique violation (and after its transaction is over, as missingRef). The
// dialect says only that some unique key was hit, so this asks; if by then
// neither is taken (a concurrent change), cause is returned.
func (db *DB) userTaken(ctx context.Context, cause error, u *debrief.User) error {
	var one int
	err := db.read().queryRow(ctx, "SELECT 1 FROM users WHERE email_key = ? AND id <> ?", fold(u.Email), u.ID).Scan(&one)
	switch {
	case err == nil:
		return &debrief.Error{Code: debrief.ECONFLICT, Field: "email",
			Message: fmt.Sprintf("The email address %q is taken.", u.Email)}
	case !errors.Is(err, sql.ErrNoRows):
		return errors.Join(cause, err)
	}
	if u.OIDCSubject != "" {
		err = db.read().queryRow(ctx, "SELECT 1 FROM users WHERE oidc_subject = ? AND id <> ?", u.OIDCSubject, u.ID).Scan(&one)
		switch {
		case err == nil:
			return &debrief.Error{Code: debrief.ECONFLICT, Field: "oidc_subject",
				Message: "Another user already signs in with this identity."}
		case !errors.Is(err, sql.ErrNoRows):
			return errors.Join(cause, err)
		}
	}
	return cause
}

// CreateUser stores u and sets its ID, Version, CreatedAt and UpdatedAt.
func (db *DB) CreateUser(ctx context.Context, u *debrief.User) error {
	now := db.now()
	var id int64
	err := db.write().queryRow(ctx, `INSERT INTO users
		(email, email_key, name, search, org_admin, disabled, password_hash, oidc_subject, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
		u.Email, fold(u.Email), u.Name, userSearch(u), u.OrgAdmin, u.Disabled, u.PasswordHash, oidcSubject(u.OIDCSubject),
		toMicros(now), toMicros(now)).Scan(&id)
	if db.dialect.isUnique(err) {
		return wrap("create user", db.userTaken(ctx, err, u))
	} else if err != nil {
		return wrap("create user", err)
	}
	u.ID, u.Version, u.CreatedAt, u.UpdatedAt = id, 1, now, now
	return nil
}

// FindUserByID returns the user with the given id.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*debrief.User, error) {
	u, err := findUser(ctx, db.read(), userName(id), "u.id = ?", id)
	return u, wrap("find user", err)
}

// FindUserByEmail returns the user with the given email address, ignoring
// case.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (*debrief.User, error) {
	u, err := findUser(ctx, db.read(), fmt.Sprintf("User %q", email), "u.email_key = ?", fold(email))
	return u, wrap("find user", err)
}

// FindUserByOIDCSubject returns the user the identity provider knows by
// subject, matched exactly. No user has the empty subject.
func (db *DB) FindUserByOIDCSubject(ctx context.Context, subject string) (*debrief.User, error) {
	if subject == "" {
		return nil, notFound("User")
	}
	u, err := findUser(ctx, db.read(), "User", "u.oidc_subject = ?", subject)
	return u, wrap("find user", err)
}

func findUser(ctx context.Context, r runner, name, cond string, arg any) (*debrief.User, error) {
	u, err := scanUser(r.queryRow(ctx, userSelect+" WHERE "+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(name)
	}
	return u, err
}

// FindUsers returns a page of users in id (creation) order. Query matches
// any part of the name or email, ignoring case.
func (db *DB) FindUsers(ctx context.Context, f store.UserFilter) ([]*debrief.User, int, error) {
	var w where
	if f.Query != nil && *f.Query != "" {
		w.add(`u.search LIKE ? ESCAPE '\'`, likeContains(fold(*f.Query)))
	}
	users, total, err := findPage(ctx, db.read(), scanUser, userSelect, "users u", &w, "u.id", f.Offset, f.Limit)
	return users, total, wrap("find users", err)
}

// UpdateUser writes u if the stored version is u.Version, and leaves u as a
// read would return it.
func (db *DB) UpdateUser(ctx context.Context, u *debrief.User) error {
	now := db.now()
	var stored *debrief.User
	err := db.inTx(ctx, func(tx runner) error {
		t := target{name: userName(u.ID), table: "users", where: "id = ?", args: []any{u.ID}}
		err := updateVersioned(ctx, tx, t, u.Version,
			"email = ?, email_key = ?, name = ?, search = ?, org_admin = ?, disabled = ?, password_hash = ?, "+
				"oidc_subject = ?, updated_at = ?",
			u.Email, fold(u.Email), u.Name, userSearch(u), u.OrgAdmin, u.Disabled, u.PasswordHash,
			oidcSubject(u.OIDCSubject), toMicros(now))
		if err != nil {
			return err
		}
		stored, err = findUser(ctx, tx, userName(u.ID), "u.id = ?", u.ID)
		return err
	})
	if db.dialect.isUnique(err) {
		return wrap("update user", db.userTaken(ctx, err, u))
	} else if err != nil {
		return wrap("update user", err)
	}
	*u = *stored
	return nil
}
