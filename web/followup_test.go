package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

// The follow-up board: filters in the address, a table and columns by
// status, overdue and "sync pending" said in words, the way back from a
// ticket; the incident page shows revisited and recurring items.
func TestFollowupBoard(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	other := &debrief.Incident{Title: "Search index lag", Severity: "SEV3", Team: e.team("search").Slug, TimeZone: "UTC"}
	if err := e.svc.CreateIncident(e.ctx, other, ""); err != nil {
		t.Fatal(err)
	}
	lagging := &debrief.Action{IncidentID: other.ID, Title: "Alert on <index> lag", DueDate: "2024-01-01"}
	if err := e.svc.CreateAction(e.ctx, lagging); err != nil {
		t.Fatal(err)
	}
	// The tracker could not be reached: the item says so.
	a := s.actions[1]
	stored, err := e.st.FindActionByID(e.ctx, s.inc.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored.SyncState, stored.SyncError = debrief.SyncPending, "Jira answered 503 Service Unavailable; retrying in 2m"
	if err := e.st.UpdateAction(e.ctx, stored); err != nil {
		t.Fatal(err)
	}

	body := e.page("/actions")
	contains(t, body, `aria-current="page">Follow-ups</a>`, "Add retry safety to the review checklist", "Alert on &lt;index&gt; lag",
		"Search index lag", `href="/incidents/`+itoa(s.inc.ID)+`#action-`+itoa(a.ID)+`"`,
		"<strong>Sync pending:</strong> Jira answered 503 Service Unavailable; retrying in 2m", "1 sync pending",
		"<strong>4</strong> items", "OPS-812")
	// The count at the top, whatever the other filters, with a link to them.
	contains(t, body, `<strong>1 item sync pending</strong>`, `<a href="/actions?sync=pending">Show it</a>`)
	body = e.page("/actions?sync=pending")
	contains(t, body, "<strong>1</strong> item", "Jira answered 503", `name="sync" value="pending" checked`, `<strong>1 item sync pending</strong>`)
	lacks(t, body, "Alert on &lt;index&gt; lag", "Show it</a>")
	body = e.page("/actions?team=payments&status=done")
	contains(t, body, `<strong>1 item sync pending</strong>`, `<a href="/actions?sync=pending&amp;team=payments">Show it</a>`)
	lacks(t, body, "Jira answered 503")
	body = e.page("/actions?team=search")
	lacks(t, body, "sync pending</strong>")
	// Filters are a GET query: a link to share.
	body = e.page("/actions?team=search&overdue=1")
	contains(t, body, "Alert on &lt;index&gt; lag", "<strong>1</strong> item", `<option value="search" selected>Search</option>`,
		`name="overdue" value="1" checked`, "2024 · overdue")
	lacks(t, body, "Add retry safety")
	body = e.page("/actions?severity=SEV1&status=in_progress")
	contains(t, body, "Let on-call roll back without the author", "<strong>1</strong> item")
	body = e.page("/actions?owner=" + itoa(s.bo.ID))
	contains(t, body, "Lower the alert window to 2 minutes", "<strong>1</strong> item")
	body = e.page("/actions?service=payments-gateway&priority=high")
	contains(t, body, "<strong>2</strong> items")
	// From a ticket, by key or link, to the retrospective.
	for _, q := range []string{"OPS-812", "https://jira.example.com/browse/OPS-812"} {
		body = e.page("/actions?ticket=" + url.QueryEscape(q))
		contains(t, body, "Let on-call roll back without the author", "<strong>1</strong> item", "Checkout failed for EU customers")
	}
	// Columns by status keep the filters.
	body = e.page("/actions?view=board&team=payments")
	contains(t, body, `<h2 id="col-done"`, `<h2 id="col-in_progress"`, `class="board-card`, `href="/actions?team=payments">Table</a>`,
		`<input type="hidden" name="view" value="board">`)
	lacks(t, body, "Alert on &lt;index&gt; lag")
	body = e.page("/actions?team=nowhere")
	contains(t, body, "No follow-ups match these filters")
	if w := e.get("/actions?priority=urgent"); w.Code != 400 {
		t.Errorf("bad priority: %d", w.Code)
	}

	// Someone outside both teams sees neither board item.
	outsider := e.signIn(e.user("Out Sider", "out@example.com", false, map[string]debrief.Role{"elsewhere": debrief.RoleEditor}))
	body = outsider.page("/actions")
	contains(t, body, "No follow-ups yet")
	lacks(t, body, "Alert on", "Add retry safety")

	// Dropped: the retrospective shows it as revisited, with who decided.
	if _, err := e.svc.UpdateAction(e.ctx, s.inc.ID, s.actions[2].ID, debrief.ActionUpdate{Status: ptr(debrief.ActionDropped),
		DropReason: ptr("The alert window moved to the SLO burn alerts."), DroppedBy: ptr("The review meeting"), Version: s.actions[2].Version}); err != nil {
		t.Fatal(err)
	}
	// Recurring: the search incident's item linked from the payments one.
	if err := e.svc.LinkAction(e.ctx, s.inc.ID, other.ID, lagging.ID); err != nil {
		t.Fatal(err)
	}
	body = e.page("/incidents/" + itoa(s.inc.ID))
	contains(t, body, "Revisited recommendations", "dropped because The alert window moved to the SLO burn alerts.",
		"(decided by The review meeting)", "Recurring recommendations linked here",
		`href="/incidents/`+itoa(other.ID)+`#action-`+itoa(lagging.ID)+`">Alert on &lt;index&gt; lag</a>`,
		"<strong>Sync pending:</strong> Jira answered 503")
}

func TestFollowupMetricsPage(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	_ = s
	body := e.page("/actions/metrics?team=payments")
	contains(t, body, "<h1>Follow-through</h1>", `<svg xmlns="http://www.w3.org/2000/svg"`, "Open follow-ups at the end of each week",
		"Done within 30, 60 and 90 days", "<strong>2</strong> open now", `<option value="payments" selected>Payments</option>`, "under 30 days")
	svg := body[strings.Index(body, "<svg"):strings.Index(body, "</svg>")]
	lacks(t, svg, "<script", "style=")
	if w := e.get("/actions/metrics?team=%3Cb%3E"); w.Code != 200 || strings.Contains(w.Body.String(), "for team <b>") {
		t.Errorf("team in the chart description is not escaped: %d", w.Code)
	}
}

// The item's page: who decided a drop, verification after done, a note
// kept with the change, the history newest first, and the ticket request.
func TestActionPageFollowThrough(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	a := s.actions[0] // done
	edit := "/incidents/" + itoa(s.inc.ID) + "/actions/" + itoa(a.ID) + "/edit"
	form := func(v url.Values) url.Values {
		cur, _ := e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID)
		base := url.Values{"version": {itoa(cur.Version)}, "title": {cur.Title}, "owner_id": {itoa(*cur.OwnerID)},
			"priority": {cur.Priority}, "due_date": {cur.DueDate}, "status": {string(cur.Status)}, "verify_shown": {"1"}}
		for k, vs := range v {
			base[k] = vs
		}
		return base
	}
	redirected(t, e.post(edit, form(url.Values{"verified": {"1"}, "verified_note": {"Fired in the game day."}, "note": {"Checked at the game day"}})))
	got, _ := e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID)
	if got.VerifiedAt == nil || got.VerifiedNote != "Fired in the game day." || got.VerifiedBy != "Ada Admin" {
		t.Fatalf("verified: %+v", got)
	}
	// Saving the form again without touching the box keeps it verified.
	redirected(t, e.post(edit, form(url.Values{"verified": {"1"}, "verified_note": {"Fired in the game day."}})))
	if got, _ = e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID); got.VerifiedAt == nil {
		t.Fatal("a plain save lost the verification")
	}
	// Reopened, then dropped by the review meeting.
	redirected(t, e.post(edit, form(url.Values{"status": {"in_progress"}})))
	redirected(t, e.post(edit, form(url.Values{"status": {"dropped"}, "drop_reason": {"The checklist moved to the deploy tool."},
		"dropped_by": {"The review meeting"}})))
	got, _ = e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID)
	if got.DroppedBy != "The review meeting" || got.VerifiedAt != nil {
		t.Fatalf("dropped: %+v", got)
	}
	// The box means nothing on an item that is not done.
	redirected(t, e.post(edit, form(url.Values{"status": {"dropped"}, "drop_reason": {"The checklist moved to the deploy tool."}, "verified": {"1"}})))
	if got, _ = e.svc.FindActionByID(e.ctx, s.inc.ID, a.ID); got.VerifiedAt != nil {
		t.Fatal("a dropped item was verified")
	}
	body := e.page(edit)
	contains(t, body, "<h2 id=\"hist-h\">History</h2>", "<strong>In progress → Dropped</strong>", "Decided by: The review meeting",
		"Checked at the game day", "Created as Done", `value="The review meeting"`, `name="verify_shown" value="1"`,
		`action="/incidents/`+itoa(s.inc.ID)+`/actions/`+itoa(a.ID)+`/ticket"`)
	if i, j := strings.Index(body, "In progress → Dropped"), strings.Index(body, "Created as Done"); i < 0 || j < i {
		t.Error("history is not newest first")
	}
	// No tracker on this server: the request says so on the page.
	w := e.post("/incidents/"+itoa(s.inc.ID)+"/actions/"+itoa(a.ID)+"/ticket", url.Values{"tracker": {"github"}})
	if w.Code != 400 {
		t.Fatalf("ticket request: %d", w.Code)
	}
	contains(t, w.Body.String(), "no tracker is configured on this server")
}

