package main

// The access matrix: every route the binary serves (operational, API and
// web), asked by every kind of caller, against the answer the access policy
// (app/authz.go, docs/access.md) says it must give. A route added without an
// entry here fails the test, and so does an entry for a route that is gone.
//
// Each case runs against the server buildServer builds (the one `debrief
// serve` runs), over a real SQLite database holding the fixture below. Reads
// share one server; every request that may change something gets a fresh
// copy of the fixture database and its own server, so that a deletion, a
// revocation or a sign-out never changes what a later case sees.
//
// Besides its status, every answer is searched for texts of the fixture its
// caller may not see (the title of an incident hidden from them, the
// summary, timeline and action items of a restricted retrospective): a 404
// that names the incident, or a 200 that carries a restricted write-up, is
// as wrong as a 200 where a 403 was due.

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/store"
	"github.com/debrief-oss/debrief/store/sqlite"
)

// matrixRole is who makes a request.
type matrixRole int

const (
	matrixAnonymous matrixRole = iota // no credentials at all
	matrixOrgAdmin                    // an organisation admin, member of no team
	matrixTeamAdmin                   // admin of payments, the team owning the incidents
	matrixEditor                      // editor of payments
	matrixViewer                      // viewer of payments
	matrixOtherTeam                   // editor of search, a team owning none of the incidents
	matrixReadOnly                    // the payments editor's read-only API token (API routes only)
	matrixRoleCount
)

var matrixRoleNames = [matrixRoleCount]string{
	"anonymous", "org admin", "team admin", "editor", "viewer", "other team", "read-only token",
}

func (r matrixRole) String() string { return matrixRoleNames[r] }

// matrixClass is what an answer means for access.
type matrixClass byte

const (
	matrixNA              matrixClass = '-' // the role does not apply (read-only token on a page)
	matrixAllowed         matrixClass = 'A' // 2xx, 3xx not to the sign-in page, 400, 409, 422
	matrixUnauthenticated matrixClass = 'U' // 401, or a redirect to the sign-in page
	matrixForbidden       matrixClass = 'F' // 403
	matrixHidden          matrixClass = 'H' // 404
	matrixOther           matrixClass = '?' // anything else (405, 429, 5xx...): always wrong
)

func (c matrixClass) String() string {
	switch c {
	case matrixNA:
		return "n/a"
	case matrixAllowed:
		return "allowed"
	case matrixUnauthenticated:
		return "unauthenticated"
	case matrixForbidden:
		return "forbidden"
	case matrixHidden:
		return "hidden"
	}
	return "unexpected"
}

// matrixClassify reads an answer's status (and, for a redirect, where it
// goes) as a class. Signing out redirects to the sign-in page too, but with
// signed_out=1: that is the route doing its job, not a refusal.
func matrixClassify(status int, location string) matrixClass {
	switch {
	case status >= 300 && status < 400:
		u, err := url.Parse(location)
		if err == nil && u.Path == "/login" && u.Query().Get("signed_out") != "1" {
			return matrixUnauthenticated
		}
		return matrixAllowed
	case status >= 200 && status < 300,
		status == http.StatusBadRequest, status == http.StatusConflict, status == http.StatusUnprocessableEntity:
		return matrixAllowed
	case status == http.StatusUnauthorized:
		return matrixUnauthenticated
	case status == http.StatusForbidden:
		return matrixForbidden
	case status == http.StatusNotFound:
		return matrixHidden
	}
	return matrixOther
}

// matrixWant is one expectation per role, parsed from a string such as
// "U A A A A H A" (columns in matrixRole order).
type matrixWant [matrixRoleCount]matrixClass

func parseMatrixWant(s string) (matrixWant, error) {
	var w matrixWant
	f := strings.Fields(s)
	if len(f) != int(matrixRoleCount) {
		return w, fmt.Errorf("%q: want %d classes, one per role (%s)", s, matrixRoleCount, strings.Join(matrixRoleNames[:], ", "))
	}
	for i, c := range f {
		switch cl := matrixClass(c[0]); {
		case len(c) != 1:
			return w, fmt.Errorf("%q: %q is not one of A U F H -", s, c)
		case cl == matrixNA, cl == matrixAllowed, cl == matrixUnauthenticated, cl == matrixForbidden, cl == matrixHidden:
			w[i] = cl
		default:
			return w, fmt.Errorf("%q: %q is not one of A U F H -", s, c)
		}
	}
	return w, nil
}

// The incidents a route under /incidents/{id} is asked about. Every
// incident route is asked about all three.
const (
	matrixTeamScope       = "team"       // visible to payments only; the default
	matrixOrgScope        = "org"        // visible to the whole organisation
	matrixRestrictedScope = "restricted" // visible to payments, write-up restricted to its admins
)

var matrixScopes = []string{matrixTeamScope, matrixOrgScope, matrixRestrictedScope}

var matrixScopeLabels = map[string]string{
	matrixTeamScope:       "",
	matrixOrgScope:        " [org-visible incident]",
	matrixRestrictedScope: " [restricted retrospective]",
}

// matrixEntry is what the policy says of one route.
type matrixEntry struct {
	// team is the expectation per role; for an incident route, about the
	// incident visible to its team only. org and restricted are the
	// expectations about the organisation-visible incident and the one
	// with a restricted retrospective; incident routes need both, other
	// routes have neither.
	team, org, restricted string
	// body is sent with the request: JSON for the API ("{}" when empty on
	// POST, PUT and PATCH), a form for pages (the CSRF token is added).
	// It is the smallest body that reaches the service's decision: a page
	// that checks a field before asking the service gets that field.
	body string
	// params fills path wildcards instead of the defaults (matrixParams).
	params map[string]string
	// query is added to the path, for a route whose decision is about a
	// query parameter (the team of an import).
	query string
}

// matrixParams fill the path wildcards. $names are fixture values (see
// matrixFixture.expand); $token is an API token of the acting role's own.
var matrixParams = map[string]string{
	"id":        "$incident",
	"eventID":   "$event",
	"eid":       "$event",
	"actionID":  "$action",
	"aid":       "$action",
	"key":       "summary",
	"userID":    "$viewer",
	"uid":       "$viewer",
	"slug":      "payments",
	"name":      "default",
	"ref":       "S1",       // the fixture's analysis item in each incident
	"controlID": "$control", // the fixture's catalogue control of payments
	"cid":       "$control",
	"tokenID":   "$token",
	"tid":       "$token",
	"version":   "matrix", // any version serves the file (uncached)
	"path":      "app.css",
}

