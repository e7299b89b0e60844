package lint

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzLoadConfig: any bytes give a configuration or a ConfigError naming
// the file, never a panic; a configuration that loads lints a report.
func FuzzLoadConfig(f *testing.F) {
	for _, s := range []string{
		"", "rules:\n  blame/root-cause: off\n", "rules: {blame/x: error}", "words:\n  blame: [\"a b\", \"(\", \"\\\\\"]\n",
		"words:\n  allow: [\"*\", \"[a-\"]\n  vague: [\"?\"]\n", "timeline:\n  max_gap: 1ns\n", "- 1\n", "rules:\n  - a\n",
		"words: {people: [\"@\", \"  \"]}", "\t", "rules:\n  blame/custom: WARNING\nwords:\n  blame: [\"ß\", \"İ\"]\n",
		"&a [*a, *a]", "rules: !!binary aGVsbG8=",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := LoadConfig("f.yaml", bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		rep := report()
		setBody(rep, "analysis", "Marco failed to check. Human error. "+string(data))
		Lint(rep, cfg)
	})
}

// FuzzProse: the mask keeps every offset and newline, the subject finder
// and every rule take any text, and findings point inside it.
func FuzzProse(f *testing.F) {
	for _, s := range []string{
		"Marco failed to check.", "`a\n\nb`", "```\nx\n", "> q\n>\n", "\"unclosed", "“a\n”", "<!-- x", "<!--", "---",
		"- we\n  forgot\n", "    code\n\tmore", "[x](http://a/b) [y][z]\n[z]: http://x", "İ should have been ſ",
		"2024-01-01T00:00:00Z ERROR x", "a.\n.b", ",,,;;;", "\x00\xff", "should've gone", "ROOT CAUSE",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := NewProse(s)
		if len(p.Masked) != len(s) {
			t.Fatalf("mask changed the length: %d, want %d", len(p.Masked), len(s))
		}
		for i := 0; i < len(s); i++ {
			if (s[i] == '\n') != (p.Masked[i] == '\n') {
				t.Fatalf("mask moved a newline at %d", i)
			}
		}
		if len(lowerASCII(s)) != len(s) {
			t.Fatal("lower case changed the length")
		}
		for i := 0; i <= len(s); i += 1 + len(s)/64 {
			SubjectBefore(p.Masked, i)
		}
		rep := report()
		setBody(rep, "analysis", s)
		setBody(rep, "summary", s)
		rep.Events[0].Text = s
		rep.Actions[0].Title, rep.Actions[0].Description = s, s
		lines := strings.Count(s, "\n") + 1
		for _, fd := range Lint(rep, nil) {
			if fd.Location.Line > lines || fd.Location.Line < 0 {
				t.Fatalf("%s at line %d of a %d-line text", fd.Rule, fd.Location.Line, lines)
			}
			if utf8.ValidString(s) && !utf8.ValidString(fd.Message) {
				t.Fatalf("%s: message is not UTF-8: %q", fd.Rule, fd.Message)
			}
		}
	})
}

// FuzzReadFile: any file gives a document or a FileError, never a panic,
// and findings are placed on lines of the file.
func FuzzReadFile(f *testing.F) {
	for _, s := range []string{
		"# T\n\n## Summary\n\nx\n", "---\nformat: debrief/1\n---\n", "# T\n## Timeline\n| 10:00 | a |\n## Action items\n- [ ] b\n",
		"no headings", "\xff\xfe", "# README\n\ntext\n", "## Summary\n\nIt was human error.\n\n## Root cause\n\nObviously.\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ReadFile("f.md", data, time.UTC)
		if err != nil {
			if _, ok := err.(*FileError); !ok {
				t.Fatalf("not a FileError: %T %v", err, err)
			}
			return
		}
		fs := Lint(doc.Report, nil)
		doc.Locate(fs)
		n := len(splitLines(data))
		for _, fd := range fs {
			if fd.Location.FileLine < 1 || fd.Location.FileLine > n {
				t.Fatalf("%s at file line %d of %d", fd.Rule, fd.Location.FileLine, n)
			}
		}
	})
}
