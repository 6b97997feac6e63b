package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-infra/strata/internal/gobuild"
)

func strata(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// fakeEngine is an engine that writes the arguments it got to a file and
// exits with 3, so a test sees what strata handed over and that the
// engine's status is strata's.
func fakeEngine(t *testing.T) (bin, got string) {
	t.Helper()
	dir := t.TempDir()
	got = filepath.Join(dir, "args")
	bin = filepath.Join(dir, "engine")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + got + "\nprintf '%s' \"$STRATA_BUILD\" > " + got + ".build\necho engine output\necho engine says >&2\nexit 3\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, got
}

// TestHandsOverToTheEngine: a command line strata accepts reaches the
// engine unchanged, with its output and exit status; help, completion, a
// wrong command line and a saved plan (--plan) never do.
func TestHandsOverToTheEngine(t *testing.T) {
	bin, got := fakeEngine(t)
	t.Setenv("STRATA_ENGINE", bin)
	t.Setenv("STRATA_BUILD", "v0.0.1-set-by-hand") // strata's to say, not the caller's
	t.Chdir(t.TempDir())
	for _, args := range [][]string{
		{"plan", "--stack", "dev", "--dir", "../x"},
		{"check", "--stack", "dev", "--sarif"},
		{"cost", "--stack=prod", "--usage", "u.yaml", "--json"},
		{"diagram", "--stack", "prod", "--program", "../p", "--format", "mermaid", "-o", "d.md"},
	} {
		_ = os.Remove(got)
		code, out, errOut := strata(t, args...)
		handed, _ := os.ReadFile(got)
		if code != 3 || out != "engine output\n" || errOut != "engine says\n" || string(handed) != strings.Join(args, "\n")+"\n" {
			t.Errorf("strata %v = %d, %q, %q; the engine got %q; want 3, its output and the arguments unchanged", args, code, out, errOut, handed)
		}
		if build, _ := os.ReadFile(got + ".build"); len(build) > 0 {
			t.Errorf("strata %v handed on a STRATA_BUILD it did not set: %q", args, build)
		}
	}
	for _, args := range [][]string{
		{"help"}, {"help", "plan"}, {"plan", "--help"}, {"completion", "bash"}, {"__complete", "check", "--format"},
		{"plan"}, {"plan", "--stack", "dev", "--json", "--details"}, {"diagram", "--plan", "p.json", "--format", "gif"},
		{"check", "--plan", "p.json", "--stack", "dev"}, {"nonsense"}, {"plan", "--stack"},
		{"check", "--plan", "missing.json"}, {"cost", "--plan", "missing.json"}, {"diagram", "--plan", "missing.json"},
	} {
		_ = os.Remove(got)
		code, _, errOut := strata(t, args...)
		if _, err := os.Stat(got); err == nil || code == 3 {
			t.Errorf("strata %v = %d reached the engine (stderr %q)", args, code, errOut)
		}
	}
}

// TestHelpWithoutAnEngine: help, completion and usage errors are
// answered with no engine anywhere; a command that needs one says how to
// install it and exits 2.
func TestHelpWithoutAnEngine(t *testing.T) {
	pkg, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("STRATA_ENGINE", "")
	t.Setenv("PATH", t.TempDir())
	t.Chdir(t.TempDir()) // no checkout of strata here
	for _, tt := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"help"}, 0, "plan      what a stack"},
		{[]string{"help", "cost"}, 0, "cost prices the plan"},
		{[]string{"diagram", "-h"}, 0, "--format FORMAT"},
		{[]string{"completion", "zsh"}, 0, "strata"},
		{[]string{"plan"}, 2, ""},
	} {
		code, out, errOut := strata(t, tt.args...)
		if code != tt.code || !strings.Contains(out, tt.out) {
			t.Errorf("strata %v = %d, stderr %q; want %d and %q in:\n%s", tt.args, code, errOut, tt.code, tt.out, out)
		}
	}
	code, out, errOut := strata(t, "plan", "--stack", "dev")
	if code != 2 || out != "" || !strings.Contains(errOut, "strata-engine, is not beside") || !strings.Contains(errOut, "go install github.com/strata-infra/strata/cmd/...@latest") {
		t.Errorf("no engine: %d, %q, %q; want 2 and how to install it", code, out, errOut)
	}
	// In a checkout of strata but without the go command to build its
	// engine: the same advice, not a failed build.
	t.Chdir(filepath.Join(pkg, "..", ".."))
	if checkout() == "" {
		t.Fatal("the test binary does not see the checkout it was built from")
	}
	if code, _, errOut := strata(t, "plan", "--stack", "dev"); code != 2 || !strings.Contains(errOut, "strata-engine, is not beside") {
		t.Errorf("a checkout without go: %d, %q; want 2 and how to install it", code, errOut)
	}
	t.Setenv("STRATA_ENGINE", filepath.Join(t.TempDir(), "gone"))
	if code, _, errOut := strata(t, "cost", "--stack", "dev"); code != 2 || !strings.Contains(errOut, "STRATA_ENGINE is ") {
		t.Errorf("STRATA_ENGINE naming no file: %d, %q", code, errOut)
	}
}

