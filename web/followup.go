package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
)

// The follow-up board: a team's action items across all its incidents, as
// a table or in columns by status, with its filters in the address so that
// a filtered board is a link to share. It is also the way back from a
// ticket: /actions?ticket=OPS-123 finds the retrospective that made it.

// boardLimit is how many items the board shows at once; the count says
// when there are more.
const boardLimit = 500

type boardPage struct {
	layout
	Filter     boardFilter
	Teams      []option
	Owners     []option
	Statuses   []option
	Priorities []option
	Severities []option
	Rows       []boardRow
	Columns    []boardColumn
	Total      int
	Shown      int
	Filtered   bool
	// TableURL and BoardURL are this board with the other view.
	TableURL, BoardURL string
	Overdue, Pending   int
	// PendingAll counts the items sync pending on the team's board (all
	// filters but the team's left out), for the notice at the top;
	// PendingURL lists them.
	PendingAll int
	PendingURL string
}

type boardFilter struct {
	Team, Owner, Status, Priority, Severity, Service, Ticket, View string
	Overdue                                                        bool
	SyncPending                                                    bool
}

type boardColumn struct {
	Status, Label string
	Rows          []boardRow
}

// boardRow is one action item with where it comes from.
type boardRow struct {
	actionView
	IncidentID    int64
	IncidentTitle string
	IncidentPath  string
	Team          string
	Severity      string
}

func (h *Handler) showBoard(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bf := boardFilter{
		Team: strings.TrimSpace(q.Get("team")), Owner: q.Get("owner"), Status: q.Get("status"),
		Priority: q.Get("priority"), Severity: q.Get("severity"), Service: strings.TrimSpace(q.Get("service")),
		Ticket: strings.TrimSpace(q.Get("ticket")), View: q.Get("view"), Overdue: q.Get("overdue") == "1",
		SyncPending: q.Get("sync") == "pending",
	}
	if bf.View != "board" {
		bf.View = "table"
	}
	f := debrief.ActionFilter{Limit: boardLimit, FollowupFilter: debrief.FollowupFilter{ByDue: true}}
	for _, p := range []struct {
		v   string
		dst **string
	}{{bf.Team, &f.Team}, {bf.Priority, &f.Priority}, {bf.Severity, &f.Severity}, {bf.Service, &f.Service}, {bf.Ticket, &f.Ticket}} {
		if p.v != "" {
			v := p.v
			*p.dst = &v
		}
	}
	if bf.Status != "" {
		st := debrief.ActionStatus(bf.Status)
		f.Status = &st
	}
	if bf.Overdue {
		t := true
		f.Overdue = &t
	}
	f.SyncPending = bf.SyncPending
	if id, err := strconv.ParseInt(bf.Owner, 10, 64); err == nil && id > 0 {
		f.OwnerID = &id
	} else {
		bf.Owner = ""
	}
	ctx := r.Context()
	items, total, err := h.svc.FindActions(ctx, f)
	if err != nil {
		return err
	}
	teams, err := h.svc.FindTeams(ctx)
	if err != nil {
		return err
	}
	people, err := h.allPeople(ctx)
	if err != nil {
		return err
	}
	p := &boardPage{
		layout:     layout{Title: "Follow-ups", Nav: "followups"},
		Filter:     bf,
		Statuses:   options(debrief.ActionStatuses, bf.Status),
		Priorities: options(debrief.Priorities, bf.Priority),
		Severities: options(h.svc.Severities(), bf.Severity),
		Total:      total,
		Shown:      len(items),
		Filtered:   bf != boardFilter{View: bf.View},
	}
	p.Teams = []option{{Value: "", Label: "Any team", Selected: bf.Team == ""}}
	known := false
	for _, t := range teams {
		p.Teams = append(p.Teams, option{Value: t.Slug, Label: t.Name, Selected: t.Slug == bf.Team})
		known = known || t.Slug == bf.Team
	}
	if bf.Team != "" && !known {
		p.Teams = append(p.Teams, option{Value: bf.Team, Label: bf.Team, Selected: true})
	}
	var owner *int64
	if f.OwnerID != nil {
		owner = f.OwnerID
	}
	p.Owners = personOptions(people, owner, "Anyone")
	p.Owners[0].Value = ""

	incs := map[int64]*debrief.Incident{}
	today := time.Now().UTC().Format(time.DateOnly)
	for _, a := range items {
		inc, ok := incs[a.IncidentID]
		if !ok {
			if inc, err = h.svc.FindIncidentByID(ctx, a.IncidentID); err != nil {
				return err
			}
			incs[a.IncidentID] = inc
		}
		base := incidentPath(inc.ID) + "/actions/"
		row := boardRow{actionView: newActionView(a, base, today), IncidentID: inc.ID, IncidentTitle: inc.Title,
			IncidentPath: incidentPath(inc.ID) + "#action-" + itoa(a.ID), Team: inc.Team, Severity: inc.Severity}
		row.Overdue = a.Overdue
		if row.Overdue {
			p.Overdue++
		}
		if row.SyncPending {
			p.Pending++
		}
		p.Rows = append(p.Rows, row)
	}
	for _, st := range debrief.ActionStatuses {
		col := boardColumn{Status: string(st), Label: render.Label(string(st))}
		for _, row := range p.Rows {
			if row.Status == string(st) {
				col.Rows = append(col.Rows, row)
			}
		}
		p.Columns = append(p.Columns, col)
	}
	p.TableURL, p.BoardURL = boardURL(q, "table"), boardURL(q, "board")
	if err := h.countPending(r, p); err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "board", p)
	return nil
}

// boardURL is the board with q's filters and the given view.
func boardURL(q url.Values, view string) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "view" && len(vs) > 0 && vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	if view != "table" {
		v.Set("view", view)
	}
	if len(v) == 0 {
		return "/actions"
	}
	return "/actions?" + v.Encode()
}

// followupView copies the follow-through fields into a row.
func followupView(av *actionView, a *debrief.Action) {
	av.DroppedBy, av.TicketKey = a.DroppedBy, a.TicketKey
	av.Verified = a.VerifiedAt != nil
	av.SyncPending, av.SyncError = a.SyncState == debrief.SyncPending, a.SyncError
}

// linkedView is a recurring item of another incident, linked from this one.
type linkedView struct {
	IncidentID, ActionID int64
	Title, Path          string
	Status, StatusLabel  string
	Overdue, SyncPending bool
}

// fillLinked lists the recurring items this retrospective links.
func (h *Handler) fillLinked(r *http.Request, p *incidentPage) error {
	items, err := h.svc.FindLinkedActions(r.Context(), p.Inc.ID)
	if err != nil {
		return err
	}
	for _, a := range items {
		p.Actions.Linked = append(p.Actions.Linked, linkedView{
			IncidentID: a.IncidentID, ActionID: a.ID, Title: a.Title, Path: incidentPath(a.IncidentID) + "#action-" + itoa(a.ID),
			Status: string(a.Status), StatusLabel: render.Label(string(a.Status)),
			Overdue: a.Overdue, SyncPending: a.SyncState == debrief.SyncPending,
		})
	}
	return nil
}
