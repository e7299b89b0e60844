package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/debrief-oss/debrief/store/postgres/pgtest"
)

const adminPassword = "correct horse battery staple"

var setupLinkRE = regexp.MustCompile(`https?://\S+/setup\?token=\S+`)

// setupLink waits for the one-time link a first start prints.
func setupLink(t *testing.T, inst *instance) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if link := setupLinkRE.FindString(inst.stdout.String()); link != "" {
			return link
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no setup link printed; stdout:\n%s", inst.stdout.String())
	return ""
}

// setupAdmin follows the setup link as the first user would, which signs
// the browser in as the organisation's admin.
func setupAdmin(b *page, inst *instance) {
	b.t.Helper()
	b.do(chromedp.Navigate(setupLink(b.t, inst)))
	b.do(chromedp.WaitVisible(chromedp.CSS(`form[action="/setup"] input[name="name"]`)))
	b.do(
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "Ada Admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "ada@example.com"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), adminPassword),
		chromedp.SendKeys(chromedp.CSS(`input[name="confirm"]`), adminPassword),
		chromedp.Click(chromedp.CSS(`form[action="/setup"] button[type="submit"]`)),
	)
	b.waitFor(`!location.pathname.startsWith('/setup')`)
}

// createTeam makes a team from the teams page.
func createTeam(b *page, inst *instance, name string) {
	b.t.Helper()
	b.do(chromedp.Navigate(inst.URL + "/teams"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`form[action="/teams"] input[name="name"]`)))
	b.do(
		chromedp.SendKeys(chromedp.CSS(`form[action="/teams"] input[name="name"]`), name),
		chromedp.Click(chromedp.CSS(`form[action="/teams"] button[type="submit"]`)),
	)
	// Created: the browser lands on the new team's page.
	b.waitFor(`location.pathname === '/teams/` + strings.ToLower(name) + `'`)
}

func signOut(b *page) {
	b.t.Helper()
	// The sign-out button sits in the user menu; submitting its form is
	// what clicking it does.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(document.querySelector('form[action="/logout"]').requestSubmit(), true)`)); err != nil {
		b.t.Fatalf("sign out: %v", err)
	}
	b.waitFor(`location.pathname === '/login'`)
}

func signIn(b *page, inst *instance, email, password string) {
	b.t.Helper()
	b.do(chromedp.Navigate(inst.URL + "/login"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`form[action="/login"] input[name="email"]`)))
	b.do(
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
	)
	b.waitFor(`location.pathname !== '/login'`)
}

// TestAccessInBrowser: an admin sets up two teams and a member of one;
// the member signs in, is refused the other team's incident exactly as if
// it did not exist, and signs out.
//
// It runs on SQLite, and again on PostgreSQL when DEBRIEF_TEST_POSTGRES is
// set: the binary is the same, only --database changes.
func TestAccessInBrowser(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { accessInBrowser(t, filepath.Join(t.TempDir(), "access.db")) })
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN()
		if dsn == "" {
			t.Skip("set " + pgtest.EnvVar + " to run on PostgreSQL")
		}
		accessInBrowser(t, pgtest.FreshSchema(t, dsn))
	})
}

func accessInBrowser(t *testing.T, database string) {
	ctx := newBrowser(t)
	inst := start(t, database)
	b := &page{t: t, ctx: ctx}

	setupAdmin(b, inst)
	createTeam(b, inst, "Payments")
	createTeam(b, inst, "Search")

	// An account for Pat, an editor in Payments.
	b.do(chromedp.Navigate(inst.URL + "/admin/users"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/users"] input[name="email"]`)))
	b.do(
		chromedp.SendKeys(chromedp.CSS(`form[action="/admin/users"] input[name="name"]`), "Pat Payments"),
		chromedp.SendKeys(chromedp.CSS(`form[action="/admin/users"] input[name="email"]`), "pat@example.com"),
		chromedp.SendKeys(chromedp.CSS(`form[action="/admin/users"] input[name="password"]`), "pat's long passphrase"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/users"][method="post"] button[type="submit"]`)),
	)
	b.waitText("pat@example.com")
	b.do(chromedp.Navigate(inst.URL + "/teams/payments"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`#add-user`)))
	patID := b.eval(`[...document.querySelectorAll('#add-user option')].find(o => o.textContent.includes('Pat'))?.value || ''`)
	if patID == "" {
		t.Fatal("Pat is not offered as a new member")
	}
	b.do(
		chromedp.SetValue(chromedp.CSS(`#add-user`), patID),
		chromedp.SetValue(chromedp.CSS(`#add-role`), "editor"),
		chromedp.Click(chromedp.CSS(`form[action$="/members"] button.btn-primary`)),
	)
	// Pat is a member once the page lists Pat with a control to remove.
	b.waitFor(`document.querySelector('form[action$="/members/remove"] input[name="user_id"][value="` + patID + `"]')`)

	// An incident of the Search team.
	b.do(chromedp.Navigate(inst.URL + "/incidents/new"))
	b.do(chromedp.WaitVisible(chromedp.CSS(`input[name="title"]`)))
	b.do(
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Search index corrupted"),
		chromedp.SetValue(chromedp.CSS(`select[name="team"]`), "search"),
		chromedp.SetValue(chromedp.CSS(`select[name="visibility"]`), "team"),
		chromedp.Click(chromedp.CSS(`form.form-card button[type="submit"]`)),
	)
	b.waitText("Times shown in")
	searchURL := b.eval(`location.href`)
	signOut(b)

	// Pat signs in, and the Search incident does not exist for Pat.
	signIn(b, inst, "pat@example.com", "pat's long passphrase")
	if got := b.eval(`document.body.textContent`); !strings.Contains(got, "Pat") {
		t.Errorf("after signing in, the page does not name Pat")
	}
	b.do(chromedp.Navigate(inst.URL + "/"))
	b.waitText("Incidents")
	if list := b.eval(`document.body.textContent`); strings.Contains(list, "Search index corrupted") {
		t.Error("Pat's incident list shows the Search team's incident")
	}
	b.do(chromedp.Navigate(searchURL))
	b.waitFor(`document.readyState === 'complete'`)
	body := b.eval(`document.body.textContent`)
	if strings.Contains(body, "Search index corrupted") || !strings.Contains(strings.ToLower(body), "not found") {
		t.Errorf("Pat sees the other team's incident, or no 'not found':\n%.600s", body)
	}
	// The same page for an id that does not exist says the same.
	missing := regexp.MustCompile(`/incidents/\d+`).ReplaceAllString(searchURL, "/incidents/999")
	b.do(chromedp.Navigate(missing))
	b.waitFor(`document.readyState === 'complete'`)
	if other := b.eval(`document.querySelector('main')?.textContent || ''`); !strings.Contains(strings.ToLower(other), "not found") {
		t.Errorf("missing incident page: %.300s", other)
	}

	signOut(b)
	b.do(chromedp.Navigate(inst.URL + "/"))
	b.waitFor(`location.pathname === '/login'`)
}
