package opsgenie

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
)

func read(t *testing.T, file string, o Options) []*debrief.Event {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*debrief.Event
	if err := Import(f, file, o, func(ev *debrief.Event) error { out = append(out, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWebhookPayload(t *testing.T) {
	evs := read(t, "testdata/zulip_create.json", Options{})
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	if ev.Text != "#2 Alert created: another alert" || ev.At != time.UnixMilli(1502709956288).UTC() || ev.Kind != debrief.EventAlert ||
		ev.AlertKey != "alert-alias#trigger" || ev.URL != "https://app.opsgenie.com/alert/detail/ec03dad6-62c8-4c94-b38b-d88f398e900f/details" || ev.Author != "test@example.com" {
		t.Errorf("%+v", ev)
	}
}

func TestAlertLog(t *testing.T) {
	evs := read(t, "testdata/logs.json", Options{AlertID: "70413a06-38d6-4c85-92b8-5ebc900d42e2", Alias: "a1bc48475b20e73d"})
	if len(evs) != 3 {
		t.Fatalf("%d events", len(evs))
	}
	if evs[0].AlertKey != "a1bc48475b20e73d#trigger" || evs[1].AlertKey != "a1bc48475b20e73d#ack" || evs[1].Kind != debrief.EventPage || evs[2].Kind != debrief.EventNote {
		t.Errorf("%+v %+v %+v", evs[0], evs[1], evs[2])
	}
	if evs[1].OriginalID != "70413a06-38d6-4c85-92b8-5ebc900d42e2/1714554151100_1714554151100007" || evs[1].Author != "maria@example.com" {
		t.Errorf("%+v", evs[1])
	}
}

func TestRefusals(t *testing.T) {
	err := Import(strings.NewReader(`{"data":[{"log":"x","createdAt":"2024-05-01T09:00:00Z"},{"log":"y"}]}`), "og.json", Options{}, func(*debrief.Event) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "og.json: record 1: createdAt: is missing") {
		t.Errorf("%v", err)
	}
}

func FuzzImport(f *testing.F) {
	for _, name := range []string{"testdata/zulip_create.json", "testdata/logs.json"} {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Import(strings.NewReader(string(b)), "f", Options{}, func(ev *debrief.Event) error {
			if ev.Text == "" {
				t.Fatalf("bad event %+v", ev)
			}
			return nil
		})
	})
}
