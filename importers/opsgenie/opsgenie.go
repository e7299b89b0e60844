// Package opsgenie reads Opsgenie alert activity into timeline events:
// webhook payloads ({"action": "Create", "alert": {...}}) and an alert's
// log from the REST API (GET /v2/alerts/{id}/logs, a {"data": [...]} page).
package opsgenie

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
const Source = "opsgenie"

// Options add what a log page does not say: the alert it is about.
type Options struct {
	evidence.Options
	// AlertID links log entries to the alert; Alias, when set, is the
	// alert's alias, for merging with other sources.
	AlertID, Alias string
	// BaseURL of the Opsgenie web app (default https://app.opsgenie.com).
	BaseURL string
}

type payload struct {
	Action string `json:"action"`
	Alert  *struct {
		AlertID   string `json:"alertId"`
		Message   string `json:"message"`
		Alias     string `json:"alias"`
		TinyID    string `json:"tinyId"`
		Entity    string `json:"entity"`
		Username  string `json:"username"`
		Note      string `json:"note"`
		CreatedAt int64  `json:"createdAt"`
		UpdatedAt int64  `json:"updatedAt"`
	} `json:"alert"`
	Source *struct {
		Name string `json:"name"`
	} `json:"source"`
}

type logRecord struct {
	Log       string     `json:"log"`
	Type      string     `json:"type"`
	Owner     string     `json:"owner"`
	CreatedAt *time.Time `json:"createdAt"`
	Offset    string     `json:"offset"`
}

// Import reads webhook payloads and log pages from r.
func Import(r io.Reader, file string, o Options, emit evidence.Emit) error {
	base := strings.TrimRight(o.BaseURL, "/")
	if base == "" {
		base = "https://app.opsgenie.com"
	}
	return evidence.EachRecord(r, file, []string{"data"}, func(entry string, raw json.RawMessage) error {
		var probe struct {
			Action *string `json:"action"`
			Log    *string `json:"log"`
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			return err
		}
		var ev *debrief.Event
		var err error
		switch {
		case probe.Action != nil:
			var p payload
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			ev, err = fromPayload(&p, &o, base)
		case probe.Log != nil:
			var l logRecord
			if err := json.Unmarshal(raw, &l); err != nil {
				return err
			}
			ev, err = fromLog(&l, &o, base)
		default:
			return fmt.Errorf(`neither a webhook payload ({"action": ...}) nor an alert log entry ({"log": ...})`)
		}
		if err != nil || ev == nil || !o.InWindow(ev.At) {
			return err
		}
		return emit(ev)
	})
}

func transition(action string) (kind, tr string) {
	switch strings.ToLower(action) {
	case "create":
		return debrief.EventAlert, "trigger"
	case "acknowledge":
		return debrief.EventPage, "ack"
	case "close":
		return debrief.EventAlert, "resolve"
	case "addnote":
		return debrief.EventNote, ""
	}
	return debrief.EventPage, ""
}

func fromPayload(p *payload, o *Options, base string) (*debrief.Event, error) {
	a := p.Alert
	if a == nil || a.AlertID == "" {
		return nil, fmt.Errorf("alert.alertId: is missing")
	}
	// A payload is sent when the action happens: updatedAt (nanoseconds)
	// is its time; a new alert's createdAt (milliseconds) is the same.
	n := a.UpdatedAt
	if n == 0 || strings.EqualFold(p.Action, "Create") && a.CreatedAt != 0 {
		n = a.CreatedAt
	}
	if n == 0 {
		return nil, fmt.Errorf("alert %s: neither createdAt nor updatedAt", a.AlertID)
	}
	at := o.Adjust(evidence.EpochTime(n))
	kind, tr := transition(p.Action)
	var text string
	switch strings.ToLower(p.Action) {
	case "create":
		text = "Alert created: " + a.Message
	case "acknowledge":
		text = "Acknowledged: " + a.Message
	case "close":
		text = "Closed: " + a.Message
	case "addnote":
		text = "Note: " + a.Note
	default:
		text = p.Action + ": " + a.Message
	}
	if a.TinyID != "" {
		text = "#" + a.TinyID + " " + text
	}
	id := fmt.Sprintf("%s/%s/%d", a.AlertID, p.Action, n)
	ev := evidence.Event(Source, id, at, text, a.Username, base+"/alert/detail/"+a.AlertID+"/details", kind)
	if a.Alias != "" && tr != "" {
		ev.AlertKey = a.Alias + "#" + tr
	}
	return ev, nil
}

func fromLog(l *logRecord, o *Options, base string) (*debrief.Event, error) {
	if l.CreatedAt == nil {
		return nil, fmt.Errorf("createdAt: is missing")
	}
	low := strings.ToLower(l.Log)
	kind, tr := debrief.EventAlert, ""
	switch {
	case strings.Contains(low, "acknowledged"):
		kind, tr = debrief.EventPage, "ack"
	case l.Type == "note":
		kind = debrief.EventNote
	case strings.Contains(low, "alert created"):
		tr = "trigger"
	case strings.Contains(low, "closed"):
		tr = "resolve"
	}
	id := l.Offset
	if id == "" {
		id = l.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	link := ""
	if o.AlertID != "" {
		id = o.AlertID + "/" + id
		link = base + "/alert/detail/" + o.AlertID + "/details"
	}
	ev := evidence.Event(Source, id, o.Adjust(*l.CreatedAt), l.Log, l.Owner, link, kind)
	if o.Alias != "" && tr != "" {
		ev.AlertKey = o.Alias + "#" + tr
	}
	return ev, nil
}
