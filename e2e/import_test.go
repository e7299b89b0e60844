package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

	// Debrief's own format goes round: export every incident, import the
	// files into another database, export again: the same files, but for
	// the ids the new database gave.
	first := filepath.Join(t.TempDir(), "first")
	if out, err := exec.Command(binary, "export", "--database", db, "--all", "--format", "debrief", "--out", first).CombinedOutput(); err != nil {
		t.Fatalf("export --all: %v\n%s", err, out)
	}
	db2 := filepath.Join(t.TempDir(), "again.db")
	if out, err := exec.Command(binary, "team", "create", "--database", db2, "--name", "Cloud Engineering", "--slug", "cloud").CombinedOutput(); err != nil {
		t.Fatalf("team create: %v\n%s", err, out)
	}
	if out, err := exec.Command(binary, "import", "--database", db2, "--team", "cloud", first).CombinedOutput(); err != nil {
		t.Fatalf("import of the export: %v\n%s", err, out)
	}
	second := filepath.Join(t.TempDir(), "second")
	if out, err := exec.Command(binary, "export", "--database", db2, "--all", "--format", "debrief", "--out", second).CombinedOutput(); err != nil {
		t.Fatalf("second export: %v\n%s", err, out)
	}
	if a, b := contentsWithoutIDs(t, first), contentsWithoutIDs(t, second); len(a) != 39 || strings.Join(a, "\x00") != strings.Join(b, "\x00") {
		t.Errorf("export, import, export: %d files then %d, or different contents", len(a), len(b))
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

// contentsWithoutIDs returns the folder's files' contents, sorted, without
// the front matter's id line (the one thing a new database changes).
func contentsWithoutIDs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		var kept []string
		for _, line := range strings.Split(readFile(t, filepath.Join(dir, e.Name())), "\n") {
			if !strings.HasPrefix(line, "id: ") {
				kept = append(kept, line)
			}
		}
		out = append(out, strings.Join(kept, "\n"))
	}
	slices.Sort(out)
	return out
}
