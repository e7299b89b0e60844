package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
)

func TestTokenIsShownOnce(t *testing.T) {
	e := newEnv(t)
	contains(t, e.page("/profile"), "Ada Admin", "ada@example.com", "Organisation admin", "No tokens yet.", `action="/profile/tokens"`)

	w := e.post("/profile/tokens", url.Values{"name": {"Nightly export"}, "scope": {"read"}, "expiry": {"30"}})
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d, want 201\n%s", w.Code, w.Body)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	body := w.Body.String()
	secret := regexp.MustCompile(`value="(dbr_[A-Za-z0-9_-]{20,})"`).FindStringSubmatch(body)
	if secret == nil {
		t.Fatalf("no secret on the page:\n%s", body)
	}
	contains(t, body, "Copy your new token now", "This is the only time", "Nightly export", "Read only")
	// It works, as the read-only token it is.
	a, err := e.svc.TokenActor(context.Background(), secret[1], "")
	if err != nil || a.Scope != debrief.ScopeRead || a.User.Email != "ada@example.com" {
		t.Fatalf("TokenActor: %v %+v", err, a)
	}
	// Never again.
	again := e.page("/profile")
	lacks(t, again, secret[1], "Copy your new token now")
	prefix := secret[1][4:12]
	contains(t, again, "Nightly export", "dbr_"+prefix+"…", "Read only", "Last used", " UTC</td>")
	if strings.Contains(e.logs.String(), secret[1]) {
		t.Error("the secret is in the log")
	}

	// Bad input is shown next to its field.
	w = e.post("/profile/tokens", url.Values{"name": {" "}, "scope": {"read"}, "expiry": {"30"}})
	if w.Code != http.StatusBadRequest {
		t.Errorf("empty name: %d", w.Code)
	}
	contains(t, w.Body.String(), `id="f-name-error"`)
	if w := e.post("/profile/tokens", url.Values{"name": {"x"}, "scope": {"admin"}, "expiry": {"30"}}); w.Code != http.StatusBadRequest {
		t.Errorf("bad scope: %d", w.Code)
	}

	// Revoked, it stops working and says so.
	toks, _ := e.svc.FindTokens(e.ctxOf(e.admin))
	if loc := redirected(t, e.post("/profile/tokens/"+itoa(toks[0].ID)+"/revoke", url.Values{})); loc != "/profile#token-"+itoa(toks[0].ID) {
		t.Errorf("Location = %q", loc)
	}
	if _, err := e.svc.TokenActor(context.Background(), secret[1], ""); debrief.ErrorCode(err) != debrief.EUNAUTHORIZED {
		t.Errorf("revoked token: %v", err)
	}
	contains(t, e.page("/profile"), "Revoked")
	// Someone else's token is not found.
	bo := e.signIn(e.user("Bo", "bo@example.com", false, nil))
	if w := bo.post("/profile/tokens/"+itoa(toks[0].ID)+"/revoke", url.Values{}); w.Code != http.StatusNotFound {
		t.Errorf("revoking another's token: %d", w.Code)
	}
}

// ctxOf is a context acting as the client's user, for reading data back.
func (e *env) ctxOf(c *client) context.Context {
	a, _, err := e.svc.SessionActor(context.Background(), c.cookies["debrief_session"], "")
	if err != nil {
		e.t.Fatal(err)
	}
	return debrief.WithActor(context.Background(), a)
}

