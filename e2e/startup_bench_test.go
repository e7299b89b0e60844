package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkStartToReady measures the real binary from exec to a 200 from
// /readyz on an empty SQLite database (migrations included). The baseline,
// measured in the same run, is the same binary running `debrief version`:
// the cost of starting any process of this size on this machine.
func BenchmarkStartToReady(b *testing.B) {
	dir := b.TempDir()
	b.Run("baseline=version", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if out, err := exec.Command(binary, "version").CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
	})
	b.Run("serve-empty-sqlite", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			inst, err := launch(filepath.Join(dir, fmt.Sprintf("start-%d.db", i)))
			if err != nil {
				b.Fatal(err)
			}
			if code, _ := inst.get(b, "/readyz"); code != 200 {
				b.Fatalf("/readyz = %d", code)
			}
			b.StopTimer()
			inst.stop(b)
			b.StartTimer()
		}
	})
}
