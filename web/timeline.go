package web

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/httperr"
)

// timelineView is the timeline as the incident page shows it: events in
// time order (as the store returns them), grouped by day in the incident's
// zone so that it reads like a story.
type timelineView struct {
	Days []dayView
	// Count is the number of events shown; Hidden the number of hidden
	// events, shown only when ShowHidden is set.
	Count      int
	Hidden     int
	Starred    int
	ShowHidden bool
	// AddForm holds the defaults of the form at the end of the timeline.
	AddForm eventForm
	Kinds   []option
}

// dayView is one day of the timeline. Its heading names the zone and the
// offset; a row shows its own offset only when it differs (a DST change).
type dayView struct {
	Date   string
	Zone   string
	Events []eventView
	// Rows is Events rendered by the "event-row" template (see
	// renderRows); it is html/template's own escaped output.
	Rows template.HTML
}

// eventView is one event with everything the row shows computed once.
type eventView struct {
	ID int64
	// Class holds every class of the row, so the row needs one action.
	Class               string
	At                  timeView
	OwnOffset           bool
	HasMeta             bool
	Text                string
	Kind, KindLabel     string
	Source, Author, URL string
	Starred, Hidden     bool
	Anchor              string
	EditURL             string
	// Editable rows show the edit and delete controls.
	Editable bool
}

func newEventView(ev *debrief.Event, loc *time.Location, base string) eventView {
	id := itoa(ev.ID)
	ew := eventView{
		ID:        ev.ID,
		At:        newTimeView(ev.At, loc),
		Text:      ev.Text,
		Kind:      ev.Kind,
		KindLabel: render.Label(ev.Kind),
		Source:    ev.Source,
		Author:    ev.Author,
		URL:       ev.URL,
		Starred:   ev.Starred,
		Hidden:    ev.Hidden,
		Anchor:    "event-" + id,
		EditURL:   base + id + "/edit",
	}
	if ew.Source == "manual" {
		ew.Source = "" // the default says nothing worth a label on every row
	}
	ew.HasMeta = ew.Author != "" || ew.Source != "" || ew.URL != ""
	ew.Class = "tl-event k-" + ev.Kind
	if ev.Starred {
		ew.Class += " is-starred"
	}
	if ev.Hidden {
		ew.Class += " is-hidden"
	}
	return ew
}

// setEditable shows or hides every row's controls.
func (v *timelineView) setEditable(on bool) {
	for i := range v.Days {
		for j := range v.Days[i].Events {
			v.Days[i].Events[j].Editable = on
		}
	}
}

// eventSources are suggested in the source field; any text is accepted.
var eventSources = []string{"manual", "slack", "teams", "zulip", "pagerduty", "opsgenie", "alertmanager", "datadog", "grafana", "github", "gitlab", "jira", "statuspage", "email", "zoom"}

func newTimelineView(inc *debrief.Incident, events []*debrief.Event, loc *time.Location, showHidden bool) timelineView {
	v := timelineView{ShowHidden: showHidden, Kinds: options(debrief.EventKinds, debrief.EventNote)}
	base := incidentPath(inc.ID) + "/events/"
	var day *dayView
	var last *debrief.Event
	for _, ev := range events {
		if ev.Hidden {
			v.Hidden++
			if !showHidden {
				continue
			}
		}
		if ev.Starred {
			v.Starred++
		}
		ew := newEventView(ev, loc, base)
		if day == nil || day.Date != ew.At.Date {
			v.Days = append(v.Days, dayView{Date: ew.At.Date, Zone: ew.At.Zone})
			day = &v.Days[len(v.Days)-1]
		}
		ew.OwnOffset = ew.At.Zone != day.Zone
		day.Events = append(day.Events, ew)
		v.Count++
		last = ev
	}
	// New events usually follow the last one: start the form there.
	v.AddForm = eventForm{Kind: debrief.EventNote, Source: "manual"}
	if last != nil {
		v.AddForm.At = localValue(&last.At, loc)
	} else if t := inc.Milestones.Started; t != nil {
		v.AddForm.At = localValue(t, loc)
	}
	return v
}

// eventForm is the event form's input, as typed.
type eventForm struct {
	At, Text, Kind, Source, Author, URL string
	Starred, Hidden                     bool
	Version                             int64
}

var eventLabels = map[string]string{
	"at": "Time", "text": "What happened", "kind": "Kind", "source": "Source",
	"author": "Author", "url": "Link",
}

func readEventForm(r *http.Request) eventForm {
	return eventForm{
		At:      r.PostFormValue("at"),
		Text:    r.PostFormValue("text"),
		Kind:    r.PostFormValue("kind"),
		Source:  strings.TrimSpace(r.PostFormValue("source")),
		Author:  strings.TrimSpace(r.PostFormValue("author")),
		URL:     strings.TrimSpace(r.PostFormValue("url")),
		Starred: r.PostFormValue("starred") != "",
		Hidden:  r.PostFormValue("hidden") != "",
		Version: formVersion(r.PostFormValue("version")),
	}
}

// eventPage adds or edits one event.
type eventPage struct {
	layout
	Inc       *debrief.Incident
	IncPath   string
	Zone      string
	Form      eventForm
	Errors    formErrors
	Kinds     []option
	Sources   []string
	Action    string
	EventID   int64
	DeleteURL string
	// Current is the stored event, shown when someone else saved first.
	Current *eventView
}

