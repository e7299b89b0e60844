package postmortem

import (
	"regexp"
	"strings"
)

// metaRe matches "Key: value" lines, in lists, bold, or table rows.
var metaRe = regexp.MustCompile(`^[\s\-*+|]*(?:\*\*|__)?([A-Za-z][A-Za-z ()/]{1,40}?)(?:\*\*|__)?\s*(?::|\|)\s*(?:\*\*|__)?\s*(.+?)\s*\|?\s*$`)

var sevValueRe = regexp.MustCompile(`(?i)^(?:sev(?:erity)?|p)[\s\-]?([0-5])\b`)

// metadata reads severity, affected services and the incident date from
// "Key: value" lines outside the timeline.
func (p *parser) metadata() {
	inTimeline := map[int]bool{}
	for _, r := range p.ranges["timeline"] {
		for i := r[0]; i < r[1]; i++ {
			inTimeline[i] = true
		}
	}
	lines := make([]fmLine, 0, len(p.fm)+len(p.lines))
	lines = append(lines, p.fm...)
	for i, l := range p.lines {
		if !inTimeline[i] {
			lines = append(lines, fmLine{i, l})
		}
	}
	for _, fl := range lines {
		m := metaRe.FindStringSubmatch(fl.text)
		if m == nil {
			continue
		}
		key := strings.ToLower(strings.TrimSpace(m[1]))
		val := strings.TrimSpace(strings.Trim(cleanInline(m[2]), `"'|`))
		if val == "" {
			continue
		}
		switch key {
		case "severity", "sev", "incident severity", "severity level", "priority", "level":
			if p.d.Incident.Severity == "" {
				p.d.Incident.Severity = normSeverity(val)
			}
		case "services", "service", "affected services", "services affected", "service(s)", "affected service",
			"systems affected", "affected systems", "components", "affected components", "impacted services":
			if p.d.Incident.Services == nil {
				for _, s := range strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ';' }) {
					s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "and "), "."))
					if s != "" && len(s) < 80 {
						p.d.Incident.Services = append(p.d.Incident.Services, s)
					}
				}
			}
		case "date", "incident date", "date of incident", "when", "start date", "started", "incident start":
			if !p.docDate.hasDate {
				if st, ok := findDate(val); ok && st.y != 0 {
					p.docDate, p.docDateLine = st, fl.i+1
				}
			}
		}
	}
}

// normSeverity writes "Sev 2", "SEV-2", "sev2" as "SEV2" and "P1" as
// "P1"; anything else is kept as written.
func normSeverity(v string) string {
	if m := sevValueRe.FindStringSubmatch(v); m != nil {
		if strings.HasPrefix(strings.ToLower(v), "p") {
			return "P" + m[1]
		}
		return "SEV" + m[1]
	}
	if f := strings.Fields(v); len(f) > 0 && len(v) > 30 {
		return f[0]
	}
	return v
}
