package app_test

import (
	"context"
	"testing"

	"github.com/debrief-oss/debrief"
)

// TestCheckImport holds the decision before an upload is read to the one
// for creating an incident in the team; a dry run needs only a sign-in.
func TestCheckImport(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		w := newWorld(t, e)
		for _, c := range []struct {
			who, team string
			dry       bool
			code      string
		}{
			{"org admin", "payments", false, ""},
			{"team admin", "payments", false, ""},
			{"editor", "payments", false, ""},
			{"viewer", "payments", false, debrief.EFORBIDDEN},
			{"other team", "payments", false, debrief.EFORBIDDEN},
			{"read-only token", "payments", false, debrief.EFORBIDDEN},
			{"editor", "", false, debrief.EINVALID},
			{"editor", "nope", false, debrief.EINVALID},
			{"viewer", "payments", true, ""},
			{"viewer", "", true, ""},
			{"viewer", "nope", true, debrief.EINVALID},
		} {
			err := e.svc.CheckPostmortemImport(w.actors[c.who], c.team, c.dry)
			if got := debrief.ErrorCode(err); got != c.code {
				t.Errorf("%s into %q (dry run %v): %q (%v), want %q", c.who, c.team, c.dry, got, err, c.code)
			}
		}
		if err := e.svc.CheckPostmortemImport(context.Background(), "payments", true); debrief.ErrorCode(err) != debrief.EUNAUTHORIZED {
			t.Errorf("nobody: %v", err)
		}
	})
}
