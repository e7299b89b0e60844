package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLintInBrowser: a blaming sentence written in the analysis shows up
// as a finding in that section of the incident page, and sending the draft
// for review with errors takes the writer's confirmation.
func TestLintInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	inst := start(t, filepath.Join(t.TempDir(), "lint.db"))
	b := &page{t: t, ctx: ctx}
	setupAdmin(b, inst)
	createTeam(b, inst, "Payments")

	recordIncident(b, inst, "Checkout errors after the payments deploy", "payments", "SEV2", "")

	b.do(chromedp.Click(chromedp.CSS(`a[href$="/sections/analysis/edit"]`)))
	b.do(chromedp.WaitVisible(chromedp.CSS(`textarea[name="body"]`)))
	b.do(
		chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "The deploy changed the retry setting.\n\nIt was human error: the author should have known."),
		chromedp.Click(chromedp.CSS(`form.editor button[type="submit"]:not([name="preview"])`)),
	)
	b.waitFor(`document.querySelector('#section-analysis .lint-item')`)
	got := b.evalStrings(`[...document.querySelectorAll('#section-analysis .lint-item')].map(e => e.innerText.replace(/\s+/g, ' ').trim())`)
	joined := strings.ToLower(strings.Join(got, "\n")) // the severity tag is shown in capitals
	for _, want := range []string{
		`error "human error" names a person as the cause: "It was human error: the author should have known." analysis line 3 · blame/human-error`,
		`warning counterfactual "should have known"`,
	} {
		if !strings.Contains(joined, strings.ToLower(want)) {
			t.Errorf("the analysis section's findings lack %q:\n%s", want, joined)
		}
	}
	// Pictures to look at by eye (not compared).
	for sel, name := range map[string]string{"#section-analysis": "debrief-lint-section.png", "#retrospective": "debrief-lint-checklist.png"} {
		if buf := b.screenshot(sel); len(buf) > 0 {
			os.WriteFile(filepath.Join(os.TempDir(), name), buf, 0o644)
		}
	}

	// Send for review: the box must be ticked (the browser asks first).
	box := `#retrospective input[name="confirm_lint"]`
	b.waitFor(`document.querySelector('` + box + `')`)
	b.do(chromedp.Click(chromedp.CSS(`#retrospective .retro-moves button.btn-primary`)))
	if v := b.eval(`document.querySelector('` + box + `').validity.valueMissing ? "missing" : "ok"`); v != "missing" {
		t.Errorf("the confirmation box is not required: %s", v)
	}
	b.do(
		chromedp.Click(chromedp.CSS(box)),
		chromedp.Click(chromedp.CSS(`#retrospective .retro-moves button.btn-primary`)),
	)
	b.waitFor(`document.querySelector('.step-current') && document.querySelector('.step-current').innerText.includes('In review')`)
}

// screenshot captures one element as PNG.
func (p *page) screenshot(sel string) []byte {
	buf, err := chromedp.Run(p.ctx, chromedp.Screenshot(sel))
	if err != nil {
		p.t.Logf("screenshot: %v", err)
	}
	return buf
}
