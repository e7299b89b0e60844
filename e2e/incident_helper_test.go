package e2e

import "github.com/chromedp/chromedp"

// recordIncident fills the new-incident form as a writer does (severity and
// zone only when given) and waits for the incident's page.
func recordIncident(b *page, inst *instance, title, team, severity, zone string) {
	b.do(chromedp.Navigate(inst.URL + "/incidents/new"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`input[name="title"]`)))
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), title),
		chromedp.SetValue(chromedp.CSS(`select[name="team"]`), team),
	}
	if severity != "" {
		steps = append(steps, chromedp.Click(chromedp.CSS(`input[name="severity"][value="`+severity+`"]`)))
	}
	if zone != "" {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(`input[name="time_zone"]`), zone))
	}
	steps = append(steps, chromedp.Click(chromedp.CSS(`form.form-card button[type="submit"]`)))
	b.do(steps...)
	b.waitText("Times shown in")
}
