package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/render/diagram"
)

// The analysis: its part of the incident page (diagrams, items with their
// ids, what addresses them, what traceability finds missing) and its
// editor, a page of small forms made to be used from the keyboard: each
// add form is one line, Enter saves it, and the page comes back with the
// same form focused for the next item.

// analysisRoutes mounts the analysis pages; called from New.
func (h *Handler) analysisRoutes() {
	h.get("GET /incidents/{id}/analysis", h.showAnalysis)
	h.post("POST /incidents/{id}/analysis/items", h.createAnalysisItem)
	h.get("GET /incidents/{id}/analysis/items/{ref}/edit", h.editAnalysisItem)
	h.post("POST /incidents/{id}/analysis/items/{ref}/edit", h.updateAnalysisItem)
	h.post("POST /incidents/{id}/analysis/items/{ref}/delete", h.deleteAnalysisItem)
	h.post("POST /incidents/{id}/actions/{aid}/addresses", h.setAddresses)
	h.catalogRoutes()
}

// kindInfo describes a kind for the pages.
type kindInfo struct {
	Kind      string
	Heading   string
	Noun      string // "failure of a control"
	AccessKey string
}

var kindInfos = []kindInfo{
	{"component", "System boundary", "component", "b"},
	{"control", "Safety controls", "safety control", "c"},
	{"failure", "How safety controls failed", "failure", "f"},
	{"systemic", "Systemic problems", "systemic problem", "s"},
	{"missing", "Missing safety controls", "missing control", "m"},
	{"factor", "Contributing factors", "contributing factor", "x"},
	{"why", "Five whys", "why", "w"},
}

func kindInfoOf(k debrief.AnalysisKind) kindInfo {
	for _, ki := range kindInfos {
		if ki.Kind == string(k) {
			return ki
		}
	}
	return kindInfo{Kind: string(k), Heading: string(k), Noun: string(k)}
}

// analysisPart is the analysis as the incident page and the editor show it.
type analysisPart struct {
	Path       string // the editor page
	IncPath    string
	Empty      bool
	ControlSVG template.HTML
	FishSVG    template.HTML
	Groups     []itemGroup
	Untraced   []itemLink
	Unlinked   []actionLink
	CanEdit    bool
	// OnEditor is set on the editor page, which needs no link to itself.
	OnEditor bool
}

type itemGroup struct {
	kindInfo
	Items []itemView
}

// itemView is one item with what it names and what answers it.
type itemView struct {
	Ref, Anchor, Title, Description string
	Kind                            string
	// Lines are the item's fields as "label: value".
	Lines    []string
	Failures []itemLink // of a control
	Actions  []actionLink
	NoAction string
	Untraced bool
	Depth    int // of a why in its tree
	EditURL  string
}

type itemLink struct{ Ref, Anchor string }

type actionLink struct {
	ID     int64
	Number int
	Title  string
	Anchor string
}

func itemAnchor(ref string) string { return "item-" + ref }

