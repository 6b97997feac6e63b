package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/strata-infra/strata/architecture"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/stacks"
)

// width is where the summary wraps its lists.
const width = 100

// printSummary prints the plan in one screen: the stack, its profile,
// Region and account; the architecture, one line per element; the
// effective configuration with what the stack file set marked; the
// resources by AWS service; warnings; and the monthly cost.
func printSummary(w io.Writer, p *plan.Plan, opts plan.Options, fromConfig bool) {
	m := architecture.Read(p)
	var profile *stacks.Profile
	if fromConfig {
		profile, _ = stacks.Effective(opts.Project, opts.Stack, opts.Config, opts.SecretKeys)
	}
	env := ""
	if profile != nil {
		env = ", non-production profile"
		if profile.Production {
			env = ", production profile"
		}
	}
	fmt.Fprintf(w, "Stack %s (project %s%s): %d resources in %s, account %s\n", p.Stack, p.Project, env, len(p.Resources), p.Region, p.Account)

	fmt.Fprintln(w, "\nArchitecture:")
	for _, line := range architectureLines(m) {
		fmt.Fprintf(w, "  %s\n", line)
	}

	if profile != nil {
		fmt.Fprintf(w, "\nConfiguration (effective; * set in Pulumi.%s.yaml, the rest is the profile's):\n", p.Stack)
		for _, line := range configLines(profile.Settings()) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	} else {
		fmt.Fprintf(w, "\nConfiguration: %d keys (--details lists them)\n", len(opts.Config))
	}
	printUndecrypted(w, opts)

	services := map[string]int{}
	for typ, n := range p.CountByType() {
		pkg, rest, _ := strings.Cut(typ, ":")
		mod, _, _ := strings.Cut(rest, "/")
		if pkg == "aws" {
			pkg = mod
		}
		services[pkg] += n
	}
	keys := plan.SortedKeys(services)
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(services[b], services[a]) })
	var counts []string
	for _, k := range keys {
		counts = append(counts, fmt.Sprintf("%s %d", k, services[k]))
	}
	fmt.Fprintf(w, "\nResources by service (--details for the tree with inputs):\n")
	for _, line := range wrap(counts, ", ", width-2) {
		fmt.Fprintf(w, "  %s\n", line)
	}

	rep := printWarnings(w, p)
	var assumed []string
	for _, d := range p.Diagnostics {
		if strings.HasPrefix(d.Message, "assumed: ") {
			assumed = append(assumed, strings.TrimPrefix(d.Message, "assumed: "))
		}
	}
	if len(assumed) > 0 {
		fmt.Fprintln(w, "\nAssumed answers to look-ups (the account's real resources may differ):")
		for _, line := range assumed {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if rep != nil {
		fmt.Fprintf(w, "\nCost: floor %.2f %s a month, expected %.2f, maximum %.2f (strata cost for the lines)\n", rep.Floor, rep.Currency, rep.Expected, rep.Maximum)
	}
}

// architectureLines are the model's elements, one line each: the network
// first, then what runs in it and beside it, then who reaches whom.
func architectureLines(m *architecture.Model) []string {
	var out []string
	if v := m.VPC; v != nil {
		tiers := map[string]int{}
		for _, s := range m.OfKind(architecture.Subnet) {
			tiers[s.Tier]++
		}
		var parts []string
		for _, t := range []string{architecture.Public, architecture.Private, architecture.Isolated} {
			if tiers[t] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", tiers[t], t))
			}
		}
		nats := m.OfKind(architecture.NAT)
		natText := "no NAT"
		if len(nats) > 0 {
			natText = fmt.Sprintf("%d × %s", len(nats), nats[0].Facts[0])
			var azs []string
			for _, n := range nats {
				azs = append(azs, n.AZ)
			}
			natText += " (" + strings.Join(azs, ", ") + ")"
		}
		items := []string{fmt.Sprintf("%s %s: %d AZs (%s)", v.Name, v.CIDR, len(v.AZs), strings.Join(v.AZs, ", ")), "subnets " + strings.Join(parts, ", "), natText}
		if eps := m.OfKind(architecture.Endpoint); len(eps) > 0 {
			var names []string
			for _, e := range eps {
				names = append(names, e.Name)
			}
			items = append(items, "endpoints "+strings.Join(names, ", "))
		}
		items = append(items, v.Facts...)
		out = append(out, indented(fmt.Sprintf("%-13s", "vpc"), wrap(items, "; ", width-16))...)
	}
	for _, n := range m.Nodes {
		switch n.Kind {
		case architecture.Internet, architecture.Clients, architecture.Subnet, architecture.NAT, architecture.Endpoint, architecture.Instance, architecture.Control:
			continue
		}
		facts := slices.Clone(n.Facts)
		if n.Kind == architecture.Database {
			var inst []string
			for _, e := range m.Edges {
				if e.From == n.ID && e.Kind == architecture.Part {
					i := m.Node(e.To)
					inst = append(inst, fmt.Sprintf("%s %s", i.Facts[1], i.AZ))
				}
			}
			facts = append(facts, fmt.Sprintf("%d instances (%s)", len(inst), strings.Join(inst, ", ")))
		}
		if n.Tier != "" && n.Kind != architecture.Database {
			facts = append(facts, n.Tier+" subnets")
		}
		for _, e := range m.Edges {
			switch {
			case e.From == n.ID && e.Kind == architecture.AlarmsTo:
				facts = append(facts, e.Label+" → "+m.Node(e.To).Label())
			case e.From == n.ID && e.Kind == architecture.LogsTo && m.Node(e.To).Kind == architecture.Logs:
				facts = append(facts, e.Label)
			}
		}
		facts[0] = n.Name + ": " + facts[0]
		out = append(out, indented(fmt.Sprintf("%-13s", n.Kind), wrap(facts, ", ", width-16))...)
	}
	var controls []string
	for _, c := range m.OfKind(architecture.Control) {
		controls = append(controls, strings.TrimSpace(c.Name+" "+parenthesized(c.Facts)))
	}
	if len(controls) > 0 {
		out = append(out, indented(fmt.Sprintf("%-13s", "baseline"), wrap(controls, ", ", width-16))...)
	}
	var reach []string
	for _, e := range m.Edges {
		if e.Kind == architecture.Reach || e.Kind == architecture.Grant || e.Kind == architecture.Invoke {
			reach = append(reach, fmt.Sprintf("%s → %s (%s)", m.Node(e.From).Label(), m.Node(e.To).Label(), e.Label))
		}
	}
	if len(reach) > 0 {
		out = append(out, indented(fmt.Sprintf("%-13s", "reach"), wrap(reach, "; ", width-16))...)
	}
	return out
}

