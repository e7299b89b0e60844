package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCorpus imports the 39 DFDS postmortems (kept, with their
// licence, in the importer's testdata) the way an operator would: a dry
// run first, then into a team. Every file must come in.
func TestImportCorpus(t *testing.T) {
	corpus := "../importers/postmortem/testdata/dfds"
	entries, err := filepath.Glob(filepath.Join(corpus, "PM20*"))
	if err != nil || len(entries) != 39 {
		t.Fatalf("%d postmortems in %s (%v), want 39", len(entries), corpus, err)
	}
	db := filepath.Join(t.TempDir(), "import.db")

	// A dry run prints the API's own objects and writes nothing.
	out, err := exec.Command(binary, "import", "--dry-run", entries[0]).Output()
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	var parsed struct {
		Incident struct{ Title string } `json:"incident"`
		Events   []struct {
			At   string `json:"at"`
			Text string `json:"text"`
		} `json:"events"`
	}
	if err := json.Unmarshal(out, &parsed); err != nil || parsed.Incident.Title == "" || len(parsed.Events) == 0 ||
		!strings.HasSuffix(parsed.Events[0].At, "Z") {
		t.Fatalf("dry run output (%v):\n%.800s", err, out)
	}

	if out, err := exec.Command(binary, "team", "create", "--database", db, "--name", "Cloud Engineering", "--slug", "cloud").CombinedOutput(); err != nil {
		t.Fatalf("team create: %v\n%s", err, out)
	}
	cmd := exec.Command(binary, append([]string{"import", "--database", db, "--team", "cloud"}, entries...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	if err != nil {
		t.Fatalf("import: %v\n%s\n%s", err, out, stderr.String())
	}
	// (One has no .md extension, as in the original collection.)
	if n := strings.Count(string(out), "imported as incident"); n != 39 {
		t.Errorf("%d of 39 imported:\n%s\n%s", n, out, stderr.String())
	}

	// A file that is not text is refused, naming it, and nothing of it stays.
	bin := filepath.Join(t.TempDir(), "core.md")
	if err := os.WriteFile(bin, []byte{0x7f, 'E', 'L', 'F', 0, 0, 0xff, 0xfe}, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(binary, "import", "--database", db, "--team", "cloud", bin)
	msg, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "core.md") {
		t.Errorf("binary file: err=%v\n%s", err, msg)
	}
}
