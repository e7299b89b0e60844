package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/debrief-oss/debrief"
)

// reportAnalysis returns the analysis a report carries: nil when the
// incident has none, so exports of incidents without one do not change.
func (s *Service) reportAnalysis(ctx context.Context, inc *debrief.Incident) (*debrief.Analysis, error) {
	return s.analysisOf(ctx, inc, false)
}

// importAnalysis stores the analysis of an imported report, keeping its
// refs. eventIDs maps the ids the report's events had to the ids they were
// stored under; evidence naming any other event is refused. Catalogue links
// are not imported: their ids belong to the Debrief the report came from.
func (s *Service) importAnalysis(ctx context.Context, a *debrief.Actor, inc *debrief.Incident, an *debrief.Analysis, eventIDs map[int64]int64) error {
	if an == nil || len(an.Items) == 0 {
		return nil
	}
	items := importOrder(an.Items)
	var stored []*debrief.AnalysisItem
	for _, src := range items {
		field := fmt.Sprintf("analysis.%s", src.Ref)
		it := *src
		it.IncidentID, it.Version, it.ActionIDs, it.CatalogID = inc.ID, 0, nil, nil
		it.Evidence = nil
		for _, ev := range src.Evidence {
			id, ok := eventIDs[ev]
			if !ok {
				return debrief.FieldError(field+".evidence", "names event %d, which is not on the imported timeline.", ev)
			}
			it.Evidence = append(it.Evidence, id)
		}
		if it.Kind == debrief.KindComponent && it.Scope == "" {
			it.Scope = debrief.ScopeSystem
		}
		if err := s.validateItem(ctx, inc, &it, false); err != nil {
			return prefixField(field, err)
		}
		if err := s.store.CreateAnalysisItem(ctx, &it); err != nil {
			return prefixField(field, err)
		}
		stored = append(stored, &it)
	}
	s.changed(ctx, a, "analysis.import", inIncident("analysis_item", fmt.Sprintf("%d items", len(stored)), inc.ID), nil, stored)
	return nil
}

// importOrder returns items so that every item comes after the items it
// names: by kind (components before the controls that join them, controls
// before their failures), and whys after their parents.
func importOrder(items []*debrief.AnalysisItem) []*debrief.AnalysisItem {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(x, y *debrief.AnalysisItem) int {
		return slices.Index(debrief.AnalysisKinds, x.Kind) - slices.Index(debrief.AnalysisKinds, y.Kind)
	})
	placed := map[string]bool{}
	var whys, rest []*debrief.AnalysisItem
	for _, it := range out {
		if it.Kind == debrief.KindWhy {
			whys = append(whys, it)
		} else {
			rest = append(rest, it)
		}
	}
	// Parents first; a why whose parent never comes (a loop, or a missing
	// parent) is left for the store to refuse with a clear error.
	for len(whys) > 0 {
		var next []*debrief.AnalysisItem
		for _, w := range whys {
			if w.Parent == "" || placed[w.Parent] {
				rest = append(rest, w)
				placed[w.Ref] = true
			} else {
				next = append(next, w)
			}
		}
		if len(next) == len(whys) {
			rest = append(rest, next...)
			break
		}
		whys = next
	}
	return rest
}

// importAddresses links an imported action to the items it addressed.
func (s *Service) importAddresses(ctx context.Context, a *debrief.Actor, act *debrief.Action, refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	items, err := s.store.FindAnalysisItems(ctx, act.IncidentID)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.NoAction != "" && slices.Contains(refs, it.Ref) {
			return debrief.FieldError("addresses", "%s carries the decision that it needs no action (%q), so no action item may address it.", it.Ref, it.NoAction)
		}
	}
	before := snapshot(act)
	if err := s.store.SetActionLinks(ctx, act.IncidentID, act.ID, refs); err != nil {
		return err
	}
	if err := s.fillAddresses(ctx, act); err != nil {
		return err
	}
	s.changed(ctx, a, "action.addresses", inIncident("action", idString(act.ID), act.IncidentID), before, act)
	return nil
}