// indented puts head before the first line and indents the others.
func indented(head string, lines []string) []string {
	var out []string
	for i, l := range lines {
		if i == 0 {
			out = append(out, head+" "+l)
		} else {
			out = append(out, strings.Repeat(" ", 14)+l)
		}
	}
	return out
}

func parenthesized(facts []string) string {
	var kept []string
	for _, f := range facts {
		if f != "" {
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return "(" + strings.Join(kept, ", ") + ")"
}

// configLines are the settings grouped by section, key=value, wrapped;
// values the stack file set carry a *. Empty values are left out unless
// the file set them, and long ones are cut.
func configLines(settings []stacks.Setting) []string {
	var out []string
	var section string
	var items []string
	flush := func() {
		if len(items) == 0 {
			return
		}
		for i, l := range wrap(items, " ", width-14) {
			head := ""
			if i == 0 {
				head = section
			}
			out = append(out, fmt.Sprintf("%-11s %s", head, l))
		}
		items = nil
	}
	for _, s := range settings {
		sec, key, ok := strings.Cut(s.Key, ".")
		if !ok {
			sec, key = "stack", s.Key
		}
		if sec != section {
			flush()
			section = sec
		}
		text := valueText(s.Value)
		if text == "" && !s.FromFile {
			continue
		}
		mark := ""
		if s.FromFile {
			mark = "*"
		}
		items = append(items, key+"="+text+mark)
	}
	flush()
	return out
}

// valueText is a JSON value as a short text: strings bare and whole,
// lists of more than four items counted, other JSON longer than 48
// characters cut.
func valueText(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if v == "" {
			return ""
		}
		return v
	case []any:
		if len(v) == 0 {
			return ""
		}
		if len(v) > 4 {
			return fmt.Sprintf("[%d items]", len(v))
		}
	}
	var b bytes.Buffer
	_ = json.Compact(&b, raw)
	text := b.String()
	if len(text) > 48 {
		text = text[:47] + "…"
	}
	return text
}

// wrap joins items with sep into lines of at most max characters (an item
// longer than that gets a line of its own).
func wrap(items []string, sep string, max int) []string {
	var out []string
	line := ""
	for _, it := range items {
		switch {
		case line == "":
			line = it
		case len(line)+len(sep)+len(it) > max:
			out = append(out, strings.TrimRight(line+sep, " "))
			line = it
		default:
			line += sep + it
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// printUndecrypted says which secure values went unvalidated, and how to
// validate them.
func printUndecrypted(w io.Writer, opts plan.Options) {
	if n := len(opts.Undecrypted); n > 0 {
		fmt.Fprintf(w, "  (%d secure value%s not decrypted, so not validated beyond being set: %s; set %s to validate them)\n",
			n, map[bool]string{true: " was", false: "s were"}[n == 1], strings.Join(opts.Undecrypted, ", "), plan.EnvPassphrase)
	}
}
