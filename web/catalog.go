package web

import (
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/httperr"
)

// A team's catalogue of safety controls, and its fishbone categories. A
// control in an incident's analysis is linked to its catalogue entry on the
// item's page; the entry's page then lists every incident that names it,
// with the failures there, dates and severities.

func (h *Handler) catalogRoutes() {
	h.get("GET /teams/{slug}/controls", h.showCatalog)
	h.post("POST /teams/{slug}/controls", h.createCatalogControl)
	h.get("GET /teams/{slug}/controls/{cid}", h.showCatalogControl)
	h.post("POST /teams/{slug}/categories", h.setCategories)
}

type catalogPage struct {
	layout
	Slug       string
	TeamName   string // for people; the slug when the name cannot be read
	TeamPath   string
	Controls   []catalogRow
	Categories string // one per line, as the form shows them
	Form       debrief.CatalogControl
	Errors     formErrors
	CatErrors  formErrors
	CanEdit    bool
}

type catalogRow struct {
	Name, Purpose, URL string
}

var catalogLabels = map[string]string{"name": "Name", "purpose": "Purpose", "how": "How it works", "categories": "Categories"}

func (h *Handler) newCatalogPage(r *http.Request, slug string) (*catalogPage, error) {
	cs, err := h.svc.FindCatalogControls(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	cats, err := h.svc.FishboneCategories(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	name := h.teamName(r, slug)
	p := &catalogPage{
		layout:     layout{Title: "Safety controls · " + name, Nav: "teams"},
		Slug:       slug,
		TeamName:   name,
		TeamPath:   teamPath(slug),
		Categories: strings.Join(cats, "\n"),
		CanEdit:    permsOn(r, slug).Edit,
	}
	for _, c := range cs {
		p.Controls = append(p.Controls, catalogRow{Name: c.Name, Purpose: c.Purpose, URL: teamPath(slug) + "/controls/" + itoa(c.ID)})
	}
	return p, nil
}

func (h *Handler) showCatalog(w http.ResponseWriter, r *http.Request) error {
	p, err := h.newCatalogPage(r, r.PathValue("slug"))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "catalog", p)
	return nil
}

func (h *Handler) createCatalogControl(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	c := &debrief.CatalogControl{Name: r.PostFormValue("name"), Purpose: r.PostFormValue("purpose"), How: r.PostFormValue("how")}
	err := h.svc.CreateCatalogControl(r.Context(), slug, c)
	if err == nil {
		http.Redirect(w, r, teamPath(slug)+"/controls#add", http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if debrief.ErrorCode(err) == debrief.ECONFLICT {
		errs.add("name", debrief.ErrorMessage(err))
	} else if !errs.fromApp(err, catalogLabels) {
		return err
	}
	p, perr := h.newCatalogPage(r, slug)
	if perr != nil {
		return perr
	}
	p.Form, p.Errors = *c, errs
	h.render(w, r, httperr.Status(err), "catalog", p)
	return nil
}

func (h *Handler) setCategories(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	text := r.PostFormValue("categories")
	names := strings.FieldsFunc(text, func(c rune) bool { return c == '\n' || c == ',' })
	_, err := h.svc.SetFishboneCategories(r.Context(), slug, names)
	if err == nil {
		http.Redirect(w, r, teamPath(slug)+"/controls#categories", http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, catalogLabels) {
		return err
	}
	p, perr := h.newCatalogPage(r, slug)
	if perr != nil {
		return perr
	}
	p.Categories, p.CatErrors = text, errs
	h.render(w, r, httperr.Status(err), "catalog", p)
	return nil
}

type catalogControlPage struct {
	layout
	Slug, TeamPath, CatalogPath string
	Control                     *debrief.CatalogControl
	Uses                        []catalogUse
	Failed                      int
	TeamName                    string
}

type catalogUse struct {
	Title, URL, Severity, SevClass, Date, Control string
	Failures                                      []itemLink
	ItemBase                                      string
}

func (h *Handler) showCatalogControl(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	id, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	c, uses, err := h.svc.FindCatalogControl(r.Context(), slug, id)
	if err != nil {
		return err
	}
	p := &catalogControlPage{
		layout: layout{Title: c.Name + " · safety controls · " + h.teamName(r, slug), Nav: "teams"},
		Slug:   slug, TeamName: h.teamName(r, slug), TeamPath: teamPath(slug), CatalogPath: teamPath(slug) + "/controls", Control: c,
	}
	for _, u := range uses {
		cu := catalogUse{Title: u.Title, URL: incidentPath(u.IncidentID) + "/analysis#" + itemAnchor(u.Control),
			Severity: u.Severity, SevClass: severityClass(h.svc.Severities(), u.Severity), Control: u.Control,
			ItemBase: incidentPath(u.IncidentID) + "/analysis#"}
		if u.StartedAt != nil {
			cu.Date = render.Time(*u.StartedAt, u.StartedAt.Location())
		}
		for _, f := range u.Failures {
			cu.Failures = append(cu.Failures, itemLink{f, itemAnchor(f)})
		}
		if len(u.Failures) > 0 {
			p.Failed++
		}
		p.Uses = append(p.Uses, cu)
	}
	h.render(w, r, http.StatusOK, "catalog_control", p)
	return nil
}

// teamName is the team's name for the catalogue's headings and breadcrumbs,
// which showed its slug; the slug stands in when the team cannot be read.
func (h *Handler) teamName(r *http.Request, slug string) string {
	if t, err := h.svc.FindTeamBySlug(r.Context(), slug); err == nil && t.Name != "" {
		return t.Name
	}
	return slug
}