// matrix is the access policy, route by route. Columns, in order:
//
//	anonymous  org-admin  team-admin  editor  viewer  other-team  read-only-token
//
// A allowed, U unauthenticated, F forbidden, H hidden (404), - not applicable
// (the read-only token is an API credential; pages are asked with sessions).
var matrix = map[string]matrixEntry{
	// Operational endpoints: public.
	"GET /healthz": {team: "A A A A A A -"},
	"GET /readyz":  {team: "A A A A A A -"},
	"GET /metrics": {team: "A A A A A A -"},

	// The API: what a client needs to start is public.
	"GET /api/v1/config":       {team: "A A A A A A A"},
	"GET /api/v1/openapi.yaml": {team: "A A A A A A A"},

	// Incidents: read by the team (and everyone signed in when the
	// incident is organisation-visible), changed by its editors. A
	// restricted retrospective leaves the header to all who see the
	// incident; deleting takes the write-up with it, so needs its readers.
	"GET /api/v1/incidents": {team: "U A A A A A A"},
	"POST /api/v1/incidents": {team: "U A A A F F F",
		body: `{"team":"payments"}`}, // the team is what the decision is about
	"GET /api/v1/incidents/{id}": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A A A H A"},
	"PATCH /api/v1/incidents/{id}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A A F H F"},
	"DELETE /api/v1/incidents/{id}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},

	// The timeline, the write-up and the action items: read with the
	// retrospective, changed by the team's editors who may read it.
	"GET /api/v1/incidents/{id}/events": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"POST /api/v1/incidents/{id}/events": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/events/{eventID}": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"PATCH /api/v1/incidents/{id}/events/{eventID}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"DELETE /api/v1/incidents/{id}/events/{eventID}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},

	// Evidence (issue 7): importing, notes, the sign-off and accepting
	// milestones change the write-up; reading them reads it. The
	// Alertmanager receiver takes any caller that may write, and files
	// alerts by the same rules.
	"POST /api/v1/incidents/{id}/events/import": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"POST /api/v1/incidents/{id}/notes": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/timeline": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"PUT /api/v1/incidents/{id}/timeline": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F", body: `{"confirmed":true}`},
	"GET /api/v1/incidents/{id}/timeline/milestones": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"POST /api/v1/incidents/{id}/timeline/milestones": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F", body: `{"names":[],"version":1}`},
	"POST /api/v1/hooks/alertmanager": {team: "U A A A A A F"},

	"GET /api/v1/incidents/{id}/retrospective": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"PATCH /api/v1/incidents/{id}/retrospective": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/retrospective.md": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/lint": { // read with the retrospective
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/retrospective/sections": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"POST /api/v1/incidents/{id}/retrospective/sections": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/retrospective/sections/{key}": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"PATCH /api/v1/incidents/{id}/retrospective/sections/{key}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"DELETE /api/v1/incidents/{id}/retrospective/sections/{key}": { // summary is required: 400 when allowed
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},

	"GET /api/v1/incidents/{id}/actions": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"POST /api/v1/incidents/{id}/actions": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/actions/{actionID}": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"PATCH /api/v1/incidents/{id}/actions/{actionID}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"DELETE /api/v1/incidents/{id}/actions/{actionID}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"GET /api/v1/actions": {team: "U A A A A A A"}, // filtered to what each may read
	// The follow-through metrics, like their page: everyone signed in,
	// over the items each may read (seeFollowupMetrics).
	"GET /api/v1/actions/metrics": {team: "U A A A A A A"},
	"GET /api/v1/incidents/{id}/actions/{actionID}/history": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	// Asking for a ticket changes the item; without a tracker configured
	// the service answers 400 once access is decided.
	"POST /api/v1/incidents/{id}/actions/{actionID}/ticket": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F", body: `{"tracker": "github"}`},
	// The trackers' webhooks: signed with a shared secret, never by a
	// user's credentials, so every caller without the signature is refused.
	"POST /api/v1/hooks/github": {team: "U U U U U U U"},
	"POST /api/v1/hooks/jira":   {team: "U U U U U U U"},
	"GET /api/v1/incidents/{id}/linked-actions": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	// Linking an item from the write-up changes it, and needs the item's
	// write-up readable too; the item asked about is the incident's own,
	// which the service refuses (400) once access is decided.
	"PUT /api/v1/incidents/{id}/linked-actions/{actionID}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F", body: `{"incident_id": $incident}`},
	"DELETE /api/v1/incidents/{id}/linked-actions/{actionID}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F",
		params: map[string]string{"actionID": "$action?incident_id=$incident"}},

	// The people directory: read by everyone signed in, written by the
	// editors of any team.
	"GET /api/v1/people":         {team: "U A A A A A A"},
	"POST /api/v1/people":        {team: "U A A A F A F"},
	"GET /api/v1/people/{id}":    {team: "U A A A A A A", params: map[string]string{"id": "$person"}},
	"PATCH /api/v1/people/{id}":  {team: "U A A A F A F", params: map[string]string{"id": "$person"}},
	"DELETE /api/v1/people/{id}": {team: "U A A A F A F", params: map[string]string{"id": "$person"}},

	// One's own account. Tokens are made and revoked from a browser
	// session, never with a token (a leaked one cannot entrench itself).
	"GET /api/v1/me":                     {team: "U A A A A A A"},
	"GET /api/v1/me/tokens":              {team: "U A A A A A A"},
	"POST /api/v1/me/tokens":             {team: "U F F F F F F"},
	"DELETE /api/v1/me/tokens/{tokenID}": {team: "U F F F F F F"},

	// Users: managed by organisation admins. Team admins list and read
	// every account too, to pick members (listUsers in app/authz.go).
	// Everyone else lists and reads only themselves ({userID} is the
	// viewer: someone else's account does not exist for them), and may
	// change their own name and password ({} asks for no admin change).
	"GET /api/v1/users":            {team: "U A A A A A A"},
	"POST /api/v1/users":           {team: "U A F F F F F"},
	"GET /api/v1/users/{userID}":   {team: "U A A H A H H"},
	"PATCH /api/v1/users/{userID}": {team: "U A F F A F F"},

	// Teams: listed and read by everyone signed in (so refusals are 403,
	// not 404), created by organisation admins, managed by their admins.
	"GET /api/v1/teams":                            {team: "U A A A A A A"},
	"POST /api/v1/teams":                           {team: "U A F F F F F"},
	"GET /api/v1/teams/{slug}":                     {team: "U A A A A A A"},
	"PATCH /api/v1/teams/{slug}":                   {team: "U A A F F F F"},
	"GET /api/v1/teams/{slug}/members":             {team: "U A A A A A A"},
	"PUT /api/v1/teams/{slug}/members/{userID}":    {team: "U A A F F F F"},
	"DELETE /api/v1/teams/{slug}/members/{userID}": {team: "U A A F F F F"},

	// The audit trail: an incident's for those who see the incident (the
	// restricted write-up's entries without their text), the whole log
	// for organisation admins.
	// Templates and their rules: read by everyone signed in (guidance,
	// not incident data), written by the scope's admins (the team's
	// admins for payments, organisation admins for the organisation).
	"GET /api/v1/templates":                 {team: "U A A A A A A"},
	"POST /api/v1/templates":                {team: "U A A F F F F", body: `{"team":"payments","name":"m","title":"M","sections":[{"title":"S"}]}`},
	"GET /api/v1/templates/{name}":          {team: "U A A A A A A"},
	"GET /api/v1/templates/{name}/versions": {team: "U A A A A A A"},
	"GET /api/v1/template-rules":            {team: "U A A A A A A"},
	"PUT /api/v1/template-rules":            {team: "U A F F F F F", body: `{"rules":[]}`},
	"GET /api/v1/incidents/{id}/requirement": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A A A H A"},

	"GET /api/v1/incidents/{id}/audit": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A A A H A"},
	"GET /api/v1/audit":       {team: "U A F F F F F"},
	"GET /api/v1/audit.jsonl": {team: "U A F F F F F"},

	// Pages. Lists show what each may see.
	"GET /{$}":       {team: "U A A A A A -"},
	"GET /incidents": {team: "U A A A A A -"},
	// The follow-up board: every signed-in user, filtered to what each
	// may read (the restricted write-up's items are among the secrets the
	// answer is searched for).
	"GET /actions":         {team: "U A A A A A -"},
	"GET /actions/metrics": {team: "U A A A A A -"},
	// The form is offered to everyone signed in (with only the teams they
	// may choose); the service decides when it is sent.
	"GET /incidents/new": {team: "U A A A A A -"},
	"POST /incidents":    {team: "U A A A F F -", body: "team=payments"},
	"GET /incidents/{id}": { // a restricted retrospective leaves the header
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A A A H -"},
	// Forms about the incident's header: shown to whoever sees the
	// incident (with a note when they may not save them).
	"GET /incidents/{id}/edit": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A A A H -"},
	"POST /incidents/{id}/edit": { // the page checks the zone before the service decides
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A A F H -", body: "time_zone=UTC"},
	"POST /incidents/{id}/retrospective/request": { // an incident change, like editing its details
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A A F H -", body: "requested=1"},
	"POST /incidents/{id}/retrospective": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -"},
	"GET /incidents/{id}/retrospective.md": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A F F H -"},

	"GET /incidents/{id}/sections/{key}/edit": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A F F H -"},
	"POST /incidents/{id}/sections/{key}/edit": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -"},

	// The empty event and action forms show the incident's header only.
	"GET /incidents/{id}/events/new": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A A A H -"},
	"POST /incidents/{id}/events": { // the page checks the time before the service decides
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -",
		body: "at=2024-05-01T14:03&text=matrix"},
	"GET /incidents/{id}/events/{eid}/edit": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A F F H -"},
	"POST /incidents/{id}/events/{eid}/edit": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -",
		body: "at=2024-05-01T14:03&text=matrix"},
	"POST /incidents/{id}/events/delete": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "event=$event"},

	// Timeline evidence (issue 7): the curation page and the picture read
	// the timeline; curating, notes, the sign-off, accepting milestones and
	// every step of the import change it (an upload that is gone sends the
	// editor back to the first step).
	"GET /incidents/{id}/evidence": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A F F H -"},
	"GET /incidents/{id}/timeline.svg": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A F F H -"},
	"POST /incidents/{id}/evidence/curate": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "event=$event&version=1&op=star"},
	"POST /incidents/{id}/notes": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "text=matrix"},
	"POST /incidents/{id}/timeline/confirm": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "confirmed=1"},
	"POST /incidents/{id}/milestones/accept": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "version=1"},
	"GET /incidents/{id}/import": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -"},
	"POST /incidents/{id}/import": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "source=csv"},
	"GET /incidents/{id}/import/{token}": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", params: map[string]string{"token": "gone"}},
	"POST /incidents/{id}/import/{token}": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", params: map[string]string{"token": "gone"}},

	"GET /incidents/{id}/actions/new": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A A A H -"},
	"POST /incidents/{id}/actions": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -"},
	"GET /incidents/{id}/actions/{aid}/edit": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A F F H -"},
	"POST /incidents/{id}/actions/{aid}/edit": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -"},
	"POST /incidents/{id}/actions/{aid}/status": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -"},
	// Asking for a ticket: no tracker in the matrix's server, so 400 once
	// access is decided.
	// Linking the incident's own item: 400 once access is decided.
	"POST /incidents/{id}/links": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "incident=$incident&action=$action"},
	"POST /incidents/{id}/links/remove": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "incident=$incident&action=$action"},
	"POST /incidents/{id}/actions/{aid}/ticket": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "tracker=github"},
	"POST /incidents/{id}/actions/delete": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "action=$action"},

	"GET /incidents/{id}/audit": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A A A H -"},
	// Restricting the write-up (or changing its readers): the team's
	// admins and organisation admins. The form carries the current
	// version, so that an editor is refused for who they are, not for a
	// stale form.
	"POST /incidents/{id}/access": {
		team: "U A A F F H -", org: "U A A F F F -", restricted: "U A A F F H -",
		body: "restricted=1&readers=$viewer&version=$retroVersion"},

	"GET /people":  {team: "U A A A A A -"},
	"POST /people": {team: "U A A A F A -"},

	// Signing in and out: public. Signing in again while signed in is
	// allowed (a new session); GET /login sends a signed-in user on.
	"GET /login":   {team: "A A A A A A -"},
	"POST /login":  {team: "A A A A A A -", body: "email=$viewerEmail&password=$password"},
	"POST /logout": {team: "A A A A A A -"},
	// The setup link works only until the first user exists: from then on
	// it does not exist, for anybody.
	"GET /setup":  {team: "H H H H H H -"},
	"POST /setup": {team: "H H H H H H -"},

	// One's own profile and tokens ({tid} is the acting user's own token).
	"GET /profile":                      {team: "U A A A A A -"},
	"POST /profile/tokens":              {team: "U A A A A A -", body: "name=matrix&scope=read&expiry=90"},
	"POST /profile/tokens/{tid}/revoke": {team: "U A A A A A -"},
	// Without the right current password everyone is refused (the flow
	// itself is tested in web/password_test.go); signed out, sign in.
	"POST /profile/password": {team: "U F F F F F -", body: "current_password=wrong-guess-1234&password=a+long+new+passphrase&confirm=a+long+new+passphrase"},

	"GET /teams":                        {team: "U A A A A A -"},
	"POST /teams":                       {team: "U A F F F F -"},
	"GET /teams/{slug}":                 {team: "U A A A A A -"},
	"POST /teams/{slug}":                {team: "U A A F F F -"},
	"POST /teams/{slug}/members":        {team: "U A A F F F -"},
	"POST /teams/{slug}/members/remove": {team: "U A A F F F -", body: "user_id=$viewer"},

	"GET /templates":        {team: "U A A A A A -"},
	"POST /templates":       {team: "U A A F F F -", body: "team=payments&format=yaml&text=name%3A+m%0Atitle%3A+M%0Asections%3A%0A++-+title%3A+S%0A"},
	"GET /templates/{name}": {team: "U A A A A A -"},
	"POST /templates/rules": {team: "U A A F F F -", body: "team=payments&op=add&token=&template=minor"},

	// The users page lists, like GET /api/v1/users, every account to
	// admins and only oneself to anyone else; creating users and changing
	// who is an organisation admin is for organisation admins alone.
	"GET /admin/users":        {team: "U A A A A A -"},
	"POST /admin/users":       {team: "U A F F F F -"},
	"POST /admin/users/{uid}": {team: "U A F F F F -", body: "org_admin=0"},

	// The analysis: read and changed like the write-up it belongs to
	// (app/authz.go, editRetrospective). A team's catalogue of safety
	// controls and its fishbone categories: read by its members and
	// organisation admins, changed by its editors (seeCatalog,
	// editCatalog).
	"GET /api/v1/incidents/{id}/analysis": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/analysis/trace": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"POST /api/v1/incidents/{id}/analysis/items": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/analysis/items/{ref}": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"PATCH /api/v1/incidents/{id}/analysis/items/{ref}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"DELETE /api/v1/incidents/{id}/analysis/items/{ref}": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/analysis/control-structure.svg": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"GET /api/v1/incidents/{id}/analysis/fishbone.svg": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"PUT /api/v1/incidents/{id}/actions/{actionID}/addresses": {
		team: "U A A A F H F", org: "U A A A F F F", restricted: "U A A F F H F", body: `{"addresses":[]}`},
	"GET /api/v1/teams/{slug}/fishbone-categories":     {team: "U A A A A F A"},
	"PUT /api/v1/teams/{slug}/fishbone-categories":     {team: "U A A A F F F", body: `{"categories":[]}`},
	"GET /api/v1/teams/{slug}/controls":                {team: "U A A A A F A"},
	"POST /api/v1/teams/{slug}/controls":               {team: "U A A A F F F"},
	"GET /api/v1/teams/{slug}/controls/{controlID}":    {team: "U A A A A F A"},
	"PATCH /api/v1/teams/{slug}/controls/{controlID}":  {team: "U A A A F F F"},
	"DELETE /api/v1/teams/{slug}/controls/{controlID}": {team: "U A A A F F F"},
	"GET /incidents/{id}/analysis": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A F F H -"},
	"POST /incidents/{id}/analysis/items": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "kind=systemic&title=matrix"},
	"GET /incidents/{id}/analysis/items/{ref}/edit": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A F F H -"},
	"POST /incidents/{id}/analysis/items/{ref}/edit": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "title=matrix&version=1"},
	"POST /incidents/{id}/analysis/items/{ref}/delete": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -"},
	"POST /incidents/{id}/actions/{aid}/addresses": {
		team: "U A A A F H -", org: "U A A A F F -", restricted: "U A A F F H -", body: "addresses=S1"},
	"GET /teams/{slug}/controls":       {team: "U A A A A F -"},
	"POST /teams/{slug}/controls":      {team: "U A A A F F -", body: "name=matrix"},
	"GET /teams/{slug}/controls/{cid}": {team: "U A A A A F -"},
	"POST /teams/{slug}/categories":    {team: "U A A A F F -", body: "categories=Code"},
	// Files out and in. An export is read with the write-up (a restricted
	// one by its readers only); Export all is everyone's, holding what each
	// may read. Importing takes an editor of the team; the form is shown to
	// everyone signed in (with a note when they edit no team), and its
	// preview asks the service first, so a viewer is refused there too.
	"GET /api/v1/incidents/{id}/export": {
		team: "U A A A A H A", org: "U A A A A A A", restricted: "U A A F F H F"},
	"POST /api/v1/import": {team: "U A A A F F F", query: "team=payments", body: "# Matrix import"},
	"GET /incidents/{id}/export": {
		team: "U A A A A H -", org: "U A A A A A -", restricted: "U A A F F H -"},
	"GET /incidents/export.zip": {team: "U A A A A A -"},
	"GET /import":               {team: "U A A A A A -"},
	"POST /import/preview":      {team: "U A A A F F -", body: "team=payments"},
	"POST /import":              {team: "U A A A F F -", body: "team=payments&name=m.md&content=IyBNYXRyaXggaW1wb3J0Cg"},

	// Static files, and any other address: the same for everybody.
	"GET /static/{version}/{path...}": {team: "A A A A A A -"},
	"/":                               {team: "H H H H H H -"},
}

