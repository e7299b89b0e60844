package web

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/render"
	"github.com/debrief-oss/debrief/server/httperr"
)

// actionsView is the recommendations table with its follow-through counts:
// following up is the point of the whole process, so progress is shown
// where the actions are.
type actionsView struct {
	Rows []actionView
	// RowsHTML is Rows rendered by the "action-row" template (see
	// renderTables): html/template's own escaped output.
	RowsHTML template.HTML
	Total    int
	Done     int
	Dropped  int
	// Committed is the number not dropped: what Done is measured against.
	Committed  int
	Overdue    int
	AddForm    actionForm
	Owners     []option
	Priorities []option

	// Revisited are the dropped recommendations, each with why and who
	// decided: the retrospective says what was reconsidered.
	Revisited []actionView
	// Linked are recurring items of other incidents this one links.
	Linked []linkedView
}

// actionView is one row of the table.
type actionView struct {
	ID               int64
	Number           int
	Title            string
	Description      string
	DefinitionOfDone string
	// Owner is the owner's name; OwnerFull adds the handle.
	Owner, OwnerFull string
	Priority         string
	PriorityLabel    string
	Due, DueLabel    string
	Overdue          bool
	Status           string
	StatusLabel      string
	DropReason       string
	TicketURL        string
	Version          int64
	Anchor           string
	EditURL, MoveURL string
	// Editable rows show the edit, delete and status controls.
	Editable bool
	// Addresses are the refs of the analysis items it addresses, space
	// separated (a string keeps the row comparable for the row cache).
	Addresses string

	// Follow-through (followup.go).
	DroppedBy, TicketKey, SyncError string
	Verified, SyncPending           bool
}

func newActionsView(inc *debrief.Incident, actions []*debrief.Action, people []*debrief.Person, loc *time.Location, now time.Time) actionsView {
	v := actionsView{
		Total:      len(actions),
		AddForm:    actionForm{Priority: "medium", Status: string(debrief.ActionProposed)},
		Owners:     personOptions(people, nil, "No owner yet"),
		Priorities: options(debrief.Priorities, "medium"),
	}
	today := now.In(loc).Format(time.DateOnly)
	base := incidentPath(inc.ID) + "/actions/"
	for i, a := range actions {
		av := newActionView(a, base, today)
		av.Number = i + 1
		switch a.Status {
		case debrief.ActionDone:
			v.Done++
		case debrief.ActionDropped:
			v.Dropped++
			v.Revisited = append(v.Revisited, av)
		}
		if av.Overdue {
			v.Overdue++
		}
		v.Rows = append(v.Rows, av)
	}
	v.Committed = v.Total - v.Dropped
	return v
}

func newActionView(a *debrief.Action, base, today string) actionView {
	id := itoa(a.ID)
	av := actionView{
		ID:               a.ID,
		Title:            a.Title,
		Description:      a.Description,
		DefinitionOfDone: a.DefinitionOfDone,
		OwnerFull:        render.PersonName(a.Owner),
		Priority:         a.Priority,
		PriorityLabel:    render.Label(a.Priority),
		Due:              a.DueDate,
		DueLabel:         dateLabel(a.DueDate),
		Status:           string(a.Status),
		StatusLabel:      render.Label(string(a.Status)),
		DropReason:       a.DropReason,
		TicketURL:        a.TicketURL,
		Version:          a.Version,
		Anchor:           "action-" + id,
		EditURL:          base + id + "/edit",
		MoveURL:          base + id + "/status",
		Addresses:        strings.Join(a.Addresses, " "),
	}
	if a.Owner != nil {
		av.Owner = a.Owner.Name
	}
	followupView(&av, a)
	// Due dates are calendar dates, compared as text (YYYY-MM-DD sorts).
	av.Overdue = a.DueDate != "" && a.DueDate < today &&
		a.Status != debrief.ActionDone && a.Status != debrief.ActionDropped
	return av
}

// CSRF is the token of the row's status form: always empty, since rows
// are cached for every reader; renderTables fills it in per request.
func (actionView) CSRF() string { return "" }

// Moves lists the statuses the row's select offers. It is a method, not a
// field, so that actionView stays comparable and can key the row cache.
func (a actionView) Moves() []option {
	return actionMoves(debrief.ActionStatus(a.Status))
}

// actionMoves lists the statuses an item in status cur may be set to (with
// cur itself selected), so the select never offers a move app refuses.
func actionMoves(cur debrief.ActionStatus) []option {
	var out []option
	for _, s := range debrief.ActionStatuses {
		if app.CanMoveAction(cur, s) {
			out = append(out, option{Value: string(s), Label: render.Label(string(s)), Selected: s == cur})
		}
	}
	return out
}

