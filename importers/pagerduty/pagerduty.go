// Package pagerduty reads PagerDuty's evidence into timeline events: the
// log entries of an incident from the REST API (GET
// /incidents/{id}/log_entries, a {"log_entries": [...]} page) and v3
// webhook payloads ({"event": {...}}, one per line or in an array).
package pagerduty

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
const Source = "pagerduty"

type ref struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Summary string `json:"summary"`
	HTMLURL string `json:"html_url"`
}

// logEntry is a REST log entry (the fields used).
type logEntry struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	Summary   string     `json:"summary"`
	CreatedAt *time.Time `json:"created_at"`
	HTMLURL   string     `json:"html_url"`
	Agent     *ref       `json:"agent"`
	Incident  *ref       `json:"incident"`
	Channel   *struct {
		Type        string `json:"type"`
		Summary     string `json:"summary"`
		IncidentKey string `json:"incident_key"`
	} `json:"channel"`
}

// webhook is a v3 webhook payload.
type webhook struct {
	Event *struct {
		ID           string     `json:"id"`
		EventType    string     `json:"event_type"`
		ResourceType string     `json:"resource_type"`
		OccurredAt   *time.Time `json:"occurred_at"`
		Agent        *ref       `json:"agent"`
		Data         struct {
			ID       string `json:"id"`
			Type     string `json:"type"`
			HTMLURL  string `json:"html_url"`
			Number   int    `json:"number"`
			Title    string `json:"title"`
			Status   string `json:"status"`
			Content  string `json:"content"`
			Message  string `json:"message"`
			Incident *ref   `json:"incident"`
			Service  *ref   `json:"service"`
		} `json:"data"`
	} `json:"event"`
}

// Import reads log entries and webhook payloads from r.
func Import(r io.Reader, file string, o evidence.Options, emit evidence.Emit) error {
	return evidence.EachRecord(r, file, []string{"log_entries"}, func(entry string, raw json.RawMessage) error {
		var probe struct {
			Event json.RawMessage `json:"event"`
			Type  string          `json:"type"`
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			return err
		}
		var ev *debrief.Event
		var err error
		switch {
		case probe.Event != nil:
			var w webhook
			if err := json.Unmarshal(raw, &w); err != nil {
				return err
			}
			ev, err = fromWebhook(&w, &o)
		case strings.HasSuffix(probe.Type, "_log_entry") || strings.HasSuffix(probe.Type, "_log_entry_reference"):
			var l logEntry
			if err := json.Unmarshal(raw, &l); err != nil {
				return err
			}
			ev, err = fromLogEntry(&l, &o)
		default:
			return fmt.Errorf("neither a log entry (type *_log_entry) nor a v3 webhook payload ({\"event\": ...})")
		}
		if err != nil || ev == nil || !o.InWindow(ev.At) {
			return err
		}
		return emit(ev)
	})
}

// kindOf maps what happened to an event kind, and to the transition used
// in alert keys: a trigger and its resolution are two events.
func kindOf(what string) (kind, transition string) {
	switch what {
	case "trigger", "triggered", "reopened", "reopen":
		return debrief.EventAlert, "trigger"
	case "acknowledge", "acknowledged":
		return debrief.EventPage, "ack"
	case "resolve", "resolved":
		return debrief.EventAlert, "resolve"
	case "annotate", "annotated":
		return debrief.EventNote, ""
	}
	return debrief.EventPage, ""
}

func fromLogEntry(l *logEntry, o *evidence.Options) (*debrief.Event, error) {
	if l.ID == "" {
		return nil, fmt.Errorf("id: is missing")
	}
	if l.CreatedAt == nil {
		return nil, fmt.Errorf("log entry %s: created_at is missing", l.ID)
	}
	what := strings.TrimSuffix(strings.TrimSuffix(l.Type, "_reference"), "_log_entry")
	kind, transition := kindOf(what)
	author := ""
	if l.Agent != nil {
		author = l.Agent.Summary
	}
	link := l.HTMLURL
	text := l.Summary
	if l.Incident != nil {
		if link == "" {
			link = l.Incident.HTMLURL
		}
		if l.Incident.Summary != "" && what == "trigger" {
			text += " — " + l.Incident.Summary
		}
	}
	ev := evidence.Event(Source, l.ID, o.Adjust(*l.CreatedAt), text, author, link, kind)
	if l.Channel != nil && l.Channel.IncidentKey != "" && transition != "" {
		ev.AlertKey = l.Channel.IncidentKey + "#" + transition
	}
	return ev, nil
}

func fromWebhook(w *webhook, o *evidence.Options) (*debrief.Event, error) {
	e := w.Event
	if e == nil {
		return nil, fmt.Errorf("event: is null")
	}
	if e.ID == "" {
		return nil, fmt.Errorf("event.id: is missing")
	}
	if e.OccurredAt == nil {
		return nil, fmt.Errorf("event %s: occurred_at is missing", e.ID)
	}
	what := e.EventType
	if _, after, ok := strings.Cut(what, "."); ok {
		what = after
	}
	kind, _ := kindOf(what)
	d := e.Data
	author := ""
	if e.Agent != nil {
		author = e.Agent.Summary
	}
	var text string
	link := d.HTMLURL
	switch {
	case d.Type == "incident_note":
		text = "Note: " + d.Content
		if d.Incident != nil {
			link = d.Incident.HTMLURL
		}
	case d.Type == "incident":
		text = fmt.Sprintf("%s #%d: %s", title(what), d.Number, d.Title)
		if d.Service != nil && d.Service.Summary != "" {
			text += " (" + d.Service.Summary + ")"
		}
	default:
		text = title(what) + ": " + evidence.Clip(firstOf(d.Message, d.Content, d.Title, e.EventType), evidence.MaxText/2)
		if d.Incident != nil && link == "" {
			link = d.Incident.HTMLURL
		}
	}
	return evidence.Event(Source, e.ID, o.Adjust(*e.OccurredAt), text, author, link, kind), nil
}

func title(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