// matrixPublic are the routes anonymous callers may use. The test of the
// matrix itself holds the matrix to it, so that a new route is not made
// public by a slip of the pen.
var matrixPublic = []string{
	"GET /healthz", "GET /readyz", "GET /metrics",
	"GET /api/v1/config", "GET /api/v1/openapi.yaml",
	"GET /login", "POST /login", "POST /logout",
	"GET /static/{version}/{path...}",
}

// ---- checking ----

// matrixResult is the answer to one case.
type matrixResult struct {
	route, scope string
	role         matrixRole
	method, path string
	status       int
	location     string
	snippet      string // the start of the answer's body, for the report
	got          matrixClass
	shows        []string      // the fixture's markers the answer holds
	leaks        []string      // those the role may not see
	took         time.Duration // server set-up included
}

type matrixKey struct {
	route, scope string
	role         matrixRole
}

// matrixIsAPI reports whether a route is part of the API, asked with API
// tokens; every other route is asked with browser sessions.
func matrixIsAPI(route string) bool {
	_, path := matrixSplit(route)
	return strings.HasPrefix(path, "/api/")
}

// matrixIsIncident reports whether a route is about one incident.
func matrixIsIncident(route string) bool {
	_, path := matrixSplit(route)
	return strings.Contains(path, "/incidents/{id}")
}

