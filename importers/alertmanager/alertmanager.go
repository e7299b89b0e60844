// Package alertmanager reads Prometheus Alertmanager's webhook payloads
// (version 4) into timeline events: one event per alert and status, firing
// at startsAt, resolved at endsAt.
package alertmanager

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

// Source is the events' source.
const Source = "alertmanager"

// Payload is a webhook payload (the fields used).
type Payload struct {
	Receiver          string            `json:"receiver"`
	Status            string            `json:"status"`
	Alerts            []Alert           `json:"alerts"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
}

// Alert is one alert of a payload.
type Alert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// Decode reads one payload, refusing one without alerts.
func Decode(r io.Reader) (*Payload, error) {
	var p Payload
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return nil, fmt.Errorf("not an Alertmanager webhook payload: %w", err)
	}
	if len(p.Alerts) == 0 {
		return nil, fmt.Errorf("alerts: the payload holds none")
	}
	return &p, nil
}

// Import reads payloads from r (one, an array, or one per line).
func Import(r io.Reader, file string, o evidence.Options, emit evidence.Emit) error {
	return evidence.EachRecord(r, file, nil, func(entry string, raw json.RawMessage) error {
		var p Payload
		if err := json.Unmarshal(raw, &p); err != nil {
			return err
		}
		evs, err := Events(&p, o)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if err := emit(ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// Events turns a payload into events, in the window.
func Events(p *Payload, o evidence.Options) ([]*debrief.Event, error) {
	var out []*debrief.Event
	for i, a := range p.Alerts {
		ev, err := event(&a, &o)
		if err != nil {
			return nil, fmt.Errorf("alerts[%d]: %w", i, err)
		}
		if o.InWindow(ev.At) {
			out = append(out, ev)
		}
	}
	return out, nil
}

func event(a *Alert, o *evidence.Options) (*debrief.Event, error) {
	name := a.Labels["alertname"]
	summary := firstOf(a.Annotations["summary"], a.Annotations["description"], a.Annotations["message"])
	var verb, tr string
	var at time.Time
	switch a.Status {
	case "firing":
		verb, tr, at = "Firing", "trigger", a.StartsAt
	case "resolved":
		verb, tr, at = "Resolved", "resolve", a.EndsAt
	default:
		return nil, fmt.Errorf("status %q is neither firing nor resolved", evidence.Clip(a.Status, 40))
	}
	if at.IsZero() || at.Year() < 1971 {
		return nil, fmt.Errorf("%s alert without its time", strings.ToLower(verb))
	}
	key := a.Fingerprint
	if key == "" {
		key = labelString(a.Labels)
	}
	text := verb + ": " + name
	if summary != "" {
		text += " — " + summary
	}
	if d := a.Annotations["description"]; d != "" && d != summary {
		text += ". " + d
	}
	if l := labelString(without(a.Labels, "alertname")); l != "" {
		text += " {" + l + "}"
	}
	ev := evidence.Event(Source, key+"/"+a.Status+"/"+a.StartsAt.UTC().Format(time.RFC3339Nano), o.Adjust(at), text, "Alertmanager", a.GeneratorURL, debrief.EventAlert)
	ev.AlertKey = evidence.Clip(key, evidence.MaxID-10) + "#" + tr
	return ev, nil
}

func without(m map[string]string, k string) map[string]string {
	out := make(map[string]string, len(m))
	for key, v := range m {
		if key != k {
			out[key] = v
		}
	}
	return out
}

// labelString writes labels sorted, as Prometheus does.
func labelString(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, ", ")
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
