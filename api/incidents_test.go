package api_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func TestIncidentCRUD(t *testing.T) {
	e := newEnv(t)
	e.newTeam("payments", debrief.VisibleToTeam) // a team is named by its slug
	ada := e.person("Ada Lovelace", "ada")
	bob := e.person("Bob Ross", "bob")

	r := e.do("POST", "/api/v1/incidents", map[string]any{
		"title":        "  Checkout failing for card payments ",
		"severity":     "SEV2",
		"services":     []string{"checkout", "payments"},
		"team":         "payments",
		"time_zone":    "Europe/Copenhagen",
		"commander_id": ada.ID,
		"responders":   []map[string]any{{"person_id": bob.ID, "role": "Communications lead"}},
		"milestones": map[string]any{
			"started":  "2024-05-01T15:58:00+02:00",
			"detected": "2024-05-01T14:03:00Z",
		},
	})
	inc := want[debrief.Incident](t, r, 201)
	if got, wantLoc := r.header.Get("Location"), fmt.Sprintf("/api/v1/incidents/%d", inc.ID); got != wantLoc {
		t.Errorf("Location %q, want %q", got, wantLoc)
	}
	if inc.Title != "Checkout failing for card payments" || inc.Severity != "SEV2" ||
		inc.Status != debrief.IncidentActive || inc.Team != "payments" || inc.TimeZone != "Europe/Copenhagen" ||
		!slices.Equal(inc.Services, []string{"checkout", "payments"}) || inc.Version != 1 {
		t.Errorf("created %+v", inc)
	}
	if inc.Milestones.Started == nil || !inc.Milestones.Started.Equal(time.Date(2024, 5, 1, 13, 58, 0, 0, time.UTC)) ||
		inc.Milestones.Started.Location() != time.UTC {
		t.Errorf("started %v, want 13:58 UTC", inc.Milestones.Started)
	}
	if inc.Commander == nil || inc.Commander.Name != "Ada Lovelace" {
		t.Errorf("commander %+v, want Ada filled in", inc.Commander)
	}
	if len(inc.Responders) != 1 || inc.Responders[0].Person == nil || inc.Responders[0].Person.Handle != "bob" ||
		inc.Responders[0].Role != "Communications lead" {
		t.Errorf("responders %+v", inc.Responders)
	}

	// Defaults.
	minimal := e.incident(map[string]any{"title": "Minimal"})
	if minimal.Severity != "SEV4" || minimal.TimeZone != "UTC" || minimal.Status != debrief.IncidentActive ||
		minimal.Services == nil || minimal.CommanderID != nil {
		t.Errorf("defaults %+v", minimal)
	}

	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	got := want[debrief.Incident](t, e.do("GET", path, nil), 200)
	if got.Title != inc.Title || got.Version != 1 || got.Commander == nil {
		t.Errorf("get %+v", got)
	}

	// PATCH changes what it names and nothing else.
	upd := want[debrief.Incident](t, e.do("PATCH", path, map[string]any{
		"status": "mitigated", "commander_id": 0, "version": 1,
		"milestones": map[string]any{"started": "2024-05-01T13:58:00Z", "mitigated": "2024-05-01T14:41:00Z"},
	}), 200)
	if upd.Status != debrief.IncidentMitigated || upd.Version != 2 || upd.CommanderID != nil || upd.Commander != nil ||
		upd.Title != inc.Title || upd.Team != "payments" || len(upd.Responders) != 1 ||
		upd.Milestones.Detected != nil || upd.Milestones.Mitigated == nil {
		t.Errorf("patched %+v", upd)
	}
	got = want[debrief.Incident](t, e.do("GET", path, nil), 200)
	if got.Status != debrief.IncidentMitigated || got.Version != 2 {
		t.Errorf("after patch, get %+v", got)
	}

	// Rules of the app come back naming the field.
	wantError(t, e.do("PATCH", path, map[string]any{"severity": "SEV9", "version": 2}), 400, "invalid", "severity")
	wantError(t, e.do("PATCH", path, map[string]any{"title": "x"}), 400, "invalid", "version")
	wantError(t, e.do("PATCH", path, map[string]any{
		"milestones": map[string]any{"started": "2024-05-01T14:00:00Z", "detected": "2024-05-01T13:00:00Z"}, "version": 2,
	}), 400, "invalid", "milestones.detected")
	wantError(t, e.do("PATCH", path, map[string]any{
		"responders": []map[string]any{{"person_id": 999, "role": "Scribe"}}, "version": 2,
	}), 400, "invalid", "responders[0].person_id")

	// Stale version: 409 with the incident as it is now.
	eb := wantError(t, e.do("PATCH", path, map[string]any{"title": "Stale", "version": 1}), 409, "conflict", "")
	if len(eb.Current) == 0 {
		t.Fatal("conflict without current")
	}

	r = e.do("DELETE", path, nil)
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("delete: %d %q", r.status, r.body)
	}
	wantError(t, e.do("GET", path, nil), 404, "not_found", "")
	wantError(t, e.do("GET", path+"/retrospective", nil), 404, "not_found", "")
	wantError(t, e.do("DELETE", path, nil), 404, "not_found", "")
}

