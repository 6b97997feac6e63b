// Command strata plans, checks and prices Pulumi stacks offline, with no
// AWS account and no Pulumi CLI.
//
// Usage:
//
//	strata plan --stack NAME [--details | --json] [--dir PATH | --program DIR]
//	strata check --stack NAME [--json | --sarif] [--dir PATH | --program DIR]
//	strata check --plan FILE [--json | --sarif]
//	strata cost --stack NAME [--json] [--usage FILE] [--dir PATH | --program DIR]
//	strata cost --plan FILE [--json] [--usage FILE]
//	strata diagram (--stack NAME | --plan FILE) [--format svg|png|dot|mermaid] [-o FILE]
//	strata help [COMMAND]
//	strata completion bash|zsh|fish|powershell
//
// plan reads PATH/Pulumi.yaml and PATH/Pulumi.NAME.yaml with Pulumi's own
// loaders, runs the strata program through the offline plan engine, and
// prints what it would register in one screen; check runs strata's
// security checklist over that plan; cost prices it; diagram draws its
// architecture. Without --dir, strata looks for Pulumi.yaml in the
// working folder and then in each folder above it, as pulumi does.
// docs/cli.md is the reference.
//
// Every command exits with one scheme: 0 when it did its work and the
// stack passes; 1 when the stack is refused: its config does not validate
// or the program fails (every problem is listed on stderr), or check finds
// an unsuppressed problem; 2 when the command could not run: a usage error,
// an unknown stack, a stack file or plan file that cannot be read, a
// --program folder that holds no Go program, output that cannot be
// written, an engine that cannot be found. Help (strata help, strata help
// plan, strata plan --help) prints to stdout and exits 0.
//
// # Two binaries
//
// strata itself links cobra, the standard library and what reads a plan
// as data (internal/cli, internal/report, plan/model): help, shell
// completion (`strata completion bash`, zsh, fish, powershell), a command
// line it cannot run, and check, cost and diagram of a saved plan (--plan)
// are answered here, in milliseconds. Every other command line it accepts
// is handed, unchanged, to the engine, strata-engine (cmd/strata-engine), which
// links the Pulumi and AWS SDKs and does the work: on Unix strata
// replaces itself with it (exec), so the engine's exit status and signals
// are the command's. strata finds the engine, in this order:
//
//  1. the file STRATA_ENGINE names, when it is set;
//  2. strata-engine beside strata's own executable, where `go install
//     github.com/strata-infra/strata/cmd/...` and `go build -o DIR
//     ./cmd/...` put it;
//  3. when strata was built from a checkout of its module (go run
//     ./cmd/strata, go build), runs in it and the go command is on PATH:
//     that checkout's
//     cmd/strata-engine, built once for what determines it into the cache
//     (package gobuild: <user cache>/strata/engines, or STRATA_CACHE_DIR);
//  4. strata-engine on PATH.
//
// With none, strata exits 2 and says how to install it. strata tells the
// engine its build (a version, or a clean commit); an engine of another
// build refuses to run (exit 2) rather than mix two versions.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/strata-infra/strata/internal/cli"
	"github.com/strata-infra/strata/internal/gobuild"
	"github.com/strata-infra/strata/internal/report"
)

// engineName is the engine's executable, beside strata or on PATH.
const engineName = "strata-engine"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is strata: help, completion and usage here, the rest in the engine.
func run(args []string, stdout, stderr io.Writer) int {
	handoff := func(cmd *cobra.Command, _ *cli.Flags) error {
		return cli.Status(runEngine(cmd.Context(), args, stdout, stderr))
	}
	// check, cost and diagram of a saved plan need no SDK: they run here.
	h := report.SavedPlans(cli.Handlers{Plan: handoff, Check: handoff, Cost: handoff, Diagram: handoff})
	return cli.Execute(cli.NewRoot(h), args, stdout, stderr)
}

// runEngine runs the engine on args and returns its exit status; on Unix,
// with the process's own output, it never returns: the engine replaces
// strata.
func runEngine(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	bin, err := findEngine(ctx, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "strata: %v\n", err)
		return 2
	}
	// The build is strata's to say: one set outside is dropped.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, cli.BuildEnv+"=") })
	if id := cli.BuildID(); id != "" {
		env = append(env, cli.BuildEnv+"="+id)
	}
	if stdout == io.Writer(os.Stdout) && stderr == io.Writer(os.Stderr) {
		// Returns only where exec is not to be had (Windows) or fails;
		// then the engine runs as a child, which reports any failure.
		_ = syscall.Exec(bin, append([]string{bin}, args...), env)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	case err != nil:
		fmt.Fprintf(stderr, "strata: running the engine %s: %v\n", bin, err)
		return 2
	}
	return 0
}

// findEngine is the engine's path, found as the package doc says.
func findEngine(ctx context.Context, stderr io.Writer) (string, error) {
	if p := os.Getenv("STRATA_ENGINE"); p != "" {
		if !isFile(p) {
			return "", fmt.Errorf("STRATA_ENGINE is %s, which is not a file", p)
		}
		return p, nil
	}
	self, err := os.Executable()
	if err == nil {
		if s, err := filepath.EvalSymlinks(self); err == nil {
			self = s
		}
		if p := filepath.Join(filepath.Dir(self), engineName+exeSuffix()); isFile(p) {
			return p, nil
		}
	}
	if root := checkout(); root != "" && hasGo() {
		bin, _, err := gobuild.Once(ctx, root, "./cmd/"+engineName, "engines", 2, func() {
			fmt.Fprintf(stderr, "strata: building its engine from %s, once for these sources (seconds on a warm Go build cache, minutes on a cold one)\n", root)
		})
		if err != nil {
			return "", fmt.Errorf("the engine: %w", err)
		}
		return bin, nil
	}
	if p, err := exec.LookPath(engineName); err == nil {
		return p, nil
	}
	where := "beside " + self
	if err != nil {
		where = "beside strata"
	}
	return "", fmt.Errorf("its engine, %s, is not %s or on PATH: install both with `go install github.com/strata-infra/strata/cmd/...@latest` (or set STRATA_ENGINE to its path)", engineName, where)
}

// checkout is the root of the checkout of strata's module that this
// binary was built from and runs in (the working folder or one above it),
// or "" for a binary installed at a version or run elsewhere.
func checkout() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version != "(devel)" || bi.Main.Path == "" {
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		if modulePath(filepath.Join(d, "go.mod")) == bi.Main.Path {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// hasGo says the go command is on PATH, to build the engine with.
func hasGo() bool {
	_, err := exec.LookPath("go")
	return err == nil
}

// modulePath is the module a go.mod declares, or "".
func modulePath(gomod string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func exeSuffix() string {
	if filepath.Separator == '\\' {
		return ".exe"
	}
	return ""
}
