package api

import (
	"net/http"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/store"
)

// eventCreate is the body of POST /incidents/{id}/events.
type eventCreate struct {
	At      time.Time `json:"at"`
	Text    string    `json:"text"`
	Source  string    `json:"source"`
	Author  string    `json:"author"`
	URL     string    `json:"url"`
	Kind    string    `json:"kind"`
	Starred bool      `json:"starred"`
	Hidden  bool      `json:"hidden"`
}

func (h *Handler) listEvents(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := parseQuery(r, params("include_hidden", "starred", "kind", "source", "author", "tag")...)
	f := debrief.EventFilter{IncidentID: id}
	if b := q.boolean("include_hidden"); b != nil {
		f.IncludeHidden = *b
	}
	f.Starred = q.boolean("starred")
	f.Kind = q.oneOf("kind", debrief.EventKinds)
	f.Source, f.Author = q.text("source"), q.text("author")
	f.Tag = q.oneOf("tag", append([]string{""}, debrief.EventTags...))
	f.Offset, f.Limit = q.page()
	if q.err != nil {
		return q.err
	}
	items, total, err := h.svc.FindEvents(r.Context(), f)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, newList(items, total, f.Offset, store.PageLimit(f.Limit)))
	return nil
}

func (h *Handler) createEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	var in eventCreate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	ev := &debrief.Event{
		IncidentID: id, At: in.At, Text: in.Text, Source: in.Source, Author: in.Author,
		URL: in.URL, Kind: in.Kind, Starred: in.Starred, Hidden: in.Hidden,
	}
	if err := h.svc.CreateEvent(r.Context(), ev); err != nil {
		return err
	}
	w.Header().Set("Location", location("/incidents/%d/events/%d", id, ev.ID))
	h.writeJSON(w, r, http.StatusCreated, ev)
	return nil
}

// eventIDs reads the incident and event ids of an event's path.
func eventIDs(r *http.Request) (incidentID, id int64, err error) {
	if incidentID, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	if id, err = pathID(r, "eventID"); err != nil {
		return 0, 0, err
	}
	return incidentID, id, parseQuery(r).err
}

func (h *Handler) getEvent(w http.ResponseWriter, r *http.Request) error {
	incidentID, id, err := eventIDs(r)
	if err != nil {
		return err
	}
	ev, err := h.svc.FindEventByID(r.Context(), incidentID, id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, ev)
	return nil
}

func (h *Handler) updateEvent(w http.ResponseWriter, r *http.Request) error {
	incidentID, id, err := eventIDs(r)
	if err != nil {
		return err
	}
	var in debrief.EventUpdate
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	ev, err := h.svc.UpdateEvent(r.Context(), incidentID, id, in)
	if err != nil {
		return withCurrent(err, func() (*debrief.Event, error) { return h.svc.FindEventByID(r.Context(), incidentID, id) })
	}
	h.writeJSON(w, r, http.StatusOK, ev)
	return nil
}

func (h *Handler) deleteEvent(w http.ResponseWriter, r *http.Request) error {
	incidentID, id, err := eventIDs(r)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteEvent(r.Context(), incidentID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
