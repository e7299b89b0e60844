package api

import (
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/render/diagram"
)

// The analysis of an incident (CAST items, contributing factors, five
// whys), the links from action items to it, and a team's fishbone
// categories and catalogue of safety controls. See docs/analysis.md.

// analysisRoutes are added to the API's routes by New.
func (h *Handler) analysisRoutes() []route {
	return []route{
		{"GET " + Prefix + "/incidents/{id}/analysis", h.getAnalysis},
		{"GET " + Prefix + "/incidents/{id}/analysis/trace", h.getTrace},
		{"POST " + Prefix + "/incidents/{id}/analysis/items", h.createAnalysisItem},
		{"GET " + Prefix + "/incidents/{id}/analysis/items/{ref}", h.getAnalysisItem},
		{"PATCH " + Prefix + "/incidents/{id}/analysis/items/{ref}", h.updateAnalysisItem},
		{"DELETE " + Prefix + "/incidents/{id}/analysis/items/{ref}", h.deleteAnalysisItem},
		{"GET " + Prefix + "/incidents/{id}/analysis/control-structure.svg", h.getControlStructureSVG},
		{"GET " + Prefix + "/incidents/{id}/analysis/fishbone.svg", h.getFishboneSVG},
		{"PUT " + Prefix + "/incidents/{id}/actions/{actionID}/addresses", h.putActionAddresses},
		{"GET " + Prefix + "/teams/{slug}/fishbone-categories", h.getCategories},
		{"PUT " + Prefix + "/teams/{slug}/fishbone-categories", h.putCategories},
		{"GET " + Prefix + "/teams/{slug}/controls", h.listCatalog},
		{"POST " + Prefix + "/teams/{slug}/controls", h.createCatalog},
		{"GET " + Prefix + "/teams/{slug}/controls/{controlID}", h.getCatalog},
		{"PATCH " + Prefix + "/teams/{slug}/controls/{controlID}", h.updateCatalog},
		{"DELETE " + Prefix + "/teams/{slug}/controls/{controlID}", h.deleteCatalog},
	}
}

// analysisItemCreate is the body of POST .../analysis/items.
type analysisItemCreate struct {
	Kind        debrief.AnalysisKind `json:"kind"`
	Title       string               `json:"title"`
	Description string               `json:"description"`
	Scope       string               `json:"scope"`
	Controller  string               `json:"controller"`
	Process     string               `json:"process"`
	Action      string               `json:"action"`
	Feedback    string               `json:"feedback"`
	How         string               `json:"how"`
	CatalogID   *int64               `json:"catalog_id"`
	Control     string               `json:"control"`
	Saw         string               `json:"saw"`
	Reason      string               `json:"reason"`
	Flaws       []string             `json:"flaws"`
	Evidence    []int64              `json:"evidence"`
	Category    string               `json:"category"`
	Parent      string               `json:"parent"`
	NoAction    string               `json:"no_action"`
}

// pathRef reads an item's ref from the path; anything that cannot be a
// ref is bad input rather than a missing item.
func pathRef(r *http.Request) (int64, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, "", err
	}
	ref := strings.ToUpper(r.PathValue("ref"))
	if _, ok := debrief.KindOfRef(ref); !ok {
		return 0, "", debrief.FieldError("ref", "must be an analysis item's id such as F2 or CF1 (got %q).", clip(r.PathValue("ref")))
	}
	return id, ref, nil
}

func (h *Handler) getAnalysis(w http.ResponseWriter, r *http.Request) error {
	return readOfIncident(h, w, r, h.svc.FindAnalysis)
}

func (h *Handler) getTrace(w http.ResponseWriter, r *http.Request) error {
	return readOfIncident(h, w, r, h.svc.FindTrace)
}

func (h *Handler) createAnalysisItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in analysisItemCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	it := &debrief.AnalysisItem{
		IncidentID: id, Kind: in.Kind, Title: in.Title, Description: in.Description, Scope: in.Scope,
		Controller: in.Controller, Process: in.Process, Action: in.Action, Feedback: in.Feedback, How: in.How,
		CatalogID: in.CatalogID, Control: in.Control, Saw: in.Saw, Reason: in.Reason, Flaws: in.Flaws,
		Evidence: in.Evidence, Category: in.Category, Parent: in.Parent, NoAction: in.NoAction,
	}
	if err := h.svc.CreateAnalysisItem(r.Context(), it); err != nil {
		return err
	}
	w.Header().Set("Location", location("/incidents/%d/analysis/items/%s", id, it.Ref))
	h.writeJSON(w, r, http.StatusCreated, it)
	return nil
}

func (h *Handler) getAnalysisItem(w http.ResponseWriter, r *http.Request) error {
	id, ref, err := pathRef(r)
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	it, err := h.svc.FindAnalysisItem(r.Context(), id, ref)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, it)
	return nil
}

func (h *Handler) updateAnalysisItem(w http.ResponseWriter, r *http.Request) error {
	id, ref, err := pathRef(r)
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in debrief.AnalysisItemUpdate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	it, err := h.svc.UpdateAnalysisItem(r.Context(), id, ref, in)
	if err != nil {
		return withCurrent(err, func() (*debrief.AnalysisItem, error) { return h.svc.FindAnalysisItem(r.Context(), id, ref) })
	}
	h.writeJSON(w, r, http.StatusOK, it)
	return nil
}

