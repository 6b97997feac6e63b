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
	"bytes"
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

	"github.com/strata-infra/strata/architecture"
	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/cost"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/policy"
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
	return cli.Execute(cli.NewRoot(cli.Handlers{Plan: planIt, Check: checkIt, Cost: costIt, Diagram: drawIt}), args, stdout, stderr)
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
	path := f.Suppressions
	if path == "" && f.Project != "" {
		path = filepath.Join(f.Project, policy.SuppressionsFile)
	}
	var sup []policy.Suppression
	if path != "" {
		if sup, err = policy.ReadSuppressions(path); err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.CommandPath(), err)
			return cli.ExitStatus(1)
		}
	}
	return cli.Status(check(p, opts, sup, fromConfig, f.JSON, f.SARIF, cmd.OutOrStdout(), cmd.ErrOrStderr()))
}

func costIt(cmd *cobra.Command, f *cli.Flags) error {
	p, _, _, err := load(cmd, f)
	if err != nil {
		return err
	}
	if f.Diff != "" {
		return cli.Status(diffIt(p, f.Usage, f.Diff, f.JSON, cmd.OutOrStdout(), cmd.ErrOrStderr()))
	}
	return cli.Status(priceIt(p, f.Usage, f.JSON, cmd.OutOrStdout(), cmd.ErrOrStderr()))
}

func drawIt(cmd *cobra.Command, f *cli.Flags) error {
	p, _, _, err := load(cmd, f)
	if err != nil {
		return err
	}
	m := architecture.Read(p)
	var out bytes.Buffer
	switch f.Format {
	case "dot":
		err = m.DOT(&out)
	case "mermaid":
		err = m.Mermaid(&out)
	default:
		err = m.Render(cmd.Context(), f.Format, &out)
	}
	if err == nil && f.Output != "" {
		err = os.WriteFile(f.Output, out.Bytes(), 0o644)
	} else if err == nil {
		_, err = cmd.OutOrStdout().Write(out.Bytes())
	}
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.CommandPath(), err)
		return cli.ExitStatus(2)
	}
	return nil
}

// load plans the stack the flags name, or reads the saved plan; fromConfig
// says the plan is of strata's program from a stack file. The command line
// has passed cli's checks. Problems are printed here; the error carries
// the exit status.
func load(cmd *cobra.Command, f *cli.Flags) (*plan.Plan, plan.Options, bool, error) {
	name := cmd.CommandPath()
	stderr := cmd.ErrOrStderr()
	if f.PlanFile != "" {
		p, err := loadPlan(f.PlanFile)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return nil, plan.Options{}, false, cli.ExitStatus(2)
		}
		return p, plan.Options{Project: p.Project, Stack: p.Stack, Config: p.Config}, ofStrata(p), nil
	}
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

// check runs the checklist and prints the report; 1 means a finding is
// unsuppressed. For a plan of strata's own program (fromConfig), each fix
// names the stack-file keys that make it.
func check(p *plan.Plan, opts plan.Options, sup []policy.Suppression, fromConfig, asJSON, asSARIF bool, stdout, stderr io.Writer) int {
	production := stacks.EnvironmentOf(opts.Project, opts.Stack, opts.Config) == stacks.Production
	rep := policy.Evaluate(p, policy.Options{Production: production, Suppressions: sup})
	if fromConfig {
		rep.InTermsOf(func(setting string) (string, bool) { return stacks.SettingKey(opts.Project, setting) })
	}
	var err error
	switch {
	case asSARIF:
		err = rep.SARIF(stdout)
	case asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	default:
		rep.Text(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "strata check: %v\n", err)
		return 2
	}
	if n := len(rep.Failures()); n > 0 {
		fmt.Fprintf(stderr, "strata check: %d unsuppressed finding(s) in stack %q\n", n, opts.Stack)
		return 1
	}
	return 0
}

