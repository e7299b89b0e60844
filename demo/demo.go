// Package demo loads one realistic example incident with a full
// retrospective, so the first screen a new user sees is a real one.
//
// The incident is adapted from DFDS's public postmortem PM2021-008,
// "Kubernetes ingress controller Traefik v2 configuration caused outage"
// (github.com/dfds/postmortems, MIT licence, Copyright (c) 2019 DFDS). The
// timeline's times and the durations are theirs; the people are fictional,
// and the analysis and the follow-ups were written for this example.
package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
)

// The demo's team and the visitor's account.
const (
	TeamSlug  = "cloud-engineering"
	TeamName  = "Cloud Engineering"
	UserEmail = "demo@example.com"
	UserName  = "Demo Visitor"
)

// Load adds the example incident through the service's rules, acting as
// the system, unless the database already holds incidents. It always makes
// sure the demo's team and its user (an editor of the team, without a
// password) exist, so that User finds the visitor's account. It reports
// whether it loaded the incident.
func Load(ctx context.Context, svc *app.Service) (bool, error) {
	ctx = debrief.WithActor(ctx, debrief.SystemActor)
	if err := ensureAccount(ctx, svc); err != nil {
		return false, err
	}
	if _, total, err := svc.FindIncidents(ctx, debrief.IncidentFilter{Limit: 1}); err != nil {
		return false, err
	} else if total > 0 {
		return false, nil
	}
	people := map[string]*debrief.Person{}
	for i, p := range demoPeople {
		p := p
		err := svc.CreatePerson(ctx, &p)
		if i == 0 && debrief.ErrorCode(err) == debrief.ECONFLICT {
			// Several instances started with --demo on one PostgreSQL
			// database at once: the first to take the handle loads it.
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("person %s: %w", p.Handle, err)
		}
		people[p.Handle] = &p
	}
	id := func(handle string) *int64 { return &people[handle].ID }

	inc := &debrief.Incident{
		Title:    "Online booking down: Traefik v2 ingress dropped forwarded headers",
		Severity: "SEV2",
		Status:   debrief.IncidentResolved,
		Services: []string{"ingress", "okta-auth", "online-booking"},
		Team:     TeamSlug,
		TimeZone: "Europe/Copenhagen",
		Milestones: debrief.Milestones{
			Started:      at("08:22"),
			Detected:     at("09:26"),
			Acknowledged: at("09:27"),
			Declared:     at("09:35"),
			Mitigated:    at("09:48"),
			Resolved:     at("09:49"),
		},
		CommanderID: id("ellen"),
		Responders: []debrief.Responder{
			{PersonID: *id("marco"), Role: "Ingress owner"},
			{PersonID: *id("wei"), Role: "Developer, booking"},
			{PersonID: *id("amira"), Role: "Communications"},
		},
	}
	if err := svc.CreateIncident(ctx, inc, debrief.DefaultTemplateName); err != nil {
		return false, fmt.Errorf("incident: %w", err)
	}
	for i, ev := range demoEvents {
		ev := ev
		ev.IncidentID = inc.ID
		if err := svc.CreateEvent(ctx, &ev); err != nil {
			return false, fmt.Errorf("event %d: %w", i, err)
		}
	}
	retro, err := svc.FindRetrospective(ctx, inc.ID)
	if err != nil {
		return false, err
	}
	for _, sec := range retro.Sections {
		body, ok := demoSections[sec.Key]
		if !ok {
			continue
		}
		if _, err := svc.UpdateSection(ctx, inc.ID, sec.Key, debrief.SectionUpdate{Body: &body, Version: sec.Version}); err != nil {
			return false, fmt.Errorf("section %s: %w", sec.Key, err)
		}
	}
	credits := &debrief.Section{Title: "About this example", Body: creditsBody}
	if err := svc.CreateSection(ctx, inc.ID, credits); err != nil {
		return false, fmt.Errorf("credits: %w", err)
	}
	writer, inReview := *id("marco"), debrief.RetroInReview
	if _, err := svc.UpdateRetrospective(ctx, inc.ID, debrief.RetrospectiveUpdate{WriterID: &writer, Status: &inReview, Version: retro.Version}); err != nil {
		return false, fmt.Errorf("retrospective: %w", err)
	}
	actions := demoActions(id)
	for i, a := range actions {
		a.IncidentID = inc.ID
		if err := svc.CreateAction(ctx, a); err != nil {
			return false, fmt.Errorf("action %d: %w", i, err)
		}
	}
	if err := loadAnalysis(ctx, svc, inc.ID, actions); err != nil {
		return false, err
	}
	return true, nil
}

// ensureAccount creates the demo team, the demo user and the user's
// membership, unless they exist. Several instances may run it at once on
// one PostgreSQL database: a creation that conflicts finds what the other
// made.
func ensureAccount(ctx context.Context, svc *app.Service) error {
	team, err := svc.FindTeamBySlug(ctx, TeamSlug)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		team = &debrief.Team{Slug: TeamSlug, Name: TeamName, DefaultVisibility: debrief.VisibleToOrganization}
		err = svc.CreateTeam(ctx, team)
		if debrief.ErrorCode(err) == debrief.ECONFLICT {
			team, err = svc.FindTeamBySlug(ctx, TeamSlug)
		}
	}
	if err != nil {
		return fmt.Errorf("demo team: %w", err)
	}
	u, err := User(ctx, svc)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		u = &debrief.User{Email: UserEmail, Name: UserName}
		err = svc.CreateUser(ctx, u, "")
		if debrief.ErrorCode(err) == debrief.ECONFLICT {
			u, err = User(ctx, svc)
		}
	}
	if err != nil {
		return fmt.Errorf("demo user: %w", err)
	}
	members, err := svc.FindMembers(ctx, team.ID)
	if err != nil {
		return fmt.Errorf("demo membership: %w", err)
	}
	for _, m := range members {
		if m.UserID == u.ID {
			return nil
		}
	}
	if err := svc.SetMember(ctx, &debrief.Membership{TeamID: team.ID, UserID: u.ID, Role: debrief.RoleEditor}); err != nil {
		return fmt.Errorf("demo membership: %w", err)
	}
	return nil
}

// User returns the demo visitor's account, which Load creates, so that the
// web layer can sign the visitor in on loopback. ENOTFOUND when the demo
// was never loaded.
func User(ctx context.Context, svc *app.Service) (*debrief.User, error) {
	ctx = debrief.WithActor(ctx, debrief.SystemActor)
	users, _, err := svc.FindUsers(ctx, store.UserFilter{Query: ptr(UserEmail), Limit: store.MaxLimit})
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, UserEmail) {
			return u, nil
		}
	}
	return nil, debrief.Errorf(debrief.ENOTFOUND, "The demo user %s does not exist: load the demo first.", UserEmail)
}

func ptr[T any](v T) *T { return &v }

// at returns a time on the incident's day, given in UTC as the original
// postmortem gives it.
func at(hhmm string) *time.Time {
	t, err := time.Parse("2006-01-02 15:04", "2021-08-26 "+hhmm)
	if err != nil {
		panic(err) // the demo's own constants; a typo must fail every test
	}
	return &t
}
