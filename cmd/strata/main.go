// Command strata plans strata's stacks offline, with no AWS account and no
// Pulumi CLI.
//
// Usage:
//
//	strata plan --stack NAME [--json] [--dir PATH]
//
// plan reads PATH/Pulumi.yaml and PATH/Pulumi.NAME.yaml with Pulumi's own
// loaders, runs the strata program (package stacks) through the offline plan
// engine, and prints what it would register: a tree of components and their
// children with their inputs, and a count by type. --json prints the whole
// plan as one JSON document instead. Secrets print as [secret]; `secure:`
// config values are never decrypted.
//
// Exit status: 0 when the plan succeeds, 1 when the stack is unknown, its
// config does not load or validate, or the program fails (every problem is
// listed on stderr), 2 for a usage error.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/stacks"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: strata plan --stack NAME [--json] [--dir PATH]

Plans a stack of the strata program offline and prints what it would register.

  --stack NAME  the stack to plan: PATH/Pulumi.NAME.yaml (required)
  --json        print the plan as JSON instead of a tree
  --dir PATH    the folder with Pulumi.yaml (default ".")
`

// run is the CLI; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "plan" {
		fmt.Fprintf(stderr, "strata: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	fs := flag.NewFlagSet("strata plan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	stack := fs.String("stack", "", "")
	asJSON := fs.Bool("json", false, "")
	dir := fs.String("dir", ".", "")
	if err := fs.Parse(args[1:]); err != nil {
		fmt.Fprintf(stderr, "strata plan: %v\n\n%s", err, usage)
		return 2
	}
	if *stack == "" || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "strata plan: give one stack with --stack NAME (stacks in %s: %s)\n\n%s",
			*dir, strings.Join(plan.Stacks(*dir), ", "), usage)
		return 2
	}

	p, opts, err := planStack(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "strata plan: stack %q cannot be planned:\n", *stack)
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stderr, "  %s\n", line)
		}
		return 1
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

// planStack loads the stack's options, checks its keys and plans it.
func planStack(dir, stack string) (*plan.Plan, plan.Options, error) {
	opts, err := plan.StackOptions(dir, stack)
	if err != nil {
		return nil, opts, err
	}
	keysErr := stacks.CheckKeys(opts.Project, slices.Collect(maps.Keys(opts.Config)))
	p, err := plan.Run(stacks.Deploy, opts)
	if err = errors.Join(keysErr, err); err != nil {
		return nil, opts, err
	}
	return p, opts, nil
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

// warningsOf lists the resources a component marked with a weakness the
// stack chose (appservice.WarningTag), such as plain HTTP.
func warningsOf(p *plan.Plan) []string {
	var out []string
	for _, r := range p.Resources {
		if w, ok := r.Input("tags." + appservice.WarningTag); ok {
			out = append(out, fmt.Sprintf("%s %q: %v", r.Type, r.Name, w))
		}
	}
	return out
}
