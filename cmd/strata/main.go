// Command strata plans, checks and prices Pulumi stacks offline, with no
// AWS account and no Pulumi CLI.
//
// Usage:
//
//	strata plan --stack NAME [--json] [--dir PATH | --program DIR]
//	strata check --stack NAME [--json | --sarif] [--dir PATH | --program DIR]
//	strata check --plan FILE [--json | --sarif]
//	strata cost --stack NAME [--json] [--usage FILE] [--dir PATH | --program DIR]
//	strata cost --plan FILE [--json] [--usage FILE]
//	strata help [COMMAND]
//
// plan reads PATH/Pulumi.yaml and PATH/Pulumi.NAME.yaml with Pulumi's own
// loaders, runs the strata program (package stacks) through the offline plan
// engine, and prints what it would register: a tree of components and their
// children with their inputs, and a count by type. --json prints the whole
// plan as one JSON document instead. Secrets print as [secret]; `secure:`
// config values are never decrypted. --program DIR builds the Go Pulumi
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
// cost prices the plan: line items and the monthly floor, expected and
// maximum (package cost).
//
// Every command exits with one scheme: 0 when it did its work and the
// stack passes; 1 when the stack is refused: its config does not validate
// or the program fails (every problem is listed on stderr), or check finds
// an unsuppressed problem; 2 when the command could not run: a usage error,
// an unknown stack, a stack file or plan file that cannot be read. Help
// (strata help, strata help plan, strata plan --help) prints to stdout and
// exits 0.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/cost"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/policy"
	"github.com/strata-infra/strata/stacks"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: strata plan --stack NAME [--json] [--dir PATH | --program DIR]
       strata check --stack NAME [--json | --sarif] [--dir PATH | --program DIR]
       strata check --plan FILE [--json | --sarif]
       strata cost --stack NAME [--json] [--usage FILE] [--dir PATH | --program DIR]
       strata cost --plan FILE [--json] [--usage FILE]
       strata help [COMMAND]

plan prints what a stack of the strata program would register, offline.
check runs strata's security checklist over that plan.
cost prices it: line items and the monthly floor, expected and maximum.

  --stack NAME    the stack: Pulumi.NAME.yaml beside Pulumi.yaml (required
                  unless --plan)
  --json          print the plan (or the check report) as JSON
  --sarif         print the check report as SARIF 2.1.0 (check only)
  --dir PATH      the folder with strata's Pulumi.yaml (default: the
                  working folder or the nearest folder above it with one)
  --program DIR   build the Go Pulumi program in DIR, unmodified, and plan
                  it with DIR's Pulumi.yaml and stack file
  --plan FILE     check or price a plan saved with strata plan --json
  --usage FILE    usage assumptions over cost's defaults (cost only)

