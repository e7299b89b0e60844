package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
)

// The analysis of a retrospective (analysis.go in the root package). It is
// part of the write-up: whoever may read the write-up reads it, whoever may
// change the write-up changes it, and every change is audited as
// "analysis.create", "analysis.update", "analysis.delete" or
// "action.addresses".

// MaxCategories bounds a team's fishbone categories: a fishbone with more
// bones than this is no longer readable.
const MaxCategories = 12

// analysisFields says which of an item's kind-specific fields each kind
// uses; a value in any other is refused, so a client learns at once that it
// sent a field to the wrong kind instead of seeing it silently dropped.
var analysisFields = map[debrief.AnalysisKind][]string{
	debrief.KindComponent: {"scope"},
	debrief.KindControl:   {"controller", "process", "action", "feedback", "how", "catalog_id"},
	debrief.KindFailure:   {"control", "saw", "reason", "flaws", "evidence"},
	debrief.KindSystemic:  {},
	debrief.KindMissing:   {"controller", "process", "action", "feedback", "how"},
	debrief.KindFactor:    {"category"},
	debrief.KindWhy:       {"parent"},
}

// setFields lists the kind-specific fields it has a value in.
func setFields(it *debrief.AnalysisItem) []string {
	var out []string
	add := func(name string, set bool) {
		if set {
			out = append(out, name)
		}
	}
	add("scope", it.Scope != "")
	add("controller", it.Controller != "")
	add("process", it.Process != "")
	add("action", it.Action != "")
	add("feedback", it.Feedback != "")
	add("how", it.How != "")
	add("catalog_id", it.CatalogID != nil)
	add("control", it.Control != "")
	add("saw", it.Saw != "")
	add("reason", it.Reason != "")
	add("flaws", len(it.Flaws) > 0)
	add("evidence", len(it.Evidence) > 0)
	add("category", it.Category != "")
	add("parent", it.Parent != "")
	return out
}

// FindAnalysis returns an incident's analysis with its team's fishbone
// categories.
func (s *Service) FindAnalysis(ctx context.Context, incidentID int64) (*debrief.Analysis, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	inc, _, err := s.writeUp(ctx, a, incidentID)
	if err != nil {
		return nil, err
	}
	return s.analysisOf(ctx, inc, true)
}

// analysisOf reads inc's analysis items and its team's categories; the
// caller has decided access. Without any items it answers nil unless
// empty is set (an editor wants the categories even then; a report leaves
// the analysis out, and saves the read of the categories).
func (s *Service) analysisOf(ctx context.Context, inc *debrief.Incident, empty bool) (*debrief.Analysis, error) {
	items, err := s.store.FindAnalysisItems(ctx, inc.ID)
	if err != nil || (len(items) == 0 && !empty) {
		return nil, err
	}
	cats, err := s.categories(ctx, inc.Team)
	if err != nil {
		return nil, err
	}
	return &debrief.Analysis{IncidentID: inc.ID, Items: items, Categories: cats}, nil
}

// categories returns a team's fishbone categories, or the defaults.
func (s *Service) categories(ctx context.Context, team string) ([]string, error) {
	if s.catCache != nil {
		if cats, ok := s.catCache[team]; ok {
			return slices.Clone(cats), nil
		}
		cats, err := s.teamCategories(ctx, team)
		if err == nil {
			s.catCache[team] = slices.Clone(cats)
		}
		return cats, err
	}
	return s.teamCategories(ctx, team)
}

func (s *Service) teamCategories(ctx context.Context, team string) ([]string, error) {
	t, err := s.store.FindTeamBySlug(ctx, team)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return slices.Clone(debrief.DefaultFishboneCategories), nil
	} else if err != nil {
		return nil, err
	}
	cats, err := s.store.FindFishboneCategories(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	if cats == nil {
		return slices.Clone(debrief.DefaultFishboneCategories), nil
	}
	return cats, nil
}

// CreateAnalysisItem adds an item to an incident's analysis; the store gives
// it its ref.
func (s *Service) CreateAnalysisItem(ctx context.Context, it *debrief.AnalysisItem) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	inc, _, err := s.editWriteUp(ctx, a, it.IncidentID, "analysis.create", inIncident("analysis_item", "", it.IncidentID))
	if err != nil {
		return err
	}
	it.Ref = "" // the store numbers new items; only imports keep theirs
	if it.Kind == debrief.KindComponent && it.Scope == "" {
		it.Scope = debrief.ScopeSystem
	}
	if err := s.validateItem(ctx, inc, it, true); err != nil {
		return err
	}
	if err := s.store.CreateAnalysisItem(ctx, it); err != nil {
		return err
	}
	s.changed(ctx, a, "analysis.create", inIncident("analysis_item", it.Ref, it.IncidentID), nil, it)
	return nil
}

