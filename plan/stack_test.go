package plan_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

// stackDir writes a project demo and its stack dev.
func stackDir(t *testing.T, stackFile string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"Pulumi.yaml": "name: demo\nruntime: go\n", "Pulumi.dev.yaml": stackFile} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// unsetenv unsets an environment variable for the test, restoring it after.
func unsetenv(t *testing.T, key string) {
	t.Helper()
	t.Setenv(key, "")
	os.Unsetenv(key)
}

func TestStackOptionsDecryptsWithThePassphrase(t *testing.T) {
	dir := stackDir(t, plantest.PassphraseStack(t, "correct horse", map[string]string{"demo:owner": "team"}, map[string]string{"demo:token": "s3cr3t-value"}))

	t.Setenv(plan.EnvPassphrase, "correct horse")
	opts, err := plan.StackOptions(dir, "dev")
	if err != nil {
		t.Fatalf("StackOptions() error = %v", err)
	}
	if got := opts.Config["demo:token"]; got != "s3cr3t-value" {
		t.Errorf("with the passphrase, demo:token = %q, want the decrypted value", got)
	}
	if strings.Join(opts.SecretKeys, ",") != "demo:token" || len(opts.Undecrypted) != 0 {
		t.Errorf("SecretKeys = %v, Undecrypted = %v; want the key secret and nothing undecrypted", opts.SecretKeys, opts.Undecrypted)
	}

	// The passphrase from a file, as PULUMI_CONFIG_PASSPHRASE_FILE gives it.
	file := filepath.Join(t.TempDir(), "phrase")
	if err := os.WriteFile(file, []byte("correct horse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unsetenv(t, plan.EnvPassphrase)
	t.Setenv(plan.EnvPassphraseFile, file)
	if opts, err = plan.StackOptions(dir, "dev"); err != nil || opts.Config["demo:token"] != "s3cr3t-value" {
		t.Errorf("with the passphrase file: %v, %q", err, opts.Config["demo:token"])
	}

	// A wrong passphrase is a file error that says so, not a placeholder.
	t.Setenv(plan.EnvPassphrase, "wrong")
	_, err = plan.StackOptions(dir, "dev")
	var fe *plan.FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "incorrect passphrase for Pulumi.dev.yaml") {
		t.Errorf("wrong passphrase: error = %v, want a FileError naming the stack file", err)
	}
}

func TestStackOptionsWithoutThePassphraseListsWhatItCouldNotDecrypt(t *testing.T) {
	dir := stackDir(t, plantest.PassphraseStack(t, "correct horse", nil, map[string]string{"demo:token": "s3cr3t-value", "demo:other": "x"}))
	unsetenv(t, plan.EnvPassphrase)
	unsetenv(t, plan.EnvPassphraseFile)
	opts, err := plan.StackOptions(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Config["demo:token"] != plan.SecretPlaceholder || strings.Join(opts.Undecrypted, ",") != "demo:other,demo:token" {
		t.Errorf("token = %q, Undecrypted = %v; want the placeholder and both keys", opts.Config["demo:token"], opts.Undecrypted)
	}
}

// A stack file that is not YAML is refused at the line and column of the
// mistake, with the lines before it; Pulumi's loader named the line the
// enclosing construct started on, counted from 0.
func TestStackOptionsNamesTheLineOfAYAMLMistake(t *testing.T) {
	for _, tt := range []struct{ body, want string }{
		{"config:\n  demo:owner: team\n  demo:db:\n    minAcu: 1\n   maxAcu: 4\n", "Pulumi.dev.yaml:5:4: invalid YAML: value is not allowed in this context"},
		{"config:\n  demo:owner: [team\n  demo:costCenter: x\n", "Pulumi.dev.yaml:3:3: invalid YAML: ',' or ']' must be specified"},
		{"config:\n  demo:owner: team\n\tdemo:costCenter: x\n", "Pulumi.dev.yaml:3:1: invalid YAML"},
	} {
		_, err := plan.StackOptions(stackDir(t, tt.body), "dev")
		var fe *plan.FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "> ") {
			t.Errorf("StackOptions(%q) error = %v, want a FileError with %q and the source", tt.body, err, tt.want)
		}
	}
}

// A top-level key Pulumi does not read is refused at its line, with the
// one meant; secure values the passphrase cannot decrypt for want of a
// salt say so, naming the keys.
func TestStackOptionsRefusesWhatNothingReads(t *testing.T) {
	_, err := plan.StackOptions(stackDir(t, "config:\n  demo:owner: team\nconfg:\n  demo:costCenter: x\n"), "dev")
	var fe *plan.FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), `Pulumi.dev.yaml:3:1: unknown top-level key "confg": did you mean "config"?`) {
		t.Errorf("a misspelled top level: error = %v", err)
	}

	salted := plantest.PassphraseStack(t, "correct horse", nil, map[string]string{"demo:token": "s3cr3t-value"})
	var unsalted []string
	for _, line := range strings.Split(salted, "\n") {
		if !strings.HasPrefix(line, "encryptionsalt:") {
			unsalted = append(unsalted, line)
		}
	}
	t.Setenv(plan.EnvPassphrase, "correct horse")
	_, err = plan.StackOptions(stackDir(t, strings.Join(unsalted, "\n")), "dev")
	if err == nil || !strings.Contains(err.Error(), "holds secure values (demo:token) but no encryptionsalt, so PULUMI_CONFIG_PASSPHRASE cannot decrypt them") {
		t.Errorf("secure values without a salt: error = %v", err)
	}
}

// What Pulumi's loaders report without a position gets one: bytes that
// are not UTF-8, an alias bomb, a file that is a list.
func TestStackOptionsPlacesShapeMistakes(t *testing.T) {
	bomb := "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nconfig: {}\n"
	for _, tt := range []struct{ project, stack, want string }{
		{"name: demo\nruntime: go\n", "config:\n  demo:owner: \xff\xfe\n", "Pulumi.dev.yaml:2:15: invalid YAML: byte 0xff is not UTF-8"},
		{"name: demo\nruntime: go\n", bomb, "Pulumi.dev.yaml:2:1: invalid YAML: its aliases (*name) expand"},
		{"name: demo\nruntime: go\n", "- config\n", "Pulumi.dev.yaml:1:1: Pulumi.dev.yaml must be a mapping of keys (config:, encryptionsalt:, …), got a list"},
		{"- name: demo\n- runtime: go\n", "config: {}\n", "Pulumi.yaml:1:1: Pulumi.yaml must be a mapping of keys (name:, runtime:, config:, …), got a list"},
	} {
		dir := t.TempDir()
		for name, body := range map[string]string{"Pulumi.yaml": tt.project, "Pulumi.dev.yaml": tt.stack} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := plan.StackOptions(dir, "dev")
		var fe *plan.FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error = %v, want a FileError with %q", err, tt.want)
		}
	}
}
