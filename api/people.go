package api

import (
	"net/http"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// personCreate is the body of POST /people.
type personCreate struct {
	Name   string `json:"name"`
	Handle string `json:"handle"`
	Email  string `json:"email"`
}

func (h *Handler) listPeople(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, params("handle", "q")...)
	var f debrief.PersonFilter
	f.Handle = q.text("handle")
	if s := q.text("q"); s != nil && *s != "" { // an empty search is no search
		f.Query = s
	}
	f.Offset, f.Limit = q.page()
	if q.err != nil {
		return q.err
	}
	items, total, err := h.svc.FindPeople(r.Context(), f)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, newList(items, total, f.Offset, store.PageLimit(f.Limit)))
	return nil
}

func (h *Handler) createPerson(w http.ResponseWriter, r *http.Request) error {
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in personCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	p := &debrief.Person{Name: in.Name, Handle: in.Handle, Email: in.Email}
	if err := h.svc.CreatePerson(r.Context(), p); err != nil {
		return err
	}
	w.Header().Set("Location", location("/people/%d", p.ID))
	h.writeJSON(w, r, http.StatusCreated, p)
	return nil
}

func (h *Handler) getPerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	p, err := h.svc.FindPersonByID(r.Context(), id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, p)
	return nil
}

func (h *Handler) updatePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in debrief.PersonUpdate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	p, err := h.svc.UpdatePerson(r.Context(), id, in)
	if err != nil {
		return withCurrent(err, func() (*debrief.Person, error) { return h.svc.FindPersonByID(r.Context(), id) })
	}
	h.writeJSON(w, r, http.StatusOK, p)
	return nil
}

func (h *Handler) deletePerson(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	if err := h.svc.DeletePerson(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
