package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/httperr"
)

// analysisPage is the analysis editor.
type analysisPage struct {
	layout
	Inc     *debrief.Incident
	IncPath string
	Part    analysisPart
	// Focus is the kind whose add form gets the focus (after adding one,
	// the next is typed straight away).
	Focus string
	// Adding is the kind of the form that failed, with its input and
	// errors; the other forms are empty.
	Adding string
	Form   itemForm
	Errors formErrors
	Kinds  []kindInfo
	// Choices for the selects of the add forms.
	Components, Controls, Whys, Categories []option
	Scopes                                 []option
	Actions                                []actionAddresses
	CanEdit                                bool
	// Controllers and Processes are Components whose empty choice names the
	// select, so a quick-add form does not show two bare dashes.
	Controllers, Processes []option
}

// actionAddresses is one action item with the refs it addresses, as typed.
type actionAddresses struct {
	Number    int
	Title     string
	Addresses string
	URL       string
	Anchor    string
}

// itemForm is an item's form input, as typed.
type itemForm struct {
	Kind, Title, Description, Scope       string
	Controller, Process, Action, Feedback string
	How, Control, Saw, Reason, Category   string
	Parent, NoAction, CatalogID           string
	Flaws                                 []string
	Evidence                              []string
	Version                               int64
}

var itemLabels = map[string]string{
	"kind": "Kind", "title": "Title", "description": "Description", "scope": "Scope",
	"controller": "Controller", "process": "Controlled process", "action": "Control action",
	"feedback": "Feedback", "how": "How it works", "control": "Control", "saw": "What it saw",
	"reason": "Why it did not act", "flaws": "Flaws", "evidence": "Evidence", "category": "Category",
	"parent": "Answers", "no_action": "No action because", "addresses": "Addresses", "catalog_id": "Catalogue entry",
}

func readItemForm(r *http.Request) itemForm {
	return itemForm{
		Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Scope: r.PostFormValue("scope"), Controller: r.PostFormValue("controller"), Process: r.PostFormValue("process"),
		Action: r.PostFormValue("action"), Feedback: r.PostFormValue("feedback"), How: r.PostFormValue("how"),
		Control: r.PostFormValue("control"), Saw: r.PostFormValue("saw"), Reason: r.PostFormValue("reason"),
		Category: r.PostFormValue("category"), Parent: r.PostFormValue("parent"), NoAction: r.PostFormValue("no_action"),
		Flaws: r.PostForm["flaws"], Evidence: r.PostForm["evidence"], Version: formVersion(r.PostFormValue("version")),
		CatalogID: r.PostFormValue("catalog_id"),
	}
}

func itemFormOf(it *debrief.AnalysisItem) itemForm {
	f := itemForm{Kind: string(it.Kind), Title: it.Title, Description: it.Description, Scope: it.Scope,
		Controller: it.Controller, Process: it.Process, Action: it.Action, Feedback: it.Feedback, How: it.How,
		Control: it.Control, Saw: it.Saw, Reason: it.Reason, Category: it.Category, Parent: it.Parent,
		NoAction: it.NoAction, Flaws: it.Flaws, Version: it.Version}
	for _, ev := range it.Evidence {
		f.Evidence = append(f.Evidence, itoa(ev))
	}
	if it.CatalogID != nil {
		f.CatalogID = itoa(*it.CatalogID)
	}
	return f
}

// HasFlaw and HasEvidence tick the boxes of the edit form.
func (f itemForm) HasFlaw(v string) bool     { return slices.Contains(f.Flaws, v) }
func (f itemForm) HasEvidence(id int64) bool { return slices.Contains(f.Evidence, itoa(id)) }

// refOptions lists the items of a kind for a select, with "none" first.
func refOptions(an *debrief.Analysis, k debrief.AnalysisKind, selected, none string) []option {
	out := []option{{Value: "", Label: none, Selected: selected == ""}}
	for _, it := range an.OfKind(k) {
		out = append(out, option{Value: it.Ref, Label: it.Ref + " " + it.Title, Selected: strings.EqualFold(it.Ref, selected)})
	}
	return out
}

