package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
)

// Time shows t in loc with the zone's abbreviation and UTC offset, so a
// reader in another zone can never mistake it: "2020-02-03 11:21 CET (UTC+01:00)".
// Seconds are shown only when they are not zero.
func Time(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	layout := "2006-01-02 15:04"
	if t.Second() != 0 {
		layout = "2006-01-02 15:04:05"
	}
	return t.Format(layout) + " " + Zone(t)
}

// Zone names t's zone with its offset: "CET (UTC+01:00)", or "UTC".
func Zone(t time.Time) string {
	name, offset := t.Zone()
	if offset == 0 && (name == "UTC" || name == "GMT" || name == "") {
		return "UTC"
	}
	off := t.Format("-07:00")
	if strings.HasPrefix(name, "+") || strings.HasPrefix(name, "-") {
		return "(UTC" + off + ")"
	}
	return fmt.Sprintf("%s (UTC%s)", name, off)
}

// Duration shows a span the way responders say it: "4m", "1h 31m", "2d 3h".
func Duration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if hours > 0 {
		parts = append(parts, fmt.Sprintf("%dh", hours))
	}
	if mins > 0 && days == 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%dm", mins))
	}
	s := strings.Join(parts, " ")
	if neg {
		s = "-" + s
	}
	return s
}

// PersonName shows a person as "Name (@handle)", or "" for nil.
func PersonName(p *debrief.Person) string {
	switch {
	case p == nil:
		return ""
	case p.Handle != "":
		return fmt.Sprintf("%s (@%s)", p.Name, p.Handle)
	}
	return p.Name
}

// Label turns an enum value into words: "in_progress" -> "In progress".
func Label(v string) string {
	v = strings.ReplaceAll(v, "_", " ")
	if v == "" {
		return v
	}
	return strings.ToUpper(v[:1]) + v[1:]
}

// MarkdownFilename names a retrospective's Markdown download
// "incident-42-checkout-outage.md": recognisable, and safe in a header and
// on any file system.
func MarkdownFilename(inc *debrief.Incident) string {
	name := fmt.Sprintf("incident-%d", inc.ID)
	if slug := debrief.Slug(inc.Title, 50); slug != "" {
		name += "-" + slug
	}
	return name + ".md"
}
