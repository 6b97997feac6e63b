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
// loaders, runs the strata program (package stacks) through the offline plan
// engine, and prints what it would register in one screen: the
// architecture (package architecture), the effective configuration with
// what the stack file set marked, the resources by service, warnings and
// the cost. --details prints the full tree of components and their
// children with their inputs; --json the whole plan as one JSON document.
// Secrets print as [secret]; `secure:` values are decrypted, to be
// validated, only with the stack's passphrase. --program DIR builds the Go Pulumi
// program in DIR, unmodified, and plans it with DIR's Pulumi.yaml and stack
// file against the same engine. Without --dir, strata looks for Pulumi.yaml
// in the working folder and then in each folder above it, as pulumi does.
//
// check plans the stack the same way, or reads a plan saved with --json
// (--plan), and runs strata's security checklist (package policy) over it:
// every check with its result, each finding with the resource's URN and
// the fix, suppressed findings with their justification. --json prints the
// report as JSON, --sarif as SARIF 2.1.0 for code-scanning tools.
//
// diagram draws the plan's architecture as SVG, PNG, DOT or Mermaid.
//
// cost prices the plan: line items and the monthly floor, expected and
// maximum (package cost).
//
// Every command exits with one scheme: 0 when it did its work and the
// stack passes; 1 when the stack is refused: its config does not validate
// or the program fails (every problem is listed on stderr), or check finds
// an unsuppressed problem; 2 when the command could not run: a usage error,
// an unknown stack, a stack file or plan file that cannot be read, a
// --program folder that holds no Go program, output that cannot be
// written. Help
// (strata help, strata help plan, strata plan --help) prints to stdout and
// exits 0.
//
// The CLI is built on cobra, as Pulumi's is: `strata completion bash` (or
// zsh, fish, powershell) prints a shell completion script, which completes
// commands, flags and the stack names beside Pulumi.yaml.
package main

import (
	"bytes"
	"cmp"
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

// exitStatus ends a command with a status; the command has already said
// why on stderr.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// recorder passes output on and keeps the first error writing it.
type recorder struct {
	w   io.Writer
	err error
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.w.Write(b)
	if err != nil {
		r.err = err
	}
	return n, err
}

// usageError is a command line strata cannot run: exit 2 with the message
// and the command's usage on stderr.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// run is the CLI; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	out := &recorder{w: stdout}
	root.SetOut(out)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	// Output that could not be written is a command that could not do its
	// work, whatever it found: 2, as for an unwritable -o file.
	var status exitStatus
	if out.err != nil {
		if !errors.As(err, &status) || status != 2 { // 2: the command said so itself
			fmt.Fprintf(stderr, "%s: writing the output: %v\n", cmd.CommandPath(), out.err)
		}
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.As(err, &status):
		return int(status)
	}
	// Everything else is the command line: an unknown command or flag, a
	// flag without its value, flags that do not go together.
	fmt.Fprintf(stderr, "%s: %v\n\n%s", cmd.CommandPath(), err, cmd.UsageString())
	return 2
}

const exitText = `Exit status: 0 done and the stack passes; 1 the stack is refused (config
that does not validate, a failing program, an unsuppressed finding); 2 the
command could not run (usage, unknown stack, unreadable file, a folder
that is not a Go program, output that cannot be written).`

// newRoot is the strata command and its subcommands.
func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:                   "strata",
		DisableFlagsInUseLine: true,
		Short:                 "Plan, check and price Pulumi stacks offline",
		Long: `strata plans, checks and prices the stacks of a Pulumi program offline,
with no AWS account and no Pulumi CLI.

  plan      what a stack of the strata program would register
  check     strata's security checklist over that plan
  cost      its price: line items and the monthly floor, expected and maximum
  diagram   a picture of its architecture: SVG, PNG, DOT or Mermaid

` + exitText,
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("give a command")
		},
	}
	root.AddCommand(planCommand(), checkCommand(), costCommand(), diagramCommand())
	root.SetHelpCommand(&cobra.Command{
		Use:                   "help [command]",
		DisableFlagsInUseLine: true,
		Short:                 "Help about a command",
		Args:                  cobra.MaximumNArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			for _, c := range root.Commands() {
				if c.IsAvailableCommand() {
					names = append(names, c.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				var names []string
				for _, c := range root.Commands() {
					if c.IsAvailableCommand() {
						names = append(names, c.Name())
					}
				}
				return usagef("no command %q (commands: %s)", strings.Join(args, " "), strings.Join(names, ", "))
			}
			return target.Help()
		},
	})
	return root
}

