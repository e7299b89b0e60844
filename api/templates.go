package api

import (
	"net/http"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

// Templates shape write-ups; they belong to a team or to the organisation
// and have versions. The scope is the "team" query parameter: a team's
// slug, or absent for the organisation's.

// templateSave is the body of POST /templates: the next version of a
// template (the first, when the name is new in its scope).
type templateSave struct {
	Team     string                    `json:"team"`
	Name     string                    `json:"name"`
	Title    string                    `json:"title"`
	Note     string                    `json:"note"`
	Sections []debrief.TemplateSection `json:"sections"`
}

// rulesPut is the body of PUT /template-rules.
type rulesPut struct {
	Rules []ruleInput `json:"rules"`
}

type ruleInput struct {
	Name          string   `json:"name"`
	Types         []string `json:"types"`
	Severities    []string `json:"severities"`
	Template      string   `json:"template"`
	Retrospective string   `json:"retrospective"`
}

// requirement is the answer of GET /incidents/{id}/requirement.
type requirement struct {
	Required  bool                  `json:"required"`
	Requested bool                  `json:"requested"`
	Rule      *debrief.TemplateRule `json:"rule"`
}

// queryTeam reads the optional "team" parameter, a slug.
func queryTeam(q *query) string {
	v := q.text("team")
	if v == nil || *v == "" {
		return ""
	}
	if debrief.Slug(*v, maxSlug) != *v {
		q.fail("team", "must be a team's slug: lower-case letters, digits and single '-' (got %q).", clip(*v))
		return ""
	}
	return *v
}

func (h *Handler) listTemplates(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "team")
	team := queryTeam(q)
	if q.err != nil {
		return q.err
	}
	list, err := h.svc.ListTemplates(r.Context(), team)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, list)
	return nil
}

func (h *Handler) createTemplate(w http.ResponseWriter, r *http.Request) error {
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in templateSave
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	t := &debrief.Template{Team: in.Team, Name: in.Name, Title: in.Title, Note: in.Note, Sections: in.Sections}
	if err := h.svc.SaveTemplate(r.Context(), t); err != nil {
		return err
	}
	loc := location("/templates/%s?version=%d", t.Name, t.Version)
	if t.Team != "" {
		loc += "&team=" + t.Team
	}
	w.Header().Set("Location", loc)
	h.writeJSON(w, r, http.StatusCreated, t)
	return nil
}

func pathTemplateName(r *http.Request) (string, error) {
	v := r.PathValue("name")
	if v == "" || len(v) > 60 || debrief.Slug(v, 60) != v {
		return "", debrief.FieldError("name", "must be a template's name: lower-case letters, digits and single '-' (got %q).", clip(v))
	}
	return v, nil
}

func (h *Handler) getTemplate(w http.ResponseWriter, r *http.Request) error {
	name, err := pathTemplateName(r)
	if err != nil {
		return err
	}
	q := parseQuery(r, "team", "version")
	team := queryTeam(q)
	version := q.id("version")
	if q.err != nil {
		return q.err
	}
	var v int64
	if version != nil {
		v = *version
	}
	t, err := h.svc.TemplateVersion(r.Context(), team, name, v)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, t)
	return nil
}

func (h *Handler) listTemplateVersions(w http.ResponseWriter, r *http.Request) error {
	name, err := pathTemplateName(r)
	if err != nil {
		return err
	}
	q := parseQuery(r, "team")
	team := queryTeam(q)
	if q.err != nil {
		return q.err
	}
	hist, err := h.svc.TemplateHistory(r.Context(), team, name)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, hist)
	return nil
}

func (h *Handler) listTemplateRules(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "team")
	team := queryTeam(q)
	if q.err != nil {
		return q.err
	}
	rules, err := h.svc.TemplateRules(r.Context(), &team)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, rules)
	return nil
}

func (h *Handler) putTemplateRules(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "team")
	team := queryTeam(q)
	if q.err != nil {
		return q.err
	}
	var in rulesPut
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	rules := make([]*debrief.TemplateRule, len(in.Rules))
	for i, ri := range in.Rules {
		rules[i] = &debrief.TemplateRule{Name: ri.Name, Types: ri.Types, Severities: ri.Severities,
			Template: ri.Template, Retrospective: ri.Retrospective}
	}
	if err := h.svc.SetTemplateRules(r.Context(), team, rules); err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, rules)
	return nil
}

func (h *Handler) getRequirement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	inc, err := h.svc.FindIncidentByID(r.Context(), id)
	if err != nil {
		return err
	}
	req, err := h.svc.RetrospectiveRequirement(r.Context(), inc)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, requirementOf(req))
	return nil
}

func requirementOf(req app.Requirement) requirement {
	return requirement{Required: req.Required, Requested: req.Requested, Rule: req.Rule}
}
