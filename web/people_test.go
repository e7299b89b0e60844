package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

func TestPeople(t *testing.T) {
	e := newEnv(t)
	contains(t, e.page("/people"), "Nobody yet")
	loc := redirected(t, e.post("/people", url.Values{"name": {"Chidi Okafor"}, "handle": {"@chidi"}, "email": {"chidi@example.com"}}))
	if loc != "/people#person-1" {
		t.Errorf("Location = %q", loc)
	}
	body := e.page("/people")
	contains(t, body, `id="person-1"`, "Chidi Okafor", "@chidi", `href="mailto:chidi@example.com"`, `<span class="avatar" aria-hidden="true">C</span>`)

	w := e.post("/people", url.Values{"name": {"Chidi Other"}, "handle": {"CHIDI"}})
	if w.Code != http.StatusConflict {
		t.Fatalf("duplicate handle: status %d, want 409", w.Code)
	}
	contains(t, w.Body.String(), `id="f-handle-error">Handle @CHIDI is already someone else’s.`, `value="Chidi Other"`)

	w = e.post("/people", url.Values{"name": {"Dana"}, "email": {"not-an-address"}})
	if w.Code != http.StatusBadRequest {
		t.Fatalf("bad e-mail: status %d", w.Code)
	}
	contains(t, w.Body.String(), `id="f-email-error">E-mail is not an e-mail address`)

	contains(t, e.page("/people?q=okafor"), "Chidi Okafor")
	contains(t, e.page("/people?q=nobody"), "Nobody matches")
	// People can now be chosen as commander.
	contains(t, e.page("/incidents/new"), `<option value="1">Chidi Okafor (@chidi)</option>`)
}