func TestTeamsAndMembers(t *testing.T) {
	e := newEnv(t)
	contains(t, e.page("/teams"), "No teams yet.", "Create a team")

	loc := redirected(t, e.post("/teams", url.Values{"name": {"Payments Platform"}, "slug": {""}, "default_visibility": {"organization"}}))
	if loc != "/teams/payments-platform" {
		t.Fatalf("Location = %q", loc)
	}
	w := e.post("/teams", url.Values{"name": {"Again"}, "slug": {"payments-platform"}, "default_visibility": {"team"}})
	if w.Code != http.StatusConflict {
		t.Errorf("duplicate slug: %d", w.Code)
	}
	contains(t, w.Body.String(), `id="f-slug-error"`, "already another team’s")

	tara := e.user("Tara Lead", "tara@example.com", false, nil)
	vic := e.user("Vic Viewer", "vic@example.com", false, nil)
	team := "/teams/payments-platform"
	body := e.page(team)
	contains(t, body, "Payments Platform", "Nobody is in this team yet.", `<option value="`+itoa(tara.ID)+`">Tara Lead (tara@example.com)</option>`, "Everyone signed in")
	redirected(t, e.post(team+"/members", url.Values{"user_id": {itoa(tara.ID)}, "role": {"admin"}}))
	redirected(t, e.post(team+"/members", url.Values{"user_id": {itoa(vic.ID)}, "role": {"viewer"}}))

	// The team's admin manages it from here on.
	tc := e.signIn(tara)
	body = tc.page(team)
	contains(t, body, "Tara Lead", "(you)", "Vic Viewer", `action="/teams/payments-platform/members/remove"`, "Save settings")
	redirected(t, tc.post(team+"/members", url.Values{"user_id": {itoa(vic.ID)}, "role": {"editor"}}))
	ms, _ := e.svc.FindMembers(e.ctx, e.teamBySlug("payments-platform").ID)
	if len(ms) != 2 || roleOf(ms, vic.ID) != debrief.RoleEditor {
		t.Errorf("members %+v", ms)
	}
	tm := e.teamBySlug("payments-platform")
	redirected(t, tc.post(team, url.Values{"version": {itoa(tm.Version)}, "name": {"Payments"}, "default_visibility": {"team"}}))
	if tm = e.teamBySlug("payments-platform"); tm.Name != "Payments" || tm.DefaultVisibility != debrief.VisibleToTeam {
		t.Errorf("settings: %+v", tm)
	}
	// The last admin cannot leave: said above the list.
	w = tc.post(team+"/members/remove", url.Values{"user_id": {itoa(tara.ID)}})
	if w.Code != http.StatusBadRequest {
		t.Errorf("removing the last admin: %d", w.Code)
	}
	contains(t, w.Body.String(), "last admin")
	redirected(t, tc.post(team+"/members/remove", url.Values{"user_id": {itoa(vic.ID)}}))

	// A member who is not its admin sees the team, without the controls,
	// and is refused if they try.
	vc := e.signIn(vic)
	redirected(t, tc.post(team+"/members", url.Values{"user_id": {itoa(vic.ID)}, "role": {"viewer"}}))
	body = vc.page(team)
	contains(t, body, "Tara Lead", "Viewer")
	lacks(t, body, "Save settings", "Add someone", "/members/remove")
	if w := vc.post(team+"/members", url.Values{"user_id": {itoa(vic.ID)}, "role": {"admin"}}); w.Code != http.StatusForbidden {
		t.Errorf("a viewer made themself admin: %d", w.Code)
	}
	if w := vc.post("/teams", url.Values{"name": {"Mine"}}); w.Code != http.StatusForbidden {
		t.Errorf("a viewer created a team: %d", w.Code)
	}
	lacks(t, vc.page("/teams"), "Create a team")
}