// TestEngineBuiltFromTheCheckout: run in a checkout of strata's module,
// strata builds that checkout's cmd/strata-engine once for its sources
// and reuses it until they change.
func TestEngineBuiltFromTheCheckout(t *testing.T) {
	if checkout() == "" && modulePath("../../go.mod") != "" {
		t.Chdir("../..")
	}
	root := checkout()
	if root == "" {
		t.Skip("this test binary was not built from a checkout of its module")
	}
	t.Setenv("STRATA_ENGINE", "")
	t.Setenv("PATH", os.Getenv("PATH"))
	t.Setenv("STRATA_CACHE_DIR", t.TempDir())
	var builds []string
	real := gobuild.Build
	gobuild.Build = func(_ context.Context, dir, out, target string) error {
		builds = append(builds, dir+" "+target)
		return os.WriteFile(out, []byte("#!/bin/sh\n"), 0o755)
	}
	t.Cleanup(func() { gobuild.Build = real })
	var said bytes.Buffer
	first, err := findEngine(context.Background(), &said)
	if err != nil || len(builds) != 1 || builds[0] != root+" ./cmd/strata-engine" || !strings.Contains(said.String(), "building its engine from "+root) {
		t.Fatalf("first: %s, %v, builds %v, said %q; want cmd/strata-engine of %s built", first, err, builds, said.String(), root)
	}
	said.Reset()
	again, err := findEngine(context.Background(), &said)
	if err != nil || again != first || len(builds) != 1 || said.Len() != 0 {
		t.Errorf("again: %s, %v, builds %v, said %q; want the same engine, not built again, nothing said", again, err, builds, said.String())
	}
}

// TestStartsWithoutTheSDKs guards strata's start-up: it links no
// package of Pulumi, the AWS SDKs, gRPC or protobuf, whose initialisation
// every command would pay (docs/performance.md: strata-engine help), and none
// of strata's that does: plan (plan/model is data only), stacks (but
// stacks/keys) and the components.
func TestStartsWithoutTheSDKs(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	var heavy []string
	const strata = "github.com/strata-infra/strata/"
	for _, pkg := range strings.Fields(string(out)) {
		for _, prefix := range []string{"github.com/pulumi/", "google.golang.org/", "github.com/aws/", strata + "components/"} {
			if strings.HasPrefix(pkg, prefix) {
				heavy = append(heavy, pkg)
			}
		}
		if pkg == strata+"plan" || pkg == strata+"stacks" {
			heavy = append(heavy, pkg)
		}
	}
	if len(heavy) > 0 {
		t.Errorf("strata links %s: keep them in the engine (cmd/strata-engine)", strings.Join(heavy, ", "))
	}
}
