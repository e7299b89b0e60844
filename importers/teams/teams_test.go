package teams

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

func TestGraphPage(t *testing.T) {
	f, err := os.Open("testdata/chat.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var evs []*debrief.Event
	if err := Import(f, "chat.json", evidence.Options{}, func(ev *debrief.Event) error { evs = append(evs, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("%d events (system and deleted messages are skipped)", len(evs))
	}
	a, b := evs[0], evs[1]
	if a.Text != "Checkout is failing & the gateway returns 502\nLooking at it\nFile: gateway.log <https://contoso.sharepoint.com/sites/ops/Shared%20Documents/gateway.log> (edited)" ||
		a.Author != "Robin Kline" || a.At != time.Date(2024, 5, 1, 9, 3, 5, 123000000, time.UTC) || !strings.HasSuffix(a.OriginalID, "@unq.gbl.spaces/1714554185123") {
		t.Errorf("%q %+v", a.Text, a)
	}
	if b.Text != "↳ in thread: Rollback of gateway started" || b.Author != "Deploy Bot (bot)" {
		t.Errorf("%+v", b)
	}
	err = Import(strings.NewReader(`[{"id":"1","messageType":"message","body":{"content":"x"}}]`), "c.json", evidence.Options{}, func(*debrief.Event) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "c.json: record 0: message 1: createdDateTime is missing") {
		t.Errorf("%v", err)
	}
}

func FuzzImport(f *testing.F) {
	b, _ := os.ReadFile("testdata/chat.json")
	f.Add(b)
	f.Add([]byte(`[{"id":"1","createdDateTime":"2024-05-01T09:00:00Z","body":{"contentType":"html","content":"<p"}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Import(strings.NewReader(string(b)), "f", evidence.Options{}, func(ev *debrief.Event) error {
			if ev.Text == "" {
				t.Fatal("empty text")
			}
			return nil
		})
	})
}
