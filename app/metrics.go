package app

import (
	"context"
	"slices"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// Follow-through metrics, computed from the items the actor may read (the
// store applies the visibility), optionally one team's.
//
// An item counts as open from its creation until it is closed (done or
// dropped). The backlog reads when from the item's history of status
// moves (openSpans), so an item closed, reopened and closed again counts
// as open while it was reopened; an item without history (made before
// history was kept) is open from its creation to its last close. The
// completion rates judge an item by its last close: one done, reopened
// and done again was done when it was last done.

// DefaultMetricsWeeks and MaxMetricsWeeks bound how far back the weekly
// backlog goes: half a year unless asked, five years at most.
const (
	DefaultMetricsWeeks = 26
	MaxMetricsWeeks     = 260
)

// completionDays are the windows of the completion rates.
var completionDays = []int{30, 60, 90}

// FollowupMetrics returns the metrics of the items of team (nil: all the
// actor may read), over weeks weeks of backlog.
func (s *Service) FollowupMetrics(ctx context.Context, team *string, weeks int) (*debrief.FollowupMetrics, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if weeks <= 0 || weeks > MaxMetricsWeeks {
		return nil, debrief.FieldError("weeks", "must be from 1 to %d (got %d).", MaxMetricsWeeks, weeks)
	}
	visible, err := seeFollowupMetrics(a)
	if err != nil {
		return nil, err
	}
	f := debrief.ActionFilter{Limit: store.MaxLimit, FollowupFilter: debrief.FollowupFilter{Team: team, Visible: visible}}
	items, err := findAll(func(offset int) ([]*debrief.Action, int, error) {
		g := f
		g.Offset = offset
		return s.store.FindActions(ctx, g)
	})
	if err != nil {
		return nil, err
	}
	incs, err := s.metricsIncidents(ctx, team, items)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	m := &debrief.FollowupMetrics{AsOf: now.Truncate(24 * time.Hour)}

	// Completion rates: overall, by team, by severity.
	type key struct{ by, group string }
	groups := map[key][]*debrief.Action{}
	var order []key
	add := func(k key, it *debrief.Action) {
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], it)
	}
	for _, it := range items {
		add(key{"all", ""}, it)
		add(key{"team", incs[it.IncidentID].Team}, it)
		add(key{"severity", incs[it.IncidentID].Severity}, it)
	}
	rank := map[string]int{"all": 0, "team": 1, "severity": 2}
	sevRank := map[string]int{}
	for i, sv := range s.severities {
		sevRank[sv] = i
	}
	slices.SortFunc(order, func(x, y key) int {
		if rank[x.by] != rank[y.by] {
			return rank[x.by] - rank[y.by]
		}
		if x.by == "severity" {
			return sevRank[x.group] - sevRank[y.group]
		}
		if x.group < y.group {
			return -1
		} else if x.group > y.group {
			return 1
		}
		return 0
	})
	for _, k := range order {
		row := debrief.CompletionRow{By: k.by, Group: k.group, Days: completionDays}
		for _, d := range completionDays {
			window := time.Duration(d) * 24 * time.Hour
			eligible, done := 0, 0
			for _, it := range groups[k] {
				if it.Status == debrief.ActionDropped || now.Sub(it.CreatedAt) < window {
					continue
				}
				eligible++
				if it.Status == debrief.ActionDone && it.ClosedAt != nil && it.ClosedAt.Sub(it.CreatedAt) <= window {
					done++
				}
			}
			rate := 0.0
			if eligible > 0 {
				rate = float64(done) / float64(eligible)
			}
			row.Within, row.Eligible = append(row.Within, rate), append(row.Eligible, eligible)
		}
		m.Completion = append(m.Completion, row)
	}

	// Ages of open items.
	m.Ages = []debrief.AgeBucket{{Label: "under 30 days", From: 0, To: 30}, {Label: "30–60 days", From: 30, To: 60},
		{Label: "60–90 days", From: 60, To: 90}, {Label: "90 days and more", From: 90}}
	var ages []int
	for _, it := range items {
		if !it.Status.IsOpen() {
			continue
		}
		age := int(now.Sub(it.CreatedAt).Hours() / 24)
		ages = append(ages, age)
		for i := range m.Ages {
			if age >= m.Ages[i].From && (m.Ages[i].To == 0 || age < m.Ages[i].To) {
				m.Ages[i].Count++
			}
		}
	}
	if len(ages) > 0 {
		slices.Sort(ages)
		m.OldestOpenDays, m.MedianOpenDays = ages[len(ages)-1], ages[len(ages)/2]
	}

	// The backlog at the end of each of the last weeks, today last.
	spans, err := s.openSpans(ctx, items)
	if err != nil {
		return nil, err
	}
	end := time.Date(now.Year(), now.Month(), now.Day(), 23, 59, 59, 0, time.UTC)
	for w := weeks - 1; w >= 0; w-- {
		at := end.AddDate(0, 0, -7*w)
		open := 0
		for _, sp := range spans {
			if !sp.from.After(at) && (sp.to == nil || sp.to.After(at)) {
				open++
			}
		}
		m.Backlog = append(m.Backlog, debrief.BacklogPoint{Day: at.Format(time.DateOnly), Open: open})
	}
	return m, nil
}