// matrixSplit splits a pattern into its method (GET when it has none) and
// path.
func matrixSplit(route string) (method, path string) {
	if m, p, ok := strings.Cut(route, " "); ok {
		return m, p
	}
	return http.MethodGet, route
}

// matrixWants parses an entry's expectations, by scope, and checks that
// they fit the route.
func matrixWants(route string, e matrixEntry) (map[string]matrixWant, error) {
	out := map[string]matrixWant{}
	srcs := map[string]string{matrixTeamScope: e.team, matrixOrgScope: e.org, matrixRestrictedScope: e.restricted}
	for _, scope := range matrixScopes {
		src := srcs[scope]
		if scope != matrixTeamScope && !matrixIsIncident(route) {
			if src != "" {
				return nil, fmt.Errorf("%s: only incident routes have %s expectations", route, scope)
			}
			continue
		}
		if src == "" {
			return nil, fmt.Errorf("%s: no %s expectations", route, scope)
		}
		w, err := parseMatrixWant(src)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %v", route, scope, err)
		}
		for r, c := range w {
			na := matrixRole(r) == matrixReadOnly && !matrixIsAPI(route)
			if (c == matrixNA) != na {
				if na {
					return nil, fmt.Errorf("%s (%s): the read-only token applies to API routes only: write - for it", route, scope)
				}
				return nil, fmt.Errorf("%s (%s): %s needs an expectation, not -", route, scope, matrixRole(r))
			}
		}
		out[scope] = w
	}
	return out, nil
}

// matrixCoverage returns what is wrong between the routes the server lists
// and the matrix: a route without an entry, or an entry without a route.
func matrixCoverage(routes []string, m map[string]matrixEntry) []string {
	var problems []string
	seen := map[string]bool{}
	for _, r := range routes {
		if seen[r] {
			problems = append(problems, fmt.Sprintf("route %q is listed twice by Routes()", r))
		}
		seen[r] = true
		if _, ok := m[r]; !ok {
			problems = append(problems, fmt.Sprintf("route %q is not in the access matrix: add an entry to matrix in cmd/debrief/matrix_test.go saying, from app/authz.go, what each role must get", r))
		}
	}
	for _, r := range slices.Sorted(maps.Keys(m)) {
		if !seen[r] {
			problems = append(problems, fmt.Sprintf("the access matrix names %q, which the server no longer registers: remove it", r))
		}
	}
	return problems
}

