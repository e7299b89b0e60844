package app

import (
	"context"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
)

// A team's catalogue of safety controls, and its fishbone categories. The
// catalogue is how a team sees one control across incidents: a control in
// an analysis points to its entry (CatalogID), and the entry lists every
// incident whose analysis does, with the failures there. Audited as
// "catalog.create", "catalog.update", "catalog.delete" and
// "team.categories".

// FishboneCategories returns the team's categories (the defaults when it
// has chosen none).
func (s *Service) FishboneCategories(ctx context.Context, slug string) ([]string, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.catalogTeam(ctx, slug)
	if err != nil {
		return nil, err
	}
	if err := seeCatalog(a, t.Slug); err != nil {
		return nil, err
	}
	return s.categories(ctx, t.Slug)
}

// SetFishboneCategories replaces the team's categories; an empty list goes
// back to the defaults. Factors already filed under a category that is
// removed keep it, and the fishbone still shows them.
func (s *Service) SetFishboneCategories(ctx context.Context, slug string, names []string) ([]string, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.catalogTeam(ctx, slug)
	if err != nil {
		return nil, err
	}
	obj := object{typ: "team", id: idString(t.ID)}
	if err := s.refuse(ctx, a, "team.categories", obj, editCatalog(a, t.Slug)); err != nil {
		return nil, err
	}
	var clean []string
	var c checker
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		c.text("categories", n, true, MaxShortText)
		if slices.ContainsFunc(clean, func(o string) bool { return strings.EqualFold(o, n) }) {
			c.fail("categories", "%q is listed twice.", n)
		}
		clean = append(clean, n)
	}
	if len(clean) > MaxCategories {
		c.fail("categories", "at most %d categories (got %d): a fishbone with more bones is not readable.", MaxCategories, len(clean))
	}
	if c.err != nil {
		return nil, c.err
	}
	before, err := s.categories(ctx, t.Slug)
	if err != nil {
		return nil, err
	}
	if err := s.store.SetFishboneCategories(ctx, t.ID, clean); err != nil {
		return nil, err
	}
	after, err := s.categories(ctx, t.Slug)
	if err != nil {
		return nil, err
	}
	s.changed(ctx, a, "team.categories", obj, snapshot(before), after)
	return after, nil
}

func (s *Service) catalogTeam(ctx context.Context, slug string) (*debrief.Team, error) {
	t, err := s.store.FindTeamBySlug(ctx, slug)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "Team %q not found.", slug)
	}
	return t, err
}

// FindCatalogControls lists a team's catalogue by name.
func (s *Service) FindCatalogControls(ctx context.Context, slug string) ([]*debrief.CatalogControl, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.catalogTeam(ctx, slug)
	if err != nil {
		return nil, err
	}
	if err := seeCatalog(a, t.Slug); err != nil {
		return nil, err
	}
	return s.store.FindCatalogControls(ctx, t.ID)
}

// FindCatalogControl returns an entry of the team's catalogue with the
// incidents that use it, newest first; only incidents whose write-up the
// actor may read are listed.
func (s *Service) FindCatalogControl(ctx context.Context, slug string, id int64) (*debrief.CatalogControl, []*debrief.CatalogControlUse, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	t, c, err := s.catalogEntry(ctx, slug, id)
	if err != nil {
		return nil, nil, err
	}
	if err := seeCatalog(a, t.Slug); err != nil {
		return nil, nil, err
	}
	uses, err := s.store.FindCatalogControlUses(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	allowed := map[int64]bool{}
	out := []*debrief.CatalogControlUse{}
	for _, u := range uses {
		ok, seen := allowed[u.IncidentID]
		if !seen {
			inc, r, err := s.loadWriteUp(ctx, u.IncidentID)
			switch {
			case debrief.ErrorCode(err) == debrief.ENOTFOUND:
			case err != nil:
				return nil, nil, err
			default:
				ok = canSeeRetrospective(a, inc, r)
			}
			allowed[u.IncidentID] = ok
		}
		if ok {
			out = append(out, u)
		}
	}
	return c, out, nil
}

// catalogEntry finds entry id of team slug; an entry of another team is
// not found.
func (s *Service) catalogEntry(ctx context.Context, slug string, id int64) (*debrief.Team, *debrief.CatalogControl, error) {
	t, err := s.catalogTeam(ctx, slug)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.store.FindCatalogControlByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if c.TeamID != t.ID {
		return nil, nil, debrief.Errorf(debrief.ENOTFOUND, "Catalogue control %d not found in team %q.", id, slug)
	}
	return t, c, nil
}

// CreateCatalogControl adds an entry to a team's catalogue.
func (s *Service) CreateCatalogControl(ctx context.Context, slug string, c *debrief.CatalogControl) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	t, err := s.catalogTeam(ctx, slug)
	if err != nil {
		return err
	}
	if err := s.refuse(ctx, a, "catalog.create", object{typ: "catalog_control"}, editCatalog(a, t.Slug)); err != nil {
		return err
	}
	c.TeamID = t.ID
	if err := validateCatalog(c); err != nil {
		return err
	}
	if err := s.store.CreateCatalogControl(ctx, c); err != nil {
		return err
	}
	s.changed(ctx, a, "catalog.create", object{typ: "catalog_control", id: idString(c.ID)}, nil, c)
	return nil
}

// CatalogControlUpdate changes a catalogue entry; nil fields stay.
type CatalogControlUpdate struct {
	Name    *string `json:"name"`
	Purpose *string `json:"purpose"`
	How     *string `json:"how"`
	Version int64   `json:"version"`
}

// UpdateCatalogControl applies upd if upd.Version is current.
func (s *Service) UpdateCatalogControl(ctx context.Context, slug string, id int64, upd CatalogControlUpdate) (*debrief.CatalogControl, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	obj := object{typ: "catalog_control", id: idString(id)}
	t, c, err := s.catalogEntry(ctx, slug, id)
	if err != nil {
		return nil, err
	}
	if err := s.refuse(ctx, a, "catalog.update", obj, editCatalog(a, t.Slug)); err != nil {
		return nil, err
	}
	if err := checkVersion(upd.Version); err != nil {
		return nil, err
	}
	before := snapshot(c)
	setString(&c.Name, upd.Name)
	setString(&c.Purpose, upd.Purpose)
	setString(&c.How, upd.How)
	if err := validateCatalog(c); err != nil {
		return nil, err
	}
	c.Version = upd.Version
	if err := s.store.UpdateCatalogControl(ctx, c); err != nil {
		return nil, err
	}
	s.changed(ctx, a, "catalog.update", obj, before, c)
	return c, nil
}

// DeleteCatalogControl removes an entry; controls that named it keep their
// own text.
func (s *Service) DeleteCatalogControl(ctx context.Context, slug string, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	obj := object{typ: "catalog_control", id: idString(id)}
	t, c, err := s.catalogEntry(ctx, slug, id)
	if err != nil {
		return err
	}
	if err := s.refuse(ctx, a, "catalog.delete", obj, editCatalog(a, t.Slug)); err != nil {
		return err
	}
	if err := s.store.DeleteCatalogControl(ctx, id); err != nil {
		return err
	}
	s.changed(ctx, a, "catalog.delete", obj, snapshot(c), nil)
	return nil
}

func validateCatalog(c *debrief.CatalogControl) error {
	var ch checker
	c.Name = strings.TrimSpace(c.Name)
	ch.text("name", c.Name, true, MaxTitle)
	ch.text("purpose", c.Purpose, false, MaxActionText)
	ch.text("how", c.How, false, MaxActionText)
	return ch.err
}
