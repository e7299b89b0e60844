package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

// Who may do what is decided by the service; these tests hold the API to
// answering what it decides, in the document's shapes, through the real
// authentication middleware.

// me is the answer of GET /me.
type me struct {
	User        debrief.User          `json:"user"`
	Scope       debrief.Scope         `json:"scope"`
	Memberships []*debrief.Membership `json:"memberships"`
}

// tokenCreated is the answer of POST /me/tokens.
type tokenCreated struct {
	debrief.APIToken
	Token string `json:"token"`
}

// auditList is the answer of the audit lists.
type auditList struct {
	Items       []*debrief.AuditEntry `json:"items"`
	Limit       int                   `json:"limit"`
	NextAfterID *int64                `json:"next_after_id"`
}

func TestMe(t *testing.T) {
	e := newEnv(t)
	m := want[me](t, e.do("GET", "/api/v1/me", nil), 200)
	if m.User.ID != e.admin.ID || m.User.Email != "admin@example.com" || !m.User.OrgAdmin || m.Scope != debrief.ScopeWrite {
		t.Errorf("me %+v", m)
	}
	if len(m.Memberships) != 1 || m.Memberships[0].TeamSlug != "ops" || m.Memberships[0].TeamID != e.team.ID ||
		m.Memberships[0].Role != debrief.RoleAdmin || m.Memberships[0].UserID != e.admin.ID {
		t.Errorf("memberships %+v", m.Memberships)
	}
	if bytes.Contains(e.do("GET", "/api/v1/me", nil).body, []byte("password")) {
		t.Error("GET /me mentions a password")
	}

	blue := e.newTeam("blue", debrief.VisibleToTeam)
	ann := e.newUser("Ann Viewer", map[*debrief.Team]debrief.Role{blue: debrief.RoleViewer, e.team: debrief.RoleEditor})
	m = want[me](t, e.doAs(ann.token, "GET", "/api/v1/me", nil), 200)
	if m.User.ID != ann.ID || m.User.OrgAdmin || len(m.Memberships) != 2 ||
		m.Memberships[0].TeamSlug != "blue" || m.Memberships[0].Role != debrief.RoleViewer ||
		m.Memberships[1].TeamSlug != "ops" || m.Memberships[1].Role != debrief.RoleEditor {
		t.Errorf("ann's me %+v %+v", m.User, m.Memberships)
	}
	wantError(t, e.send(req{method: "GET", path: "/api/v1/me", anonymous: true}), 401, "unauthorized", "")
	wantError(t, e.do("GET", "/api/v1/me?full=1", nil), 400, "invalid", "full")
}

func TestNoCredentials(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Cache stampede"})
	before := e.snapshot(inc.ID)
	for _, rq := range []req{
		{method: "GET", path: "/api/v1/incidents"},
		{method: "GET", path: fmt.Sprintf("/api/v1/incidents/%d", inc.ID)},
		{method: "PATCH", path: fmt.Sprintf("/api/v1/incidents/%d", inc.ID), body: map[string]any{"title": "x", "version": 1}},
		{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "team": "ops"}},
		{method: "DELETE", path: fmt.Sprintf("/api/v1/incidents/%d", inc.ID)},
		{method: "GET", path: "/api/v1/people"},
		{method: "GET", path: "/api/v1/me/tokens"},
		{method: "GET", path: "/api/v1/teams"},
		{method: "GET", path: "/api/v1/audit.jsonl"},
	} {
		rq.anonymous = true
		wantError(t, e.send(rq), 401, "unauthorized", "")
	}
	// A malformed or unknown token is refused by the middleware, never
	// taken as no credentials.
	r := e.send(req{method: "GET", path: "/api/v1/incidents", token: "not-a-token"})
	wantError(t, r, 401, "unauthorized", "")
	if r.header.Get("WWW-Authenticate") == "" {
		t.Error("401 for a bad token without WWW-Authenticate")
	}
	wantError(t, e.send(req{method: "GET", path: "/api/v1/incidents", anonymous: true,
		header: http.Header{"Authorization": {"Basic YWRtaW46YWRtaW4="}}}), 401, "unauthorized", "")
	// The document and the configuration are public; a bad token is still refused there.
	if r := e.send(req{method: "GET", path: "/api/v1/config", anonymous: true}); r.status != 200 {
		t.Errorf("config without credentials: %d", r.status)
	}
	if r := e.send(req{method: "GET", path: "/api/v1/openapi.yaml", anonymous: true}); r.status != 200 {
		t.Errorf("openapi.yaml without credentials: %d", r.status)
	}
	wantError(t, e.send(req{method: "GET", path: "/api/v1/config", token: "nope"}), 401, "unauthorized", "")
	if after := e.snapshot(inc.ID); after != before {
		t.Error("a request without credentials wrote something")
	}
}

