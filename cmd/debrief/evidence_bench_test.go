package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/slack"
)

// The generated export: benchChannels channels of benchDays days each,
// 1,000,000 messages in all, written as a real export zip.
const (
	benchMessages = 1_000_000
	benchChannels = 4
	benchDays     = 10
)

var benchStart = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

// benchExport writes the export in the benchmark's temporary folder
// (removed after it), outside the timed part.
func benchExport(b *testing.B) string {
	b.StopTimer()
	defer b.StartTimer()
	p := filepath.Join(b.TempDir(), "export.zip")
	if err := writeBenchExport(p); err != nil {
		b.Fatal(err)
	}
	return p
}

// writeBenchExport writes messages as a real export has them: people's
// messages with blocks and profiles, thread replies, edits, bot messages
// with attachments, file shares, joins.
func writeBenchExport(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	put := func(name string, body string) error {
		w, err := zw.Create(name)
		if err == nil {
			_, err = io.WriteString(w, body)
		}
		return err
	}
	var users strings.Builder
	users.WriteString("[")
	for u := range 50 {
		if u > 0 {
			users.WriteString(",")
		}
		fmt.Fprintf(&users, `{"id":"U%08d","team_id":"T0001","name":"user%d","real_name":"User Number %d","profile":{"real_name":"User Number %d","display_name":"u%d"},"is_bot":false}`, u, u, u, u, u)
	}
	users.WriteString("]")
	if err := put("users.json", users.String()); err != nil {
		return err
	}
	var chans strings.Builder
	chans.WriteString("[")
	for c := range benchChannels {
		if c > 0 {
			chans.WriteString(",")
		}
		fmt.Fprintf(&chans, `{"id":"C%08d","name":"%s","created":1714500000,"creator":"U00000001","is_archived":false,"is_general":false,"members":[],"topic":{"value":""},"purpose":{"value":""}}`, c, benchChannelName(c))
	}
	chans.WriteString("]")
	if err := put("channels.json", chans.String()); err != nil {
		return err
	}
	perDay := benchMessages / benchChannels / benchDays
	step := int64(24*time.Hour/time.Microsecond) / int64(perDay)
	buf := make([]byte, 0, 1024)
	for c := range benchChannels {
		for d := range benchDays {
			day := benchStart.AddDate(0, 0, d)
			w, err := zw.Create(benchChannelName(c) + "/" + day.Format("2006-01-02") + ".json")
			if err != nil {
				return err
			}
			bw := bufio.NewWriterSize(w, 256<<10)
			bw.WriteString("[\n")
			for i := range perDay {
				us := day.UnixMicro() + int64(i)*step + int64(c)
				ts := strconv.FormatInt(us/1e6, 10) + "." + fmt.Sprintf("%06d", us%1e6)
				buf = buf[:0]
				if i > 0 {
					buf = append(buf, ",\n"...)
				}
				buf = benchMessage(buf, i, ts, d)
				bw.Write(buf)
			}
			bw.WriteString("\n]\n")
			if err := bw.Flush(); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

func benchChannelName(c int) string {
	if c == 0 {
		return "incident-2024-05-05"
	}
	return "team-" + strconv.Itoa(c)
}

func benchMessage(buf []byte, i int, ts string, day int) []byte {
	user := "U" + fmt.Sprintf("%08d", i%50)
	switch i % 20 {
	case 0:
		return fmt.Appendf(buf, `{"type":"message","subtype":"bot_message","text":"","ts":"%s","username":"PagerDuty","bot_id":"B0001","attachments":[{"fallback":"Triggered #%d: error rate above 5%%","title":"Triggered #%d: error rate above 5%%","title_link":"https://acme.pagerduty.com/incidents/Q%d","color":"e01e5a","id":1}]}`, ts, i, i, i)
	case 7:
		return fmt.Appendf(buf, `{"type":"message","subtype":"file_share","text":"graph","user":"%s","ts":"%s","upload":true,"files":[{"id":"F%d","name":"graph.png","title":"graph.png","mimetype":"image/png","permalink":"https://acme.slack.com/files/%s/F%d/graph.png"}]}`, user, ts, i, user, i)
	case 13:
		return fmt.Appendf(buf, `{"type":"message","subtype":"channel_join","user":"%s","text":"<@%s> has joined the channel","ts":"%s"}`, user, user, ts)
	}
	reply := ""
	if i%5 == 1 {
		reply = `,"thread_ts":"` + ts + `","parent_user_id":"U00000001"`
	}
	edited := ""
	if i%11 == 0 {
		edited = `,"edited":{"user":"` + user + `","ts":"` + ts + `"}`
	}
	return fmt.Appendf(buf, `{"client_msg_id":"%08x-0000-4000-8000-%012d","type":"message","text":"Day %d message %d: checked <@U00000002>'s dashboard, p99 latency &amp; error rate look %s","user":"%s","ts":"%s","team":"T0001","blocks":[{"type":"rich_text","block_id":"b%d","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"message %d"}]}]}]%s%s}`,
		i, i, day, i, []string{"fine", "worse", "better"}[i%3], user, ts, i%997, i, reply, edited)
}

// peakRSS reads the process's peak resident set (VmHWM) in bytes;
// resetPeak starts a new peak (Linux: writing 5 to clear_refs).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return -1
}

func resetPeak() {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// bareDecode decodes the files named with a streaming json.Decoder, each
// message into a json.RawMessage: the floor for reading them at all.
func bareDecode(b *testing.B, zipPath string, names map[string]bool) (msgs int) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !names[f.Name] {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			b.Fatal(err)
		}
		dec := json.NewDecoder(rc)
		if _, err := dec.Token(); err != nil {
			b.Fatal(err)
		}
		for dec.More() {
			var m json.RawMessage
			if err := dec.Decode(&m); err != nil {
				b.Fatal(err)
			}
			msgs++
		}
		rc.Close()
	}
	return msgs
}

// BenchmarkSlackImport imports a generated export of 1,000,000 messages,
// filtered to one channel and a two-hour window, through the command
// (`debrief import slack`) into a fresh SQLite database; and in the same
// run decodes the same files bare. Run it with:
//
//	go test ./cmd/debrief -run '^$' -bench SlackImport -benchtime 3x
func BenchmarkSlackImport(b *testing.B) {
	zipPath := benchExport(b)
	since := benchStart.AddDate(0, 0, 4).Add(9 * time.Hour)
	until := since.Add(2 * time.Hour)
	o := slack.Options{Channels: []string{"incident-2024-05-05"}}
	o.Since, o.Until = since, until
	plan, err := slack.Plan(zipPath, o)
	if err != nil {
		b.Fatal(err)
	}
	names := map[string]bool{}
	var planned int64
	for _, p := range plan {
		names[p.Name] = true
		planned += p.Size
	}
	ctx := context.Background()
	b.ResetTimer()
	var importTime, bareTime time.Duration
	var peak int64
	for i := range b.N {
		b.StopTimer()
		db := filepath.Join(b.TempDir(), fmt.Sprintf("bench%d.db", i))
		var out, errb bytes.Buffer
		if err := run(ctx, []string{"team", "create", "--database", db, "--name", "Ops", "--slug", "ops"}, &out, &errb); err != nil {
			b.Fatal(err)
		}
		pm := filepath.Join(b.TempDir(), "pm.md")
		os.WriteFile(pm, []byte("# Checkout errors\n\n## Summary\n\nCard payments failed.\n"), 0o600)
		if err := run(ctx, []string{"import", "--database", db, "--team", "ops", pm}, &out, &errb); err != nil {
			b.Fatal(err)
		}
		out.Reset()
		resetPeak()
		b.StartTimer()
		t0 := time.Now()
		err := run(ctx, []string{"import", "slack", "--database", db, "--incident", "1", "--channels", "incident-2024-05-05",
			"--since", since.Format(time.RFC3339), "--until", until.Format(time.RFC3339), "--workspace-url", "https://acme.slack.com", zipPath}, &out, &errb)
		importTime += time.Since(t0)
		b.StopTimer()
		if err != nil {
			b.Fatalf("%v: %s", err, errb.String())
		}
		peak = max(peak, peakRSS())
		if i == 0 {
			b.Logf("%s", strings.TrimSpace(out.String()))
		}
		t0 = time.Now()
		n := bareDecode(b, zipPath, names)
		bareTime += time.Since(t0)
		if i == 0 {
			b.Logf("files read: %d (%d MB, %d messages) of the export's %d messages", len(plan), planned>>20, n, benchMessages)
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(importTime.Seconds()/float64(b.N), "s-import")
	b.ReportMetric(bareTime.Seconds()/float64(b.N), "s-bare-decode")
	b.ReportMetric(float64(importTime)/float64(bareTime), "x-bare")
	b.ReportMetric(float64(peak)/(1<<20), "MB-peak-RSS")
}

// BenchmarkSlackParseAll reads the whole generated export, every channel
// and day (1,000,000 messages), into events that are counted and dropped,
// against a bare decode of the same files: the importer's own throughput.
//
//	go test ./cmd/debrief -run '^$' -bench SlackParseAll -benchtime 3x
func BenchmarkSlackParseAll(b *testing.B) {
	zipPath := benchExport(b)
	plan, err := slack.Plan(zipPath, slack.Options{})
	if err != nil {
		b.Fatal(err)
	}
	names := map[string]bool{}
	var total int64
	for _, p := range plan {
		names[p.Name] = true
		total += p.Size
	}
	b.ResetTimer()
	var parseTime, bareTime time.Duration
	var peak int64
	for i := range b.N {
		b.StopTimer()
		resetPeak()
		b.StartTimer()
		t0 := time.Now()
		n := 0
		err := slack.Import(zipPath, slack.Options{WorkspaceURL: "https://acme.slack.com"}, func(*debrief.Event) error { n++; return nil })
		parseTime += time.Since(t0)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		peak = max(peak, peakRSS())
		t0 = time.Now()
		m := bareDecode(b, zipPath, names)
		bareTime += time.Since(t0)
		if i == 0 {
			b.Logf("%d events from %d messages, %d MB uncompressed in %d files", n, m, total>>20, len(plan))
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.SetBytes(total)
	b.ReportMetric(parseTime.Seconds()/float64(b.N), "s-parse")
	b.ReportMetric(bareTime.Seconds()/float64(b.N), "s-bare-decode")
	b.ReportMetric(float64(parseTime)/float64(bareTime), "x-bare")
	b.ReportMetric(float64(peak)/(1<<20), "MB-peak-RSS")
}
