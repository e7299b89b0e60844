package app_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/app"
	"github.com/debrief-oss/debrief/lint"
)

// TestLintRetrospective: the findings of a stored retrospective, read by
// whoever may read it; the check before review asks for confirmation only
// of editors of a draft with errors.
func TestLintRetrospective(t *testing.T) {
	run(t, func(t *testing.T, e *env) {
		ops := e.team("payments", debrief.VisibleToTeam)
		editor := e.user("ed", false, map[*debrief.Team]debrief.Role{ops: debrief.RoleEditor})
		viewer := e.user("vi", false, map[*debrief.Team]debrief.Role{ops: debrief.RoleViewer})
		outsider := e.user("out", false, nil)
		inc := e.incident("payments", debrief.VisibleToTeam)
		sec, err := e.svc.FindSection(e.sys, inc.ID, "analysis")
		if err != nil {
			t.Fatal(err)
		}
		body := "It was human error."
		if _, err := e.svc.UpdateSection(e.sys, inc.ID, "analysis", debrief.SectionUpdate{Body: &body, Version: sec.Version}); err != nil {
			t.Fatal(err)
		}

		fs, err := e.svc.LintRetrospective(e.as(viewer), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range fs {
			if f.Rule == "blame/human-error" && f.Location.Section == "analysis" && f.Location.Line == 1 {
				found = true
			}
		}
		if !found || !lint.HasErrors(fs) {
			t.Fatalf("findings %+v", fs)
		}
		_, err = e.svc.LintRetrospective(e.as(outsider), inc.ID)
		wantCode(t, err, debrief.ENOTFOUND)

		// Before review: the viewer is refused as the change would be; the
		// editor is asked to confirm the errors.
		wantCode(t, e.svc.CheckBeforeReview(e.as(viewer), inc.ID), debrief.EFORBIDDEN)
		err = e.svc.CheckBeforeReview(e.as(editor), inc.ID)
		wantCode(t, err, debrief.EINVALID)
		if debrief.ErrorField(err) != "confirm_lint" {
			t.Errorf("field %q", debrief.ErrorField(err))
		}
		// Not a draft any more: nothing to confirm.
		st := debrief.RetroInReview
		r, _ := e.svc.FindRetrospective(e.sys, inc.ID)
		if _, err := e.svc.UpdateRetrospective(e.sys, inc.ID, debrief.RetrospectiveUpdate{Status: &st, Version: r.Version}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, e.svc.CheckBeforeReview(e.as(editor), inc.ID), "")
	})
}

// TestLintTeamConfiguration: the service lints with the incident's team's
// configuration.
func TestLintTeamConfiguration(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ops.yaml"), []byte("rules:\n  blame/human-error: off\n"), 0o644)
	cs, err := lint.LoadConfigs(dir)
	if err != nil {
		t.Fatal(err)
	}
	run(t, func(t *testing.T, e *env) {
		e.team("payments", debrief.VisibleToTeam)
		for team, want := range map[string]bool{"ops": false, "payments": true} {
			inc := e.incident(team, debrief.VisibleToTeam)
			sec, _ := e.svc.FindSection(e.sys, inc.ID, "analysis")
			body := "It was human error."
			if _, err := e.svc.UpdateSection(e.sys, inc.ID, "analysis", debrief.SectionUpdate{Body: &body, Version: sec.Version}); err != nil {
				t.Fatal(err)
			}
			fs, err := e.svc.LintRetrospective(e.sys, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, f := range fs {
				got = got || f.Rule == "blame/human-error"
			}
			if got != want {
				t.Errorf("team %s: human error flagged %v, want %v", team, got, want)
			}
		}
	}, app.WithLintConfigs(cs))
}
