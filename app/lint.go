package app

import (
	"context"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/lint"
)

// WithLintConfigs sets the teams' lint configurations (lint.LoadConfigs,
// `debrief serve --lint-config`); without it every team gets the defaults.
func WithLintConfigs(cs *lint.Configs) Option {
	return func(s *Service) { s.lintConfigs = cs }
}

// LintReport lints a report the caller was already allowed to read (from
// FindReport), with the configuration of the incident's team.
func (s *Service) LintReport(rep *debrief.Report) []lint.Finding {
	team := ""
	if rep.Incident != nil {
		team = rep.Incident.Team
	}
	return lint.Lint(rep, s.lintConfigs.For(team))
}

// LintRetrospective checks an incident's retrospective against the lint
// rules (docs/lint.md) with the configuration of the incident's team. Whoever may read
// the write-up may read its findings: the decision is FindReport's, made in
// authz.go like every other. Hidden events are left out, as readers see
// the timeline.
func (s *Service) LintRetrospective(ctx context.Context, incidentID int64) ([]lint.Finding, error) {
	rep, err := s.FindReport(ctx, incidentID, false)
	if err != nil {
		return nil, err
	}
	return s.LintReport(rep), nil
}

// CheckBeforeReview is the page's checklist before a draft goes to review:
// it answers what the status change would (the same access decision, made
// in authz.go, and its refusal audited), then EINVALID on "confirm_lint"
// when lint finds errors. The page lets the writer confirm and send anyway;
// the API's status change does not ask (docs/lint.md).
func (s *Service) CheckBeforeReview(ctx context.Context, incidentID int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	_, r, err := s.editWriteUp(ctx, a, incidentID, "retrospective.update", inIncident("retrospective", idString(incidentID), incidentID))
	if err != nil || r.Status != debrief.RetroDraft {
		return err
	}
	fs, err := s.LintRetrospective(ctx, incidentID)
	if err != nil {
		return err
	}
	if n := lint.Count(fs)[lint.Error]; n > 0 {
		word := "errors"
		if n == 1 {
			word = "error"
		}
		return debrief.FieldError("confirm_lint", "The checklist found %d %s. Fix them, or tick “I have read them” next to “Send for review” to send it anyway.", n, word)
	}
	return nil
}
