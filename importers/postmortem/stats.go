package postmortem

import (
	"regexp"
	"strings"
	"time"
)

var (
	statRe    = regexp.MustCompile(`(?i)^[\s\-*+|]*(?:\*\*)?(time to (?:detection|detect|detected|recovery|recover|resolution|resolve|mitigation|mitigate|acknowledge|acknowledgement)|ttd|ttr|mttd|mttr|tta|ttm)(?:\*\*)?\s*(?:\([^)]*\))?\s*[:|=-]\s*(?:\*\*)?(.+)$`)
	durPartRe = regexp.MustCompile(`(?i)(\d+(?:\.\d+)?)\s*(days?|d\b|hours?|hrs?|h\b|minutes?|mins?|m\b|seconds?|secs?|s\b)`)
	labelRe   = regexp.MustCompile(`(?i)^(?:\*\*|__)?(detection|detected|discovery|recovery|recovered|resolved|resolution|mitigated|mitigation|declared|acknowledged)(?:\*\*|__)?\s*:`)
)

// parseDuration reads "64 minutes", "4 hours 42 minutes", "1h30m",
// "11 Days"; ok is false for "N/A", "?" and the like.
func parseDuration(s string) (time.Duration, bool) {
	var total time.Duration
	found := false
	for _, m := range durPartRe.FindAllStringSubmatch(s, -1) {
		n := 0.0
		for _, c := range m[1] {
			if c == '.' {
				break
			}
			n = n*10 + float64(c-'0')
		}
		if n > 1e6 {
			return 0, false
		}
		unit := strings.ToLower(m[2])
		var u time.Duration
		switch unit[0] {
		case 'd':
			u = 24 * time.Hour
		case 'h':
			u = time.Hour
		case 'm':
			u = time.Minute
		case 's':
			u = time.Second
		}
		total += time.Duration(n) * u
		found = true
	}
	return total, found
}

// stats places milestones: explicit labels on events ("**Detection:**"),
// then durations from a Stats section, counted from the first event.
func (p *parser) stats() {
	ms := &p.d.Incident.Milestones
	if len(p.d.Events) == 0 {
		return
	}
	first := p.d.Events[0].At
	for _, e := range p.d.Events {
		if e.At.Before(first) {
			first = e.At
		}
	}
	for _, e := range p.d.Events {
		m := labelRe.FindStringSubmatch(e.Text)
		if m == nil {
			continue
		}
		at := e.At
		switch strings.ToLower(m[1]) {
		case "detection", "detected", "discovery":
			setOnce(&ms.Detected, at)
		case "recovery", "recovered", "resolved", "resolution":
			setOnce(&ms.Resolved, at)
		case "mitigated", "mitigation":
			setOnce(&ms.Mitigated, at)
		case "declared":
			setOnce(&ms.Declared, at)
		case "acknowledged":
			setOnce(&ms.Acknowledged, at)
		}
	}
	for i, l := range p.lines {
		m := statRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		d, ok := parseDuration(m[2])
		if !ok {
			continue
		}
		at := first.Add(d)
		name := strings.ToLower(m[1])
		var target **time.Time
		var label string
		switch {
		case strings.Contains(name, "detect") || name == "ttd" || name == "mttd":
			target, label = &ms.Detected, "detected"
		case strings.Contains(name, "ack") || name == "tta":
			target, label = &ms.Acknowledged, "acknowledged"
		case strings.Contains(name, "mitigat") || name == "ttm":
			target, label = &ms.Mitigated, "mitigated"
		default:
			target, label = &ms.Resolved, "resolved"
		}
		if *target != nil {
			continue
		}
		setOnce(target, at)
		p.warn(i+1, "milestone %s placed at %s: the first timeline event plus %q", label, at.Format(time.RFC3339), strings.TrimSpace(m[2]))
	}
	setOnce(&ms.Started, first)
}

func setOnce(dst **time.Time, t time.Time) {
	if *dst == nil {
		t := t.UTC()
		*dst = &t
	}
}
