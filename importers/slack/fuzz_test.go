package slack

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/debrief-oss/debrief/importers/evidence"
)

// FuzzDayFile reads arbitrary bytes as a channel's day file: an error or
// events, never a panic, and every event has a time and a text.
func FuzzDayFile(f *testing.F) {
	f.Add([]byte(`[{"type":"message","user":"U1","text":"<@U1> hi <https://x|y> &amp;","ts":"1714554180.123456","thread_ts":"1714554100.000001"}]`))
	f.Add([]byte(`[{"subtype":"bot_message","ts":"1.1","attachments":[{"fallback":"a"}],"files":[{"permalink":"javascript:alert(1)"}]}]`))
	f.Add([]byte(`[{"ts":1}]`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[<>`))
	r := reader{ch: Channel{ID: "C1", Name: "c"}, users: map[string]string{"U1": "Ann"}, o: &Options{}, base: "https://a.slack.com"}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = eachElement(bytes.NewReader(data), "c/2024-01-01.json", func(i int, dec *json.Decoder) error {
			var m message
			if err := dec.Decode(&m); err != nil {
				return err
			}
			ev, err := r.event(&m)
			if err != nil || ev == nil {
				return err
			}
			if ev.At.IsZero() || ev.Text == "" || len(ev.Text) > evidence.MaxText {
				t.Fatalf("bad event %+v", ev)
			}
			if ev.URL != "" && evidence.SafeURL(ev.URL) == "" {
				t.Fatalf("unsafe link %q", ev.URL)
			}
			return nil
		})
	})
}

func FuzzParseTS(f *testing.F) {
	for _, s := range []string{"1498401071.279035", "1", "", ".", "1.", "0.000000001", "99999999999.999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseTS(s)
	})
}
