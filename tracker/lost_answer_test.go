package tracker_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/tracker"
)

// The tracker creates the ticket but its answer is lost: the create
// request reaches the server, which files the issue and answers after the
// client gave up. The retry finds the issue by its link back and takes it;
// no second ticket is filed.
func TestGitHubCreateAnswerLost(t *testing.T) {
	gh := newFake(t)
	const repo = "/repos/octokit-fixture-org/add-labels-to-issue"
	var (
		posts  atomic.Int32
		issues []map[string]any // what the tracker holds, newest first
		query  string
	)
	gh.routes["POST "+repo+"/issues"] = func(w http.ResponseWriter, r *http.Request, body []byte) {
		var in map[string]any
		json.Unmarshal(body, &in)
		n := int(posts.Add(1))
		issue := map[string]any{"number": n, "html_url": fmt.Sprintf("https://github.com/octokit-fixture-org/add-labels-to-issue/issues/%d", n),
			"state": "open", "state_reason": nil, "updated_at": "2026-11-22T09:00:05Z", "body": in["body"], "title": in["title"]}
		gh.mu.Lock()
		issues = append([]map[string]any{issue}, issues...)
		gh.mu.Unlock()
		time.Sleep(400 * time.Millisecond) // filed, but the answer comes too late
		w.WriteHeader(201)
		json.NewEncoder(w).Encode(issue)
	}
	gh.routes["GET "+repo+"/issues"] = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		gh.mu.Lock()
		defer gh.mu.Unlock()
		query = r.URL.RawQuery
		// Another item's issue, whose link back starts like this one's.
		decoy := map[string]any{"number": 99, "html_url": "https://github.com/octokit-fixture-org/add-labels-to-issue/issues/99",
			"state": "open", "updated_at": "2026-11-22T09:00:01Z", "body": "... https://debrief.example.com/incidents/1#action-10\n\nFiled by Debrief"}
		// A pull request (GitHub lists them with issues) quoting the link.
		pull := map[string]any{"number": 98, "html_url": "https://github.com/octokit-fixture-org/add-labels-to-issue/pull/98", "state": "open",
			"updated_at": "2026-11-22T09:00:01Z", "body": "Fixes https://debrief.example.com/incidents/1#action-1", "pull_request": map[string]any{}}
		json.NewEncoder(w).Encode(append([]map[string]any{decoy, pull}, issues...))
	}
	client := tracker.NewGitHub(gh.srv.URL, "token-1", "octokit-fixture-org/add-labels-to-issue", nil, &http.Client{Timeout: 150 * time.Millisecond})
	e := newEnv(t, client)
	a := e.action("Alert on the decline rate per provider")
	if _, err := e.svc.RequestTicket(e.ctx, e.inc.ID, a.ID, "github"); err != nil {
		t.Fatal(err)
	}
	e.runDue()
	if got := e.get(a); got.SyncState != debrief.SyncPending || !strings.Contains(got.SyncError, "did not answer in time") || got.TicketURL != "" {
		t.Fatalf("after the lost answer: %+v", got)
	}
	e.now = e.now.Add(30 * time.Second)
	e.runDue()
	got := e.get(a)
	if got.TicketKey != "octokit-fixture-org/add-labels-to-issue#1" || got.SyncState != debrief.SyncOK || got.TicketState != "open" {
		t.Fatalf("after the retry: %+v", got)
	}
	if n := posts.Load(); n != 1 {
		t.Fatalf("%d issues filed, want 1", n)
	}
	hist, err := e.svc.FindActionHistory(e.ctx, a.IncidentID, a.ID)
	if err != nil || !strings.Contains(hist[len(hist)-1].Note, "found in github: an earlier attempt made it but its answer was lost") {
		t.Fatalf("history: %v %+v", err, hist[len(hist)-1])
	}
	gh.mu.Lock()
	q := query
	gh.mu.Unlock()
	if !strings.Contains(q, "state=all") || !strings.Contains(q, "since=") {
		t.Fatalf("list query %q", q)
	}

	// Another item, whose earlier attempt failed before reaching GitHub:
	// the retry finds nothing, and files it.
	b := e.action("Document the provider failover")
	gh.failNext(status(503))
	if _, err := e.svc.RequestTicket(e.ctx, e.inc.ID, b.ID, "github"); err != nil {
		t.Fatal(err)
	}
	e.runDue()
	e.now = e.now.Add(time.Minute)
	e.runDue()
	// The retry found nothing and filed it, but that answer was lost
	// too: the next retry finds it, and files nothing more.
	if n := posts.Load(); n != 2 {
		t.Fatalf("%d issues filed, want 2", n)
	}
	e.now = e.now.Add(2 * time.Minute)
	e.runDue()
	if got := e.get(b); got.TicketKey != "octokit-fixture-org/add-labels-to-issue#2" || posts.Load() != 2 {
		t.Fatalf("second item: %+v, %d filed", got, posts.Load())
	}
}

// The same with Jira Cloud: the retry asks JQL for the project's recent
// issues and takes the one whose description holds the link back.
func TestJiraCreateAnswerLost(t *testing.T) {
	jira := newFake(t)
	var posts atomic.Int32
	var jql string
	jira.routes["POST /rest/api/3/issue"] = func(w http.ResponseWriter, r *http.Request, body []byte) {
		posts.Add(1)
		time.Sleep(400 * time.Millisecond)
		w.WriteHeader(201)
		w.Write(readJSON(t, "jira/create-issue.response.json", nil))
	}
	jira.routes["GET /rest/api/3/search/jql"] = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		jira.mu.Lock()
		jql = r.URL.Query().Get("jql")
		jira.mu.Unlock()
		w.Write(readJSON(t, "jira/search-jql.response.json", nil))
	}
	jira.routes["GET /rest/api/3/issue/OPS-24"] = func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Write(readJSON(t, "jira/get-issue-todo.response.json", nil))
	}
	client := tracker.NewJira(jira.srv.URL, "ops@example.com", "jira-token", "OPS", nil, &http.Client{Timeout: 150 * time.Millisecond})
	e := newEnv(t, client)
	a := e.action("Alert on the decline rate per provider")
	if _, err := e.svc.RequestTicket(e.ctx, e.inc.ID, a.ID, "jira"); err != nil {
		t.Fatal(err)
	}
	e.runDue()
	if got := e.get(a); got.SyncState != debrief.SyncPending || got.TicketKey != "" {
		t.Fatalf("after the lost answer: %+v", got)
	}
	e.now = e.now.Add(30 * time.Second)
	e.runDue()
	got := e.get(a)
	if got.TicketKey != "OPS-24" || got.SyncState != debrief.SyncOK || got.TicketState != "To Do" {
		t.Fatalf("after the retry: %+v", got)
	}
	if n := posts.Load(); n != 1 {
		t.Fatalf("%d issues filed, want 1", n)
	}
	jira.mu.Lock()
	defer jira.mu.Unlock()
	if !strings.HasPrefix(jql, `project = "OPS" AND created >= -`) || !strings.HasSuffix(jql, "m ORDER BY created DESC") {
		t.Fatalf("jql %q", jql)
	}
}
