package plan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-infra/strata/internal/gobuild"
)

// TestBuildOnce: a program is built once for what determines it: again
// only when a file of its module changes; runtime.options.binary is used
// as it is and buildTarget is what is built, as Pulumi's Go language host
// does.
func TestBuildOnce(t *testing.T) {
	t.Setenv("STRATA_CACHE_DIR", t.TempDir())
	var builds []string
	real := gobuild.Build
	gobuild.Build = func(_ context.Context, dir, out, target string) error {
		builds = append(builds, target)
		return os.WriteFile(out, []byte("#!/bin/sh\n"), 0o755)
	}
	t.Cleanup(func() { gobuild.Build = real })

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
	// What go build does not read does not rebuild: a stack file, a
	// binary built in the folder, a file of another package.
	write("app/Pulumi.dev.yaml", "config:\n  app:size: 2\n")
	write("app/app", strings.Repeat("\x7fELF", 1000))
	write("tools/gen.go", "package tools\n")
	if again, cached, err := BuildOnce(context.Background(), dir); err != nil || !cached || again != first || len(builds) != 1 {
		t.Fatalf("a stack file, a binary and another package rebuilt the program: %s cached %v (%v), %d builds", again, cached, err, len(builds))
	}
	write("app/main.go", "package main\nfunc main() { println(1) }\n")
	changed, cached, err := BuildOnce(context.Background(), dir)
	if err != nil || cached || changed == first || len(builds) != 2 {
		t.Errorf("changed program: %s cached %v (%v), %d builds; want a new build", changed, cached, err, len(builds))
	}
	// An embedded file is read by go build: a change rebuilds.
	write("app/main.go", "package main\nimport _ \"embed\"\n//go:embed banner.txt\nvar banner string\nfunc main() { println(banner) }\n")
	write("app/banner.txt", "one")
	embedded, _, err := BuildOnce(context.Background(), dir)
	write("app/banner.txt", "two")
	if again, cached, _ := BuildOnce(context.Background(), dir); err != nil || cached || again == embedded {
		t.Errorf("a changed embedded file reused the old binary (%v)", err)
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

	write("app/cmd/app/main.go", "package main\nfunc main() {}\n")
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
