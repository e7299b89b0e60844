package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

const membershipSelect = "SELECT m.team_id, m.user_id, m.role, t.slug, u.name " +
	"FROM memberships m JOIN teams t ON t.id = m.team_id JOIN users u ON u.id = m.user_id"

func scanMembership(row rowScanner) (*debrief.Membership, error) {
	var m debrief.Membership
	if err := row.Scan(&m.TeamID, &m.UserID, &m.Role, &m.TeamSlug, &m.UserName); err != nil {
		return nil, err
	}
	return &m, nil
}

func membershipRefs(m *debrief.Membership) []ref {
	return []ref{
		{name: teamName(m.TeamID), table: "teams", id: m.TeamID, field: "team_id"},
		{name: userName(m.UserID), table: "users", id: m.UserID, field: "user_id"},
	}
}

// SetMembership gives m.UserID the role m.Role in m.TeamID, adding the
// membership or changing its role, and fills TeamSlug and UserName on m.
// A missing team or user is ENOTFOUND naming "team_id" or "user_id".
func (db *DB) SetMembership(ctx context.Context, m *debrief.Membership) error {
	var stored []*debrief.Membership
	err := db.inTx(ctx, func(tx runner) error {
		_, err := tx.exec(ctx, `INSERT INTO memberships (team_id, user_id, role) VALUES (?, ?, ?)
			ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role`,
			m.TeamID, m.UserID, string(m.Role))
		if err != nil {
			return err
		}
		stored, err = queryAll(ctx, tx, scanMembership, membershipSelect+" WHERE m.team_id = ? AND m.user_id = ?",
			m.TeamID, m.UserID)
		return err
	})
	if db.dialect.isForeignKey(err) {
		return wrap("set membership", db.missingRef(ctx, err, membershipRefs(m)...))
	} else if err != nil {
		return wrap("set membership", err)
	}
	if len(stored) != 1 {
		return fmt.Errorf("set membership: %d rows read back", len(stored))
	}
	*m = *stored[0]
	return nil
}

// DeleteMembership takes the user out of the team; ENOTFOUND when they
// were not in it.
func (db *DB) DeleteMembership(ctx context.Context, teamID, userID int64) error {
	err := deleteRow(ctx, db.write(), target{
		name:  fmt.Sprintf("Membership of user %d in team %d", userID, teamID),
		table: "memberships", where: "team_id = ? AND user_id = ?", args: []any{teamID, userID},
	})
	return wrap("delete membership", err)
}

// FindMemberships returns the memberships matching f with TeamSlug and
// UserName filled, by team slug, then user name ignoring case, then user
// id. As FindTeams, the order is made in Go so that the engines' collations
// cannot make it differ.
func (db *DB) FindMemberships(ctx context.Context, f store.MembershipFilter) ([]*debrief.Membership, error) {
	var w where
	if f.TeamID != nil {
		w.add("m.team_id = ?", *f.TeamID)
	}
	if f.UserID != nil {
		w.add("m.user_id = ?", *f.UserID)
	}
	ms, err := queryAll(ctx, db.read(), scanMembership, membershipSelect+w.String(), w.args...)
	if err != nil {
		return nil, wrap("find memberships", err)
	}
	slices.SortFunc(ms, func(a, b *debrief.Membership) int {
		return cmp.Or(cmp.Compare(a.TeamSlug, b.TeamSlug), cmp.Compare(fold(a.UserName), fold(b.UserName)),
			cmp.Compare(a.UserName, b.UserName), cmp.Compare(a.UserID, b.UserID))
	})
	return ms, nil
}
