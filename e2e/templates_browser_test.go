package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// shot saves a screenshot of the page when DEBRIEF_SCREENSHOTS names a
// folder, for a person to look at; tests never compare pixels.
func (p *page) shot(name string) {
	dir := os.Getenv("DEBRIEF_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
	}
}

const paymentsTemplateMD = `---
name: payments
title: Payments retrospective
---
## Summary
One paragraph: what happened, the impact, how it ended.

## Money lost
In euros, and how it was counted.

## Timeline
What happened, in order.

## Follow-ups
What we will change, each with an owner.
`

// TestTemplatesInBrowser: an admin loads a team's template from Markdown,
// writes the rules that choose templates, and records incidents: the rules
// pick the template and say whether a retrospective is needed; the team
// asks for one where it is optional; a new version of the template shows
// its note on the retrospective that began with the old one.
func TestTemplatesInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	inst := start(t, filepath.Join(t.TempDir(), "debrief.db"))
	b := &page{t: t, ctx: ctx}
	setupAdmin(b, inst)
	createTeam(b, inst, "Payments")

	// The team's own template, pasted as Markdown.
	b.do(chromedp.Navigate(inst.URL + "/templates"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`form[action="/templates"] textarea[name="text"]`)))
	b.do(
		chromedp.SetValue(chromedp.CSS(`form#new select[name="team"]`), "payments"),
		chromedp.SetValue(chromedp.CSS(`form#new select[name="format"]`), "markdown"),
		chromedp.SetValue(chromedp.CSS(`form#new textarea[name="text"]`), paymentsTemplateMD),
		chromedp.Click(chromedp.CSS(`form#new button[type="submit"]`)),
	)
	b.waitFor(`location.pathname === '/templates/payments'`)
	b.waitText("Money lost")
	b.waitText("Team payments")
	b.shot("template")

	// Rules: SEV1 in payments uses the team's template; SEV4 anywhere
	// gets the short one, and a retrospective only when asked.
	addRule := func(scope, name, sev, template, retro string) {
		t.Helper()
		b.do(chromedp.Navigate(inst.URL + "/templates#rules"))
		form := `form.rule-form:has(input[name="team"][value="` + scope + `"])`
		b.do(chromedp.WaitReady(chromedp.CSS(form)))
		b.eval(`(document.querySelector('` + form + `').closest('details').open = true, '')`)
		b.do(
			chromedp.SendKeys(chromedp.CSS(form+` input[name="name"]`), name),
			chromedp.Click(chromedp.CSS(form+` input[name="severities"][value="`+sev+`"]`)),
			chromedp.SetValue(chromedp.CSS(form+` select[name="template"]`), template),
			chromedp.SetValue(chromedp.CSS(form+` select[name="retrospective"]`), retro),
			chromedp.Click(chromedp.CSS(form+` button[type="submit"]`)),
		)
		b.waitText(name)
	}
	addRule("", "Minor ones when asked", "SEV4", "minor", "optional")
	addRule("payments", "Payments SEV1", "SEV1", "payments", "required")
	b.shot("templates")

	newIncident := func(title, sev string) string {
		t.Helper()
		b.do(chromedp.Navigate(inst.URL + "/incidents/new"))
		b.do(chromedp.WaitVisible(chromedp.CSS(`input[name="title"]`)))
		b.do(
			chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), title),
			chromedp.Click(chromedp.CSS(`input[name="severity"][value="`+sev+`"]`)),
			chromedp.SetValue(chromedp.CSS(`select[name="team"]`), "payments"),
			chromedp.Click(chromedp.CSS(`form[action="/incidents"] button[type="submit"]`)),
		)
		b.waitFor(`/^\/incidents\/\d+$/.test(location.pathname)`)
		return b.eval(`location.pathname`)
	}

	minor := newIncident("Slow receipts page", "SEV4")
	b.waitText(`Not required: the rule “Minor ones when asked”`)
	b.waitText("Short, for minor incidents")
	b.do(chromedp.Click(chromedp.CSS(`form[action$="/retrospective/request"] button`)))
	b.waitText("Asked for, though the rules leave it optional")
	b.shot("incident-requested")

	big := newIncident("Card payments failing", "SEV1")
	b.waitText(`Required by the rule “Payments SEV1”`)
	b.waitText("Payments retrospective")
	if b.eval(`document.querySelector('#section-money_lost, [id="section-money_lost"]') ? 'yes' : 'no'`) != "yes" {
		t.Fatalf("the SEV1 incident's write-up has no 'Money lost' section:\n%s", b.eval(`document.body.innerText`))
	}

	// A new version of the template, with a note.
	b.do(chromedp.Navigate(inst.URL + "/templates/payments?team=payments"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`textarea[name="text"]`)))
	b.eval(`(document.querySelector('textarea[name="text"]').value += "  - key: customers\n    title: Customers told\n    kind: text\n    required: false\n", '')`)
	b.do(
		chromedp.SendKeys(chromedp.CSS(`input[name="note"]`), "Added Customers told"),
		chromedp.Click(chromedp.CSS(`form[action="/templates"] button[type="submit"]`)),
	)
	b.waitText("Added Customers told")
	b.waitFor(`document.querySelector('.versions li.current a')?.textContent === 'v2'`)

	b.do(chromedp.Navigate(inst.URL + big))
	b.waitText("The template has changed since this retrospective began")
	b.waitText("Added Customers told")
	b.shot("incident-template-changed")
	_ = minor
}
