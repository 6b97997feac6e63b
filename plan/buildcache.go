package plan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/strata-infra/strata/internal/gobuild"
)

// BuildOnce returns the program of the Go Pulumi project in dir, built at
// most once for what determines it, as Pulumi's Go language host builds
// it: the binary runtime.options.binary of Pulumi.yaml names, when it
// does (plan builds nothing, as Pulumi does not); otherwise the
// package runtime.options.buildTarget names (default "."), built into the
// user's cache directory (strata/programs/<key>; STRATA_CACHE_DIR
// replaces <cache>/strata) under a key of what go build reads (package
// gobuild): the Go version and environment, go.mod, go.sum and the source
// and embedded files of the packages it builds from its own module and
// local replacements. An unchanged program is not built again, whatever
// else changes beside it (a stack file, a binary built there); cached says
// it was not built.
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
	bin, cached, err = gobuild.Once(ctx, dir, target, "programs", keptPrograms, nil)
	if err != nil {
		return "", false, fmt.Errorf("plan: %w", err)
	}
	return bin, cached, nil
}

// keptPrograms is how many built programs the cache keeps: each is a
// linked Pulumi program of 100 MB or so.
const keptPrograms = 8

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
