package gobuild

import (
	"context"
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

// TestKeyReadsVendoredCode: a package copied into vendor/ is read from the
// module's folder, so editing it changes the key; a file go build does not
// read does not.
func TestKeyReadsVendoredCode(t *testing.T) {
	mod := t.TempDir()
	write := func(name, s string) { writeFile(t, mod, name, s) }
	write("go.mod", "module example.com/app\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n")
	write("vendor/modules.txt", "# example.com/dep v1.0.0\n## explicit\nexample.com/dep\n")
	write("vendor/example.com/dep/dep.go", "package dep\n\nconst N = 1\n")
	write("main.go", "package main\n\nimport \"example.com/dep\"\n\nfunc main() { println(dep.N) }\n")
	key := func() string { return keyOf(t, mod) }
	before := key()
	write("notes.txt", "not read by go build")
	if key() != before {
		t.Errorf("a file go build does not read changed the key")
	}
	write("vendor/example.com/dep/dep.go", "package dep\n\nconst N = 2\n")
	if key() == before {
		t.Errorf("an edit of vendored code kept the key")
	}
}

// TestKeyIsKeptUntilWhatItReadChanges: an unchanged program's key comes
// from its memo without listing the packages again; an edit that lifts a
// file's build constraint, or a new file, lists them again.
func TestKeyIsKeptUntilWhatItReadChanges(t *testing.T) {
	lists := countListings(t)
	mod := t.TempDir()
	write := func(name, s string) { writeFile(t, mod, name, s) }
	// Old files: a memo is kept only for what changed before the listing.
	age := func() {
		t.Helper()
		old := time.Now().Add(-time.Hour)
		for _, name := range []string{"go.mod", "main.go", "extra.go", "."} {
			if err := os.Chtimes(filepath.Join(mod, name), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("go.mod", "module example.com/app\n\ngo 1.22\n")
	write("main.go", "package main\n\nfunc main() {}\n")
	write("extra.go", "//go:build ignore\n\npackage main\n\nvar x = 1\n")
	age()
	key := func() string { return keyOf(t, mod) }
	first := key()
	if again := key(); again != first || *lists != 1 {
		t.Fatalf("unchanged: key %s then %s, %d listings; want the same key, listed once", first, again, *lists)
	}
	write("extra.go", "package main\n\nvar x = 1\n")
	if lifted := key(); lifted == first || *lists != 2 {
		t.Errorf("a build constraint lifted: key %s (was %s), %d listings; want a new key, listed again", lifted, first, *lists)
	}
	age()
	lifted := key()
	if again := key(); again != lifted || *lists != 3 {
		t.Fatalf("unchanged again: %d listings, want 3", *lists)
	}
	write("third.go", "package main\n\nvar y = 2\n")
	if added := key(); *lists != 4 || added == lifted {
		t.Errorf("a file added: %d listings, key %s (was %s); want a new listing and key", *lists, added, lifted)
	}
}

// TestEmbeddingProgramsAreKeptToo: a program that embeds a folder keeps its
// key while nothing changes, and a file added where the pattern reaches
// (a subfolder that held no embedded file) lists it again with a new key;
// a file added in a nested module, which the pattern cannot reach, does not.
func TestEmbeddingProgramsAreKeptToo(t *testing.T) {
	lists := countListings(t)
	mod := t.TempDir()
	write := func(name, s string) { writeFile(t, mod, name, s) }
	write("go.mod", "module example.com/app\n\ngo 1.22\n")
	write("main.go", "package main\n\nimport \"embed\"\n\n//go:embed static\nvar static embed.FS\n\nfunc main() { _ = static }\n")
	write("static/index.html", "<p>hi</p>")
	write("static/empty/.keep", "") // hidden: not embedded
	write("nested/go.mod", "module example.com/nested\n\ngo 1.22\n")
	age := func() {
		t.Helper()
		old := time.Now().Add(-time.Hour)
		err := filepath.WalkDir(mod, func(p string, _ os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Chtimes(p, old, old)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	age()
	key := func() string { return keyOf(t, mod) }
	first := key()
	if again := key(); again != first || *lists != 1 {
		t.Fatalf("unchanged: key %s then %s, %d listings; want the same key, listed once", first, again, *lists)
	}
	write("nested/notes.txt", "outside the pattern's reach")
	if again := key(); again != first || *lists != 1 {
		t.Errorf("a file in a nested module: key %s (was %s), %d listings; want neither to change", again, first, *lists)
	}
	write("static/empty/new.html", "<p>new</p>")
	if added := key(); added == first || *lists != 2 {
		t.Errorf("a file added to an embedded folder: key %s (was %s), %d listings; want a new key, listed again", added, first, *lists)
	}
}

// countListings gives each test its own key cache and counts how often
// the packages are listed (go list) while the test runs.
func countListings(t *testing.T) *int {
	t.Setenv("STRATA_CACHE_DIR", t.TempDir())
	lists := new(int)
	real := goCmd
	goCmd = func(ctx context.Context, dir string, args ...string) ([]byte, error) {
		if args[0] == "list" {
			*lists++
		}
		return real(ctx, dir, args...)
	}
	t.Cleanup(func() { goCmd = real })
	return lists
}

// writeFile writes s to name under root, making its folders.
func writeFile(t *testing.T, root, name, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, name), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// keyOf is the key of the module in mod's main package.
func keyOf(t *testing.T, mod string) string {
	t.Helper()
	k, err := Key(context.Background(), mod, ".")
	if err != nil {
		t.Fatal(err)
	}
	return k
}