func TestTokens(t *testing.T) {
	e := newEnv(t)
	expires := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	r := e.do("POST", "/api/v1/me/tokens", map[string]any{"name": "deploy bot", "scope": "read", "expires_at": expires.Format(time.RFC3339)})
	tok := want[tokenCreated](t, r, 201)
	if tok.Token == "" || tok.Name != "deploy bot" || tok.Scope != debrief.ScopeRead || tok.UserID != e.admin.ID ||
		tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(expires) || tok.RevokedAt != nil || tok.Prefix == "" ||
		!strings.Contains(tok.Token, tok.Prefix) {
		t.Errorf("created %+v", tok)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q on an answer holding a secret", cc)
	}

	// The secret works, as itself and nothing more.
	m := want[me](t, e.doAs(tok.Token, "GET", "/api/v1/me", nil), 200)
	if m.User.ID != e.admin.ID || m.Scope != debrief.ScopeRead {
		t.Errorf("me with the new token %+v", m)
	}

	// The list never shows a secret again.
	r = e.do("GET", "/api/v1/me/tokens", nil)
	l := want[list[debrief.APIToken]](t, r, 200)
	if l.Total != 2 || len(l.Items) != 2 || bytes.Contains(r.body, []byte(tok.Token)) || bytes.Contains(r.body, []byte(e.token)) {
		t.Errorf("tokens %+v", l)
	}
	if !slices.ContainsFunc(l.Items, func(x debrief.APIToken) bool { return x.ID == tok.ID && x.Name == "deploy bot" }) {
		t.Errorf("the new token is not listed: %+v", l.Items)
	}
	l = want[list[debrief.APIToken]](t, e.do("GET", "/api/v1/me/tokens?offset=1&limit=1", nil), 200)
	if l.Total != 2 || len(l.Items) != 1 || l.Offset != 1 || l.Limit != 1 {
		t.Errorf("page %+v", l)
	}

	// Someone else's tokens are theirs: not listed, not revocable.
	bob := e.newUser("Bob Editor", nil)
	l = want[list[debrief.APIToken]](t, e.doAs(bob.token, "GET", "/api/v1/me/tokens", nil), 200)
	if l.Total != 1 || l.Items[0].UserID != bob.ID {
		t.Errorf("bob's tokens %+v", l)
	}
	// (With a token nobody revokes tokens at all: that needs a session.)
	wantError(t, e.doAs(bob.token, "DELETE", fmt.Sprintf("/api/v1/me/tokens/%d", tok.ID), nil), 403, "forbidden", "")

	// Revocation: at once, and the token stays listed with the time.
	r = e.do("DELETE", fmt.Sprintf("/api/v1/me/tokens/%d", tok.ID), nil)
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	eb := wantError(t, e.doAs(tok.Token, "GET", "/api/v1/me", nil), 401, "unauthorized", "")
	if !strings.Contains(strings.ToLower(eb.Error.Message), "revoked") {
		t.Errorf("message %q does not say the token was revoked", eb.Error.Message)
	}
	l = want[list[debrief.APIToken]](t, e.do("GET", "/api/v1/me/tokens", nil), 200)
	for _, x := range l.Items {
		if x.ID == tok.ID && x.RevokedAt == nil {
			t.Errorf("revoked token listed without revoked_at: %+v", x)
		}
	}
	wantError(t, e.do("DELETE", "/api/v1/me/tokens/999999", nil), 404, "not_found", "")
	wantError(t, e.do("DELETE", "/api/v1/me/tokens/first", nil), 400, "invalid", "tokenID")

	// Strict input, as everywhere.
	wantError(t, e.do("POST", "/api/v1/me/tokens", map[string]any{"name": "x", "expires_at": "2030-01-01T00:00:00"}), 400, "invalid", "expires_at")
	wantError(t, e.do("POST", "/api/v1/me/tokens", map[string]any{"name": "x", "secret": "mine"}), 400, "invalid", "secret")
}

func TestTokenScope(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Cache stampede"})
	incPath := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	ro := e.newToken(e.admin, debrief.ScopeRead, nil)

	for _, p := range []string{incPath, "/api/v1/incidents", incPath + "/retrospective", incPath + "/events", "/api/v1/people", "/api/v1/me"} {
		if r := e.doAs(ro, "GET", p, nil); r.status != 200 {
			t.Errorf("GET %s with a read-only token: %d %s", p, r.status, r.body)
		}
	}
	before := e.snapshot(inc.ID)
	for _, rq := range []req{
		{method: "POST", path: "/api/v1/incidents", body: e.withTeam(map[string]any{"title": "x"})},
		{method: "PATCH", path: incPath, body: map[string]any{"title": "x", "version": 1}},
		{method: "DELETE", path: incPath},
		{method: "POST", path: incPath + "/events", body: map[string]any{"at": "2024-05-01T14:03:00Z", "text": "x"}},
		{method: "PATCH", path: incPath + "/retrospective/sections/summary", body: map[string]any{"body": "x", "version": 1}},
		{method: "POST", path: "/api/v1/people", body: map[string]any{"name": "x"}},
		{method: "POST", path: "/api/v1/teams", body: map[string]any{"slug": "x", "name": "x"}},
		{method: "POST", path: "/api/v1/me/tokens", body: map[string]any{"name": "escalate", "scope": "read-write"}},
	} {
		rq.token = ro
		eb := wantError(t, e.send(rq), 403, "forbidden", "")
		if !strings.Contains(eb.Error.Message, "read-only") {
			t.Errorf("%s %s: message %q does not say the token is read-only", rq.method, rq.path, eb.Error.Message)
		}
	}
	if after := e.snapshot(inc.ID); after != before {
		t.Error("a read-only token wrote something")
	}
	l := want[list[debrief.APIToken]](t, e.do("GET", "/api/v1/me/tokens", nil), 200)
	if l.Total != 2 {
		t.Errorf("a read-only token made a token: %+v", l.Items)
	}
}

