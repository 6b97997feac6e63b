package plan

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// BuildOnce returns the program of the Go Pulumi project in dir, built at
// most once for what determines it, as Pulumi's Go language host builds
// it: the binary runtime.options.binary of Pulumi.yaml names, when it
// does (plan builds nothing, as Pulumi does not); otherwise the
// package runtime.options.buildTarget names (default "."), built into the
// user's cache directory (strata/programs/<key>; STRATA_CACHE_DIR
// replaces <cache>/strata) under a key of every
// file of its module and of the local modules its go.mod replaces it with,
// the Go version, GOOS, GOARCH, CGO_ENABLED, GOFLAGS and the build target.
// An unchanged program is not built again; cached says it was not.
func BuildOnce(ctx context.Context, dir string) (bin string, cached bool, err error) {
	target := "."
	if proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml")); err == nil {
		opts := proj.Runtime.Options()
		if b, _ := opts["binary"].(string); b != "" {
			bin := filepath.Join(dir, b)
			if st, err := os.Stat(bin); err != nil || st.IsDir() {
				return "", false, fmt.Errorf("plan: Pulumi.yaml's runtime.options.binary is %s, which is not a file in %s: build it first (go build -o %s), as pulumi expects", b, dir, b)
			}
			return bin, true, nil
		}
		if t, _ := opts["buildTarget"].(string); t != "" {
			target = t
		}
	}
	key, err := buildKey(ctx, dir, target)
	if err != nil {
		return "", false, err
	}
	cache := os.Getenv("STRATA_CACHE_DIR")
	if cache == "" {
		user, err := os.UserCacheDir()
		if err != nil {
			return "", false, fmt.Errorf("plan: no cache directory for built programs: %w", err)
		}
		cache = filepath.Join(user, "strata")
	}
	out := filepath.Join(cache, "programs", key)
	bin = filepath.Join(out, "program")
	if st, err := os.Stat(bin); err == nil && st.Mode().IsRegular() {
		now := time.Now()
		_ = os.Chtimes(out, now, now) // used: the last to be pruned
		return bin, true, nil
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", false, err
	}
	tmp := filepath.Join(out, fmt.Sprintf("program.%d.tmp", os.Getpid()))
	if err := goBuild(ctx, dir, tmp, target); err != nil {
		_ = os.Remove(tmp)
		return "", false, err
	}
	// Renamed into place, so a build cut short never looks finished.
	if err := os.Rename(tmp, bin); err != nil {
		return "", false, err
	}
	prune(filepath.Dir(out), keptPrograms)
	return bin, false, nil
}

// keptPrograms is how many built programs the cache keeps: each is a
// linked Pulumi program of 100 MB or so.
const keptPrograms = 8

// prune removes all but the keep most recently built programs.
func prune(dir string, keep int) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) <= keep {
		return
	}
	type built struct {
		path string
		when int64
	}
	var all []built
	for _, e := range entries {
		if info, err := e.Info(); err == nil && e.IsDir() {
			all = append(all, built{filepath.Join(dir, e.Name()), info.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(all, func(a, b built) int { return int(b.when - a.when) })
	for _, b := range all[min(keep, len(all)):] {
		_ = os.RemoveAll(b.path)
	}
}

// buildKey hashes what determines the program built from dir.
func buildKey(ctx context.Context, dir, target string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	root, err := moduleRoot(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	env, err := exec.CommandContext(ctx, "go", "env", "GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS").Output()
	if err != nil {
		return "", fmt.Errorf("plan: go env: %w", err)
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "go env\n%s\ndir %s\ntarget %s\n", env, filepath.ToSlash(rel), target)
	roots := append([]string{root}, localReplacements(root)...)
	for _, r := range roots {
		if err := hashTree(h, r); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// moduleRoot is the folder of the go.mod that holds dir.
func moduleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("plan: %s is in no Go module (no go.mod in it or a folder above)", dir)
		}
	}
}

// localReplacements are the folders go.mod's replace directives point to.
func localReplacements(root string) []string {
	f, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s.Text()), "replace"))
		_, to, ok := strings.Cut(line, "=>")
		if !ok {
			continue
		}
		fields := strings.Fields(to)
		if len(fields) == 1 && (strings.HasPrefix(fields[0], ".") || filepath.IsAbs(fields[0])) {
			p := fields[0]
			if !filepath.IsAbs(p) {
				p = filepath.Join(root, p)
			}
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// hashTree adds every regular file under root (its path and content) to
// h, in order, leaving out version-control and dependency folders.
func hashTree(h io.Writer, root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		fmt.Fprintf(h, "file %s\n", filepath.ToSlash(rel))
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(h, f)
		return err
	})
}

// goBuild builds the package target of dir into out; tests replace it.
var goBuild = func(ctx context.Context, dir, out, target string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, target)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("plan: building the Go program in %s: %v\n%s", dir, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// IsGoProgram says why dir cannot be planned as a Go Pulumi program, or
// nil: its Pulumi.yaml names another runtime (nodejs, python, yaml, …),
// or it holds neither a go.mod nor Go files. A runtime.options.binary
// that is built already is enough.
func IsGoProgram(dir string) error {
	proj, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil // StackOptions reports the project file
	}
	if rt := proj.Runtime.Name(); rt != "go" {
		return fmt.Errorf("%s is a %s Pulumi program (Pulumi.yaml runtime: %s): --program plans Go programs only; strata check, cost and diagram read a plan saved from any program with --plan", dir, rt, rt)
	}
	if b, _ := proj.Runtime.Options()["binary"].(string); b != "" {
		return nil
	}
	goFiles, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	if len(goFiles) == 0 {
		return fmt.Errorf("%s holds no Go program: no .go files (Pulumi.yaml says runtime go)", dir)
	}
	// The module may be the folder's or one above it, as go finds it.
	abs, _ := filepath.Abs(dir)
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return nil
		}
		if filepath.Dir(d) == d {
			return fmt.Errorf("%s has Go files but no go.mod in it or above it: run `go mod init` and `go mod tidy` there, as `pulumi new` does", dir)
		}
	}
}
