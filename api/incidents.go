package api

import (
	"net/http"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// responderInput is a responder as a client sends it: the person is named
// by id; the person object itself is filled in on read and is not input.
type responderInput struct {
	PersonID int64  `json:"person_id"`
	Role     string `json:"role"`
}

func responders(in []responderInput) []debrief.Responder {
	if in == nil {
		return nil
	}
	out := make([]debrief.Responder, len(in))
	for i, r := range in {
		out[i] = debrief.Responder{PersonID: r.PersonID, Role: r.Role}
	}
	return out
}

// incidentCreate is the body of POST /incidents: the incident's writable
// fields and the template its retrospective is laid out from. Read-only
// fields (id, version, timestamps, commander) are not accepted, so a client
// that sends them learns at once that they are not its to set.
type incidentCreate struct {
	Title       string                 `json:"title"`
	Severity    string                 `json:"severity"`
	Type        string                 `json:"type"`
	Status      debrief.IncidentStatus `json:"status"`
	Services    []string               `json:"services"`
	Team        string                 `json:"team"`
	Visibility  debrief.Visibility     `json:"visibility"`
	TimeZone    string                 `json:"time_zone"`
	Milestones  debrief.Milestones     `json:"milestones"`
	CommanderID *int64                 `json:"commander_id"`
	Responders  []responderInput       `json:"responders"`
	Template    string                 `json:"template"`
}

// incidentPatch mirrors debrief.IncidentUpdate with responders as input.
type incidentPatch struct {
	Title       *string                 `json:"title"`
	Severity    *string                 `json:"severity"`
	Type        *string                 `json:"type"`
	RetroReq    *bool                   `json:"retro_requested"`
	Status      *debrief.IncidentStatus `json:"status"`
	Services    *[]string               `json:"services"`
	Team        *string                 `json:"team"`
	TimeZone    *string                 `json:"time_zone"`
	Milestones  *debrief.Milestones     `json:"milestones"`
	CommanderID *int64                  `json:"commander_id"`
	Responders  *[]responderInput       `json:"responders"`
	Version     int64                   `json:"version"`
}

func (p incidentPatch) update() debrief.IncidentUpdate {
	upd := debrief.IncidentUpdate{
		Title: p.Title, Severity: p.Severity, Type: p.Type, RetroRequested: p.RetroReq, Status: p.Status, Services: p.Services,
		Team: p.Team, TimeZone: p.TimeZone, Milestones: p.Milestones,
		CommanderID: p.CommanderID, Version: p.Version,
	}
	if p.Responders != nil {
		rs := responders(*p.Responders)
		if rs == nil {
			rs = []debrief.Responder{}
		}
		upd.Responders = &rs
	}
	return upd
}

func (h *Handler) listIncidents(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, params("status", "severity", "team", "service", "q")...)
	var f debrief.IncidentFilter
	if s := q.oneOf("status", stringsOf(debrief.IncidentStatuses)); s != nil {
		st := debrief.IncidentStatus(*s)
		f.Status = &st
	}
	f.Severity = q.oneOf("severity", h.svc.Severities())
	f.Team = q.text("team")
	f.Service = q.text("service")
	if s := q.text("q"); s != nil && *s != "" { // an empty search is no search
		f.Query = s
	}
	f.Offset, f.Limit = q.page()
	if q.err != nil {
		return q.err
	}
	items, total, err := h.svc.FindIncidents(r.Context(), f)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, newList(items, total, f.Offset, store.PageLimit(f.Limit)))
	return nil
}

func (h *Handler) createIncident(w http.ResponseWriter, r *http.Request) error {
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in incidentCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	inc := &debrief.Incident{
		Title: in.Title, Severity: in.Severity, Type: in.Type, Status: in.Status, Services: in.Services,
		Team: in.Team, Visibility: in.Visibility, TimeZone: in.TimeZone, Milestones: in.Milestones,
		CommanderID: in.CommanderID, Responders: responders(in.Responders),
	}
	if err := h.svc.CreateIncident(r.Context(), inc, in.Template); err != nil {
		return err
	}
	// Read it back so the answer is what GET answers, with the commander
	// and responders filled in.
	if got, err := h.svc.FindIncidentByID(r.Context(), inc.ID); err == nil {
		inc = got
	}
	w.Header().Set("Location", location("/incidents/%d", inc.ID))
	h.writeJSON(w, r, http.StatusCreated, inc)
	return nil
}

func (h *Handler) getIncident(w http.ResponseWriter, r *http.Request) error {
	return readOfIncident(h, w, r, h.svc.FindIncidentByID)
}

func (h *Handler) updateIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in incidentPatch
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	inc, err := h.svc.UpdateIncident(r.Context(), id, in.update())
	if err != nil {
		return withCurrent(err, func() (*debrief.Incident, error) { return h.svc.FindIncidentByID(r.Context(), id) })
	}
	h.writeJSON(w, r, http.StatusOK, inc)
	return nil
}

func (h *Handler) deleteIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	if err := h.svc.DeleteIncident(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
