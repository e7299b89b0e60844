package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/auth"
	"github.com/debrief-oss/debrief/server/httperr"
	"github.com/debrief-oss/debrief/store"
)

// teamsPage lists the teams, with a form to create one for organisation
// admins.
type teamsPage struct {
	layout
	Teams        []teamRow
	Can          perms
	Form         teamForm
	Errors       formErrors
	Visibilities []option
	Welcome      bool
}

type teamRow struct {
	Name, Slug, Path string
	Visibility       string
	MyRole           string
}

type teamForm struct{ Name, Slug, Visibility string }

var teamLabels = map[string]string{"name": "Name", "slug": "Short name", "default_visibility": "Who sees new incidents"}

// visibilityLabels say who sees an incident, in words.
var visibilityLabels = map[debrief.Visibility]string{
	debrief.VisibleToTeam:         "Only the team",
	debrief.VisibleToOrganization: "Everyone signed in",
}

func visibilityLabel(v debrief.Visibility) string {
	if l, ok := visibilityLabels[v]; ok {
		return l
	}
	return string(v)
}

func visibilityOptions(selected string) []option {
	return []option{
		{Value: string(debrief.VisibleToTeam), Label: "Only the team’s members", Selected: selected == string(debrief.VisibleToTeam) || selected == ""},
		{Value: string(debrief.VisibleToOrganization), Label: "Everyone signed in to Debrief", Selected: selected == string(debrief.VisibleToOrganization)},
	}
}

func teamPath(slug string) string { return "/teams/" + slug }

func (h *Handler) teamsPage(r *http.Request, f teamForm) (*teamsPage, error) {
	teams, err := h.svc.FindTeams(r.Context())
	if err != nil {
		return nil, err
	}
	a := auth.Actor(r.Context())
	p := &teamsPage{
		layout: layout{Title: "Teams", Nav: "teams"}, Form: f,
		Can: permsOn(r, ""), Visibilities: visibilityOptions(f.Visibility),
	}
	for _, t := range teams {
		row := teamRow{Name: t.Name, Slug: t.Slug, Path: teamPath(t.Slug), Visibility: visibilityLabel(t.DefaultVisibility)}
		if a != nil {
			if role, ok := a.Teams[t.Slug]; ok {
				row.MyRole = render.Label(string(role))
			}
		}
		p.Teams = append(p.Teams, row)
	}
	return p, nil
}

func (h *Handler) listTeams(w http.ResponseWriter, r *http.Request) error {
	p, err := h.teamsPage(r, teamForm{Visibility: string(debrief.VisibleToTeam)})
	if err != nil {
		return err
	}
	p.Welcome = r.URL.Query().Get("welcome") == "1"
	h.render(w, r, http.StatusOK, "teams", p)
	return nil
}

