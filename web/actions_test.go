package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestAddEditDeleteAction(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	base := "/incidents/" + itoa(s.inc.ID)
	loc := redirected(t, e.post(base+"/actions", url.Values{
		"title": {"Route synthetic payments through the canary"}, "owner_id": {itoa(s.bo.ID)},
		"priority": {"low"}, "due_date": {"2024-04-30"}, "definition_of_done": {"Canary sees card traffic"},
		"ticket_url": {"https://jira.example.com/browse/OPS-9"},
	}))
	acts, _, _ := e.svc.FindActions(e.ctx, debrief.ActionFilter{IncidentID: &s.inc.ID})
	a := acts[len(acts)-1]
	if loc != base+"#action-"+itoa(a.ID) {
		t.Errorf("Location = %q", loc)
	}
	if a.Title != "Route synthetic payments through the canary" || a.OwnerID == nil || *a.OwnerID != s.bo.ID ||
		a.Priority != "low" || a.DueDate != "2024-04-30" || a.Status != debrief.ActionProposed {
		t.Errorf("stored %+v", a)
	}
	contains(t, e.page(base), "Route synthetic payments through the canary", "Canary sees card traffic", "30 Apr 2024", `<strong>1 of 4 done</strong>`)

	edit := base + "/actions/" + itoa(a.ID) + "/edit"
	redirected(t, e.post(edit, url.Values{
		"version": {itoa(a.Version)}, "title": {"Route synthetic card payments through the canary"},
		"owner_id": {"0"}, "priority": {"medium"}, "due_date": {""}, "status": {"in_progress"},
	}))
	got, _ := e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID)
	if got.OwnerID != nil || got.Priority != "medium" || got.DueDate != "" || got.Status != debrief.ActionInProgress || got.TicketURL != "" {
		t.Errorf("after edit: %+v", got)
	}

	redirected(t, e.post(base+"/actions/delete", url.Values{"action": {itoa(a.ID)}}))
	if _, err := e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("still there: %v", err)
	}
}

func TestActionStatusFromTheTable(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	a := s.actions[2] // proposed
	move := "/incidents/" + itoa(s.inc.ID) + "/actions/" + itoa(a.ID) + "/status"

	redirected(t, e.post(move, url.Values{"version": {itoa(a.Version)}, "status": {"in_progress"}}))
	got, _ := e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID)
	if got.Status != debrief.ActionInProgress {
		t.Fatalf("status = %s", got.Status)
	}

	// Dropping without a reason is refused: the error sits next to the
	// reason field, the chosen status is kept, and nothing is written.
	w := e.post(move, url.Values{"version": {itoa(got.Version)}, "status": {"dropped"}, "drop_reason": {"  "}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	contains(t, w.Body.String(),
		`<p class="field-error" id="f-drop_reason-error">Reason for dropping is required to drop an action item`,
		`id="f-drop_reason" name="drop_reason" value="" placeholder="e.g. Superseded by the new deploy pipeline" aria-invalid="true" aria-describedby="f-drop_reason-error" autofocus`,
		`<option value="dropped" selected>Dropped</option>`,
		`name="version" value="`+itoa(got.Version)+`"`)
	after, _ := e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID)
	if after.Status != debrief.ActionInProgress || after.Version != got.Version || after.DropReason != "" {
		t.Errorf("a refused drop wrote %+v", after)
	}

	// With a reason it is dropped, and the reason shows in the table.
	redirected(t, e.post(move, url.Values{"version": {itoa(got.Version)}, "status": {"dropped"}, "drop_reason": {"Superseded by OPS-812"}}))
	after, _ = e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID)
	if after.Status != debrief.ActionDropped || after.DropReason != "Superseded by OPS-812" {
		t.Errorf("after drop: %+v", after)
	}
	contains(t, e.page("/incidents/"+itoa(s.inc.ID)), "Dropped because</span> Superseded by OPS-812", "1 dropped")

	// A stale row form is a conflict, shown on the item's page.
	w = e.post(move, url.Values{"version": {itoa(got.Version)}, "status": {"planned"}})
	if w.Code != http.StatusConflict {
		t.Fatalf("stale: status %d, want 409", w.Code)
	}
	contains(t, w.Body.String(), "What is saved now", "Dropped: Superseded by OPS-812")

	// A move the rules do not allow (done -> proposed).
	done := s.actions[0]
	w = e.post("/incidents/"+itoa(s.inc.ID)+"/actions/"+itoa(done.ID)+"/status", url.Values{"version": {itoa(done.Version)}, "status": {"proposed"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	contains(t, w.Body.String(), `id="f-status-error">Status cannot go from done to proposed.`)
}

func TestActionRowsOfferOnlyAllowedMoves(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	body := e.page("/incidents/" + itoa(s.inc.ID))
	// The done item may only be reopened.
	contains(t, body, `<select name="status" class="status-select s-done" aria-label="Status of action 1"><option value="in_progress">In progress</option><option value="done" selected>Done</option></select>`)
	if w := e.post("/incidents/1/actions", url.Values{"title": {""}}); w.Code != http.StatusBadRequest {
		t.Errorf("empty title: %d", w.Code)
	} else {
		contains(t, w.Body.String(), `id="f-title-error">Title is required.`)
	}
}
