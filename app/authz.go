package app

import (
	"context"
	"slices"

	"github.com/debrief-oss/debrief"
)

// Authorisation is decided here and nowhere else: every service method asks
// one of these functions before it reads or writes, whatever the transport
// (API, web, command line) and whatever the database engine. The functions
// are pure: the decision depends only on the actor and the object.
//
// The rules:
//   - Organisation admins and the system may do anything.
//   - An incident is seen by its team's members, and by every signed-in
//     user when its visibility is "organization". Anyone else is told it
//     does not exist (ENOTFOUND), never that it is forbidden.
//   - Editors and admins of the incident's team change it, its timeline,
//     its write-up and its action items; viewers and outsiders who can see
//     it get EFORBIDDEN.
//   - A restricted retrospective (write-up, timeline, actions) is seen only
//     by the team's admins, organisation admins and its listed readers;
//     everyone else who can see the incident sees its header only.
//   - A read-only API token never writes (EFORBIDDEN).
//   - Teams are managed by their admins; users, and the creation of teams,
//     by organisation admins. Team admins may list accounts, to pick whom
//     to add; everyone else sees only their own.
//   - API tokens are made and revoked from a browser session, never with a
//     token; tokens for other users only by the system (the operator's
//     `debrief token create`).
//   - The people directory is read by every signed-in user and written by
//     editors of any team.
//   - The analysis is part of the write-up (read and changed like it). A
//     team's catalogue of safety controls and fishbone categories are read
//     by its members and written by its editors (seeCatalog, editCatalog).

// actor returns the context's actor, or EUNAUTHORIZED.
func actor(ctx context.Context) (*debrief.Actor, error) {
	a := debrief.ActorFrom(ctx)
	if a == nil || (!a.System && (a.User == nil || a.User.Disabled)) {
		return nil, debrief.Errorf(debrief.EUNAUTHORIZED, "Sign in first.")
	}
	return a, nil
}

func isAdmin(a *debrief.Actor) bool {
	return a.System || (a.User != nil && a.User.OrgAdmin)
}

func roleIn(a *debrief.Actor, team string) (debrief.Role, bool) {
	r, ok := a.Teams[team]
	return r, ok
}

// canWrite allows writes only to an actor that says it may write: a
// read-only token, or an actor built without a scope, writes nothing.
func canWrite(a *debrief.Actor) error {
	if a.System || a.Scope == debrief.ScopeWrite {
		return nil
	}
	if a.Scope == debrief.ScopeRead {
		return debrief.Errorf(debrief.EFORBIDDEN, "This API token is read-only.")
	}
	return debrief.Errorf(debrief.EFORBIDDEN, "This session may not change anything.")
}

// forbidden is EFORBIDDEN naming the field a form should mark.
func forbidden(field, format string, args ...any) error {
	e := debrief.Errorf(debrief.EFORBIDDEN, format, args...)
	e.Field = field
	return e
}

func notFound(inc *debrief.Incident) error {
	return debrief.Errorf(debrief.ENOTFOUND, "Incident %d not found.", inc.ID)
}

// canSeeIncident decides whether a may see inc at all.
func canSeeIncident(a *debrief.Actor, inc *debrief.Incident) bool {
	if isAdmin(a) {
		return true
	}
	if _, ok := roleIn(a, inc.Team); ok {
		return true
	}
	return inc.Visibility == debrief.VisibleToOrganization
}

// seeIncident returns ENOTFOUND when a may not see inc.
func seeIncident(a *debrief.Actor, inc *debrief.Incident) error {
	if !canSeeIncident(a, inc) {
		return notFound(inc)
	}
	return nil
}

// editIncident returns the error for a who may not change inc: ENOTFOUND
// when they cannot see it, EFORBIDDEN when they can.
func editIncident(a *debrief.Actor, inc *debrief.Incident) error {
	if err := seeIncident(a, inc); err != nil {
		return err
	}
	if err := canWrite(a); err != nil {
		return err
	}
	if isAdmin(a) {
		return nil
	}
	if r, ok := roleIn(a, inc.Team); ok && r.Includes(debrief.RoleEditor) {
		return nil
	}
	return debrief.Errorf(debrief.EFORBIDDEN, "Only editors of team %q can change this incident.", inc.Team)
}

// createInTeam decides whether a may open an incident for team.
func createInTeam(a *debrief.Actor, team string) error {
	if err := canWrite(a); err != nil {
		return err
	}
	if isAdmin(a) {
		return nil
	}
	if r, ok := roleIn(a, team); ok && r.Includes(debrief.RoleEditor) {
		return nil
	}
	return forbidden("team", "You are not an editor of team %q.", team)
}