func TestTokenExpiry(t *testing.T) {
	e := newEnv(t)
	expires := time.Now().Add(time.Hour)
	tok := e.newToken(e.admin, debrief.ScopeWrite, &expires)
	want[me](t, e.doAs(tok, "GET", "/api/v1/me", nil), 200)
	e.clock.advance(2 * time.Hour)
	eb := wantError(t, e.doAs(tok, "GET", "/api/v1/me", nil), 401, "unauthorized", "")
	if !strings.Contains(strings.ToLower(eb.Error.Message), "expired") {
		t.Errorf("message %q does not say the token expired", eb.Error.Message)
	}
	wantError(t, e.doAs(tok, "PATCH", "/api/v1/people/1", map[string]any{"name": "x", "version": 1}), 401, "unauthorized", "")
	// A token that does not expire still works at that time.
	want[me](t, e.do("GET", "/api/v1/me", nil), 200)
}

// TestOtherTeamIsNotFound: an incident of a team the caller is not in, and
// which that team keeps to itself, does not exist for them: the answer is
// the very answer for an id nobody has, whatever they try.
func TestOtherTeamIsNotFound(t *testing.T) {
	e := newEnv(t)
	blue := e.newTeam("blue", debrief.VisibleToTeam)
	ann := e.newUser("Ann Outsider", map[*debrief.Team]debrief.Role{blue: debrief.RoleAdmin})
	inc := e.incident(map[string]any{"title": "Secret outage"})
	if inc.Visibility != debrief.VisibleToTeam {
		t.Fatalf("visibility %q, want the team's default", inc.Visibility)
	}
	missing := int64(999999)
	before := e.snapshot(inc.ID)
	for _, rq := range []req{
		{method: "GET", path: "/api/v1/incidents/%d"},
		{method: "PATCH", path: "/api/v1/incidents/%d", body: map[string]any{"title": "x", "version": 1}},
		{method: "DELETE", path: "/api/v1/incidents/%d"},
		{method: "GET", path: "/api/v1/incidents/%d/retrospective"},
		{method: "GET", path: "/api/v1/incidents/%d/retrospective.md"},
		{method: "GET", path: "/api/v1/incidents/%d/lint"},
		{method: "GET", path: "/api/v1/incidents/%d/retrospective/sections/summary"},
		{method: "GET", path: "/api/v1/incidents/%d/events"},
		{method: "POST", path: "/api/v1/incidents/%d/events", body: map[string]any{"at": "2024-05-01T14:03:00Z", "text": "x"}},
		{method: "GET", path: "/api/v1/incidents/%d/actions"},
		{method: "GET", path: "/api/v1/incidents/%d/audit"},
	} {
		path := rq.path
		rq.token = ann.token
		rq.path = fmt.Sprintf(path, inc.ID)
		got := e.send(rq)
		rq.path = fmt.Sprintf(path, missing)
		ref := e.send(rq)
		wantError(t, got, 404, "not_found", "")
		wantError(t, ref, 404, "not_found", "")
		hidden := strings.ReplaceAll(string(got.body), fmt.Sprint(inc.ID), "ID")
		absent := strings.ReplaceAll(string(ref.body), fmt.Sprint(missing), "ID")
		if hidden != absent {
			t.Errorf("%s %s: answer differs from a missing id's:\n%s\n%s", rq.method, path, got.body, ref.body)
		}
	}
	l := want[list[debrief.Incident]](t, e.doAs(ann.token, "GET", "/api/v1/incidents", nil), 200)
	if l.Total != 0 || len(l.Items) != 0 {
		t.Errorf("ann lists %+v", l)
	}
	if after := e.snapshot(inc.ID); after != before {
		t.Error("an outsider changed something")
	}

	// Made visible to the organisation, ann may read it, and not change it.
	org := e.incident(map[string]any{"title": "Public outage", "visibility": "organization"})
	if org.Visibility != debrief.VisibleToOrganization {
		t.Fatalf("visibility %q", org.Visibility)
	}
	want[debrief.Incident](t, e.doAs(ann.token, "GET", fmt.Sprintf("/api/v1/incidents/%d", org.ID), nil), 200)
	l = want[list[debrief.Incident]](t, e.doAs(ann.token, "GET", "/api/v1/incidents", nil), 200)
	if l.Total != 1 || l.Items[0].ID != org.ID {
		t.Errorf("ann lists %+v", l)
	}
	wantError(t, e.doAs(ann.token, "PATCH", fmt.Sprintf("/api/v1/incidents/%d", org.ID), map[string]any{"title": "x", "version": 1}), 403, "forbidden", "")
}