// flags are the flags of plan, check and cost; each command defines those
// it takes.
type flags struct {
	stack, dir, program, planFile, usage string
	suppressions, diff                   string
	// project is the folder load found the project in ("" for a saved plan).
	project              string
	format, output       string
	json, sarif, details bool
}

// common adds the flags every command takes.
func (f *flags) common(cmd *cobra.Command, what string) {
	cmd.DisableFlagsInUseLine = true
	cmd.Flags().StringVar(&f.stack, "stack", "", "the stack: Pulumi.`NAME`.yaml beside Pulumi.yaml")
	if what != "" {
		cmd.Flags().BoolVar(&f.json, "json", false, "print the "+what+" as JSON")
	}
	cmd.Flags().StringVar(&f.dir, "dir", "", "the folder `PATH` of strata's Pulumi.yaml (default: the working folder, or the nearest folder above it with one)")
	cmd.Flags().StringVar(&f.program, "program", "", "build the Go Pulumi program in `DIR`, unmodified, and plan it with DIR's Pulumi.yaml and stack file")
	_ = cmd.RegisterFlagCompletionFunc("stack", func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		dir := cmp.Or(f.dir, ".")
		if f.program != "" {
			dir = f.program
		} else if !cmd.Flags().Changed("dir") {
			dir = findProject(dir)
		}
		return plan.Stacks(dir), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.MarkFlagDirname("dir")
	_ = cmd.MarkFlagDirname("program")
}

// savedPlan adds --plan, for the commands that read a saved plan.
func (f *flags) savedPlan(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.planFile, "plan", "", "read a plan saved with strata plan --json (`FILE`) instead of planning a stack")
	_ = cmd.MarkFlagFilename("plan", "json")
}

func planCommand() *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "plan --stack NAME [--details | --json] [--dir PATH | --program DIR]",
		Short: "Print what a stack would register",
		Long: `plan reads Pulumi.yaml and Pulumi.NAME.yaml with Pulumi's own loaders, runs
the strata program through the offline plan engine, and prints what it
would register, in one screen: the stack, its profile, Region and account;
the architecture, one line per element (the VPC with its AZs, subnets and
NAT, each service, function, API, database, table, bucket, the budget and
the baseline) and who can reach whom; the effective configuration with
what the stack file set marked *; the resources by AWS service; warnings;
and the monthly cost. --details prints the full tree of components and
their children with their inputs, the outputs and a count by type; --json
the whole plan as one JSON document. Secrets print as [secret]; secure: values are decrypted only to
be validated, with PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.

` + exitText,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, opts, fromConfig, err := f.load(cmd)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if f.json && f.details {
				return usagef("give --json or --details, not both")
			}
			if f.json {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(p); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "strata plan: %v\n", err)
					return exitStatus(2)
				}
				return nil
			}
			if f.details {
				printTree(out, p, opts)
				return nil
			}
			printSummary(out, p, opts, fromConfig)
			return nil
		},
	}
	f.common(cmd, "plan")
	cmd.Flags().BoolVar(&f.details, "details", false, "print the full tree of resources with their inputs, the config and the outputs")
	return cmd
}

func checkCommand() *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "check (--stack NAME [--dir PATH | --program DIR] | --plan FILE) [--json | --sarif]",
		Short: "Run the security checklist over a stack's plan",
		Long: `check plans the stack as plan does, or reads a plan saved with
strata plan --json (--plan), and runs strata's security checklist over
it: every check with its result, each finding with the resource's URN, the
fix and the stack-file keys that make it, suppressed findings with their
justification and where it was written. Suppressions are tags
strata:suppress:<CHECK-ID> on a resource, whose value is the reason, and
entries (check, resource, reason) of strata-suppressions.yaml beside
Pulumi.yaml, or of --suppressions FILE. --json prints the report as JSON,
--sarif as SARIF 2.1.0 for code-scanning tools.

` + exitText,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, opts, fromConfig, err := f.load(cmd)
			if err != nil {
				return err
			}
			path := f.suppressions
			if path == "" && f.project != "" {
				path = filepath.Join(f.project, policy.SuppressionsFile)
			}
			var sup []policy.Suppression
			if path != "" {
				if sup, err = policy.ReadSuppressions(path); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.CommandPath(), err)
					return exitStatus(1)
				}
			}
			return status(check(p, opts, sup, fromConfig, f.json, f.sarif, cmd.OutOrStdout(), cmd.ErrOrStderr()))
		},
	}
	f.common(cmd, "report")
	f.savedPlan(cmd)
	cmd.Flags().StringVar(&f.suppressions, "suppressions", "", "read suppressions from `FILE` (default: "+policy.SuppressionsFile+" beside Pulumi.yaml)")
	cmd.Flags().BoolVar(&f.sarif, "sarif", false, "print the report as SARIF 2.1.0")
	return cmd
}

