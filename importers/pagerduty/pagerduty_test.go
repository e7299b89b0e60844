package pagerduty

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

func read(t *testing.T, file string) []*debrief.Event {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*debrief.Event
	if err := Import(f, file, evidence.Options{}, func(ev *debrief.Event) error { out = append(out, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLogEntries(t *testing.T) {
	evs := read(t, "testdata/log_entries.json")
	if len(evs) != 4 {
		t.Fatalf("%d events", len(evs))
	}
	trig, ack := evs[0], evs[2]
	if trig.Kind != debrief.EventAlert || trig.AlertKey != "a1bc48475b20e73d#trigger" || trig.OriginalID != "R2XGXEI3W0FHMSDTOQRHWF4FC8" || trig.Author != "Checkout API" ||
		!strings.Contains(trig.Text, "[#4321] checkout error rate") || !strings.HasPrefix(trig.URL, "https://acme.pagerduty.com/incidents/Q1ABCDEF/log_entries/") {
		t.Errorf("trigger %+v", trig)
	}
	if evs[1].URL != "https://acme.pagerduty.com/incidents/Q1ABCDEF" || evs[1].Kind != debrief.EventPage {
		t.Errorf("notify links to its incident: %+v", evs[1])
	}
	if ack.At != time.Date(2024, 5, 1, 9, 2, 30, 0, time.UTC) || ack.Kind != debrief.EventPage || ack.Text != "Acknowledged by Maria Jensen." {
		t.Errorf("ack (zone offset to UTC) %+v", ack)
	}
}

func TestWebhooks(t *testing.T) {
	evs := read(t, "testdata/webhooks.jsonl")
	if len(evs) != 2 || evs[0].Text != "Acknowledged #4321: checkout error rate above 5% (Checkout API)" || evs[0].Author != "Maria Jensen" {
		t.Fatalf("%+v", evs)
	}
	if evs[1].Kind != debrief.EventNote || evs[1].Text != "Note: Rolled back gateway to v2.3.1" || evs[1].URL != "https://acme.pagerduty.com/incidents/Q1ABCDEF" {
		t.Errorf("note %+v", evs[1])
	}
	z := read(t, "testdata/zulip_triggered_v3.json")
	if len(z) != 1 || z[0].Text != "Triggered #9: Test Incident 3 (pig208)" || z[0].At != time.Date(2021, 6, 4, 13, 35, 29, 781000000, time.UTC) || z[0].OriginalID != "01BZYIL05THJDFF2Y08X9SVMTU" {
		t.Errorf("zulip's v3 fixture: %+v", z[0])
	}
}

func TestRefusals(t *testing.T) {
	for in, msg := range map[string]string{
		`{"log_entries":[{"id":"A","type":"trigger_log_entry","created_at":"2024-05-01T09:00:00Z"},{"id":"B","type":"ack_log_entry"}]}`: "pd.json: record 1: log entry B: created_at is missing",
		`[{"hello":1}]`: "neither a log entry",
		`{"event":{"id":"X","occurred_at":"May 1"}}`: "pd.json: record 0",
	} {
		err := Import(strings.NewReader(in), "pd.json", evidence.Options{}, func(*debrief.Event) error { return nil })
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want %q", in, err, msg)
		}
	}
}

func FuzzImport(f *testing.F) {
	for _, name := range []string{"testdata/log_entries.json", "testdata/webhooks.jsonl", "testdata/zulip_triggered_v3.json"} {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Import(strings.NewReader(string(b)), "f", evidence.Options{}, func(ev *debrief.Event) error {
			if ev.At.IsZero() || ev.Text == "" {
				t.Fatalf("bad event %+v", ev)
			}
			return nil
		})
	})
}
