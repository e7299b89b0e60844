package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

// Someone outside an incident's team gets exactly the page a missing
// incident gets, wherever they look and whatever they send.
func TestAnotherTeamsIncidentIsNotFound(t *testing.T) {
	e := newEnv(t)
	s := e.seed() // team "payments", visible to the team only
	out := e.signIn(e.user("Oscar Outsider", "oscar@example.com", false, map[string]debrief.Role{"identity": debrief.RoleEditor}))
	id := itoa(s.inc.ID)
	missing := "999"
	for _, sub := range []string{"", "/edit", "/audit", "/retrospective.md", "/events/new", "/actions/new",
		"/sections/summary/edit", "/events/" + itoa(s.events[0].ID) + "/edit", "/actions/" + itoa(s.actions[0].ID) + "/edit"} {
		hidden := out.get("/incidents/" + id + sub)
		gone := out.get("/incidents/" + missing + sub)
		if hidden.Code != http.StatusNotFound || gone.Code != http.StatusNotFound {
			t.Errorf("%s: status %d (hidden) and %d (missing), want 404", sub, hidden.Code, gone.Code)
			continue
		}
		if a, b := hidden.Body.String(), strings.ReplaceAll(gone.Body.String(), missing, id); a != b {
			t.Errorf("%s: the page of a hidden incident differs from a missing one's:\n%s\n---\n%s", sub, a, b)
		}
	}
	// Writes too, with a valid token: 404, and nothing changed.
	for path, form := range map[string]url.Values{
		"/incidents/" + id + "/edit":                  editForm(s.inc),
		"/incidents/" + id + "/events":                {"at": {"2024-03-12T14:00"}, "text": {"x"}, "kind": {"note"}},
		"/incidents/" + id + "/retrospective":         {"version": {"1"}, "status": {"in_review"}},
		"/incidents/" + id + "/access":                {"version": {"1"}, "restricted": {"1"}},
		"/incidents/" + id + "/sections/summary/edit": {"version": {"2"}, "body": {"x"}},
	} {
		if w := out.post(path, form); w.Code != http.StatusNotFound {
			t.Errorf("POST %s: status %d, want 404", path, w.Code)
		}
	}
	if inc, _ := e.svc.FindIncidentByID(e.ctx, s.inc.ID); inc.Version != s.inc.Version {
		t.Error("an outsider changed the incident")
	}
	// Nor is it listed.
	lacks(t, out.page("/"), "Checkout failed for EU customers")
	// Shared with the organisation, it is readable (not writable).
	other := &debrief.Incident{Title: "Shared with everyone", Severity: "SEV3", Team: "payments", Visibility: debrief.VisibleToOrganization}
	if err := e.svc.CreateIncident(e.ctx, other, ""); err != nil {
		t.Fatal(err)
	}
	contains(t, out.page("/"), "Shared with everyone")
	contains(t, out.page("/incidents/"+itoa(other.ID)), "Shared with everyone", "Everyone signed in")
}

func TestViewerSeesButCannotEdit(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	v := e.signIn(e.user("Vic Viewer", "vic@example.com", false, map[string]debrief.Role{"payments": debrief.RoleViewer}))
	path := "/incidents/" + itoa(s.inc.ID)
	body := v.page(path)
	contains(t, body, "Checkout failed for EU customers", "About <strong>18% of card payments</strong>", "Alert: checkout 5xx above 2%",
		"Add retry safety to the review checklist", `href="/teams/payments">Payments</a>`, "Only the team", `href="`+path+`/audit"`)
	// No controls the viewer cannot use.
	lacks(t, body, "Edit details", `id="add-event"`, `id="add-action"`, `action="`+path+`/retrospective"`, `/sections/summary/edit"`,
		`class="move-form`, `form="event-delete"`, "New incident", `action="`+path+`/access"`)

	// The edit form says it cannot be saved; saving is refused, and
	// audited, and changes nothing.
	contains(t, v.page(path+"/edit"), "You can read this incident but not change it")
	f := editForm(s.inc)
	f.Set("title", "Changed by a viewer")
	w := v.post(path+"/edit", f)
	if w.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403", w.Code)
	}
	contains(t, w.Body.String(), "You can’t do that here", "Only editors of team", `href="`+path+`"`)
	if inc, _ := e.svc.FindIncidentByID(e.ctx, s.inc.ID); inc.Title != s.inc.Title || inc.Version != s.inc.Version {
		t.Errorf("a viewer changed the incident: %q", inc.Title)
	}
	for p, f := range map[string]url.Values{
		path + "/events":  {"at": {"2024-03-12T14:00"}, "text": {"x"}, "kind": {"note"}},
		path + "/actions": {"title": {"x"}},
		path + "/actions/" + itoa(s.actions[2].ID) + "/status": {"version": {itoa(s.actions[2].Version)}, "status": {"done"}},
		path + "/events/delete":                                {"event": {itoa(s.events[0].ID)}},
		path + "/sections/summary/edit":                        {"version": {"2"}, "body": {"x"}},
	} {
		if w := v.post(p, f); w.Code != http.StatusForbidden {
			t.Errorf("POST %s: status %d, want 403", p, w.Code)
		}
	}
	denied := 0
	for _, a := range e.auditOf("incident.update") {
		if a.Outcome == debrief.AuditDenied && a.Actor == "vic@example.com" {
			denied++
		}
	}
	if denied != 1 {
		t.Errorf("%d refused edits audited, want 1", denied)
	}
}

