package api

import (
	"net/http"
	"net/url"

	"github.com/debrief-oss/debrief"
)

// sectionCreate is the body of POST .../retrospective/sections. Position and
// optional are not input: a custom section goes at the end and is always
// optional.
type sectionCreate struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Kind     string `json:"kind"`
	Guidance string `json:"guidance"`
	Body     string `json:"body"`
}

// listSections answers the sections in the template's order. The service
// returns them all with the retrospective; offset and limit are applied here
// so the answer has the same envelope and paging as every other list.
func (h *Handler) listSections(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := parseQuery(r, pageParams...)
	offset, limit := q.page()
	if q.err != nil {
		return q.err
	}
	retro, err := h.svc.FindRetrospective(r.Context(), id)
	if err != nil {
		return err
	}
	all := retro.Sections
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	h.writeJSON(w, r, http.StatusOK, newList(page, len(all), offset, limit))
	return nil
}

func (h *Handler) createSection(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in sectionCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	sec := &debrief.Section{Key: in.Key, Title: in.Title, Kind: in.Kind, Guidance: in.Guidance, Body: in.Body}
	if err := h.svc.CreateSection(r.Context(), id, sec); err != nil {
		// A key already taken is a conflict with that section: send it, as
		// with any conflict, so the client can see what holds the key.
		return withCurrent(err, func() (*debrief.Section, error) { return h.svc.FindSection(r.Context(), id, sec.Key) })
	}
	w.Header().Set("Location", location("/incidents/%d/retrospective/sections/%s", id, url.PathEscape(sec.Key)))
	h.writeJSON(w, r, http.StatusCreated, sec)
	return nil
}

// sectionPath reads the incident id and section key of a section's path.
func sectionPath(r *http.Request) (int64, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, "", err
	}
	return id, r.PathValue("key"), parseQuery(r).err
}

func (h *Handler) getSection(w http.ResponseWriter, r *http.Request) error {
	id, key, err := sectionPath(r)
	if err != nil {
		return err
	}
	sec, err := h.svc.FindSection(r.Context(), id, key)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, sec)
	return nil
}

// updateSection writes a section only if the client read the current
// version. On a conflict the answer carries the section as it now is, so
// the client, which still holds its own text, can show both and merge.
func (h *Handler) updateSection(w http.ResponseWriter, r *http.Request) error {
	id, key, err := sectionPath(r)
	if err != nil {
		return err
	}
	var in debrief.SectionUpdate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	sec, err := h.svc.UpdateSection(r.Context(), id, key, in)
	if err != nil {
		return withCurrent(err, func() (*debrief.Section, error) { return h.svc.FindSection(r.Context(), id, key) })
	}
	h.writeJSON(w, r, http.StatusOK, sec)
	return nil
}

func (h *Handler) deleteSection(w http.ResponseWriter, r *http.Request) error {
	id, key, err := sectionPath(r)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteSection(r.Context(), id, key); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
