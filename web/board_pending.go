package web

import (
	"net/http"
	"net/url"

	"github.com/debrief-oss/debrief"
)

// countPending counts the items of the board's team (any team when none is
// chosen) that are "sync pending", whatever the other filters, so that the
// top of the board says how many wait for their tracker even when the list
// below shows others; PendingURL is the board filtered to them.
func (h *Handler) countPending(r *http.Request, p *boardPage) error {
	f := debrief.ActionFilter{Limit: 1, FollowupFilter: debrief.FollowupFilter{SyncPending: true}}
	v := url.Values{"sync": {"pending"}}
	if p.Filter.Team != "" {
		team := p.Filter.Team
		f.Team = &team
		v.Set("team", team)
	}
	if p.Filter.View == "board" {
		v.Set("view", "board")
	}
	_, total, err := h.svc.FindActions(r.Context(), f)
	if err != nil {
		return err
	}
	p.PendingAll, p.PendingURL = total, "/actions?"+v.Encode()
	return nil
}
