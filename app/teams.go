package app

// Teams and their members.

import (
	"context"
	"fmt"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// Teams: FindTeams lists every team (any signed-in user); CreateTeam needs
// an organisation admin; UpdateTeam and member changes need a team admin.
func (s *Service) FindTeams(ctx context.Context) ([]*debrief.Team, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return s.store.FindTeams(ctx)
}

// FindTeamBySlug returns one team.
func (s *Service) FindTeamBySlug(ctx context.Context, slug string) (*debrief.Team, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return s.store.FindTeamBySlug(ctx, slug)
}

func teamObject(id int64) object {
	if id == 0 {
		return object{typ: "team"}
	}
	return object{typ: "team", id: idString(id)}
}

func validateTeam(t *debrief.Team) error {
	var c checker
	t.Name = strings.TrimSpace(t.Name)
	c.text("name", t.Name, true, MaxTitle)
	c.text("slug", t.Slug, true, MaxShortText)
	if c.err == nil && debrief.Slug(t.Slug, MaxShortText) != t.Slug {
		c.fail("slug", "may hold lower-case letters, digits and single '-' only (got %q).", t.Slug)
	}
	c.oneOf("default_visibility", string(t.DefaultVisibility), []string{string(debrief.VisibleToTeam), string(debrief.VisibleToOrganization)})
	return c.err
}

// CreateTeam creates a team. The slug defaults to one made from the name;
// the default visibility of its incidents to the team only.
func (s *Service) CreateTeam(ctx context.Context, t *debrief.Team) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := s.refuse(ctx, a, "team.create", teamObject(0), manageOrganization(a)); err != nil {
		return err
	}
	t.Slug = strings.TrimSpace(t.Slug)
	if t.Slug == "" {
		t.Slug = debrief.Slug(t.Name, 60)
	}
	if t.DefaultVisibility == "" {
		t.DefaultVisibility = debrief.VisibleToTeam
	}
	if err := validateTeam(t); err != nil {
		return err
	}
	if err := s.store.CreateTeam(ctx, t); err != nil {
		return err
	}
	s.changed(ctx, a, "team.create", teamObject(t.ID), nil, t)
	return nil
}

// TeamUpdate changes a team; nil fields are left as they are.
type TeamUpdate struct {
	Name              *string             `json:"name"`
	DefaultVisibility *debrief.Visibility `json:"default_visibility"`
	Version           int64               `json:"version"`
}

// UpdateTeam changes a team.
func (s *Service) UpdateTeam(ctx context.Context, id int64, upd TeamUpdate) (*debrief.Team, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.store.FindTeamByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.refuse(ctx, a, "team.update", teamObject(id), manageTeam(a, t)); err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	before := snapshot(t)
	setString(&t.Name, upd.Name)
	if upd.DefaultVisibility != nil {
		t.DefaultVisibility = *upd.DefaultVisibility
	}
	if err := validateTeam(t); err != nil {
		return nil, err
	}
	t.Version = upd.Version
	if err := s.store.UpdateTeam(ctx, t); err != nil {
		return nil, err
	}
	s.changed(ctx, a, "team.update", teamObject(id), before, t)
	return t, nil
}

// FindMembers lists a team's members, to any signed-in actor (like the
// people directory).
func (s *Service) FindMembers(ctx context.Context, teamID int64) ([]*debrief.Membership, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	if _, err := s.store.FindTeamByID(ctx, teamID); err != nil {
		return nil, err
	}
	return s.store.FindMemberships(ctx, store.MembershipFilter{TeamID: &teamID})
}

func membershipObject(teamID, userID int64) object {
	return object{typ: "membership", id: fmt.Sprintf("%d/%d", teamID, userID)}
}

// member returns the team's memberships and userID's among them (nil when
// not a member).
func (s *Service) member(ctx context.Context, teamID, userID int64) ([]*debrief.Membership, *debrief.Membership, error) {
	ms, err := s.store.FindMemberships(ctx, store.MembershipFilter{TeamID: &teamID})
	if err != nil {
		return nil, nil, err
	}
	for _, m := range ms {
		if m.UserID == userID {
			return ms, m, nil
		}
	}
	return ms, nil, nil
}

// lastAdmin refuses to leave a team without an admin: it is called when
// cur is about to stop being one.
func lastAdmin(ms []*debrief.Membership, cur *debrief.Membership, team *debrief.Team) error {
	if cur == nil || cur.Role != debrief.RoleAdmin {
		return nil
	}
	admins := 0
	for _, m := range ms {
		if m.Role == debrief.RoleAdmin {
			admins++
		}
	}
	if admins <= 1 {
		return debrief.FieldError("role", "%s is the last admin of team %q: make someone else admin first.", cur.UserName, team.Slug)
	}
	return nil
}

// SetMember gives a user a role in a team.
func (s *Service) SetMember(ctx context.Context, m *debrief.Membership) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	team, err := s.store.FindTeamByID(ctx, m.TeamID)
	if err != nil {
		return err
	}
	obj := membershipObject(m.TeamID, m.UserID)
	if err := s.refuse(ctx, a, "membership.set", obj, manageTeam(a, team)); err != nil {
		return err
	}
	var c checker
	c.oneOf("role", string(m.Role), statusStrings(debrief.Roles))
	if c.err != nil {
		return c.err
	}
	u, err := s.store.FindUserByID(ctx, m.UserID)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return debrief.FieldError("user_id", "no user with id %d.", m.UserID)
	} else if err != nil {
		return err
	}
	ms, cur, err := s.member(ctx, m.TeamID, m.UserID)
	if err != nil {
		return err
	}
	if m.Role != debrief.RoleAdmin {
		if err := lastAdmin(ms, cur, team); err != nil {
			return err
		}
	}
	if err := s.store.SetMembership(ctx, m); err != nil {
		return err
	}
	m.TeamSlug, m.UserName = team.Slug, u.Name
	action, before := "membership.create", snapshot(nil)
	if cur != nil {
		action, before = "membership.update", snapshot(cur)
	}
	s.changed(ctx, a, action, obj, before, m)
	return nil
}

// RemoveMember takes a user out of a team.
func (s *Service) RemoveMember(ctx context.Context, teamID, userID int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	team, err := s.store.FindTeamByID(ctx, teamID)
	if err != nil {
		return err
	}
	obj := membershipObject(teamID, userID)
	if err := s.refuse(ctx, a, "membership.delete", obj, manageTeam(a, team)); err != nil {
		return err
	}
	ms, cur, err := s.member(ctx, teamID, userID)
	if err != nil {
		return err
	}
	if cur == nil {
		return debrief.Errorf(debrief.ENOTFOUND, "User %d is not a member of team %q.", userID, team.Slug)
	}
	if err := lastAdmin(ms, cur, team); err != nil {
		return err
	}
	if err := s.store.DeleteMembership(ctx, teamID, userID); err != nil {
		return err
	}
	s.changed(ctx, a, "membership.delete", obj, snapshot(cur), nil)
	return nil
}
