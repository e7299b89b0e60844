package slack

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

func collect(t *testing.T, p string, o Options) []*debrief.Event {
	t.Helper()
	var out []*debrief.Event
	if err := Import(p, o, func(ev *debrief.Event) error { out = append(out, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportFolder(t *testing.T) {
	evs := collect(t, "testdata/export", Options{Channels: []string{"#incident-2024-05-01"}, WorkspaceURL: "https://acme.slack.com/"})
	if len(evs) != 7 {
		for _, e := range evs {
			t.Logf("%s %q", e.At, e.Text)
		}
		t.Fatalf("got %d events, want 7 (the join is housekeeping)", len(evs))
	}
	bot, parent, reply, edited, file, recovered := evs[0], evs[1], evs[2], evs[3], evs[4], evs[5]
	if bot.Author != "PagerDuty (bot)" || !strings.Contains(bot.Text, "Triggered #4321") || !strings.Contains(bot.Text, "<https://acme.pagerduty.com/incidents/Q1ABCDEF>") {
		t.Errorf("bot message: %+v", bot)
	}
	if want := time.Date(2024, 5, 1, 9, 3, 0, 123456000, time.UTC); !parent.At.Equal(want) {
		t.Errorf("ts read as %s, want %s", parent.At, want)
	}
	if parent.Author != "Maria Jensen" || parent.Text != "I'm on it, @Tom Berg can you look at the payment gateway & its logs?" {
		t.Errorf("parent: %q by %q", parent.Text, parent.Author)
	}
	if parent.Source != "slack" || parent.OriginalID != "C01INCIDENT/1714554180.123456" || parent.Kind != debrief.EventMessage {
		t.Errorf("parent source/id/kind: %+v", parent)
	}
	if parent.URL != "https://acme.slack.com/archives/C01INCIDENT/p1714554180123456" {
		t.Errorf("permalink %q", parent.URL)
	}
	if !strings.HasPrefix(reply.Text, "↳ in thread: Gateway returns 502") || reply.Author != "Tom Berg" {
		t.Errorf("reply: %q by %q", reply.Text, reply.Author)
	}
	if reply.URL != "https://acme.slack.com/archives/C01INCIDENT/p1714554240000200?thread_ts=1714554180.123456&cid=C01INCIDENT" {
		t.Errorf("reply permalink %q", reply.URL)
	}
	if !strings.HasSuffix(edited.Text, "(edited)") {
		t.Errorf("edit not marked: %q", edited.Text)
	}
	if !strings.Contains(file.Text, "File: error-rate.png <https://acme.slack.com/files/U01AAAAAAA1/F01GRAPH001/error-rate.png>") {
		t.Errorf("file share: %q", file.Text)
	}
	if !strings.Contains(recovered.Text, "the status page (https://status.example.com/incidents/42)") || !strings.Contains(recovered.Text, "#general") {
		t.Errorf("links and channels: %q", recovered.Text)
	}
	if evs[6].Text != "Postmortem scheduled for Friday @here" {
		t.Errorf("special mention: %q", evs[6].Text)
	}
}

func TestWindowSkewAndChannels(t *testing.T) {
	since := time.Date(2024, 5, 1, 9, 2, 0, 0, time.UTC)
	until := time.Date(2024, 5, 1, 9, 5, 0, 0, time.UTC)
	evs := collect(t, "testdata/export", Options{Channels: []string{"incident-2024-05-01"}, Options: evidence.Options{Since: since, Until: until, Skew: 30 * time.Second}})
	// Skew 30 s: 09:03:00.123 -> 09:02:30.123, 09:04 -> 09:03:30, 09:05 -> 09:04:30; 09:01 -> 09:00:30 is out.
	if len(evs) != 3 || evs[0].At != time.Date(2024, 5, 1, 9, 2, 30, 123456000, time.UTC) {
		t.Fatalf("window: %d events, first %v", len(evs), evs[0].At)
	}
	all := collect(t, "testdata/export", Options{})
	if len(all) != 8 {
		t.Errorf("all channels: %d events, want 8", len(all))
	}
	err := Import("testdata/export", Options{Channels: []string{"nope"}}, func(*debrief.Event) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `no channel "nope"`) {
		t.Errorf("unknown channel: %v", err)
	}
}

// zipDir zips a folder under a top folder, as zipping a folder does.
func zipDir(t *testing.T, dir, top string, extra map[string][]byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(top + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range extra {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "export.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestZipSameAsFolder(t *testing.T) {
	z := zipDir(t, "testdata/export", "Acme Slack export May 1 2024/", nil)
	o := Options{Channels: []string{"incident-2024-05-01"}, WorkspaceURL: "https://acme.slack.com"}
	a, b := collect(t, "testdata/export", o), collect(t, z, o)
	if len(a) != len(b) {
		t.Fatalf("folder %d events, zip %d", len(a), len(b))
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Errorf("event %d differs:\n%+v\n%+v", i, a[i], b[i])
		}
	}
	chans, err := ListChannels(z)
	if err != nil || len(chans) != 2 || chans[0].Name != "incident-2024-05-01" || chans[0].Days != 2 {
		t.Errorf("channels: %+v %v", chans, err)
	}
}

func TestZipRefusals(t *testing.T) {
	noop := func(*debrief.Event) error { return nil }
	slip := zipDir(t, "testdata/export", "", map[string][]byte{"../../etc/cron.d/x.json": []byte("[]")})
	err := Import(slip, Options{}, noop)
	var ee *evidence.Error
	if !errors.As(err, &ee) || ee.Entry != "../../etc/cron.d/x.json" || !strings.Contains(err.Error(), "leaves the archive") {
		t.Errorf("path escaping the archive: %v", err)
	}

	bomb := zipDir(t, "testdata/export", "", map[string][]byte{"general/2024-05-03.json": bytes.Repeat([]byte(" "), 50<<20)})
	err = Import(bomb, Options{}, noop)
	if err == nil || !strings.Contains(err.Error(), "general/2024-05-03.json") || !strings.Contains(err.Error(), "times its size") {
		t.Errorf("zip bomb: %v", err)
	}

	z := zipDir(t, "testdata/export", "", nil)
	err = Import(z, Options{MaxEntryBytes: 1000}, noop)
	if err == nil || !strings.Contains(err.Error(), "over the cap of 1000") {
		t.Errorf("per-entry cap: %v", err)
	}
	err = Import(z, Options{MaxTotalBytes: 5000}, noop)
	if err == nil || !strings.Contains(err.Error(), "archive expands to") {
		t.Errorf("total cap: %v", err)
	}
	if err := os.WriteFile(z, []byte("not a zip"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Import(z, Options{}, noop); err == nil || !strings.Contains(err.Error(), "not a zip") {
		t.Errorf("not a zip: %v", err)
	}
}

func TestMalformedMessageAmongThousands(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "channels.json"), []byte(`[{"id":"C1","name":"ops"}]`), 0o600)
	os.Mkdir(filepath.Join(dir, "ops"), 0o700)
	var b strings.Builder
	b.WriteString("[")
	for i := range 5000 {
		if i > 0 {
			b.WriteString(",")
		}
		if i == 3000 {
			b.WriteString(`{"type":"message","user":"U1","text":"bad","ts":1714554180.5}`)
			continue
		}
		fmt.Fprintf(&b, `{"type":"message","user":"U1","text":"m%d","ts":"%d.000100","new_field_slack_added":{"x":[1,2]}}`, i, 1714554000+i)
	}
	b.WriteString("]")
	os.WriteFile(filepath.Join(dir, "ops", "2024-05-01.json"), []byte(b.String()), 0o600)
	n := 0
	err := Import(dir, Options{}, func(*debrief.Event) error { n++; return nil })
	var ee *evidence.Error
	if !errors.As(err, &ee) || ee.File != "ops/2024-05-01.json" || !strings.HasPrefix(ee.Entry, "entry 3000 ") {
		t.Fatalf("want an error naming ops/2024-05-01.json entry 3000, got %v", err)
	}
	if n != 3000 {
		t.Errorf("emitted %d before the bad one, want 3000 (the caller discards them: one transaction)", n)
	}
	// A ts that is a string but not a time names the message.
	os.WriteFile(filepath.Join(dir, "ops", "2024-05-01.json"), []byte(`[{"type":"message","text":"x","ts":"yesterday"}]`), 0o600)
	err = Import(dir, Options{}, func(*debrief.Event) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `ops/2024-05-01.json: entry 0`) || !strings.Contains(err.Error(), `ts "yesterday"`) {
		t.Errorf("bad ts: %v", err)
	}
}

func TestZulipFixture(t *testing.T) {
	evs := collect(t, "testdata/zulip", Options{Channels: []string{"random"}})
	if len(evs) != 1 || evs[0].Text != "edfadfa" || evs[0].At != time.Unix(1498401071, 279035000).UTC() || evs[0].Author != "U6006P1CN" {
		t.Fatalf("zulip's fixture: %+v", evs)
	}
}

func TestParseTS(t *testing.T) {
	for ts, want := range map[string]time.Time{
		"1498401071.279035": time.Unix(1498401071, 279035000),
		"1498401071":        time.Unix(1498401071, 0),
		"1498401071.2":      time.Unix(1498401071, 200000000),
	} {
		got, err := ParseTS(ts)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v", ts, got, err)
		}
	}
	for _, bad := range []string{"", "abc", "-1.5", "1.-5", "1.1234567890", "99999999999999.1"} {
		if _, err := ParseTS(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