// ofStrata reports whether a saved plan is a plan of strata's program from
// a stack file: it holds config in its project's namespace, all of it keys
// strata's loader reads, and strata's components.
func ofStrata(p *plan.Plan) bool {
	var keys []string
	for k := range p.Config {
		if strings.HasPrefix(k, p.Project+":") {
			keys = append(keys, k)
		}
	}
	return len(keys) > 0 && stacks.CheckKeys(p.Project, keys) == nil && len(p.ByType("strata:network:Network")) > 0
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

// priced prices a plan with the usage file (the defaults when empty).
func priced(p *plan.Plan, usageFile string) (*cost.Report, error) {
	prices, err := cost.LoadPrices()
	if err != nil {
		return nil, err
	}
	u, err := cost.ReadUsageFile(usageFile)
	if err != nil {
		return nil, err
	}
	// A stack that is not production is priced with its own, smaller
	// usage (usage.yaml's nonProduction), by the rule check uses.
	production := stacks.EnvironmentOf(p.Project, p.Stack, p.Config) == stacks.Production
	rep, err := cost.Price(p, prices, u.For(production))
	if rep != nil {
		rep.UsageProfile = map[bool]string{true: "production", false: "non-production"}[production]
		rep.Hints = cost.Hints(p, rep, production)
	}
	return rep, err
}

// diffIt prints what the plan's bill changes from a saved report: 0 when
// compared, 1 when the plan cannot be priced, 2 for a file that does not
// read.
func diffIt(p *plan.Plan, usageFile, oldFile string, asJSON bool, stdout, stderr io.Writer) int {
	old, err := cost.ReadReport(oldFile)
	if err != nil {
		fmt.Fprintf(stderr, "strata cost: %v\n", err)
		return 2
	}
	rep, err := priced(p, usageFile)
	if err != nil {
		fmt.Fprintf(stderr, "strata cost: %v\n", err)
		return 1
	}
	d := cost.Compare(old, rep)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			fmt.Fprintf(stderr, "strata cost: %v\n", err)
			return 2
		}
		return 0
	}
	fmt.Fprintf(stdout, "Cost of stack %s against %s, a month:\n\n", p.Stack, oldFile)
	d.Text(stdout, namer(p))
	return 0
}

// namer names a resource of p by its URN: its name, or the URN when p has
// none of it.
func namer(p *plan.Plan) func(urn string) string {
	idx := plan.NewIndex(p)
	return func(urn string) string {
		if r := idx.ByURN(urn); r != nil {
			return r.Name
		}
		return urn
	}
}

// priceIt prints a plan's cost: 0 when priced, 1 when the plan cannot be
// priced (a Region without prices), 2 for a usage file that does not read.
func priceIt(p *plan.Plan, usageFile string, asJSON bool, stdout, stderr io.Writer) int {
	rep, err := priced(p, usageFile)
	if err != nil {
		fmt.Fprintf(stderr, "strata cost: %v\n", err)
		if strings.Contains(err.Error(), "usage file") {
			return 2
		}
		return 1
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "strata cost: %v\n", err)
			return 2
		}
		return 0
	}
	fmt.Fprintf(stdout, "Cost of stack %s in %s (%s, on-demand list prices of %s, %s usage), a month of %d hours:\n\n",
		p.Stack, rep.Region, rep.Currency, rep.PricesDate, rep.UsageProfile, cost.HoursPerMonth)
	if rep.Approximate != "" {
		fmt.Fprintf(stdout, "  APPROXIMATE: %s\n\n", rep.Approximate)
	}
	name := namer(p)
	for _, it := range rep.Items {
		fmt.Fprintf(stdout, "  %9.2f  %-8s  %s: %s (%g %s × %g)\n", it.Monthly, it.Kind, name(it.URN), it.Description, it.Quantity, it.Unit, it.UnitPrice)
	}
	fmt.Fprintf(stdout, "\n  floor     %9.2f  idle, at minimum scale\n  expected  %9.2f  floor plus usage\n  maximum   %9.2f  at maximum scale, plus usage\n",
		rep.Floor, rep.Expected, rep.Maximum)
	if len(rep.Unpriced) > 0 {
		fmt.Fprintf(stdout, "\nUnpriced (not counted): %s\n", strings.Join(rep.Unpriced, ", "))
	}
	if rep.Commitments != nil {
		rep.Commitments.Text(stdout, name)
	}
	if len(rep.Hints) > 0 {
		fmt.Fprintf(stdout, "\nRight-sizing (advice):\n")
		for _, h := range rep.Hints {
			fmt.Fprintf(stdout, "  %9.2f  %s %s\n", h.Saving, name(h.URN), h.Advice)
		}
	}
	if b := rep.Budget; b != nil {
		fmt.Fprintf(stdout, "\nBudget: %.2f %s a month\n", b.LimitUSD, rep.Currency)
		if b.Warning != "" {
			fmt.Fprintf(stderr, "strata cost: warning: %s\n", b.Warning)
		}
	}
	return 0
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

// loadPlan reads a plan saved with strata plan --json.
func loadPlan(file string) (*plan.Plan, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return plan.Load(f)
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

	rep, err := priced(p, "")
	if err != nil {
		rep = nil
	}
	if warnings := warningsOf(p, rep); len(warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, line := range warnings {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}

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