func costCommand() *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "cost (--stack NAME [--dir PATH | --program DIR] | --plan FILE) [--json] [--usage FILE] [--diff OLD.json]",
		Short: "Price a stack's plan",
		Long: `cost prices the plan: line items and the monthly floor (idle, at minimum
scale), expected (floor plus usage) and maximum (at maximum scale),
at on-demand list prices. --usage FILE overrides the usage assumptions.
--diff OLD.json compares with a report saved by cost --json: what the
change adds to or removes from the bill, line by line, and the totals.

` + exitText,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, _, _, err := f.load(cmd)
			if err != nil {
				return err
			}
			if f.diff != "" {
				return status(diffIt(p, f.usage, f.diff, f.json, cmd.OutOrStdout(), cmd.ErrOrStderr()))
			}
			return status(priceIt(p, f.usage, f.json, cmd.OutOrStdout(), cmd.ErrOrStderr()))
		},
	}
	cmd.Flags().StringVar(&f.diff, "diff", "", "compare with a report saved by cost --json (`OLD.json`)")
	f.common(cmd, "cost report")
	f.savedPlan(cmd)
	cmd.Flags().StringVar(&f.usage, "usage", "", "usage assumptions over cost's defaults (a YAML `FILE`)")
	_ = cmd.MarkFlagFilename("usage", "yaml", "yml")
	return cmd
}

// diagramFormats are what diagram writes.
var diagramFormats = []string{"svg", "png", "dot", "mermaid"}

func diagramCommand() *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "diagram (--stack NAME [--dir PATH | --program DIR] | --plan FILE) [--format svg|png|dot|mermaid] [-o FILE]",
		Short: "Draw a stack's architecture from its plan",
		Long: `diagram plans the stack as plan does, or reads a saved plan, and draws its
architecture: the VPC with one column per Availability Zone and its
public, private and isolated subnets, NAT and database instances; the load
balancers, services, functions and databases; the regional services and
the account baseline beside it; and edges for who can reach whom (security
groups with ports, IAM grants, invocations) and where logs and alarms go.
SVG and PNG are laid out by Graphviz's dot (install Graphviz), run only
for them. Mermaid is for Markdown; DOT for Graphviz; neither needs it.
Without -o the diagram goes to stdout.

` + exitText,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(diagramFormats, f.format) {
				return usagef("--format must be one of %s, got %q", strings.Join(diagramFormats, ", "), f.format)
			}
			p, _, _, err := f.load(cmd)
			if err != nil {
				return err
			}
			m := architecture.Read(p)
			var out bytes.Buffer
			switch f.format {
			case "dot":
				err = m.DOT(&out)
			case "mermaid":
				err = m.Mermaid(&out)
			default:
				err = m.Render(cmd.Context(), f.format, &out)
			}
			if err == nil && f.output != "" {
				err = os.WriteFile(f.output, out.Bytes(), 0o644)
			} else if err == nil {
				_, err = cmd.OutOrStdout().Write(out.Bytes())
			}
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", cmd.CommandPath(), err)
				return exitStatus(2)
			}
			return nil
		},
	}
	f.common(cmd, "")
	f.savedPlan(cmd)
	cmd.Flags().StringVar(&f.format, "format", "svg", "the `FORMAT`: svg, png, dot or mermaid")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write the diagram to `FILE` instead of stdout")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(diagramFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// status is a command's exit status as its error.
func status(code int) error {
	if code == 0 {
		return nil
	}
	return exitStatus(code)
}

