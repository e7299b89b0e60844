package web

import (
	"bytes"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render/timeline"
)

// evidencePage is where the writer curates the timeline into the story:
// the picture, the proposed milestones, the filters, a row of controls
// per event (star, hide, tag), a quick note, and the sign-off.
type evidencePage struct {
	layout
	Inc       *debrief.Incident
	Path      string
	Zone      string
	Can       perms
	Lanes     string // "source" or "person"
	SVGURL    string
	Confirmed *debrief.TimelineState
	Confirmer string
	Proposals []proposalView
	Durations []durationLine
	Filter    evidenceFilter
	Rows      []evidenceRow
	Total     int
	Shown     int
	Notice    string
	Kinds     []option
	Sources   []option
	People    []option
	Tags      []option
	TagNames  []option
}

type evidenceFilter struct {
	Kind, Source, Person, Tag string
	KeyOnly, Hidden           bool
	Any                       bool
}

type proposalView struct {
	Name, Label, At, Current, Reason string
	Same                             bool
	EventAnchor                      string
}

type durationLine struct{ Name, Value string }

type evidenceRow struct {
	ID                  int64
	Version             int64
	At                  timeView
	Text                string
	Kind, KindLabel     string
	Source, Author, URL string
	Tag, TagLabel       string
	Starred, Hidden     bool
	Refs                []debrief.EventRef
	Anchor              string
	TagOptions          []option
}

// tagLabels name the tags as the page shows them.
var tagLabels = map[string]string{
	debrief.TagDetection: "Detection", debrief.TagDiagnosis: "Diagnosis", debrief.TagRepair: "Repair",
	debrief.TagCommunication: "Communication", debrief.TagDecision: "Decision", debrief.TagKeyMoment: "Key moment",
}

func tagOptions(selected string, none string) []option {
	out := []option{{Value: "", Label: none, Selected: selected == ""}}
	for _, t := range debrief.EventTags {
		out = append(out, option{Value: t, Label: tagLabels[t], Selected: t == selected})
	}
	return out
}

func valueOptions(values []string, selected, none string) []option {
	out := []option{{Value: "", Label: none, Selected: selected == ""}}
	for _, v := range values {
		out = append(out, option{Value: v, Label: v, Selected: v == selected})
	}
	return out
}

// allEvents reads an incident's timeline whole, page by page (the service
// pages at 1,000), up to max events.
func (h *Handler) allEvents(r *http.Request, f debrief.EventFilter, max int) ([]*debrief.Event, int, error) {
	var out []*debrief.Event
	f.Limit = 1000
	for {
		evs, total, err := h.svc.FindEvents(r.Context(), f)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, evs...)
		f.Offset += len(evs)
		if len(evs) == 0 || f.Offset >= total || len(out) >= max {
			return out, total, nil
		}
	}
}

func (h *Handler) showEvidence(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	loc := zone(inc.TimeZone)
	p := &evidencePage{
		layout: layout{Title: "Timeline evidence · " + inc.Title, Nav: "incidents"},
		Inc:    inc, Path: incidentPath(inc.ID), Can: permsOn(r, inc.Team),
		Zone:  zoneLabel(inc.TimeZone, incidentTime(inc, time.Now())),
		Lanes: "source",
	}
	if q.Get("lanes") == "person" {
		p.Lanes = "person"
	}
	p.SVGURL = p.Path + "/timeline.svg?lanes=" + p.Lanes
	if n := q.Get("imported"); n != "" {
		p.Notice = "Imported: " + n + "."
	}

	// Every event, for the filters' choices, the proposals and the counts.
	all, _, err := h.allEvents(r, debrief.EventFilter{IncidentID: inc.ID, IncludeHidden: true}, 20000)
	if err != nil {
		return err
	}
	var sources, people []string
	for _, ev := range all {
		if !slices.Contains(sources, ev.Source) {
			sources = append(sources, ev.Source)
		}
		if ev.Author != "" && !slices.Contains(people, ev.Author) {
			people = append(people, ev.Author)
		}
	}
	sort.Strings(sources)
	sort.Strings(people)

	f := evidenceFilter{
		Kind: q.Get("kind"), Source: q.Get("source"), Person: q.Get("person"), Tag: q.Get("tag"),
		KeyOnly: q.Get("key") != "", Hidden: q.Get("hidden") != "",
	}
	if !slices.Contains(debrief.EventKinds, f.Kind) {
		f.Kind = ""
	}
	if f.Tag != "" && !slices.Contains(debrief.EventTags, f.Tag) && f.Tag != "none" {
		f.Tag = ""
	}
	f.Any = f.Kind != "" || f.Source != "" || f.Person != "" || f.Tag != "" || f.KeyOnly || f.Hidden
	p.Filter = f
	p.Kinds = options(append([]string{""}, debrief.EventKinds...), f.Kind)
	p.Kinds[0].Label = "Any kind"
	p.Sources = valueOptions(sources, f.Source, "Any source")
	p.People = valueOptions(people, f.Person, "Anyone")
	p.Tags = append(tagOptions(f.Tag, "Any tag"), option{Value: "none", Label: "Untagged", Selected: f.Tag == "none"})
	p.TagNames = tagOptions("", "No tag")

	for _, ev := range all {
		switch {
		case !f.Hidden && ev.Hidden,
			f.Kind != "" && ev.Kind != f.Kind,
			f.Source != "" && ev.Source != f.Source,
			f.Person != "" && ev.Author != f.Person,
			f.Tag == "none" && ev.Tag != "",
			f.Tag != "" && f.Tag != "none" && ev.Tag != f.Tag,
			f.KeyOnly && !ev.Starred:
			continue
		}
		p.Total++
		if len(p.Rows) >= 1000 {
			continue
		}
		p.Rows = append(p.Rows, evidenceRow{
			ID: ev.ID, Version: ev.Version, At: newTimeView(ev.At, loc), Text: ev.Text,
			Kind: ev.Kind, KindLabel: labelOf(ev.Kind), Source: ev.Source, Author: ev.Author, URL: ev.URL,
			Tag: ev.Tag, TagLabel: tagLabels[ev.Tag], Starred: ev.Starred, Hidden: ev.Hidden, Refs: ev.Refs,
			Anchor: "ev-" + itoa(ev.ID), TagOptions: tagOptions(ev.Tag, "No tag"),
		})
	}
	p.Shown = len(p.Rows)

	if p.Confirmed, err = h.svc.FindTimelineState(r.Context(), inc.ID); err != nil {
		return err
	}
	props, err := h.svc.ProposeMilestones(r.Context(), inc.ID)
	if err != nil {
		return err
	}
	for _, pr := range props {
		v := proposalView{Name: pr.Name, Label: labelOf(pr.Name), At: newTimeView(pr.At, loc).Date + " " + newTimeView(pr.At, loc).Clock,
			Reason: pr.Reason, EventAnchor: "ev-" + itoa(pr.EventID)}
		if pr.Current != nil {
			c := newTimeView(*pr.Current, loc)
			v.Current = c.Date + " " + c.Clock
			v.Same = pr.Current.Equal(pr.At)
		}
		p.Proposals = append(p.Proposals, v)
	}
	for _, d := range inc.Milestones.Durations() {
		if d.Known {
			p.Durations = append(p.Durations, durationLine{Name: d.Name, Value: shortDuration(d.Value)})
		}
	}
	h.render(w, r, http.StatusOK, "evidence", p)
	return nil
}

func shortDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return d.String()
	case d < time.Hour:
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	}
	return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
}

// curateEvent stars, hides or tags one event: the row's buttons name the
// change ("op") and carry the event's version.
func (h *Handler) curateEvent(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	id := formID(r.PostFormValue("event"))
	upd := debrief.EventUpdate{Version: formVersion(r.PostFormValue("version"))}
	yes, no := true, false
	switch r.PostFormValue("op") {
	case "star":
		upd.Starred = &yes
	case "unstar":
		upd.Starred = &no
	case "hide":
		upd.Hidden = &yes
	case "show":
		upd.Hidden = &no
	case "tag":
		tag := r.PostFormValue("tag")
		upd.Tag = &tag
	default:
		return debrief.FieldError("op", "must be star, unstar, hide, show or tag.")
	}
	if _, err := h.svc.UpdateEvent(r.Context(), inc.ID, id, upd); err != nil {
		return err
	}
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, incidentPath(inc.ID)+"/evidence") {
		back = incidentPath(inc.ID) + "/evidence"
	}
	http.Redirect(w, r, back+"#ev-"+itoa(id), http.StatusSeeOther)
	return nil
}

// addNote is the quick-add box: a note, now, by the signed-in user.
func (h *Handler) addNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ev, err := h.svc.AddNote(r.Context(), id, r.PostFormValue("text"))
	if err != nil {
		return err
	}
	back := incidentPath(id) + "/evidence#ev-" + itoa(ev.ID)
	if r.PostFormValue("back") == "incident" {
		back = incidentPath(id) + "#event-" + itoa(ev.ID)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func (h *Handler) confirmTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.svc.ConfirmTimeline(r.Context(), id, r.PostFormValue("confirmed") == "1"); err != nil {
		return err
	}
	http.Redirect(w, r, incidentPath(id)+"/evidence#confirm", http.StatusSeeOther)
	return nil
}

func (h *Handler) acceptMilestones(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	names := r.PostForm["name"]
	if _, err := h.svc.AcceptMilestones(r.Context(), inc.ID, names, formVersion(r.PostFormValue("version"))); err != nil {
		return err
	}
	http.Redirect(w, r, incidentPath(inc.ID)+"/evidence#milestones", http.StatusSeeOther)
	return nil
}

// timelineSVG serves the timeline's picture: lanes by source, or by person
// with ?lanes=person. Hidden events are left out, as in the write-up.
func (h *Handler) timelineSVG(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	evs, _, err := h.allEvents(r, debrief.EventFilter{IncidentID: inc.ID}, 5000)
	if err != nil {
		return err
	}
	byPerson := r.URL.Query().Get("lanes") == "person"
	var marks []timeline.Event
	for _, ev := range evs {
		lane := ev.Source
		if byPerson {
			lane = ev.Author
		}
		marks = append(marks, timeline.Event{At: ev.At, Lane: lane, Text: ev.Text, Kind: ev.Kind, Starred: ev.Starred})
	}
	var ms []timeline.Milestone
	for _, name := range debrief.MilestoneNames {
		if t := inc.Milestones.Get(name); t != nil {
			ms = append(ms, timeline.Milestone{Name: name, At: *t})
		}
	}
	o := timeline.Options{Title: inc.Title, Zone: zone(inc.TimeZone), LaneTitle: "Source"}
	if byPerson {
		o.LaneTitle = "Person"
	}
	var b bytes.Buffer
	if err := timeline.Render(&b, marks, ms, o); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-cache")
	_, err = w.Write(b.Bytes())
	return err
}
