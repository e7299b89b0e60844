package web_test

import (
	"html"
	"net/http"
	"net/url"
	"testing"

	"github.com/debrief-oss/debrief"
)

func TestEditSection(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	path := "/incidents/" + itoa(s.inc.ID) + "/sections/went_well/edit"
	body := e.page(path)
	contains(t, body, "What went well", "What helped: tools, people, habits, luck.", `name="version" value="1"`, `<textarea id="f-body" name="body"`)

	// Preview renders without saving.
	w := e.post(path, url.Values{"version": {"1"}, "body": {"- The alert *fired*"}, "preview": {"1"}})
	if w.Code != http.StatusOK {
		t.Fatalf("preview: %d", w.Code)
	}
	contains(t, w.Body.String(), "<li>The alert <em>fired</em></li>", "- The alert *fired*</textarea>")
	if sec, _ := e.svc.FindSection(e.ctx, s.inc.ID, "went_well"); sec.Body != "" {
		t.Errorf("preview saved %q", sec.Body)
	}

	// Save: CRLF from the browser is stored as LF.
	loc := redirected(t, e.post(path, url.Values{"version": {"1"}, "body": {"- Alert fired\r\n- Support escalated"}}))
	if loc != "/incidents/1#section-went_well" {
		t.Errorf("Location = %q", loc)
	}
	sec, _ := e.svc.FindSection(e.ctx, s.inc.ID, "went_well")
	if sec.Body != "- Alert fired\n- Support escalated" || sec.Version != 2 {
		t.Errorf("stored %q v%d", sec.Body, sec.Version)
	}
	contains(t, e.page("/incidents/1"), "<li>Alert fired</li>\n<li>Support escalated</li>")
}

// Two people edit the same section: the second save meets a conflict and
// loses nothing; both texts are on the page, and saving again succeeds.
func TestSectionConflictKeepsBothTexts(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	path := "/incidents/" + itoa(s.inc.ID) + "/sections/analysis/edit"
	e.page(path) // both open the editor at version 1

	theirs := "The **canary** had no card traffic."
	if _, err := e.svc.UpdateSection(e.ctx, s.inc.ID, "analysis", debrief.SectionUpdate{Body: &theirs, Version: 1}); err != nil {
		t.Fatal(err)
	}
	mine := "Retry policy & <rate limiter> interplay."
	w := e.post(path, url.Values{"version": {"1"}, "body": {mine}})
	if w.Code != http.StatusConflict {
		t.Fatalf("status %d, want 409", w.Code)
	}
	body := w.Body.String()
	contains(t, body,
		"Someone else saved this section while you were writing",
		"The <strong>canary</strong> had no card traffic.", // theirs, rendered
		">The **canary** had no card traffic.</pre>",       // theirs, to copy from
		">"+html.EscapeString(mine)+"</textarea>",          // mine, still in the editor
		`name="version" value="2"`,                         // so the next save succeeds
	)
	if sec, _ := e.svc.FindSection(e.ctx, s.inc.ID, "analysis"); sec.Body != theirs {
		t.Fatalf("the conflicting save wrote %q", sec.Body)
	}

	merged := theirs + "\n\n" + mine
	redirected(t, e.post(path, url.Values{"version": {"2"}, "body": {merged}}))
	if sec, _ := e.svc.FindSection(e.ctx, s.inc.ID, "analysis"); sec.Body != merged || sec.Version != 3 {
		t.Errorf("stored %q v%d", sec.Body, sec.Version)
	}
}

func TestSectionBodyTooLong(t *testing.T) {
	e := newEnv(t)
	s := e.seed()
	path := "/incidents/" + itoa(s.inc.ID) + "/sections/analysis/edit"
	long := make([]byte, 200_001)
	for i := range long {
		long[i] = 'x'
	}
	w := e.post(path, url.Values{"version": {"1"}, "body": {string(long)}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	contains(t, w.Body.String(), `id="f-body-error">The text is too long (200001 characters, at most 200000).`)
}