// load plans the stack the flags name, or reads the saved plan; fromConfig
// says the plan is of strata's program from a stack file. Problems are
// printed here; the error carries the exit status.
func (f *flags) load(cmd *cobra.Command) (*plan.Plan, plan.Options, bool, error) {
	name := cmd.CommandPath()
	stderr := cmd.ErrOrStderr()
	set := cmd.Flags().Changed
	switch {
	case set("plan") && (set("stack") || set("dir") || set("program")):
		return nil, plan.Options{}, false, usagef("--plan reads a saved plan; give no --stack, --program or --dir with it")
	case set("dir") && set("program"):
		return nil, plan.Options{}, false, usagef("give --dir (strata's program) or --program (any program), not both")
	case f.json && f.sarif:
		return nil, plan.Options{}, false, usagef("give --json or --sarif, not both")
	}
	if f.planFile != "" {
		p, err := loadPlan(f.planFile)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return nil, plan.Options{}, false, exitStatus(2)
		}
		return p, plan.Options{Project: p.Project, Stack: p.Stack, Config: p.Config}, ofStrata(p), nil
	}
	dirSet := cmd.Flags().Changed("dir")
	dir := cmp.Or(f.dir, ".")
	switch {
	case f.program != "":
		dir = f.program
	case !dirSet:
		dir = findProject(dir)
	}
	if f.stack == "" {
		return nil, plan.Options{}, false, usagef("give one stack with --stack NAME (stacks in %s: %s)", dir, strings.Join(plan.Stacks(dir), ", "))
	}
	f.project = dir
	if f.program != "" {
		if err := plan.IsGoProgram(dir); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return nil, plan.Options{}, false, exitStatus(2)
		}
	}
	opts, err := plan.StackOptions(dir, f.stack)
	if fe := (*plan.FileError)(nil); errors.As(err, &fe) {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		if _, statErr := os.Stat(filepath.Join(dir, "Pulumi.yaml")); statErr != nil && !dirSet && f.program == "" {
			fmt.Fprintf(stderr, "no Pulumi.yaml here or in a folder above; run strata in the project or give --dir PATH\n")
		}
		return nil, opts, false, exitStatus(2)
	}
	var p *plan.Plan
	switch {
	case err != nil: // the config's values are wrong: the stack is refused
	case f.program != "":
		p, err = planProgram(f.program, opts)
	default:
		p, err = planStack(opts)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: stack %q cannot be planned:\n", name, f.stack)
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "  %s\n", line)
		}
		return nil, opts, false, exitStatus(1)
	}
	return p, opts, f.program == "", nil
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

// findProject is dir when it holds a Pulumi.yaml, else the nearest folder
// above it that does, as pulumi looks for its project; dir itself when none
// does, so the error names the folder the user is in.
func findProject(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "Pulumi.yaml")); err == nil {
			if d == abs {
				return dir
			}
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
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
	d.Text(stdout, func(urn string) string {
		if r := p.ByURN(urn); r != nil {
			return r.Name
		}
		return urn
	})
	return 0
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
	for _, it := range rep.Items {
		r := p.ByURN(it.URN)
		name := it.URN
		if r != nil {
			name = r.Name
		}
		fmt.Fprintf(stdout, "  %9.2f  %-8s  %s: %s (%g %s × %g)\n", it.Monthly, it.Kind, name, it.Description, it.Quantity, it.Unit, it.UnitPrice)
	}
	fmt.Fprintf(stdout, "\n  floor     %9.2f  idle, at minimum scale\n  expected  %9.2f  floor plus usage\n  maximum   %9.2f  at maximum scale, plus usage\n",
		rep.Floor, rep.Expected, rep.Maximum)
	if len(rep.Unpriced) > 0 {
		fmt.Fprintf(stdout, "\nUnpriced (not counted): %s\n", strings.Join(rep.Unpriced, ", "))
	}
	name := func(urn string) string {
		if r := p.ByURN(urn); r != nil {
			return r.Name
		}
		return urn
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
	byURN := map[string]bool{}
	for _, r := range p.Resources {
		byURN[r.URN] = true
	}
	var walk func(parent, indent string)
	walk = func(parent, indent string) {
		kids := p.Children(parent)
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

	if warnings := warningsOf(p); len(warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, line := range warnings {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}

	fmt.Fprintln(w, "\nOutputs:")
	for _, k := range plan.SortedKeys(p.Outputs) {
		fmt.Fprintf(w, "  %s = %s\n", k, short(p.Outputs[k]))
	}
	if rep, err := priced(p, ""); err == nil {
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

// warningsOf lists the warnings the program logged (ctx.Log.Warn) and the
// resources a component marked with a weakness the stack chose
// (appservice.WarningTag), such as plain HTTP.
func warningsOf(p *plan.Plan) []string {
	var out []string
	if rep, err := priced(p, ""); err == nil && rep.Budget != nil && rep.Budget.Warning != "" {
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
