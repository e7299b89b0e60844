package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/debrief-oss/debrief"
)

// TestLintOnIncidentPage: findings are shown in the section they concern,
// and sending a draft with errors for review needs the writer to confirm.
func TestLintOnIncidentPage(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	sec, err := e.svc.FindSection(e.ctx, s.inc.ID, "analysis")
	if err != nil {
		t.Fatal(err)
	}
	body := "The deploy went out at 14:02.\n\nIt was <b>human error</b>, Bo forgot to check."
	if _, err := e.svc.UpdateSection(e.ctx, s.inc.ID, "analysis", debrief.SectionUpdate{Body: &body, Version: sec.Version}); err != nil {
		t.Fatal(err)
	}
	page := e.page("/incidents/" + itoa(s.inc.ID))
	contains(t, page,
		`<section class="card section section-text" id="section-analysis"`,
		`<li class="lint-item lint-error"><span class="tag lint-sev">error</span> <span class="lint-msg">&#34;human error&#34; names a person as the cause: &#34;It was &lt;b&gt;human error&lt;/b&gt;, Bo forgot to check.&#34;</span> <span class="lint-where muted">analysis line 3 · <code>blame/human-error</code></span>`,
		`a person (Bo) is the subject of &#34;forgot&#34;`,
		`<h3>Before review</h3>`,
		`name="confirm_lint" value="1" required`,
	)
	// The finding sits in the analysis card, before the next section.
	i, j := strings.Index(page, `id="section-analysis"`), strings.Index(page, `blame/human-error`)
	k := strings.Index(page[i+1:], `<section class="card section`) + i + 1
	if i < 0 || j < i || j > k {
		t.Errorf("the finding is not inside the analysis section (%d %d %d)", i, j, k)
	}

	path := "/incidents/" + itoa(s.inc.ID) + "/retrospective"
	r, _ := e.svc.FindRetrospective(e.ctx, s.inc.ID)
	w := e.post(path, url.Values{"version": {itoa(r.Version)}, "status": {"in_review"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("send with errors unconfirmed: status %d, want 400", w.Code)
	}
	contains(t, w.Body.String(), "The checklist found")
	if r2, _ := e.svc.FindRetrospective(e.ctx, s.inc.ID); r2.Status != debrief.RetroDraft {
		t.Fatalf("status %s, want still draft", r2.Status)
	}
	redirected(t, e.post(path, url.Values{"version": {itoa(r.Version)}, "status": {"in_review"}, "confirm_lint": {"1"}}))
	if r2, _ := e.svc.FindRetrospective(e.ctx, s.inc.ID); r2.Status != debrief.RetroInReview {
		t.Fatalf("status %s, want in_review", r2.Status)
	}
	// In review, the checklist is no longer asked; findings stay by their sections.
	page = e.page("/incidents/" + itoa(s.inc.ID))
	lacks(t, page, `<h3>Before review</h3>`, `name="confirm_lint"`)
	contains(t, page, `blame/human-error`)
}
