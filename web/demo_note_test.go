package web_test

import (
	"strings"
	"testing"
)

// With --demo the incident list says what the demo holds and how the
// visitor is signed in, and the profile does not call a password-less demo
// account a single sign-on one; without it neither note shows.
func TestDemoNote(t *testing.T) {
	demo := newEnv(t, func(c *envConfig) { c.web.Demo = true })
	body := demo.page("/")
	if !strings.Contains(body, "This is Debrief") || !strings.Contains(body, "demo-note") {
		t.Errorf("no demo note on the list:\n%.3000s", body)
	}
	plain := newEnv(t)
	if body = plain.page("/"); strings.Contains(body, "demo-note") {
		t.Error("the demo note shows without --demo")
	}
}