func TestViewerCannotChange(t *testing.T) {
	e := newEnv(t)
	vic := e.newUser("Vic Viewer", map[*debrief.Team]debrief.Role{e.team: debrief.RoleViewer})
	inc := e.incident(map[string]any{"title": "Cache stampede"})
	ev := e.event(inc.ID, map[string]any{"at": "2024-05-01T14:00:00Z", "text": "Alert"})
	incPath := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)

	got := want[debrief.Incident](t, e.doAs(vic.token, "GET", incPath, nil), 200)
	if got.Title != "Cache stampede" {
		t.Errorf("viewer reads %+v", got)
	}
	before := e.snapshot(inc.ID)
	for _, rq := range []req{
		{method: "PATCH", path: incPath, body: map[string]any{"title": "Renamed by a viewer", "version": 1}},
		{method: "DELETE", path: incPath},
		{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "team": "ops"}},
		{method: "PATCH", path: fmt.Sprintf("%s/events/%d", incPath, ev.ID), body: map[string]any{"text": "x", "version": 1}},
		{method: "PATCH", path: incPath + "/retrospective/sections/summary", body: map[string]any{"body": "x", "version": 1}},
		{method: "POST", path: incPath + "/actions", body: map[string]any{"title": "x"}},
		{method: "PATCH", path: "/api/v1/teams/ops", body: map[string]any{"name": "x", "version": 1}},
	} {
		rq.token = vic.token
		r := e.send(rq)
		if rq.method == "POST" && rq.path == "/api/v1/incidents" {
			// Opening an incident for a team is refused naming the team.
			wantError(t, r, 403, "forbidden", "team")
			continue
		}
		wantError(t, r, 403, "forbidden", "")
	}
	if after := e.snapshot(inc.ID); after != before {
		t.Error("a viewer changed something")
	}
	// The refusal is in the audit log.
	l := want[auditList](t, e.do("GET", fmt.Sprintf("%s/audit?action=incident.update", incPath), nil), 200)
	if !slices.ContainsFunc(l.Items, func(a *debrief.AuditEntry) bool {
		return a.Outcome == debrief.AuditDenied && a.ActorID == vic.ID
	}) {
		t.Errorf("the viewer's refused change is not in the audit log: %+v", l.Items)
	}
}

// TestRestrictedRetrospective: a viewer outside the team may see an
// organisation-visible incident, but not its restricted write-up, until
// they are made a reader of it.
func TestRestrictedRetrospective(t *testing.T) {
	e := newEnv(t)
	blue := e.newTeam("blue", debrief.VisibleToTeam)
	ann := e.newUser("Ann Outsider", map[*debrief.Team]debrief.Role{blue: debrief.RoleViewer})
	inc := e.incident(map[string]any{"title": "Credential leak", "visibility": "organization"})
	incPath := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	e.event(inc.ID, map[string]any{"at": "2024-05-01T14:00:00Z", "text": "Key found in a public repository"})
	want[debrief.Section](t, e.do("PATCH", incPath+"/retrospective/sections/summary", map[string]any{"body": "The signing key leaked.", "version": 1}), 200)

	retro := want[debrief.Retrospective](t, e.do("GET", incPath+"/retrospective", nil), 200)
	if retro.Restricted || retro.Readers == nil || len(retro.Readers) != 0 {
		t.Errorf("a new retrospective: restricted %v readers %v", retro.Restricted, retro.Readers)
	}
	// Open, ann reads it all.
	want[list[debrief.Section]](t, e.doAs(ann.token, "GET", incPath+"/retrospective/sections", nil), 200)

	retro = want[debrief.Retrospective](t, e.do("PATCH", incPath+"/retrospective", map[string]any{"restricted": true, "version": retro.Version}), 200)
	if !retro.Restricted {
		t.Fatalf("not restricted: %+v", retro)
	}
	want[debrief.Incident](t, e.doAs(ann.token, "GET", incPath, nil), 200)
	for _, p := range []string{
		"/retrospective/sections", "/retrospective/sections/summary", "/retrospective.md", "/retrospective",
		"/events", "/actions", "/lint",
	} {
		r := e.doAs(ann.token, "GET", incPath+p, nil)
		wantError(t, r, 403, "forbidden", "")
		if bytes.Contains(r.body, []byte("signing key")) {
			t.Errorf("GET %s leaks the write-up: %s", p, r.body)
		}
	}

	// A reader reads it.
	retro = want[debrief.Retrospective](t, e.do("PATCH", incPath+"/retrospective", map[string]any{"readers": []int64{ann.ID}, "version": retro.Version}), 200)
	if !slices.Equal(retro.Readers, []int64{ann.ID}) {
		t.Fatalf("readers %v", retro.Readers)
	}
	sec := want[debrief.Section](t, e.doAs(ann.token, "GET", incPath+"/retrospective/sections/summary", nil), 200)
	if sec.Body != "The signing key leaked." {
		t.Errorf("reader gets %+v", sec)
	}
	// A reader who is no admin of the team does not open it up.
	wantError(t, e.doAs(ann.token, "PATCH", incPath+"/retrospective", map[string]any{"restricted": false, "version": retro.Version}), 403, "forbidden", "")
}

