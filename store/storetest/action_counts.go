package storetest

import (
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

func testCountActionsByIncident(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := newIncident(t, s, "Counted")
	b := newIncident(t, s, "Also counted", func(i *debrief.Incident) { i.Visibility = debrief.VisibleToOrganization })
	quiet := newIncident(t, s, "No actions")
	status := func(st debrief.ActionStatus) func(*debrief.Action) {
		return func(x *debrief.Action) {
			x.Status = st
			if st == debrief.ActionDropped {
				x.DropReason = "not worth it"
			}
		}
	}
	newAction(t, s, a.ID, "one")
	newAction(t, s, a.ID, "two", status(debrief.ActionDone))
	newAction(t, s, a.ID, "three", status(debrief.ActionDropped))
	newAction(t, s, b.ID, "four", status(debrief.ActionDone))
	got, err := s.CountActionsByIncident(ctx, []int64{a.ID, b.ID, quiet.ID}, nil)
	noErr(t, err, "CountActionsByIncident")
	same(t, got, map[int64]debrief.ActionCounts{a.ID: {Total: 3, Done: 1, Dropped: 1}, b.ID: {Total: 1, Done: 1}}, "counts")
	// A reader of no team sees only the organisation-visible incident's.
	got, err = s.CountActionsByIncident(ctx, []int64{a.ID, b.ID}, &debrief.ActionVisibility{Teams: []string{}, AdminTeams: []string{}, UserID: 1})
	noErr(t, err, "CountActionsByIncident with visibility")
	same(t, got, map[int64]debrief.ActionCounts{b.ID: {Total: 1, Done: 1}}, "counts a reader of no team may see")
	none, err := s.CountActionsByIncident(ctx, nil, nil)
	noErr(t, err, "CountActionsByIncident of none")
	same(t, none, map[int64]debrief.ActionCounts{}, "no incidents")
}
