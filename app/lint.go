package app

import (
	"context"

	"github.com/debrief-oss/debrief/lint"
)

// LintRetrospective checks an incident's retrospective against the lint
// rules (docs/lint.md) with the default configuration. Whoever may read
// the write-up may read its findings: the decision is FindReport's, made in
// authz.go like every other. Hidden events are left out, as readers see
// the timeline.
func (s *Service) LintRetrospective(ctx context.Context, incidentID int64) ([]lint.Finding, error) {
	rep, err := s.FindReport(ctx, incidentID, false)
	if err != nil {
		return nil, err
	}
	return lint.Lint(rep, nil), nil
}