func (e *env) teamBySlug(slug string) *debrief.Team {
	t, err := e.svc.FindTeamBySlug(e.ctx, slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

func roleOf(ms []*debrief.Membership, userID int64) debrief.Role {
	for _, m := range ms {
		if m.UserID == userID {
			return m.Role
		}
	}
	return ""
}

func TestAdminUsers(t *testing.T) {
	e := newEnv(t)
	loc := redirected(t, e.post("/admin/users", url.Values{"name": {"Bo Berg"}, "email": {"bo@example.com"}, "password": {""}}))
	users, _, _ := e.svc.FindUsers(e.ctx, store.UserFilter{})
	var bo *debrief.User
	for _, u := range users {
		if u.Email == "bo@example.com" {
			bo = u
		}
	}
	if bo == nil || loc != "/admin/users#user-"+itoa(bo.ID) || bo.OrgAdmin || bo.PasswordHash != "" {
		t.Fatalf("created %+v, Location %q", bo, loc)
	}
	w := e.post("/admin/users", url.Values{"name": {"Bo Again"}, "email": {"BO@example.com"}})
	if w.Code != http.StatusConflict {
		t.Errorf("duplicate email: %d", w.Code)
	}
	contains(t, w.Body.String(), "already has an account", `value="Bo Again"`)
	w = e.post("/admin/users", url.Values{"name": {"Cy"}, "email": {"cy@example.com"}, "password": {"short"}})
	if w.Code != http.StatusBadRequest {
		t.Errorf("short password: %d", w.Code)
	}
	contains(t, w.Body.String(), `id="f-password-error">Password is too short`)
	lacks(t, w.Body.String(), `value="short"`)

	body := e.page("/admin/users")
	contains(t, body, "Bo Berg", "bo@example.com", "Make admin", "Disable", "Ada Admin", "(you)")
	bc := e.signIn(bo)
	redirected(t, e.post("/admin/users/"+itoa(bo.ID), url.Values{"version": {itoa(bo.Version)}, "disabled": {"true"}}))
	if got := e.userByID(bo.ID); !got.Disabled {
		t.Fatal("not disabled")
	}
	// Disabled, their session is over.
	redirectedTo(t, bc.get("/"))
	contains(t, e.page("/admin/users"), "Disabled", "Enable")

	// The last admin cannot stop being one.
	ada := e.admin.user
	w = e.post("/admin/users/"+itoa(ada.ID), url.Values{"version": {itoa(e.userByID(ada.ID).Version)}, "org_admin": {"false"}})
	if w.Code != http.StatusBadRequest {
		t.Errorf("demoting the last admin: %d", w.Code)
	}
	contains(t, w.Body.String(), "last active organisation admin")

	// Someone who is not an organisation admin sees only themself, and
	// is refused.
	cy := e.signIn(e.user("Cy", "cy@example.com", false, nil))
	body = cy.page("/admin/users")
	contains(t, body, "Only organisation admins manage accounts.", "cy@example.com")
	lacks(t, body, "bo@example.com", "Create an account", "Make admin")
	if w := cy.post("/admin/users", url.Values{"name": {"Mallory"}, "email": {"m@example.com"}}); w.Code != http.StatusForbidden {
		t.Errorf("a user created an account: %d", w.Code)
	}
	if w := cy.post("/admin/users/"+itoa(cy.user.ID), url.Values{"version": {"1"}, "org_admin": {"true"}}); w.Code != http.StatusForbidden {
		t.Errorf("a user made themself admin: %d", w.Code)
	}
	lacks(t, cy.page("/"), `href="/admin/users"`)
	contains(t, e.page("/"), `href="/admin/users"`)
}

func (e *env) userByID(id int64) *debrief.User {
	users, _, err := e.svc.FindUsers(e.ctx, store.UserFilter{Limit: store.MaxLimit})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range users {
		if u.ID == id {
			return u
		}
	}
	e.t.Fatalf("no user %d", id)
	return nil
}

func TestSetupCreatesTheFirstAdmin(t *testing.T) {
	e := newEnv(t, func(c *envConfig) { c.noAdmin = true })
	token := e.svc.SetupToken()
	if token == "" {
		t.Fatal("no setup token")
	}
	c := e.anon()
	contains(t, c.page("/login"), "Nobody has an account yet", "debrief user create --admin")
	for _, bad := range []string{"", "wrong", token + "x"} {
		if w := c.get("/setup?token=" + url.QueryEscape(bad)); w.Code != http.StatusNotFound {
			t.Errorf("token %q: %d, want 404", bad, w.Code)
		}
	}
	body := c.page("/setup?token=" + token)
	contains(t, body, "Set up Debrief", `name="token" value="`+token+`"`, `name="confirm"`)

	w := c.post("/setup", url.Values{"token": {token}, "name": {"Ada"}, "email": {"ada@example.com"}, "password": {password}, "confirm": {"something else entirely"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("mismatch: %d", w.Code)
	}
	contains(t, w.Body.String(), "The two passwords are not the same.", `value="ada@example.com"`)
	lacks(t, w.Body.String(), password)
	w = c.post("/setup", url.Values{"token": {token}, "name": {"Ada"}, "email": {"ada@example.com"}, "password": {"short"}, "confirm": {"short"}})
	contains(t, w.Body.String(), "Password is too short")

	loc := redirected(t, c.post("/setup", url.Values{"token": {token}, "name": {"Ada"}, "email": {"ada@example.com"}, "password": {password}, "confirm": {password}}))
	if loc != "/teams?welcome=1" {
		t.Errorf("Location = %q", loc)
	}
	contains(t, c.page(loc), "you are its first admin", "Create a team", "Ada")
	// The link works once.
	if w := c.get("/setup?token=" + token); w.Code != http.StatusNotFound {
		t.Errorf("second use: %d", w.Code)
	}
	if w := e.anon().post("/setup", url.Values{"token": {token}, "name": {"Eve"}, "email": {"eve@example.com"}, "password": {password}, "confirm": {password}}); w.Code < 400 {
		t.Errorf("second setup: %d", w.Code)
	}
}

func TestAuditPageShowsWhoChangedWhat(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	path := "/incidents/" + itoa(s.inc.ID)
	f := editForm(s.inc)
	f.Set("title", "Checkout failed for card payments")
	redirected(t, e.post(path+"/edit", f))
	sec, _ := e.svc.FindSection(e.ctx, s.inc.ID, "summary")
	redirected(t, e.post(path+"/sections/summary/edit", url.Values{"version": {itoa(sec.Version)},
		"body": {"About **18% of card payments** failed for 70 minutes.\n\nThe EU was hit hardest."}}))
	v := e.signIn(e.user("Vic", "vic@example.com", false, map[string]debrief.Role{"payments": debrief.RoleViewer}))
	v.post(path+"/edit", editForm(s.inc))

	body := e.page(path + "/audit")
	contains(t, body, "History", "ada@example.com", "Changed the incident’s details",
		"Checkout failed for EU customers", "Checkout failed for card payments", // before and after
		"Edited the write-up", `Section “Summary”`, `diff-add`, "The EU was hit hardest.",
		"vic@example.com", "Refused", "Only editors of team", "incident.create", "Recorded the incident")
	// Newest first.
	if strings.Index(body, "vic@example.com") > strings.Index(body, "Edited the write-up") {
		t.Error("entries are not newest first")
	}
	// The viewer may read it too (they may see the incident), without
	// where people worked from.
	contains(t, body, "from 192.0.2.1")
	vb := v.page(path + "/audit")
	contains(t, vb, "Changed the incident’s details")
	lacks(t, vb, "192.0.2.1")
}

func TestAuditDiff(t *testing.T) {
	// Through the page: a snapshot diff is field by field, named objects
	// by name, and long text by line.
	e := newEnv(t)
	s := e.seed()
	f := editForm(s.inc)
	f.Set("commander_id", itoa(s.bo.ID))
	f.Set("milestones.mitigated", "2024-03-12T15:00:00")
	redirected(t, e.post("/incidents/"+itoa(s.inc.ID)+"/edit", f))
	body := e.page("/incidents/" + itoa(s.inc.ID) + "/audit")
	contains(t, body, "<th scope=\"row\">Commander</th>", "Ana Sørensen (@ana)", "Bo Lindqvist (@bo)", "Milestones: Mitigated", "2024-03-12T14:00:00Z")
	lacks(t, body, "<th scope=\"row\">Version</th>", "<th scope=\"row\">Updated at</th>")
}

func TestNewPagesAreInert(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	evil := &debrief.User{Name: "Eve " + xss, Email: "eve@example.com"}
	if err := e.svc.CreateUser(e.ctx, evil, ""); err != nil {
		t.Fatal(err)
	}
	team := &debrief.Team{Slug: "evil", Name: `Evil "><img src=x onerror=alert(1)>` + xss}
	if err := e.svc.CreateTeam(e.ctx, team); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetMember(e.ctx, &debrief.Membership{TeamID: team.ID, UserID: evil.ID, Role: debrief.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetMember(e.ctx, &debrief.Membership{TeamID: e.team("payments").ID, UserID: evil.ID, Role: debrief.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	ec := e.signIn(evil)
	w := ec.post("/profile/tokens", url.Values{"name": {"Token " + xss}, "scope": {"read"}, "expiry": {"7"}})
	ec.post("/incidents/"+itoa(s.inc.ID)+"/edit", func() url.Values { f := editForm(s.inc); f.Set("title", "Title "+xss); return f }())
	r, _ := e.svc.FindRetrospective(e.ctx, s.inc.ID)
	ec.post("/incidents/"+itoa(s.inc.ID)+"/access", url.Values{"version": {itoa(r.Version)}, "restricted": {"1"}, "readers": {itoa(evil.ID)}})
	pages := map[string]string{
		"token":       w.Body.String(),
		"login error": e.anon().post("/login", url.Values{"email": {`"><script>alert(1)</script>`}, "password": {"x"}}).Body.String(),
		"login next":  e.anon().page("/login?next=" + url.QueryEscape(`/"><script>alert(1)</script>`)),
		"bad team":    e.post("/teams", url.Values{"name": {xss}, "slug": {`"><script>`}}).Body.String(),
	}
	for _, p := range []string{"/profile", "/teams", "/teams/evil", "/teams/payments", "/admin/users", "/incidents/1", "/incidents/1/audit", "/incidents/new", "/incidents/1/edit"} {
		pages[p] = e.page(p)
		pages[p+" as eve"] = ec.page(p)
	}
	for name, page := range pages {
		checkInert(t, name, page)
		if strings.Contains(page, "<script>alert") {
			t.Errorf("%s: unescaped script", name)
		}
	}
	contains(t, pages["/teams"], "Evil &#34;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;")
	contains(t, pages["/admin/users"], "Eve &lt;script&gt;alert(1)&lt;/script&gt;")
	contains(t, pages["/incidents/1/audit"], "Title &lt;script&gt;alert(1)&lt;/script&gt;")
}

// Every form that posts carries the CSRF token of the reader's session,
// rows cached for every reader included.
func TestEveryFormCarriesTheCSRFToken(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	id := itoa(s.inc.ID)
	formRE := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>(.*?)</form>`)
	for _, c := range []*client{e.admin, e.signIn(e.user("Tara", "tara@example.com", false, map[string]debrief.Role{"payments": debrief.RoleAdmin}))} {
		for _, p := range []string{"/", "/incidents/new", "/incidents/" + id, "/incidents/" + id + "/edit", "/incidents/" + id + "/sections/summary/edit",
			"/incidents/" + id + "/events/new", "/incidents/" + id + "/events/" + itoa(s.events[0].ID) + "/edit", "/incidents/" + id + "/actions/new",
			"/incidents/" + id + "/actions/" + itoa(s.actions[0].ID) + "/edit", "/people", "/profile", "/teams", "/teams/payments", "/admin/users", "/incidents/" + id + "/audit"} {
			body := c.page(p)
			forms := formRE.FindAllStringSubmatch(body, -1)
			if len(forms) == 0 {
				t.Errorf("%s: no form", p)
			}
			for _, f := range forms {
				if !strings.Contains(f[1], `name="csrf_token" value="`+c.csrf+`"`) {
					t.Errorf("%s as %s: a form without the session's token:\n%.300s", p, c.name(), f[0])
				}
			}
		}
	}
	// The login form carries the pre-session token.
	a := e.anon()
	body := a.page("/login")
	if a.csrf == "" || a.csrf != a.cookies["debrief_csrf"] || !strings.Contains(body, `name="csrf_token" value="`+a.csrf+`"`) {
		t.Error("the sign-in form lacks the pre-session token")
	}
}

func TestEveryRouteIsCovered(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	id := itoa(s.inc.ID)
	other := e.user("Bo", "bo@example.com", false, map[string]debrief.Role{"payments": debrief.RoleViewer})
	secret, tok, err := e.svc.CreateToken(e.ctxOf(e.admin), "t", debrief.ScopeRead, nil)
	if err != nil || secret == "" {
		t.Fatal(err)
	}
	r, _ := e.svc.FindRetrospective(e.ctx, s.inc.ID)
	sec, _ := e.svc.FindSection(e.ctx, s.inc.ID, "summary")
	pt := e.team("payments")
	an := &debrief.AnalysisItem{IncidentID: s.inc.ID, Kind: debrief.KindSystemic, Title: "Untested controls"}
	if err := e.svc.CreateAnalysisItem(e.ctx, an); err != nil {
		t.Fatal(err)
	}
	cc := &debrief.CatalogControl{Name: "Canary analysis"}
	if err := e.svc.CreateCatalogControl(e.ctx, "payments", cc); err != nil {
		t.Fatal(err)
	}
	type call struct {
		method, path string
		form         url.Values
		status       int
	}
	calls := map[string]call{
		"GET /{$}":                                         {"GET", "/", nil, 200},
		"GET /incidents":                                   {"GET", "/incidents", nil, 200},
		"GET /incidents/new":                               {"GET", "/incidents/new", nil, 200},
		"POST /incidents":                                  {"POST", "/incidents", url.Values{"title": {"New"}, "severity": {"SEV2"}, "team": {"payments"}, "time_zone": {"UTC"}}, 303},
		"GET /incidents/{id}":                              {"GET", "/incidents/" + id, nil, 200},
		"GET /incidents/{id}/edit":                         {"GET", "/incidents/" + id + "/edit", nil, 200},
		"POST /incidents/{id}/edit":                        {"POST", "/incidents/" + id + "/edit", editForm(s.inc), 303},
		"POST /incidents/{id}/retrospective":               {"POST", "/incidents/" + id + "/retrospective", url.Values{"version": {itoa(r.Version)}, "writer_id": {itoa(s.bo.ID)}}, 303},
		"GET /incidents/{id}/retrospective.md":             {"GET", "/incidents/" + id + "/retrospective.md", nil, 200},
		"GET /incidents/{id}/sections/{key}/edit":          {"GET", "/incidents/" + id + "/sections/summary/edit", nil, 200},
		"POST /incidents/{id}/sections/{key}/edit":         {"POST", "/incidents/" + id + "/sections/summary/edit", url.Values{"version": {itoa(sec.Version)}, "body": {"x"}}, 303},
		"GET /incidents/{id}/events/new":                   {"GET", "/incidents/" + id + "/events/new", nil, 200},
		"POST /incidents/{id}/events":                      {"POST", "/incidents/" + id + "/events", url.Values{"at": {"2024-03-12T14:00"}, "text": {"x"}, "kind": {"note"}}, 303},
		"GET /incidents/{id}/events/{eid}/edit":            {"GET", "/incidents/" + id + "/events/" + itoa(s.events[0].ID) + "/edit", nil, 200},
		"POST /incidents/{id}/events/{eid}/edit":           {"POST", "/incidents/" + id + "/events/" + itoa(s.events[1].ID) + "/edit", url.Values{"version": {itoa(s.events[1].Version)}, "at": {"2024-03-12T13:58:12"}, "text": {"y"}, "kind": {"deploy"}}, 303},
		"POST /incidents/{id}/events/delete":               {"POST", "/incidents/" + id + "/events/delete", url.Values{"event": {itoa(s.events[3].ID)}}, 303},
		"GET /incidents/{id}/actions/new":                  {"GET", "/incidents/" + id + "/actions/new", nil, 200},
		"POST /incidents/{id}/actions":                     {"POST", "/incidents/" + id + "/actions", url.Values{"title": {"x"}}, 303},
		"GET /incidents/{id}/actions/{aid}/edit":           {"GET", "/incidents/" + id + "/actions/" + itoa(s.actions[0].ID) + "/edit", nil, 200},
		"POST /incidents/{id}/actions/{aid}/edit":          {"POST", "/incidents/" + id + "/actions/" + itoa(s.actions[1].ID) + "/edit", url.Values{"version": {itoa(s.actions[1].Version)}, "title": {"z"}, "priority": {"high"}, "status": {"in_progress"}}, 303},
		"POST /incidents/{id}/actions/{aid}/status":        {"POST", "/incidents/" + id + "/actions/" + itoa(s.actions[2].ID) + "/status", url.Values{"version": {itoa(s.actions[2].Version)}, "status": {"in_progress"}}, 303},
		"POST /incidents/{id}/actions/delete":              {"POST", "/incidents/" + id + "/actions/delete", url.Values{"action": {itoa(s.actions[0].ID)}}, 303},
		"POST /incidents/{id}/actions/{aid}/ticket":        {"POST", "/incidents/" + id + "/actions/" + itoa(s.actions[2].ID) + "/ticket", url.Values{"tracker": {"github"}}, 400}, // no tracker here
		"GET /incidents/{id}/audit":                        {"GET", "/incidents/" + id + "/audit", nil, 200},
		"GET /actions":                                     {"GET", "/actions?overdue=1&view=board", nil, 200},
		"GET /actions/metrics":                             {"GET", "/actions/metrics?team=payments", nil, 200},
		"POST /incidents/{id}/access":                      {"POST", "/incidents/" + id + "/access", url.Values{"version": {"0"}, "restricted": {"1"}}, 400},
		"GET /people":                                      {"GET", "/people", nil, 200},
		"POST /people":                                     {"POST", "/people", url.Values{"name": {"Cy"}}, 303},
		"GET /login":                                       {"GET", "/login", nil, 303}, // signed in already
		"POST /login":                                      {"POST", "/login", url.Values{"email": {"x@example.com"}, "password": {"nope nope nope"}}, 401},
		"POST /logout":                                     {"POST", "/logout", url.Values{}, 303},
		"GET /setup":                                       {"GET", "/setup?token=x", nil, 404}, // set up already
		"POST /setup":                                      {"POST", "/setup", url.Values{"token": {"x"}}, 404},
		"GET /profile":                                     {"GET", "/profile", nil, 200},
		"POST /profile/password":                           {"POST", "/profile/password", url.Values{"current_password": {"x"}, "password": {"a new passphrase"}, "confirm": {"a new passphrase"}}, 403}, // single sign-on only
		"POST /profile/tokens":                             {"POST", "/profile/tokens", url.Values{"name": {"n"}, "scope": {"read"}, "expiry": {"0"}}, 201},
		"POST /profile/tokens/{tid}/revoke":                {"POST", "/profile/tokens/" + itoa(tok.ID) + "/revoke", url.Values{}, 303},
		"GET /teams":                                       {"GET", "/teams", nil, 200},
		"POST /teams":                                      {"POST", "/teams", url.Values{"name": {"Search"}}, 303},
		"GET /teams/{slug}":                                {"GET", "/teams/payments", nil, 200},
		"POST /teams/{slug}":                               {"POST", "/teams/payments", url.Values{"version": {itoa(pt.Version)}, "name": {"Payments"}, "default_visibility": {"team"}}, 303},
		"POST /teams/{slug}/members":                       {"POST", "/teams/payments/members", url.Values{"user_id": {itoa(other.ID)}, "role": {"editor"}}, 303},
		"POST /teams/{slug}/members/remove":                {"POST", "/teams/payments/members/remove", url.Values{"user_id": {itoa(other.ID)}}, 303},
		"GET /admin/users":                                 {"GET", "/admin/users", nil, 200},
		"POST /admin/users":                                {"POST", "/admin/users", url.Values{"name": {"Di"}, "email": {"di@example.com"}}, 303},
		"POST /admin/users/{uid}":                          {"POST", "/admin/users/" + itoa(other.ID), url.Values{"version": {itoa(other.Version)}, "org_admin": {"true"}}, 303},
		"GET /static/{version}/{path...}":                  {"GET", "/static/0/app.css", nil, 200},
		"/":                                                {"GET", "/nothing/here", nil, 404},
		"POST /incidents/{id}/retrospective/request":       {"POST", "/incidents/" + id + "/retrospective/request", url.Values{"requested": {"1"}, "version": {"0"}}, 400},
		"GET /templates":                                   {"GET", "/templates", nil, 200},
		"POST /templates":                                  {"POST", "/templates", url.Values{"team": {"payments"}, "format": {"yaml"}, "text": {"name: m\ntitle: M\nsections:\n  - title: S\n"}}, 303},
		"GET /templates/{name}":                            {"GET", "/templates/default", nil, 200},
		"POST /templates/rules":                            {"POST", "/templates/rules", url.Values{"team": {"payments"}, "op": {"add"}, "token": {""}, "template": {"minor"}}, 303},
		"GET /incidents/{id}/analysis":                     {"GET", "/incidents/" + id + "/analysis", nil, 200},
		"POST /incidents/{id}/analysis/items":              {"POST", "/incidents/" + id + "/analysis/items", url.Values{"kind": {"why"}, "title": {"Why?"}}, 303},
		"GET /incidents/{id}/analysis/items/{ref}/edit":    {"GET", "/incidents/" + id + "/analysis/items/S1/edit", nil, 200},
		"POST /incidents/{id}/analysis/items/{ref}/edit":   {"POST", "/incidents/" + id + "/analysis/items/S1/edit", url.Values{"version": {"1"}, "title": {"Controls never tested"}}, 303},
		"POST /incidents/{id}/analysis/items/{ref}/delete": {"POST", "/incidents/" + id + "/analysis/items/W1/delete", url.Values{}, 303},
		"POST /incidents/{id}/actions/{aid}/addresses":     {"POST", "/incidents/" + id + "/actions/" + itoa(s.actions[1].ID) + "/addresses", url.Values{"addresses": {"S1"}}, 303},
		"GET /teams/{slug}/controls":                       {"GET", "/teams/payments/controls", nil, 200},
		"POST /teams/{slug}/controls":                      {"POST", "/teams/payments/controls", url.Values{"name": {"Load shedding"}}, 303},
		"GET /teams/{slug}/controls/{cid}":                 {"GET", "/teams/payments/controls/" + itoa(cc.ID), nil, 200},
		"POST /teams/{slug}/categories":                    {"POST", "/teams/payments/categories", url.Values{"categories": {"Code\nConfig"}}, 303},
		"GET /incidents/{id}/evidence":                     {"GET", "/incidents/" + id + "/evidence", nil, 200},
		"POST /incidents/{id}/evidence/curate":             {"POST", "/incidents/" + id + "/evidence/curate", url.Values{"event": {itoa(s.events[2].ID)}, "version": {itoa(s.events[2].Version)}, "op": {"star"}}, 303},
		"POST /incidents/{id}/notes":                       {"POST", "/incidents/" + id + "/notes", url.Values{"text": {"x"}}, 303},
		"POST /incidents/{id}/timeline/confirm":            {"POST", "/incidents/" + id + "/timeline/confirm", url.Values{"confirmed": {"1"}}, 303},
		"POST /incidents/{id}/milestones/accept":           {"POST", "/incidents/" + id + "/milestones/accept", url.Values{"version": {"0"}}, 400},
		"GET /incidents/{id}/timeline.svg":                 {"GET", "/incidents/" + id + "/timeline.svg", nil, 200},
		"GET /incidents/{id}/import":                       {"GET", "/incidents/" + id + "/import", nil, 200},
		"POST /incidents/{id}/import":                      {"POST", "/incidents/" + id + "/import", url.Values{"source": {"csv"}}, 400}, // not multipart
		"GET /incidents/{id}/import/{token}":               {"GET", "/incidents/" + id + "/import/gone", nil, 303},
		"POST /incidents/{id}/import/{token}":              {"POST", "/incidents/" + id + "/import/gone", url.Values{}, 303},
		"GET /incidents/{id}/export":                       {"GET", "/incidents/" + id + "/export?format=debrief", nil, 200},
		"GET /incidents/export.zip":                        {"GET", "/incidents/export.zip", nil, 200},
		"GET /import":                                      {"GET", "/import", nil, 200},
		"POST /import/preview":                             {"POST", "/import/preview", url.Values{"team": {"payments"}}, 400}, // no file
		"POST /import":                                     {"POST", "/import", url.Values{"team": {"payments"}, "name": {"x.md"}, "content": {"IyBJbXBvcnRlZAo"}}, 303},
	}
	// Linking a recurring item (the incident's own: 400 once access is decided).
	calls["POST /incidents/{id}/links"] = call{"POST", "/incidents/" + id + "/links", url.Values{"incident": {id}, "action": {itoa(s.actions[2].ID)}}, 400}
	calls["POST /incidents/{id}/links/remove"] = call{"POST", "/incidents/" + id + "/links/remove", url.Values{"incident": {id}, "action": {itoa(s.actions[2].ID)}}, 400}
	order := []string{} // routes in the order registered; /logout runs last
	for _, p := range e.web.Routes() {
		if _, ok := calls[p]; !ok {
			t.Errorf("route %q is not covered by this test: add it", p)
			continue
		}
		if p != "POST /logout" {
			order = append(order, p)
		}
	}
	order = append(order, "POST /logout")
	for _, p := range order {
		c := calls[p]
		var w interface{ Result() *http.Response }
		if c.method == "GET" {
			w = e.get(c.path)
		} else {
			w = e.post(c.path, c.form)
		}
		if got := w.Result().StatusCode; got != c.status {
			t.Errorf("%s (%s %s): status %d, want %d", p, c.method, c.path, got, c.status)
		}
		// Signed out, no route answers with anything but the sign-in
		// page or a refusal.
		a := e.anon()
		var aw interface{ Result() *http.Response }
		if c.method == "GET" {
			aw = a.get(c.path)
		} else {
			a.get("/login")
			aw = a.post(c.path, c.form)
		}
		code := aw.Result().StatusCode
		switch {
		case p == "GET /login" || p == "GET /static/{version}/{path...}" || p == "/" || p == "POST /login" || strings.Contains(p, "setup"):
		case p == "POST /logout" && code == 303:
		case c.method == "GET" && code == 303 && strings.HasPrefix(aw.Result().Header.Get("Location"), "/login"):
		case c.method == "POST" && code == 401:
		default:
			t.Errorf("%s signed out: status %d", p, code)
		}
	}
}

var _ = app.SessionLifetime