// loadAnalysis reads what the analysis pages show.
func (h *Handler) loadAnalysis(r *http.Request) (*debrief.Report, *debrief.Analysis, *debrief.Trace, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, nil, err
	}
	rep, err := h.svc.FindReport(r.Context(), id, true)
	if err != nil {
		return nil, nil, nil, err
	}
	an, err := h.svc.FindAnalysis(r.Context(), id)
	if err != nil {
		return nil, nil, nil, err
	}
	trace, err := h.svc.FindTrace(r.Context(), id)
	if err != nil {
		return nil, nil, nil, err
	}
	return rep, an, trace, nil
}

func (h *Handler) newAnalysisPage(r *http.Request, rep *debrief.Report, an *debrief.Analysis, trace *debrief.Trace) *analysisPage {
	inc := rep.Incident
	can := permsOn(r, inc.Team).Edit
	p := &analysisPage{
		layout:  layout{Title: "Analysis · " + inc.Title, Nav: "incidents", ReadOnly: readOnlyNote(r, inc)},
		Inc:     inc,
		IncPath: incidentPath(inc.ID),
		Part:    newAnalysisPart(rep, an, trace, can),
		Focus:   r.URL.Query().Get("add"),
		Kinds:   kindInfos,
		CanEdit: can,
	}
	p.Part.OnEditor = true
	if !slices.ContainsFunc(kindInfos, func(k kindInfo) bool { return k.Kind == p.Focus }) {
		p.Focus = ""
	}
	p.Components = refOptions(an, debrief.KindComponent, "", "—")
	p.Controls = refOptions(an, debrief.KindControl, "", "Which control")
	p.Controllers = refOptions(an, debrief.KindComponent, "", "Controller")
	p.Processes = refOptions(an, debrief.KindComponent, "", "Controlled")
	p.Whys = refOptions(an, debrief.KindWhy, "", "New question") // short enough for its select
	p.Categories = options(an.Categories, "")
	p.Scopes = options([]string{debrief.ScopeSystem, debrief.ScopeEnvironment}, debrief.ScopeSystem)
	for i, a := range rep.Actions {
		p.Actions = append(p.Actions, actionAddresses{Number: i + 1, Title: a.Title, Addresses: strings.Join(a.Addresses, ", "),
			URL: incidentPath(inc.ID) + "/actions/" + itoa(a.ID) + "/addresses", Anchor: "addr-" + itoa(a.ID)})
	}
	return p
}

func (h *Handler) showAnalysis(w http.ResponseWriter, r *http.Request) error {
	return h.renderAnalysis(w, r, http.StatusOK, nil)
}

// renderAnalysis loads the analysis page afresh and renders it with status;
// set, when given, fills in what a refused form needs shown again.
func (h *Handler) renderAnalysis(w http.ResponseWriter, r *http.Request, status int, set func(*analysisPage)) error {
	rep, an, trace, err := h.loadAnalysis(r)
	if err != nil {
		return err
	}
	p := h.newAnalysisPage(r, rep, an, trace)
	if set != nil {
		set(p)
	}
	h.render(w, r, status, "analysis", p)
	return nil
}

// createAnalysisItem is every add form: the kind comes with the form.
func (h *Handler) createAnalysisItem(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	f := readItemForm(r)
	it := &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.AnalysisKind(f.Kind), Title: f.Title,
		Scope: f.Scope, Controller: f.Controller, Process: f.Process, Action: f.Action, Feedback: f.Feedback,
		Control: f.Control, Saw: f.Saw, Reason: f.Reason, Category: f.Category, Parent: f.Parent}
	err = h.svc.CreateAnalysisItem(r.Context(), it)
	if err == nil {
		// Back to the same form, focused, for the next one. No #fragment:
		// a page opened at a fragment ignores autofocus, and the focused
		// input is scrolled into view anyway.
		http.Redirect(w, r, incidentPath(inc.ID)+"/analysis?add="+f.Kind, http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, itemLabels) {
		return err
	}
	return h.renderAnalysis(w, r, httperr.Status(err), func(p *analysisPage) {
		p.Adding, p.Form, p.Errors, p.Focus = f.Kind, f, errs, f.Kind
	})
}

