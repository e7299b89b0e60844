package bundle

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// zipOf builds a zip of the named files.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const small = "# Checkout down\n\n## Timeline\n\n- 2024-05-01 14:03 UTC: alerts fired\n"

func TestUploadOfOneFile(t *testing.T) {
	files, err := FromUpload("pm.md", []byte(small), UploadZipLimits)
	if err != nil || len(files) != 1 || files[0].Name != "pm.md" {
		t.Fatalf("files %+v, err %v", files, err)
	}
	p, err := Read(files[0], Options{Team: "payments", Now: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Incident.Title != "Checkout down" || p.Incident.Team != "payments" || len(p.Events) != 1 {
		t.Fatalf("parsed %+v, %d events", p.Incident, len(p.Events))
	}
}

func TestZipReportsEachFile(t *testing.T) {
	data := zipOf(t, map[string]string{
		"a.md":            small,
		"dir/b.markdown":  small,
		"picture.png":     "\x89PNG",
		"../../escape.md": small,
		"/etc/abs.md":     small,
		`..\win.md`:       small,
		"bin.md":          "# x\x00\x01",
	})
	files, err := FromUpload("all.zip", data, UploadZipLimits)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		_, err := Read(f, Options{})
		got[f.Name] = ""
		if err != nil {
			got[f.Name] = err.Error()
		}
	}
	for name, want := range map[string]string{
		"all.zip:a.md": "", "all.zip:dir/b.markdown": "",
		"all.zip:../../escape.md": "unsafe path", "all.zip:/etc/abs.md": "unsafe path", `all.zip:..\win.md`: "unsafe path",
		"all.zip:bin.md": "binary",
	} {
		msg, ok := got[name]
		if !ok {
			t.Errorf("%s: not reported (got %v)", name, got)
			continue
		}
		if (want == "") != (msg == "") || !strings.Contains(msg, want) || (msg != "" && !strings.Contains(msg, name)) {
			t.Errorf("%s: error %q, want one naming the file and containing %q", name, msg, want)
		}
	}
	if _, ok := got["all.zip:picture.png"]; ok {
		t.Errorf("a picture in the zip was read as a postmortem")
	}
}

func TestZipBombIsRefused(t *testing.T) {
	// 5 files of 9 MiB of zeros compress to a few KiB each.
	big := strings.Repeat("a", 9<<20)
	data := zipOf(t, map[string]string{"one.md": big, "two.md": small})
	if len(data) > 1<<20 {
		t.Fatalf("the bomb is %d bytes: not a bomb", len(data))
	}
	files, err := FromUpload("bomb.zip", data, UploadZipLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name == "bomb.zip:one.md" && (f.Err == nil || !strings.Contains(f.Err.Error(), "limit")) {
			t.Errorf("a 9 MiB file was read: err %v", f.Err)
		}
	}
	// Many files of just under the limit: refused whole, by the total.
	many := map[string]string{}
	for i := range 10 {
		many[strings.Repeat("x", i+1)+".md"] = strings.Repeat("a", 7<<20)
	}
	if _, err := FromUpload("bomb.zip", zipOf(t, many), UploadZipLimits); err == nil || !strings.Contains(err.Error(), "expands") {
		t.Errorf("70 MiB of files: err %v, want the total refused", err)
	}
	// Too many entries.
	lots := map[string]string{}
	for i := range 30 {
		lots[strings.Repeat("y", i+1)+".md"] = "x"
	}
	if _, err := FromUpload("lots.zip", zipOf(t, lots), ZipLimits{Files: 20, Total: 1 << 20}); err == nil || !strings.Contains(err.Error(), "entries") {
		t.Errorf("30 entries over a limit of 20: err %v", err)
	}
}

func TestBrokenZipIsRefused(t *testing.T) {
	data := zipOf(t, map[string]string{"a.md": small})
	if _, err := FromUpload("cut.zip", data[:len(data)/2], UploadZipLimits); err == nil || !strings.Contains(err.Error(), "cut.zip") {
		t.Errorf("half a zip: err %v, want one naming the zip", err)
	}
}

func TestDebriefFormatIsRecognised(t *testing.T) {
	broken := "---\nformat: debrief/1\ntitle: [unclosed\n---\n"
	_, err := Read(File{Name: "x.debrief.md", Data: []byte(broken)}, Options{})
	if err == nil || !strings.Contains(err.Error(), "x.debrief.md:") {
		t.Fatalf("broken front matter: err %v, want one naming the file and line", err)
	}
}

func TestExportFormats(t *testing.T) {
	for _, f := range Formats {
		if !ValidFormat(f) || Ext(f) == "" || ContentType(f) == "" {
			t.Errorf("format %q incomplete", f)
		}
	}
	if ValidFormat("pdf") {
		t.Error("pdf is not a format")
	}
}

// FuzzFromUpload reads any upload as a zip or a file: it must never panic
// and never return a file with both data and an error.
func FuzzFromUpload(f *testing.F) {
	f.Add([]byte(small))
	f.Add(zipOf(f, map[string]string{"a.md": small, "../b.md": small}))
	seeds, _ := filepath.Glob("../postmortem/testdata/dfds/PM2022-00*")
	for _, name := range seeds {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := FromUpload("fuzz", data, ZipLimits{Files: 50, Total: 16 << 20})
		if err != nil {
			return
		}
		for _, file := range files {
			if file.Err != nil && file.Data != nil {
				t.Fatalf("%s: data and an error", file.Name)
			}
			Read(file, Options{})
		}
	})
}
