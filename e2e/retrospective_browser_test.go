package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestRetrospectiveInBrowser walks the foundation's story through the real
// binary in a real Chromium: create an incident, add timeline events out of
// order and see them in order, write the summary, add an action item and
// move it on, then download the Markdown.
func TestRetrospectiveInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	inst := start(t, filepath.Join(t.TempDir(), "browser.db"))
	b := &page{t: t, ctx: ctx}

	// The first start: the admin from the setup link, and a team.
	setupAdmin(b, inst)
	createTeam(b, inst, "Payments")

	// A new incident, from the list's button.
	b.do(chromedp.Navigate(inst.URL + "/"))
	b.waitText("No incidents yet")
	b.do(chromedp.Click(chromedp.CSS(`a[href="/incidents/new"]`)))
	b.do(chromedp.WaitVisible(chromedp.CSS(`input[name="title"]`)))
	b.do(
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Checkout errors after the payments deploy"),
		chromedp.SetValue(chromedp.CSS(`select[name="team"]`), "payments"),
		chromedp.Click(chromedp.CSS(`input[name="severity"][value="SEV2"]`)),
		chromedp.SetValue(chromedp.CSS(`input[name="time_zone"]`), "Europe/Berlin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="services"]`), "checkout, payments"),
		chromedp.Click(chromedp.CSS(`form.form-card button[type="submit"]`)),
	)
	b.waitText("Times shown in")
	incURL := b.eval(`location.href`)
	if !strings.Contains(incURL, "/incidents/") {
		t.Fatalf("after create, at %s", incURL)
	}

	// Timeline events entered out of order, in the incident's zone.
	for _, ev := range []struct{ at, text string }{
		{"2024-05-01T16:20", "Rollback finished; error rate back to normal"},
		{"2024-05-01T16:05", "Error-rate alert fires for checkout"},
		{"2024-05-01T16:12", "Payments deploy 412 identified as the trigger"},
	} {
		b.do(
			chromedp.SetValue(chromedp.CSS(`#ev-at`), ev.at),
			chromedp.SetValue(chromedp.CSS(`#ev-text`), ev.text),
			chromedp.Click(chromedp.CSS(`#add-event button[type="submit"]`)),
		)
		b.waitText(ev.text)
	}
	texts := b.evalStrings(`[...document.querySelectorAll('#timeline .tl-text')].map(e => e.textContent.trim())`)
	want := []string{
		"Error-rate alert fires for checkout",
		"Payments deploy 412 identified as the trigger",
		"Rollback finished; error rate back to normal",
	}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Fatalf("timeline order = %q, want %q", texts, want)
	}
	clocks := b.evalStrings(`[...document.querySelectorAll('#timeline .tl-time')].map(e => e.getAttribute('datetime'))`)
	if len(clocks) != 3 || clocks[0] != "2024-05-01T14:05:00Z" {
		t.Errorf("event times = %q, want 16:05 Berlin time (14:05 UTC) first", clocks)
	}
	shown := b.evalStrings(`[...document.querySelectorAll('#timeline .tl-time')].map(e => e.textContent.trim())`)
	if len(shown) != 3 || !strings.HasPrefix(shown[0], "16:05") {
		t.Errorf("event times shown = %q, want 16:05 (Berlin time) first", shown)
	}
	if body := b.eval(`document.querySelector('#timeline').innerText`); !strings.Contains(body, "UTC+02:00") {
		t.Errorf("timeline does not show the UTC offset:\n%s", body)
	}

	// The summary, written in Markdown and shown rendered.
	b.do(chromedp.Click(chromedp.CSS(`a[href$="/sections/summary/edit"]`)))
	b.do(chromedp.WaitVisible(chromedp.CSS(`textarea[name="body"]`)))
	b.do(
		chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "For 15 minutes **one checkout in five** failed after the payments deploy."),
		chromedp.Click(chromedp.CSS(`form.editor button[type="submit"]:not([name="preview"])`)),
	)
	b.waitText("one checkout in five")
	if got := b.eval(`document.querySelector('#summary strong, [id$="summary"] strong')?.textContent || ''`); got != "one checkout in five" {
		t.Errorf("summary not rendered as Markdown: %q", got)
	}

	// An action item, then its status moves from proposed to in progress
	// (planning would need an owner and a date).
	b.do(
		chromedp.SendKeys(chromedp.CSS(`#ac-title`), "Canary the payments deploy"),
		chromedp.SendKeys(chromedp.CSS(`#ac-dod`), "Deploys reach 5% first and roll back on the error-rate alert"),
		chromedp.SetValue(chromedp.CSS(`#ac-priority`), "high"),
		chromedp.Click(chromedp.CSS(`#add-action button[type="submit"]`)),
	)
	b.waitText("Canary the payments deploy")
	b.do(
		chromedp.SetValue(chromedp.CSS(`#actions form.move-form select[name="status"]`), "in_progress"),
		chromedp.Click(chromedp.CSS(`#actions form.move-form button[type="submit"]`)),
	)
	// The row's class carries the stored status, so this waits for the
	// page that answers the post, not for the select just changed.
	b.waitFor(`document.querySelector('#actions tr.arow-in_progress')`)

	// The Markdown, downloaded as a user would.
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Click(chromedp.CSS(`a[href$="/retrospective.md"]`)))
	md := waitForDownload(t, dir)
	for _, want := range []string{
		"# Checkout errors after the payments deploy",
		"| Severity | SEV2 |",
		"For 15 minutes **one checkout in five** failed",
		"2024-05-01 16:05 CEST (UTC+02:00)** Error-rate alert fires",
		"| Canary the payments deploy (done when: Deploys reach 5% first and roll back on the error-rate alert) |",
		"| High |",
		"| In progress |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("downloaded Markdown lacks %q\n---\n%s", want, md)
		}
	}
	if strings.Index(md, "Error-rate alert") > strings.Index(md, "Rollback finished") {
		t.Error("downloaded timeline out of order")
	}
}

// page wraps a browser tab with steps that fail the test on error.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v\npage text:\n%.2000s", err, p.evalQuiet(`document.body ? document.body.innerText : ''`))
	}
}

func (p *page) eval(expr string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (p *page) evalQuiet(expr string) string {
	v, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](expr))
	return v
}

func (p *page) evalStrings(expr string) []string {
	p.t.Helper()
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[json.RawMessage](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	var out []string
	if err := json.Unmarshal(raw, &out); err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return out
}

// waitFor polls a JavaScript condition across navigations (a form post
// replaces the document, which a single in-page poll would not survive).
func (p *page) waitFor(cond string) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.readyState === 'complete' && !!(`+cond+`)`))
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("waited 15s for %s\npage text:\n%.3000s", cond, p.evalQuiet(`document.body ? document.body.innerText : ''`))
}

func (p *page) waitText(text string) {
	p.t.Helper()
	js, _ := json.Marshal(text)
	p.waitFor(`document.body && document.body.textContent.includes(` + string(js) + `)`)
}

func waitForDownload(t *testing.T, dir string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".md") {
				return readFile(t, filepath.Join(dir, e.Name()))
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no Markdown file downloaded within 15s")
	return ""
}
