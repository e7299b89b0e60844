package e2e

import (
	"os"
	"strings"
	"testing"
	"time"
)

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// waitFor waits until buf holds want, and returns what it holds.
func waitFor(tb testing.TB, buf *syncBuffer, want string) string {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if s := buf.String(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatalf("waited 10s for %q in:\n%s", want, buf.String())
	return ""
}