func (h *Handler) deleteAnalysisItem(w http.ResponseWriter, r *http.Request) error {
	id, ref, err := pathRef(r)
	if err != nil {
		return err
	}
	q := parseQuery(r, "unlink")
	unlink := q.boolean("unlink")
	if q.err != nil {
		return q.err
	}
	if err := h.svc.DeleteAnalysisItem(r.Context(), id, ref, unlink != nil && *unlink); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// addressesBody is the body of PUT .../actions/{actionID}/addresses.
type addressesBody struct {
	Addresses []string `json:"addresses"`
}

func (h *Handler) putActionAddresses(w http.ResponseWriter, r *http.Request) error {
	incidentID, id, err := actionIDs(r)
	if err != nil {
		return err
	}
	var in addressesBody
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	if in.Addresses == nil {
		return debrief.FieldError("addresses", "is required: the refs of the items the action addresses ([] for none).")
	}
	a, err := h.svc.SetActionAddresses(r.Context(), incidentID, id, in.Addresses)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, a)
	return nil
}

// categoriesBody is the body and answer of .../fishbone-categories.
type categoriesBody struct {
	Categories []string `json:"categories"`
}

func (h *Handler) getCategories(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	cats, err := h.svc.FishboneCategories(r.Context(), slug)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, categoriesBody{Categories: cats})
	return nil
}

func (h *Handler) putCategories(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in categoriesBody
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	if in.Categories == nil {
		return debrief.FieldError("categories", "is required ([] goes back to the defaults).")
	}
	cats, err := h.svc.SetFishboneCategories(r.Context(), slug, in.Categories)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, categoriesBody{Categories: cats})
	return nil
}

// catalogEntry is the answer of GET .../controls/{controlID}: the entry
// and the incidents that use it.
type catalogEntry struct {
	Control *debrief.CatalogControl      `json:"control"`
	Uses    []*debrief.CatalogControlUse `json:"uses"`
}

// catalogCreate is the body of POST .../controls.
type catalogCreate struct {
	Name    string `json:"name"`
	Purpose string `json:"purpose"`
	How     string `json:"how"`
}

func catalogIDs(r *http.Request) (string, int64, error) {
	slug, err := pathSlug(r)
	if err != nil {
		return "", 0, err
	}
	id, err := pathID(r, "controlID")
	if err != nil {
		return "", 0, err
	}
	return slug, id, parseQuery(r).err
}

func (h *Handler) listCatalog(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	cs, err := h.svc.FindCatalogControls(r.Context(), slug)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, newList(cs, len(cs), 0, max(len(cs), 1)))
	return nil
}

func (h *Handler) createCatalog(w http.ResponseWriter, r *http.Request) error {
	slug, err := pathSlug(r)
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in catalogCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	c := &debrief.CatalogControl{Name: in.Name, Purpose: in.Purpose, How: in.How}
	if err := h.svc.CreateCatalogControl(r.Context(), slug, c); err != nil {
		return err
	}
	w.Header().Set("Location", location("/teams/%s/controls/%d", slug, c.ID))
	h.writeJSON(w, r, http.StatusCreated, c)
	return nil
}

func (h *Handler) getCatalog(w http.ResponseWriter, r *http.Request) error {
	slug, id, err := catalogIDs(r)
	if err != nil {
		return err
	}
	c, uses, err := h.svc.FindCatalogControl(r.Context(), slug, id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, catalogEntry{Control: c, Uses: uses})
	return nil
}

func (h *Handler) updateCatalog(w http.ResponseWriter, r *http.Request) error {
	slug, id, err := catalogIDs(r)
	if err != nil {
		return err
	}
	var in app.CatalogControlUpdate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	c, err := h.svc.UpdateCatalogControl(r.Context(), slug, id, in)
	if err != nil {
		return withCurrent(err, func() (*debrief.CatalogControl, error) {
			c, _, err := h.svc.FindCatalogControl(r.Context(), slug, id)
			return c, err
		})
	}
	h.writeJSON(w, r, http.StatusOK, c)
	return nil
}

func (h *Handler) deleteCatalog(w http.ResponseWriter, r *http.Request) error {
	slug, id, err := catalogIDs(r)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteCatalogControl(r.Context(), slug, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) getControlStructureSVG(w http.ResponseWriter, r *http.Request) error {
	return h.serveDiagram(w, r, func(_ *debrief.Incident, a *debrief.Analysis) []byte { return diagram.ControlStructure(a) })
}

func (h *Handler) getFishboneSVG(w http.ResponseWriter, r *http.Request) error {
	return h.serveDiagram(w, r, func(inc *debrief.Incident, a *debrief.Analysis) []byte { return diagram.Fishbone(a, inc.Title) })
}

// serveDiagram answers one of the analysis's diagrams as an SVG image.
func (h *Handler) serveDiagram(w http.ResponseWriter, r *http.Request, draw func(*debrief.Incident, *debrief.Analysis) []byte) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	a, err := h.svc.FindAnalysis(r.Context(), id)
	if err != nil {
		return err
	}
	inc, err := h.svc.FindIncidentByID(r.Context(), id)
	if err != nil {
		return err
	}
	svg := draw(inc, a)
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(svg) // a failed write is the client gone
	return nil
}
