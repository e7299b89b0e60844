package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFollowupBoardInBrowser: action items agreed in a retrospective show
// on the follow-up board across incidents; its filters are the address (a
// link to share), it shows columns by status, and a ticket key leads back
// to the retrospective that made the item.
func TestFollowupBoardInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	inst := start(t, filepath.Join(t.TempDir(), "board.db"))
	b := &page{t: t, ctx: ctx}
	setupAdmin(b, inst)
	createTeam(b, inst, "Payments")

	b.do(chromedp.Navigate(inst.URL + "/incidents/new"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`input[name="title"]`)))
	b.do(
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Card payments declined"),
		chromedp.SetValue(chromedp.CSS(`select[name="team"]`), "payments"),
		chromedp.Click(chromedp.CSS(`input[name="severity"][value="SEV1"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="services"]`), "checkout"),
		chromedp.Click(chromedp.CSS(`form.form-card button[type="submit"]`)),
	)
	b.waitText("Times shown in")
	incPath := b.eval(`location.pathname`)
	for _, a := range []struct{ title, due, ticket string }{
		{"Alert on the decline rate per provider", "2024-01-15", "https://acme.atlassian.net/browse/OPS-123"},
		{"Document the provider failover", "2999-12-31", ""},
	} {
		b.do(
			chromedp.SendKeys(chromedp.CSS(`#ac-title`), a.title),
			chromedp.SetValue(chromedp.CSS(`#ac-due`), a.due),
		)
		if a.ticket != "" {
			b.do(chromedp.SendKeys(chromedp.CSS(`#ac-ticket`), a.ticket))
		}
		b.do(chromedp.Click(chromedp.CSS(`#add-action button[type="submit"]`)))
		b.waitText(a.title)
	}

	// The board from the main navigation, then filtered to overdue.
	b.do(chromedp.Click(chromedp.CSS(`nav.mainnav a[href="/actions"]`)))
	b.waitText("Follow-ups")
	b.waitText("Document the provider failover")
	b.do(
		chromedp.Click(chromedp.CSS(`#b-overdue`)),
		chromedp.SetValue(chromedp.CSS(`#b-team`), "payments"),
		chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`)),
	)
	b.waitFor(`location.search.includes('overdue=1')`)
	if q := b.eval(`location.search`); !strings.Contains(q, "team=payments") {
		t.Errorf("filters are not in the address: %s", q)
	}
	rows := b.evalStrings(`[...document.querySelectorAll('.board-table tbody tr')].map(r => r.innerText)`)
	if len(rows) != 1 || !strings.Contains(rows[0], "Alert on the decline rate per provider") || !strings.Contains(rows[0], "overdue") ||
		!strings.Contains(rows[0], "OPS-123") {
		t.Fatalf("overdue rows = %q", rows)
	}

	// Columns by status, with the same filters.
	b.do(chromedp.Click(chromedp.CSS(`.view-switch a[href*="view=board"]`)))
	b.waitFor(`document.querySelector('.board-columns')`)
	cards := b.evalStrings(`[...document.querySelectorAll('#col-proposed ~ .board-card .board-card-title')].map(e => e.textContent.trim())`)
	if len(cards) != 1 || cards[0] != "Alert on the decline rate per provider" {
		t.Errorf("proposed column = %q", cards)
	}
	shot := filepath.Join(os.TempDir(), "debrief-followup-board.png")
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(shot, png, 0o644)
	}

	// The metrics page draws the backlog as an SVG chart, in the browser.
	b.do(chromedp.Navigate(inst.URL + "/actions/metrics"))
	b.waitFor(`document.querySelector('.chart-wrap svg circle')`)
	if n := b.eval(`String(document.querySelectorAll('.chart-wrap svg circle').length)`); n != "26" {
		t.Errorf("backlog chart has %s points, want 26", n)
	}
	if w := b.eval(`String(Math.round(document.querySelector('.chart-wrap svg').getBoundingClientRect().width))`); w == "0" {
		t.Error("the chart is not drawn")
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(os.TempDir(), "debrief-followup-metrics.png"), png, 0o644)
	}

	// From a ticket key back to the retrospective.
	b.do(chromedp.Navigate(inst.URL + "/actions?ticket=OPS-123"))
	b.waitText("Alert on the decline rate per provider")
	b.do(chromedp.Click(chromedp.CSS(`.board-table a.a-name`)))
	b.waitFor(`location.pathname === '` + incPath + `'`)
	if h := b.eval(`location.hash`); !strings.HasPrefix(h, "#action-") {
		t.Errorf("ticket led to %s%s", b.eval(`location.pathname`), h)
	}

	// The item's page: drop it, naming who decided; the history says so
	// and the retrospective lists it as revisited.
	b.do(chromedp.Click(chromedp.CSS(`#actions a[href$="/edit"]`)))
	b.do(chromedp.WaitVisible(chromedp.CSS(`#hist-h`)))
	b.do(
		chromedp.SetValue(chromedp.CSS(`select[name="status"]`), "dropped"),
		chromedp.SendKeys(chromedp.CSS(`input[name="drop_reason"]`), "Covered by the provider's own alerting"),
		chromedp.SendKeys(chromedp.CSS(`input[name="dropped_by"]`), "The review meeting"),
		chromedp.SendKeys(chromedp.CSS(`input[name="note"]`), "Agreed on Tuesday"),
		chromedp.Click(chromedp.CSS(`form.form-card button[type="submit"]`)),
	)
	b.waitFor(`document.querySelector('#revisited')`)
	if got := b.eval(`document.querySelector('#revisited').innerText`); !strings.Contains(got, "decided by The review meeting") {
		t.Errorf("revisited: %q", got)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(os.TempDir(), "debrief-followup-incident.png"), png, 0o644)
	}
	b.do(chromedp.Click(chromedp.CSS(`#actions a[href$="/edit"]`)))
	b.do(chromedp.WaitVisible(chromedp.CSS(`#hist-h`)))
	if got := b.eval(`document.querySelector('.history').innerText`); !strings.Contains(got, "Agreed on Tuesday") || !strings.Contains(got, "Proposed → Dropped") {
		t.Errorf("history: %q", got)
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(os.TempDir(), "debrief-followup-action.png"), png, 0o644)
	}
}