// TestAuditOfIncidentUpdate: a PATCH leaves an entry with who, when, and
// the incident before and after, and the field it changed is in both.
func TestAuditOfIncidentUpdate(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Cache stampede", "severity": "SEV3"})
	incPath := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	start := time.Now().Add(-time.Minute)
	want[debrief.Incident](t, e.do("PATCH", incPath, map[string]any{"severity": "SEV1", "version": 1}), 200)

	l := want[auditList](t, e.do("GET", incPath+"/audit", nil), 200)
	if len(l.Items) < 2 || l.Limit != 100 {
		t.Fatalf("audit %+v", l)
	}
	upd := l.Items[0] // newest first
	if upd.Action != "incident.update" || upd.Outcome != debrief.AuditOK || upd.ActorID != e.admin.ID ||
		upd.Actor != "admin@example.com" || upd.ObjectType != "incident" || upd.ObjectID != fmt.Sprint(inc.ID) ||
		upd.IncidentID == nil || *upd.IncidentID != inc.ID || upd.At.Before(start) || upd.Address == "" {
		t.Errorf("entry %+v", upd)
	}
	before := decodeJSON[debrief.Incident](t, upd.Before)
	after := decodeJSON[debrief.Incident](t, upd.After)
	if before.Severity != "SEV3" || after.Severity != "SEV1" || before.Version != 1 || after.Version != 2 ||
		before.Title != "Cache stampede" || after.Title != "Cache stampede" {
		t.Errorf("before %+v\nafter %+v", before, after)
	}
	if l.Items[len(l.Items)-1].Action != "incident.create" {
		t.Errorf("oldest entry %+v, want the creation", l.Items[len(l.Items)-1])
	}

	// Filters and paging by id.
	l = want[auditList](t, e.do("GET", incPath+"/audit?action=incident.create", nil), 200)
	if len(l.Items) != 1 || l.Items[0].Before != nil || l.Items[0].After == nil {
		t.Errorf("creation entries %+v", l.Items)
	}
	created := l.Items[0].ID
	l = want[auditList](t, e.do("GET", fmt.Sprintf("%s/audit?after_id=%d&limit=1", incPath, created), nil), 200)
	if len(l.Items) != 1 || l.Items[0].ID != upd.ID || l.NextAfterID == nil || *l.NextAfterID != upd.ID {
		t.Errorf("after the creation %+v", l)
	}
	l = want[auditList](t, e.do("GET", fmt.Sprintf("%s/audit?since=%s", incPath, time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), nil), 200)
	if len(l.Items) != 0 {
		t.Errorf("since an hour from now %+v", l.Items)
	}
	wantError(t, e.do("GET", incPath+"/audit?since=2024-05-01T14:03:00", nil), 400, "invalid", "since")
	wantError(t, e.do("GET", incPath+"/audit?offset=1", nil), 400, "invalid", "offset")

	// The whole log, for organisation admins.
	all := want[auditList](t, e.do("GET", fmt.Sprintf("/api/v1/audit?incident_id=%d&action=incident.update", inc.ID), nil), 200)
	if len(all.Items) != 1 || all.Items[0].ID != upd.ID {
		t.Errorf("the whole log, filtered %+v", all.Items)
	}
	all = want[auditList](t, e.do("GET", fmt.Sprintf("/api/v1/audit?actor_id=%d", e.admin.ID), nil), 200)
	if len(all.Items) == 0 {
		t.Error("nothing by the admin")
	}
	vic := e.newUser("Vic Viewer", map[*debrief.Team]debrief.Role{e.team: debrief.RoleViewer})
	wantError(t, e.doAs(vic.token, "GET", "/api/v1/audit", nil), 403, "forbidden", "")
	// A member of the team reads the incident's own log.
	want[auditList](t, e.doAs(vic.token, "GET", incPath+"/audit", nil), 200)

	// The log outlives the incident, for organisation admins.
	if r := e.do("DELETE", incPath, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	l = want[auditList](t, e.do("GET", incPath+"/audit", nil), 200)
	if len(l.Items) != 3 || l.Items[0].Action != "incident.delete" || l.Items[0].Before == nil {
		t.Errorf("the deleted incident's log %+v", l.Items)
	}
	wantError(t, e.doAs(vic.token, "GET", incPath+"/audit", nil), 404, "not_found", "")
}

// exportLines reads an export, checks its headers, and parses it line by
// line.
func exportLines(t *testing.T, r *resp) []*debrief.AuditEntry {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("export: %d %s", r.status, clip(r.body))
	}
	if ct := r.header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="debrief-audit.jsonl"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if len(r.body) > 0 && r.body[len(r.body)-1] != '\n' {
		t.Error("the export does not end with a newline")
	}
	var out []*debrief.AuditEntry
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	sc.Buffer(nil, 4<<20)
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var a debrief.AuditEntry
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("line %d: %v: %s", n, err, sc.Bytes())
		}
		if dec.More() {
			t.Fatalf("line %d holds more than one value", n)
		}
		if len(out) > 0 && a.ID <= out[len(out)-1].ID {
			t.Fatalf("line %d: id %d after %d: not oldest first", n, a.ID, out[len(out)-1].ID)
		}
		// Each line is an AuditEntry as the document has it.
		var v any
		json.Unmarshal(sc.Bytes(), &v)
		doc, _ := loadDoc(t)
		if err := doc.Components.Schemas["AuditEntry"].Value.VisitJSON(v); err != nil {
			t.Fatalf("line %d does not match AuditEntry: %v", n, err)
		}
		out = append(out, &a)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAuditExport(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Cache stampede"})
	want[debrief.Incident](t, e.do("PATCH", fmt.Sprintf("/api/v1/incidents/%d", inc.ID), map[string]any{"title": "Cache stampede (EU)", "version": 1}), 200)
	vic := e.newUser("Vic Viewer", map[*debrief.Team]debrief.Role{e.team: debrief.RoleViewer})
	wantError(t, e.doAs(vic.token, "GET", "/api/v1/audit.jsonl", nil), 403, "forbidden", "")
	wantError(t, e.doAs(vic.token, "PATCH", fmt.Sprintf("/api/v1/incidents/%d", inc.ID), map[string]any{"title": "x", "version": 2}), 403, "forbidden", "")

	lines := exportLines(t, e.do("GET", "/api/v1/audit.jsonl", nil))
	// Everything the log holds, and the same entries the list answers.
	newest := want[auditList](t, e.do("GET", "/api/v1/audit?limit=1000", nil), 200)
	if len(lines) != len(newest.Items) || len(lines) < 3 {
		t.Fatalf("%d lines, the log lists %d", len(lines), len(newest.Items))
	}
	for i, a := range lines {
		b := newest.Items[len(newest.Items)-1-i]
		if a.ID != b.ID || a.Action != b.Action || !bytes.Equal(a.After, b.After) {
			t.Errorf("line %d: %+v, want %+v", i+1, a, b)
		}
	}
	var found bool
	for _, a := range lines {
		if a.Action == "incident.update" && a.Outcome == debrief.AuditOK {
			found = decodeJSON[debrief.Incident](t, a.Before).Title == "Cache stampede" &&
				decodeJSON[debrief.Incident](t, a.After).Title == "Cache stampede (EU)"
		}
	}
	if !found {
		t.Error("the export lacks the incident's update with its before and after")
	}
	denied := slices.ContainsFunc(lines, func(a *debrief.AuditEntry) bool {
		return a.Outcome == debrief.AuditDenied && a.ActorID == vic.ID
	})
	if !denied {
		t.Error("the export lacks the viewer's refused attempt")
	}

	// Resuming after an id.
	mid := lines[len(lines)/2].ID
	rest := exportLines(t, e.do("GET", fmt.Sprintf("/api/v1/audit.jsonl?after_id=%d", mid), nil))
	if len(rest) == 0 || rest[0].ID <= mid || len(rest) != len(lines)-len(lines)/2-1 {
		t.Errorf("after %d: %d lines of %d", mid, len(rest), len(lines))
	}
	wantError(t, e.do("GET", "/api/v1/audit.jsonl?after_id=0", nil), 400, "invalid", "after_id")
	wantError(t, e.do("GET", "/api/v1/audit.jsonl?limit=5", nil), 400, "invalid", "limit")
}

