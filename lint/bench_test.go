package lint

import (
	"sort"
	"testing"
	"time"
)

// bench1000 is 1,000 retrospectives: the DFDS corpus (39 postmortems and
// the template) over and over, as files.
func bench1000(b *testing.B) (names []string, data [][]byte) {
	files := corpusFiles(b)
	delete(files, "README.md")
	var keys []string
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i := 0; i < 1000; i++ {
		k := keys[i%len(keys)]
		names, data = append(names, k), append(data, files[k])
	}
	return names, data
}

// BenchmarkParse1000 is the baseline: reading the 1,000 files into
// reports, no rules.
func BenchmarkParse1000(b *testing.B) {
	names, data := bench1000(b)
	b.ResetTimer()
	for b.Loop() {
		for i := range data {
			if _, err := ReadFile(names[i], data[i], time.UTC); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkLint1000 runs every rule over 1,000 reports already read.
func BenchmarkLint1000(b *testing.B) {
	names, data := bench1000(b)
	docs := make([]*Document, len(data))
	for i := range data {
		d, err := ReadFile(names[i], data[i], time.UTC)
		if err != nil {
			b.Fatal(err)
		}
		docs[i] = d
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, d := range docs {
			n += len(Lint(d.Report, nil))
		}
	}
	if n == 0 {
		b.Fatal("no findings")
	}
}

// BenchmarkReadAndLint1000 is what `debrief lint` does with 1,000 files
// in memory: read each one, lint it, place the findings on file lines.
func BenchmarkReadAndLint1000(b *testing.B) {
	names, data := bench1000(b)
	b.ResetTimer()
	for b.Loop() {
		for i := range data {
			d, err := ReadFile(names[i], data[i], time.UTC)
			if err != nil {
				b.Fatal(err)
			}
			d.Locate(Lint(d.Report, nil))
		}
	}
}
