package postmortem

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFactorsFromRootCause(t *testing.T) {
	src := "# Checkout outage\n\n## Summary\n\nCheckout failed.\n\n" +
		"## Contributing factors\n\n- The canary got **no traffic** at night\n- Alerts went to a muted channel,\n  which nobody read\n\n" +
		"## Root cause\n\nThe connection pool was sized for the old client.\nIt could not grow.\n\nA second paragraph.\n\n" +
		"## Action items\n\n- Fix the pool\n"
	d, err := Parse("pm.md", []byte(src), Options{Zone: time.UTC, Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, f := range d.Factors {
		titles = append(titles, f.Title)
		if f.Kind != "factor" {
			t.Errorf("kind %q", f.Kind)
		}
	}
	want := []string{
		"The canary got no traffic at night",
		"Alerts went to a muted channel, which nobody read",
		"The connection pool was sized for the old client. It could not grow.",
	}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Fatalf("factors %q, want %q", titles, want)
	}
	if !strings.Contains(d.Factors[2].Description, "A second paragraph.") {
		t.Errorf("the paragraph's factor lost its text: %+v", d.Factors[2])
	}
	for _, f := range factorsOf("Lessons learned", "- not a cause") {
		t.Errorf("a factor from another section: %+v", f)
	}
}

// TestFactorsInCorpus reads the real postmortems and checks every factor
// has a title that fits.
func TestFactorsInCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.md"))
	n := 0
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(filepath.Base(p), b, Options{Zone: time.UTC, Now: time.Now()})
		if err != nil {
			continue
		}
		for _, f := range d.Factors {
			n++
			if f.Title == "" || len([]rune(f.Title)) > maxFactorTitle || strings.Contains(f.Title, "\n") {
				t.Errorf("%s: factor title %q", p, f.Title)
			}
		}
	}
	t.Logf("%d factors in %d files", n, len(files))
}