// TestAuditExportPages exports a log longer than many of the export's
// pages: every entry once, in order.
func TestAuditExportPages(t *testing.T) {
	e := newEnv(t)
	const n = 1234
	for i := range n {
		if err := e.store.AppendAudit(t.Context(), &debrief.AuditEntry{
			Actor: "system", Action: "test.entry", Outcome: debrief.AuditOK,
			ObjectType: "test", ObjectID: fmt.Sprint(i), After: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)),
		}); err != nil {
			t.Fatal(err)
		}
	}
	r := e.do("GET", "/api/v1/audit.jsonl", nil)
	lines := exportLines(t, r)
	var entries []*debrief.AuditEntry
	for _, a := range lines {
		if a.Action == "test.entry" {
			entries = append(entries, a)
		}
	}
	if len(entries) != n {
		t.Fatalf("%d test entries exported, want %d", len(entries), n)
	}
	for i, a := range entries {
		if a.ObjectID != fmt.Sprint(i) {
			t.Fatalf("entry %d is %s", i, a.ObjectID)
		}
	}
}

// TestCSRF: a change made with the session cookie alone, without the
// session's CSRF token, is refused and changes nothing; with it, it is made.
func TestCSRF(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Cache stampede"})
	incPath := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	_, secret, sess := e.actorOf(e.admin)
	cookie := http.Header{"Cookie": {"debrief_session=" + secret}}

	// Reading with the cookie needs no token.
	want[debrief.Incident](t, e.send(req{method: "GET", path: incPath, anonymous: true, header: cookie}), 200)

	before := e.snapshot(inc.ID)
	for _, h := range []http.Header{cookie, {"Cookie": cookie["Cookie"], "X-Csrf-Token": {"forged"}}} {
		wantError(t, e.send(req{method: "PATCH", path: incPath, anonymous: true, header: h,
			body: map[string]any{"title": "Forged", "version": 1}}), 403, "forbidden", "")
		wantError(t, e.send(req{method: "DELETE", path: incPath, anonymous: true, header: h}), 403, "forbidden", "")
	}
	if after := e.snapshot(inc.ID); after != before {
		t.Fatal("a request without the CSRF token changed something")
	}
	l := want[auditList](t, e.do("GET", "/api/v1/audit?action=csrf", nil), 200)
	if len(l.Items) != 4 || l.Items[0].Outcome != debrief.AuditDenied || l.Items[0].ActorID != e.admin.ID {
		t.Errorf("refused CSRF attempts in the log: %+v", l.Items)
	}

	h := http.Header{"Cookie": cookie["Cookie"], "X-Csrf-Token": {sess.CSRFToken}}
	got := want[debrief.Incident](t, e.send(req{method: "PATCH", path: incPath, anonymous: true, header: h,
		body: map[string]any{"title": "Renamed in the browser", "version": 1}}), 200)
	if got.Title != "Renamed in the browser" {
		t.Errorf("patched %+v", got)
	}
}