func (h *Handler) newEventPage(r *http.Request, inc *debrief.Incident, f eventForm, eventID int64) *eventPage {
	p := &eventPage{
		layout:  layout{Title: "Add an event · " + inc.Title, Nav: "incidents", ReadOnly: readOnlyNote(r, inc)},
		Inc:     inc,
		IncPath: incidentPath(inc.ID),
		Zone:    zoneLabel(inc.TimeZone, incidentTime(inc, time.Now())),
		Form:    f,
		Kinds:   options(debrief.EventKinds, f.Kind),
		Sources: eventSources,
		Action:  incidentPath(inc.ID) + "/events",
		EventID: eventID,
	}
	if eventID != 0 {
		p.Title = "Edit event · " + inc.Title
		p.Action = incidentPath(inc.ID) + "/events/" + itoa(eventID) + "/edit"
		p.DeleteURL = incidentPath(inc.ID) + "/events/delete"
	}
	return p
}

// newEvent shows the add-event form on its own page (the incident page has
// one at the end of the timeline too).
func (h *Handler) newEvent(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	f := eventForm{Kind: debrief.EventNote, Source: "manual", At: localValue(inc.Milestones.Started, zone(inc.TimeZone))}
	h.render(w, r, http.StatusOK, "event", h.newEventPage(r, inc, f, 0))
	return nil
}

func (h *Handler) createEvent(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	f := readEventForm(r)
	ev := &debrief.Event{
		IncidentID: inc.ID, Text: f.Text, Kind: f.Kind, Source: f.Source,
		Author: f.Author, URL: f.URL, Starred: f.Starred, Hidden: f.Hidden,
	}
	var errs formErrors
	status := http.StatusBadRequest
	if at := readTime(&errs, "at", f.At, zone(inc.TimeZone), true); at != nil {
		ev.At = *at
	}
	if !errs.Any() {
		err := h.svc.CreateEvent(r.Context(), ev)
		if err == nil {
			http.Redirect(w, r, incidentPath(inc.ID)+"#event-"+itoa(ev.ID), http.StatusSeeOther)
			return nil
		}
		if !errs.fromApp(err, eventLabels) {
			return err
		}
		status = httperr.Status(err)
	}
	p := h.newEventPage(r, inc, f, 0)
	p.Errors = errs
	h.render(w, r, status, "event", p)
	return nil
}

func (h *Handler) editEvent(w http.ResponseWriter, r *http.Request) error {
	inc, ev, err := h.event(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "event", h.newEventPage(r, inc, eventFormOf(ev, inc), ev.ID))
	return nil
}

func eventFormOf(ev *debrief.Event, inc *debrief.Incident) eventForm {
	return eventForm{
		At: localValue(&ev.At, zone(inc.TimeZone)), Text: ev.Text, Kind: ev.Kind,
		Source: ev.Source, Author: ev.Author, URL: ev.URL,
		Starred: ev.Starred, Hidden: ev.Hidden, Version: ev.Version,
	}
}

func (h *Handler) updateEvent(w http.ResponseWriter, r *http.Request) error {
	inc, ev, err := h.event(r)
	if err != nil {
		return err
	}
	f := readEventForm(r)
	loc := zone(inc.TimeZone)
	upd := debrief.EventUpdate{
		Text: &f.Text, Kind: &f.Kind, Source: &f.Source, Author: &f.Author, URL: &f.URL,
		Starred: &f.Starred, Hidden: &f.Hidden, Version: f.Version,
	}
	var errs formErrors
	status := http.StatusBadRequest
	if at := readTime(&errs, "at", f.At, loc, true); at != nil {
		upd.At = keepPrecise(&ev.At, at, loc)
	}
	if !errs.Any() {
		_, err := h.svc.UpdateEvent(r.Context(), inc.ID, ev.ID, upd)
		if err == nil {
			http.Redirect(w, r, incidentPath(inc.ID)+"#event-"+itoa(ev.ID), http.StatusSeeOther)
			return nil
		}
		if !errs.fromApp(err, eventLabels) {
			return err
		}
		status = httperr.Status(err)
	}
	p := h.newEventPage(r, inc, f, ev.ID)
	p.Errors = errs
	if errs.Conflict {
		// Show what the other person saved, and take their version so
		// that saving again (deliberately) replaces it.
		cur := newEventView(ev, loc, incidentPath(inc.ID)+"/events/")
		p.Current = &cur
		p.Form.Version = ev.Version
	}
	h.render(w, r, status, "event", p)
	return nil
}

// deleteEvent removes the event named by the form's "event" field: the
// timeline's rows share one form, so each row costs one button.
func (h *Handler) deleteEvent(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	ev, err := h.svc.FindEventByID(r.Context(), inc.ID, formID(r.PostFormValue("event")))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteEvent(r.Context(), inc.ID, ev.ID); err != nil {
		return err
	}
	http.Redirect(w, r, incidentPath(inc.ID)+"#timeline", http.StatusSeeOther)
	return nil
}

// event loads the incident and the event a request names.
func (h *Handler) event(r *http.Request) (*debrief.Incident, *debrief.Event, error) {
	inc, err := h.incident(r)
	if err != nil {
		return nil, nil, err
	}
	eid, err := pathID(r, "eid")
	if err != nil {
		return nil, nil, err
	}
	ev, err := h.svc.FindEventByID(r.Context(), inc.ID, eid)
	if err != nil {
		return nil, nil, err
	}
	return inc, ev, nil
}

// readTime parses a datetime-local field in loc, recording a field error
// when it is malformed (or missing and required).
func readTime(errs *formErrors, field, v string, loc *time.Location, required bool) *time.Time {
	t, ok := parseLocal(v, loc)
	label := eventLabels[field]
	if label == "" {
		label = labelOf(strings.TrimPrefix(field, "milestones."))
	}
	switch {
	case !ok:
		errs.add(field, label+" must be a date and time, such as 2024-05-01T14:03:00.")
	case t == nil && required:
		errs.add(field, label+" is required.")
	}
	return t
}
