package web_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

func slackZipBytes(t *testing.T) []byte {
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
		b, _ := os.ReadFile(p)
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

// upload posts the import form as a browser does: multipart, the CSRF
// field first, the file last.
func (c *client) upload(path string, fields [][2]string, name string, file []byte) *httptest.ResponseRecorder {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", c.csrf)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, path, &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(r)
}

func TestEvidenceImportFlow(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	base := "/incidents/" + itoa(s.inc.ID)
	body := e.page(base + "/import")
	contains(t, body, `enctype="multipart/form-data"`, `Slack export (.zip)`)

	w := e.admin.upload(base+"/import", [][2]string{{"source", "slack"}, {"workspace_url", "https://acme.slack.com"}, {"zone", "UTC"}}, "export.zip", slackZipBytes(t))
	preview := redirected(t, w)
	if !strings.HasPrefix(preview, base+"/import/") {
		t.Fatalf("upload redirected to %q", preview)
	}
	// First the channels to choose from, no preview yet.
	body = e.page(preview)
	contains(t, body, "#incident-2024-05-01", "#general", "Choose the channels")
	body = e.page(preview + "?step=1&channels=incident-2024-05-01&since=2024-05-01+09%3A02&zone=UTC&workspace_url=https%3A%2F%2Facme.slack.com")
	contains(t, body, `<strong>6</strong> events in the window: <strong>6</strong> new`, "Rolled back the gateway to v2.3.1", "Import 6 events")
	// A bad window names its field, nothing read.
	body = e.get(preview + "?step=1&channels=incident-2024-05-01&since=yesterday").Body.String()
	contains(t, body, "From must be a time")

	// Another user cannot use this upload.
	other := e.signIn(e.user("Cy", "cy@example.com", false, map[string]debrief.Role{"payments": debrief.RoleEditor}))
	if loc := redirected(t, other.get(preview)); loc != base+"/import?expired=1" {
		t.Errorf("someone else's upload: %q", loc)
	}

	w = e.post(preview, url.Values{"channels": {"incident-2024-05-01"}, "since": {"2024-05-01 09:02"}, "zone": {"UTC"}, "workspace_url": {"https://acme.slack.com"}})
	done := redirected(t, w)
	if !strings.HasPrefix(done, base+"/evidence?imported=") {
		t.Fatalf("confirm redirected to %q", done)
	}
	body = e.page(done)
	contains(t, body, "Imported: 6 events read, 6 added", "Gateway returns 502 since 09:58 UTC", "open in slack")
	evs, n, _ := e.svc.FindEvents(e.ctx, debrief.EventFilter{IncidentID: s.inc.ID, Source: ptr("slack")})
	if n != 6 || !strings.HasPrefix(evs[0].URL, "https://acme.slack.com/archives/C01INCIDENT/p") {
		t.Fatalf("imported %d: %+v", n, evs)
	}
	// The upload is gone once imported.
	if loc := redirected(t, e.get(preview)); loc != base+"/import?expired=1" {
		t.Errorf("after the import: %q", loc)
	}
	// A file that is not what it says: the error names it, nothing written.
	w = e.admin.upload(base+"/import", [][2]string{{"source", "csv"}}, "t.csv", []byte("at,text\n2024-05-01T09:00:00Z,ok\nsoon,bad\n"))
	bad := e.get(redirected(t, w))
	if bad.Code != http.StatusBadRequest {
		t.Errorf("preview of a bad file: %d", bad.Code)
	}
	contains(t, bad.Body.String(), "t.csv: line 3: at:")
	if _, n2, _ := e.svc.FindEvents(e.ctx, debrief.EventFilter{IncidentID: s.inc.ID, IncludeHidden: true}); n2 != n+4 {
		t.Errorf("a refused file wrote events: %d", n2)
	}
	// A viewer is refused the import before the file is read.
	viewer := e.signIn(e.user("Vi", "vi@example.com", false, map[string]debrief.Role{"payments": debrief.RoleViewer}))
	if w := viewer.get(base + "/import"); w.Code != http.StatusForbidden {
		t.Errorf("viewer: %d", w.Code)
	}
	viewer.page(base + "/evidence")
	if w := viewer.upload(base+"/import", [][2]string{{"source", "csv"}}, "t.csv", []byte("at,text\n2024-05-01T09:00:00Z,ok\n")); w.Code != http.StatusForbidden {
		t.Errorf("viewer's upload: %d", w.Code)
	}
}

func TestEvidenceCuration(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	base := "/incidents/" + itoa(s.inc.ID)
	ev := s.events[1] // the config change
	redirected(t, e.post(base+"/evidence/curate", url.Values{"event": {itoa(ev.ID)}, "version": {itoa(ev.Version)}, "op": {"tag"}, "tag": {"diagnosis"}}))
	redirected(t, e.post(base+"/evidence/curate", url.Values{"event": {itoa(ev.ID)}, "version": {itoa(ev.Version + 1)}, "op": {"star"}}))
	got, _ := e.svc.FindEventByID(e.ctx, s.inc.ID, ev.ID)
	if got.Tag != "diagnosis" || !got.Starred {
		t.Fatalf("%+v", got)
	}
	if w := e.post(base+"/evidence/curate", url.Values{"event": {itoa(ev.ID)}, "version": {"1"}, "op": {"hide"}}); w.Code != http.StatusConflict {
		t.Errorf("stale version: %d", w.Code)
	}
	body := e.page(base + "/evidence?tag=diagnosis")
	contains(t, body, "1 event matching", "Config change PAY-2291 merged", "Diagnosis")
	lacks(t, body, "Alert: checkout 5xx above 2%")
	body = e.page(base + "/evidence?key=1&source=alertmanager")
	contains(t, body, "Alert: checkout 5xx above 2%")
	lacks(t, body, "Config change PAY-2291")

	// A note, now.
	loc := redirected(t, e.post(base+"/notes", url.Values{"text": {"Status page updated"}}))
	if !strings.HasPrefix(loc, base+"/evidence#ev-") {
		t.Errorf("note redirected to %q", loc)
	}
	contains(t, e.page(base+"/evidence?source=note"), "Status page updated")

	// Milestones from the evidence: the first alert is "detected".
	body = e.page(base + "/evidence")
	contains(t, body, `name="name" value="detected"`, "the first alert or page (alertmanager)")
	inc, _ := e.svc.FindIncidentByID(e.ctx, s.inc.ID)
	redirected(t, e.post(base+"/milestones/accept", url.Values{"name": {"detected"}, "version": {itoa(inc.Version)}}))
	inc, _ = e.svc.FindIncidentByID(e.ctx, s.inc.ID)
	if !inc.Milestones.Detected.Equal(at(t, "2024-03-12 14:19:30")) {
		t.Errorf("detected %v", inc.Milestones.Detected)
	}

	// The sign-off.
	redirected(t, e.post(base+"/timeline/confirm", url.Values{"confirmed": {"1"}}))
	contains(t, e.page(base+"/evidence"), "<strong>Confirmed</strong> by")

	// The picture: well-formed SVG, hidden events left out.
	w := e.get(base + "/timeline.svg?lanes=person")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "image/svg+xml") {
		t.Fatalf("svg: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	d := xml.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not XML: %v", err)
		}
	}
	svg := w.Body.String()
	if !strings.Contains(svg, "dana") || strings.Contains(svg, "reminder to update the status page") {
		t.Errorf("svg lanes or hidden events wrong")
	}
	contains(t, e.page(base), base+"/timeline.svg", "Curate the evidence")
}
