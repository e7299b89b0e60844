package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/bundle"
	"github.com/debrief-oss/debrief/web"
)

const dfdsADFS = "../importers/postmortem/testdata/dfds/PM2021-004 - ADFS outage.md"

// uploadForm posts a multipart form as the browser does: the fields first
// (the CSRF token among them), then the file, when there is one.
func (c *client) uploadForm(path string, fields url.Values, fileName string, data []byte) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	// The CSRF token goes first, as the page's forms send it: the
	// middleware reads only the first part of an upload.
	if fields.Has("csrf_token") {
		mw.WriteField("csrf_token", fields.Get("csrf_token"))
	} else if c.csrf != "" {
		mw.WriteField("csrf_token", c.csrf)
	}
	for k, vs := range fields {
		if k == "csrf_token" {
			continue
		}
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, _ := mw.CreateFormFile("file", fileName)
		fw.Write(data)
	}
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, path, &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(r)
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)

// confirmFields are the hidden fields of the preview's confirm form.
func confirmFields(body string) url.Values {
	out := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(body, -1) {
		out.Set(m[1], html.UnescapeString(m[2]))
	}
	return out
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestImportPreviewThenConfirm(t *testing.T) {
	e := newEnv(t, withUploads)
	e.team("payments")
	ed := e.signIn(e.user("Ed", "ed@example.com", false, map[string]debrief.Role{"payments": debrief.RoleEditor}))
	page := ed.page("/import")
	contains(t, page, `enctype="multipart/form-data"`, `name="file"`, `<option value="payments"`, `value="UTC"`)
	contains(t, ed.page("/"), `href="/import"`)

	w := ed.uploadForm("/import/preview", url.Values{"team": {"payments"}, "time_zone": {"Europe/Copenhagen"}}, "PM2021-004 - ADFS outage.md", readFile(t, dfdsADFS))
	if w.Code != 200 {
		t.Fatalf("preview: %d\n%s", w.Code, w.Body)
	}
	body := w.Body.String()
	contains(t, body, "Check what Debrief found", "ADFS", "1 file is ready to import",
		"Timeline: 8 events", "(the first 5 shown)", "Action items: 3", "kept as custom", "known",
		"PM2021-004 - ADFS outage.md, line 47:", "warning", `action="/import"`)
	if n, _, _ := e.svc.FindIncidents(e.ctx, debrief.IncidentFilter{Limit: 10}); len(n) != 0 {
		t.Fatal("the preview stored something")
	}

	fields := confirmFields(body)
	if fields.Get("content") == "" || fields.Get("team") != "payments" || fields.Get("time_zone") != "Europe/Copenhagen" {
		t.Fatalf("confirm form fields %v", fields)
	}
	loc := redirected(t, ed.uploadForm("/import", fields, "", nil))
	if !strings.HasPrefix(loc, "/incidents/") {
		t.Fatalf("confirm went to %q", loc)
	}
	contains(t, ed.page(loc), "ADFS")
}

func TestImportZipReportsEachFile(t *testing.T) {
	e := newEnv(t, withUploads)
	e.team("payments")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string][]byte{
		"good.md":         readFile(t, dfdsADFS),
		"broken.md":       []byte("---\nformat: debrief/1\ntitle: [unclosed\n---\n"),
		"../../escape.md": []byte("# escape"),
	} {
		fw, _ := zw.Create(name)
		fw.Write(body)
	}
	zw.Close()
	w := e.admin.uploadForm("/import/preview", url.Values{"team": {"payments"}}, "pms.zip", buf.Bytes())
	body := w.Body.String()
	contains(t, body, "1 file is ready to import", "2 files have errors and will be skipped",
		"pms.zip:broken.md:", "unsafe path", "Will not be imported")
	w = e.admin.uploadForm("/import", confirmFields(body), "", nil)
	if w.Code != 200 {
		t.Fatalf("confirm: %d %s", w.Code, w.Body)
	}
	contains(t, w.Body.String(), "Import finished", "1 retrospective was imported", "Not imported", `href="/incidents/`)
}

