package api_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
)

type evidenceAnswer struct {
	Source   string               `json:"source"`
	DryRun   bool                 `json:"dry_run"`
	Result   debrief.ImportResult `json:"result"`
	Preview  []map[string]any     `json:"preview"`
	Channels []map[string]any     `json:"channels"`
}

// slackZip zips the Slack importer's fixture export.
func slackZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	dir := "../importers/slack/testdata/export"
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

func TestImportSlackOverAPI(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Checkout errors"})
	path := fmt.Sprintf("/api/v1/incidents/%d/events/import", inc.ID)
	z := slackZip(t)
	q := "?source=slack&channels=incident-2024-05-01&workspace_url=https://acme.slack.com&since=2024-05-01T09:00:00Z&until=2024-05-01T23:00:00Z"

	dry := want[evidenceAnswer](t, e.send(req{method: "POST", path: path + q + "&dry_run=true&name=export.zip", body: z, contentType: "application/zip"}), 200)
	if !dry.DryRun || dry.Result.Read != 6 || dry.Result.Created != 6 || len(dry.Preview) != 6 || len(dry.Channels) != 2 {
		t.Fatalf("dry run %+v", dry)
	}
	if l := want[list[debrief.Event]](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/events", inc.ID), nil), 200); l.Total != 0 {
		t.Fatalf("a dry run wrote %d events", l.Total)
	}
	got := want[evidenceAnswer](t, e.send(req{method: "POST", path: path + q, body: z, contentType: "application/zip"}), 201)
	if got.Result.Created != 6 {
		t.Fatalf("import %+v", got.Result)
	}
	again := want[evidenceAnswer](t, e.send(req{method: "POST", path: path + q, body: z, contentType: "application/zip"}), 201)
	if again.Result.Same != 6 || again.Result.Created != 0 {
		t.Fatalf("re-import %+v", again.Result)
	}
	l := want[list[debrief.Event]](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/events?source=slack&author=Tom+Berg", inc.ID), nil), 200)
	if l.Total != 2 || l.Items[0].OriginalID != "C01INCIDENT/1714554240.000200" || !strings.HasPrefix(l.Items[0].URL, "https://acme.slack.com/archives/C01INCIDENT/p1714554240000200") {
		t.Fatalf("filtered %+v", l)
	}
	// Tag it, then filter by tag.
	ev := l.Items[1]
	upd := want[debrief.Event](t, e.do("PATCH", fmt.Sprintf("/api/v1/incidents/%d/events/%d", inc.ID, ev.ID), map[string]any{"tag": "repair", "version": ev.Version}), 200)
	if upd.Tag != "repair" {
		t.Errorf("tag %+v", upd)
	}
	wantError(t, e.do("PATCH", fmt.Sprintf("/api/v1/incidents/%d/events/%d", inc.ID, ev.ID), map[string]any{"tag": "gossip", "version": upd.Version}), 400, "invalid", "tag")
	if l := want[list[debrief.Event]](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/events?tag=repair", inc.ID), nil), 200); l.Total != 1 {
		t.Errorf("tag filter %d", l.Total)
	}

	// Bad input: the error names the file and the entry; nothing written.
	wantError(t, e.send(req{method: "POST", path: path + "?source=slack&name=x.zip", body: []byte("not a zip"), contentType: "application/zip"}), 400, "invalid", "file")
	bad := e.send(req{method: "POST", path: path + "?source=csv&name=t.csv", body: []byte("at,text\n2024-05-01T09:00:00Z,ok\nyesterday,bad\n"), contentType: "text/csv"})
	eb := wantError(t, bad, 400, "invalid", "file")
	if !strings.Contains(eb.Error.Message, "t.csv: line 3: at:") {
		t.Errorf("message %q", eb.Error.Message)
	}
	wantError(t, e.send(req{method: "POST", path: path + "?source=fax", body: []byte("x"), contentType: "text/plain"}), 400, "invalid", "source")
	wantError(t, e.send(req{method: "POST", path: path + "?source=csv&zone=Mars/Olympus", body: []byte("x"), contentType: "text/csv"}), 400, "invalid", "zone")
	wantError(t, e.send(req{method: "POST", path: path + "?source=csv&skew=soon", body: []byte("x"), contentType: "text/csv"}), 400, "invalid", "skew")
	if l := want[list[debrief.Event]](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/events?include_hidden=true&limit=1000", inc.ID), nil), 200); l.Total != 6 {
		t.Errorf("bad imports wrote: %d events", l.Total)
	}

	// A viewer may not import.
	viewer := e.newUser("Vic Viewer", map[*debrief.Team]debrief.Role{e.team: debrief.RoleViewer})
	wantError(t, e.send(req{method: "POST", path: path + "?source=csv", body: []byte("at,text\n2024-05-01T09:00:00Z,ok\n"), contentType: "text/csv", token: viewer.token}), 403, "forbidden", "")
}

func TestImportCSVZoneAndSkew(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Zones"})
	path := fmt.Sprintf("/api/v1/incidents/%d/events/import?source=csv&zone=Europe/Copenhagen&skew=30s", inc.ID)
	got := want[evidenceAnswer](t, e.send(req{method: "POST", path: path, body: []byte("at,text,id\n2024-05-01 11:00:30,Paged,1\n"), contentType: "text/csv"}), 201)
	if got.Result.Created != 1 {
		t.Fatal(got)
	}
	l := want[list[debrief.Event]](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/events", inc.ID), nil), 200)
	if !l.Items[0].At.Equal(time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)) || l.Items[0].Source != "csv" {
		t.Errorf("zone and skew: %+v", l.Items[0])
	}
}

func TestNotesTimelineAndMilestones(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Live"})
	base := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	note := want[debrief.Event](t, e.do("POST", base+"/notes", map[string]any{"text": "Rolled back the gateway"}), 201)
	if note.Source != "note" || note.Author != "Test Admin" {
		t.Errorf("note %+v", note)
	}
	wantError(t, e.do("POST", base+"/notes", map[string]any{"text": " "}), 400, "invalid", "text")

	st := want[debrief.TimelineState](t, e.do("GET", base+"/timeline", nil), 200)
	if st.ConfirmedAt != nil {
		t.Errorf("%+v", st)
	}
	st = want[debrief.TimelineState](t, e.do("PUT", base+"/timeline", map[string]any{"confirmed": true}), 200)
	if st.ConfirmedAt == nil || st.ConfirmedBy != "Test Admin" {
		t.Errorf("%+v", st)
	}
	wantError(t, e.do("PUT", base+"/timeline", map[string]any{}), 400, "invalid", "confirmed")

	e.event(inc.ID, map[string]any{"at": "2024-05-01T09:01:00Z", "text": "Error rate alert", "kind": "alert", "source": "grafana"})
	e.event(inc.ID, map[string]any{"at": "2024-05-01T09:03:00Z", "text": "Acknowledged by Maria", "kind": "page", "source": "pagerduty"})
	props := want[struct {
		Items []debrief.ProposedMilestone `json:"items"`
	}](t, e.do("GET", base+"/timeline/milestones", nil), 200)
	if len(props.Items) != 2 || props.Items[0].Name != "detected" || props.Items[1].Name != "acknowledged" {
		t.Fatalf("%+v", props)
	}
	got := want[debrief.Incident](t, e.do("POST", base+"/timeline/milestones", map[string]any{"names": []string{"detected", "acknowledged"}, "version": inc.Version}), 200)
	if got.Milestones.Detected == nil || !got.Milestones.Acknowledged.Equal(time.Date(2024, 5, 1, 9, 3, 0, 0, time.UTC)) {
		t.Errorf("%+v", got.Milestones)
	}
	wantError(t, e.do("POST", base+"/timeline/milestones", map[string]any{"names": []string{"detected"}, "version": inc.Version}), 409, "conflict", "")
}

const hookPayload = `{"receiver":"debrief","status":"firing","truncatedAlerts":0,"alerts":[{"status":"firing",
 "labels":{"alertname":"CheckoutErrorRate","service":"%s","severity":"critical","team":"ops"},
 "annotations":{"summary":"checkout error rate above 5%%"},
 "startsAt":"2024-05-01T09:00:50Z","endsAt":"0001-01-01T00:00:00Z",
 "generatorURL":"https://prometheus.example.com/graph","fingerprint":"a1bc48475b20e73d"}],
 "groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"https://am.example.com","version":"4","groupKey":"{}:{}"}`

func TestAlertmanagerHookOverHTTP(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Checkout", "services": []string{"checkout"}})
	hook := "/api/v1/hooks/alertmanager"
	send := func(service, token string, anonymous bool) *resp {
		return e.send(req{method: "POST", path: hook, body: jsonBody(fmt.Sprintf(hookPayload, service)), token: token, anonymous: anonymous})
	}
	wantError(t, send("checkout", "", true), 401, "unauthorized", "")
	type answer struct {
		IncidentID *int64               `json:"incident_id"`
		Result     debrief.ImportResult `json:"result"`
	}
	a := want[answer](t, send("checkout", "", false), 200)
	if a.IncidentID == nil || *a.IncidentID != inc.ID || a.Result.Created != 1 {
		t.Fatalf("%+v", a)
	}
	a = want[answer](t, send("checkout", "", false), 200)
	if a.Result.Same != 1 || a.Result.Created != 0 {
		t.Fatalf("the same payload again: %+v", a)
	}
	// No open incident for billing, and the server opens none by default.
	a = want[answer](t, send("billing", "", false), 200)
	if a.IncidentID != nil || a.Result.Created != 0 {
		t.Fatalf("unmatched: %+v", a)
	}
	wantError(t, e.send(req{method: "POST", path: hook, body: jsonBody(`{"alerts":[]}`)}), 400, "invalid", "")
	viewer := e.newUser("Vic Viewer", map[*debrief.Team]debrief.Role{e.team: debrief.RoleViewer})
	wantError(t, send("checkout", viewer.token, false), 403, "forbidden", "")
	_ = app.AlertRule{}
}
