package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/templatefile"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/httperr"
)

// The template management pages: which templates exist, in which scope,
// at which version and why they changed; a form to write a new version
// (as YAML or Markdown, the shapes of a template file); and the rules that
// choose a template for new incidents.

type templatesPage struct {
	layout
	Templates []templateRow
	Scopes    []ruleScope
	// Writable lists the scopes the user may write templates in.
	Writable []option
	Form     templateForm
	Errors   formErrors
	// Severities fill the add-a-rule forms.
	Severities []string
}

type templateRow struct {
	Title, Name, Path, Scope string
	Version                  int64
	Builtin                  bool
	Note, Changed            string
	Sections, Required       int
}

type templateForm struct {
	Team, Text, Note, Format string
}

// ruleScope is one scope's rules, in the order they are tried.
type ruleScope struct {
	Team, Label string
	Rules       []ruleRow
	CanEdit     bool
	// Token is the scope's rule ids, so that a change made from an old
	// page is refused rather than applied to rules it did not see.
	Token string
	Error string
	// Templates are the ones this scope's rules may name.
	Templates []option
}

type ruleRow struct {
	Index                 int
	Name, Matches         string
	Template, TemplateURL string
	Required              bool
}

func templateURL(team, name string, version int64) string {
	q := url.Values{}
	if team != "" {
		q.Set("team", team)
	}
	if version > 0 {
		q.Set("version", strconv.FormatInt(version, 10))
	}
	u := "/templates/" + url.PathEscape(name)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func scopeName(team string) string {
	if team == "" {
		return "Organisation"
	}
	return "Team " + team
}

func rulesToken(rules []*debrief.TemplateRule) string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = strconv.FormatInt(r.ID, 10)
	}
	return strings.Join(ids, ",")
}

func (h *Handler) templatesPage(r *http.Request, f templateForm) (*templatesPage, error) {
	ctx := r.Context()
	all, err := h.svc.AllTemplates(ctx)
	if err != nil {
		return nil, err
	}
	p := &templatesPage{layout: layout{Title: "Templates", Nav: "templates"}, Form: f, Severities: h.svc.Severities()}
	for _, t := range all {
		row := templateRow{Title: t.Title, Name: t.Name, Path: templateURL(t.Team, t.Name, 0), Scope: scopeName(t.Team),
			Version: t.Version, Builtin: t.Builtin, Note: t.Note, Sections: len(t.Sections)}
		if t.Builtin {
			row.Scope = "Built in"
		} else {
			row.Changed = render.Time(t.CreatedAt, time.UTC)
		}
		for _, s := range t.Sections {
			if !s.Optional {
				row.Required++
			}
		}
		p.Templates = append(p.Templates, row)
	}
	teams, err := h.svc.FindTeams(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := h.svc.TemplateRules(ctx, nil)
	if err != nil {
		return nil, err
	}
	byScope := map[string][]*debrief.TemplateRule{}
	for _, ru := range rules {
		byScope[ru.Team] = append(byScope[ru.Team], ru)
	}
	scopes := []string{""}
	for _, t := range teams {
		scopes = append(scopes, t.Slug)
	}
	for _, team := range scopes {
		perm := permsOn(r, team)
		canEdit := perm.OrgAdmin || (team != "" && perm.Admin)
		if canEdit {
			p.Writable = append(p.Writable, option{Value: team, Label: scopeName(team), Selected: f.Team == team})
		}
		rs := byScope[team]
		if len(rs) == 0 && !canEdit {
			continue
		}
		sc := ruleScope{Team: team, Label: scopeName(team), CanEdit: canEdit, Token: rulesToken(rs)}
		for _, t := range all {
			if t.Team == "" || t.Team == team {
				label := t.Title + " (" + t.Name + ")"
				if t.Team != "" {
					label = t.Title + " (the team’s own)"
				}
				sc.Templates = append(sc.Templates, option{Value: t.Name, Label: label})
			}
		}
		for i, ru := range rs {
			sc.Rules = append(sc.Rules, ruleRow{Index: i, Name: ru.Name, Matches: ruleMatches(ru),
				Template: ru.Template, TemplateURL: templateURL(ruleTemplateScope(all, team, ru.Template), ru.Template, 0), Required: ru.Retrospective == debrief.RetroRequired})
		}
		p.Scopes = append(p.Scopes, sc)
	}
	return p, nil
}

// ruleTemplateScope says whose template a rule of the scope names: the
// team's own when it has one of that name, else the organisation's.
func ruleTemplateScope(all []*debrief.Template, team, name string) string {
	for _, t := range all {
		if team != "" && t.Team == team && t.Name == name {
			return team
		}
	}
	return ""
}

func ruleMatches(r *debrief.TemplateRule) string {
	var parts []string
	if len(r.Types) > 0 {
		parts = append(parts, "type "+strings.Join(r.Types, " or "))
	}
	if len(r.Severities) > 0 {
		parts = append(parts, strings.Join(r.Severities, ", "))
	}
	if len(parts) == 0 {
		return "every incident"
	}
	return strings.Join(parts, " and ")
}

func (h *Handler) listTemplates(w http.ResponseWriter, r *http.Request) error {
	p, err := h.templatesPage(r, templateForm{Format: "yaml", Team: r.URL.Query().Get("team")})
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "templates", p)
	return nil
}

