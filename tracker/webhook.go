package tracker

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/debrief-oss/debrief"
)

// Webhooks receive the trackers' change events. Each body is signed with
// the shared secret configured on both sides (HMAC-SHA256 of the raw body,
// hex): GitHub sends it as X-Hub-Signature-256, Jira Cloud as
// X-Hub-Signature, both "sha256=<hex>". A request without a valid
// signature is refused (401), logged and recorded in the audit log, and
// changes nothing.
type Webhooks struct {
	Syncer       *Syncer
	GitHubSecret string
	JiraSecret   string
	svc          interface {
		Deny(ctx context.Context, action, detail string)
	}
	maxBody int64
}

// Webhook paths.
const (
	GitHubHookPath = "/api/v1/hooks/github"
	JiraHookPath   = "/api/v1/hooks/jira"
)

// NewWebhooks returns the webhook endpoints; a tracker without a secret
// refuses every request.
func NewWebhooks(s *Syncer, githubSecret, jiraSecret string) *Webhooks {
	return &Webhooks{Syncer: s, GitHubSecret: githubSecret, JiraSecret: jiraSecret, svc: s.svc, maxBody: 1 << 20}
}

// Routes lists the patterns Register mounts.
func (h *Webhooks) Routes() []string {
	return []string{"POST " + GitHubHookPath, "POST " + JiraHookPath}
}

// Register mounts the endpoints.
func (h *Webhooks) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST "+GitHubHookPath, h.github)
	mux.HandleFunc("POST "+JiraHookPath, h.jira)
}

// Sign returns the signature header value for body: "sha256=<hex>".
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// verified reads the body and checks its signature in constant time.
func (h *Webhooks) verified(w http.ResponseWriter, r *http.Request, tracker, secret, header string) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		writeHookError(w, http.StatusRequestEntityTooLarge, "The body is too large or could not be read.")
		return nil, false
	}
	got := r.Header.Get(header)
	if secret == "" || got == "" || !hmac.Equal([]byte(got), []byte(Sign(secret, body))) {
		why := "a bad signature"
		switch {
		case secret == "":
			why = "no secret configured for it"
		case got == "":
			why = "no " + header + " header"
		}
		h.Syncer.log.Warn("tracker: webhook refused", "tracker", tracker, "reason", why, "remote", r.RemoteAddr)
		h.svc.Deny(r.Context(), "webhook."+tracker, tracker+" webhook refused: "+why+" (from "+r.RemoteAddr+")")
		writeHookError(w, http.StatusUnauthorized, "The webhook signature does not match; nothing was changed.")
		return nil, false
	}
	return body, true
}

func (h *Webhooks) github(w http.ResponseWriter, r *http.Request) {
	body, ok := h.verified(w, r, "github", h.GitHubSecret, "X-Hub-Signature-256")
	if !ok {
		return
	}
	if ev := r.Header.Get("X-GitHub-Event"); ev != "issues" {
		w.WriteHeader(http.StatusNoContent) // ping and other events: nothing to do
		return
	}
	var ev githubWebhook
	if err := json.Unmarshal(body, &ev); err != nil || ev.Repository.FullName == "" || ev.Issue.Number == 0 {
		writeHookError(w, http.StatusBadRequest, "The body is not a GitHub issues event.")
		return
	}
	h.deliver(w, r, "github", ev.Issue.ticket(ev.Repository.FullName))
}

func (h *Webhooks) jira(w http.ResponseWriter, r *http.Request) {
	body, ok := h.verified(w, r, "jira", h.JiraSecret, "X-Hub-Signature")
	if !ok {
		return
	}
	var ev jiraWebhook
	if err := json.Unmarshal(body, &ev); err != nil || ev.Issue.Key == "" {
		writeHookError(w, http.StatusBadRequest, "The body is not a Jira issue event.")
		return
	}
	if !strings.HasPrefix(ev.WebhookEvent, "jira:issue_") {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	j, _ := h.Syncer.client("jira").(*Jira)
	if j == nil {
		writeHookError(w, http.StatusNotFound, "Jira is not configured here.")
		return
	}
	h.deliver(w, r, "jira", j.ticket(&ev.Issue))
}

// deliver applies a verified event to the items its ticket tracks.
func (h *Webhooks) deliver(w http.ResponseWriter, r *http.Request, tracker string, t Ticket) {
	c := h.Syncer.client(tracker)
	if c == nil {
		writeHookError(w, http.StatusNotFound, tracker+" is not configured here.")
		return
	}
	ctx := sys(r.Context())
	key := t.Key
	items, _, err := h.Syncer.svc.FindActions(ctx, debrief.ActionFilter{Limit: 100, FollowupFilter: debrief.FollowupFilter{Ticket: &key}})
	if err != nil {
		h.Syncer.log.Error("tracker: webhook", "tracker", tracker, "ticket", key, "error", err)
		writeHookError(w, http.StatusInternalServerError, "Internal error.")
		return
	}
	for _, a := range items {
		if err := h.Syncer.apply(ctx, c, a, t); err != nil {
			// The poll will settle it; the tracker need not send again.
			h.Syncer.log.Warn("tracker: webhook not applied", "tracker", tracker, "ticket", key, "action", a.ID, "error", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeHookError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"message": msg}})
}