func TestRestrictedRetrospective(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	admin := e.signIn(e.user("Tara Teamadmin", "tara@example.com", false, map[string]debrief.Role{"payments": debrief.RoleAdmin}))
	readerU := e.user("Rae Reader", "rae@example.com", false, map[string]debrief.Role{"payments": debrief.RoleViewer})
	reader := e.signIn(readerU)
	other := e.signIn(e.user("Ned Nonreader", "ned@example.com", false, map[string]debrief.Role{"payments": debrief.RoleEditor}))
	path := "/incidents/" + itoa(s.inc.ID)

	// The team's admin restricts it, choosing a reader from the team.
	body := admin.page(path)
	contains(t, body, "Restrict the retrospective", `name="readers" value="`+itoa(readerU.ID)+`"`, "Rae Reader")
	r, _ := e.svc.FindRetrospective(e.ctx, s.inc.ID)
	// An editor may not.
	if w := other.post(path+"/access", url.Values{"version": {itoa(r.Version)}, "restricted": {"1"}}); w.Code < 400 {
		t.Fatalf("an editor restricted it: %d", w.Code)
	}
	loc := redirected(t, admin.post(path+"/access", url.Values{"version": {itoa(r.Version)}, "restricted": {"1"}, "readers": {itoa(readerU.ID)}}))
	if loc != path+"#access" {
		t.Errorf("Location = %q", loc)
	}
	r, _ = e.svc.FindRetrospective(e.ctx, s.inc.ID)
	if !r.Restricted || len(r.Readers) != 1 || r.Readers[0] != readerU.ID {
		t.Fatalf("stored %v %v", r.Restricted, r.Readers)
	}

	// A member who is not a reader sees the header, and why, only.
	body = other.page(path)
	contains(t, body, "Checkout failed for EU customers", "Restricted", "This retrospective is restricted", "SEV1")
	lacks(t, body, "18% of card payments", "Alert: checkout 5xx", "Add retry safety", "Download Markdown", "Edit details", `id="add-event"`)
	for _, p := range []string{path + "/retrospective.md", path + "/sections/summary/edit"} {
		if w := other.get(p); w.Code != http.StatusForbidden {
			t.Errorf("GET %s: status %d, want 403", p, w.Code)
		}
	}
	if w := other.post(path+"/sections/summary/edit", url.Values{"version": {"2"}, "body": {"leak"}}); w.Code != http.StatusForbidden {
		t.Errorf("a non-reader wrote the restricted write-up: %d", w.Code)
	}
	// Its history shows that things changed, not what.
	hist := other.page(path + "/audit")
	contains(t, hist, "Edited the write-up")
	lacks(t, hist, "18% of card payments")

	// The reader reads it all; the page names the readers.
	body = reader.page(path)
	contains(t, body, "18% of card payments", "Alert: checkout 5xx", "Restricted", "Rae Reader")
	lacks(t, body, "This retrospective is restricted", "Restrict the retrospective")
	// And the org admin too.
	contains(t, e.page(path), "18% of card payments", "Restrict the retrospective")
}

func TestIncidentFormOffersOnlyTeamsTheUserEdits(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	e.team("security")
	ed := e.signIn(e.user("Ed Editor", "ed@example.com", false, map[string]debrief.Role{"payments": debrief.RoleEditor, "security": debrief.RoleViewer}))
	body := ed.page("/incidents/new")
	contains(t, body, `<select id="f-team" name="team"><option value="payments">Payments</option></select>`,
		`<option value="" selected>As the team chooses</option>`, `<option value="organization">Everyone signed in to Debrief</option>`)
	lacks(t, body, `value="security"`)

	// Another team is refused next to the field, and nothing is stored.
	w := ed.post("/incidents", url.Values{"title": {"Not mine"}, "severity": {"SEV3"}, "team": {"security"}, "time_zone": {"UTC"}})
	if w.Code != http.StatusForbidden {
		t.Fatalf("status %d, want 403", w.Code)
	}
	contains(t, w.Body.String(), `<p class="field-error" id="f-team-error">You are not an editor of team &#34;security&#34;.</p>`, `value="Not mine"`)
	if _, n, _ := e.svc.FindIncidents(e.ctx, debrief.IncidentFilter{}); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}

	// Their own, shared with everyone.
	loc := redirected(t, ed.post("/incidents", url.Values{"title": {"Mine"}, "severity": {"SEV3"}, "team": {"payments"}, "visibility": {"organization"}, "time_zone": {"UTC"}}))
	id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/incidents/"), 10, 64)
	inc, err := e.svc.FindIncidentByID(e.ctx, id)
	if err != nil || inc.Team != "payments" || inc.Visibility != debrief.VisibleToOrganization {
		t.Fatalf("stored %+v %v", inc, err)
	}
	// The edit form changes who sees it.
	f := editForm(s.inc)
	f.Set("visibility", "organization")
	redirected(t, ed.post("/incidents/"+itoa(s.inc.ID)+"/edit", f))
	if inc, _ := e.svc.FindIncidentByID(e.ctx, s.inc.ID); inc.Visibility != debrief.VisibleToOrganization {
		t.Errorf("visibility = %q", inc.Visibility)
	}
	contains(t, ed.page("/incidents/"+itoa(s.inc.ID)+"/edit"), `<option value="organization" selected>Everyone signed in to Debrief</option>`)
}