var templateLabels = map[string]string{
	"text": "Template", "note": "What changed", "team": "Belongs to",
	"name": "Its name", "title": "Its title", "sections": "Its sections",
}

// saveTemplate stores a new version from the text of a template file,
// pasted or edited in the form.
func (h *Handler) saveTemplate(w http.ResponseWriter, r *http.Request) error {
	f := templateForm{Team: r.PostFormValue("team"), Text: r.PostFormValue("text"),
		Note: strings.TrimSpace(r.PostFormValue("note")), Format: r.PostFormValue("format")}
	fail := func(errs formErrors, err error) error {
		p, perr := h.templatesPage(r, f)
		if perr != nil {
			return perr
		}
		p.Errors = errs
		h.render(w, r, httperr.Status(err), "templates", p)
		return nil
	}
	name := "template.yaml"
	if f.Format == "markdown" {
		name = "template.md"
	}
	t, err := templatefile.Parse(name, []byte(f.Text))
	if err != nil {
		var errs formErrors
		errs.add("text", "The template could not be read: "+strings.TrimPrefix(err.Error(), name+":")+".")
		return fail(errs, debrief.Errorf(debrief.EINVALID, "%v", err))
	}
	t.Team = f.Team
	if f.Note != "" {
		t.Note = f.Note
	}
	if err := h.svc.SaveTemplate(r.Context(), t); err != nil {
		var errs formErrors
		if !errs.fromApp(err, templateLabels) {
			return err
		}
		return fail(errs, err)
	}
	http.Redirect(w, r, templateURL(t.Team, t.Name, 0)+"#saved", http.StatusSeeOther)
	return nil
}

type templatePage struct {
	layout
	T        *debrief.Template
	Scope    string
	Versions []versionRow
	Current  bool
	// YAML is the version as a template file, to copy or to edit into
	// the next version.
	YAML    string
	CanEdit bool
	Team    string
}

type versionRow struct {
	Version       int64
	Path, Note    string
	When          string
	Selected      bool
	Builtin, Last bool
}

