package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/api"
	"github.com/debrief-oss/debrief/app"
)

// TestBadInput sends requests the API must refuse. Each answer must be a 4xx
// naming the input at fault, and nothing may have been written: every list
// and the write-up read the same, byte for byte, before and after.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	ada := e.person("Ada Lovelace", "ada")
	inc := e.incident(map[string]any{"title": "Cache stampede", "time_zone": "Europe/Copenhagen"})
	ev := e.event(inc.ID, map[string]any{"at": "2024-05-01T14:00:00Z", "text": "Alert"})
	act := e.action(inc.ID, map[string]any{"title": "Add jitter"})
	incPath := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	evPath := fmt.Sprintf("%s/events/%d", incPath, ev.ID)
	actPath := fmt.Sprintf("%s/actions/%d", incPath, act.ID)
	secPath := incPath + "/retrospective/sections/summary"
	personPath := fmt.Sprintf("/api/v1/people/%d", ada.ID)

	long := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		name   string
		req    req
		status int
		code   string
		field  string
		msg    string // a part the message must hold
	}{
		// Not JSON, or not one object.
		{"invalid JSON in a value", req{method: "POST", path: "/api/v1/incidents", body: jsonBody(`{"title": "x", "team": }`)}, 400, "invalid", "team", "not valid JSON"},
		{"invalid JSON, cut short", req{method: "POST", path: "/api/v1/incidents", body: jsonBody(`{"title": "x"`)}, 400, "invalid", "", "not valid JSON"},
		{"invalid JSON deep inside", req{method: "POST", path: "/api/v1/incidents", body: jsonBody(`{"title":"x","responders":[{"person_id":1,"role":'x'}]}`)}, 400, "invalid", "responders[0].role", "not valid JSON"},
		{"empty body", req{method: "POST", path: "/api/v1/incidents", body: jsonBody(``)}, 400, "invalid", "", "empty"},
		{"array, not object", req{method: "POST", path: "/api/v1/incidents", body: jsonBody(`[{"title":"x"}]`)}, 400, "invalid", "", "must be a JSON object"},
		{"null body", req{method: "POST", path: "/api/v1/people", body: jsonBody(`null`)}, 400, "invalid", "", "must be a JSON object"},
		{"trailing data", req{method: "POST", path: "/api/v1/incidents", body: jsonBody(`{"title":"x"} {"title":"y"}`)}, 400, "invalid", "", "exactly one object"},
		{"trailing garbage", req{method: "PATCH", path: incPath, body: jsonBody(`{"title":"x","version":1}]`)}, 400, "invalid", "", "exactly one object"},
		{"wrong content type", req{method: "POST", path: "/api/v1/incidents", body: jsonBody(`{"title":"x"}`), contentType: "text/plain"}, 400, "invalid", "Content-Type", "application/json"},
		{"form content type", req{method: "POST", path: "/api/v1/people", body: jsonBody(`name=x`), contentType: "application/x-www-form-urlencoded"}, 400, "invalid", "Content-Type", ""},
		{"latin-1 JSON", req{method: "POST", path: "/api/v1/people", body: jsonBody(`{"name":"x"}`), contentType: "application/json; charset=latin1"}, 400, "invalid", "Content-Type", "UTF-8"},

		// Unknown, repeated and misspelt fields.
		{"unknown field", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "titel": "y"}}, 400, "invalid", "titel", "allowed"},
		{"unknown nested field", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "milestones": map[string]any{"detcted": "2024-05-01T14:03:00Z"}}}, 400, "invalid", "milestones.detcted", ""},
		{"read-only field", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "id": 7}}, 400, "invalid", "id", ""},
		{"read-only responder person", req{method: "PATCH", path: incPath, body: map[string]any{"responders": []any{map[string]any{"person_id": ada.ID, "role": "x", "person": map[string]any{}}}, "version": 1}}, 400, "invalid", "responders[0].person", ""},
		{"field in the wrong case", req{method: "POST", path: "/api/v1/people", body: jsonBody(`{"Name":"x"}`)}, 400, "invalid", "Name", `did you mean "name"`},
		{"field given twice", req{method: "POST", path: "/api/v1/people", body: jsonBody(`{"name":"x","name":"y"}`)}, 400, "invalid", "name", "more than once"},
		{"section cannot take optional", req{method: "POST", path: incPath + "/retrospective/sections", body: map[string]any{"title": "x", "optional": false}}, 400, "invalid", "optional", ""},

		// Wrong types, named by path.
		{"number for string", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": 42}}, 400, "invalid", "title", "must be a string"},
		{"string for array", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "services": "api"}}, 400, "invalid", "services", "must be an array"},
		{"string for id in array", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "responders": []any{map[string]any{"person_id": "1", "role": "x"}}}}, 400, "invalid", "responders[0].person_id", "whole number"},
		{"fraction for version", req{method: "PATCH", path: incPath, body: jsonBody(`{"title":"x","version":1.5}`)}, 400, "invalid", "version", "whole number"},
		{"huge version", req{method: "PATCH", path: incPath, body: jsonBody(`{"title":"x","version":99999999999999999999}`)}, 400, "invalid", "version", "64 bits"},
		{"exponent version", req{method: "PATCH", path: incPath, body: jsonBody(`{"title":"x","version":1e3}`)}, 400, "invalid", "version", "whole number (got 1e3)"},
		{"string for bool", req{method: "PATCH", path: evPath, body: map[string]any{"starred": "yes", "version": 1}}, 400, "invalid", "starred", "true or false"},
		{"object for milestones string", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "milestones": "today"}}, 400, "invalid", "milestones", "must be an object"},

		// Times must carry their zone.
		{"event time without zone", req{method: "POST", path: incPath + "/events", body: map[string]any{"at": "2024-05-01T14:03:00", "text": "x"}}, 400, "invalid", "at", "no time zone"},
		{"milestone without zone", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "milestones": map[string]any{"detected": "2024-05-01T14:03:00"}}}, 400, "invalid", "milestones.detected", "no time zone"},
		{"milestone patch without zone", req{method: "PATCH", path: incPath, body: map[string]any{"milestones": map[string]any{"started": "2024-05-01 14:03"}, "version": 1}}, 400, "invalid", "milestones.started", "RFC 3339"},
		{"event patch without zone", req{method: "PATCH", path: evPath, body: map[string]any{"at": "2024-05-01T14:03:00.5", "version": 1}}, 400, "invalid", "at", "no time zone"},
		{"time as a number", req{method: "POST", path: incPath + "/events", body: map[string]any{"at": 1714572180, "text": "x"}}, 400, "invalid", "at", "RFC 3339"},
		{"event without time", req{method: "POST", path: incPath + "/events", body: map[string]any{"text": "x"}}, 400, "invalid", "at", "required"},

		// Over the app's size limits.
		{"event text too long", req{method: "POST", path: incPath + "/events", body: map[string]any{"at": "2024-05-01T14:03:00Z", "text": long(app.MaxEventText + 1)}}, 400, "invalid", "text", "at most 10000"},
		{"event text patch too long", req{method: "PATCH", path: evPath, body: map[string]any{"text": long(app.MaxEventText + 1), "version": 1}}, 400, "invalid", "text", "too long"},
		{"title too long", req{method: "POST", path: "/api/v1/incidents", body: e.withTeam(map[string]any{"title": long(app.MaxTitle + 1)})}, 400, "invalid", "title", "too long"},
		{"section body too long", req{method: "PATCH", path: secPath, body: map[string]any{"body": long(app.MaxSectionBody + 1), "version": 1}}, 400, "invalid", "body", "too long"},
		{"action description too long", req{method: "PATCH", path: actPath, body: map[string]any{"description": long(app.MaxActionText + 1), "version": 1}}, 400, "invalid", "description", "too long"},
		{"too many services", req{method: "POST", path: "/api/v1/incidents", body: e.withTeam(map[string]any{"title": "x", "services": strings.Split(long(app.MaxServices+1), "")})}, 400, "invalid", "services", "at most 50"},
		{"body over 1 MiB", req{method: "POST", path: incPath + "/events", body: map[string]any{"at": "2024-05-01T14:03:00Z", "text": long(api.MaxBodyBytes)}}, 413, "too_large", "", "1 MiB"},
		{"patch body over 1 MiB", req{method: "PATCH", path: secPath, body: jsonBody(`{"body":"` + long(2*api.MaxBodyBytes) + `","version":1}`)}, 413, "too_large", "", "1 MiB"},

		// Rules of the app.
		{"missing version", req{method: "PATCH", path: personPath, body: map[string]any{"name": "x"}}, 400, "invalid", "version", "required"},
		{"null version", req{method: "PATCH", path: actPath, body: jsonBody(`{"title":"x","version":null}`)}, 400, "invalid", "version", "required"},
		{"unknown severity", req{method: "POST", path: "/api/v1/incidents", body: e.withTeam(map[string]any{"title": "x", "severity": "SEV0"})}, 400, "invalid", "severity", "SEV1"},
		{"unknown time zone", req{method: "POST", path: "/api/v1/incidents", body: e.withTeam(map[string]any{"title": "x", "time_zone": "Mars/Olympus"})}, 400, "invalid", "time_zone", ""},
		{"unknown template", req{method: "POST", path: "/api/v1/incidents", body: e.withTeam(map[string]any{"title": "x", "template": "nope"})}, 400, "invalid", "template", ""},
		{"stale version", req{method: "PATCH", path: personPath, body: map[string]any{"name": "x", "version": 7}}, 409, "conflict", "", "changed by someone else"},

		// Bad path parameters.
		{"non-numeric id", req{method: "GET", path: "/api/v1/incidents/abc"}, 400, "invalid", "id", "positive whole number"},
		{"zero id", req{method: "GET", path: "/api/v1/people/0"}, 400, "invalid", "id", ""},
		{"negative id", req{method: "DELETE", path: "/api/v1/incidents/-1"}, 400, "invalid", "id", ""},
		{"overflowing id", req{method: "GET", path: "/api/v1/incidents/99999999999999999999"}, 400, "invalid", "id", ""},
		{"non-numeric event id", req{method: "DELETE", path: incPath + "/events/first"}, 400, "invalid", "eventID", ""},
		{"non-numeric action id", req{method: "PATCH", path: incPath + "/actions/x1", body: map[string]any{"version": 1}}, 400, "invalid", "actionID", ""},
		{"bad id before bad body", req{method: "PATCH", path: "/api/v1/incidents/x", body: jsonBody(`{`)}, 400, "invalid", "id", ""},

		// Bad query parameters.
		{"limit not a number", req{method: "GET", path: "/api/v1/incidents?limit=abc"}, 400, "invalid", "limit", "1 to 1000"},
		{"limit zero", req{method: "GET", path: "/api/v1/people?limit=0"}, 400, "invalid", "limit", ""},
		{"limit too large", req{method: "GET", path: "/api/v1/actions?limit=1001"}, 400, "invalid", "limit", ""},
		{"negative offset", req{method: "GET", path: incPath + "/events?offset=-1"}, 400, "invalid", "offset", ""},
		{"unknown status", req{method: "GET", path: "/api/v1/incidents?status=nope"}, 400, "invalid", "status", "active, mitigated"},
		{"unknown severity filter", req{method: "GET", path: "/api/v1/incidents?severity=P1"}, 400, "invalid", "severity", ""},
		{"misspelt parameter", req{method: "GET", path: "/api/v1/incidents?stauts=active"}, 400, "invalid", "stauts", "allowed"},
		{"parameter twice", req{method: "GET", path: "/api/v1/incidents?status=active&status=closed"}, 400, "invalid", "status", "more than once"},
		{"parameter on a route without any", req{method: "GET", path: incPath + "?expand=all"}, 400, "invalid", "expand", "takes none"},
		{"parameter on a write", req{method: "POST", path: "/api/v1/people?dry_run=true", body: map[string]any{"name": "x"}}, 400, "invalid", "dry_run", ""},
		{"bool spelt 1", req{method: "GET", path: incPath + "/events?include_hidden=1"}, 400, "invalid", "include_hidden", ""},
		{"bad query encoding", req{method: "GET", path: "/api/v1/people?q=%zz"}, 400, "invalid", "", ""},

		// Accounts, tokens and teams are read as strictly.
		{"token expiry without zone", req{method: "POST", path: "/api/v1/me/tokens", body: map[string]any{"name": "x", "scope": "read", "expires_at": "2030-01-01T00:00:00"}}, 400, "invalid", "expires_at", "no time zone"},
		{"token expiry in the past", req{method: "POST", path: "/api/v1/me/tokens", body: map[string]any{"name": "x", "scope": "read", "expires_at": "2020-01-01T00:00:00Z"}}, 400, "invalid", "expires_at", "future"},
		{"token scope unknown", req{method: "POST", path: "/api/v1/me/tokens", body: map[string]any{"name": "x", "scope": "admin"}}, 400, "invalid", "scope", ""},
		{"token with a secret of its own", req{method: "POST", path: "/api/v1/me/tokens", body: map[string]any{"name": "x", "scope": "read", "token": "mine"}}, 400, "invalid", "token", "allowed"},
		{"user with a hash", req{method: "POST", path: "/api/v1/users", body: map[string]any{"email": "x@example.com", "name": "x", "password_hash": "$2a$"}}, 400, "invalid", "password_hash", ""},
		{"user admin as string", req{method: "PATCH", path: "/api/v1/users/1", body: map[string]any{"org_admin": "true", "version": 1}}, 400, "invalid", "org_admin", "true or false"},
		{"team slug not a slug", req{method: "POST", path: "/api/v1/teams", body: map[string]any{"slug": "Team A", "name": "x"}}, 400, "invalid", "slug", ""},
		{"team visibility unknown", req{method: "PATCH", path: "/api/v1/teams/ops", body: map[string]any{"default_visibility": "public", "version": 1}}, 400, "invalid", "default_visibility", ""},
		{"member role unknown", req{method: "PUT", path: "/api/v1/teams/ops/members/1", body: map[string]any{"role": "owner"}}, 400, "invalid", "role", ""},
		{"member without role", req{method: "PUT", path: "/api/v1/teams/ops/members/1", body: jsonBody(`{}`)}, 400, "invalid", "role", ""},
		{"incident visibility unknown", req{method: "POST", path: "/api/v1/incidents", body: e.withTeam(map[string]any{"title": "x", "visibility": "public"})}, 400, "invalid", "visibility", ""},
		{"incident without team", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x"}}, 400, "invalid", "team", "required"},
		{"incident of an unknown team", req{method: "POST", path: "/api/v1/incidents", body: map[string]any{"title": "x", "team": "nobody"}}, 400, "invalid", "team", ""},
		{"readers not ids", req{method: "PATCH", path: incPath + "/retrospective", body: map[string]any{"readers": []string{"ada"}, "version": 1}}, 400, "invalid", "readers[0]", "whole number"},
		{"non-numeric token id", req{method: "DELETE", path: "/api/v1/me/tokens/all"}, 400, "invalid", "tokenID", ""},
		{"non-numeric user id", req{method: "GET", path: "/api/v1/users/ada"}, 400, "invalid", "userID", ""},
		{"team slug in capitals", req{method: "GET", path: "/api/v1/teams/OPS/members"}, 400, "invalid", "slug", ""},
		{"audit since without zone", req{method: "GET", path: "/api/v1/audit?since=2024-05-01T14:03:00"}, 400, "invalid", "since", "no time zone"},
		{"audit after id zero", req{method: "GET", path: "/api/v1/audit?after_id=0"}, 400, "invalid", "after_id", ""},
		{"audit with offset", req{method: "GET", path: incPath + "/audit?offset=10"}, 400, "invalid", "offset", "allowed"},
		{"export with a limit", req{method: "GET", path: "/api/v1/audit.jsonl?limit=10"}, 400, "invalid", "limit", ""},

		// Unknown ids.
		{"unknown incident", req{method: "GET", path: "/api/v1/incidents/999"}, 404, "not_found", "", ""},
		{"patch unknown incident", req{method: "PATCH", path: "/api/v1/incidents/999", body: map[string]any{"title": "x", "version": 1}}, 404, "not_found", "", ""},
		{"event of unknown incident", req{method: "POST", path: "/api/v1/incidents/999/events", body: map[string]any{"at": "2024-05-01T14:03:00Z", "text": "x"}}, 404, "not_found", "", ""},
		{"unknown event", req{method: "PATCH", path: incPath + "/events/999", body: map[string]any{"text": "x", "version": 1}}, 404, "not_found", "", ""},
		{"unknown section", req{method: "PATCH", path: incPath + "/retrospective/sections/nope", body: map[string]any{"body": "x", "version": 1}}, 404, "not_found", "", ""},
		{"unknown action", req{method: "DELETE", path: incPath + "/actions/999"}, 404, "not_found", "", ""},
		{"unknown person", req{method: "DELETE", path: "/api/v1/people/999"}, 404, "not_found", "", ""},
		{"export of unknown incident", req{method: "GET", path: "/api/v1/incidents/999/retrospective.md"}, 404, "not_found", "", ""},
		{"unknown team", req{method: "GET", path: "/api/v1/teams/nobody"}, 404, "not_found", "", ""},
		{"members of unknown team", req{method: "PUT", path: "/api/v1/teams/nobody/members/1", body: map[string]any{"role": "viewer"}}, 404, "not_found", "", ""},
		{"unknown user", req{method: "PATCH", path: "/api/v1/users/999", body: map[string]any{"name": "x", "version": 1}}, 404, "not_found", "", ""},
		{"unknown token", req{method: "DELETE", path: "/api/v1/me/tokens/999"}, 404, "not_found", "", ""},
	}
	before := e.snapshot(inc.ID)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			defer func() { e.t = nil }()
			r := e.send(c.req)
			eb := wantError(t, r, c.status, c.code, c.field)
			if !strings.Contains(eb.Error.Message, c.msg) {
				t.Errorf("message %q, want it to hold %q", eb.Error.Message, c.msg)
			}
			if after := e.snapshot(inc.ID); after != before {
				t.Errorf("the refused request wrote something")
			}
		})
	}
	e.t = t
	if logs := e.logs.String(); logs != "" {
		t.Errorf("bad input was logged, only internal errors should be:\n%s", logs)
	}
	// Nothing was refused that should not have been: the same objects still change.
	want[debrief.Incident](t, e.do("PATCH", incPath, map[string]any{"title": "Cache stampede (EU)", "version": 1}), 200)
}
