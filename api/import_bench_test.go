package api_test

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkImportZip posts the DFDS postmortems as one zip, through the
// whole server (authentication included): a dry run, and an import that
// stores them.
func BenchmarkImportZip(b *testing.B) {
	names, err := filepath.Glob("../importers/postmortem/testdata/dfds/PM*")
	if err != nil || len(names) < 39 {
		b.Fatalf("%d files: %v", len(names), err)
	}
	files := map[string][]byte{}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			b.Fatal(err)
		}
		files[filepath.Base(n)] = data
	}
	zip := zipBytes(b, files)
	for _, c := range []struct{ name, query string }{
		{"dry-run", "dry_run=true"},
		{"import", "team=ops"},
	} {
		b.Run(c.name, func(b *testing.B) {
			e := newEnv(b)
			b.SetBytes(int64(len(zip)))
			for b.Loop() {
				r := e.send(req{method: "POST", path: "/api/v1/import?" + c.query, body: zip, contentType: "application/zip"})
				res := want[importResult](b, r, 200)
				if res.Failed != 0 || len(res.Files) != len(names) {
					b.Fatalf("%d of %d failed", res.Failed, len(res.Files))
				}
			}
		})
	}
}
