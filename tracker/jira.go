package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// Jira files and follows tickets in Jira Cloud (REST API v3): basic
// authentication with an account's e-mail and API token; descriptions in
// the Atlassian Document Format; state changes by transitions.
type Jira struct {
	Project   string // project key new tickets go to, such as OPS
	IssueType string // "Task" unless configured
	Labels    []string
	base      string
	c         httpClient
}

// NewJira returns a client for the site at base (https://acme.atlassian.net).
func NewJira(base, email, token, project string, labels []string, hc *http.Client) *Jira {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &Jira{Project: project, IssueType: "Task", Labels: labels, base: strings.TrimSuffix(base, "/"),
		c: httpClient{name: "jira", base: base, hc: hc, now: time.Now,
			auth: func(r *http.Request) { r.SetBasicAuth(email, token) }}}
}

func (j *Jira) Name() string { return "jira" }

var jiraKeyRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]+-[0-9]+$`)

// Owns reports whether key looks like PROJECT-123.
func (j *Jira) Owns(key string) bool { return jiraKeyRE.MatchString(key) }

// jiraTime is Jira's time format, "2019-01-08T13:59:00.000+0000".
const jiraTime = "2006-01-02T15:04:05.000-0700"

// jiraIssue is the part of GET /rest/api/3/issue/{key} Debrief reads.
type jiraIssue struct {
	Key    string `json:"key"`
	Fields struct {
		Status struct {
			Name           string `json:"name"`
			StatusCategory struct {
				Key string `json:"key"`
			} `json:"statusCategory"`
		} `json:"status"`
		Updated     string          `json:"updated"`
		Description json.RawMessage `json:"description"`
	} `json:"fields"`
}

func (j *Jira) ticket(i *jiraIssue) Ticket {
	t := Ticket{Key: i.Key, URL: j.base + "/browse/" + i.Key, State: i.Fields.Status.Name, Category: i.Fields.Status.StatusCategory.Key}
	if u, err := time.Parse(jiraTime, i.Fields.Updated); err == nil {
		t.UpdatedAt = u.UTC()
	}
	return t
}

// adf turns Markdown-ish text into an Atlassian Document: one paragraph per
// blank-line-separated block, which Jira shows as written.
func adf(text string) map[string]any {
	content := []any{}
	for block := range strings.SplitSeq(strings.TrimSpace(text), "\n\n") {
		if block = strings.TrimSpace(block); block == "" {
			continue
		}
		content = append(content, map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": block}}})
	}
	return map[string]any{"type": "doc", "version": 1, "content": content}
}

// Create files the issue in the project, then reads it back for its state.
func (j *Jira) Create(ctx context.Context, t NewTicket) (Ticket, error) {
	labels := append(append([]string{}, j.Labels...), t.Labels...)
	for i, l := range labels {
		labels[i] = strings.ReplaceAll(l, " ", "-") // Jira labels hold no spaces
	}
	var created struct {
		ID   string `json:"id"`
		Key  string `json:"key"`
		Self string `json:"self"`
	}
	err := j.c.do(ctx, http.MethodPost, "/rest/api/3/issue", map[string]any{"fields": map[string]any{
		"project": map[string]string{"key": j.Project}, "summary": t.Title, "issuetype": map[string]string{"name": j.IssueType},
		"description": adf(t.Body), "labels": labels,
	}}, &created)
	if err != nil {
		return Ticket{}, err
	}
	if created.Key == "" {
		return Ticket{}, &Error{Tracker: "jira", Msg: "jira created an issue but did not say its key"}
	}
	return j.Get(ctx, created.Key)
}

// Find asks JQL for the project's issues created in the last within,
// newest first, and takes the one whose description holds marker. The
// enhanced search (GET /rest/api/3/search/jql) is the one Jira Cloud keeps.
func (j *Jira) Find(ctx context.Context, marker string, within time.Duration) (Ticket, bool, error) {
	jql := fmt.Sprintf(`project = "%s" AND created >= -%dm ORDER BY created DESC`,
		strings.ReplaceAll(j.Project, `"`, `\"`), int(within.Minutes())+1)
	q := url.Values{"jql": {jql}, "fields": {"status,updated,description"}, "maxResults": {"100"}}
	var out struct {
		Issues []jiraIssue `json:"issues"`
	}
	if err := j.c.do(ctx, http.MethodGet, "/rest/api/3/search/jql?"+q.Encode(), nil, &out); err != nil {
		return Ticket{}, false, err
	}
	for i := range out.Issues {
		if holdsMarker(adfText(out.Issues[i].Fields.Description), marker) {
			return j.ticket(&out.Issues[i]), true, nil
		}
	}
	return Ticket{}, false, nil
}

// adfText is the text of an Atlassian Document (or of a plain string, as
// older sites answer), its text nodes joined by newlines.
func adfText(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch n := v.(type) {
		case string:
			b.WriteString(n + "\n")
		case map[string]any:
			if t, ok := n["text"].(string); ok {
				b.WriteString(t + "\n")
			}
			if c, ok := n["content"]; ok {
				walk(c)
			}
		case []any:
			for _, c := range n {
				walk(c)
			}
		}
	}
	walk(v)
	return b.String()
}

// Get reads the issue's status.
func (j *Jira) Get(ctx context.Context, key string) (Ticket, error) {
	if !j.Owns(key) {
		return Ticket{}, &Error{Tracker: "jira", Msg: fmt.Sprintf("%q is not a Jira issue key (PROJECT-123)", key)}
	}
	var out jiraIssue
	if err := j.c.do(ctx, http.MethodGet, "/rest/api/3/issue/"+url.PathEscape(key)+"?fields=status,updated", nil, &out); err != nil {
		return Ticket{}, err
	}
	return j.ticket(&out), nil
}

// Move takes the first transition to a status of the category that stands
// for status (done for done and dropped, in progress, to do).
func (j *Jira) Move(ctx context.Context, key string, status debrief.ActionStatus) (Ticket, error) {
	want := "new"
	switch status {
	case debrief.ActionDone, debrief.ActionDropped:
		want = "done"
	case debrief.ActionInProgress:
		want = "indeterminate"
	}
	var ts struct {
		Transitions []struct {
			ID string `json:"id"`
			To struct {
				StatusCategory struct {
					Key string `json:"key"`
				} `json:"statusCategory"`
			} `json:"to"`
		} `json:"transitions"`
	}
	path := "/rest/api/3/issue/" + url.PathEscape(key) + "/transitions"
	if err := j.c.do(ctx, http.MethodGet, path, nil, &ts); err != nil {
		return Ticket{}, err
	}
	for _, t := range ts.Transitions {
		if t.To.StatusCategory.Key == want {
			if err := j.c.do(ctx, http.MethodPost, path, map[string]any{"transition": map[string]string{"id": t.ID}}, nil); err != nil {
				return Ticket{}, err
			}
			return j.Get(ctx, key)
		}
	}
	return Ticket{}, &Error{Tracker: "jira", Msg: fmt.Sprintf("jira offers no transition of %s to a %q status", key, want)}
}

// jiraWebhook is the part of a jira:issue_updated event Debrief reads.
type jiraWebhook struct {
	WebhookEvent string    `json:"webhookEvent"`
	Issue        jiraIssue `json:"issue"`
}
