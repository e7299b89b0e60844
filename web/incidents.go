package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/httperr"
)

// incidentForm is the incident form's input, as typed.
type incidentForm struct {
	Title, Severity, Status, Services, Team, TimeZone string
	CommanderID                                       string
	// Type is the kind of incident, matched by the template rules.
	Type string
	// Visibility is "" for the team's default (new incidents only).
	Visibility string
	// Template shapes a new incident's write-up.
	Template string
	// Milestones holds datetime-local values by milestone name, in
	// InputZone: the zone the form showed them in.
	Milestones map[string]string
	InputZone  string
	Responders []responderRow
	Version    int64
}

type responderRow struct {
	PersonID, Role string
}

var incidentLabels = map[string]string{
	"title": "Title", "severity": "Severity", "status": "Status", "services": "Services",
	"team": "Team", "visibility": "Who can see it", "template": "Template", "type": "Type", "time_zone": "Time zone", "commander_id": "Incident commander",
	"responders":         "Responders",
	"milestones.started": "Started", "milestones.detected": "Detected",
	"milestones.acknowledged": "Acknowledged", "milestones.declared": "Declared",
	"milestones.mitigated": "Mitigated", "milestones.resolved": "Resolved",
}

func readIncidentForm(r *http.Request) incidentForm {
	f := incidentForm{
		Title:       r.PostFormValue("title"),
		Severity:    r.PostFormValue("severity"),
		Type:        strings.TrimSpace(r.PostFormValue("type")),
		Status:      r.PostFormValue("status"),
		Services:    r.PostFormValue("services"),
		Team:        strings.TrimSpace(r.PostFormValue("team")),
		Visibility:  r.PostFormValue("visibility"),
		Template:    r.PostFormValue("template"),
		TimeZone:    strings.TrimSpace(r.PostFormValue("time_zone")),
		CommanderID: r.PostFormValue("commander_id"),
		InputZone:   r.PostFormValue("input_zone"),
		Milestones:  map[string]string{},
		Version:     formVersion(r.PostFormValue("version")),
	}
	for _, name := range debrief.MilestoneNames {
		f.Milestones[name] = r.PostFormValue("milestones." + name)
	}
	people, roles := r.PostForm["responder_person"], r.PostForm["responder_role"]
	for i := range people {
		row := responderRow{PersonID: people[i]}
		if i < len(roles) {
			row.Role = roles[i]
		}
		f.Responders = append(f.Responders, row)
	}
	return f
}

func incidentFormOf(inc *debrief.Incident) incidentForm {
	loc := zone(inc.TimeZone)
	f := incidentForm{
		Title: inc.Title, Severity: inc.Severity, Type: inc.Type, Status: string(inc.Status),
		Services: strings.Join(inc.Services, ", "), Team: inc.Team, TimeZone: inc.TimeZone, Visibility: string(inc.Visibility),
		CommanderID: "0", Milestones: map[string]string{}, InputZone: inc.TimeZone, Version: inc.Version,
	}
	if inc.CommanderID != nil {
		f.CommanderID = itoa(*inc.CommanderID)
	}
	for _, name := range debrief.MilestoneNames {
		f.Milestones[name] = localValue(inc.Milestones.Get(name), loc)
	}
	for _, r := range inc.Responders {
		f.Responders = append(f.Responders, responderRow{PersonID: itoa(r.PersonID), Role: r.Role})
	}
	return f
}

// incidentFormPage creates (Inc nil) or edits an incident.
type incidentFormPage struct {
	layout
	Inc        *debrief.Incident
	Form       incidentForm
	Errors     formErrors
	Severities []option
	Statuses   []option
	Commanders []option
	Zones      []zoneOption
	// InputZone labels every time input: the zone its value is in, with
	// its offset now; InputZoneName is the zone's bare name.
	InputZone     string
	InputZoneName string
	Milestones    []milestoneInput
	Responders    []responderInput
	Action        string
	// Teams are those the user may open incidents for (and the
	// incident's own); Visibilities the choices of who sees a new one.
	Teams        []option
	Visibilities []option
	// Templates are the write-up shapes a new incident can start from.
	Templates []option
	// Visibility says who sees an existing incident.
	Visibility string
	// NoTeams is set when no team exists yet.
	NoTeams bool
}

type milestoneInput struct {
	Name, Field, Label, Value string
}

type responderInput struct {
	N      int    // 1-based, for labels
	Field  string // the role's field name, for its error
	People []option
	Role   string
}

// blankResponderRows are offered below the current responders; a form
// without script cannot add rows, and a save brings new blank ones.
const blankResponderRows = 2

