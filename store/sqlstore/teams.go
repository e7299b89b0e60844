package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/debrief-oss/debrief"
)

const teamSelect = "SELECT t.id, t.slug, t.name, t.default_visibility, t.version, t.created_at, t.updated_at FROM teams t"

func scanTeam(row rowScanner) (*debrief.Team, error) {
	var t debrief.Team
	var created, updated int64
	if err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.DefaultVisibility, &t.Version, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &t, nil
}

func teamName(id int64) string { return fmt.Sprintf("Team %d", id) }

func slugTaken(slug string) error {
	return &debrief.Error{Code: debrief.ECONFLICT, Field: "slug",
		Message: fmt.Sprintf("The team name %q is taken.", slug)}
}

// CreateTeam stores t and sets its ID, Version, CreatedAt and UpdatedAt.
// Slugs are unique as they are written: the rules layer makes them with
// debrief.Slug, which leaves them lower case.
func (db *DB) CreateTeam(ctx context.Context, t *debrief.Team) error {
	now := db.now()
	var id int64
	err := db.write().queryRow(ctx, `INSERT INTO teams
		(slug, name, default_visibility, version, created_at, updated_at)
		VALUES (?, ?, ?, 1, ?, ?) RETURNING id`,
		t.Slug, t.Name, string(t.DefaultVisibility), toMicros(now), toMicros(now)).Scan(&id)
	if db.dialect.isUnique(err) {
		return slugTaken(t.Slug)
	} else if err != nil {
		return wrap("create team", err)
	}
	t.ID, t.Version, t.CreatedAt, t.UpdatedAt = id, 1, now, now
	return nil
}

// FindTeamByID returns the team with the given id.
func (db *DB) FindTeamByID(ctx context.Context, id int64) (*debrief.Team, error) {
	t, err := findTeam(ctx, db.read(), teamName(id), "t.id = ?", id)
	return t, wrap("find team", err)
}

// FindTeamBySlug returns the team with the given slug, matched exactly as
// incidents' Team is.
func (db *DB) FindTeamBySlug(ctx context.Context, slug string) (*debrief.Team, error) {
	t, err := findTeam(ctx, db.read(), fmt.Sprintf("Team %q", slug), "t.slug = ?", slug)
	return t, wrap("find team", err)
}

func findTeam(ctx context.Context, r runner, name, cond string, arg any) (*debrief.Team, error) {
	t, err := scanTeam(r.queryRow(ctx, teamSelect+" WHERE "+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(name)
	}
	return t, err
}

// FindTeams returns every team by name, ignoring case (then by slug). The
// order is made in Go, not by ORDER BY name, because the engines collate
// text differently (SQLite by bytes, PostgreSQL by the database's locale).
func (db *DB) FindTeams(ctx context.Context) ([]*debrief.Team, error) {
	teams, err := queryAll(ctx, db.read(), scanTeam, teamSelect+" ORDER BY t.id")
	if err != nil {
		return nil, wrap("find teams", err)
	}
	slices.SortStableFunc(teams, func(a, b *debrief.Team) int {
		return cmp.Or(cmp.Compare(fold(a.Name), fold(b.Name)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Slug, b.Slug))
	})
	return teams, nil
}

// UpdateTeam writes t if the stored version is t.Version. Incidents name
// their team by slug, so the slug of a team that still owns incidents
// cannot change (ECONFLICT, Field "slug"), just as such a team cannot be
// deleted; nothing is written then.
func (db *DB) UpdateTeam(ctx context.Context, t *debrief.Team) error {
	now := db.now()
	var stored *debrief.Team
	err := db.inTx(ctx, func(tx runner) error {
		tg := target{name: teamName(t.ID), table: "teams", where: "id = ?", args: []any{t.ID}}
		// The old slug, read under the row's lock (PostgreSQL; SQLite's
		// transaction holds the write lock already).
		var old string
		err := tx.queryRow(ctx, "SELECT slug FROM teams WHERE id = ?"+tx.d.ForUpdate, t.ID).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(tg.name)
		} else if err != nil {
			return err
		}
		err = updateVersioned(ctx, tx, tg, t.Version,
			"slug = ?, name = ?, default_visibility = ?, updated_at = ?",
			t.Slug, t.Name, string(t.DefaultVisibility), toMicros(now))
		if err != nil {
			return err
		}
		if old != t.Slug {
			n, err := teamIncidents(ctx, tx, old)
			if err != nil {
				return err
			} else if n > 0 {
				return &debrief.Error{Code: debrief.ECONFLICT, Field: "slug",
					Message: fmt.Sprintf("Team %q owns %d incidents; its slug cannot change.", old, n)}
			}
		}
		stored, err = findTeam(ctx, tx, tg.name, "t.id = ?", t.ID)
		return err
	})
	if db.dialect.isUnique(err) {
		return slugTaken(t.Slug)
	} else if err != nil {
		return wrap("update team", err)
	}
	*t = *stored
	return nil
}

func teamIncidents(ctx context.Context, r runner, slug string) (int, error) {
	var n int
	err := r.queryRow(ctx, "SELECT COUNT(*) FROM incidents WHERE team = ?", slug).Scan(&n)
	return n, err
}

// DeleteTeam deletes the team and, by the schema's cascade, its
// memberships. A team that still owns incidents is ECONFLICT: incidents
// name their team by slug, with no foreign key to stop the delete.
func (db *DB) DeleteTeam(ctx context.Context, id int64) error {
	err := db.inTx(ctx, func(tx runner) error {
		var slug string
		err := tx.queryRow(ctx, "SELECT slug FROM teams WHERE id = ?"+tx.d.ForUpdate, id).Scan(&slug)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(teamName(id))
		} else if err != nil {
			return err
		}
		n, err := teamIncidents(ctx, tx, slug)
		if err != nil {
			return err
		} else if n > 0 {
			return debrief.Errorf(debrief.ECONFLICT,
				"Team %q still owns %d incidents; move or delete them first.", slug, n)
		}
		return deleteRow(ctx, tx, target{name: teamName(id), table: "teams", where: "id = ?", args: []any{id}})
	})
	return wrap("delete team", err)
}
