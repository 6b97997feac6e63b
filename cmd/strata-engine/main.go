// Command strata-engine runs strata's commands: it plans, checks, prices
// and draws Pulumi stacks offline, with no AWS account and no Pulumi CLI.
//
// It is not run by hand: the strata command (cmd/strata) answers help,
// completion and a wrong command line itself, and hands every other
// command line to this engine unchanged (see package internal/cli, which
// both build, and docs/cli.md). The engine links the Pulumi and AWS SDKs
// and the strata program; strata links neither, so it starts in a few
// milliseconds. Run on its own, the engine takes the same command lines
// and prints the same help.
//
// plan reads PATH/Pulumi.yaml and PATH/Pulumi.NAME.yaml with Pulumi's own
// loaders, runs the strata program (package stacks) through the offline plan
// engine, and prints what it would register in one screen: the
// architecture (package architecture), the effective configuration with
// what the stack file set marked, the resources by service, warnings and
// the cost. --details prints the full tree of components and their
// children with their inputs; --json the whole plan as one JSON document.
// Secrets print as [secret]; `secure:` values are decrypted, to be
// validated, only with the stack's passphrase. --program DIR builds the Go Pulumi
// program in DIR, unmodified, and plans it with DIR's Pulumi.yaml and stack
// file against the same engine.
//
// check plans the stack the same way, or reads a plan saved with --json
// (--plan), and runs strata's security checklist (package policy) over it.
// cost prices the plan (package cost). diagram draws the plan's
// architecture as SVG, PNG, DOT or Mermaid (package architecture).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/spf13/cobra"

	"github.com/strata-infra/strata/internal/cli"
	"github.com/strata-infra/strata/internal/report"

	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/cost"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/stacks"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// program is what the CLI plans: the strata program. Tests swap it.
var program pulumi.RunFunc = stacks.Deploy

// thisBuild is the engine's build (cli.BuildID); tests replace it.
var thisBuild = cli.BuildID

// run is the CLI; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	// Run by strata, which says which build it is: refuse another's.
	if front, ok := os.LookupEnv(cli.BuildEnv); ok {
		os.Unsetenv(cli.BuildEnv) // not for the programs --program runs
		if err := cli.SameBuild(front, thisBuild()); err != nil {
			fmt.Fprintf(stderr, "strata: %v\n", err)
			return 2
		}
	}
	// A saved plan (--plan) is read as strata reads it, without the SDK.
	h := report.SavedPlans(cli.Handlers{Plan: planIt, Check: checkIt, Cost: costIt, Diagram: drawIt})
	return cli.Execute(cli.NewRoot(h), args, stdout, stderr)
}

func planIt(cmd *cobra.Command, f *cli.Flags) error {
	p, opts, fromConfig, err := load(cmd, f)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	switch {
	case f.JSON:
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "strata plan: %v\n", err)
			return cli.ExitStatus(2)
		}
	case f.Details:
		printTree(out, p, opts)
	default:
		printSummary(out, p, opts, fromConfig)
	}
	return nil
}

func checkIt(cmd *cobra.Command, f *cli.Flags) error {
	p, opts, fromConfig, err := load(cmd, f)
	if err != nil {
		return err
	}
	return report.CheckCommand(cmd, f, p, opts.Project, opts.Stack, opts.Config, fromConfig)
}

func costIt(cmd *cobra.Command, f *cli.Flags) error {
	p, _, _, err := load(cmd, f)
	if err != nil {
		return err
	}
	return report.CostCommand(cmd, f, p)
}

func drawIt(cmd *cobra.Command, f *cli.Flags) error {
	p, _, _, err := load(cmd, f)
	if err != nil {
		return err
	}
	return report.DiagramCommand(cmd, f, p)
}

// load plans the stack the flags name (a saved plan is report's); fromConfig
// says the plan is of strata's program from a stack file. The command line
// has passed cli's checks. Problems are printed here; the error carries
// the exit status.
func load(cmd *cobra.Command, f *cli.Flags) (*plan.Plan, plan.Options, bool, error) {
	name := cmd.CommandPath()
	stderr := cmd.ErrOrStderr()
	dir := f.Project
	if f.Program != "" {
		if err := plan.IsGoProgram(dir); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return nil, plan.Options{}, false, cli.ExitStatus(2)
		}
	}
	opts, err := plan.StackOptions(dir, f.Stack)
	if fe := (*plan.FileError)(nil); errors.As(err, &fe) {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		if _, statErr := os.Stat(filepath.Join(dir, "Pulumi.yaml")); statErr != nil && !cmd.Flags().Changed("dir") && f.Program == "" {
			fmt.Fprintf(stderr, "no Pulumi.yaml here or in a folder above; run strata in the project or give --dir PATH\n")
		}
		return nil, opts, false, cli.ExitStatus(2)
	}
	var p *plan.Plan
	switch {
	case err != nil: // the config's values are wrong: the stack is refused
	case f.Program != "":
		p, err = planProgram(f.Program, opts)
	default:
		p, err = planStack(opts)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: stack %q cannot be planned:\n", name, f.Stack)
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "  %s\n", line)
		}
		return nil, opts, false, cli.ExitStatus(1)
	}
	return p, opts, f.Program == "", nil
}

// planStack checks the stack config's keys and plans the strata program.
func planStack(opts plan.Options) (*plan.Plan, error) {
	keysErr := stacks.CheckKeys(opts.Project, slices.Collect(maps.Keys(opts.Config)))
	p, err := plan.Run(program, opts)
	if err = errors.Join(keysErr, err); err != nil {
		return nil, err
	}
	return p, nil
}

