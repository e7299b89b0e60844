package generic

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief"
	"github.com/debrief-oss/debrief/importers/evidence"
)

func TestCSVAndJSONL(t *testing.T) {
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	o := evidence.Options{Zone: cph}
	for file, imp := range map[string]func(*os.File, []*debrief.Event) ([]*debrief.Event, error){
		"testdata/events.csv": func(f *os.File, out []*debrief.Event) ([]*debrief.Event, error) {
			err := ImportCSV(f, f.Name(), o, func(ev *debrief.Event) error { out = append(out, ev); return nil })
			return out, err
		},
		"testdata/events.jsonl": func(f *os.File, out []*debrief.Event) ([]*debrief.Event, error) {
			err := ImportJSONL(f, f.Name(), o, func(ev *debrief.Event) error { out = append(out, ev); return nil })
			return out, err
		},
	} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := imp(f, nil)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || evs[0].At != time.Date(2024, 5, 1, 9, 1, 0, 0, time.UTC) || evs[0].Kind != debrief.EventAlert || evs[0].OriginalID != "g-1" {
			t.Errorf("%s: %+v", file, evs)
		}
		if evs[1].At != time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC) {
			t.Errorf("%s: second event at %v", file, evs[1].At)
		}
	}
}

func TestRefusalsNameTheLine(t *testing.T) {
	noop := func(*debrief.Event) error { return nil }
	for in, msg := range map[string]string{
		"at,text\n2024-05-01T09:00:00Z,ok\n2024-05-01T09:00:00Z,\n": "e.csv: line 3: text: is required",
		"at,text,kind\n2024-05-01T09:00:00Z,ok,gossip\n":            `e.csv: line 2: kind: "gossip"`,
		"when,text\n":           `no "at" column`,
		"at,text,url\nnow,x,\n": "line 2: at: time",
		"at,text,url\n2024-05-01T09:00:00Z,x,javascript:alert(1)\n": "line 2: url:",
		"at,text\n2024-05-01T09:00:00Z,\"unclosed\n":                "line 2",
	} {
		err := ImportCSV(strings.NewReader(in), "e.csv", evidence.Options{}, noop)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: %v, want %q", in, err, msg)
		}
	}
	err := ImportJSONL(strings.NewReader("{\"at\":\"2024-05-01T09:00:00Z\",\"text\":\"a\"}\n{\"at\":5,\"text\":\"b\"}\n"), "e.jsonl", evidence.Options{}, noop)
	if err == nil || !strings.Contains(err.Error(), "e.jsonl: line 2: not a JSON object") {
		t.Errorf("jsonl: %v", err)
	}
}

func FuzzCSV(f *testing.F) {
	b, _ := os.ReadFile("testdata/events.csv")
	f.Add(b)
	f.Add([]byte("at,text\n\"2024-05-01\",\"\"\"\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = ImportCSV(strings.NewReader(string(b)), "f", evidence.Options{}, func(ev *debrief.Event) error {
			if ev.Text == "" || ev.At.IsZero() {
				t.Fatalf("bad event %+v", ev)
			}
			return nil
		})
	})
}

func FuzzJSONL(f *testing.F) {
	b, _ := os.ReadFile("testdata/events.jsonl")
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = ImportJSONL(strings.NewReader(string(b)), "f", evidence.Options{}, func(ev *debrief.Event) error { return nil })
	})
}