func (h *Handler) newIncidentFormPage(r *http.Request, inc *debrief.Incident, f incidentForm) (*incidentFormPage, error) {
	ctx := r.Context()
	people, err := h.allPeople(ctx)
	if err != nil {
		return nil, err
	}
	teams, err := h.svc.FindTeams(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	p := &incidentFormPage{
		layout:     layout{Title: "New incident", Nav: "incidents"},
		Inc:        inc,
		Form:       f,
		Severities: options(h.svc.Severities(), f.Severity),
		Statuses:   options(debrief.IncidentStatuses, f.Status),
		Zones:      zoneOptions(now),
		InputZone:  zoneLabel(f.InputZone, now),
		Action:     "/incidents",
	}
	p.Teams = teamOptions(r, teams, f.Team)
	p.NoTeams = len(teams) == 0
	if inc == nil {
		// The rules choose unless the writer picks one; a team's own
		// templates are offered for that team (a pick for another team
		// is refused by the service, naming the field).
		p.Templates = []option{{Value: "", Label: "Chosen by the rules for its type and severity", Selected: f.Template == ""}}
		list, err := h.svc.AllTemplates(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range list {
			label := t.Title
			if t.Team != "" {
				label += " (team " + t.Team + ")"
			}
			p.Templates = append(p.Templates, option{Value: t.Name, Label: label, Selected: t.Name == f.Template})
		}
		// A new incident may take its team's default.
		p.Visibilities = append([]option{{Value: "", Label: "As the team chooses", Selected: f.Visibility == ""}}, visibilityOptions(f.Visibility)...)
		if f.Visibility == "" {
			p.Visibilities[1].Selected = false
		}
	} else {
		p.Visibilities = visibilityOptions(f.Visibility)
		p.Visibility = visibilityLabel(inc.Visibility)
	}
	p.InputZoneName = f.InputZone
	if p.InputZoneName == "" {
		p.InputZoneName = "UTC"
	}
	scale := h.svc.Severities()
	for i := range p.Severities {
		p.Severities[i].Class = severityClass(scale, p.Severities[i].Value)
	}
	var commander *int64
	if id, ok := optionalID(f.CommanderID); ok && id != 0 {
		commander = &id
	}
	p.Commanders = personOptions(people, commander, "Not chosen yet")
	for _, name := range debrief.MilestoneNames {
		p.Milestones = append(p.Milestones, milestoneInput{
			Name: name, Field: "milestones." + name, Label: render.Label(name), Value: f.Milestones[name],
		})
	}
	rows := f.Responders
	for range blankResponderRows {
		rows = append(rows, responderRow{})
	}
	for i, row := range rows {
		var sel *int64
		if id, ok := optionalID(row.PersonID); ok && id != 0 {
			sel = &id
		}
		p.Responders = append(p.Responders, responderInput{
			N: i + 1, Field: "responder_role." + strconv.Itoa(i), People: personOptions(people, sel, "—"), Role: row.Role,
		})
	}
	if inc != nil {
		p.ReadOnly = readOnlyNote(r, inc)
		p.Title = "Edit · " + inc.Title
		p.Action = incidentPath(inc.ID) + "/edit"
	}
	return p, nil
}

func (h *Handler) newIncident(w http.ResponseWriter, r *http.Request) error {
	scale := h.svc.Severities()
	f := incidentForm{Severity: scale[len(scale)-1], TimeZone: "UTC", InputZone: "UTC", CommanderID: "0", Milestones: map[string]string{}}
	p, err := h.newIncidentFormPage(r, nil, f)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "incident_form", p)
	return nil
}

func (h *Handler) createIncident(w http.ResponseWriter, r *http.Request) error {
	f := readIncidentForm(r)
	if f.TimeZone == "" {
		f.TimeZone = "UTC"
	}
	f.InputZone = f.TimeZone // a new incident's times are typed in its zone
	inc := &debrief.Incident{Title: f.Title, Severity: f.Severity, Type: f.Type, Services: splitList(f.Services), Team: f.Team, TimeZone: f.TimeZone, Visibility: debrief.Visibility(f.Visibility)}
	if id, ok := optionalID(f.CommanderID); ok && id != 0 {
		inc.CommanderID = &id
	}
	var errs formErrors
	status := http.StatusBadRequest
	if loc, ok := strictZone(f.TimeZone); !ok {
		errs.add("time_zone", "Time zone must be an IANA name such as UTC, Europe/Copenhagen or America/New_York.")
	} else {
		inc.Milestones.Started = readTime(&errs, "milestones.started", f.Milestones["started"], loc, false)
	}
	if !errs.Any() {
		err := h.svc.CreateIncident(r.Context(), inc, f.Template)
		if err == nil {
			http.Redirect(w, r, incidentPath(inc.ID), http.StatusSeeOther)
			return nil
		}
		if !errs.fromApp(err, incidentLabels) {
			return err
		}
		status = httperr.Status(err)
	}
	p, err := h.newIncidentFormPage(r, nil, f)
	if err != nil {
		return err
	}
	p.Errors = errs
	h.render(w, r, status, "incident_form", p)
	return nil
}

// teamOptions lists the teams a user may open incidents for, by name, with
// the current one selected (and kept even when the user may not choose it
// for a new incident, so that editing other fields keeps the team). A
// single team is chosen for the user.
func teamOptions(r *http.Request, teams []*debrief.Team, current string) []option {
	var out []option
	found := false
	for _, t := range teams {
		if t.Slug != current && !permsOn(r, t.Slug).Edit {
			continue
		}
		found = found || t.Slug == current
		out = append(out, option{Value: t.Slug, Label: t.Name, Selected: t.Slug == current})
	}
	if current != "" && !found {
		out = append(out, option{Value: current, Label: current, Selected: true})
	}
	if len(out) > 1 && current == "" {
		out = append([]option{{Value: "", Label: "Choose a team", Selected: true}}, out...)
	}
	return out
}

// incident loads the incident a request's {id} names.
func (h *Handler) incident(r *http.Request) (*debrief.Incident, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.svc.FindIncidentByID(r.Context(), id)
}

func (h *Handler) showIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.loadIncidentPage(r, id, pageState{showHidden: r.URL.Query().Get("hidden") == "1"})
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "incident", p)
	return nil
}

