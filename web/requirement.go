package web

import (
	"context"
	"net/http"

	"github.com/debrief-oss/debrief"
)

// requirementView says on the incident page whether the incident needs a
// retrospective under the template rules, and why, with the control to
// ask for one where the rules leave it optional.
type requirementView struct {
	Required, Requested bool
	// Rule names the rule that decided; empty when none matched.
	Rule string
}

// templateInfo names the template edition the write-up began with, and
// the notes of the versions written since, for its writers to read.
type templateInfo struct {
	Title, URL string
	Version    int64
	Changes    []templateChange
}

type templateChange struct {
	Version   int64
	Note, URL string
}

// fillTemplateInfo adds the requirement and the template edition to the
// page. Neither is worth failing the page for: a rule or a template that
// cannot be read leaves its part out.
func (h *Handler) fillTemplateInfo(ctx context.Context, p *incidentPage, inc *debrief.Incident, retro *debrief.Retrospective) {
	if req, err := h.svc.RetrospectiveRequirement(ctx, inc); err == nil {
		p.Requirement = requirementView{Required: req.Required, Requested: req.Requested}
		if req.Rule != nil {
			p.Requirement.Rule = req.Rule.Name
		}
	}
	if retro == nil {
		return
	}
	info := templateInfo{Title: retro.Template, Version: retro.TemplateVersion,
		URL: templateURL(retro.TemplateTeam, retro.Template, retro.TemplateVersion)}
	if t, err := h.svc.TemplateVersion(ctx, retro.TemplateTeam, retro.Template, retro.TemplateVersion); err == nil {
		info.Title = t.Title
	}
	if changes, err := h.svc.TemplateChanges(ctx, retro); err == nil {
		for _, c := range changes {
			info.Changes = append(info.Changes, templateChange{Version: c.Version, Note: c.Note,
				URL: templateURL(retro.TemplateTeam, retro.Template, c.Version)})
		}
	}
	p.TemplateInfo = info
}

// requestRetrospective records that someone asked for a retrospective the
// rules leave optional (or withdraws the request).
func (h *Handler) requestRetrospective(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	version := formVersion(r.PostFormValue("version"))
	want := r.PostFormValue("requested") == "1"
	_, err = h.svc.UpdateIncident(r.Context(), id, debrief.IncidentUpdate{RetroRequested: &want, Version: version})
	if err != nil {
		if debrief.ErrorCode(err) == debrief.ECONFLICT {
			// Someone changed the incident meanwhile: show it as it is now.
			http.Redirect(w, r, incidentPath(id)+"#retrospective", http.StatusSeeOther)
			return nil
		}
		return err
	}
	http.Redirect(w, r, incidentPath(id)+"#retrospective", http.StatusSeeOther)
	return nil
}