func TestUsers(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/users", map[string]any{"email": "grace@example.com", "name": "Grace Hopper", "password": testPassword})
	grace := want[debrief.User](t, r, 201)
	if grace.Email != "grace@example.com" || grace.Name != "Grace Hopper" || grace.OrgAdmin || grace.Disabled || grace.Version != 1 {
		t.Errorf("created %+v", grace)
	}
	if got, wantLoc := r.header.Get("Location"), fmt.Sprintf("/api/v1/users/%d", grace.ID); got != wantLoc {
		t.Errorf("Location %q, want %q", got, wantLoc)
	}
	if bytes.Contains(r.body, []byte("password")) || bytes.Contains(r.body, []byte("hash")) {
		t.Errorf("the answer mentions the password: %s", r.body)
	}
	wantError(t, e.do("POST", "/api/v1/users", map[string]any{"email": "GRACE@example.com", "name": "Another"}), 409, "conflict", "email")
	wantError(t, e.do("POST", "/api/v1/users", map[string]any{"email": "x@example.com", "name": "x", "org_admin": "yes"}), 400, "invalid", "org_admin")

	path := fmt.Sprintf("/api/v1/users/%d", grace.ID)
	got := want[debrief.User](t, e.do("GET", path, nil), 200)
	if got.ID != grace.ID || got.Email != grace.Email {
		t.Errorf("get %+v", got)
	}
	l := want[list[debrief.User]](t, e.do("GET", "/api/v1/users?q=grace", nil), 200)
	if l.Total != 1 || l.Items[0].ID != grace.ID {
		t.Errorf("search %+v", l)
	}
	l = want[list[debrief.User]](t, e.do("GET", "/api/v1/users", nil), 200)
	if l.Total != 2 {
		t.Errorf("all %+v", l)
	}
	upd := want[debrief.User](t, e.do("PATCH", path, map[string]any{"name": "Rear Admiral Hopper", "version": 1}), 200)
	if upd.Name != "Rear Admiral Hopper" || upd.Version != 2 {
		t.Errorf("patched %+v", upd)
	}
	eb := wantError(t, e.do("PATCH", path, map[string]any{"name": "Stale", "version": 1}), 409, "conflict", "")
	if cur := decodeJSON[debrief.User](t, eb.Current); cur.Version != 2 || cur.Name != "Rear Admiral Hopper" {
		t.Errorf("conflict current %+v", cur)
	}
	wantError(t, e.do("GET", "/api/v1/users/999999", nil), 404, "not_found", "")
	wantError(t, e.do("GET", "/api/v1/users/me", nil), 400, "invalid", "userID")

	// Anyone else sees only themselves, and manages nobody.
	bob := e.newUser("Bob Editor", map[*debrief.Team]debrief.Role{e.team: debrief.RoleEditor})
	l = want[list[debrief.User]](t, e.doAs(bob.token, "GET", "/api/v1/users", nil), 200)
	if l.Total != 1 || l.Items[0].ID != bob.ID {
		t.Errorf("bob lists %+v", l)
	}
	want[debrief.User](t, e.doAs(bob.token, "GET", fmt.Sprintf("/api/v1/users/%d", bob.ID), nil), 200)
	wantError(t, e.doAs(bob.token, "GET", path, nil), 404, "not_found", "")
	wantError(t, e.doAs(bob.token, "POST", "/api/v1/users", map[string]any{"email": "eve@example.com", "name": "Eve"}), 403, "forbidden", "")
	wantError(t, e.doAs(bob.token, "PATCH", fmt.Sprintf("/api/v1/users/%d", bob.ID), map[string]any{"org_admin": true, "version": 1}), 403, "forbidden", "")
	self := want[debrief.User](t, e.doAs(bob.token, "PATCH", fmt.Sprintf("/api/v1/users/%d", bob.ID), map[string]any{"name": "Robert", "version": 1}), 200)
	if self.Name != "Robert" || self.OrgAdmin {
		t.Errorf("bob renamed himself: %+v", self)
	}

	// A disabled user's token stops working.
	want[debrief.User](t, e.do("PATCH", fmt.Sprintf("/api/v1/users/%d", bob.ID), map[string]any{"disabled": true, "version": self.Version}), 200)
	wantError(t, e.doAs(bob.token, "GET", "/api/v1/me", nil), 401, "unauthorized", "")
}