// matrixCheck compares results with the matrix for the given routes. Every
// case the matrix expects must have a result: a case not run is a
// mismatch too. It returns the number of mismatches and a report of them:
// a route x role table (only the routes with a mismatch), then one line
// per mismatch with what came back.
func matrixCheck(m map[string]matrixEntry, routes []string, results []matrixResult) (int, string) {
	byKey := map[matrixKey]matrixResult{}
	for _, r := range results {
		byKey[matrixKey{r.route, r.scope, r.role}] = r
	}
	type row struct {
		label string
		cells [matrixRoleCount]string
	}
	var rows []row
	var details []string
	n := 0
	for _, route := range slices.Sorted(slices.Values(routes)) {
		e, ok := m[route]
		if !ok {
			continue // matrixCoverage reports it
		}
		wants, err := matrixWants(route, e)
		if err != nil {
			n++
			details = append(details, err.Error())
			continue
		}
		for _, scope := range matrixScopes {
			want, ok := wants[scope]
			if !ok {
				continue
			}
			rw := row{label: route + matrixScopeLabels[scope]}
			bad := false
			for r := range matrixRoleCount {
				w := want[r]
				res, ran := byKey[matrixKey{route, scope, r}]
				switch {
				case w == matrixNA:
					rw.cells[r] = "-"
				case !ran:
					bad = true
					rw.cells[r] = fmt.Sprintf("not run, want %c", w)
					details = append(details, fmt.Sprintf("%s as %s: not run, want %s", rw.label, r, w))
				case res.got != w:
					bad = true
					rw.cells[r] = fmt.Sprintf("%c(%d) want %c", res.got, res.status, w)
					where := ""
					if res.location != "" {
						where = " to " + res.location
					}
					details = append(details, fmt.Sprintf("%s as %s: %s %s got %d%s (%s), want %s: %s",
						rw.label, r, res.method, res.path, res.status, where, res.got, w, res.snippet))
				case len(res.leaks) > 0:
					bad = true
					rw.cells[r] = fmt.Sprintf("%c(%d) leaks", res.got, res.status)
					details = append(details, fmt.Sprintf("%s as %s: %s %s got %d (%s) but the answer shows %s, which %s may not see",
						rw.label, r, res.method, res.path, res.status, res.got, strings.Join(res.leaks, ", "), r))
				default:
					rw.cells[r] = string(w)
				}
			}
			if bad {
				n++
				rows = append(rows, rw)
			}
		}
	}
	if n == 0 {
		return 0, ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "route x role, got vs want (A allowed, U unauthenticated, F forbidden, H hidden, ? unexpected; a bare letter matched; leaks: the answer shows what the role may not see):\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "route\t%s\t\n", strings.Join(matrixRoleNames[:], "\t"))
	for _, rw := range rows {
		fmt.Fprintf(tw, "%s\t%s\t\n", rw.label, strings.Join(rw.cells[:], "\t"))
	}
	tw.Flush()
	b.WriteString("\nmismatches:\n")
	for _, d := range details {
		b.WriteString("  " + d + "\n")
	}
	return n, b.String()
}

// matrixGrid is the whole matrix as answered, for -v.
func matrixGrid(results []matrixResult) string {
	type rowKey struct{ route, scope string }
	cells := map[rowKey]*[matrixRoleCount]string{}
	var keys []rowKey
	for _, r := range results {
		k := rowKey{r.route, r.scope}
		if cells[k] == nil {
			cells[k] = &[matrixRoleCount]string{"-", "-", "-", "-", "-", "-", "-"}
			keys = append(keys, k)
		}
		cells[k][r.role] = fmt.Sprintf("%c %d", r.got, r.status)
	}
	slices.SortFunc(keys, func(a, b rowKey) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		return slices.Index(matrixScopes, a.scope) - slices.Index(matrixScopes, b.scope)
	})
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "route\t%s\t\n", strings.Join(matrixRoleNames[:], "\t"))
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t\n", k.route+matrixScopeLabels[k.scope], strings.Join(cells[k][:], "\t"))
	}
	tw.Flush()
	return b.String()
}

// ---- the fixture ----

// matrixCreds are one role's credentials.
type matrixCreds struct {
	session, csrf string // browser session cookie and its CSRF token
	bearer        string // API token
	tokenID       int64  // an API token of the role's own ({tokenID}, {tid})
}

// matrixFixture is the database every case starts from, kept as the bytes
// of its files, and what the cases need to know about it.
type matrixFixture struct {
	files  map[string][]byte // file name suffix ("", "-wal") -> content
	values map[string]string // $name -> value, whatever the scope
	scoped map[string]map[string]string
	creds  [matrixRoleCount]matrixCreds
	// secrets are, per role, texts of the fixture the role may not see
	// (an incident hidden from them, a restricted write-up): no answer to
	// them may contain one, whatever its status.
	secrets [matrixRoleCount][]string
	markers []string // every such text
}

const matrixPassword = "matrix password, long enough"

func newMatrixFixture(t *testing.T) *matrixFixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "debrief.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		t.Fatal(err)
	}
	svc := app.New(st)
	fx := &matrixFixture{values: map[string]string{}, scoped: map[string]map[string]string{}}
	err = fx.fill(ctx, st, svc)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("matrix fixture: %v", err)
	}
	fx.files = map[string][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		fx.files[suffix] = b
	}
	return fx
}

