package app

import (
	"context"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// FindReport loads everything one incident's retrospective shows, for an
// actor who may read the write-up. Hidden timeline events are left out
// unless includeHidden is set.
func (s *Service) FindReport(ctx context.Context, incidentID int64, includeHidden bool) (*debrief.Report, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	inc, retro, err := s.writeUp(ctx, a, incidentID)
	if err != nil {
		return nil, err
	}
	events, err := findAll(func(offset int) ([]*debrief.Event, int, error) {
		return s.store.FindEvents(ctx, debrief.EventFilter{IncidentID: incidentID, IncludeHidden: includeHidden, Offset: offset, Limit: store.MaxLimit})
	})
	if err != nil {
		return nil, err
	}
	actions, err := findAll(func(offset int) ([]*debrief.Action, int, error) {
		return s.store.FindActions(ctx, debrief.ActionFilter{IncidentID: &incidentID, Offset: offset, Limit: store.MaxLimit})
	})
	if err != nil {
		return nil, err
	}
	if err := s.fillAddresses(ctx, actions...); err != nil {
		return nil, err
	}
	analysis, err := s.reportAnalysis(ctx, inc)
	if err != nil {
		return nil, err
	}
	linked, _, err := s.store.FindActions(ctx, debrief.ActionFilter{Limit: store.MaxLimit,
		FollowupFilter: debrief.FollowupFilter{LinkedTo: &incidentID, Visible: actionVisibility(a)}})
	if err != nil {
		return nil, err
	}
	markOverdue(s.today(), linked...)
	return &debrief.Report{Incident: inc, Retrospective: retro, Events: events, Actions: actions, Analysis: analysis, Linked: linked}, nil
}

// findAll pages through a list until it has every item.
func findAll[T any](page func(offset int) ([]T, int, error)) ([]T, error) {
	var all []T
	for {
		items, total, err := page(len(all))
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) == 0 || len(all) >= total {
			return all, nil
		}
	}
}