// dateLabel shows a YYYY-MM-DD date as "3 Jun 2024".
func dateLabel(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 Jan 2006")
}

// actionForm is the action form's input, as typed.
type actionForm struct {
	Title, Description, DefinitionOfDone string
	OwnerID, Priority, DueDate           string
	Status, DropReason, TicketURL        string
	Version                              int64

	// Follow-through (action_followup.go).
	followupForm
}

var actionLabels = map[string]string{
	"title": "Title", "description": "Description", "definition_of_done": "Definition of done",
	"owner_id": "Owner", "priority": "Priority", "due_date": "Due date", "status": "Status",
	"drop_reason": "Reason for dropping", "ticket_url": "Ticket link",
	"dropped_by": "Decided by", "verified": "Verified effective", "verified_note": "How it was verified",
	"note": "Note", "tracker": "Tracker",
}

func readActionForm(r *http.Request) actionForm {
	f := actionForm{
		Title:            r.PostFormValue("title"),
		Description:      r.PostFormValue("description"),
		DefinitionOfDone: r.PostFormValue("definition_of_done"),
		OwnerID:          r.PostFormValue("owner_id"),
		Priority:         r.PostFormValue("priority"),
		DueDate:          strings.TrimSpace(r.PostFormValue("due_date")),
		Status:           r.PostFormValue("status"),
		DropReason:       r.PostFormValue("drop_reason"),
		TicketURL:        strings.TrimSpace(r.PostFormValue("ticket_url")),
		Version:          formVersion(r.PostFormValue("version")),
	}
	f.followupForm = readFollowupForm(r)
	return f
}

func actionFormOf(a *debrief.Action) actionForm {
	f := actionForm{
		Title: a.Title, Description: a.Description, DefinitionOfDone: a.DefinitionOfDone,
		OwnerID: "0", Priority: a.Priority, DueDate: a.DueDate, Status: string(a.Status),
		DropReason: a.DropReason, TicketURL: a.TicketURL, Version: a.Version,
	}
	if a.OwnerID != nil {
		f.OwnerID = itoa(*a.OwnerID)
	}
	f.followupForm = followupFormOf(a)
	return f
}

// actionPage adds or edits one action item.
type actionPage struct {
	layout
	Inc        *debrief.Incident
	IncPath    string
	Form       actionForm
	Errors     formErrors
	Owners     []option
	Priorities []option
	Statuses   []option
	Action     string
	ActionID   int64
	DeleteURL  string
	Current    *actionView

	// Follow-through (action_followup.go).
	Followup actionFollowup
}

func (h *Handler) newActionPage(r *http.Request, inc *debrief.Incident, f actionForm, a *debrief.Action) (*actionPage, error) {
	people, err := h.allPeople(r.Context())
	if err != nil {
		return nil, err
	}
	var owner *int64
	if id, ok := optionalID(f.OwnerID); ok && id != 0 {
		owner = &id
	}
	p := &actionPage{
		layout:     layout{Title: "Add an action item · " + inc.Title, Nav: "incidents", ReadOnly: readOnlyNote(r, inc)},
		Inc:        inc,
		IncPath:    incidentPath(inc.ID),
		Form:       f,
		Owners:     personOptions(people, owner, "No owner yet"),
		Priorities: options(debrief.Priorities, f.Priority),
		Statuses:   options(debrief.ActionStatuses, f.Status),
		Action:     incidentPath(inc.ID) + "/actions",
	}
	if a != nil {
		p.Title = "Edit action item · " + inc.Title
		p.ActionID = a.ID
		p.Action = incidentPath(inc.ID) + "/actions/" + itoa(a.ID) + "/edit"
		p.DeleteURL = incidentPath(inc.ID) + "/actions/delete"
		p.Statuses = actionMoves(a.Status)
		for i := range p.Statuses {
			p.Statuses[i].Selected = p.Statuses[i].Value == f.Status
		}
		if err := h.fillFollowup(r, p, a); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (h *Handler) newAction(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	p, err := h.newActionPage(r, inc, actionForm{Priority: "medium", Status: string(debrief.ActionProposed), OwnerID: "0"}, nil)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "action", p)
	return nil
}

func (h *Handler) createAction(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	f := readActionForm(r)
	a := &debrief.Action{
		IncidentID: inc.ID, Title: f.Title, Description: f.Description,
		DefinitionOfDone: f.DefinitionOfDone, Priority: f.Priority, DueDate: f.DueDate,
		Status: debrief.ActionStatus(f.Status), DropReason: f.DropReason, TicketURL: f.TicketURL,
	}
	if id, ok := optionalID(f.OwnerID); ok && id != 0 {
		a.OwnerID = &id
	}
	var errs formErrors
	err = h.svc.CreateAction(r.Context(), a)
	if err == nil {
		http.Redirect(w, r, incidentPath(inc.ID)+"#action-"+itoa(a.ID), http.StatusSeeOther)
		return nil
	}
	if !errs.fromApp(err, actionLabels) {
		return err
	}
	p, perr := h.newActionPage(r, inc, f, nil)
	if perr != nil {
		return perr
	}
	p.Errors = errs
	h.render(w, r, httperr.Status(err), "action", p)
	return nil
}

func (h *Handler) editAction(w http.ResponseWriter, r *http.Request) error {
	inc, a, err := h.action(r)
	if err != nil {
		return err
	}
	p, err := h.newActionPage(r, inc, actionFormOf(a), a)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "action", p)
	return nil
}