// setAddresses is the one-line form beside each action item: the refs it
// addresses, comma separated.
func (h *Handler) setAddresses(w http.ResponseWriter, r *http.Request) error {
	inc, a, err := h.action(r)
	if err != nil {
		return err
	}
	refs := strings.FieldsFunc(r.PostFormValue("addresses"), func(c rune) bool { return c == ',' || c == ' ' || c == ';' })
	_, err = h.svc.SetActionAddresses(r.Context(), inc.ID, a.ID, refs)
	if err == nil {
		http.Redirect(w, r, incidentPath(inc.ID)+"/analysis#addr-"+itoa(a.ID), http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, itemLabels) {
		return err
	}
	return h.renderAnalysis(w, r, httperr.Status(err), func(p *analysisPage) {
		p.Adding, p.Errors = "addresses", errs
		for i := range p.Actions {
			if p.Actions[i].Anchor == "addr-"+itoa(a.ID) {
				p.Actions[i].Addresses = r.PostFormValue("addresses")
			}
		}
	})
}

// itemPage is the full form of one item.
type itemPage struct {
	layout
	Inc        *debrief.Incident
	IncPath    string
	Ref        string
	Kind       kindInfo
	Form       itemForm
	Errors     formErrors
	Components []option
	Process    []option
	Controls   []option
	Whys       []option
	Categories []option
	Scopes     []option
	Catalog    []option
	Flaws      []option
	Events     []eventChoice
	Addressed  []actionLink
	Action     string
	DeleteURL  string
	Back       string
	Current    *itemForm
}

type eventChoice struct {
	ID    int64
	Label string
}

func (h *Handler) newItemPage(r *http.Request, rep *debrief.Report, an *debrief.Analysis, it *debrief.AnalysisItem, f itemForm) *itemPage {
	inc := rep.Incident
	base := incidentPath(inc.ID) + "/analysis"
	p := &itemPage{
		layout:    layout{Title: it.Ref + " · " + inc.Title, Nav: "incidents", ReadOnly: readOnlyNote(r, inc)},
		Inc:       inc,
		IncPath:   incidentPath(inc.ID),
		Ref:       it.Ref,
		Kind:      kindInfoOf(it.Kind),
		Form:      f,
		Action:    base + "/items/" + it.Ref + "/edit",
		DeleteURL: base + "/items/" + it.Ref + "/delete",
		Back:      base + "#" + itemAnchor(it.Ref),
	}
	p.Components = refOptions(an, debrief.KindComponent, f.Controller, "—")
	p.Process = refOptions(an, debrief.KindComponent, f.Process, "—")
	p.Controls = refOptions(an, debrief.KindControl, f.Control, "—")
	var whys []*debrief.AnalysisItem
	for _, w := range an.OfKind(debrief.KindWhy) {
		if w.Ref != it.Ref {
			whys = append(whys, w)
		}
	}
	p.Whys = refOptions(&debrief.Analysis{Items: whys}, debrief.KindWhy, f.Parent, "— (the question at the top)")
	cats := slices.Clone(an.Categories)
	if f.Category != "" && !slices.Contains(cats, f.Category) {
		cats = append(cats, f.Category)
	}
	p.Categories = options(cats, f.Category)
	p.Scopes = options([]string{debrief.ScopeSystem, debrief.ScopeEnvironment}, f.Scope)
	if it.Kind == debrief.KindControl {
		p.Catalog = []option{{Value: "0", Label: "— not in the catalogue", Selected: f.CatalogID == "" || f.CatalogID == "0"}}
		// Only members read the team's catalogue; anyone else gets none.
		if cs, err := h.svc.FindCatalogControls(r.Context(), inc.Team); err == nil {
			for _, c := range cs {
				p.Catalog = append(p.Catalog, option{Value: itoa(c.ID), Label: c.Name, Selected: f.CatalogID == itoa(c.ID)})
			}
		}
	}
	for _, fl := range debrief.Flaws {
		p.Flaws = append(p.Flaws, option{Value: fl, Label: render.Label(fl), Selected: f.HasFlaw(fl)})
	}
	for _, ev := range rep.Events {
		p.Events = append(p.Events, eventChoice{ID: ev.ID, Label: render.Time(ev.At, inc.Location()) + " — " + firstLine(ev.Text)})
	}
	for i, a := range rep.Actions {
		if slices.Contains(a.Addresses, it.Ref) {
			p.Addressed = append(p.Addressed, actionLink{ID: a.ID, Number: i + 1, Title: a.Title, Anchor: "action-" + itoa(a.ID)})
		}
	}
	return p
}

func (h *Handler) analysisItem(r *http.Request) (*debrief.Report, *debrief.Analysis, *debrief.AnalysisItem, error) {
	rep, an, _, err := h.loadAnalysis(r)
	if err != nil {
		return nil, nil, nil, err
	}
	it := an.Item(strings.ToUpper(r.PathValue("ref")))
	if it == nil {
		return nil, nil, nil, debrief.Errorf(debrief.ENOTFOUND, "There is no analysis item %s in this incident.", r.PathValue("ref"))
	}
	return rep, an, it, nil
}

func (h *Handler) editAnalysisItem(w http.ResponseWriter, r *http.Request) error {
	rep, an, it, err := h.analysisItem(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "analysis_item", h.newItemPage(r, rep, an, it, itemFormOf(it)))
	return nil
}

func (h *Handler) updateAnalysisItem(w http.ResponseWriter, r *http.Request) error {
	rep, an, it, err := h.analysisItem(r)
	if err != nil {
		return err
	}
	f := readItemForm(r)
	f.Kind = string(it.Kind)
	upd := debrief.AnalysisItemUpdate{Title: &f.Title, Description: &f.Description, NoAction: &f.NoAction, Version: f.Version}
	switch it.Kind {
	case debrief.KindComponent:
		upd.Scope = &f.Scope
	case debrief.KindControl, debrief.KindMissing:
		upd.Controller, upd.Process, upd.Action, upd.Feedback, upd.How = &f.Controller, &f.Process, &f.Action, &f.Feedback, &f.How
		if it.Kind == debrief.KindControl {
			if id, err := strconv.ParseInt(f.CatalogID, 10, 64); err == nil {
				upd.CatalogID = &id
			}
		}
	case debrief.KindFailure:
		upd.Control, upd.Saw, upd.Reason = &f.Control, &f.Saw, &f.Reason
		flaws := append([]string{}, f.Flaws...)
		upd.Flaws = &flaws
		var ev []int64
		for _, s := range f.Evidence {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				ev = append(ev, id)
			}
		}
		upd.Evidence = &ev
	case debrief.KindFactor:
		upd.Category = &f.Category
	case debrief.KindWhy:
		upd.Parent = &f.Parent
	}
	_, err = h.svc.UpdateAnalysisItem(r.Context(), rep.Incident.ID, it.Ref, upd)
	if err == nil {
		http.Redirect(w, r, incidentPath(rep.Incident.ID)+"/analysis#"+itemAnchor(it.Ref), http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, itemLabels) {
		return err
	}
	p := h.newItemPage(r, rep, an, it, f)
	p.Errors = errs
	if errs.Conflict {
		cur := itemFormOf(it)
		p.Current = &cur
		p.Form.Version = it.Version
	}
	h.render(w, r, httperr.Status(err), "analysis_item", p)
	return nil
}

// deleteAnalysisItem deletes an item; while action items address it the
// form must say so (the "unlink" box), and otherwise the page explains.
func (h *Handler) deleteAnalysisItem(w http.ResponseWriter, r *http.Request) error {
	rep, an, it, err := h.analysisItem(r)
	if err != nil {
		return err
	}
	err = h.svc.DeleteAnalysisItem(r.Context(), rep.Incident.ID, it.Ref, r.PostFormValue("unlink") == "1")
	if err == nil {
		http.Redirect(w, r, incidentPath(rep.Incident.ID)+"/analysis", http.StatusSeeOther)
		return nil
	}
	if debrief.ErrorCode(err) != debrief.ECONFLICT {
		return err
	}
	p := h.newItemPage(r, rep, an, it, itemFormOf(it))
	p.Errors.General = append(p.Errors.General, debrief.ErrorMessage(err))
	h.render(w, r, http.StatusConflict, "analysis_item", p)
	return nil
}