// openSpan is a time an item was open: from, until to (nil: still open).
type openSpan struct {
	from time.Time
	to   *time.Time
}

// openSpans returns when each item was open, from its history of status
// moves: open from its creation (unless made closed), closed by a move to
// done or dropped, open again from a move back. An item without history
// is open from its creation until ClosedAt. Where the history ends in a
// state the item no longer has (a change written without history), the
// item's own status wins from its last change.
func (s *Service) openSpans(ctx context.Context, items []*debrief.Action) ([]openSpan, error) {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	moves, err := s.store.FindActionStatusMoves(ctx, ids)
	if err != nil {
		return nil, err
	}
	byItem := map[int64][]*debrief.ActionChange{}
	for _, m := range moves {
		byItem[m.ActionID] = append(byItem[m.ActionID], m)
	}
	var out []openSpan
	for _, it := range items {
		ms := byItem[it.ID]
		if len(ms) == 0 {
			switch {
			case it.Status.IsOpen():
				out = append(out, openSpan{from: it.CreatedAt})
			case it.ClosedAt != nil:
				out = append(out, openSpan{from: it.CreatedAt, to: it.ClosedAt})
			}
			continue
		}
		// The state at creation: the creation's entry says it; a history
		// that starts later starts from the state its first move left.
		open := ms[0].FromStatus.IsOpen()
		if ms[0].FromStatus == "" {
			open = ms[0].ToStatus.IsOpen()
			ms = ms[1:]
		}
		var cur *openSpan
		if open {
			cur = &openSpan{from: it.CreatedAt}
		}
		for _, m := range ms {
			switch next := m.ToStatus.IsOpen(); {
			case cur != nil && !next:
				at := m.At
				cur.to = &at
				out = append(out, *cur)
				cur = nil
			case cur == nil && next:
				cur = &openSpan{from: m.At}
			}
		}
		switch {
		case cur != nil && !it.Status.IsOpen():
			at := it.UpdatedAt
			if it.ClosedAt != nil {
				at = *it.ClosedAt
			}
			cur.to = &at
			out = append(out, *cur)
		case cur != nil:
			out = append(out, *cur)
		case it.Status.IsOpen():
			out = append(out, openSpan{from: it.UpdatedAt})
		}
	}
	return out, nil
}

// metricsIncidents returns the incidents of items by id, for their team and
// severity: read a page of a thousand at a time (one query per page rather
// than one per incident, which on PostgreSQL cost most of the metrics'
// time), those of team only when one is asked for; an incident not among
// them is read on its own. The items were chosen by the actor's
// visibility already; the incidents only label them.
func (s *Service) metricsIncidents(ctx context.Context, team *string, items []*debrief.Action) (map[int64]*debrief.Incident, error) {
	incs := map[int64]*debrief.Incident{}
	if len(items) == 0 {
		return incs, nil
	}
	all, err := findAll(func(offset int) ([]*debrief.Incident, int, error) {
		return s.store.FindIncidents(ctx, debrief.IncidentFilter{Team: team, Offset: offset, Limit: store.MaxLimit})
	})
	if err != nil {
		return nil, err
	}
	for _, inc := range all {
		incs[inc.ID] = inc
	}
	for _, it := range items {
		if _, ok := incs[it.IncidentID]; ok {
			continue
		}
		inc, err := s.store.FindIncidentByID(ctx, it.IncidentID)
		if err != nil {
			return nil, err
		}
		incs[it.IncidentID] = inc
	}
	return incs, nil
}
