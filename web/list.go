package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
)

// listPageSize is how many incidents the list shows at once.
const listPageSize = 25

// listPage is the incident list with its filters.
type listPage struct {
	layout
	Filter     listFilter
	Statuses   []option
	Severities []option
	Rows       []incidentRow
	Total      int
	From, To   int
	PrevURL    string
	NextURL    string
	// Filtered tells an empty result apart from an empty database.
	Filtered bool
	// Teams are the team filter's choices; NoTeams is set when there are
	// none yet, and CanCreateTeam when the reader could make the first.
	Teams         []option
	NoTeams       bool
	CanCreateTeam bool
	// Demo shows a note on what the demo holds (see Options.Demo).
	Demo bool
}

type listFilter struct {
	Status, Severity, Team, Service, Q string
	Page                               int
}

// incidentRow is one incident in the list.
type incidentRow struct {
	ID            int64
	Path          string
	Title         string
	Severity      string
	SevClass      string
	Status        string
	StatusLabel   string
	Services      []string
	Team          string
	Started       timeView
	HasStarted    bool
	TimeToResolve string
	Ongoing       bool
	// Action progress: Done of Committed (dropped items do not count).
	Done, Committed, Actions int
}

func (h *Handler) listIncidents(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	lf := listFilter{
		Status:   q.Get("status"),
		Severity: q.Get("severity"),
		Team:     strings.TrimSpace(q.Get("team")),
		Service:  strings.TrimSpace(q.Get("service")),
		Q:        strings.TrimSpace(q.Get("q")),
	}
	lf.Page, _ = strconv.Atoi(q.Get("page"))
	lf.Page = max(lf.Page, 1)
	f := debrief.IncidentFilter{Offset: (lf.Page - 1) * listPageSize, Limit: listPageSize}
	for _, p := range []struct {
		v   string
		dst **string
	}{{lf.Severity, &f.Severity}, {lf.Team, &f.Team}, {lf.Service, &f.Service}, {lf.Q, &f.Query}} {
		if p.v != "" {
			*p.dst = &p.v
		}
	}
	if lf.Status != "" {
		st := debrief.IncidentStatus(lf.Status)
		f.Status = &st
	}
	incs, total, err := h.svc.FindIncidents(r.Context(), f)
	if err != nil {
		return err
	}
	if len(incs) == 0 && total > 0 {
		// A page past the end (an old link after deletions): go to the last.
		http.Redirect(w, r, listURL(q, (total+listPageSize-1)/listPageSize), http.StatusFound)
		return nil
	}
	teams, err := h.svc.FindTeams(r.Context())
	if err != nil {
		return err
	}
	names := map[string]string{}
	teamOpts := []option{{Value: "", Label: "Any team", Selected: lf.Team == ""}}
	for _, t := range teams {
		names[t.Slug] = t.Name
		teamOpts = append(teamOpts, option{Value: t.Slug, Label: t.Name, Selected: t.Slug == lf.Team})
	}
	if _, ok := names[lf.Team]; lf.Team != "" && !ok {
		teamOpts = append(teamOpts, option{Value: lf.Team, Label: lf.Team, Selected: true})
	}
	scale := h.svc.Severities()
	p := &listPage{
		layout:     layout{Title: "Incidents", Nav: "incidents"},
		Filter:     lf,
		Statuses:   options(debrief.IncidentStatuses, lf.Status),
		Severities: options(scale, lf.Severity),
		Total:      total,
		Filtered:   lf.Status != "" || lf.Severity != "" || lf.Team != "" || lf.Service != "" || lf.Q != "",
		Teams:      teamOpts,
		NoTeams:    len(teams) == 0,
	}
	p.CanCreateTeam = p.NoTeams && permsOn(r, "").OrgAdmin
	ids := make([]int64, len(incs))
	for i, inc := range incs {
		ids[i] = inc.ID
	}
	counts, err := h.svc.CountActions(r.Context(), ids)
	if err != nil {
		return err
	}
	for _, inc := range incs {
		row := newIncidentRow(inc, scale, counts[inc.ID])
		if name, ok := names[row.Team]; ok {
			row.Team = name
		}
		p.Rows = append(p.Rows, row)
	}
	if len(incs) > 0 {
		p.From, p.To = f.Offset+1, f.Offset+len(incs)
	}
	if lf.Page > 1 {
		p.PrevURL = listURL(q, lf.Page-1)
	}
	if f.Offset+len(incs) < total {
		p.NextURL = listURL(q, lf.Page+1)
	}
	p.Demo = h.opts.Demo
	h.render(w, r, http.StatusOK, "incidents", p)
	return nil
}

// listURL keeps the filters and changes the page.
func listURL(q url.Values, page int) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "page" && len(vs) > 0 && vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// newIncidentRow is one incident of the list, with its action counts (zero
// when it has none the reader may read).
func newIncidentRow(inc *debrief.Incident, scale []string, c debrief.ActionCounts) incidentRow {
	row := incidentRow{
		ID: inc.ID, Path: incidentPath(inc.ID), Title: inc.Title,
		Severity: inc.Severity, SevClass: severityClass(scale, inc.Severity),
		Status: string(inc.Status), StatusLabel: render.Label(string(inc.Status)),
		Services: inc.Services, Team: inc.Team,
	}
	if t := inc.Milestones.Started; t != nil {
		row.Started, row.HasStarted = newTimeView(*t, zone(inc.TimeZone)), true
	}
	if d := inc.Milestones.Durations()[3]; d.Known {
		row.TimeToResolve = render.Duration(d.Value)
	} else if inc.Status == debrief.IncidentActive || inc.Status == debrief.IncidentMitigated {
		row.Ongoing = true
	}
	row.Actions, row.Done, row.Committed = c.Total, c.Done, c.Total-c.Dropped
	return row
}