func (h *Handler) editIncident(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	p, err := h.newIncidentFormPage(r, inc, incidentFormOf(inc))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "incident_form", p)
	return nil
}

var responderFieldRE = regexp.MustCompile(`^responders\[(\d+)\]\.(role|person_id)$`)

func (h *Handler) updateIncident(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	f := readIncidentForm(r)
	if f.InputZone == "" {
		f.InputZone = inc.TimeZone
	}
	var errs formErrors
	upd := debrief.IncidentUpdate{
		Title: &f.Title, Severity: &f.Severity, Type: &f.Type, Team: &f.Team, TimeZone: &f.TimeZone, Version: f.Version,
	}
	if f.Visibility != "" {
		vis := debrief.Visibility(f.Visibility)
		upd.Visibility = &vis
	}
	status := debrief.IncidentStatus(f.Status)
	services := splitList(f.Services)
	upd.Status, upd.Services = &status, &services
	if id, ok := optionalID(f.CommanderID); ok {
		upd.CommanderID = &id
	}
	if _, ok := strictZone(f.TimeZone); !ok || f.TimeZone == "" {
		errs.add("time_zone", "Time zone must be an IANA name such as UTC, Europe/Copenhagen or America/New_York.")
	}
	// Milestones are read in the zone the form showed them in, so changing
	// the zone changes how times are shown, never when things happened.
	inLoc := zone(f.InputZone)
	ms := inc.Milestones
	for _, name := range debrief.MilestoneNames {
		t := readTime(&errs, "milestones."+name, f.Milestones[name], inLoc, false)
		ms.Set(name, keepPrecise(inc.Milestones.Get(name), t, inLoc))
	}
	upd.Milestones = &ms
	// Responders: rows without a person are blank; rowOf maps the app's
	// index back to the row on the form, for errors.
	responders := []debrief.Responder{}
	var rowOf []int
	for i, row := range f.Responders {
		id, _ := optionalID(row.PersonID)
		if id == 0 {
			if strings.TrimSpace(row.Role) != "" {
				errs.add("responder_role."+strconv.Itoa(i), "Choose the person who had this role, or clear the role.")
			}
			continue
		}
		responders = append(responders, debrief.Responder{PersonID: id, Role: strings.TrimSpace(row.Role)})
		rowOf = append(rowOf, i)
	}
	upd.Responders = &responders

	code := http.StatusBadRequest
	if !errs.Any() {
		_, err := h.svc.UpdateIncident(r.Context(), inc.ID, upd)
		if err == nil {
			http.Redirect(w, r, incidentPath(inc.ID), http.StatusSeeOther)
			return nil
		}
		if m := responderFieldRE.FindStringSubmatch(debrief.ErrorField(err)); m != nil {
			i, _ := strconv.Atoi(m[1])
			if i < len(rowOf) {
				label := "Role"
				if m[2] == "person_id" {
					label = "Person"
				}
				errs.add("responder_role."+strconv.Itoa(rowOf[i]), sentence(label, debrief.ErrorMessage(err)))
			}
		} else if !errs.fromApp(err, incidentLabels) {
			return err
		}
		code = httperr.Status(err)
	}
	p, err := h.newIncidentFormPage(r, inc, f)
	if err != nil {
		return err
	}
	p.Errors = errs
	if errs.Conflict {
		// Keep the user's input; the next save deliberately replaces the
		// other change, which the banner describes.
		p.Form.Version = inc.Version
	}
	h.render(w, r, code, "incident_form", p)
	return nil
}