// canSeeRetrospective decides whether a may read the write-up, timeline and
// action items of inc.
func canSeeRetrospective(a *debrief.Actor, inc *debrief.Incident, r *debrief.Retrospective) bool {
	if !canSeeIncident(a, inc) {
		return false
	}
	if r == nil || !r.Restricted || isAdmin(a) {
		return true
	}
	if role, ok := roleIn(a, inc.Team); ok && role == debrief.RoleAdmin {
		return true
	}
	return slices.Contains(r.Readers, a.UserID())
}

// seeRetrospective returns ENOTFOUND when a may not see inc, and
// EFORBIDDEN when they may see it but its retrospective is restricted.
func seeRetrospective(a *debrief.Actor, inc *debrief.Incident, r *debrief.Retrospective) error {
	if err := seeIncident(a, inc); err != nil {
		return err
	}
	if !canSeeRetrospective(a, inc, r) {
		return debrief.Errorf(debrief.EFORBIDDEN, "The retrospective of incident %d is restricted to its readers.", inc.ID)
	}
	return nil
}

// editRetrospective decides whether a may change the write-up, timeline or
// action items of inc.
func editRetrospective(a *debrief.Actor, inc *debrief.Incident, r *debrief.Retrospective) error {
	if err := seeRetrospective(a, inc, r); err != nil {
		return err
	}
	return editIncident(a, inc)
}

// restrictRetrospective decides whether a may change who reads the
// write-up: the team's admins and organisation admins.
func restrictRetrospective(a *debrief.Actor, inc *debrief.Incident) error {
	if err := editIncident(a, inc); err != nil {
		return err
	}
	if isAdmin(a) {
		return nil
	}
	if r, ok := roleIn(a, inc.Team); ok && r == debrief.RoleAdmin {
		return nil
	}
	return forbidden("restricted", "Only admins of team %q can restrict or open the retrospective.", inc.Team)
}

// visibleFilter limits an incident list to what a may see; nil for admins.
func visibleFilter(a *debrief.Actor) *debrief.VisibleFilter {
	if isAdmin(a) {
		return nil
	}
	f := &debrief.VisibleFilter{Teams: []string{}}
	for team := range a.Teams {
		f.Teams = append(f.Teams, team)
	}
	slices.Sort(f.Teams)
	return f
}

// manageTeam decides whether a may change a team and its members.
func manageTeam(a *debrief.Actor, team *debrief.Team) error {
	if err := canWrite(a); err != nil {
		return err
	}
	if isAdmin(a) {
		return nil
	}
	if r, ok := roleIn(a, team.Slug); ok && r == debrief.RoleAdmin {
		return nil
	}
	// Every signed-in user sees the list of teams, so refusing with "not
	// found" would hide nothing.
	return debrief.Errorf(debrief.EFORBIDDEN, "Only admins of team %q can manage it.", team.Slug)
}

// manageOrganization decides whether a may manage users and create teams.
func manageOrganization(a *debrief.Actor) error {
	if err := canWrite(a); err != nil {
		return err
	}
	if isAdmin(a) {
		return nil
	}
	return debrief.Errorf(debrief.EFORBIDDEN, "Only organisation admins can do this.")
}

// editPeople decides whether a may change the people directory.
func editPeople(a *debrief.Actor) error {
	if err := canWrite(a); err != nil {
		return err
	}
	if isAdmin(a) {
		return nil
	}
	for _, r := range a.Teams {
		if r.Includes(debrief.RoleEditor) {
			return nil
		}
	}
	return debrief.Errorf(debrief.EFORBIDDEN, "Only editors can change the people directory.")
}

// manageTokens decides whether a may list (create=false) or create and
// revoke (create=true) API tokens: their own, from a browser session. A
// token may not mint or revoke tokens, so a leaked one cannot entrench
// itself with a token that never expires.
func manageTokens(a *debrief.Actor, create bool) error {
	if a.User == nil {
		return debrief.Errorf(debrief.EFORBIDDEN, "API tokens belong to users; the system has none.")
	}
	if !create {
		return nil
	}
	if err := canWrite(a); err != nil {
		return err
	}
	if a.ViaToken {
		return debrief.Errorf(debrief.EFORBIDDEN, "API tokens are made from a signed-in browser session, not with another token.")
	}
	return nil
}

