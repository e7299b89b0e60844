package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// corpusDir holds verbatim copies of the 39 DFDS postmortems (and their
// template), MIT licence; see importers/postmortem/testdata/README.md.
const corpusDir = "../importers/postmortem/testdata/dfds"

// corpusFiles reads the corpus: every file but the licence.
func corpusFiles(t testing.TB) map[string][]byte {
	ents, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if e.IsDir() || e.Name() == "LICENSE" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(corpusDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

// corpusCounts are the findings per rule over the DFDS corpus, checked by
// hand as docs/lint.md says. A change to a rule that moves one of them
// must be looked at again: update the figure here and in docs/lint.md.
var corpusCounts = map[string]int{
	"blame/careless":                     2,
	"blame/human-error":                  1,
	"blame/person-failed":                5,
	"blame/root-cause":                   12,
	"blame/should-have":                  4,
	"completeness/required-section":      81,
	"recommendations/definition-of-done": 126,
	"recommendations/due-date":           126,
	"recommendations/none":               1,
	"recommendations/owner":              126,
	"recommendations/vague":              2,
	"summary/missing":                    1,
	"summary/one-paragraph":              21,
	"summary/unsupported":                7,
	"timeline/empty":                     1,
	"timeline/gap":                       22,
	"timeline/milestones":                11,
	"timeline/order":                     3,
	"timeline/resolution":                12,
	"timeline/source":                    39,
}

func TestCorpusCounts(t *testing.T) {
	files := corpusFiles(t)
	if len(files) != 41 {
		t.Fatalf("%d files in the corpus, want 39 postmortems, the template and the README", len(files))
	}
	got := map[string]int{}
	for name, data := range files {
		doc, err := ReadFile(name, data, time.UTC)
		if name == "README.md" {
			// The collection's README is not a retrospective: one error.
			if err == nil || !strings.Contains(err.Error(), "README.md: not a retrospective") {
				t.Errorf("README.md: got %v, want a not-a-retrospective error", err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		fs := Lint(doc.Report, nil)
		doc.Locate(fs)
		for _, f := range fs {
			got[f.Rule]++
			if f.Location.FileLine < 1 || f.Location.FileLine > strings.Count(string(data), "\n")+1 {
				t.Errorf("%s: %s: file line %d", name, f.Rule, f.Location.FileLine)
			}
		}
	}
	var diff []string
	for _, r := range Rules() {
		if got[r.ID] != corpusCounts[r.ID] {
			diff = append(diff, fmt.Sprintf("%q: %d, // was %d", r.ID, got[r.ID], corpusCounts[r.ID]))
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		t.Errorf("findings per rule over the DFDS corpus changed; check them by hand, then update corpusCounts and docs/lint.md:\n%s", strings.Join(diff, "\n"))
	}
}

// TestCorpusBlameLines pins where the blame findings are, so a change
// that finds as many but different ones fails too.
func TestCorpusBlameLines(t *testing.T) {
	files := corpusFiles(t)
	var got []string
	for name, data := range files {
		doc, err := ReadFile(name, data, time.UTC)
		if err != nil {
			continue
		}
		fs := Lint(doc.Report, nil)
		doc.Locate(fs)
		for _, f := range fs {
			if strings.HasPrefix(f.Rule, "blame/") {
				got = append(got, fmt.Sprintf("%s:%d %s", name[:10], f.Location.FileLine, f.Rule))
			}
		}
	}
	sort.Strings(got)
	want := strings.TrimSpace(blameLines)
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("blame findings moved; check them by hand, then update blameLines:\n%s", g)
	}
}

var blameLines = `
PM2019-009:58 blame/should-have
PM2020-005:7 blame/root-cause
PM2020-006:28 blame/person-failed
PM2020-007:17 blame/root-cause
PM2020-009:33 blame/careless
PM2020-009:9 blame/person-failed
PM2021-002:29 blame/should-have
PM2021-003:33 blame/should-have
PM2021-007:28 blame/root-cause
PM2021-007:38 blame/root-cause
PM2021-007:6 blame/root-cause
PM2021-008:20 blame/root-cause
PM2021-008:33 blame/should-have
PM2021-009:15 blame/root-cause
PM2021-009:23 blame/root-cause
PM2022-001:36 blame/person-failed
PM2022-002:23 blame/human-error
PM2022-004:19 blame/root-cause
PM2024-001:8 blame/root-cause
PM2024-002:6 blame/root-cause
PM2024-003:16 blame/root-cause
PM2025-001:40 blame/person-failed
PM2025-002:35 blame/person-failed
PM2025-002:51 blame/careless
`
