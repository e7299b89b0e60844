package api

import (
	"net/http"
	"time"

	"github.com/debrief-oss/debrief"
)

// The follow-through routes: the board's filters on GET /actions, an action
// item's history, and the recurring items a retrospective links.

// followupParams are the board's filters of GET /actions.
var followupParams = []string{"team", "priority", "severity", "service", "overdue", "due_before", "ticket", "sort", "sync"}

// followupFilter reads the board's filters; errors stay in q.
func followupFilter(q *query) debrief.FollowupFilter {
	f := debrief.FollowupFilter{
		Team:     q.text("team"),
		Priority: q.oneOf("priority", debrief.Priorities),
		Severity: q.text("severity"),
		Service:  q.text("service"),
		Overdue:  q.boolean("overdue"),
		Ticket:   q.text("ticket"),
	}
	if d := q.text("due_before"); d != nil {
		if _, err := time.Parse(time.DateOnly, *d); err != nil {
			q.fail("due_before", "must be a date as YYYY-MM-DD (got %q).", clip(*d))
		}
		f.DueBefore = d
	}
	if s := q.oneOf("sync", []string{"pending"}); s != nil {
		f.SyncPending = true
	}
	if s := q.oneOf("sort", []string{"incident", "due"}); s != nil {
		f.ByDue = *s == "due"
	}
	return f
}

func (h *Handler) actionHistory(w http.ResponseWriter, r *http.Request) error {
	incidentID, id, err := actionIDs(r)
	if err != nil {
		return err
	}
	hist, err := h.svc.FindActionHistory(r.Context(), incidentID, id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, map[string]any{"items": hist})
	return nil
}

// listLinkedActions lists the items of other incidents that this
// incident's retrospective links as recurring.
func (h *Handler) listLinkedActions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	items, err := h.svc.FindLinkedActions(r.Context(), id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, map[string]any{"items": items})
	return nil
}

// linkRef is the body of PUT /incidents/{id}/linked-actions/{actionID}:
// the incident the item belongs to.
type linkRef struct {
	IncidentID int64 `json:"incident_id"`
}

func (h *Handler) linkAction(w http.ResponseWriter, r *http.Request) error {
	return h.link(w, r, true)
}

func (h *Handler) unlinkAction(w http.ResponseWriter, r *http.Request) error {
	return h.link(w, r, false)
}

func (h *Handler) link(w http.ResponseWriter, r *http.Request, on bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	actionID, err := pathID(r, "actionID")
	if err != nil {
		return err
	}
	var in linkRef
	if on {
		if q := parseQuery(r); q.err != nil {
			return q.err
		}
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
	} else {
		q := parseQuery(r, "incident_id")
		v := q.id("incident_id")
		if q.err != nil {
			return q.err
		}
		if v != nil {
			in.IncidentID = *v
		}
	}
	if in.IncidentID < 1 {
		return debrief.FieldError("incident_id", "is required: the incident the action item belongs to.")
	}
	if on {
		err = h.svc.LinkAction(r.Context(), id, in.IncidentID, actionID)
	} else {
		err = h.svc.UnlinkAction(r.Context(), id, in.IncidentID, actionID)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ticketRequest is the body of POST .../actions/{actionID}/ticket.
type ticketRequest struct {
	Tracker string `json:"tracker"`
}

// requestTicket asks for the item's ticket to be made in a tracker; the
// job makes it, and the item says "sync pending" until then.
func (h *Handler) requestTicket(w http.ResponseWriter, r *http.Request) error {
	incidentID, id, err := actionIDs(r)
	if err != nil {
		return err
	}
	var in ticketRequest
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	a, err := h.svc.RequestTicket(r.Context(), incidentID, id, in.Tracker)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusAccepted, a)
	return nil
}
