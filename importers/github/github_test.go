package github

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

func read(t *testing.T, file string) []*debrief.Event {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*debrief.Event
	if err := Import(f, file, evidence.Options{}, func(ev *debrief.Event) error { out = append(out, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPullsAndDeployments(t *testing.T) {
	pr := read(t, "testdata/pulls.json")
	if len(pr) != 1 || pr[0].Text != "Merged acme/gateway#1347: Raise connection pool to 200 (into main)" || pr[0].Author != "tberg" ||
		pr[0].At != time.Date(2024, 5, 1, 8, 45, 0, 0, time.UTC) || pr[0].Kind != debrief.EventDeploy || pr[0].OriginalID != "acme/gateway/pull/1347" {
		t.Fatalf("%+v", pr)
	}
	dep := read(t, "testdata/deployments.json")
	if len(dep) != 2 || dep[0].Text != "Deployment 1002 to production of main (e5bd391): Deploy request from hubot" ||
		dep[0].URL != "https://github.com/acme/gateway/commit/e5bd3914e2e596debea16f433f57875b5b90bcd6" ||
		dep[1].Text != "Deployment 1002 success in production: Deployment finished successfully." || dep[1].OriginalID != "acme/gateway/deployment-status/5001" {
		t.Errorf("%+v %+v", dep[0], dep[1])
	}
}

// Octokit's recorded fixture of real API responses holds issues, none of
// them pull requests: read through, and nothing is a change.
func TestOctokitFixtureIssuesAreNotChanges(t *testing.T) {
	if evs := read(t, "testdata/octokit_paginate-issues.json"); len(evs) != 0 {
		t.Errorf("%d events from plain issues", len(evs))
	}
	in := `{"total_count":1,"items":[{"number":7,"title":"Fix","html_url":"https://github.com/o/r/pull/7","user":{"login":"a"},"pull_request":{"merged_at":"2024-05-01T10:00:00Z"}}]}`
	var evs []*debrief.Event
	err := Import(strings.NewReader(in), "s.json", evidence.Options{}, func(ev *debrief.Event) error { evs = append(evs, ev); return nil })
	if err != nil || len(evs) != 1 || evs[0].Text != "Merged o/r#7: Fix" {
		t.Errorf("search result of a merged pull request: %+v %v", evs, err)
	}
}

func FuzzImport(f *testing.F) {
	for _, name := range []string{"testdata/pulls.json", "testdata/deployments.json"} {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte(`[{"scope":"x","response":{"items":[{"number":1,"pull_request":{"merged_at":"2024-05-01T10:00:00Z"}}]}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Import(strings.NewReader(string(b)), "f", evidence.Options{}, func(ev *debrief.Event) error { return nil })
	})
}
