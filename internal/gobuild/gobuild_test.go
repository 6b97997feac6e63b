package gobuild

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPruneKeepsTheNewest: the cache keeps the most recent builds only.
func TestPruneKeepsTheNewest(t *testing.T) {
	dir := t.TempDir()
	for i := range 5 {
		p := filepath.Join(dir, string(rune('a'+i)))
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		when := time.Unix(int64(1000+i), 0)
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
	Prune(dir, 2)
	left, _ := os.ReadDir(dir)
	if len(left) != 2 || left[0].Name() != "d" || left[1].Name() != "e" {
		t.Errorf("left %v, want the two newest (d, e)", left)
	}
}