func (h *Handler) showTemplate(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	q := r.URL.Query()
	team := q.Get("team")
	var version int64
	if v := q.Get("version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return debrief.Errorf(debrief.ENOTFOUND, "There is no version %q of this template.", v)
		}
		version = n
	}
	hist, err := h.svc.TemplateHistory(r.Context(), team, name)
	if err != nil {
		return err
	}
	t := hist[len(hist)-1]
	if version > 0 {
		i := slices.IndexFunc(hist, func(x *debrief.Template) bool { return x.Version == version })
		if i < 0 {
			return debrief.Errorf(debrief.ENOTFOUND, "There is no version %d of this template.", version)
		}
		t = hist[i]
	}
	var buf bytes.Buffer
	if err := templatefile.Write(&buf, t); err != nil {
		return err
	}
	perm := permsOn(r, team)
	p := &templatePage{
		layout: layout{Title: t.Title, Nav: "templates"}, T: t, Scope: scopeName(team),
		Current: t.Version == hist[len(hist)-1].Version, YAML: buf.String(), Team: team,
		CanEdit: perm.OrgAdmin || (team != "" && perm.Admin),
	}
	if t.Builtin {
		p.Scope = "Built in"
	}
	for i := len(hist) - 1; i >= 0; i-- {
		v := hist[i]
		row := versionRow{Version: v.Version, Path: templateURL(team, name, v.Version), Note: v.Note,
			Selected: v.Version == t.Version, Builtin: v.Builtin, Last: i == len(hist)-1}
		if !v.Builtin {
			row.When = render.Time(v.CreatedAt, time.UTC)
		}
		p.Versions = append(p.Versions, row)
	}
	h.render(w, r, http.StatusOK, "template", p)
	return nil
}

// changeRules adds, removes or moves one rule of a scope. The form
// carries the ids of the rules the page showed; when they have changed
// since, the change is refused rather than made to rules the user did not
// see.
func (h *Handler) changeRules(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	team := r.PostFormValue("team")
	rules, err := h.svc.TemplateRules(ctx, &team)
	if err != nil {
		return err
	}
	fail := func(msg string, status int) error {
		p, err := h.templatesPage(r, templateForm{Format: "yaml"})
		if err != nil {
			return err
		}
		for i := range p.Scopes {
			if p.Scopes[i].Team == team {
				p.Scopes[i].Error = msg
			}
		}
		h.render(w, r, status, "templates", p)
		return nil
	}
	if r.PostFormValue("token") != rulesToken(rules) {
		return fail("The rules changed since this page was loaded; here they are as they are now. Make your change again.", http.StatusConflict)
	}
	index, _ := strconv.Atoi(r.PostFormValue("index"))
	switch op := r.PostFormValue("op"); {
	case op == "add":
		ru := &debrief.TemplateRule{Name: strings.TrimSpace(r.PostFormValue("name")), Template: r.PostFormValue("template"),
			Retrospective: r.PostFormValue("retrospective"), Severities: r.PostForm["severities"]}
		for _, t := range strings.Split(r.PostFormValue("types"), ",") {
			if t = strings.TrimSpace(t); t != "" {
				ru.Types = append(ru.Types, t)
			}
		}
		rules = append(rules, ru)
	case op == "delete" && index >= 0 && index < len(rules):
		rules = slices.Delete(rules, index, index+1)
	case op == "up" && index > 0 && index < len(rules):
		rules[index-1], rules[index] = rules[index], rules[index-1]
	default:
		return debrief.Errorf(debrief.EINVALID, "This form asked for a change Debrief does not know (%q).", op)
	}
	if err := h.svc.SetTemplateRules(ctx, team, rules); err != nil {
		switch debrief.ErrorCode(err) {
		case debrief.EINVALID:
			return fail(fmt.Sprintf("That rule was not saved: %s %s", humanField(lastField(debrief.ErrorField(err))), debrief.ErrorMessage(err)), http.StatusBadRequest)
		}
		return err
	}
	http.Redirect(w, r, "/templates#rules", http.StatusSeeOther)
	return nil
}

// lastField keeps the last part of "rules[2].severities[0]".
func lastField(f string) string {
	if i := strings.LastIndex(f, "."); i >= 0 {
		f = f[i+1:]
	}
	return indexRE.ReplaceAllString(f, "")
}
