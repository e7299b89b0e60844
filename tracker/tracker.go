// Package tracker keeps action items and their tickets in GitHub Issues
// and Jira Cloud in step: it creates a ticket with a link back to the
// retrospective, its labels and definition of done; it pulls the ticket's
// state by webhook (signature checked) and by periodic polling; it pushes
// Debrief's status when Debrief is ahead. What a state means, and who wins
// when both sides changed, is decided by app (app/sync.go) with the state
// mapping configured here; see docs/tracker.md.
//
// A tracker that times out, answers 5xx or rate-limits is retried with
// backoff by the jobs package, and the item says "sync pending" with the
// reason meanwhile.
package tracker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// Ticket is a tracker's view of an issue.
type Ticket struct {
	Key, URL string
	// State is the tracker's name for where the ticket stands: GitHub's
	// "open", "closed" or "closed:not_planned"; Jira's status name.
	State string
	// Category is Jira's status category (new, indeterminate, done); ""
	// for GitHub.
	Category  string
	UpdatedAt time.Time
}

// NewTicket is what Debrief files for an action item.
type NewTicket struct {
	Title string
	// Body is Markdown: the description, the definition of done and the
	// link back to the retrospective.
	Body   string
	Labels []string
	// Marker is text in Body that only this item's ticket holds (the link
	// back to the item): Find looks for it to tell whether an earlier
	// attempt made the ticket after all.
	Marker string
}

// Client is one tracker.
type Client interface {
	// Name is "github" or "jira".
	Name() string
	// Owns reports whether a ticket key is this tracker's.
	Owns(key string) bool
	Create(ctx context.Context, t NewTicket) (Ticket, error)
	// Find looks among the tickets created in the last within for one
	// whose body holds marker: a creation whose answer was lost (a time-out
	// after the request reached the tracker) made it, and a retry must
	// take it rather than file a second one.
	Find(ctx context.Context, marker string, within time.Duration) (Ticket, bool, error)
	Get(ctx context.Context, key string) (Ticket, error)
	// Move brings the ticket to the state that stands for status.
	Move(ctx context.Context, key string, status debrief.ActionStatus) (Ticket, error)
}

// Error is a failed exchange with a tracker. Temporary ones (no answer in
// time, 5xx, rate limits) are worth retrying, after RetryAfter when the
// tracker said.
type Error struct {
	Tracker    string
	Status     int
	Temporary  bool
	RetryAfter time.Duration
	Msg        string
}

func (e *Error) Error() string { return e.Msg }

// httpClient is the JSON over HTTP both trackers speak.
type httpClient struct {
	name string
	base string
	hc   *http.Client
	auth func(*http.Request)
	now  func() time.Time
}

// do sends body as JSON and decodes the answer into out (when not nil).
func (c *httpClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.base, "/")+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "Debrief")
	c.auth(req)
	resp, err := c.hc.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
			return &Error{Tracker: c.name, Temporary: true, Msg: fmt.Sprintf("%s did not answer in time (%s %s)", c.name, method, path)}
		}
		return &Error{Tracker: c.name, Temporary: true, Msg: fmt.Sprintf("%s could not be reached: %v", c.name, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return &Error{Tracker: c.name, Temporary: true, Msg: fmt.Sprintf("%s: reading the answer: %v", c.name, err)}
	}
	if resp.StatusCode >= 300 {
		return c.failure(resp, data)
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &Error{Tracker: c.name, Status: resp.StatusCode, Msg: fmt.Sprintf("%s answered %s %s with JSON Debrief cannot read: %v", c.name, method, path, err)}
	}
	return nil
}

