package postmortem_test

import (
	"strings"
	"testing"
	"time"

	"github.com/debrief-oss/debrief/importers/postmortem"
)

// TestLargeInputs guards against time quadratic in the size of a file:
// inputs near the size limit must parse in well under a few seconds.
func TestLargeInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	inputs := map[string]string{
		"long line":        "# t\n## Timeline\n" + strings.Repeat("1 ", 400000) + "\n",
		"long title":       "# " + strings.Repeat("June ", 200000) + "\n## Timeline\n- 10:00 x\n",
		"many events":      "# t\n## Timeline\n" + strings.Repeat("- 10:00 x\n", 100000),
		"many table rows":  "# t\n## Timeline\n| a | b |\n|---|---|\n" + strings.Repeat("| 10:00 | x |\n", 100000),
		"many sections":    "# t\n" + strings.Repeat("## Timeline\n", 100000),
		"setext headings":  "# t\n" + strings.Repeat("a\n===\n\n", 100000),
		"many actions":     "# t\n## Action items\n" + strings.Repeat("- fix @a owner: b (done) http://x\n", 50000),
		"long dated lines": "# t\n## Timeline\n" + strings.Repeat("### "+strings.Repeat("x", 2000)+"\n", 500),
	}
	for name, in := range inputs {
		start := time.Now()
		if _, err := postmortem.Parse(name, []byte(in), postmortem.Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %v", name, d)
		}
	}
}
