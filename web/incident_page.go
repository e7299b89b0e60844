package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/auth"
	"github.com/debrief-oss/debrief/store"
)

// incidentPage is the heart of the product: the incident, its response
// measures, and the retrospective in template order with the timeline and
// the action items in their sections.
type incidentPage struct {
	layout
	Inc *debrief.Incident
	// Requirement and TemplateInfo come from the template rules and the
	// template the write-up began with.
	Requirement  requirementView
	TemplateInfo templateInfo
	Path         string
	SevClass     string
	StatusLabel  string
	Commander    string
	Responders   []responderView
	// Zone is the incident's zone with its offset when the incident
	// started (in August, Copenhagen is UTC+02:00 whatever the month of
	// reading); every time on the page says its own offset too.
	Zone       string
	ZoneName   string
	Milestones []milestoneView
	Durations  []durationView
	Strip      phaseStrip
	Retro      retroView
	Sections   []*sectionView
	// Timeline and Actions are shown in their sections, or after the last
	// section when the template has none of that kind.
	Timeline      timelineView
	Actions       actionsView
	TimelineAtEnd bool
	ActionsAtEnd  bool

	// Who owns and sees the incident.
	TeamName   string
	TeamPath   string
	Visibility string
	Restricted bool
	// HeaderOnly is set when the reader may see the incident but not its
	// restricted retrospective: the page shows the header and says why.
	HeaderOnly bool
	// Can says which controls to show (the service decides anyway).
	Can    perms
	Access accessView
	// Lint is the checklist of lint findings (web/lint.go).
	Lint lintView
	// Analysis is the structured analysis (analysis.go).
	Analysis analysisPart
}

// accessView is the control team admins use to restrict the write-up to
// chosen readers.
type accessView struct {
	Version    int64
	Restricted bool
	Readers    []option
	// Names lists the chosen readers, for everyone else.
	Names []string
}

type responderView struct{ Name, Role string }

// sectionView is one section of the write-up.
type sectionView struct {
	Key, Title, Kind string
	Optional         bool
	Guidance         string
	Body             template.HTML
	Empty            bool
	Anchor           string
	EditURL          string
	// Findings are the lint findings about this section (web/lint.go).
	Findings []findingView
}

// retroView is the write-up's status and who writes it.
type retroView struct {
	Status      string
	StatusLabel string
	Version     int64
	Template    string
	Steps       []retroStep
	Moves       []retroMove
	Writer      string
	Writers     []option
	Written     int
	Total       int
}

type retroStep struct {
	Label string
	// State is "done", "current" or "todo".
	State string
}

type retroMove struct {
	Status  string
	Label   string
	Forward bool
}

// retroMoveLabels names each move the write-up's status can make, in the
// words of the review process. The moves mirror app's rules (one step
// forward, or one back when review sends it back); app refuses any other.
var retroMoveLabels = map[[2]debrief.RetrospectiveStatus]string{
	{debrief.RetroDraft, debrief.RetroInReview}:    "Send for review",
	{debrief.RetroInReview, debrief.RetroDraft}:    "Back to draft",
	{debrief.RetroInReview, debrief.RetroApproved}: "Approve",
	{debrief.RetroApproved, debrief.RetroInReview}: "Reopen review",
	{debrief.RetroApproved, debrief.RetroDone}:     "Mark as done",
	{debrief.RetroDone, debrief.RetroApproved}:     "Reopen",
}

// pageState carries what a failed form on the incident page needs shown
// again; the zero value is a plain view.
type pageState struct {
	showHidden bool
}

