package sources

import (
	"strings"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

// ParseOptions reads an import's options by name (zone, skew, since,
// until, channels, workspace_url, alert_id, alias), as the API's query and
// the web UI's form give them; a bad one is a *debrief.Error naming it.
func ParseOptions(get func(string) string) (Options, error) {
	var o Options
	if z := strings.TrimSpace(get("zone")); z != "" {
		loc, err := time.LoadLocation(z)
		if err != nil || z == "Local" {
			return o, debrief.FieldError("zone", "must be an IANA time zone such as UTC or Europe/Copenhagen (got %q).", evidence.Clip(z, 60))
		}
		o.Zone = loc
	}
	if s := strings.TrimSpace(get("skew")); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d > 24*time.Hour || d < -24*time.Hour {
			return o, debrief.FieldError("skew", "must be a duration within a day such as 30s, -2m or 1h (got %q).", evidence.Clip(s, 60))
		}
		o.Skew = d
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"since", &o.Since}, {"until", &o.Until}} {
		v := strings.TrimSpace(get(f.name))
		if v == "" {
			continue
		}
		t, err := o.ParseTime(v)
		if err != nil {
			return o, debrief.FieldError(f.name, "must be a time such as 2024-05-01T09:00:00Z or 2024-05-01 11:00 in the zone given (got %q).", evidence.Clip(v, 60))
		}
		// The window is in true time, as the events are once the skew is taken off: undo the skew ParseTime applied.
		*f.dst = t.Add(o.Skew)
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Until.Before(o.Since) {
		return o, debrief.FieldError("until", "is before since.")
	}
	for _, c := range strings.Split(get("channels"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			o.Channels = append(o.Channels, c)
		}
	}
	if u := strings.TrimSpace(get("workspace_url")); u != "" {
		if evidence.SafeURL(u) == "" {
			return o, debrief.FieldError("workspace_url", "must be an http or https address such as https://acme.slack.com (got %q).", evidence.Clip(u, 60))
		}
		o.WorkspaceURL = u
	}
	o.AlertID = strings.TrimSpace(get("alert_id"))
	o.Alias = strings.TrimSpace(get("alias"))
	return o, nil
}
