package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/bundle"
)

// importResult mirrors the answer of POST /api/v1/import.
type importResult struct {
	DryRun   bool `json:"dry_run"`
	Imported int  `json:"imported"`
	Failed   int  `json:"failed"`
	Files    []struct {
		File       string `json:"file"`
		IncidentID int64  `json:"incident_id"`
		Draft      *struct {
			Incident struct {
				Title    string `json:"title"`
				Team     string `json:"team"`
				TimeZone string `json:"time_zone"`
			} `json:"incident"`
			Sections []struct {
				Key    string `json:"key"`
				Custom bool   `json:"custom"`
			} `json:"sections"`
			Events []struct {
				At   string `json:"at"`
				Text string `json:"text"`
			} `json:"events"`
			Actions []json.RawMessage `json:"actions"`
		} `json:"draft"`
		Warnings []struct {
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"warnings"`
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Line    int    `json:"line"`
		} `json:"error"`
	} `json:"files"`
}

const dfdsADFS = "../importers/postmortem/testdata/dfds/PM2021-004 - ADFS outage.md"

func readTestdata(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func zipBytes(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportDryRun(t *testing.T) {
	e := newEnv(t)
	before := e.snapshot()
	r := e.send(req{method: "POST", path: "/api/v1/import?dry_run=true&timezone=Europe/Copenhagen&filename=adfs.md",
		body: readTestdata(t, dfdsADFS), contentType: "text/markdown"})
	res := want[importResult](t, r, 200)
	if !res.DryRun || res.Imported != 0 || res.Failed != 0 || len(res.Files) != 1 {
		t.Fatalf("answer %+v", res)
	}
	f := res.Files[0]
	if f.File != "adfs.md" || f.Draft == nil || f.Draft.Incident.Title == "" || len(f.Draft.Events) != 8 || len(f.Draft.Actions) != 3 {
		t.Fatalf("file %+v", f)
	}
	if len(f.Warnings) == 0 || f.Warnings[0].Line == 0 {
		t.Errorf("warnings %+v, want some with a line", f.Warnings)
	}
	custom := false
	for _, s := range f.Draft.Sections {
		custom = custom || s.Custom
	}
	if !custom {
		t.Errorf("sections %+v: none kept as custom", f.Draft.Sections)
	}
	if !strings.HasSuffix(f.Draft.Events[0].At, "Z") {
		t.Errorf("event at %q, want RFC 3339 UTC", f.Draft.Events[0].At)
	}
	if after := e.snapshot(); after != before {
		t.Error("a dry run wrote something")
	}
}

func TestImportStoresEachFileWhole(t *testing.T) {
	e := newEnv(t)
	good := readTestdata(t, dfdsADFS)
	body := zipBytes(t, map[string][]byte{
		"pm/adfs.md":      good,
		"pm/broken.md":    []byte("---\nformat: debrief/1\ntitle: [unclosed\n---\n"),
		"pm/binary.md":    {'#', ' ', 'x', 0, 1, 2},
		"../../escape.md": good,
		"image.png":       {0x89, 'P', 'N', 'G'},
	})
	r := e.send(req{method: "POST", path: "/api/v1/import?team=ops", body: body, contentType: "application/zip"})
	res := want[importResult](t, r, 200)
	if res.Imported != 1 || res.Failed != 3 || len(res.Files) != 4 {
		t.Fatalf("answer %s", r.body)
	}
	var id int64
	for _, f := range res.Files {
		switch f.File {
		case "upload.zip:pm/adfs.md":
			id = f.IncidentID
			if f.Error != nil || id == 0 {
				t.Errorf("adfs: %+v", f)
			}
		case "upload.zip:pm/broken.md", "upload.zip:pm/binary.md":
			if f.Error == nil || f.Error.Line == 0 || !strings.Contains(f.Error.Message, f.File+":") {
				t.Errorf("%s: error %+v, want one naming the file and line", f.File, f.Error)
			}
		case "upload.zip:../../escape.md":
			if f.Error == nil || !strings.Contains(f.Error.Message, "unsafe path") {
				t.Errorf("zip slip: error %+v", f.Error)
			}
		default:
			t.Errorf("unexpected file %q", f.File)
		}
	}
	inc := want[debrief.Incident](t, e.do("GET", fmt.Sprintf("/api/v1/incidents/%d", id), nil), 200)
	if inc.Team != "ops" || !strings.Contains(inc.Title, "ADFS") {
		t.Errorf("imported incident %+v", inc)
	}
	if l := want[list[debrief.Incident]](t, e.do("GET", "/api/v1/incidents", nil), 200); l.Total != 1 {
		t.Errorf("%d incidents, want only the good file's", l.Total)
	}
}

func TestImportBadInputWritesNothing(t *testing.T) {
	e := newEnv(t)
	before := e.snapshot()
	huge := bytes.Repeat([]byte("# x\n"), (bundle.MaxUpload/4)+1)
	bomb := zipBytes(t, func() map[string][]byte {
		m := map[string][]byte{}
		for i := range 10 {
			m[fmt.Sprintf("f%d.md", i)] = bytes.Repeat([]byte("a"), 7<<20)
		}
		return m
	}())
	if len(bomb) > bundle.MaxUpload {
		t.Fatalf("the bomb is %d bytes", len(bomb))
	}
	cases := []struct {
		name, path string
		body       []byte
		status     int
		code       string
		field      string
	}{
		{"oversize", "/api/v1/import?team=ops", huge, 413, debrief.ETOOLARGE, ""},
		{"zip bomb", "/api/v1/import?team=ops", bomb, 400, debrief.EINVALID, ""},
		{"half a zip", "/api/v1/import?team=ops", zipBytes(t, map[string][]byte{"a.md": []byte("# a")})[:30], 400, debrief.EINVALID, ""},
		{"empty", "/api/v1/import?team=ops", []byte{}, 400, debrief.EINVALID, ""},
		{"no team", "/api/v1/import", []byte("# a"), 400, debrief.EINVALID, "team"},
		{"unknown team", "/api/v1/import?team=nope", []byte("# a"), 400, debrief.EINVALID, "team"},
		{"bad zone", "/api/v1/import?team=ops&timezone=Mars/Olympus", []byte("# a"), 400, debrief.EINVALID, "timezone"},
		{"unknown parameter", "/api/v1/import?team=ops&teem=x", []byte("# a"), 400, debrief.EINVALID, "teem"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.send(req{method: "POST", path: c.path, body: c.body, contentType: "application/zip"})
			wantError(t, r, c.status, c.code, c.field)
		})
	}
	// A binary file and broken front matter are answered per file.
	for name, body := range map[string][]byte{
		"binary":       {0x89, 'P', 'N', 'G', 0, 0, 0, 13},
		"front matter": []byte("---\nformat: debrief/1\ntitle: [unclosed\n---\n"),
	} {
		r := e.send(req{method: "POST", path: "/api/v1/import?team=ops&filename=x.md", body: body, contentType: "text/markdown"})
		res := want[importResult](t, r, 200)
		if res.Failed != 1 || res.Files[0].Error == nil || !strings.HasPrefix(res.Files[0].Error.Message, "x.md:") {
			t.Errorf("%s: %s", name, r.body)
		}
	}
	if after := e.snapshot(); after != before {
		t.Error("bad input wrote something")
	}
}

func TestImportNeedsAnEditor(t *testing.T) {
	e := newEnv(t)
	viewer := e.newUser("Vic Viewer", map[*debrief.Team]debrief.Role{e.team: debrief.RoleViewer})
	r := e.send(req{method: "POST", path: "/api/v1/import?team=ops", body: []byte("# a\n"), contentType: "text/markdown", token: viewer.token})
	wantError(t, r, 403, debrief.EFORBIDDEN, "team")
	// A dry run stores nothing: a viewer may make one.
	r = e.send(req{method: "POST", path: "/api/v1/import?dry_run=true", body: []byte("# a\n"), contentType: "text/markdown", token: viewer.token})
	want[importResult](t, r, 200)
	r = e.send(req{method: "POST", path: "/api/v1/import?dry_run=true", body: []byte("# a\n"), contentType: "text/markdown", anonymous: true})
	wantError(t, r, 401, debrief.EUNAUTHORIZED, "")
}

func TestExportFormats(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(map[string]any{"title": "Checkout outage", "team": "ops", "time_zone": "Europe/Copenhagen",
		"milestones": map[string]any{"started": "2024-05-01T13:58:00Z"}})
	e.event(inc.ID, map[string]any{"at": "2024-05-01T14:03:00Z", "text": "Alert fires."})
	e.event(inc.ID, map[string]any{"at": "2024-05-01T14:10:00Z", "text": "lunch order", "hidden": true})
	base := fmt.Sprintf("/api/v1/incidents/%d/export", inc.ID)

	md := e.do("GET", base, nil)
	old := e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/retrospective.md", inc.ID), nil)
	if md.status != 200 || !bytes.Equal(md.body, old.body) {
		t.Errorf("markdown export differs from retrospective.md: %d", md.status)
	}
	deb := e.do("GET", base+"?format=debrief", nil)
	if deb.status != 200 || !bytes.HasPrefix(deb.body, []byte("---\n")) || !bytes.Contains(deb.body, []byte("lunch order")) {
		t.Fatalf("debrief export %d: %s", deb.status, clip(deb.body))
	}
	if cd := deb.header.Get("Content-Disposition"); !strings.HasSuffix(cd, `.debrief.md"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	js := want[debrief.Report](t, e.do("GET", base+"?format=json", nil), 200)
	if js.Incident.ID != inc.ID || len(js.Events) != 2 {
		t.Errorf("json export: incident %d, %d events (hidden included)", js.Incident.ID, len(js.Events))
	}
	mz := e.do("GET", base+"?format=markdown-zip", nil)
	if zr, err := zip.NewReader(bytes.NewReader(mz.body), int64(len(mz.body))); mz.status != 200 || err != nil ||
		len(zr.File) != 2 || !strings.HasSuffix(zr.File[1].Name, ".timeline.svg") ||
		!strings.HasSuffix(mz.header.Get("Content-Disposition"), `.zip"`) {
		t.Errorf("markdown-zip export %d %v: %s", mz.status, err, clip(mz.body))
	}
	wantError(t, e.do("GET", base+"?format=pdf", nil), 400, debrief.EINVALID, "format")
	wantError(t, e.do("GET", "/api/v1/incidents/999999/export?format=json", nil), 404, debrief.ENOTFOUND, "")

	// What Debrief exports, it imports again, and exports the same.
	r := e.send(req{method: "POST", path: "/api/v1/import?team=ops", body: deb.body, contentType: "text/markdown"})
	res := want[importResult](t, r, 200)
	if res.Imported != 1 {
		t.Fatalf("re-import: %s", r.body)
	}
	again := e.do("GET", fmt.Sprintf("/api/v1/incidents/%d/export?format=debrief", res.Files[0].IncidentID), nil)
	strip := func(b []byte) string { // the ids and times of the copy differ
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(l, "id:") && !strings.HasPrefix(l, "created:") && !strings.HasPrefix(l, "updated:") {
				out = append(out, l)
			}
		}
		return strings.Join(out, "\n")
	}
	if strip(again.body) != strip(deb.body) {
		t.Errorf("export, import, export changed the file:\n%s\n---\n%s", clip(deb.body), clip(again.body))
	}
}
