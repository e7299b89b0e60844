package postmortem

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	// Zone rules are embedded so that imports give the same answer on
	// hosts without a system zone database.
	_ "time/tzdata"
)

// zoneNames maps the zone names people write to IANA zones, so that
// daylight saving follows the date: "CET" in July is read as CEST.
var zoneNames = map[string]string{
	"UTC": "UTC", "GMT": "UTC", "Z": "UTC", "ZULU": "UTC",
	"CET": "Europe/Copenhagen", "CEST": "Europe/Copenhagen", "MET": "Europe/Copenhagen",
	"WET": "Europe/Lisbon", "WEST": "Europe/Lisbon",
	"EET": "Europe/Helsinki", "EEST": "Europe/Helsinki",
	"BST": "Europe/London",
	"PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles", "PACIFIC": "America/Los_Angeles",
	"MST": "America/Denver", "MDT": "America/Denver", "MT": "America/Denver",
	"CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
	"EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York", "EASTERN": "America/New_York",
	"JST": "Asia/Tokyo", "KST": "Asia/Seoul", "SGT": "Asia/Singapore",
	"AEST": "Australia/Sydney", "AEDT": "Australia/Sydney",
	"NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}

var offsetRe = regexp.MustCompile(`^(?:UTC|GMT)?([+-−])(\d{1,2})(?::?(\d{2}))?$`)

// lookupZone returns the location for a zone as written ("CET", "PDT",
// "+02:00", "UTC+1", "Europe/Berlin"), or nil when it is not a zone.
func lookupZone(s string) *time.Location {
	s = strings.TrimSpace(strings.Trim(s, "()[]*_`.,"))
	if s == "" {
		return nil
	}
	if name, ok := zoneNames[strings.ToUpper(s)]; ok {
		loc, err := time.LoadLocation(name)
		if err == nil {
			return loc
		}
		return nil
	}
	if m := offsetRe.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[2])
		mm := 0
		if m[3] != "" {
			mm, _ = strconv.Atoi(m[3])
		}
		if h > 14 || mm > 59 {
			return nil
		}
		off := h*3600 + mm*60
		if m[1] != "+" {
			off = -off
		}
		if off == 0 {
			return time.UTC
		}
		return time.FixedZone(s, off)
	}
	if strings.Count(s, "/") >= 1 && !strings.ContainsAny(s, " \t") && len(s) < 40 {
		if loc, err := time.LoadLocation(s); err == nil && s != "Local" {
			return loc
		}
	}
	return nil
}

// zoneStatementRe finds sentences such as "All times in CET", "All times
// are UTC", "Times are shown in PDT" and table headers "Time (UTC)".
var zoneStatementRe = regexp.MustCompile(`(?i)\b(?:all\s+)?times?\b(?:\s+(?:are|is|shown|given|listed|below|here))*\s*(?:in\s+|:\s*)?\(?([A-Za-z]{1,5}(?:[+-−]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}|[A-Z][a-z]+/[A-Za-z_]+)\)?`)

// statedZone returns the zone a line declares for the times around it.
func statedZone(line string) (*time.Location, string) {
	for _, m := range zoneStatementRe.FindAllStringSubmatch(line, -1) {
		tok := m[1]
		if strings.EqualFold(tok, "in") || strings.EqualFold(tok, "are") {
			continue
		}
		// Lower-case words ("times are approximate") are not zones,
		// except "utc" written in lower case.
		if tok != strings.ToUpper(tok) && !strings.Contains(tok, "/") && !strings.EqualFold(tok, "utc") {
			continue
		}
		if loc := lookupZone(tok); loc != nil {
			return loc, tok
		}
	}
	return nil, ""
}