func (h *Handler) createTeam(w http.ResponseWriter, r *http.Request) error {
	f := teamForm{Name: strings.TrimSpace(r.PostFormValue("name")), Slug: strings.TrimSpace(r.PostFormValue("slug")), Visibility: r.PostFormValue("default_visibility")}
	t := &debrief.Team{Name: f.Name, Slug: f.Slug, DefaultVisibility: debrief.Visibility(f.Visibility)}
	if t.Slug == "" {
		t.Slug = debrief.Slug(t.Name, 40)
	}
	err := h.svc.CreateTeam(r.Context(), t)
	if err == nil {
		http.Redirect(w, r, teamPath(t.Slug), http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, teamLabels) {
		return err
	}
	if errs.Conflict {
		errs.Conflict = false
		errs.add("slug", "Short name “"+t.Slug+"” is already another team’s.")
	}
	p, perr := h.teamsPage(r, f)
	if perr != nil {
		return perr
	}
	p.Errors = errs
	h.render(w, r, httperr.Status(err), "teams", p)
	return nil
}

// teamPage shows one team, its members, and the controls its admins use.
type teamPage struct {
	layout
	Team         *debrief.Team
	Path         string
	Visibility   string
	Can          perms
	Members      []memberRow
	Candidates   []option
	Roles        []option
	Visibilities []option
	Form         teamForm
	Errors       formErrors
	// MemberError is a refused member change, shown above the list.
	MemberError string
	// AllUsers is false when the service listed only some accounts (only
	// organisation admins see them all).
	AllUsers bool
}

type memberRow struct {
	UserID  int64
	Name    string
	Initial string
	Role    string
	Roles   []option
	Anchor  string
	Me      bool
}

func (h *Handler) team(r *http.Request) (*debrief.Team, error) {
	return h.svc.FindTeamBySlug(r.Context(), r.PathValue("slug"))
}

func (h *Handler) teamPage(r *http.Request, t *debrief.Team) (*teamPage, error) {
	members, err := h.svc.FindMembers(r.Context(), t.ID)
	if err != nil {
		return nil, err
	}
	p := &teamPage{
		layout: layout{Title: t.Name + " · Teams", Nav: "teams"},
		Team:   t, Path: teamPath(t.Slug), Visibility: visibilityLabel(t.DefaultVisibility),
		Can:          permsOn(r, t.Slug),
		Roles:        options(debrief.Roles, string(debrief.RoleViewer)),
		Visibilities: visibilityOptions(string(t.DefaultVisibility)),
		Form:         teamForm{Name: t.Name, Slug: t.Slug, Visibility: string(t.DefaultVisibility)},
	}
	me := auth.Actor(r.Context()).UserID()
	in := map[int64]bool{}
	for _, m := range members {
		in[m.UserID] = true
		p.Members = append(p.Members, memberRow{
			UserID: m.UserID, Name: m.UserName, Initial: initial(m.UserName, "?"), Role: render.Label(string(m.Role)),
			Roles: options(debrief.Roles, string(m.Role)), Anchor: "member-" + itoa(m.UserID), Me: m.UserID == me,
		})
	}
	if p.Can.Admin {
		users, total, err := h.svc.FindUsers(r.Context(), store.UserFilter{Limit: store.MaxLimit})
		if err != nil && debrief.ErrorCode(err) != debrief.EFORBIDDEN {
			return nil, err
		}
		p.AllUsers = err == nil && total == len(users) && total > 1
		for _, u := range users {
			if !in[u.ID] && !u.Disabled {
				p.Candidates = append(p.Candidates, option{Value: itoa(u.ID), Label: userLabel(u)})
			}
		}
		slices.SortFunc(p.Candidates, func(a, b option) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
	}
	return p, nil
}

// userLabel names a user in a list: "Ana Sørensen (ana@example.com)".
func userLabel(u *debrief.User) string {
	if u.Name == "" {
		return u.Email
	}
	return u.Name + " (" + u.Email + ")"
}

func (h *Handler) showTeam(w http.ResponseWriter, r *http.Request) error {
	t, err := h.team(r)
	if err != nil {
		return err
	}
	p, err := h.teamPage(r, t)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "team", p)
	return nil
}

// updateTeam changes the team's name and default visibility.
func (h *Handler) updateTeam(w http.ResponseWriter, r *http.Request) error {
	t, err := h.team(r)
	if err != nil {
		return err
	}
	f := teamForm{Name: strings.TrimSpace(r.PostFormValue("name")), Slug: t.Slug, Visibility: r.PostFormValue("default_visibility")}
	vis := debrief.Visibility(f.Visibility)
	_, err = h.svc.UpdateTeam(r.Context(), t.ID, app.TeamUpdate{Name: &f.Name, DefaultVisibility: &vis, Version: formVersion(r.PostFormValue("version"))})
	if err == nil {
		http.Redirect(w, r, teamPath(t.Slug)+"#settings", http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, teamLabels) {
		return err
	}
	p, perr := h.teamPage(r, t)
	if perr != nil {
		return perr
	}
	p.Form, p.Errors = f, errs
	p.Visibilities = visibilityOptions(f.Visibility)
	h.render(w, r, httperr.Status(err), "team", p)
	return nil
}

// setMember adds a user to the team or changes their role.
func (h *Handler) setMember(w http.ResponseWriter, r *http.Request) error {
	t, err := h.team(r)
	if err != nil {
		return err
	}
	m := &debrief.Membership{TeamID: t.ID, UserID: formID(r.PostFormValue("user_id")), Role: debrief.Role(r.PostFormValue("role"))}
	if err := h.svc.SetMember(r.Context(), m); err != nil {
		return h.memberError(w, r, t, err)
	}
	http.Redirect(w, r, teamPath(t.Slug)+"#member-"+itoa(m.UserID), http.StatusSeeOther)
	return nil
}

func (h *Handler) removeMember(w http.ResponseWriter, r *http.Request) error {
	t, err := h.team(r)
	if err != nil {
		return err
	}
	if err := h.svc.RemoveMember(r.Context(), t.ID, formID(r.PostFormValue("user_id"))); err != nil {
		return h.memberError(w, r, t, err)
	}
	http.Redirect(w, r, teamPath(t.Slug)+"#members", http.StatusSeeOther)
	return nil
}

// memberError shows the team page again with a refused member change
// explained above the list; errors that are not the user's to fix go to
// the error page.
func (h *Handler) memberError(w http.ResponseWriter, r *http.Request, t *debrief.Team, err error) error {
	if c := debrief.ErrorCode(err); c != debrief.EINVALID && c != debrief.ECONFLICT {
		return err
	}
	p, perr := h.teamPage(r, t)
	if perr != nil {
		return perr
	}
	p.MemberError = sentence(humanField(debrief.ErrorField(err)), debrief.ErrorMessage(err))
	h.render(w, r, httperr.Status(err), "team", p)
	return nil
}
