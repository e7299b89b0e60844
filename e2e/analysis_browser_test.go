package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestAnalysisInBrowser builds a small CAST analysis from the keyboard,
// links an action item to a failure, and sees the diagram with the failed
// control marked, on the incident page. With DEBRIEF_SCREENSHOTS set to a
// folder, it saves screenshots there to look at.
func TestAnalysisInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	inst := start(t, filepath.Join(t.TempDir(), "analysis.db"))
	b := &page{t: t, ctx: ctx}
	setupAdmin(b, inst)
	createTeam(b, inst, "Payments")

	recordIncident(b, inst, "Bad build reached every checkout", "payments", "", "")
	incURL := b.eval(`location.href`)
	b.do(
		chromedp.SendKeys(chromedp.CSS(`#ac-title`), "Send synthetic traffic to the canary"),
		chromedp.Click(chromedp.CSS(`#add-action button[type="submit"]`)),
	)
	b.waitText("Send synthetic traffic to the canary")

	// The editor: each line is typed and sent with Enter, and the page
	// comes back with the same form focused.
	b.do(chromedp.Navigate(incURL + "/analysis"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`#t-component`)))
	for _, c := range []string{"Deploy pipeline", "Checkout service"} {
		b.do(chromedp.SendKeys(chromedp.CSS(`#t-component`), c+kb.Enter))
		b.waitText(c)
		if got := b.eval(`document.activeElement.id`); got != "t-component" {
			t.Fatalf("after adding %q the focus is on %q, want the same form", c, got)
		}
	}
	b.do(
		chromedp.SetValue(chromedp.CSS(`#add-control select[name="controller"]`), "B1"),
		chromedp.SetValue(chromedp.CSS(`#add-control select[name="process"]`), "B2"),
		chromedp.SendKeys(chromedp.CSS(`#add-control input[name="action"]`), "halt rollout"),
		chromedp.SendKeys(chromedp.CSS(`#add-control input[name="feedback"]`), "5xx rate"),
		chromedp.SendKeys(chromedp.CSS(`#t-control`), "Canary analysis"+kb.Enter),
	)
	b.waitFor(`document.querySelector('#item-C1')`)
	b.do(
		chromedp.SetValue(chromedp.CSS(`#add-failure select[name="control"]`), "C1"),
		chromedp.SendKeys(chromedp.CSS(`#add-failure input[name="saw"]`), "no errors"),
		chromedp.SendKeys(chromedp.CSS(`#t-failure`), "Canary passed a bad build"+kb.Enter),
	)
	b.waitFor(`document.querySelector('#item-F1')`)
	b.do(
		chromedp.SetValue(chromedp.CSS(`#add-missing select[name="controller"]`), "B1"),
		chromedp.SetValue(chromedp.CSS(`#add-missing select[name="process"]`), "B2"),
		chromedp.SendKeys(chromedp.CSS(`#t-missing`), "Synthetic canary traffic"+kb.Enter),
	)
	b.waitFor(`document.querySelector('#item-M1')`)

	// Bad input is refused next to its form, and nothing is written.
	b.do(chromedp.SendKeys(chromedp.CSS(`#t-failure`), "A failure of no control"+kb.Enter))
	b.waitFor(`document.querySelector('#add-failure .alert-error')`)
	if n := b.eval(`String(document.querySelectorAll('.an-failure .an-item').length)`); n != "1" {
		t.Errorf("%s failures after a refused one, want 1", n)
	}

	// Traceability names the failure before any action addresses it.
	if trace := b.eval(`document.querySelector('.trace')?.innerText || ''`); !strings.Contains(trace, "F1") {
		t.Errorf("traceability does not name F1: %q", trace)
	}
	// The action item addresses the failure.
	b.do(chromedp.SendKeys(chromedp.CSS(`.an-addr input[name="addresses"]`), "F1"+kb.Enter))
	b.waitFor(`document.querySelector('#item-F1 .an-answer')`)

	// On the incident page: the diagram with the failed control marked,
	// and the action row links to what it addresses.
	b.do(chromedp.Navigate(incURL))
	b.waitFor(`document.querySelector('#control-structure svg')`)
	svgText := b.eval(`document.querySelector('#control-structure svg').textContent`)
	for _, want := range []string{"Deploy pipeline", "Checkout service", "C1 ✗ F1", "M1 missing"} {
		if !strings.Contains(svgText, want) {
			t.Errorf("the diagram lacks %q: %q", want, svgText)
		}
	}
	if red := b.eval(`String(document.querySelectorAll('#control-structure svg line[stroke="#c62828"]').length)`); red == "0" {
		t.Error("the failed control is not drawn in red")
	}
	if got := b.eval(`[...document.querySelectorAll('#actions a.a-addr')].map(a => a.textContent + ' ' + a.getAttribute('href')).join('|')`); got != "F1 #item-F1" {
		t.Errorf("action row links %q, want F1 #item-F1", got)
	}
	if got := b.eval(`document.querySelector('#item-F1 .an-answer').innerText`); !strings.Contains(got, "Send synthetic traffic") {
		t.Errorf("F1 does not show its action: %q", got)
	}
	if dir := os.Getenv("DEBRIEF_SCREENSHOTS"); dir != "" {
		for _, shot := range []struct{ url, file string }{{incURL + "#analysis", "incident-analysis.png"}, {incURL + "/analysis", "analysis-editor.png"},
			{incURL + "/analysis/items/F1/edit", "analysis-item.png"}} {
			b.do(chromedp.Navigate(shot.url))
			b.do(chromedp.WaitVisible(chromedp.CSS(`main`)))
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, shot.file), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