func TestImportBadUploads(t *testing.T) {
	e := newEnv(t, withUploads)
	e.team("payments")
	ed := e.signIn(e.user("Ed", "ed@example.com", false, map[string]debrief.Role{"payments": debrief.RoleEditor}))
	vi := e.signIn(e.user("Vi", "vi@example.com", false, map[string]debrief.Role{"payments": debrief.RoleViewer}))
	team := url.Values{"team": {"payments"}}

	// Too large: refused with the file's name, before it is parsed.
	w := ed.uploadForm("/import/preview", team, "huge.md", bytes.Repeat([]byte("x"), bundle.MaxUpload+1))
	if w.Code != 400 || !strings.Contains(w.Body.String(), "huge.md is 8 MiB") {
		t.Errorf("oversize: %d %s", w.Code, w.Body)
	}
	// Far too large to read at all: refused before the handler, in the
	// import's words.
	w = ed.uploadForm("/import/preview", team, "enormous.zip", bytes.Repeat([]byte("x"), web.MaxUploadFormBytes+1))
	if w.Code != 413 || !strings.Contains(w.Body.String(), "The file you chose is larger than the 8 MiB") {
		t.Errorf("far too large: %d %.300s", w.Code, w.Body)
	}
	// A binary file: its error names it, and nothing can be confirmed.
	w = ed.uploadForm("/import/preview", team, "photo.md", []byte("\x89PNG\r\n\x1a\n\x00\x00"))
	contains(t, w.Body.String(), "photo.md:3: binary file", "No file can be imported")
	lacks(t, w.Body.String(), `action="/import"`)
	// No file, a bad zone.
	w = ed.uploadForm("/import/preview", url.Values{"team": {"payments"}, "time_zone": {"Mars/Base"}}, "", nil)
	contains(t, w.Body.String(), "Choose a file to import", "Time zone must be an IANA name")
	contains(t, vi.page("/import"), "There is no team you can import into", "Ask an admin of your team")
	lacks(t, vi.page("/"), `href="/import"`)
	// A viewer may not import, and is told so before the file is read.
	if w := vi.uploadForm("/import/preview", team, "a.md", []byte("# a")); w.Code != 403 {
		t.Errorf("viewer preview: %d", w.Code)
	}
	if w := vi.uploadForm("/import", url.Values{"team": {"payments"}, "name": {"a.md"}, "content": {"IyBhCg"}}, "", nil); w.Code != 403 {
		t.Errorf("viewer import: %d", w.Code)
	}
	// A multipart form without the CSRF token is refused.
	ed.csrf = ""
	if w := ed.uploadForm("/import", url.Values{"team": {"payments"}, "name": {"a.md"}, "content": {"IyBhCg"}}, "", nil); w.Code != 403 {
		t.Errorf("no CSRF token: %d", w.Code)
	}
	// Content that did not survive the trip.
	ed = e.signIn(ed.user)
	if w := ed.uploadForm("/import", url.Values{"team": {"payments"}, "name": {"a.md"}, "content": {"%%%"}}, "", nil); w.Code != 400 {
		t.Errorf("broken content: %d", w.Code)
	}
	if n, _, _ := e.svc.FindIncidents(e.ctx, debrief.IncidentFilter{Limit: 10}); len(n) != 0 {
		t.Errorf("bad uploads stored %d incidents", len(n))
	}
}

func TestExportButtonsAndZip(t *testing.T) {
	e := newEnv(t, withUploads)
	s := e.seed()
	id := itoa(s.inc.ID)
	sys := debrief.WithActor(context.Background(), debrief.SystemActor)
	page := e.page("/incidents/" + id)
	contains(t, page, `/export?format=debrief"`, `/export?format=json"`, `/export?format=markdown-zip"`, "Markdown with pictures", "Download Markdown")
	for _, form := range bundle.Formats {
		w := e.get("/incidents/" + id + "/export?format=" + form)
		rep, err := e.svc.FindReport(sys, s.inc.ID, bundle.IncludeHidden(form))
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		bundle.Write(&want, rep, form)
		if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), want.Bytes()) {
			t.Errorf("%s: %d, the bytes differ from the export", form, w.Code)
		}
	}
	if w := e.get("/incidents/" + id + "/export?format=pdf"); w.Code != 400 {
		t.Errorf("pdf: %d", w.Code)
	}

	// A second incident, its write-up restricted: in the viewer's zip
	// only as a name in README.txt.
	sec := &debrief.Incident{Title: "Token leak", Severity: "SEV2", Team: "payments", TimeZone: "UTC"}
	if err := e.svc.CreateIncident(e.ctx, sec, ""); err != nil {
		t.Fatal(err)
	}
	body := "Secret analysis of the token leak."
	sum, _ := e.svc.FindSection(e.ctx, sec.ID, "summary")
	if _, err := e.svc.UpdateSection(e.ctx, sec.ID, "summary", debrief.SectionUpdate{Body: &body, Version: sum.Version}); err != nil {
		t.Fatal(err)
	}
	r, _ := e.svc.FindRetrospective(e.ctx, sec.ID)
	redirected(t, e.post("/incidents/"+itoa(sec.ID)+"/access", url.Values{"version": {itoa(r.Version)}, "restricted": {"1"}}))

	vi := e.signIn(e.user("Vi", "vi@example.com", false, map[string]debrief.Role{"payments": debrief.RoleViewer}))
	contains(t, vi.page("/"), `href="/incidents/export.zip"`)
	files := unzip(t, vi.get("/incidents/export.zip"))
	if len(files) != 2 || !strings.Contains(files["README.txt"], "#"+itoa(sec.ID)) {
		t.Errorf("viewer's zip: %d files, README %q", len(files), files["README.txt"])
	}
	for name, f := range files {
		if strings.Contains(f, "Secret analysis") {
			t.Errorf("the restricted write-up is in the viewer's zip, in %s", name)
		}
	}
	files = unzip(t, e.get("/incidents/export.zip"))
	if len(files) != 3 {
		t.Errorf("admin's zip: %d files, want both incidents and README.txt", len(files))
	}
	rep, _ := e.svc.FindReport(sys, s.inc.ID, true)
	var want bytes.Buffer
	bundle.Write(&want, rep, bundle.Debrief)
	if files[bundle.Filename(s.inc, bundle.Debrief)] != want.String() {
		t.Error("the zip's file differs from the export")
	}
}