// fill makes the fixture through the service, as the program itself
// (debrief.SystemActor), then each user's session and tokens as that user.
func (fx *matrixFixture) fill(ctx context.Context, st store.Store, svc *app.Service) error {
	sys := debrief.WithActor(ctx, debrief.SystemActor)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	payments := &debrief.Team{Slug: "payments", Name: "Payments", DefaultVisibility: debrief.VisibleToTeam}
	search := &debrief.Team{Slug: "search", Name: "Search", DefaultVisibility: debrief.VisibleToTeam}
	for _, t := range []*debrief.Team{payments, search} {
		if err := svc.CreateTeam(sys, t); err != nil {
			return fmt.Errorf("team %s: %w", t.Slug, err)
		}
	}
	type member struct {
		role  matrixRole
		user  *debrief.User
		team  *debrief.Team
		as    debrief.Role
		login bool
	}
	members := []member{
		{role: matrixOrgAdmin, user: &debrief.User{Email: "ada@example.com", Name: "Ada Org-Admin", OrgAdmin: true}},
		{role: matrixTeamAdmin, user: &debrief.User{Email: "tom@example.com", Name: "Tom Team-Admin"}, team: payments, as: debrief.RoleAdmin},
		{role: matrixEditor, user: &debrief.User{Email: "eve@example.com", Name: "Eve Editor"}, team: payments, as: debrief.RoleEditor},
		{role: matrixViewer, user: &debrief.User{Email: "vic@example.com", Name: "Vic Viewer"}, team: payments, as: debrief.RoleViewer, login: true},
		{role: matrixOtherTeam, user: &debrief.User{Email: "ola@example.com", Name: "Ola Other-Team"}, team: search, as: debrief.RoleEditor},
	}
	users := map[matrixRole]*debrief.User{}
	for _, m := range members {
		if err := svc.CreateUser(sys, m.user, ""); err != nil {
			return fmt.Errorf("user %s: %w", m.user.Email, err)
		}
		if m.login {
			// The viewer has a password, for POST /login. The service
			// would hash it at cost 12, which every sign-in then pays
			// again (a quarter of a second each); the hash's own cost is
			// what bcrypt compares at, so the fixture stores a cheap one.
			h, err := bcrypt.GenerateFromPassword([]byte(matrixPassword), bcrypt.MinCost)
			if err != nil {
				return err
			}
			m.user.PasswordHash = string(h)
			if err := st.UpdateUser(ctx, m.user); err != nil {
				return fmt.Errorf("password of %s: %w", m.user.Email, err)
			}
		}
		users[m.role] = m.user
		if m.team != nil {
			if err := svc.SetMember(sys, &debrief.Membership{TeamID: m.team.ID, UserID: m.user.ID, Role: m.as}); err != nil {
				return fmt.Errorf("member %s: %w", m.user.Email, err)
			}
		}
	}
	fx.values["$viewer"] = id(users[matrixViewer].ID)
	fx.values["$viewerEmail"] = users[matrixViewer].Email
	fx.values["$password"] = matrixPassword

	person := &debrief.Person{Name: "Pat Responder", Handle: "pat"}
	if err := svc.CreatePerson(sys, person); err != nil {
		return fmt.Errorf("person: %w", err)
	}
	fx.values["$person"] = id(person.ID)

	// Three payments incidents, each with an event, an action item and a
	// written summary. Each text carries a marker ("mx-team-event") that
	// the answers are searched for.
	started := time.Date(2024, 5, 1, 14, 0, 0, 0, time.UTC)
	for _, scope := range matrixScopes {
		mark := func(what string) string { return "mx-" + scope + "-" + what }
		header := []string{mark("title")}
		writeUp := []string{mark("summary"), mark("event"), mark("action")}
		fx.markers = append(fx.markers, header...)
		fx.markers = append(fx.markers, writeUp...)
		switch scope {
		case matrixTeamScope:
			fx.hide(header, matrixAnonymous, matrixOtherTeam)
			fx.hide(writeUp, matrixAnonymous, matrixOtherTeam)
		case matrixOrgScope:
			fx.hide(header, matrixAnonymous)
			fx.hide(writeUp, matrixAnonymous)
		case matrixRestrictedScope:
			fx.hide(header, matrixAnonymous, matrixOtherTeam)
			fx.hide(writeUp, matrixAnonymous, matrixOtherTeam, matrixEditor, matrixViewer, matrixReadOnly)
		}
		inc := &debrief.Incident{Title: "Card declines (" + mark("title") + ")", Team: payments.Slug, Visibility: debrief.VisibleToTeam}
		inc.Milestones.Started = &started
		if scope == matrixOrgScope {
			inc.Visibility = debrief.VisibleToOrganization
		}
		if err := svc.CreateIncident(sys, inc, ""); err != nil {
			return fmt.Errorf("incident %s: %w", scope, err)
		}
		ev := &debrief.Event{IncidentID: inc.ID, At: started.Add(3 * time.Minute), Text: "Declines alert fired (" + mark("event") + ")"}
		if err := svc.CreateEvent(sys, ev); err != nil {
			return fmt.Errorf("event %s: %w", scope, err)
		}
		act := &debrief.Action{IncidentID: inc.ID, Title: "Alert on decline rate (" + mark("action") + ")"}
		if err := svc.CreateAction(sys, act); err != nil {
			return fmt.Errorf("action %s: %w", scope, err)
		}
		body := "The card processor rejected every payment for 20 minutes (" + mark("summary") + ")."
		sec, err := svc.FindSection(sys, inc.ID, "summary")
		if err != nil {
			return fmt.Errorf("summary %s: %w", scope, err)
		}
		if _, err := svc.UpdateSection(sys, inc.ID, "summary", debrief.SectionUpdate{Body: &body, Version: sec.Version}); err != nil {
			return fmt.Errorf("summary %s: %w", scope, err)
		}
		retro, err := svc.FindRetrospective(sys, inc.ID)
		if err != nil {
			return fmt.Errorf("retrospective %s: %w", scope, err)
		}
		if scope == matrixRestrictedScope {
			yes := true
			if retro, err = svc.UpdateRetrospective(sys, inc.ID, debrief.RetrospectiveUpdate{Restricted: &yes, Version: retro.Version}); err != nil {
				return fmt.Errorf("restrict: %w", err)
			}
		}
		// One item of the analysis, S1, named by the analysis routes.
		if err := svc.CreateAnalysisItem(sys, &debrief.AnalysisItem{IncidentID: inc.ID, Kind: debrief.KindSystemic, Title: "Controls are never tested"}); err != nil {
			return fmt.Errorf("analysis %s: %w", scope, err)
		}
		fx.scoped[scope] = map[string]string{
			"$incident": id(inc.ID), "$event": id(ev.ID), "$action": id(act.ID), "$retroVersion": id(retro.Version),
		}
	}

	// A safety control in the payments catalogue.
	ctl := &debrief.CatalogControl{Name: "Canary analysis"}
	if err := svc.CreateCatalogControl(sys, payments.Slug, ctl); err != nil {
		return fmt.Errorf("catalogue control: %w", err)
	}
	fx.values["$control"] = id(ctl.ID)

	// A browser session per user, and a read-write API token made from
	// it; the editor also gets a read-only one.
	const address = "127.0.0.1"
	for role, u := range users {
		secret, _, err := svc.StartSession(ctx, u.ID, address)
		if err != nil {
			return fmt.Errorf("session of %s: %w", u.Email, err)
		}
		a, sess, err := svc.SessionActor(ctx, secret, address)
		if err != nil {
			return fmt.Errorf("session of %s: %w", u.Email, err)
		}
		as := debrief.WithActor(ctx, a)
		bearer, tok, err := svc.CreateToken(as, "matrix "+role.String(), debrief.ScopeWrite, nil)
		if err != nil {
			return fmt.Errorf("token of %s: %w", u.Email, err)
		}
		fx.creds[role] = matrixCreds{session: secret, csrf: sess.CSRFToken, bearer: bearer, tokenID: tok.ID}
		if role == matrixEditor {
			bearer, tok, err := svc.CreateToken(as, "matrix read-only", debrief.ScopeRead, nil)
			if err != nil {
				return fmt.Errorf("read-only token: %w", err)
			}
			fx.creds[matrixReadOnly] = matrixCreds{bearer: bearer, tokenID: tok.ID}
		}
	}
	// Nobody's token is revoked by an anonymous attempt; name a real one.
	fx.creds[matrixAnonymous] = matrixCreds{tokenID: fx.creds[matrixOrgAdmin].tokenID}
	return nil
}

// hide records texts that roles may not see.
func (fx *matrixFixture) hide(texts []string, roles ...matrixRole) {
	for _, r := range roles {
		fx.secrets[r] = append(fx.secrets[r], texts...)
	}
}

var matrixVarRE = regexp.MustCompile(`\$[A-Za-z]+`)

// expand replaces the $names in s with the fixture's values for the scope
// and role.
func (fx *matrixFixture) expand(s, scope string, role matrixRole) (string, error) {
	var missing []string
	out := matrixVarRE.ReplaceAllStringFunc(s, func(name string) string {
		if name == "$token" {
			return strconv.FormatInt(fx.creds[role].tokenID, 10)
		}
		if v, ok := fx.scoped[scope][name]; ok {
			return v
		}
		if v, ok := fx.values[name]; ok {
			return v
		}
		missing = append(missing, name)
		return name
	})
	if missing != nil {
		return "", fmt.Errorf("no fixture value for %s in %q", strings.Join(missing, ", "), s)
	}
	return out, nil
}

// server opens a copy of the fixture database in dir and serves it as
// `debrief serve` would. close stops the server and closes the database.
func (fx *matrixFixture) server(dir string) (srvURL string, routes []string, close func(), err error) {
	ctx := context.Background()
	path := filepath.Join(dir, "debrief.db")
	for suffix, b := range fx.files {
		if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
			return "", nil, nil, err
		}
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return "", nil, nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return "", nil, nil, err
	}
	svc := app.New(st)
	srv, err := buildServer(ctx, &config{addr: "127.0.0.1:0"}, svc, st.Ping, slog.New(slog.DiscardHandler))
	if err != nil {
		st.Close()
		return "", nil, nil, err
	}
	hs := httptest.NewServer(srv.Handler())
	return hs.URL, srv.Routes(), func() { hs.Close(); st.Close() }, nil
}

