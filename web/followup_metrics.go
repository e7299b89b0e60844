package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render/chart"
)

// The follow-through metrics page: completion rates at 30, 60 and 90
// days by team and severity, the age of open items, and the backlog of
// open items over time as a chart.

type metricsPage struct {
	layout
	Team       string
	Teams      []option
	M          *debrief.FollowupMetrics
	Rows       []completionView
	Chart      template.HTML
	BacklogNow int
	Trend      string
}

type completionView struct {
	By, Group string
	Cells     []string
}

// metricsWeeks is how far back the backlog chart goes.
const metricsWeeks = 26

func (h *Handler) showMetrics(w http.ResponseWriter, r *http.Request) error {
	team := strings.TrimSpace(r.URL.Query().Get("team"))
	var tp *string
	if team != "" {
		tp = &team
	}
	ctx := r.Context()
	m, err := h.svc.FollowupMetrics(ctx, tp, metricsWeeks)
	if err != nil {
		return err
	}
	teams, err := h.svc.FindTeams(ctx)
	if err != nil {
		return err
	}
	p := &metricsPage{layout: layout{Title: "Follow-through", Nav: "followups"}, Team: team, M: m}
	p.Teams = []option{{Value: "", Label: "All teams", Selected: team == ""}}
	for _, t := range teams {
		p.Teams = append(p.Teams, option{Value: t.Slug, Label: t.Name, Selected: t.Slug == team})
	}
	for _, row := range m.Completion {
		cv := completionView{By: row.By, Group: row.Group}
		if row.By == "all" {
			cv.Group = "All items"
		}
		for i := range row.Days {
			if row.Eligible[i] == 0 {
				cv.Cells = append(cv.Cells, "—")
				continue
			}
			cv.Cells = append(cv.Cells, fmt.Sprintf("%.0f%% of %d", 100*row.Within[i], row.Eligible[i]))
		}
		p.Rows = append(p.Rows, cv)
	}
	pts := make([]chart.Point, len(m.Backlog))
	for i, b := range m.Backlog {
		pts[i] = chart.Point{Label: dateLabel(b.Day), Value: b.Open}
	}
	// chart.Line escapes every text it writes; its output is markup of
	// our own, so it is marked safe here and nowhere else.
	p.Chart = template.HTML(chart.Line("Open follow-ups at the end of each week",
		fmt.Sprintf("Open action items over the last %d weeks%s.", metricsWeeks, map[bool]string{true: " for team " + team, false: ""}[team != ""]), pts))
	if n := len(m.Backlog); n > 0 {
		p.BacklogNow = m.Backlog[n-1].Open
		if n >= 5 {
			switch d := m.Backlog[n-1].Open - m.Backlog[n-5].Open; {
			case d > 0:
				p.Trend = fmt.Sprintf("up %d in four weeks: the backlog grows", d)
			case d < 0:
				p.Trend = fmt.Sprintf("down %d in four weeks", -d)
			default:
				p.Trend = "unchanged in four weeks"
			}
		}
	}
	h.render(w, r, http.StatusOK, "followup_metrics", p)
	return nil
}
