package web

import (
	"net/http"

	"github.com/debrief-oss/debrief"
)

// updateAccess restricts the write-up to chosen readers, or opens it to
// everyone who may see the incident again: the control in the incident
// page's side panel, for the team's admins.
func (h *Handler) updateAccess(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	restricted := r.PostFormValue("restricted") == "1"
	readers := []int64{}
	seen := map[int64]bool{}
	for _, v := range r.PostForm["readers"] {
		if n := formID(v); n > 0 && !seen[n] {
			seen[n] = true
			readers = append(readers, n)
		}
	}
	upd := debrief.RetrospectiveUpdate{Restricted: &restricted, Readers: &readers, Version: formVersion(r.PostFormValue("version"))}
	if _, err := h.svc.UpdateRetrospective(r.Context(), id, upd); err != nil {
		if debrief.ErrorCode(err) == debrief.ECONFLICT {
			return debrief.Errorf(debrief.ECONFLICT, "Someone changed this retrospective after you opened the page, so who may read it was not changed. Go back to the incident, which now shows their change, and try again.")
		}
		return err
	}
	http.Redirect(w, r, incidentPath(id)+"#access", http.StatusSeeOther)
	return nil
}
