package e2e

import (
	"archive/zip"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// zipExport zips the Slack importer's fixture export into dir.
func zipExport(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "acme-slack-export.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	src := "../importers/slack/testdata/export"
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		w, err := zw.Create("Acme Slack export/" + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEvidenceImportInBrowser imports a Slack export through the UI as a
// writer would: upload (with the progress bar's script), choose the
// channel and the window on the preview, confirm; then curates the
// timeline and checks the picture.
func TestEvidenceImportInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	inst := start(t, filepath.Join(t.TempDir(), "evidence.db"))
	b := &page{t: t, ctx: ctx}
	setupAdmin(b, inst)
	createTeam(b, inst, "Payments")

	recordIncident(b, inst, "Checkout errors from the gateway", "payments", "SEV2", "Europe/Copenhagen")
	incURL := b.eval(`location.pathname`)

	// Step 1: upload.
	b.do(chromedp.Click(chromedp.CSS(`a[href^="/incidents/"][href$="/import"]`)))
	b.do(chromedp.WaitVisible(chromedp.CSS(`#imp-file`)))
	zipPath := zipExport(t, t.TempDir())
	b.do(
		chromedp.SetValue(chromedp.CSS(`#imp-source`), "slack"),
		chromedp.SetUploadFiles(chromedp.CSS(`#imp-file`), []string{zipPath}),
		chromedp.SetValue(chromedp.CSS(`#imp-ws`), "https://acme.slack.com"),
		chromedp.Click(chromedp.CSS(`#imp-upload`)),
	)
	// Step 2: the channels, then the preview.
	b.waitText("#incident-2024-05-01")
	if !strings.Contains(b.eval(`location.pathname`), incURL+"/import/") {
		t.Fatalf("after the upload, at %s", b.eval(`location.href`))
	}
	b.do(
		chromedp.Click(chromedp.CSS(`input[name="channels"][value="incident-2024-05-01"]`)),
		chromedp.SetValue(chromedp.CSS(`#pv-since`), "2024-05-01 11:02"),
		chromedp.Click(chromedp.CSS(`#imp-refresh`)),
	)
	b.waitFor(`document.querySelector('#imp-summary')`)
	if got := b.eval(`document.querySelector('#imp-summary').innerText`); !strings.HasPrefix(got, "6 events in the window: 6 new") {
		t.Fatalf("preview: %q", got)
	}
	if rows := b.evalStrings(`[...document.querySelectorAll('.imp-preview tbody tr')].map(r => r.innerText)`); len(rows) != 6 || !strings.Contains(rows[0], "Maria Jensen") {
		t.Fatalf("preview rows: %q", rows)
	}
	// Step 3: confirm.
	b.do(chromedp.Click(chromedp.CSS(`#imp-confirm`)))
	b.waitText("Imported: 6 events read, 6 added")
	texts := b.evalStrings(`[...document.querySelectorAll('.ev-row .ev-text')].map(e => e.textContent)`)
	if len(texts) != 6 || !strings.HasPrefix(texts[0], "I'm on it, @Tom Berg") {
		t.Fatalf("timeline after the import: %q", texts)
	}
	// Times in the incident's zone: 09:03 UTC is 11:03 in Copenhagen.
	if first := b.eval(`document.querySelector('.ev-row time').textContent`); !strings.HasPrefix(first, "11:03") {
		t.Errorf("first event at %q, want 11:03 Copenhagen time", first)
	}

	// Curate: star the rollback, tag it as the repair.
	row := `//li[contains(@class,"ev-row")][.//p[contains(.,"Rolled back the gateway")]]`
	b.do(chromedp.Click(chromedp.Search(row + `//button[@value="star"]`)))
	b.waitFor(`document.querySelector('.ev-row.is-starred')`)
	b.do(
		chromedp.SetValue(chromedp.Search(row+`//select[@name="tag"]`), "repair"),
		chromedp.Click(chromedp.Search(row+`//button[@value="tag"]`)),
	)
	b.waitFor(`document.querySelector('.ev-row.is-starred .ev-tag')`)
	// The repair proposes "mitigated"; accept it.
	b.waitFor(`document.querySelector('#ms-mitigated')`)
	b.do(chromedp.Click(chromedp.CSS(`#milestones button[type="submit"]`)))
	b.waitFor(`[...document.querySelectorAll('#milestones td')].some(td => td.textContent.trim() === 'Accepted')`)
	// The sign-off.
	b.do(chromedp.Click(chromedp.CSS(`#confirm-timeline`)))
	b.waitText("Confirmed")

	// The picture loads as an image, on this page and on the incident's.
	b.waitFor(`document.querySelector('img.tl-svg').complete && document.querySelector('img.tl-svg').naturalWidth > 0`)
	if dir := os.Getenv("DEBRIEF_SCREENSHOT_DIR"); dir != "" {
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, "evidence.png"), png, 0o644)
		}
	}
	b.do(chromedp.Navigate(inst.URL + incURL))
	b.waitFor(`document.querySelector('#timeline img.tl-svg') && document.querySelector('#timeline img.tl-svg').naturalWidth > 0`)
}