// UpdateAnalysisItem applies upd to an item if upd.Version is current.
func (s *Service) UpdateAnalysisItem(ctx context.Context, incidentID int64, ref string, upd debrief.AnalysisItemUpdate) (*debrief.AnalysisItem, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := inIncident("analysis_item", ref, incidentID)
	inc, _, err := s.editWriteUp(ctx, a, incidentID, "analysis.update", obj)
	if err != nil {
		return nil, err
	}
	it, err := s.store.FindAnalysisItem(ctx, incidentID, ref)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	before := snapshot(it)
	for _, f := range []struct {
		dst *string
		v   *string
	}{
		{&it.Title, upd.Title}, {&it.Description, upd.Description}, {&it.Scope, upd.Scope},
		{&it.Controller, upd.Controller}, {&it.Process, upd.Process}, {&it.Action, upd.Action},
		{&it.Feedback, upd.Feedback}, {&it.How, upd.How}, {&it.Control, upd.Control}, {&it.Saw, upd.Saw},
		{&it.Reason, upd.Reason}, {&it.Category, upd.Category}, {&it.Parent, upd.Parent}, {&it.NoAction, upd.NoAction},
	} {
		setString(f.dst, f.v)
	}
	if upd.CatalogID != nil {
		it.CatalogID = nonZero(*upd.CatalogID)
	}
	if upd.Flaws != nil {
		it.Flaws = *upd.Flaws
	}
	if upd.Evidence != nil {
		it.Evidence = *upd.Evidence
	}
	if err := s.validateItem(ctx, inc, it, true); err != nil {
		return nil, err
	}
	if it.NoAction != "" && len(it.ActionIDs) > 0 {
		return nil, debrief.FieldError("no_action", "%s is addressed by action %s; unlink %s before deciding that it needs no action.",
			it.Ref, idList(it.ActionIDs), pluralWord(len(it.ActionIDs), "it", "them"))
	}
	it.Version = upd.Version
	if err := s.store.UpdateAnalysisItem(ctx, it); err != nil {
		return nil, err
	}
	s.changed(ctx, a, "analysis.update", obj, before, it)
	return it, nil
}

// DeleteAnalysisItem removes an item. While action items address it, the
// caller must say unlink to remove those links with it: a recommendation
// never silently loses what it answers.
func (s *Service) DeleteAnalysisItem(ctx context.Context, incidentID int64, ref string, unlink bool) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	obj := inIncident("analysis_item", ref, incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "analysis.delete", obj); err != nil {
		return err
	}
	it, err := s.store.FindAnalysisItem(ctx, incidentID, ref)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAnalysisItem(ctx, incidentID, ref, unlink); err != nil {
		return err
	}
	s.changed(ctx, a, "analysis.delete", obj, snapshot(it), nil)
	return nil
}

// SetActionAddresses replaces the analysis items an action item addresses
// and returns the action as it now is.
func (s *Service) SetActionAddresses(ctx context.Context, incidentID, actionID int64, refs []string) (*debrief.Action, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := inIncident("action", idString(actionID), incidentID)
	if _, _, err := s.editWriteUp(ctx, a, incidentID, "action.addresses", obj); err != nil {
		return nil, err
	}
	act, err := s.store.FindActionByID(ctx, incidentID, actionID)
	if err != nil {
		return nil, err
	}
	if err := s.fillAddresses(ctx, act); err != nil {
		return nil, err
	}
	before := snapshot(act)
	clean := []string{}
	for _, r := range refs {
		if r = strings.ToUpper(strings.TrimSpace(r)); r != "" && !slices.Contains(clean, r) {
			clean = append(clean, r)
		}
	}
	if len(clean) > 0 {
		items, err := s.store.FindAnalysisItems(ctx, incidentID)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if slices.Contains(clean, it.Ref) && it.NoAction != "" {
				return nil, debrief.FieldError("addresses", "%s carries the decision that it needs no action (%q); clear that decision first.", it.Ref, it.NoAction)
			}
		}
	}
	if err := s.store.SetActionLinks(ctx, incidentID, actionID, clean); err != nil {
		return nil, err
	}
	if err := s.fillAddresses(ctx, act); err != nil {
		return nil, err
	}
	s.changed(ctx, a, "action.addresses", obj, before, act)
	return act, nil
}

// fillAddresses sets Addresses on actions, reading the links of each
// incident once.
func (s *Service) fillAddresses(ctx context.Context, acts ...*debrief.Action) error {
	if len(acts) == 0 {
		return nil
	}
	// One query for the page, whatever the number of incidents it spans
	// (the board's page crosses many).
	ids := make([]int64, len(acts))
	for i, act := range acts {
		ids[i] = act.ID
	}
	links, err := s.store.FindActionAddresses(ctx, ids)
	if err != nil {
		return err
	}
	for _, act := range acts {
		act.Addresses = links[act.ID]
		if act.Addresses == nil {
			act.Addresses = []string{}
		}
	}
	return nil
}