func unzip(t *testing.T, w *httptest.ResponseRecorder) map[string]string {
	t.Helper()
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("export.zip: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

// withUploads gives the authentication middleware the upload limit, as
// `debrief serve` does (cmd/debrief/wire.go).
func withUploads(c *envConfig) {}

// TestImportNearTheLimit sends an upload of almost 8 MiB through both
// steps, as `debrief serve` is configured: the confirm form carries it back
// in base64, a third larger, and must still be accepted.
func TestImportNearTheLimit(t *testing.T) {
	e := newEnv(t, withUploads)
	e.team("payments")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	line := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 2) + "\n"
	for i := range 4 {
		fw, _ := zw.CreateHeader(&zip.FileHeader{Name: "pm" + itoa(int64(i)) + ".md", Method: zip.Store})
		fw.Write([]byte("# Outage " + itoa(int64(i)) + "\n"))
		// Ten sections of 190 KiB: each under the service's limit.
		for sec := range 10 {
			fw.Write([]byte("\n## Part " + itoa(int64(sec)) + "\n\n"))
			for n := 0; n < (190<<10)/len(line); n++ {
				fw.Write([]byte(line))
			}
		}
	}
	zw.Close()
	if buf.Len() < 7<<20 || buf.Len() > bundle.MaxUpload {
		t.Fatalf("the zip is %d bytes", buf.Len())
	}
	w := e.admin.uploadForm("/import/preview", url.Values{"team": {"payments"}}, "big.zip", buf.Bytes())
	if w.Code != 200 {
		t.Fatalf("preview: %d %.500s", w.Code, w.Body)
	}
	contains(t, w.Body.String(), "4 files are ready to import")
	w = e.admin.uploadForm("/import", confirmFields(w.Body.String()), "", nil)
	if w.Code != 200 {
		t.Fatalf("confirm: %d %.2000s", w.Code, w.Body)
	}
	contains(t, w.Body.String(), "4 retrospectives were imported")
}

// TestImportDebriefFormatKeepsItsTeam previews a file exported from
// another team: the preview says where it goes, and the import puts it
// there (or refuses it, for someone who does not edit that team).
func TestImportDebriefFormatKeepsItsTeam(t *testing.T) {
	e := newEnv(t, withUploads)
	s := e.seed()
	e.team("search")
	var file bytes.Buffer
	rep, err := e.svc.FindReport(e.ctx, s.inc.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	bundle.Write(&file, rep, bundle.Debrief)
	ed := e.signIn(e.user("Sam", "sam@example.com", false, map[string]debrief.Role{"search": debrief.RoleEditor}))
	w := ed.uploadForm("/import/preview", url.Values{"team": {"search"}}, "export.debrief.md", file.Bytes())
	contains(t, w.Body.String(), "This file names its own team, <strong>payments</strong>")
	w = ed.uploadForm("/import", confirmFields(w.Body.String()), "", nil)
	contains(t, w.Body.String(), "0 retrospectives were imported", "Not imported")
}
