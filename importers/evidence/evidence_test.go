package evidence

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func records(t *testing.T, in string, keys ...string) ([]string, error) {
	t.Helper()
	var out []string
	err := EachRecord(strings.NewReader(in), "f.json", keys, func(entry string, raw json.RawMessage) error {
		out = append(out, string(raw))
		return nil
	})
	return out, err
}

func TestEachRecordShapes(t *testing.T) {
	for in, want := range map[string]int{
		`[{"a":1},{"a":2}]`:               2,
		"\uFEFF  [ ]":                     0,
		`{"items":[{"a":1}],"more":true}`: 1,
		`{"a":1}`:                         1,
		"{\"a\":1}\n{\"a\":2}\n\n":        2,
	} {
		got, err := records(t, in, "items")
		if err != nil || len(got) != want {
			t.Errorf("%q: %d records (%v), want %d", in, len(got), err, want)
		}
	}
	for in, msg := range map[string]string{
		``:                  "empty",
		`[{"a":1},{"a":`:    "f.json: record 1",
		`[1] [2]`:           "more after the array",
		`{"items":{"a":1}}`: "items: is not an array",
		`"x"`:               "not a JSON object",
		`{"a":1} x`:         "value 1",
	} {
		_, err := records(t, in, "items")
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: error %v, want one containing %q", in, err, msg)
		}
	}
}

func TestOptionsTimes(t *testing.T) {
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	o := &Options{Zone: cph, Skew: 90 * time.Second}
	got, err := o.ParseTime("2024-05-01 11:01")
	if err != nil || got != time.Date(2024, 5, 1, 8, 59, 30, 0, time.UTC) {
		t.Errorf("zone and skew: %v %v", got, err)
	}
	got, err = o.ParseTime("2024-05-01T11:01:00+02:00")
	if err != nil || got != time.Date(2024, 5, 1, 8, 59, 30, 0, time.UTC) {
		t.Errorf("explicit offset wins over the zone: %v %v", got, err)
	}
	if _, err := o.ParseTime("yesterday"); err == nil {
		t.Error("nonsense time accepted")
	}
	if EpochTime(1502709956288) != time.UnixMilli(1502709956288).UTC() || EpochTime(1502709956288000110) != time.Unix(0, 1502709956288000110).UTC() {
		t.Error("epoch units")
	}
	if c := Clip("ééééé", 6); c != "é…" {
		t.Errorf("clip %q", c)
	}
	if SafeURL("javascript:alert(1)") != "" || SafeURL("https://x") != "https://x" {
		t.Error("SafeURL")
	}
	if got := HTMLText("<p>a &amp; <b>b</b></p><p>c<br>d</p>"); got != "a & b\nc\nd" {
		t.Errorf("HTMLText %q", got)
	}
}

func FuzzEachRecord(f *testing.F) {
	for _, s := range []string{`[{"a":1}]`, `{"items":[1,2]}`, "{}\n{}", `[`, `]`, "\uFEFF[]", `{"items":"x"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = EachRecord(strings.NewReader(s), "f", []string{"items"}, func(string, json.RawMessage) error { return nil })
	})
}