// ---- the cases ----

type matrixCase struct {
	route, scope string
	role         matrixRole
	method, path string
	body         string
}

// matrixCases lists the cases of one route: every role (but the read-only
// token on pages), about every incident when the route is about one.
func (fx *matrixFixture) matrixCases(route string, e matrixEntry) ([]matrixCase, error) {
	wants, err := matrixWants(route, e)
	if err != nil {
		return nil, err
	}
	method, pattern := matrixSplit(route)
	var out []matrixCase
	for _, scope := range matrixScopes {
		if _, ok := wants[scope]; !ok {
			continue
		}
		for role := range matrixRoleCount {
			if wants[scope][role] == matrixNA {
				continue
			}
			path, err := fx.fillPath(pattern, e.params, scope, role)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", route, err)
			}
			if e.query != "" {
				path += "?" + e.query
			}
			body, err := fx.expand(e.body, scope, role)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", route, err)
			}
			out = append(out, matrixCase{route: route, scope: scope, role: role, method: method, path: path, body: body})
		}
	}
	return out, nil
}

var matrixWildcardRE = regexp.MustCompile(`\{([^}]*)\}`)

// fillPath turns a pattern's path into one to ask.
func (fx *matrixFixture) fillPath(pattern string, params map[string]string, scope string, role matrixRole) (string, error) {
	if pattern == "/" {
		return "/no-such-page", nil // the catch-all: any address no route has
	}
	var err error
	path := matrixWildcardRE.ReplaceAllStringFunc(pattern, func(w string) string {
		name := strings.TrimSuffix(w[1:len(w)-1], "...")
		if name == "$" {
			return ""
		}
		v, ok := params[name]
		if !ok {
			v, ok = matrixParams[name]
		}
		if !ok {
			err = fmt.Errorf("no value for path wildcard %s: add it to matrixParams or the entry's params", w)
			return w
		}
		v, e := fx.expand(v, scope, role)
		if e != nil {
			err = e
		}
		return v
	})
	return path, err
}

// matrixPreSession is a CSRF token for a browser not signed in: the
// sign-in forms check it against a cookie of the same value.
func matrixPreSession() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// do sends one case to the server at base.
func (fx *matrixFixture) do(client *http.Client, base string, c matrixCase) (matrixResult, error) {
	res := matrixResult{route: c.route, scope: c.scope, role: c.role, method: c.method, path: c.path}
	unsafe := c.method != http.MethodGet && c.method != http.MethodHead
	var body io.Reader
	header := http.Header{}
	creds := fx.creds[c.role]
	if matrixIsAPI(c.route) {
		if c.role != matrixAnonymous {
			header.Set("Authorization", "Bearer "+creds.bearer)
		}
		if unsafe && c.method != http.MethodDelete {
			b := c.body
			if b == "" {
				b = "{}"
			}
			body = strings.NewReader(b)
			header.Set("Content-Type", "application/json")
		}
	} else {
		csrf := creds.csrf
		if c.role == matrixAnonymous {
			csrf = matrixPreSession()
			header.Add("Cookie", "debrief_csrf="+csrf)
		} else {
			header.Add("Cookie", "debrief_session="+creds.session)
		}
		if unsafe {
			form, err := url.ParseQuery(c.body)
			if err != nil {
				return res, fmt.Errorf("form %q: %v", c.body, err)
			}
			form.Set("csrf_token", csrf)
			body = strings.NewReader(form.Encode())
			header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	req, err := http.NewRequest(c.method, base+c.path, body)
	if err != nil {
		return res, err
	}
	req.Header = header
	resp, err := client.Do(req)
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	res.status, res.location = resp.StatusCode, resp.Header.Get("Location")
	res.got = matrixClassify(res.status, res.location)
	res.snippet = matrixSnippet(b)
	for _, m := range fx.markers {
		if strings.Contains(string(b), m) || strings.Contains(res.location, m) {
			res.shows = append(res.shows, m)
			if slices.Contains(fx.secrets[c.role], m) {
				res.leaks = append(res.leaks, m)
			}
		}
	}
	return res, nil
}

var (
	matrixSpaceRE = regexp.MustCompile(`\s+`)
	matrixTagRE   = regexp.MustCompile(`<[^>]*>`)
)

// matrixSnippet is the start of an answer, for a report: JSON as it is, a
// page's error message if it has one.
func matrixSnippet(b []byte) string {
	s := string(b)
	if i := strings.Index(s, `class="error-message"`); i >= 0 {
		s = s[i:]
	} else if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	s = matrixTagRE.ReplaceAllString(s, " ")
	s = strings.TrimSpace(matrixSpaceRE.ReplaceAllString(s, " "))
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// TestAccessMatrix asks every route as every role and holds the answers to
// the matrix.
func TestAccessMatrix(t *testing.T) {
	start := time.Now()
	fx := newMatrixFixture(t)
	base := t.TempDir()
	fixtureTook := time.Since(start)

	// Reads change nothing another case could see: they share a server.
	shared, routes, closeShared, err := fx.server(base)
	if err != nil {
		t.Fatal(err)
	}
	defer closeShared()

	for _, p := range matrixCoverage(routes, matrix) {
		t.Error(p)
	}

	var cases []matrixCase
	registered := map[string]bool{}
	for _, route := range routes {
		registered[route] = true
		e, ok := matrix[route]
		if !ok {
			continue
		}
		cs, err := fx.matrixCases(route, e)
		if err != nil {
			t.Error(err)
			continue
		}
		cases = append(cases, cs...)
	}

	client := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DisableKeepAlives: true},
		Timeout:       30 * time.Second,
	}
	var (
		mu      sync.Mutex
		results []matrixResult
		fresh   int
		wg      sync.WaitGroup
	)
	work := make(chan matrixCase)
	for range max(4, 2*runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for c := range work {
				began := time.Now()
				res, err := fx.run(client, shared, base, c)
				res.took = time.Since(began)
				mu.Lock()
				if err != nil {
					t.Errorf("%s%s as %s: %v", c.route, matrixScopeLabels[c.scope], c.role, err)
				} else {
					results = append(results, res)
				}
				if matrixChanges(c.method) {
					fresh++
				}
				mu.Unlock()
			}
		})
	}
	for _, c := range cases {
		work <- c
	}
	close(work)
	wg.Wait()

	// The search for leaks finds what it looks for: an organisation admin
	// is shown every marker somewhere.
	shown := map[string]bool{}
	for _, r := range results {
		if r.role == matrixOrgAdmin {
			for _, m := range r.shows {
				shown[m] = true
			}
		}
	}
	for _, m := range fx.markers {
		if !shown[m] {
			t.Errorf("no answer to the org admin shows %q: the search for leaks would find nothing either", m)
		}
	}

	listed := slices.Collect(maps.Keys(registered))
	if testing.Verbose() {
		t.Logf("the matrix as answered (class and status):\n%s", matrixGrid(results))
	}
	if n, report := matrixCheck(matrix, listed, results); n > 0 {
		t.Errorf("%d route(s) answer otherwise than the access matrix says (app/authz.go is the policy; fix the code, not the matrix, unless the policy changed):\n\n%s", n, report)
	}
	slowest := slices.SortedFunc(slices.Values(results), func(a, b matrixResult) int { return int(b.took - a.took) })
	var slow []string
	for _, r := range slowest[:min(5, len(slowest))] {
		slow = append(slow, fmt.Sprintf("%s as %s %v", r.route+matrixScopeLabels[r.scope], r.role, r.took.Round(time.Millisecond)))
	}
	t.Logf("%d routes, %d cases (%d on a fresh database each) in %v; fixture %v; slowest: %s",
		len(routes), len(results), fresh, time.Since(start).Round(time.Millisecond), fixtureTook.Round(time.Millisecond),
		strings.Join(slow, ", "))
}