func TestIncidentFiltersAndPaging(t *testing.T) {
	e := newEnv(t)
	for _, team := range []string{"storage", "edge", "security"} {
		e.newTeam(team, debrief.VisibleToTeam)
	}
	mk := func(title, sev, status, team string, services ...string) int64 {
		inc := e.incident(map[string]any{"title": title, "severity": sev, "status": status, "team": team, "services": services})
		return inc.ID
	}
	db := mk("Database outage", "SEV1", "resolved", "storage", "postgres")
	api := mk("API latency", "SEV3", "active", "edge", "gateway", "api")
	dns := mk("DNS failures in eu-west", "SEV2", "active", "edge", "dns")
	cert := mk("Expired certificate", "SEV2", "closed", "security", "gateway")

	ids := func(path string) []int64 {
		t.Helper()
		l := want[list[debrief.Incident]](t, e.do("GET", path, nil), 200)
		var out []int64
		for _, inc := range l.Items {
			out = append(out, inc.ID)
		}
		return out
	}
	cases := []struct {
		query string
		want  []int64
	}{
		{"", []int64{cert, dns, api, db}}, // newest first
		{"status=active", []int64{dns, api}},
		{"severity=SEV2", []int64{cert, dns}},
		{"team=edge", []int64{dns, api}},
		{"service=gateway", []int64{cert, api}},
		{"q=data+out", []int64{db}},
		{"q=", []int64{cert, dns, api, db}},
		{"status=active&severity=SEV2", []int64{dns}},
		{"team=Nobody", nil},
	}
	for _, c := range cases {
		if got := ids("/api/v1/incidents?" + c.query); !slices.Equal(got, c.want) {
			t.Errorf("?%s: %v, want %v", c.query, got, c.want)
		}
	}

	l := want[list[debrief.Incident]](t, e.do("GET", "/api/v1/incidents?offset=1&limit=2", nil), 200)
	if l.Total != 4 || l.Offset != 1 || l.Limit != 2 || len(l.Items) != 2 || l.Items[0].ID != dns || l.Items[1].ID != api {
		t.Errorf("page: total %d offset %d limit %d items %d", l.Total, l.Offset, l.Limit, len(l.Items))
	}
	l = want[list[debrief.Incident]](t, e.do("GET", "/api/v1/incidents?offset=10", nil), 200)
	if l.Total != 4 || len(l.Items) != 0 || l.Items == nil || l.Limit != 100 {
		t.Errorf("past the end: %+v", l)
	}
	l = want[list[debrief.Incident]](t, e.do("GET", "/api/v1/incidents?status=active&limit=1", nil), 200)
	if l.Total != 2 || len(l.Items) != 1 {
		t.Errorf("total must count all matches: %+v", l)
	}
}