// newAnalysisPart builds the view of rep's analysis.
func newAnalysisPart(rep *debrief.Report, an *debrief.Analysis, trace *debrief.Trace, canEdit bool) analysisPart {
	inc := rep.Incident
	p := analysisPart{Path: incidentPath(inc.ID) + "/analysis", IncPath: incidentPath(inc.ID), CanEdit: canEdit}
	if an == nil || len(an.Items) == 0 {
		p.Empty = true
		return p
	}
	actions := map[int64]actionLink{}
	for i, a := range rep.Actions {
		actions[a.ID] = actionLink{ID: a.ID, Number: i + 1, Title: a.Title, Anchor: "action-" + itoa(a.ID)}
	}
	events := map[int64]string{}
	for _, ev := range rep.Events {
		events[ev.ID] = render.Time(ev.At, inc.Location()) + " — " + firstLine(ev.Text)
	}
	untraced := map[string]bool{}
	if trace != nil {
		for _, ref := range trace.Untraced {
			untraced[ref] = true
			p.Untraced = append(p.Untraced, itemLink{ref, itemAnchor(ref)})
		}
		for _, id := range trace.UnlinkedActions {
			if a, ok := actions[id]; ok {
				p.Unlinked = append(p.Unlinked, a)
			}
		}
	}
	failures := map[string][]itemLink{}
	for _, f := range an.OfKind(debrief.KindFailure) {
		failures[f.Control] = append(failures[f.Control], itemLink{f.Ref, itemAnchor(f.Ref)})
	}
	name := func(ref string) string {
		if it := an.Item(ref); it != nil {
			return ref + " " + it.Title
		}
		return ref
	}
	for _, ki := range kindInfos {
		items := an.OfKind(debrief.AnalysisKind(ki.Kind))
		if len(items) == 0 {
			continue
		}
		if ki.Kind == string(debrief.KindWhy) {
			items = whyOrder(items)
		}
		g := itemGroup{kindInfo: ki}
		for _, it := range items {
			v := itemView{Ref: it.Ref, Anchor: itemAnchor(it.Ref), Title: it.Title, Description: it.Description,
				Kind: string(it.Kind), NoAction: it.NoAction, Untraced: untraced[it.Ref], Failures: failures[it.Ref],
				EditURL: p.Path + "/items/" + it.Ref + "/edit"}
			var vv []string
			add := func(label, val string) {
				if val = strings.TrimSpace(val); val != "" {
					if label != "" {
						val = label + ": " + val
					}
					vv = append(vv, val)
				}
			}
			switch it.Kind {
			case debrief.KindComponent:
				add("", render.Label(it.Scope))
			case debrief.KindControl, debrief.KindMissing:
				if it.Controller != "" || it.Process != "" {
					add("", name(it.Controller)+" → "+name(it.Process))
				}
				add("Control action", it.Action)
				add("Feedback", it.Feedback)
				add("How it works", it.How)
			case debrief.KindFailure:
				add("Control", name(it.Control))
				add("Saw", it.Saw)
				add("Why it did not act", it.Reason)
				var fl []string
				for _, f := range it.Flaws {
					fl = append(fl, render.Label(f))
				}
				add("Flaws", strings.Join(fl, ", "))
				for _, ev := range it.Evidence {
					add("Evidence", events[ev])
				}
			case debrief.KindFactor:
				add("Category", it.Category)
			case debrief.KindWhy:
				v.Depth = whyDepth(an, it)
			}
			v.Lines = vv
			for _, id := range it.ActionIDs {
				if a, ok := actions[id]; ok {
					v.Actions = append(v.Actions, a)
				}
			}
			g.Items = append(g.Items, v)
		}
		p.Groups = append(p.Groups, g)
	}
	if len(an.OfKind(debrief.KindComponent)) > 0 {
		p.ControlSVG = template.HTML(diagram.ControlStructure(an)) // built with every text XML-escaped
	}
	if len(an.OfKind(debrief.KindFactor)) > 0 {
		p.FishSVG = template.HTML(diagram.Fishbone(an, inc.Title))
	}
	return p
}

// whyOrder puts whys in tree order: each followed by the whys that answer
// it.
func whyOrder(whys []*debrief.AnalysisItem) []*debrief.AnalysisItem {
	var out []*debrief.AnalysisItem
	seen := map[string]bool{}
	var walk func(parent string)
	walk = func(parent string) {
		for _, w := range whys {
			if w.Parent == parent && !seen[w.Ref] {
				seen[w.Ref] = true
				out = append(out, w)
				walk(w.Ref)
			}
		}
	}
	walk("")
	for _, w := range whys { // anything not reached (never, but never lose one)
		if !seen[w.Ref] {
			out = append(out, w)
		}
	}
	return out
}

func whyDepth(an *debrief.Analysis, w *debrief.AnalysisItem) int {
	d := 0
	for cur := w.Parent; cur != "" && d < len(an.Items); d++ {
		p := an.Item(cur)
		if p == nil {
			break
		}
		cur = p.Parent
	}
	return d
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// AddressRefs lists the refs an action row links to.
func (a actionView) AddressRefs() []string { return strings.Fields(a.Addresses) }

// fillAnalysis puts the analysis part on the incident page.
func (h *Handler) fillAnalysis(r *http.Request, p *incidentPage, rep *debrief.Report) error {
	an := rep.Analysis
	var trace *debrief.Trace
	if an != nil {
		var err error
		if trace, err = h.svc.FindTrace(r.Context(), rep.Incident.ID); err != nil {
			return err
		}
	}
	p.Analysis = newAnalysisPart(rep, an, trace, p.Can.Edit)
	return nil
}