// planProgram builds the Go program in dir and plans it with dir's stack.
func planProgram(dir string, opts plan.Options) (*plan.Plan, error) {
	// Built once per change of the program: plan, check, cost and diagram
	// of an unchanged program reuse the binary.
	bin, _, err := plan.BuildOnce(context.Background(), dir)
	if err != nil {
		return nil, err
	}
	return plan.RunProgram(bin, dir, opts, 0)
}

// printTree prints the config, the resources as a tree under their parents
// with their inputs, the outputs and a count by type.
func printTree(w io.Writer, p *plan.Plan, opts plan.Options) {
	fmt.Fprintf(w, "Plan of stack %s (project %s): %d resources\n\nConfig:\n", p.Stack, p.Project, len(p.Resources))
	for _, k := range plan.SortedKeys(opts.Config) {
		v := opts.Config[k]
		if slices.Contains(opts.SecretKeys, k) {
			v = plan.SecretText
		} else if v == "" {
			v = `""`
		}
		fmt.Fprintf(w, "  %s = %s\n", k, v)
	}
	printUndecrypted(w, opts)
	fmt.Fprintln(w, "\nResources:")
	idx := plan.NewIndex(p)
	byURN := map[string]bool{}
	for _, r := range p.Resources {
		byURN[r.URN] = true
	}
	var walk func(parent, indent string)
	walk = func(parent, indent string) {
		kids := idx.Children(parent)
		for i, r := range kids {
			branch, more := "├─ ", "│  "
			if i == len(kids)-1 {
				branch, more = "└─ ", "   "
			}
			fmt.Fprintf(w, "%s%s%s %q%s\n", indent, branch, r.Type, r.Name, marks(r))
			for _, line := range inputLines(r.Inputs) {
				fmt.Fprintf(w, "%s%s    %s\n", indent, more, line)
			}
			walk(r.URN, indent+more)
		}
	}
	roots := map[string]bool{}
	for _, r := range p.Resources {
		if !byURN[r.Parent] && !roots[r.Parent] {
			roots[r.Parent] = true
			fmt.Fprintf(w, "pulumi:pulumi:Stack %q\n", p.Project+"-"+p.Stack)
			walk(r.Parent, "")
		}
	}

	rep := printWarnings(w, p)

	fmt.Fprintln(w, "\nOutputs:")
	for _, k := range plan.SortedKeys(p.Outputs) {
		fmt.Fprintf(w, "  %s = %s\n", k, short(p.Outputs[k]))
	}
	if rep != nil {
		fmt.Fprintf(w, "\nCost: floor %.2f %s a month, expected %.2f (strata cost for the lines)\n", rep.Floor, rep.Currency, rep.Expected)
	}
	fmt.Fprintf(w, "\nSummary: %d resources\n", len(p.Resources))
	counts := p.CountByType()
	for _, typ := range plan.SortedKeys(counts) {
		fmt.Fprintf(w, "  %4d  %s\n", counts[typ], typ)
	}
}

func marks(r *plan.Resource) string {
	var m []string
	if r.ID != "" {
		m = append(m, r.ID)
	}
	if r.Protect {
		m = append(m, "protected")
	}
	if r.Remote {
		m = append(m, "remote component: its children are created by its provider")
	}
	if len(m) == 0 {
		return ""
	}
	return " [" + strings.Join(m, ", ") + "]"
}

// inputLines flattens inputs into "path: value" lines.
func inputLines(inputs map[string]any) []string {
	var lines []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if len(v) == 0 {
				lines = append(lines, prefix+": {}")
			}
			for _, k := range plan.SortedKeys(v) {
				walk(join(prefix, k), v[k])
			}
		case []any:
			if scalars(v) {
				lines = append(lines, prefix+": "+short(v))
				return
			}
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", prefix, i), e)
			}
		default:
			lines = append(lines, prefix+": "+short(v))
		}
	}
	for _, k := range plan.SortedKeys(inputs) {
		walk(k, inputs[k])
	}
	return lines
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func scalars(v []any) bool {
	for _, e := range v {
		switch e.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// short renders a value on one line, at most 160 characters.
func short(v any) string {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = short(e)
		}
		s = "[" + strings.Join(parts, ", ") + "]"
	case nil:
		s = "null"
	default:
		s = fmt.Sprint(v)
	}
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// printWarnings prices p (nil when it cannot be priced) and prints its
// warnings.
func printWarnings(w io.Writer, p *plan.Plan) *cost.Report {
	rep, err := report.Priced(p, "")
	if err != nil {
		rep = nil
	}
	if warnings := warningsOf(p, rep); len(warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, line := range warnings {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	return rep
}

// warningsOf lists the budget's warning from the plan's price (rep, nil
// when it could not be priced), the warnings the program logged
// (ctx.Log.Warn) and the resources a component marked with a weakness the
// stack chose (appservice.WarningTag), such as plain HTTP.
func warningsOf(p *plan.Plan, rep *cost.Report) []string {
	var out []string
	if rep != nil && rep.Budget != nil && rep.Budget.Warning != "" {
		out = append(out, "budget: "+rep.Budget.Warning)
	}
	for _, d := range p.Diagnostics {
		if d.Severity == "warning" {
			out = append(out, d.Message)
		}
	}
	for _, r := range p.Resources {
		if w, ok := r.Input("tags." + appservice.WarningTag); ok {
			out = append(out, fmt.Sprintf("%s %q: %v", r.Type, r.Name, w))
		}
	}
	return out
}