// matrixChanges reports whether a request of this method may change
// something, and so needs a fresh database.
func matrixChanges(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}

// run asks one case: reads on the shared server, anything else on a fresh
// copy of the fixture.
func (fx *matrixFixture) run(client *http.Client, shared, base string, c matrixCase) (matrixResult, error) {
	if !matrixChanges(c.method) {
		return fx.do(client, shared, c)
	}
	dir, err := os.MkdirTemp(base, "case")
	if err != nil {
		return matrixResult{}, err
	}
	defer os.RemoveAll(dir)
	u, _, closeSrv, err := fx.server(dir)
	if err != nil {
		return matrixResult{}, err
	}
	defer closeSrv()
	return fx.do(client, u, c)
}

// TestAccessMatrixCanFail proves the checker is not vacuous: answers that
// match the matrix pass, and one flipped expectation, one flipped answer,
// one case not run, a route missing from the matrix and an entry for a
// route that is gone are each reported.
func TestAccessMatrixCanFail(t *testing.T) {
	const route = "GET /api/v1/incidents/{id}"
	entry, ok := matrix[route]
	if !ok {
		t.Fatalf("%s is not in the matrix", route)
	}
	wants, err := matrixWants(route, entry)
	if err != nil {
		t.Fatal(err)
	}
	// Synthetic answers exactly as the matrix says.
	statusOf := map[matrixClass]int{matrixAllowed: 200, matrixUnauthenticated: 401, matrixForbidden: 403, matrixHidden: 404}
	var results []matrixResult
	for scope, w := range wants {
		for role, c := range w {
			if c == matrixNA {
				continue
			}
			results = append(results, matrixResult{route: route, scope: scope, role: matrixRole(role),
				method: "GET", path: "/api/v1/incidents/1", status: statusOf[c], got: matrixClassify(statusOf[c], "")})
		}
	}
	one := map[string]matrixEntry{route: entry}
	if n, report := matrixCheck(one, []string{route}, results); n != 0 {
		t.Fatalf("answers as the matrix says are reported:\n%s", report)
	}

	// Flip one expectation: the viewer hidden from their own team's incident.
	if wants[matrixTeamScope][matrixViewer] != matrixAllowed {
		t.Fatalf("%s: the viewer should be allowed to read their team's incident", route)
	}
	flipped := entry
	f := strings.Fields(entry.team)
	f[matrixViewer] = "H"
	flipped.team = strings.Join(f, " ")
	n, report := matrixCheck(map[string]matrixEntry{route: flipped}, []string{route}, results)
	if n != 1 || !strings.Contains(report, route) || !strings.Contains(report, "viewer") || !strings.Contains(report, "A(200) want H") {
		t.Errorf("a flipped expectation: %d mismatches, report:\n%s", n, report)
	}

	// Flip one answer instead: the other team reads the incident.
	leaked := slices.Clone(results)
	for i, r := range leaked {
		if r.scope == matrixTeamScope && r.role == matrixOtherTeam {
			leaked[i].status, leaked[i].got = 200, matrixAllowed
		}
	}
	if n, report := matrixCheck(one, []string{route}, leaked); n != 1 || !strings.Contains(report, "other team") {
		t.Errorf("a leaked incident: %d mismatches, report:\n%s", n, report)
	}

	// An answer with the right status that shows what it should not.
	shown := slices.Clone(results)
	for i, r := range shown {
		if r.scope == matrixTeamScope && r.role == matrixOtherTeam {
			shown[i].leaks = []string{"mx-team-title"}
		}
	}
	if n, report := matrixCheck(one, []string{route}, shown); n != 1 || !strings.Contains(report, "H(404) leaks") || !strings.Contains(report, "mx-team-title") {
		t.Errorf("a leaking 404: %d mismatches, report:\n%s", n, report)
	}

	// A case that was not run is not a pass.
	if n, report := matrixCheck(one, []string{route}, results[1:]); n != 1 || !strings.Contains(report, "not run") {
		t.Errorf("a case not run: %d mismatches, report:\n%s", n, report)
	}

	// Coverage: a new route, and an entry for a route that is gone.
	problems := matrixCoverage([]string{route, "GET /api/v1/brand-new"}, map[string]matrixEntry{route: entry, "GET /gone": {team: "U A A A A A -"}})
	if len(problems) != 2 || !strings.Contains(problems[0], `"GET /api/v1/brand-new" is not in the access matrix`) ||
		!strings.Contains(problems[1], `"GET /gone", which the server no longer registers`) {
		t.Errorf("coverage problems: %q", problems)
	}

	// Classes.
	for _, c := range []struct {
		status   int
		location string
		want     matrixClass
	}{
		{200, "", matrixAllowed}, {201, "", matrixAllowed}, {204, "", matrixAllowed},
		{303, "/incidents/1", matrixAllowed}, {303, "/login?signed_out=1", matrixAllowed},
		{303, "/login?next=%2Fincidents", matrixUnauthenticated}, {303, "/login", matrixUnauthenticated},
		{400, "", matrixAllowed}, {409, "", matrixAllowed}, {422, "", matrixAllowed},
		{401, "", matrixUnauthenticated}, {403, "", matrixForbidden}, {404, "", matrixHidden},
		{405, "", matrixOther}, {429, "", matrixOther}, {500, "", matrixOther},
	} {
		if got := matrixClassify(c.status, c.location); got != c.want {
			t.Errorf("matrixClassify(%d, %q) = %s, want %s", c.status, c.location, got, c.want)
		}
	}

	// The matrix itself: every entry parses, only the public routes let
	// anonymous callers in, and the policy's distinctions are all there.
	seen := map[matrixClass]bool{}
	for _, r := range slices.Sorted(maps.Keys(matrix)) {
		ws, err := matrixWants(r, matrix[r])
		if err != nil {
			t.Error(err)
			continue
		}
		for _, w := range ws {
			for _, c := range w {
				seen[c] = true
			}
			if (w[matrixAnonymous] == matrixAllowed) != slices.Contains(matrixPublic, r) {
				t.Errorf("%s: anonymous %s, but the route is %sin matrixPublic", r, w[matrixAnonymous],
					map[bool]string{true: "", false: "not "}[slices.Contains(matrixPublic, r)])
			}
		}
	}
	for _, c := range []matrixClass{matrixAllowed, matrixUnauthenticated, matrixForbidden, matrixHidden, matrixNA} {
		if !seen[c] {
			t.Errorf("no route expects %s: the matrix has lost a distinction the policy makes", c)
		}
	}
}
