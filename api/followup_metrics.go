package api

import (
	"net/http"
	"strconv"

	"github.com/debrief-oss/debrief/app"
)

// GET /actions/metrics: the follow-through metrics of the metrics page as
// JSON (completion within 30, 60 and 90 days by team and severity, the age
// of open items, the weekly backlog), over the items the caller may read.

func (h *Handler) actionMetrics(w http.ResponseWriter, r *http.Request) error {
	q := parseQuery(r, "team", "weeks")
	team := q.text("team")
	weeks := app.DefaultMetricsWeeks
	if v := q.text("weeks"); v != nil {
		n, err := strconv.Atoi(*v)
		if err != nil || n < 1 || n > app.MaxMetricsWeeks {
			q.fail("weeks", "must be a whole number from 1 to %d (got %q).", app.MaxMetricsWeeks, clip(*v))
		}
		weeks = n
	}
	if q.err != nil {
		return q.err
	}
	if team != nil && *team == "" {
		team = nil // an empty team means all, as on the page
	}
	m, err := h.svc.FollowupMetrics(r.Context(), team, weeks)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, m)
	return nil
}
