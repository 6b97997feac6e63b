package plan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBuildOnce: a program is built once for what determines it: again
// only when a file of its module changes; runtime.options.binary is used
// as it is and buildTarget is what is built, as Pulumi's Go language host
// does.
func TestBuildOnce(t *testing.T) {
	t.Setenv("STRATA_CACHE_DIR", t.TempDir())
	var builds []string
	real := goBuild
	goBuild = func(_ context.Context, dir, out, target string) error {
		builds = append(builds, target)
		return os.WriteFile(out, []byte("#!/bin/sh\n"), 0o755)
	}
	t.Cleanup(func() { goBuild = real })

	mod := t.TempDir()
	write := func(name, s string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(mod, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(mod, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/app\n")
	write("app/main.go", "package main\nfunc main() {}\n")
	write("app/Pulumi.yaml", "name: app\nruntime: go\n")
	dir := filepath.Join(mod, "app")

	first, cached, err := BuildOnce(context.Background(), dir)
	if err != nil || cached {
		t.Fatalf("first build: %v, cached %v", err, cached)
	}
	again, cached, err := BuildOnce(context.Background(), dir)
	if err != nil || !cached || again != first || len(builds) != 1 {
		t.Fatalf("unchanged program: %s cached %v (%v), %d builds; want the same binary, not built again", again, cached, err, len(builds))
	}
	write("app/main.go", "package main\nfunc main() { println(1) }\n")
	changed, cached, err := BuildOnce(context.Background(), dir)
	if err != nil || cached || changed == first || len(builds) != 2 {
		t.Errorf("changed program: %s cached %v (%v), %d builds; want a new build", changed, cached, err, len(builds))
	}
	// Two programs of one module, named by relative paths, are two builds.
	write("other/main.go", "package main\nfunc main() {}\n")
	write("other/Pulumi.yaml", "name: other\nruntime: go\n")
	t.Chdir(mod)
	other, _, err := BuildOnce(context.Background(), "other")
	again, _, _ = BuildOnce(context.Background(), "app")
	if err != nil || other == again {
		t.Errorf("two programs of one module share a binary %s (%v)", other, err)
	}
	write("go.sum", "example.org/x v1.0.0 h1:abc=\n")
	if _, cached, _ := BuildOnce(context.Background(), dir); cached {
		t.Errorf("a changed go.sum reused the old binary")
	}

	write("app/Pulumi.yaml", "name: app\nruntime:\n  name: go\n  options:\n    buildTarget: ./cmd/app\n")
	if _, _, err := BuildOnce(context.Background(), dir); err != nil || builds[len(builds)-1] != "./cmd/app" {
		t.Errorf("buildTarget: built %v (%v), want ./cmd/app", builds, err)
	}
	write("app/Pulumi.yaml", "name: app\nruntime:\n  name: go\n  options:\n    binary: bin/app\n")
	if _, _, err := BuildOnce(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "runtime.options.binary is bin/app") {
		t.Errorf("a missing binary: error = %v, want it named", err)
	}
	write("app/bin/app", "binary")
	n := len(builds)
	if bin, cached, err := BuildOnce(context.Background(), dir); err != nil || bin != filepath.Join(dir, "bin/app") || !cached || len(builds) != n {
		t.Errorf("binary: %s cached %v (%v); want it used as it is, nothing built", bin, cached, err)
	}
}

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
	prune(dir, 2)
	left, _ := os.ReadDir(dir)
	if len(left) != 2 || left[0].Name() != "d" || left[1].Name() != "e" {
		t.Errorf("left %v, want the two newest (d, e)", left)
	}
}
