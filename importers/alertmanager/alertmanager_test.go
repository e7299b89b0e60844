package alertmanager

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

func TestZulipAlert(t *testing.T) {
	f, err := os.Open("testdata/zulip_alert.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var evs []*debrief.Event
	if err := Import(f, "alert.json", evidence.Options{}, func(ev *debrief.Event) error { evs = append(evs, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	want := "Firing: High CPU Temperature — High CPU core temperature. CPU core temperature is 34.75C {host=andromeda, severity=critical}"
	if ev.Text != want || ev.AlertKey != "a1bc48475b20e73d#trigger" || ev.Kind != debrief.EventAlert ||
		ev.At != time.Date(2020, 2, 6, 0, 17, 58, 432911368, time.UTC) || !strings.HasPrefix(ev.URL, "http://cobalt:9090/graph") {
		t.Errorf("%+v", ev)
	}
}

func TestResolvedAndRefusals(t *testing.T) {
	in := `{"status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"X"},"annotations":{},"startsAt":"2024-05-01T09:00:00Z","endsAt":"2024-05-01T09:20:00Z","fingerprint":"f1","generatorURL":"javascript:alert(1)"}]}`
	p, err := Decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := Events(p, evidence.Options{})
	if err != nil || len(evs) != 1 || evs[0].At != time.Date(2024, 5, 1, 9, 20, 0, 0, time.UTC) || evs[0].AlertKey != "f1#resolve" || evs[0].URL != "" {
		t.Errorf("resolved: %+v %v", evs, err)
	}
	if _, err := Decode(strings.NewReader(`{"alerts":[]}`)); err == nil {
		t.Error("a payload without alerts accepted")
	}
	p.Alerts[0].Status = "pending"
	if _, err := Events(p, evidence.Options{}); err == nil || !strings.Contains(err.Error(), "alerts[0]") {
		t.Errorf("bad status: %v", err)
	}
}

func FuzzImport(f *testing.F) {
	b, _ := os.ReadFile("testdata/zulip_alert.json")
	f.Add(b)
	f.Add([]byte(`{"alerts":[{"status":"resolved","endsAt":"0001-01-01T00:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Import(strings.NewReader(string(b)), "f", evidence.Options{}, func(ev *debrief.Event) error {
			if ev.At.IsZero() || ev.AlertKey == "" {
				t.Fatalf("bad event %+v", ev)
			}
			return nil
		})
	})
}
