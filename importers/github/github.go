// Package github reads changes from GitHub's REST API JSON into timeline
// events: merged pull requests (GET /repos/{o}/{r}/pulls?state=closed, and
// issues or search results that are pull requests with merged_at),
// deployments (GET /repos/{o}/{r}/deployments) and deployment statuses.
// Recorded API fixtures ({"scope", "method", "path", "response"}, as
// octokit/fixtures keeps them) are read through their responses.
package github

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

// Source is the events' source.
const Source = "github"

type user struct {
	Login string `json:"login"`
}

type record struct {
	// Pull requests (and issues that are pull requests).
	Number      int        `json:"number"`
	Title       string     `json:"title"`
	HTMLURL     string     `json:"html_url"`
	User        *user      `json:"user"`
	MergedAt    *time.Time `json:"merged_at"`
	MergedBy    *user      `json:"merged_by"`
	PullRequest *struct {
		MergedAt *time.Time `json:"merged_at"`
		HTMLURL  string     `json:"html_url"`
	} `json:"pull_request"`
	Base *struct {
		Ref  string `json:"ref"`
		Repo *struct {
			FullName string `json:"full_name"`
		} `json:"repo"`
	} `json:"base"`
	RepositoryURL string `json:"repository_url"`

	// Deployments and their statuses.
	ID             int64      `json:"id"`
	SHA            string     `json:"sha"`
	Ref            string     `json:"ref"`
	Environment    *string    `json:"environment"`
	Description    *string    `json:"description"`
	Creator        *user      `json:"creator"`
	CreatedAt      *time.Time `json:"created_at"`
	State          string     `json:"state"`
	DeploymentURL  string     `json:"deployment_url"`
	TargetURL      string     `json:"target_url"`
	LogURL         string     `json:"log_url"`
	EnvironmentURL string     `json:"environment_url"`
	URL            string     `json:"url"`

	// A recorded fixture.
	Scope    string          `json:"scope"`
	Response json.RawMessage `json:"response"`
	Items    json.RawMessage `json:"items"`
}

// Import reads API responses from r. Records that are not changes (open
// or unmerged pull requests, plain issues) are skipped.
func Import(r io.Reader, file string, o evidence.Options, emit evidence.Emit) error {
	var each func(entry string, raw json.RawMessage) error
	each = func(entry string, raw json.RawMessage) error {
		var rec record
		if err := json.Unmarshal(raw, &rec); err != nil {
			return err
		}
		if rec.Scope != "" && rec.Response != nil {
			// A recorded request: its response is the API's answer.
			return evidence.EachRecord(strings.NewReader(string(rec.Response)), file, []string{"items"}, func(e string, raw json.RawMessage) error {
				return each(entry+" response "+e, raw)
			})
		}
		ev, err := event(&rec, &o)
		if err != nil || ev == nil || !o.InWindow(ev.At) {
			return err
		}
		return emit(ev)
	}
	return evidence.EachRecord(r, file, []string{"items", "deployments", "deployment_statuses", "pull_requests"}, each)
}

// repoOf reads "owner/repo" from an API or web URL of a repository's thing.
func repoOf(u string) string {
	for _, p := range []string{"https://api.github.com/repos/", "https://github.com/"} {
		if rest, ok := strings.CutPrefix(u, p); ok {
			parts := strings.SplitN(rest, "/", 3)
			if len(parts) >= 2 {
				return parts[0] + "/" + parts[1]
			}
		}
	}
	return ""
}

func login(us ...*user) string {
	for _, u := range us {
		if u != nil && u.Login != "" {
			return u.Login
		}
	}
	return ""
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func event(rec *record, o *evidence.Options) (*debrief.Event, error) {
	switch {
	case rec.DeploymentURL != "" && rec.State != "":
		if rec.CreatedAt == nil {
			return nil, fmt.Errorf("deployment status %d: created_at is missing", rec.ID)
		}
		repo := repoOf(rec.DeploymentURL)
		dep := rec.DeploymentURL[strings.LastIndex(rec.DeploymentURL, "/")+1:]
		text := fmt.Sprintf("Deployment %s %s", dep, rec.State)
		if rec.Environment != nil && *rec.Environment != "" {
			text += " in " + *rec.Environment
		}
		if rec.Description != nil && *rec.Description != "" {
			text += ": " + *rec.Description
		}
		link := firstOf(evidence.SafeURL(rec.LogURL), evidence.SafeURL(rec.TargetURL), evidence.SafeURL(rec.EnvironmentURL))
		return evidence.Event(Source, fmt.Sprintf("%s/deployment-status/%d", repo, rec.ID), o.Adjust(*rec.CreatedAt), text, login(rec.Creator), link, debrief.EventDeploy), nil
	case rec.Environment != nil && rec.SHA != "":
		if rec.CreatedAt == nil {
			return nil, fmt.Errorf("deployment %d: created_at is missing", rec.ID)
		}
		repo := repoOf(rec.URL)
		text := fmt.Sprintf("Deployment %d to %s of %s (%s)", rec.ID, *rec.Environment, rec.Ref, short(rec.SHA))
		if rec.Description != nil && *rec.Description != "" {
			text += ": " + *rec.Description
		}
		link := ""
		if repo != "" {
			link = "https://github.com/" + repo + "/commit/" + rec.SHA
		}
		return evidence.Event(Source, fmt.Sprintf("%s/deployment/%d", repo, rec.ID), o.Adjust(*rec.CreatedAt), text, login(rec.Creator), link, debrief.EventDeploy), nil
	}
	merged := rec.MergedAt
	link := rec.HTMLURL
	if merged == nil && rec.PullRequest != nil {
		merged = rec.PullRequest.MergedAt
	}
	if merged == nil || rec.Number == 0 {
		return nil, nil // not a merged pull request: not a change
	}
	repo := repoOf(link)
	if repo == "" && rec.Base != nil && rec.Base.Repo != nil {
		repo = rec.Base.Repo.FullName
	}
	text := fmt.Sprintf("Merged %s#%d: %s", repo, rec.Number, rec.Title)
	if rec.Base != nil && rec.Base.Ref != "" {
		text += " (into " + rec.Base.Ref + ")"
	}
	return evidence.Event(Source, fmt.Sprintf("%s/pull/%d", repo, rec.Number), o.Adjust(*merged), text, login(rec.MergedBy, rec.User), link, debrief.EventDeploy), nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