func TestTeams(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/teams", map[string]any{"slug": "payments", "name": "Payments", "default_visibility": "organization"})
	pay := want[debrief.Team](t, r, 201)
	if pay.Slug != "payments" || pay.Name != "Payments" || pay.DefaultVisibility != debrief.VisibleToOrganization || pay.Version != 1 {
		t.Errorf("created %+v", pay)
	}
	if got := r.header.Get("Location"); got != "/api/v1/teams/payments" {
		t.Errorf("Location %q", got)
	}
	eb := wantError(t, e.do("POST", "/api/v1/teams", map[string]any{"slug": "payments", "name": "Again"}), 409, "conflict", "slug")
	if cur := decodeJSON[debrief.Team](t, eb.Current); cur.ID != pay.ID {
		t.Errorf("conflict current %+v", cur)
	}
	wantError(t, e.do("POST", "/api/v1/teams", map[string]any{"slug": "x", "name": "x", "default_visibility": "world"}), 400, "invalid", "default_visibility")

	l := want[list[debrief.Team]](t, e.do("GET", "/api/v1/teams", nil), 200)
	if l.Total != 2 || len(l.Items) != 2 {
		t.Errorf("teams %+v", l)
	}
	got := want[debrief.Team](t, e.do("GET", "/api/v1/teams/payments", nil), 200)
	if got.ID != pay.ID {
		t.Errorf("get %+v", got)
	}
	wantError(t, e.do("GET", "/api/v1/teams/nope", nil), 404, "not_found", "")

	// New incidents take the team's visibility.
	inc := e.incident(map[string]any{"title": "Card declines", "team": "payments"})
	if inc.Team != "payments" || inc.Visibility != debrief.VisibleToOrganization {
		t.Errorf("incident %+v", inc)
	}

	// Members.
	ann := e.newUser("Ann Member", nil)
	m := want[debrief.Membership](t, e.do("PUT", fmt.Sprintf("/api/v1/teams/payments/members/%d", ann.ID), map[string]any{"role": "editor"}), 200)
	if m.TeamID != pay.ID || m.UserID != ann.ID || m.Role != debrief.RoleEditor || m.TeamSlug != "payments" {
		t.Errorf("member %+v", m)
	}
	ml := want[list[debrief.Membership]](t, e.do("GET", "/api/v1/teams/payments/members", nil), 200)
	if ml.Total != 1 || ml.Items[0].UserID != ann.ID || ml.Items[0].UserName != "Ann Member" {
		t.Errorf("members %+v", ml)
	}
	wantError(t, e.do("PUT", fmt.Sprintf("/api/v1/teams/payments/members/%d", ann.ID), map[string]any{"role": "owner"}), 400, "invalid", "role")
	wantError(t, e.do("PUT", "/api/v1/teams/payments/members/999999", map[string]any{"role": "viewer"}), 400, "invalid", "userID")
	wantError(t, e.do("GET", "/api/v1/teams/Payments", nil), 400, "invalid", "slug")

	// An editor of the team may not manage it; an admin of it may.
	wantError(t, e.doAs(ann.token, "PATCH", "/api/v1/teams/payments", map[string]any{"name": "Mine", "version": 1}), 403, "forbidden", "")
	wantError(t, e.doAs(ann.token, "POST", "/api/v1/teams", map[string]any{"slug": "mine", "name": "Mine"}), 403, "forbidden", "")
	want[debrief.Membership](t, e.do("PUT", fmt.Sprintf("/api/v1/teams/payments/members/%d", ann.ID), map[string]any{"role": "admin"}), 200)
	upd := want[debrief.Team](t, e.doAs(ann.token, "PATCH", "/api/v1/teams/payments", map[string]any{"name": "Payments and billing", "default_visibility": "team", "version": 1}), 200)
	if upd.Name != "Payments and billing" || upd.DefaultVisibility != debrief.VisibleToTeam || upd.Version != 2 || upd.Slug != "payments" {
		t.Errorf("patched %+v", upd)
	}
	eb = wantError(t, e.do("PATCH", "/api/v1/teams/payments", map[string]any{"name": "Stale", "version": 1}), 409, "conflict", "")
	if cur := decodeJSON[debrief.Team](t, eb.Current); cur.Version != 2 {
		t.Errorf("conflict current %+v", cur)
	}
	wantError(t, e.do("PATCH", "/api/v1/teams/payments", map[string]any{"slug": "renamed", "version": 2}), 400, "invalid", "slug")
	// ...but not another team (which everyone can list, so it is no secret).
	wantError(t, e.doAs(ann.token, "PATCH", "/api/v1/teams/ops", map[string]any{"name": "Mine", "version": 1}), 403, "forbidden", "")

	// A team keeps an admin.
	wantError(t, e.do("DELETE", fmt.Sprintf("/api/v1/teams/payments/members/%d", ann.ID), nil), 400, "invalid", "role")
	want[debrief.Membership](t, e.do("PUT", fmt.Sprintf("/api/v1/teams/payments/members/%d", e.admin.ID), map[string]any{"role": "admin"}), 200)
	r = e.do("DELETE", fmt.Sprintf("/api/v1/teams/payments/members/%d", ann.ID), nil)
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("remove: %d %s", r.status, r.body)
	}
	ml = want[list[debrief.Membership]](t, e.do("GET", "/api/v1/teams/payments/members", nil), 200)
	if ml.Total != 1 || ml.Items[0].UserID != e.admin.ID {
		t.Errorf("members after removal %+v", ml)
	}
	m2 := want[me](t, e.doAs(ann.token, "GET", "/api/v1/me", nil), 200)
	if len(m2.Memberships) != 0 {
		t.Errorf("ann still a member: %+v", m2.Memberships)
	}
}
