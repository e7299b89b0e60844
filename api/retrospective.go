package api

import (
	"net/http"

	"github.com/debrief-oss/debrief"
)

func (h *Handler) getRetrospective(w http.ResponseWriter, r *http.Request) error {
	return readOfIncident(h, w, r, h.svc.FindRetrospective)
}

// updateRetrospective changes the writer or the status. Sections are changed
// one at a time through their own routes, each with its own version, so that
// two people can write two sections at once without conflict.
func (h *Handler) updateRetrospective(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in debrief.RetrospectiveUpdate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	retro, err := h.svc.UpdateRetrospective(r.Context(), id, in)
	if err != nil {
		return withCurrent(err, func() (*debrief.Retrospective, error) { return h.svc.FindRetrospective(r.Context(), id) })
	}
	h.writeJSON(w, r, http.StatusOK, retro)
	return nil
}
