package api

import (
	"net/http"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// actionCreate is the body of POST /incidents/{id}/actions.
type actionCreate struct {
	Title            string               `json:"title"`
	Description      string               `json:"description"`
	DefinitionOfDone string               `json:"definition_of_done"`
	OwnerID          *int64               `json:"owner_id"`
	Priority         string               `json:"priority"`
	DueDate          string               `json:"due_date"`
	Status           debrief.ActionStatus `json:"status"`
	DropReason       string               `json:"drop_reason"`
	TicketURL        string               `json:"ticket_url"`

	// Follow-through (followup.go).
	DroppedBy string `json:"dropped_by"`
	TicketKey string `json:"ticket_key"`
}

// listIncidentActions lists one incident's action items.
func (h *Handler) listIncidentActions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := parseQuery(r, params("status", "owner_id")...)
	f := debrief.ActionFilter{IncidentID: &id}
	return h.findActions(w, r, q, f)
}

// listActions lists action items across incidents, the view of whoever
// follows up on them all.
func (h *Handler) listActions(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, params(append([]string{"incident_id", "status", "owner_id"}, followupParams...)...)...)
	f := debrief.ActionFilter{IncidentID: q.id("incident_id")}
	f.FollowupFilter = followupFilter(q)
	return h.findActions(w, r, q, f)
}

func (h *Handler) findActions(w http.ResponseWriter, r *http.Request, q *query, f debrief.ActionFilter) error {
	if s := q.oneOf("status", stringsOf(debrief.ActionStatuses)); s != nil {
		st := debrief.ActionStatus(*s)
		f.Status = &st
	}
	f.OwnerID = q.id("owner_id")
	f.Offset, f.Limit = q.page()
	if q.err != nil {
		return q.err
	}
	items, total, err := h.svc.FindActions(r.Context(), f)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, newList(items, total, f.Offset, store.PageLimit(f.Limit)))
	return nil
}

func (h *Handler) createAction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in actionCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	a := &debrief.Action{
		IncidentID: id, Title: in.Title, Description: in.Description,
		DefinitionOfDone: in.DefinitionOfDone, OwnerID: in.OwnerID, Priority: in.Priority,
		DueDate: in.DueDate, Status: in.Status, DropReason: in.DropReason, TicketURL: in.TicketURL,
		DroppedBy: in.DroppedBy, TicketKey: in.TicketKey,
	}
	if err := h.svc.CreateAction(r.Context(), a); err != nil {
		return err
	}
	// Read it back so the answer is what GET answers, with the owner filled in.
	if got, err := h.svc.FindActionByID(r.Context(), id, a.ID); err == nil {
		a = got
	}
	w.Header().Set("Location", location("/incidents/%d/actions/%d", id, a.ID))
	h.writeJSON(w, r, http.StatusCreated, a)
	return nil
}

// actionIDs reads the incident and action ids of an action's path.
func actionIDs(r *http.Request) (incidentID, id int64, err error) {
	if incidentID, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	if id, err = pathID(r, "actionID"); err != nil {
		return 0, 0, err
	}
	return incidentID, id, parseQuery(r).err
}

func (h *Handler) getAction(w http.ResponseWriter, r *http.Request) error {
	incidentID, id, err := actionIDs(r)
	if err != nil {
		return err
	}
	a, err := h.svc.FindActionByID(r.Context(), incidentID, id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, a)
	return nil
}

func (h *Handler) updateAction(w http.ResponseWriter, r *http.Request) error {
	incidentID, id, err := actionIDs(r)
	if err != nil {
		return err
	}
	var in debrief.ActionUpdate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	a, err := h.svc.UpdateAction(r.Context(), incidentID, id, in)
	if err != nil {
		return withCurrent(err, func() (*debrief.Action, error) { return h.svc.FindActionByID(r.Context(), incidentID, id) })
	}
	h.writeJSON(w, r, http.StatusOK, a)
	return nil
}

func (h *Handler) deleteAction(w http.ResponseWriter, r *http.Request) error {
	incidentID, id, err := actionIDs(r)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteAction(r.Context(), incidentID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
