// Package cli is the strata command line without what runs it: the
// commands, their flags and help, shell completion, the checks of a
// command line and the exit scheme.
//
// Two binaries build it. The strata command (cmd/strata) answers help,
// completion, a wrong command line and the commands that read a saved plan
// (internal/report) itself, and hands every other command line to the
// engine (cmd/strata-engine), which builds the same tree with the
// handlers that plan, check, price and draw. This package
// links cobra and the standard library only: what strata pays before it
// does anything is that and no more (the Pulumi and AWS SDKs' package
// initialisation is paid by the engine alone; docs/performance.md measures
// both starts).
package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/strata-infra/strata/internal/project"
)

// ExitStatus ends a command with a status; the command has already said
// why on stderr.
type ExitStatus int

func (e ExitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// Status is a command's exit status as its error: nil for 0.
func Status(code int) error {
	if code == 0 {
		return nil
	}
	return ExitStatus(code)
}

// usageError is a command line strata cannot run: exit 2 with the message
// and the command's usage on stderr.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Usagef is a usage error: the command line cannot be run.
func Usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

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

// Execute runs the command line args on root and returns the exit status.
func Execute(root *cobra.Command, args []string, stdout, stderr io.Writer) int {
	root.SetArgs(args)
	out := &recorder{w: stdout}
	root.SetOut(out)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	// Output that could not be written is a command that could not do its
	// work, whatever it found: 2, as for an unwritable -o file.
	var status ExitStatus
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

// ExitText is the exit scheme, as every command's help ends.
const ExitText = `Exit status: 0 done and the stack passes; 1 the stack is refused (config
that does not validate, a failing program, an unsuppressed finding); 2 the
command could not run (usage, unknown stack, unreadable file, a folder
that is not a Go program, output that cannot be written).`

// SuppressionsFile is where check reads suppressions beside Pulumi.yaml
// (policy.SuppressionsFile; a test keeps the two equal).
const SuppressionsFile = "strata-suppressions.yaml"

// DiagramFormats are what diagram writes.
var DiagramFormats = []string{"svg", "png", "dot", "mermaid"}

// Flags are the flags of the commands; each command defines those it
// takes. A command line that passes the checks has Project set.
type Flags struct {
	Stack, Dir, Program, PlanFile, Usage string
	Suppressions, Diff                   string
	// Project is the folder of the stack's Pulumi.yaml: --program, --dir,
	// or the working folder or the nearest one above it with a Pulumi.yaml.
	// It is "" for a saved plan.
	Project              string
	Format, Output       string
	JSON, SARIF, Details bool
}

// Handler runs a command whose command line passed the checks.
type Handler func(cmd *cobra.Command, f *Flags) error

// Handlers run the commands: plan, check, cost and diagram.
type Handlers struct{ Plan, Check, Cost, Diagram Handler }

// NewRoot is the strata command and its subcommands, run by h.
func NewRoot(h Handlers) *cobra.Command {
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

` + ExitText,
		Args:          cobra.NoArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return Usagef("give a command")
		},
	}
	root.AddCommand(planCommand(h.Plan), checkCommand(h.Check), costCommand(h.Cost), diagramCommand(h.Diagram))
	root.SetHelpCommand(&cobra.Command{
		Use:                   "help [command]",
		DisableFlagsInUseLine: true,
		Short:                 "Help about a command",
		Args:                  cobra.MaximumNArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return commandNames(root), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				return Usagef("no command %q (commands: %s)", strings.Join(args, " "), strings.Join(commandNames(root), ", "))
			}
			return target.Help()
		},
	})
	return root
}

func commandNames(root *cobra.Command) []string {
	var names []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return names
}

// runs checks the command line and runs h.
func runs(f *Flags, h Handler) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		if err := f.check(cmd); err != nil {
			return err
		}
		return h(cmd, f)
	}
}

// common adds the flags every command takes.
func (f *Flags) common(cmd *cobra.Command, what string) {
	cmd.DisableFlagsInUseLine = true
	cmd.Flags().StringVar(&f.Stack, "stack", "", "the stack: Pulumi.`NAME`.yaml beside Pulumi.yaml")
	if what != "" {
		cmd.Flags().BoolVar(&f.JSON, "json", false, "print the "+what+" as JSON")
	}
	cmd.Flags().StringVar(&f.Dir, "dir", "", "the folder `PATH` of strata's Pulumi.yaml (default: the working folder, or the nearest folder above it with one)")
	cmd.Flags().StringVar(&f.Program, "program", "", "build the Go Pulumi program in `DIR`, unmodified, and plan it with DIR's Pulumi.yaml and stack file")
	_ = cmd.RegisterFlagCompletionFunc("stack", func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return project.Stacks(f.projectDir(cmd)), cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.MarkFlagDirname("dir")
	_ = cmd.MarkFlagDirname("program")
}

// savedPlan adds --plan, for the commands that read a saved plan.
func (f *Flags) savedPlan(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.PlanFile, "plan", "", "read a plan saved with strata plan --json (`FILE`) instead of planning a stack")
	_ = cmd.MarkFlagFilename("plan", "json")
}

// projectDir is the folder the flags name the project by.
func (f *Flags) projectDir(cmd *cobra.Command) string {
	switch {
	case f.Program != "":
		return f.Program
	case cmd.Flags().Changed("dir"):
		return cmp.Or(f.Dir, ".")
	}
	return project.Find(".")
}

// check refuses flags that do not go together and a missing stack, and
// sets Project.
func (f *Flags) check(cmd *cobra.Command) error {
	set := cmd.Flags().Changed
	switch {
	case set("plan") && (set("stack") || set("dir") || set("program")):
		return Usagef("--plan reads a saved plan; give no --stack, --program or --dir with it")
	case set("dir") && set("program"):
		return Usagef("give --dir (strata's program) or --program (any program), not both")
	case f.JSON && f.SARIF:
		return Usagef("give --json or --sarif, not both")
	case f.JSON && f.Details:
		return Usagef("give --json or --details, not both")
	case cmd.Flags().Lookup("format") != nil && !slices.Contains(DiagramFormats, f.Format):
		return Usagef("--format must be one of %s, got %q", strings.Join(DiagramFormats, ", "), f.Format)
	case f.PlanFile != "":
		return nil
	}
	f.Project = f.projectDir(cmd)
	if f.Stack == "" {
		return Usagef("give one stack with --stack NAME (stacks in %s: %s)", f.Project, strings.Join(project.Stacks(f.Project), ", "))
	}
	return nil
}

func planCommand(h Handler) *cobra.Command {
	var f Flags
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

` + ExitText,
		Args: cobra.NoArgs,
		RunE: runs(&f, h),
	}
	f.common(cmd, "plan")
	cmd.Flags().BoolVar(&f.Details, "details", false, "print the full tree of resources with their inputs, the config and the outputs")
	return cmd
}

func checkCommand(h Handler) *cobra.Command {
	var f Flags
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

` + ExitText,
		Args: cobra.NoArgs,
		RunE: runs(&f, h),
	}
	f.common(cmd, "report")
	f.savedPlan(cmd)
	cmd.Flags().StringVar(&f.Suppressions, "suppressions", "", "read suppressions from `FILE` (default: "+SuppressionsFile+" beside Pulumi.yaml)")
	cmd.Flags().BoolVar(&f.SARIF, "sarif", false, "print the report as SARIF 2.1.0")
	return cmd
}

func costCommand(h Handler) *cobra.Command {
	var f Flags
	cmd := &cobra.Command{
		Use:   "cost (--stack NAME [--dir PATH | --program DIR] | --plan FILE) [--json] [--usage FILE] [--diff OLD.json]",
		Short: "Price a stack's plan",
		Long: `cost prices the plan: line items and the monthly floor (idle, at minimum
scale), expected (floor plus usage) and maximum (at maximum scale),
at on-demand list prices. --usage FILE overrides the usage assumptions.
--diff OLD.json compares with a report saved by cost --json: what the
change adds to or removes from the bill, line by line, and the totals.

` + ExitText,
		Args: cobra.NoArgs,
		RunE: runs(&f, h),
	}
	cmd.Flags().StringVar(&f.Diff, "diff", "", "compare with a report saved by cost --json (`OLD.json`)")
	f.common(cmd, "cost report")
	f.savedPlan(cmd)
	cmd.Flags().StringVar(&f.Usage, "usage", "", "usage assumptions over cost's defaults (a YAML `FILE`)")
	_ = cmd.MarkFlagFilename("usage", "yaml", "yml")
	return cmd
}

func diagramCommand(h Handler) *cobra.Command {
	var f Flags
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

` + ExitText,
		Args: cobra.NoArgs,
		RunE: runs(&f, h),
	}
	f.common(cmd, "")
	f.savedPlan(cmd)
	cmd.Flags().StringVar(&f.Format, "format", "svg", "the `FORMAT`: svg, png, dot or mermaid")
	cmd.Flags().StringVarP(&f.Output, "output", "o", "", "write the diagram to `FILE` instead of stdout")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(DiagramFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
