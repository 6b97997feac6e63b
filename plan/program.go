package plan

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/gobuild"
)

// DefaultProgramTimeout is how long RunProgram lets a built program run.
const DefaultProgramTimeout = 2 * time.Minute

// Build compiles the Go Pulumi program in dir, unmodified, to a binary in a
// new temporary folder, and returns its path. The caller removes the
// folder (filepath.Dir of the path) when done.
func Build(ctx context.Context, dir string) (string, error) {
	out, err := os.MkdirTemp("", "strata-program-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(out, "program")
	if err := gobuild.Build(ctx, dir, bin, "."); err != nil {
		_ = os.RemoveAll(out)
		return "", fmt.Errorf("plan: %w", err)
	}
	return bin, nil
}

// RunProgram plans a built Go Pulumi program (see Build), run from dir as a
// Pulumi language host runs it under `pulumi preview`: with PULUMI_MONITOR
// and PULUMI_ENGINE naming plan's engine on loopback, the project, stack,
// organization, config and secret keys of opts, and PULUMI_DRY_RUN. It is
// the same engine Run uses in-process. The program is stopped after
// timeout (DefaultProgramTimeout when 0).
func RunProgram(bin, dir string, opts Options, timeout time.Duration) (*Plan, error) {
	opts = opts.withDefaults()
	e, srv, stop, err := start(opts)
	if err != nil {
		return nil, err
	}
	defer stop()

	config, err := json.Marshal(opts.Config)
	if err != nil {
		return nil, err
	}
	keys := opts.SecretKeys
	if keys == nil {
		keys = []string{}
	}
	secretKeys, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(timeout, DefaultProgramTimeout))
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		pulumi.EnvMonitor+"="+srv.addr, pulumi.EnvEngine+"="+srv.addr,
		pulumi.EnvProject+"="+opts.Project, pulumi.EnvStack+"="+opts.Stack, pulumi.EnvOrganization+"="+opts.Organization,
		pulumi.EnvConfig+"="+string(config), pulumi.EnvConfigSecretKeys+"="+string(secretKeys),
		pulumi.EnvDryRun+"="+fmt.Sprint(!opts.Update), pulumi.EnvParallel+"=16",
	)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	runErr := cmd.Run()
	p := e.plan()
	switch {
	case ctx.Err() != nil:
		return p, fmt.Errorf("plan: the program in %s did not finish within %s", dir, cmp.Or(timeout, DefaultProgramTimeout))
	case runErr != nil:
		// A failing program logs its errors through the engine and exits 32.
		var lines []error
		for _, d := range p.Diagnostics {
			if d.Severity == "error" {
				lines = append(lines, errors.New(strings.TrimSpace(d.Message)))
			}
		}
		if len(lines) == 0 {
			lines = append(lines, fmt.Errorf("the program in %s failed: %v\n%s", dir, runErr, strings.TrimSpace(stderr.String())))
		}
		return p, e.result(errors.Join(lines...))
	}
	return p, e.err()
}
