package web

import (
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
)

// The follow-through on the action item's page: who decided a drop,
// verification after done, a note kept with the change, the item's
// history, its ticket's sync state, and the request to create the ticket.

// followupForm is the follow-through part of the action form, as typed.
type followupForm struct {
	DroppedBy    string
	Verified     bool
	VerifiedNote string
	Note         string
	// VerifyShown is set when the form offered the verification fields,
	// so an unticked box means "not verified" rather than "not asked".
	VerifyShown bool
}

func readFollowupForm(r *http.Request) followupForm {
	return followupForm{
		DroppedBy:    strings.TrimSpace(r.PostFormValue("dropped_by")),
		Verified:     r.PostFormValue("verified") == "1",
		VerifiedNote: strings.TrimSpace(r.PostFormValue("verified_note")),
		Note:         strings.TrimSpace(r.PostFormValue("note")),
		VerifyShown:  r.PostFormValue("verify_shown") == "1",
	}
}

func followupFormOf(a *debrief.Action) followupForm {
	return followupForm{DroppedBy: a.DroppedBy, Verified: a.VerifiedAt != nil, VerifiedNote: a.VerifiedNote}
}

// apply adds the follow-through fields to an update moving to status.
func (f followupForm) apply(upd *debrief.ActionUpdate, status debrief.ActionStatus) {
	if status == debrief.ActionDropped && f.DroppedBy != "" {
		upd.DroppedBy = &f.DroppedBy
	}
	if f.VerifyShown && status == debrief.ActionDone {
		upd.Verified = &f.Verified
		if f.Verified {
			upd.VerifiedNote = &f.VerifiedNote
		}
	}
	if f.Note != "" {
		upd.Note = &f.Note
	}
}

// actionFollowup is what the page shows besides the form.
type actionFollowup struct {
	History     []historyView
	SyncPending bool
	SyncError   string
	TicketKey   string
	TicketState string
	Verified    string // "Verified effective by X on date", or ""
	TicketURL   string // where to ask for a ticket ("" when it has one)
}

type historyView struct {
	At      timeView
	Actor   string
	Move    string
	Changes []string
	Note    string
}

func (h *Handler) fillFollowup(r *http.Request, p *actionPage, a *debrief.Action) error {
	hist, err := h.svc.FindActionHistory(r.Context(), a.IncidentID, a.ID)
	if err != nil {
		return err
	}
	loc := zone(p.Inc.TimeZone)
	for i := len(hist) - 1; i >= 0; i-- { // newest first
		ch := hist[i]
		hv := historyView{At: newTimeView(ch.At, loc), Actor: ch.Actor, Note: ch.Note}
		switch {
		case ch.FromStatus == "":
			hv.Move = "Created as " + render.Label(string(ch.ToStatus))
		case ch.FromStatus != ch.ToStatus:
			hv.Move = render.Label(string(ch.FromStatus)) + " → " + render.Label(string(ch.ToStatus))
		}
		for _, c := range ch.Changes {
			if c.Field == "status" {
				continue
			}
			label := actionLabels[c.Field]
			if label == "" {
				label = render.Label(c.Field)
			}
			to := c.To
			if to == "" {
				to = "(none)"
			}
			hv.Changes = append(hv.Changes, label+": "+clipRunes(to, 120))
		}
		p.Followup.History = append(p.Followup.History, hv)
	}
	p.Followup.SyncPending, p.Followup.SyncError = a.SyncState == debrief.SyncPending, a.SyncError
	p.Followup.TicketKey, p.Followup.TicketState = a.TicketKey, a.TicketState
	if a.VerifiedAt != nil {
		p.Followup.Verified = "Verified effective by " + a.VerifiedBy + " on " + a.VerifiedAt.In(loc).Format("2 Jan 2006")
	}
	if a.TicketURL == "" && a.SyncState != debrief.SyncPending {
		p.Followup.TicketURL = incidentPath(a.IncidentID) + "/actions/" + itoa(a.ID) + "/ticket"
	}
	return nil
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// requestTicket asks for the item's ticket to be created in a tracker.
func (h *Handler) requestTicket(w http.ResponseWriter, r *http.Request) error {
	inc, a, err := h.action(r)
	if err != nil {
		return err
	}
	_, err = h.svc.RequestTicket(r.Context(), inc.ID, a.ID, r.PostFormValue("tracker"))
	if err == nil {
		http.Redirect(w, r, incidentPath(inc.ID)+"#action-"+itoa(a.ID), http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, actionLabels) {
		return err
	}
	p, perr := h.newActionPage(r, inc, actionFormOf(a), a)
	if perr != nil {
		return perr
	}
	p.Errors = errs
	h.render(w, r, http.StatusBadRequest, "action", p)
	return nil
}

// linkAction links an item of another incident from this retrospective,
// named by the incident's and the item's numbers (as in its address,
// /incidents/3#action-12).
func (h *Handler) linkAction(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	from, aid := formID(r.PostFormValue("incident")), formID(r.PostFormValue("action"))
	if from <= 0 || aid <= 0 {
		return debrief.Errorf(debrief.EINVALID, "Say which item to link: the incident's number and the item's (as in /incidents/3#action-12).")
	}
	if err := h.svc.LinkAction(r.Context(), inc.ID, from, aid); err != nil {
		return err
	}
	http.Redirect(w, r, incidentPath(inc.ID)+"#linked-actions", http.StatusSeeOther)
	return nil
}

// unlinkAction removes such a link.
func (h *Handler) unlinkAction(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	if err := h.svc.UnlinkAction(r.Context(), inc.ID, formID(r.PostFormValue("incident")), formID(r.PostFormValue("action"))); err != nil {
		return err
	}
	http.Redirect(w, r, incidentPath(inc.ID)+"#actions", http.StatusSeeOther)
	return nil
}
