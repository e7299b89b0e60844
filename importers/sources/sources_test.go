package sources

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func TestParseOptions(t *testing.T) {
	v := map[string]string{"zone": "Europe/Copenhagen", "skew": "30s", "since": "2024-05-01 11:00", "until": "2024-05-01T12:00:00Z",
		"channels": " incident-1, #ops ,", "workspace_url": "https://acme.slack.com"}
	o, err := ParseOptions(func(k string) string { return v[k] })
	if err != nil {
		t.Fatal(err)
	}
	// The window is in true time: 11:00 Copenhagen is 09:00 UTC, skew or not.
	if o.Since != time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC) || o.Until != time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) || o.Skew != 30*time.Second {
		t.Errorf("%+v", o.Options)
	}
	if strings.Join(o.Channels, "|") != "incident-1|#ops" {
		t.Errorf("channels %q", o.Channels)
	}
	for k, bad := range map[string]string{"zone": "Mars/Base", "skew": "2 days", "since": "yesterday", "workspace_url": "javascript:x"} {
		_, err := ParseOptions(func(n string) string {
			if n == k {
				return bad
			}
			return ""
		})
		if debrief.ErrorField(err) != k {
			t.Errorf("%s=%q: %v", k, bad, err)
		}
	}
	_, err = ParseOptions(func(n string) string {
		return map[string]string{"since": "2024-05-02T00:00:00Z", "until": "2024-05-01T00:00:00Z"}[n]
	})
	if debrief.ErrorField(err) != "until" {
		t.Errorf("until before since: %v", err)
	}
}

func TestEverySourceReads(t *testing.T) {
	files := map[string]string{
		"slack":        "../slack/testdata/export",
		"teams":        "../teams/testdata/chat.json",
		"pagerduty":    "../pagerduty/testdata/log_entries.json",
		"opsgenie":     "../opsgenie/testdata/logs.json",
		"alertmanager": "../alertmanager/testdata/zulip_alert.json",
		"github":       "../github/testdata/pulls.json",
		"csv":          "../generic/testdata/events.csv",
		"jsonl":        "../generic/testdata/events.jsonl",
	}
	for _, src := range Names {
		n := 0
		if err := ReadFile(src, files[src], Options{}, func(*debrief.Event) error { n++; return nil }); err != nil || n == 0 {
			t.Errorf("%s: %d events, %v", src, n, err)
		}
	}
	f, _ := os.Open("../generic/testdata/events.csv")
	defer f.Close()
	if _, err := Collect("csv", f, 0, "events.csv", Options{}, 1); debrief.ErrorCode(err) != debrief.ETOOLARGE {
		t.Errorf("over the cap: %v", err)
	}
	if err := ReadFile("fax", files["csv"], Options{}, nil); err == nil {
		t.Error("unknown source accepted")
	}
	if err := AsError(Read("jsonl", strings.NewReader("{"), 1, "x.jsonl", Options{}, nil)); debrief.ErrorCode(err) != debrief.EINVALID || debrief.ErrorField(err) != "file" {
		t.Errorf("bad file: %v", err)
	}
}
