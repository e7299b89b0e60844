package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/debrief-oss/debrief"
)

const xss = `<script>alert(1)</script>`

// User text reaches pages only escaped, and Markdown only sanitised: no
// script, no event handler, no javascript: link, whatever is typed.
func TestUserTextIsNeverExecutable(t *testing.T) {
	e := newEnv(t)
	person := &debrief.Person{Name: `Eve ` + xss, Handle: "eve"}
	if err := e.svc.CreatePerson(e.ctx, person); err != nil {
		t.Fatal(err)
	}
	team := &debrief.Team{Slug: "xss", Name: `Team ` + xss}
	if err := e.svc.CreateTeam(e.ctx, team); err != nil {
		t.Fatal(err)
	}
	inc := &debrief.Incident{
		Title: `Title ` + xss, Severity: "SEV2", Team: team.Slug, Services: []string{`svc` + xss},
		TimeZone: "UTC", CommanderID: &person.ID,
	}
	if err := e.svc.CreateIncident(e.ctx, inc, ""); err != nil {
		t.Fatal(err)
	}
	base := "/incidents/" + itoa(inc.ID)
	redirected(t, e.post(base+"/events", url.Values{
		"at": {"2024-01-01T10:00"}, "text": {"Event " + xss + " javascript:alert(2)"}, "kind": {"note"},
		"author": {`"><img src=x onerror=alert(3)>`}, "source": {xss},
	}))
	sec, _ := e.svc.FindSection(e.ctx, inc.ID, "summary")
	body := "Body " + xss + "\n\n[click](javascript:alert(4)) <a href=\"javascript:alert(5)\">raw</a> <img src=x onerror=alert(6)>\n\n" +
		"[js2](JaVaScRiPt:alert(7)) <iframe src=\"https://evil.example\"></iframe>"
	redirected(t, e.post(base+"/sections/summary/edit", url.Values{"version": {itoa(sec.Version)}, "body": {body}}))
	redirected(t, e.post(base+"/actions", url.Values{"title": {"Action " + xss}, "definition_of_done": {xss}, "drop_reason": {xss}}))

	// A javascript: link is refused at the door, with the error shown.
	w := e.post(base+"/events", url.Values{"at": {"2024-01-01T10:00"}, "text": {"x"}, "url": {"javascript:alert(8)"}})
	contains(t, w.Body.String(), "Link must be an absolute http or https URL.", `value="javascript:alert(8)"`)

	pages := map[string]string{}
	for _, p := range []string{"/", base, base + "/edit", base + "/sections/summary/edit", base + "/events/1/edit", base + "/actions/1/edit", "/people"} {
		pages[p] = e.page(p)
	}
	pages["preview"] = e.post(base+"/sections/summary/edit", url.Values{"version": {"1"}, "body": {body}, "preview": {"1"}}).Body.String()
	pages["conflict"] = e.post(base+"/sections/summary/edit", url.Values{"version": {"1"}, "body": {body}}).Body.String()
	pages["event error"] = w.Body.String()

	for name, page := range pages {
		checkInert(t, name, page)
	}
	contains(t, pages[base], "Title &lt;script&gt;alert(1)&lt;/script&gt;", "Event &lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(2)",
		"Action &lt;script&gt;alert(1)&lt;/script&gt;", "Eve &lt;script&gt;")
}

// checkInert parses page as a browser would and fails on any script that
// is not the static file, any event handler attribute, any javascript: URL
// and any frame.
func checkInert(t *testing.T, name, page string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "iframe", "object", "embed":
			t.Errorf("%s: <%s> element", name, tok.Data)
		case "script":
			src := ""
			for _, a := range tok.Attr {
				if a.Key == "src" {
					src = a.Val
				}
			}
			if !strings.HasPrefix(src, "/static/") {
				t.Errorf("%s: script %v", name, tok)
			}
		}
		for _, a := range tok.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("%s: event handler %s=%q on <%s>", name, a.Key, a.Val, tok.Data)
			}
			if a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction" {
				if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					t.Errorf("%s: javascript: URL in %s of <%s>", name, a.Key, tok.Data)
				}
			}
		}
	}
}

// The pages must work under "default-src 'self'; script-src 'self';
// style-src 'self'": no inline script, no style attribute or element, no
// inline event handler, no resource from elsewhere.
func TestPagesFitTheContentSecurityPolicy(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	base := "/incidents/" + itoa(s.inc.ID)
	inlineScript := regexp.MustCompile(`<script(?:\s[^>]*)?>`)
	for _, p := range []string{"/", "/incidents/new", base, base + "/edit", base + "/sections/summary/edit", base + "/events/new",
		base + "/events/1/edit", base + "/actions/new", base + "/actions/1/edit", "/people", "/missing",
		base + "/audit", "/profile", "/teams", "/teams/payments", "/admin/users", "/login", "/setup?token=x",
		base + "/analysis", "/teams/payments/controls"} {
		html := e.get(p).Body.String()
		if p == "/login" {
			html = e.anon().get(p).Body.String()
		}
		for _, tag := range inlineScript.FindAllString(html, -1) {
			if !strings.Contains(tag, ` src="/static/`) {
				t.Errorf("%s: inline script %q", p, tag)
			}
		}
		for _, bad := range []string{" style=", "<style", `src="http`, `href="http://`, "data:"} {
			if strings.Contains(html, bad) && !(bad == `href="http://` && p == base) {
				t.Errorf("%s: contains %q", p, bad)
			}
		}
	}
	css := e.get(regexp.MustCompile(`/static/[0-9a-f]+/app\.css`).FindString(e.page("/"))).Body.String()
	if strings.Contains(css, "url(data:") || strings.Contains(css, `url("data:`) || strings.Contains(css, "url(http") {
		t.Error("the stylesheet loads a resource the policy refuses")
	}
}

func TestOversizedFormsAreRefused(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	big := strings.Repeat("x", 5<<20)
	w := e.post("/incidents/"+itoa(s.inc.ID)+"/sections/summary/edit", url.Values{"version": {"2"}, "body": {big}})
	if w.Code != 413 {
		t.Fatalf("status %d, want 413", w.Code)
	}
	contains(t, w.Body.String(), "That was too much at once")
	if sec, _ := e.svc.FindSection(e.ctx, s.inc.ID, "summary"); sec.Version != 2 {
		t.Errorf("an oversized form changed the section to version %d", sec.Version)
	}
}