// failure classifies an error answer.
func (c *httpClient) failure(resp *http.Response, data []byte) *Error {
	e := &Error{Tracker: c.name, Status: resp.StatusCode}
	detail := apiMessage(data)
	e.Msg = fmt.Sprintf("%s answered %s", c.name, resp.Status)
	if detail != "" {
		e.Msg += ": " + detail
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Temporary, e.RetryAfter = true, retryAfter(resp.Header, c.now())
		e.Msg = fmt.Sprintf("%s is rate limiting Debrief (%s)", c.name, resp.Status)
	case resp.StatusCode == http.StatusForbidden && resp.Header.Get("X-RateLimit-Remaining") == "0":
		// GitHub's primary rate limit: 403 with no requests left.
		e.Temporary, e.RetryAfter = true, retryAfter(resp.Header, c.now())
		e.Msg = fmt.Sprintf("%s rate limit reached (%s)", c.name, resp.Status)
	case resp.StatusCode >= 500:
		e.Temporary = true
	}
	return e
}

// retryAfter reads Retry-After (seconds or a date) or GitHub's
// X-RateLimit-Reset (unix seconds); 0 when neither says.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now)
		}
	}
	if v := h.Get("X-RateLimit-Reset"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			if d := time.Unix(n, 0).Sub(now); d > 0 && d < 2*time.Hour {
				return d
			}
		}
	}
	return 0
}

// apiMessage picks the human message out of a tracker's error body:
// GitHub's "message", Jira's "errorMessages" and "errors".
func apiMessage(data []byte) string {
	var v struct {
		Message       string            `json:"message"`
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	parts := []string{}
	if v.Message != "" {
		parts = append(parts, v.Message)
	}
	parts = append(parts, v.ErrorMessages...)
	for k, m := range v.Errors {
		parts = append(parts, k+": "+m)
	}
	return strings.Join(parts, "; ")
}

// StateMap maps a tracker's state to an action status, by configuration:
// "github:closed=done, jira:Won't Do=dropped". A state not listed falls
// back to the defaults (GitHub: closed is done, closed as not planned is
// dropped; Jira: by status category, in progress and done), and maps to
// nothing otherwise.
type StateMap map[string]debrief.ActionStatus

// DefaultStates are the mappings used when the configuration says nothing.
var DefaultStates = StateMap{
	"github:closed":               debrief.ActionDone,
	"github:closed:not_planned":   debrief.ActionDropped,
	"jira:category:indeterminate": debrief.ActionInProgress,
	"jira:category:done":          debrief.ActionDone,
}

// ParseStates reads the mapping's configuration, naming the entry at fault.
func ParseStates(s string) (StateMap, error) {
	m := StateMap{}
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		i := strings.LastIndex(entry, "=")
		tr, state, ok := strings.Cut(entry[:max(i, 0)], ":")
		if i < 0 || !ok || state == "" || (tr != "github" && tr != "jira") {
			return nil, fmt.Errorf("tracker state %q: want tracker:state=status, such as github:closed=done or jira:Won't Do=dropped", entry)
		}
		st := debrief.ActionStatus(strings.TrimSpace(entry[i+1:]))
		known := false
		for _, s := range debrief.ActionStatuses {
			known = known || s == st
		}
		if !known {
			return nil, fmt.Errorf("tracker state %q: %q is not a status (proposed, planned, in_progress, done, dropped)", entry, st)
		}
		m[tr+":"+strings.TrimSpace(state)] = st
	}
	return m, nil
}

// Map returns the status a ticket's state stands for, or "".
func (m StateMap) Map(tracker string, t Ticket) debrief.ActionStatus {
	for _, mm := range []StateMap{m, DefaultStates} {
		if st, ok := mm[tracker+":"+t.State]; ok {
			return st
		}
	}
	for _, mm := range []StateMap{m, DefaultStates} {
		if st, ok := mm[tracker+":category:"+t.Category]; ok && t.Category != "" {
			return st
		}
	}
	return ""
}

// holdsMarker reports whether text holds marker as a whole: not followed
// by a letter or digit, so that the link back to item 1 is not found in
// the ticket of item 10.
func holdsMarker(text, marker string) bool {
	for i := 0; marker != ""; {
		j := strings.Index(text[i:], marker)
		if j < 0 {
			return false
		}
		end := i + j + len(marker)
		if end == len(text) || !isWordByte(text[end]) {
			return true
		}
		i = i + j + 1
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-'
}
