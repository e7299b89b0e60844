package web

import (
	"sync"
	"time"
)

var zoneCache sync.Map // name -> *time.Location

// zone returns the named IANA zone, UTC when unknown. time.LoadLocation
// reads the zone database on every call, so pages that show many incidents
// use this cache.
func zone(name string) *time.Location {
	if name == "" || name == "UTC" {
		return time.UTC
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return time.UTC
	}
	zoneCache.Store(name, loc)
	return loc
}

// zoneOption is one entry of the time zone datalist.
type zoneOption struct {
	Name   string
	Offset string
}

// commonZones are offered in the time zone field; any IANA name is accepted.
var commonZones = []string{
	"UTC",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Amsterdam",
	"Europe/Berlin", "Europe/Copenhagen", "Europe/Stockholm", "Europe/Oslo", "Europe/Zurich",
	"Europe/Madrid", "Europe/Rome", "Europe/Warsaw", "Europe/Prague", "Europe/Vienna",
	"Europe/Helsinki", "Europe/Athens", "Europe/Bucharest", "Europe/Kyiv", "Europe/Istanbul",
	"Africa/Lagos", "Africa/Cairo", "Africa/Johannesburg", "Africa/Nairobi",
	"Asia/Dubai", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore",
	"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Seoul", "Asia/Tokyo",
	"Australia/Perth", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Australia/Melbourne",
	"Pacific/Auckland", "Pacific/Honolulu",
	"America/Anchorage", "America/Los_Angeles", "America/Vancouver", "America/Phoenix", "America/Denver",
	"America/Chicago", "America/Mexico_City", "America/New_York", "America/Toronto", "America/Bogota",
	"America/Lima", "America/Halifax", "America/Santiago", "America/Sao_Paulo",
	"America/Argentina/Buenos_Aires", "America/St_Johns",
}

// zoneOptions lists the common zones with their offset now.
func zoneOptions(now time.Time) []zoneOption {
	out := make([]zoneOption, 0, len(commonZones))
	for _, name := range commonZones {
		loc := zone(name)
		if loc == time.UTC && name != "UTC" {
			continue // not in this system's zone database
		}
		out = append(out, zoneOption{Name: name, Offset: "UTC" + now.In(loc).Format("-07:00")})
	}
	return out
}

// strictZone loads an IANA zone named in a form; unlike zone, it reports
// a name it does not know rather than falling back to UTC.
func strictZone(name string) (*time.Location, bool) {
	if name == "" {
		return time.UTC, true
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil && name != "Local"
}

// zoneLabel names a zone with its offset at t: "Europe/Copenhagen (UTC+02:00)".
func zoneLabel(name string, t time.Time) string {
	if name == "" {
		name = "UTC"
	}
	off := t.In(zone(name)).Format("-07:00")
	if name == "UTC" {
		return "UTC"
	}
	return name + " (UTC" + off + ")"
}