func (h *Handler) updateAction(w http.ResponseWriter, r *http.Request) error {
	inc, a, err := h.action(r)
	if err != nil {
		return err
	}
	f := readActionForm(r)
	status := debrief.ActionStatus(f.Status)
	// A reason belongs to a dropped item only; reopening clears it.
	reason := ""
	if status == debrief.ActionDropped {
		reason = f.DropReason
	}
	upd := debrief.ActionUpdate{
		Title: &f.Title, Description: &f.Description, DefinitionOfDone: &f.DefinitionOfDone,
		Priority: &f.Priority, DueDate: &f.DueDate, Status: &status,
		DropReason: &reason, TicketURL: &f.TicketURL, Version: f.Version,
	}
	if id, ok := optionalID(f.OwnerID); ok {
		upd.OwnerID = &id
	}
	f.followupForm.apply(&upd, status)
	return h.saveAction(w, r, inc, a, f, upd)
}

// moveAction is the status control on each row of the table: a status and,
// for dropping, the reason.
func (h *Handler) moveAction(w http.ResponseWriter, r *http.Request) error {
	inc, a, err := h.action(r)
	if err != nil {
		return err
	}
	status := debrief.ActionStatus(r.PostFormValue("status"))
	reason := strings.TrimSpace(r.PostFormValue("drop_reason"))
	upd := debrief.ActionUpdate{Status: &status, Version: formVersion(r.PostFormValue("version"))}
	if status == debrief.ActionDropped {
		upd.DropReason = &reason
	}
	// On failure the item's full form is shown with the requested status
	// and the typed reason, so the error sits next to its field.
	f := actionFormOf(a)
	f.Status, f.DropReason, f.Version = string(status), reason, upd.Version
	return h.saveAction(w, r, inc, a, f, upd)
}

// saveAction applies upd and redirects to the row, or shows the form again
// with f and the error next to its field.
func (h *Handler) saveAction(w http.ResponseWriter, r *http.Request, inc *debrief.Incident, a *debrief.Action, f actionForm, upd debrief.ActionUpdate) error {
	_, err := h.svc.UpdateAction(r.Context(), inc.ID, a.ID, upd)
	if err == nil {
		http.Redirect(w, r, incidentPath(inc.ID)+"#action-"+itoa(a.ID), http.StatusSeeOther)
		return nil
	}
	var errs formErrors
	if !errs.fromApp(err, actionLabels) {
		return err
	}
	p, perr := h.newActionPage(r, inc, f, a)
	if perr != nil {
		return perr
	}
	p.Errors = errs
	if errs.Conflict {
		cur := newActionView(a, incidentPath(inc.ID)+"/actions/", "")
		p.Current = &cur
		p.Form.Version = a.Version
	}
	h.render(w, r, httperr.Status(err), "action", p)
	return nil
}

// deleteAction removes the item named by the form's "action" field; the
// table's rows share one form.
func (h *Handler) deleteAction(w http.ResponseWriter, r *http.Request) error {
	inc, err := h.incident(r)
	if err != nil {
		return err
	}
	a, err := h.svc.FindActionByID(r.Context(), inc.ID, formID(r.PostFormValue("action")))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteAction(r.Context(), inc.ID, a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, incidentPath(inc.ID)+"#actions", http.StatusSeeOther)
	return nil
}

// action loads the incident and the action item a request names.
func (h *Handler) action(r *http.Request) (*debrief.Incident, *debrief.Action, error) {
	inc, err := h.incident(r)
	if err != nil {
		return nil, nil, err
	}
	aid, err := pathID(r, "aid")
	if err != nil {
		return nil, nil, err
	}
	a, err := h.svc.FindActionByID(r.Context(), inc.ID, aid)
	if err != nil {
		return nil, nil, err
	}
	return inc, a, nil
}