// FindTrace returns what traceability finds missing in an incident.
func (s *Service) FindTrace(ctx context.Context, incidentID int64) (*debrief.Trace, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writeUp(ctx, a, incidentID); err != nil {
		return nil, err
	}
	return s.store.FindTrace(ctx, incidentID)
}

// validateItem checks an item's fields; the store checks the refs it names
// in the transaction that writes it. An import (strict false) keeps a
// factor's category even when the team has no such category: the file's
// analysis is kept as written, and the fishbone gives it a bone of its own.
func (s *Service) validateItem(ctx context.Context, inc *debrief.Incident, it *debrief.AnalysisItem, strict bool) error {
	var c checker
	if it.CatalogID != nil && *it.CatalogID == 0 {
		it.CatalogID = nil
	}
	allowed, ok := analysisFields[it.Kind]
	if !ok {
		return debrief.FieldError("kind", "must be one of %s (got %q).", strings.Join(statusStrings(debrief.AnalysisKinds), ", "), it.Kind)
	}
	for _, f := range setFields(it) {
		if !slices.Contains(allowed, f) {
			return debrief.FieldError(f, "does not apply to a %s.", it.Kind)
		}
	}
	trim := func(p *string) { *p = strings.TrimSpace(*p) }
	for _, p := range []*string{&it.Title, &it.Controller, &it.Process, &it.Control, &it.Parent, &it.Category, &it.NoAction, &it.Scope} {
		trim(p)
	}
	for _, p := range []*string{&it.Controller, &it.Process, &it.Control, &it.Parent} {
		*p = strings.ToUpper(*p)
	}
	c.text("title", it.Title, true, MaxTitle)
	c.text("description", it.Description, false, MaxActionText)
	for _, f := range []struct {
		name, v string
	}{{"action", it.Action}, {"feedback", it.Feedback}, {"how", it.How}, {"saw", it.Saw}, {"reason", it.Reason}, {"no_action", it.NoAction}} {
		c.text(f.name, f.v, false, MaxActionText)
	}
	if it.Kind == debrief.KindComponent {
		c.oneOf("scope", it.Scope, []string{debrief.ScopeSystem, debrief.ScopeEnvironment})
	}
	if it.Kind == debrief.KindFailure && it.Control == "" {
		c.fail("control", "is required: name the control that failed (such as C1).")
	}
	for _, f := range it.Flaws {
		c.oneOf("flaws", f, debrief.Flaws)
	}
	it.Flaws = dedupeStrings(it.Flaws)
	if c.err != nil {
		return c.err
	}
	if it.Kind == debrief.KindFactor {
		cats, err := s.categories(ctx, inc.Team)
		if err != nil {
			return err
		}
		if it.Category == "" && strict {
			return debrief.FieldError("category", "is required: one of %s.", strings.Join(cats, ", "))
		}
		if i := slices.IndexFunc(cats, func(c string) bool { return strings.EqualFold(c, it.Category) }); i >= 0 {
			it.Category = cats[i]
		} else if strict {
			return debrief.FieldError("category", "must be one of team %s's categories: %s (got %q).", inc.Team, strings.Join(cats, ", "), it.Category)
		}
	}
	if it.CatalogID != nil {
		entry, err := s.store.FindCatalogControlByID(ctx, *it.CatalogID)
		if debrief.ErrorCode(err) == debrief.ENOTFOUND {
			return debrief.FieldError("catalog_id", "there is no catalogue control %d.", *it.CatalogID)
		} else if err != nil {
			return err
		}
		t, err := s.store.FindTeamByID(ctx, entry.TeamID)
		if err != nil {
			return err
		}
		if t.Slug != inc.Team {
			return debrief.FieldError("catalog_id", "catalogue control %d belongs to team %s, not to this incident's team %s.", entry.ID, t.Slug, inc.Team)
		}
	}
	return nil
}

func dedupeStrings(vs []string) []string {
	var out []string
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return pluralWord(len(ids), "item ", "items ") + strings.Join(parts, ", ")
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// withAddresses wraps a store read of one action so that it comes back
// with Addresses filled.
func withAddresses(s *Service, ctx context.Context) func(*debrief.Action, error) (*debrief.Action, error) {
	return func(act *debrief.Action, err error) (*debrief.Action, error) {
		if err != nil {
			return nil, err
		}
		return act, s.fillAddresses(ctx, act)
	}
}

// FindAnalysisItem returns one item of an incident's analysis.
func (s *Service) FindAnalysisItem(ctx context.Context, incidentID int64, ref string) (*debrief.AnalysisItem, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writeUp(ctx, a, incidentID); err != nil {
		return nil, err
	}
	return s.store.FindAnalysisItem(ctx, incidentID, strings.ToUpper(ref))
}
