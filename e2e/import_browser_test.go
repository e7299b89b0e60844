package e2e

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// dfdsADFS is a postmortem of the DFDS corpus (MIT, see the testdata's
// README) whose timeline gives the importer guesses to warn about.
const dfdsADFS = "../importers/postmortem/testdata/dfds/PM2021-004 - ADFS outage.md"

// screenshot saves the page as a PNG into $DEBRIEF_SCREENSHOTS, when set,
// for a person to look at; tests never compare pixels.
func screenshot(b *page, name string) {
	b.t.Helper()
	dir := os.Getenv("DEBRIEF_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestImportInBrowser uploads a postmortem on the import page, reads the
// preview with its warning, confirms, and lands on the new incident; shows
// a zip with a broken file; then downloads the incident in Debrief's format
// and compares the bytes with what `debrief export --format debrief` writes.
func TestImportInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	db := filepath.Join(t.TempDir(), "import.db")
	inst := start(t, db)
	b := &page{t: t, ctx: ctx}
	setupAdmin(b, inst)
	createTeam(b, inst, "Payments")

	file, err := filepath.Abs(dfdsADFS)
	if err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Navigate(inst.URL + "/"))
	b.do(chromedp.Click(chromedp.CSS(`.page-tools a[href="/import"]`))) // the Import button beside Export all
	b.do(chromedp.WaitVisible(chromedp.CSS(`input[type="file"][name="file"]`)))
	screenshot(b, "import-form")
	b.do(
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{file}),
		chromedp.SetValue(chromedp.CSS(`select[name="team"]`), "payments"),
		chromedp.SetValue(chromedp.CSS(`input[name="time_zone"]`), "Europe/Copenhagen"),
		chromedp.Click(chromedp.CSS(`form[action="/import/preview"] button[type="submit"]`)),
	)
	b.waitText("Check what Debrief found")
	screenshot(b, "import-preview")
	text := b.eval(`document.querySelector('main').textContent.replace(/\s+/g, ' ')`)
	for _, want := range []string{"ADFS", "1 file is ready to import", "warning", "PM2021-004 - ADFS outage.md, line 47:", "Timeline: 8 events", "Action items: 3"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q:\n%s", want, text)
		}
	}

	b.do(chromedp.Click(chromedp.CSS(`form.import-confirm button[type="submit"]`)))
	b.waitText("Times shown in")
	incURL := b.eval(`location.href`)
	m := regexp.MustCompile(`/incidents/([0-9]+)$`).FindStringSubmatch(incURL)
	if m == nil {
		t.Fatalf("after the import, at %s", incURL)
	}
	if h1 := b.eval(`document.querySelector('h1').textContent`); !strings.Contains(h1, "ADFS") {
		t.Errorf("landed on %q", h1)
	}
	screenshot(b, "imported-incident")

	// A zip with a file that cannot be read: the preview says which and
	// why, and offers the rest.
	zipPath := filepath.Join(t.TempDir(), "postmortems.zip")
	writeZip(t, zipPath, map[string]string{
		"2024/checkout.md": "# Checkout down\n\n## Timeline\n\n- 2024-05-01 14:03: alerts fire\n- 14:20: rolled back\n\n## Root cause\n\nA bad deploy.\n",
		"2024/broken.md":   "---\nformat: debrief/1\ntitle: [unclosed\n---\n",
	})
	b.do(chromedp.Navigate(inst.URL + "/import"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`input[name="file"]`)))
	b.do(
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{zipPath}),
		chromedp.Click(chromedp.CSS(`form[action="/import/preview"] button[type="submit"]`)),
	)
	b.waitText("1 file has an error and will be skipped")
	screenshot(b, "import-preview-zip")
	b.do(chromedp.Click(chromedp.CSS(`form.import-confirm button[type="submit"]`)))
	b.waitText("Import finished")
	screenshot(b, "import-result")
	b.do(chromedp.Navigate(inst.URL + "/"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`a[href="/incidents/export.zip"]`)))
	screenshot(b, "incidents-list")
	b.do(chromedp.Navigate(incURL))
	b.waitText("Times shown in")

	downloadAndCompare(t, b, db, m[1])
}

// TestExportInBrowser imports a postmortem with the command line, opens its
// incident, clicks the export button for Debrief's format, and checks that
// the downloaded bytes are what `debrief export --format debrief` writes.
func TestExportInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	db := filepath.Join(t.TempDir(), "export.db")
	inst := start(t, db)
	b := &page{t: t, ctx: ctx}
	setupAdmin(b, inst)
	createTeam(b, inst, "Payments")
	out, err := exec.Command(binary, "import", "--database", db, "--team", "payments", dfdsADFS).CombinedOutput()
	if err != nil {
		t.Fatalf("debrief import: %v\n%s", err, out)
	}
	id := regexp.MustCompile(`imported as incident ([0-9]+)`).FindStringSubmatch(string(out))
	if id == nil {
		t.Fatalf("debrief import said:\n%s", out)
	}
	b.do(chromedp.Navigate(inst.URL + "/incidents/" + id[1]))
	b.waitText("Times shown in")
	downloadAndCompare(t, b, db, id[1])
}

// downloadAndCompare clicks the incident page's export button for Debrief's
// format and compares the download with the command line's export.
func downloadAndCompare(t *testing.T, b *page, db, id string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Click(chromedp.CSS(`details.export-menu > summary`)))
	screenshot(b, "export-menu")
	b.do(chromedp.Click(chromedp.CSS(`a[href$="/export?format=debrief"]`)))
	got := waitForDownload(t, dir)
	out, err := exec.Command(binary, "export", "--database", db, "--format", "debrief", id).Output()
	if err != nil {
		t.Fatalf("debrief export: %v", err)
	}
	if got != string(out) {
		t.Errorf("the downloaded file differs from `debrief export --format debrief %s`:\n%s\n---\n%s", id, got, out)
	}
	if !strings.Contains(got, "format: debrief/1") {
		t.Errorf("not Debrief's format:\n%.500s", got)
	}
}

func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
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
	f.Close()
}