// loadIncidentPage reads everything the incident page shows: the report
// (with hidden events, which the page counts and can reveal) and the people
// for the writer select. A reader who may see the incident but not its
// restricted retrospective gets the header only.
func (h *Handler) loadIncidentPage(r *http.Request, id int64, st pageState) (*incidentPage, error) {
	ctx := r.Context()
	rep, err := h.svc.FindReport(ctx, id, true)
	headerOnly := false
	if debrief.ErrorCode(err) == debrief.EFORBIDDEN {
		inc, ierr := h.svc.FindIncidentByID(ctx, id)
		if ierr != nil {
			return nil, ierr
		}
		rep, err, headerOnly = &debrief.Report{Incident: inc}, nil, true
	}
	if err != nil {
		return nil, err
	}
	people, err := h.allPeople(ctx)
	if err != nil {
		return nil, err
	}
	p := h.newIncidentPage(rep, people, st, time.Now())
	p.HeaderOnly = headerOnly
	p.Restricted = headerOnly || (rep.Retrospective != nil && rep.Retrospective.Restricted)
	p.Can = permsOn(r, rep.Incident.Team)
	if headerOnly {
		p.Can.Edit = false
	}
	p.Timeline.setEditable(p.Can.Edit)
	for i := range p.Actions.Rows {
		p.Actions.Rows[i].Editable = p.Can.Edit
	}
	if !headerOnly {
		if err := h.fillLinked(r, p); err != nil {
			return nil, err
		}
	}
	p.TeamName, p.TeamPath = rep.Incident.Team, teamPath(rep.Incident.Team)
	if t, err := h.svc.FindTeamBySlug(ctx, rep.Incident.Team); err == nil {
		p.TeamName = t.Name
	}
	p.Visibility = visibilityLabel(rep.Incident.Visibility)
	h.fillTemplateInfo(ctx, p, rep.Incident, rep.Retrospective)
	if retro := rep.Retrospective; retro != nil {
		if err := h.fillAccess(r, p, retro); err != nil {
			return nil, err
		}
	}
	if !headerOnly && rep.Retrospective != nil {
		p.fillLint(h.lintFindings(rep))
	}
	if !headerOnly {
		if err := h.fillAnalysis(r, p, rep); err != nil {
			return nil, err
		}
	}
	if err := h.renderTables(p, auth.CSRFToken(ctx)); err != nil {
		return nil, err
	}
	return p, nil
}

