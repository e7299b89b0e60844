package api

import (
	"net/http"

	"github.com/debrief-oss/debrief/lint"
)

// lintReport is the answer of GET /incidents/{id}/lint.
type lintReport struct {
	IncidentID int64          `json:"incident_id"`
	Errors     int            `json:"errors"`
	Warnings   int            `json:"warnings"`
	Infos      int            `json:"infos"`
	Findings   []lint.Finding `json:"findings"`
}

// lintRetrospective answers the lint findings of an incident's
// retrospective, to whoever may read it.
func (h *Handler) lintRetrospective(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if q := parseQuery(r); q.err != nil {
		return q.err
	}
	fs, err := h.svc.LintRetrospective(r.Context(), id)
	if err != nil {
		return err
	}
	if fs == nil {
		fs = []lint.Finding{}
	}
	n := lint.Count(fs)
	h.writeJSON(w, r, http.StatusOK, lintReport{IncidentID: id, Errors: n[lint.Error], Warnings: n[lint.Warning], Infos: n[lint.Info], Findings: fs})
	return nil
}