// A recurring recommendation linked from the page, shown, then unlinked.
func TestLinkRecurringFromThePage(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	other := &debrief.Incident{Title: "Checkout failed again", Severity: "SEV2", Team: "payments", TimeZone: "UTC"}
	if err := e.svc.CreateIncident(e.ctx, other, ""); err != nil {
		t.Fatal(err)
	}
	page := "/incidents/" + itoa(other.ID)
	contains(t, e.page(page), `<form class="add-form inline-form" method="post" action="`+page+`/links" id="link-action">`)
	w := e.post(page+"/links", url.Values{"incident": {itoa(s.inc.ID)}, "action": {itoa(s.actions[1].ID)}})
	if loc := redirected(t, w); loc != page+"#linked-actions" {
		t.Fatalf("redirect to %q", loc)
	}
	body := e.page(page)
	contains(t, body, "Recurring recommendations linked here", "Let on-call roll back without the author", "from incident #"+itoa(s.inc.ID))
	if w := e.post(page+"/links", url.Values{"incident": {"999"}, "action": {"1"}}); w.Code != 404 {
		t.Errorf("link from a missing incident: %d", w.Code)
	}
	if w := e.post(page+"/links", url.Values{}); w.Code != 400 {
		t.Errorf("empty link form: %d", w.Code)
	}
	redirected(t, e.post(page+"/links/remove", url.Values{"incident": {itoa(s.inc.ID)}, "action": {itoa(s.actions[1].ID)}}))
	lacks(t, e.page(page), "Recurring recommendations linked here")
}