// fillAccess lists the readers of a restricted write-up, and for team
// admins the people they may choose from: the team's members and, for
// organisation admins, every account.
func (h *Handler) fillAccess(r *http.Request, p *incidentPage, retro *debrief.Retrospective) error {
	p.Access = accessView{Version: retro.Version, Restricted: retro.Restricted}
	names := map[int64]string{}
	var order []int64
	add := func(id int64, name string) {
		if _, ok := names[id]; !ok {
			order = append(order, id)
		}
		names[id] = name
	}
	if p.Can.Admin || retro.Restricted {
		if t, err := h.svc.FindTeamBySlug(r.Context(), p.Inc.Team); err == nil {
			members, err := h.svc.FindMembers(r.Context(), t.ID)
			if err != nil && debrief.ErrorCode(err) != debrief.EFORBIDDEN && debrief.ErrorCode(err) != debrief.ENOTFOUND {
				return err
			}
			for _, m := range members {
				add(m.UserID, m.UserName)
			}
		}
	}
	if p.Can.OrgAdmin {
		users, _, err := h.svc.FindUsers(r.Context(), store.UserFilter{Limit: store.MaxLimit})
		if err != nil && debrief.ErrorCode(err) != debrief.EFORBIDDEN {
			return err
		}
		for _, u := range users {
			if !u.Disabled {
				add(u.ID, userLabel(u))
			}
		}
	}
	for _, id := range retro.Readers {
		if _, ok := names[id]; !ok {
			add(id, "User "+itoa(id))
		}
		p.Access.Names = append(p.Access.Names, names[id])
	}
	if p.Can.Admin {
		for _, id := range order {
			p.Access.Readers = append(p.Access.Readers, option{Value: itoa(id), Label: names[id], Selected: slices.Contains(retro.Readers, id)})
		}
		slices.SortFunc(p.Access.Readers, func(a, b option) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
	}
	return nil
}

// incidentTime is the moment whose offset describes the incident: its
// start, else now.
func incidentTime(inc *debrief.Incident, now time.Time) time.Time {
	if t := inc.Milestones.Started; t != nil {
		return *t
	}
	return now
}

func (h *Handler) newIncidentPage(rep *debrief.Report, people []*debrief.Person, st pageState, now time.Time) *incidentPage {
	inc := rep.Incident
	loc := zone(inc.TimeZone)
	p := &incidentPage{
		layout:      layout{Title: inc.Title, Nav: "incidents"},
		Inc:         inc,
		Path:        incidentPath(inc.ID),
		SevClass:    severityClass(h.svc.Severities(), inc.Severity),
		StatusLabel: render.Label(string(inc.Status)),
		Commander:   render.PersonName(inc.Commander),
		Zone:        zoneLabel(inc.TimeZone, incidentTime(inc, now)),
		ZoneName:    zone(inc.TimeZone).String(),
		Milestones:  milestoneViews(&inc.Milestones, loc),
		Durations:   durationViews(&inc.Milestones),
		Strip:       newPhaseStrip(inc, now),
	}
	for _, r := range inc.Responders {
		p.Responders = append(p.Responders, responderView{Name: render.PersonName(r.Person), Role: r.Role})
	}
	p.Timeline = newTimelineView(inc, rep.Events, loc, st.showHidden)
	p.Actions = newActionsView(inc, rep.Actions, people, loc, now)
	p.TimelineAtEnd, p.ActionsAtEnd = true, true
	if retro := rep.Retrospective; retro != nil {
		p.Retro = newRetroView(retro, people)
		for _, s := range retro.Sections {
			sv := &sectionView{
				Key: s.Key, Title: s.Title, Kind: s.Kind, Optional: s.Optional,
				Guidance: s.Guidance, Empty: s.Body == "",
				Anchor:  "section-" + s.Key,
				EditURL: p.Path + "/sections/" + s.Key + "/edit",
			}
			if !sv.Empty {
				sv.Body = render.HTML(s.Body)
				p.Retro.Written++
			}
			p.Retro.Total++
			switch s.Kind {
			case debrief.SectionTimeline:
				p.TimelineAtEnd = false
			case debrief.SectionActions:
				p.ActionsAtEnd = false
			}
			p.Sections = append(p.Sections, sv)
		}
	}
	return p
}

func newRetroView(r *debrief.Retrospective, people []*debrief.Person) retroView {
	v := retroView{
		Status:      string(r.Status),
		StatusLabel: render.Label(string(r.Status)),
		Version:     r.Version,
		Template:    r.Template,
		Writer:      render.PersonName(r.Writer),
		Writers:     personOptions(people, r.WriterID, "Nobody yet"),
	}
	cur := -1
	for i, s := range debrief.RetrospectiveStatuses {
		if s == r.Status {
			cur = i
		}
	}
	for i, s := range debrief.RetrospectiveStatuses {
		st := retroStep{Label: render.Label(string(s)), State: "todo"}
		switch {
		case i < cur:
			st.State = "done"
		case i == cur:
			st.State = "current"
		}
		v.Steps = append(v.Steps, st)
	}
	for _, to := range debrief.RetrospectiveStatuses {
		if label, ok := retroMoveLabels[[2]debrief.RetrospectiveStatus{r.Status, to}]; ok {
			forward := false
			for i, s := range debrief.RetrospectiveStatuses {
				if s == to {
					forward = i > cur
				}
			}
			v.Moves = append(v.Moves, retroMove{Status: string(to), Label: label, Forward: forward})
		}
	}
	return v
}

// allPeople lists everyone who can be chosen as commander, writer or owner.
// A team's directory is small; the store's maximum page is plenty.
func (h *Handler) allPeople(ctx context.Context) ([]*debrief.Person, error) {
	people, _, err := h.svc.FindPeople(ctx, debrief.PersonFilter{Limit: store.MaxLimit})
	return people, err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