// listUsers decides whether a may list every account: organisation admins,
// and team admins, who pick the people they add to their team. Everyone
// else sees only their own.
func listUsers(a *debrief.Actor) bool {
	if isAdmin(a) {
		return true
	}
	for _, r := range a.Teams {
		if r == debrief.RoleAdmin {
			return true
		}
	}
	return false
}

// issueTokens decides whether a may make tokens for other users: only the
// system, that is an operator with the server's database in hand.
func issueTokens(a *debrief.Actor) error {
	if a.System {
		return nil
	}
	return debrief.Errorf(debrief.EFORBIDDEN, "Tokens for other users are made at the server, with debrief token create.")
}

// manageTemplates decides whether a may write templates or template rules
// of a scope: a team's admins for the team's (team non-nil), organisation
// admins for the organisation's. Everyone signed in may read them: a
// template holds guidance, not incident data.
func manageTemplates(a *debrief.Actor, team *debrief.Team) error {
	if team == nil {
		return manageOrganization(a)
	}
	return manageTeam(a, team)
}

// seeCatalog decides whether a may read team's catalogue of safety controls
// and its fishbone categories: its members and organisation admins. The
// incidents a catalogue entry lists are each still decided by
// canSeeRetrospective.
func seeCatalog(a *debrief.Actor, team string) error {
	if isAdmin(a) {
		return nil
	}
	if _, ok := roleIn(a, team); ok {
		return nil
	}
	return debrief.Errorf(debrief.EFORBIDDEN, "The catalogue of team %q is shown to its members only.", team)
}

// editCatalog decides whether a may change team's catalogue of safety
// controls and its fishbone categories: its editors and admins.
func editCatalog(a *debrief.Actor, team string) error {
	if err := canWrite(a); err != nil {
		return err
	}
	if isAdmin(a) {
		return nil
	}
	if r, ok := roleIn(a, team); ok && r.Includes(debrief.RoleEditor) {
		return nil
	}
	return forbidden("team", "Only editors of team %q can change its catalogue.", team)
}

// actionVisibility says which action items a may read across incidents,
// for the store to apply in SQL: nil (all) for admins; otherwise those of
// incidents a may see (canSeeIncident) whose retrospective a may read
// (canSeeRetrospective): not restricted, or a administers its team, or a
// is one of its readers. The two must agree; app's access tests check both.
func actionVisibility(a *debrief.Actor) *debrief.ActionVisibility {
	if isAdmin(a) {
		return nil
	}
	v := &debrief.ActionVisibility{Teams: []string{}, AdminTeams: []string{}, UserID: a.UserID()}
	for team, r := range a.Teams {
		v.Teams = append(v.Teams, team)
		if r == debrief.RoleAdmin {
			v.AdminTeams = append(v.AdminTeams, team)
		}
	}
	slices.Sort(v.Teams)
	slices.Sort(v.AdminTeams)
	return v
}

// linkAction decides whether a may link an action item of another
// incident (from, with its retrospective fromR) from the retrospective of
// inc: a must change inc's write-up and read the item's.
func linkAction(a *debrief.Actor, inc *debrief.Incident, r *debrief.Retrospective, from *debrief.Incident, fromR *debrief.Retrospective) error {
	if err := editRetrospective(a, inc, r); err != nil {
		return err
	}
	return seeRetrospective(a, from, fromR)
}

// syncTickets decides whether a may record what a tracker said about an
// item's ticket: only the system (the sync jobs and verified webhooks),
// never a user, who changes items through the usual rules.
func syncTickets(a *debrief.Actor) error {
	if a.System {
		return nil
	}
	return debrief.Errorf(debrief.EFORBIDDEN, "Only the ticket sync records what the tracker says.")
}

// Evidence (issue 7). Importing evidence, notes, curation, the timeline's
// sign-off and accepting milestones are changes to the write-up: the same
// rule as editing an event (editWriteUp). The Alertmanager receiver may be
// called by any signed-in actor that may write; what its alerts may then
// change is decided per incident by the same rules.

// receiveAlerts decides whether a caller may post alerts at all.
func receiveAlerts(a *debrief.Actor) error {
	return canWrite(a)
}

// seeFollowupMetrics decides whether a may read the follow-through metrics
// (the metrics page and GET /api/v1/actions/metrics): every signed-in
// actor, read-only tokens included, as for the follow-up board; the figures
// are computed over the items a may read, so it returns that visibility
// (nil: all). Asking for a team one is not in is not refused: its figures
// are those of its items one may read (organisation-visible ones, or none).
func seeFollowupMetrics(a *debrief.Actor) (*debrief.ActionVisibility, error) {
	return actionVisibility(a), nil
}