Exit status: 0 done and the stack passes; 1 the stack is refused (config
that does not validate, a failing program, an unsuppressed finding); 2 the
command could not run (usage, unknown stack, unreadable file).
`

// commands are strata's commands.
var commands = []string{"plan", "check", "cost"}

// commandUsage is the usage text of one command: its usage lines, what it
// does, and the shared flags and exit status.
func commandUsage(cmd string) string {
	var b strings.Builder
	lines := strings.Split(usage, "\n")
	for _, line := range lines {
		if strings.Contains(line, "strata "+cmd+" ") {
			b.WriteString("usage: " + strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "usage:")) + "\n")
		}
	}
	for _, line := range lines {
		if strings.HasPrefix(line, cmd+" ") {
			b.WriteString("\n" + line + "\n")
		}
	}
	_, flags, _ := strings.Cut(usage, "\n\n  --")
	b.WriteString("\n  --" + flags)
	return b.String()
}

// program is what the CLI plans: the strata program. Tests swap it.
var program pulumi.RunFunc = stacks.Deploy

// run is the CLI; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		switch {
		case len(args) == 1 || args[0] != "help":
			fmt.Fprint(stdout, usage)
		case len(args) == 2 && slices.Contains(commands, args[1]):
			fmt.Fprint(stdout, commandUsage(args[1]))
		default:
			fmt.Fprintf(stderr, "strata help: no command %q (commands: %s)\n", strings.Join(args[1:], " "), strings.Join(commands, ", "))
			return 2
		}
		return 0
	}
	cmd := args[0]
	if !slices.Contains(commands, cmd) {
		fmt.Fprintf(stderr, "strata: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if slices.Contains(args[1:], "-h") || slices.Contains(args[1:], "--help") || slices.Contains(args[1:], "-help") {
		fmt.Fprint(stdout, commandUsage(cmd))
		return 0
	}
	fs := flag.NewFlagSet("strata "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	stack := fs.String("stack", "", "")
	asJSON := fs.Bool("json", false, "")
	asSARIF := fs.Bool("sarif", false, "")
	dir := fs.String("dir", ".", "")
	programDir := fs.String("program", "", "")
	planFile := fs.String("plan", "", "")
	usageFile := fs.String("usage", "", "")
	if err := fs.Parse(args[1:]); err != nil {
		fmt.Fprintf(stderr, "strata %s: %v\n\n%s", cmd, err, usage)
		return 2
	}
	dirSet := false
	fs.Visit(func(f *flag.Flag) { dirSet = dirSet || f.Name == "dir" })
	if !dirSet && *programDir == "" && *planFile == "" {
		*dir = findProject(*dir)
	}
	switch {
	case *planFile != "" && cmd == "plan":
		fmt.Fprintf(stderr, "strata plan: --plan is for check (plan writes plans: strata plan --json)\n\n%s", usage)
		return 2
	case *planFile != "" && (*stack != "" || *programDir != "" || dirSet || fs.NArg() > 0):
		fmt.Fprintf(stderr, "strata %s: --plan reads a saved plan; give no --stack, --program or --dir with it\n\n%s", cmd, usage)
		return 2
	case *programDir != "" && dirSet:
		fmt.Fprintf(stderr, "strata %s: give --dir (strata's program) or --program (any program), not both\n\n%s", cmd, usage)
		return 2
	case *usageFile != "" && cmd != "cost":
		fmt.Fprintf(stderr, "strata %s: --usage is for cost\n\n%s", cmd, usage)
		return 2
	case *asSARIF && cmd == "cost":
		fmt.Fprintf(stderr, "strata cost: --sarif is for check\n\n%s", usage)
		return 2
	case *planFile != "":
		p, err := loadPlan(*planFile)
		if err != nil {
			fmt.Fprintf(stderr, "strata %s: %v\n", cmd, err)
			return 2
		}
		if cmd == "cost" {
			return priceIt(p, *usageFile, *asJSON, stdout, stderr)
		}
		return check(p, plan.Options{Project: p.Project, Stack: p.Stack, Config: p.Config}, ofStrata(p), *asJSON, *asSARIF, stdout, stderr)
	case *stack == "" || fs.NArg() > 0:
		fmt.Fprintf(stderr, "strata %s: give one stack with --stack NAME (stacks in %s: %s)\n\n%s",
			cmd, *dir, strings.Join(plan.Stacks(*dir), ", "), usage)
		return 2
	case *asSARIF && cmd == "plan":
		fmt.Fprintf(stderr, "strata plan: --sarif is for check\n\n%s", usage)
		return 2
	case *asSARIF && *asJSON:
		fmt.Fprintf(stderr, "strata check: give --json or --sarif, not both\n\n%s", usage)
		return 2
	}

	var p *plan.Plan
	var opts plan.Options
	var err error
	if *programDir != "" {
		*dir = *programDir
	}
	opts, err = plan.StackOptions(*dir, *stack)
	if fe := (*plan.FileError)(nil); errors.As(err, &fe) {
		fmt.Fprintf(stderr, "strata %s: %v\n", cmd, err)
		if _, statErr := os.Stat(filepath.Join(*dir, "Pulumi.yaml")); statErr != nil && !dirSet && *programDir == "" {
			fmt.Fprintf(stderr, "no Pulumi.yaml here or in a folder above; run strata in the project or give --dir PATH\n")
		}
		return 2
	}
	switch {
	case err != nil: // the config's values are wrong: the stack is refused
	case *programDir != "":
		p, err = planProgram(*programDir, opts)
	default:
		p, err = planStack(opts)
	}
	if err != nil {
		fmt.Fprintf(stderr, "strata %s: stack %q cannot be planned:\n", cmd, *stack)
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "  %s\n", line)
		}
		return 1
	}
	if cmd == "check" {
		return check(p, opts, *programDir == "", *asJSON, *asSARIF, stdout, stderr)
	}
	if cmd == "cost" {
		return priceIt(p, *usageFile, *asJSON, stdout, stderr)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			fmt.Fprintf(stderr, "strata plan: %v\n", err)
			return 1
		}
		return 0
	}
	printTree(stdout, p, opts)
	return 0
}

// check runs the checklist and prints the report; 1 means a finding is
// unsuppressed. For a plan of strata's own program (fromConfig), each fix
// names the stack-file keys that make it.
func check(p *plan.Plan, opts plan.Options, fromConfig, asJSON, asSARIF bool, stdout, stderr io.Writer) int {
	production := stacks.EnvironmentOf(opts.Project, opts.Stack, opts.Config) == stacks.Production
	rep := policy.Evaluate(p, policy.Options{Production: production})
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
	return cost.Price(p, prices, u)
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
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "Cost of stack %s in %s (%s, on-demand list prices of %s), a month of %d hours:\n\n",
		p.Stack, rep.Region, rep.Currency, rep.PricesDate, cost.HoursPerMonth)
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
	bin, err := plan.Build(context.Background(), dir)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(filepath.Dir(bin))
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
	if n := len(opts.Undecrypted); n > 0 {
		fmt.Fprintf(w, "  (%d secure value%s not decrypted, so not validated beyond being set: %s; set %s to validate them)\n",
			n, map[bool]string{true: " was", false: "s were"}[n == 1], strings.Join(opts.Undecrypted, ", "), plan.EnvPassphrase)
	}
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
