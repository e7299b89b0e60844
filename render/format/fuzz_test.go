package format

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzRead checks that Read never panics and that whatever it accepts
// comes back the same after Write and Read again.
func FuzzRead(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "*.md"))
	seeds = append(seeds, filepath.Join("testdata", "golden.md"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				panic(fmt.Sprintf("hang on %q", data))
			}
		}()
		rep, err := Read("fuzz.md", bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.md") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := Write(&b, rep); err != nil {
			t.Fatalf("Read accepted what Write refuses: %v", err)
		}
		again, err := Read("again.md", bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("Read(Write(Read(x))): %v\n%s", err, b.Bytes())
		}
		if d := diff(canon(rep), canon(again)); d != "" {
			t.Fatalf("Read(Write(Read(x))) differs: %s\n%s", d, b.Bytes())
		}
		var b2 bytes.Buffer
		if err := Write(&b2, again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), b2.Bytes()) {
			t.Fatalf("Write not stable:\n%s\n---\n%s", b.Bytes(), b2.Bytes())
		}
	})
}
