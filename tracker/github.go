package tracker

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/debrief-oss/debrief"
)

// GitHub files and follows tickets as GitHub issues (REST API v3).
type GitHub struct {
	Repo   string // owner/repo where new tickets are filed
	Labels []string
	c      httpClient
}

// NewGitHub returns a client for repo with a token; base is the API's
// address ("" for https://api.github.com; tests pass a loopback server).
func NewGitHub(base, token, repo string, labels []string, hc *http.Client) *GitHub {
	if base == "" {
		base = "https://api.github.com"
	}
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &GitHub{Repo: repo, Labels: labels, c: httpClient{name: "github", base: base, hc: hc, now: time.Now,
		auth: func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Accept", "application/vnd.github+json")
			r.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		}}}
}

func (g *GitHub) Name() string { return "github" }

var githubKeyRE = regexp.MustCompile(`^([^/\s#]+)/([^/\s#]+)#([0-9]+)$`)

// Owns reports whether key is owner/repo#N.
func (g *GitHub) Owns(key string) bool { return githubKeyRE.MatchString(key) }

// githubIssue is the part of GitHub's issue object Debrief reads.
type githubIssue struct {
	Number      int       `json:"number"`
	HTMLURL     string    `json:"html_url"`
	State       string    `json:"state"`
	StateReason *string   `json:"state_reason"`
	UpdatedAt   time.Time `json:"updated_at"`
	Body        *string   `json:"body"`
	PullRequest *struct{} `json:"pull_request"`
	Repository  *struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
}

func (i *githubIssue) ticket(repo string) Ticket {
	state := i.State
	if state == "closed" && i.StateReason != nil && *i.StateReason == "not_planned" {
		state = "closed:not_planned"
	}
	return Ticket{Key: repo + "#" + strconv.Itoa(i.Number), URL: i.HTMLURL, State: state, UpdatedAt: i.UpdatedAt}
}

// Create files the issue with its labels.
func (g *GitHub) Create(ctx context.Context, t NewTicket) (Ticket, error) {
	labels := append(append([]string{}, g.Labels...), t.Labels...)
	var out githubIssue
	if err := g.c.do(ctx, http.MethodPost, "/repos/"+g.Repo+"/issues",
		map[string]any{"title": t.Title, "body": t.Body, "labels": labels}, &out); err != nil {
		return Ticket{}, err
	}
	return out.ticket(g.Repo), nil
}

// githubFindPages bounds how many pages of 100 issues Find reads: a retry
// comes minutes after the lost answer, so its issue is among the newest.
const githubFindPages = 3

// Find lists the repository's issues updated since within ago (every
// issue created since is among them; the list is read from the database,
// not the search index, which lags), newest first, and takes the one whose
// body holds marker.
func (g *GitHub) Find(ctx context.Context, marker string, within time.Duration) (Ticket, bool, error) {
	q := url.Values{"state": {"all"}, "sort": {"created"}, "direction": {"desc"}, "per_page": {"100"},
		"since": {g.c.now().Add(-within).UTC().Format(time.RFC3339)}}
	for page := 1; page <= githubFindPages; page++ {
		q.Set("page", strconv.Itoa(page))
		var out []githubIssue
		if err := g.c.do(ctx, http.MethodGet, "/repos/"+g.Repo+"/issues?"+q.Encode(), nil, &out); err != nil {
			return Ticket{}, false, err
		}
		for _, i := range out {
			if i.PullRequest == nil && i.Body != nil && holdsMarker(*i.Body, marker) {
				return i.ticket(g.Repo), true, nil
			}
		}
		if len(out) < 100 {
			break
		}
	}
	return Ticket{}, false, nil
}

func (g *GitHub) path(key string) (repo, path string, err error) {
	m := githubKeyRE.FindStringSubmatch(key)
	if m == nil {
		return "", "", &Error{Tracker: "github", Msg: fmt.Sprintf("%q is not a GitHub issue key (owner/repo#N)", key)}
	}
	repo = m[1] + "/" + m[2]
	return repo, "/repos/" + repo + "/issues/" + m[3], nil
}

// Get reads the issue's state.
func (g *GitHub) Get(ctx context.Context, key string) (Ticket, error) {
	repo, path, err := g.path(key)
	if err != nil {
		return Ticket{}, err
	}
	var out githubIssue
	if err := g.c.do(ctx, http.MethodGet, path, nil, &out); err != nil {
		return Ticket{}, err
	}
	return out.ticket(repo), nil
}

// Move closes the issue for done (completed) and dropped (not planned),
// and reopens it for any open status.
func (g *GitHub) Move(ctx context.Context, key string, status debrief.ActionStatus) (Ticket, error) {
	repo, path, err := g.path(key)
	if err != nil {
		return Ticket{}, err
	}
	body := map[string]any{"state": "open"}
	switch status {
	case debrief.ActionDone:
		body = map[string]any{"state": "closed", "state_reason": "completed"}
	case debrief.ActionDropped:
		body = map[string]any{"state": "closed", "state_reason": "not_planned"}
	}
	var out githubIssue
	if err := g.c.do(ctx, http.MethodPatch, path, body, &out); err != nil {
		return Ticket{}, err
	}
	return out.ticket(repo), nil
}

// githubWebhook is the part of an "issues" event Debrief reads.
type githubWebhook struct {
	Action     string      `json:"action"`
	Issue      githubIssue `json:"issue"`
	Repository struct {
		FullName string `json:"full_name"`
	} `json:"repository"`
}
