// Package report is what strata check, cost and diagram print of a plan:
// the checklist's report, the price, the diagram, each with the exit
// status the CLI gives it. It links no SDK: the strata command runs it on
// a saved plan (--plan) without its engine, and the engine runs it on the
// plans it makes, so both print the same.
package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/strata-infra/strata/architecture"
	"github.com/strata-infra/strata/cost"
	"github.com/strata-infra/strata/plan/model"
	"github.com/strata-infra/strata/policy"
	"github.com/strata-infra/strata/stacks/keys"
)

// Check runs the checklist and prints the report; 1 means a finding is
// unsuppressed. For a plan of strata's own program (fromConfig), each fix
// names the stack-file keys that make it.
func Check(p *model.Plan, project, stack string, config map[string]string, sup []policy.Suppression, fromConfig, asJSON, asSARIF bool, stdout, stderr io.Writer) int {
	production := keys.EnvironmentOf(project, stack, config) == keys.Production
	rep := policy.Evaluate(p, policy.Options{Production: production, Suppressions: sup})
	if fromConfig {
		rep.InTermsOf(func(setting string) (string, bool) { return keys.SettingKey(project, setting) })
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
		fmt.Fprintf(stderr, "strata check: %d unsuppressed finding(s) in stack %q\n", n, stack)
		return 1
	}
	return 0
}

// OfStrata reports whether a saved plan is a plan of strata's program from
// a stack file: it holds config in its project's namespace, all of it keys
// strata's loader reads, and strata's components.
func OfStrata(p *model.Plan) bool {
	n := 0
	for k := range p.Config {
		if name, ok := strings.CutPrefix(k, p.Project+":"); ok {
			if !keys.IsProjectKey(name) {
				return false
			}
			n++
		}
	}
	return n > 0 && len(p.ByType("strata:network:Network")) > 0
}

// Priced prices a plan with the usage file (the defaults when empty).
func Priced(p *model.Plan, usageFile string) (*cost.Report, error) {
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
	production := keys.EnvironmentOf(p.Project, p.Stack, p.Config) == keys.Production
	rep, err := cost.Price(p, prices, u.For(production))
	if rep != nil {
		rep.UsageProfile = map[bool]string{true: "production", false: "non-production"}[production]
		rep.Hints = cost.Hints(p, rep, production)
	}
	return rep, err
}

// Diff prints what the plan's bill changes from a saved report: 0 when
// compared, 1 when the plan cannot be priced, 2 for a file that does not
// read.
func Diff(p *model.Plan, usageFile, oldFile string, asJSON bool, stdout, stderr io.Writer) int {
	old, err := cost.ReadReport(oldFile)
	if err != nil {
		fmt.Fprintf(stderr, "strata cost: %v\n", err)
		return 2
	}
	rep, err := Priced(p, usageFile)
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
	d.Text(stdout, Namer(p))
	return 0
}

// Namer names a resource of p by its URN: its name, or the URN when p has
// none of it.
func Namer(p *model.Plan) func(urn string) string {
	idx := model.NewIndex(p)
	return func(urn string) string {
		if r := idx.ByURN(urn); r != nil {
			return r.Name
		}
		return urn
	}
}

// Price prints a plan's cost: 0 when priced, 1 when the plan cannot be
// priced (a Region without prices), 2 for a usage file that does not read.
func Price(p *model.Plan, usageFile string, asJSON bool, stdout, stderr io.Writer) int {
	rep, err := Priced(p, usageFile)
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
	name := Namer(p)
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

// Load reads a plan saved with strata plan --json.
func Load(file string) (*model.Plan, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return model.Load(f)
}

// Suppressions reads the suppressions file the flag names, or the one
// beside the project's Pulumi.yaml (none for a saved plan, project "").
func Suppressions(flag, project string) ([]policy.Suppression, error) {
	path := flag
	if path == "" && project != "" {
		path = filepath.Join(project, policy.SuppressionsFile)
	}
	if path == "" {
		return nil, nil
	}
	return policy.ReadSuppressions(path)
}

// Draw writes p's architecture in format (svg, png, dot, mermaid) to the
// file output, or to stdout when output is "".
func Draw(ctx context.Context, p *model.Plan, format, output string, stdout io.Writer) error {
	m := architecture.Read(p)
	var out bytes.Buffer
	var err error
	switch format {
	case "dot":
		err = m.DOT(&out)
	case "mermaid":
		err = m.Mermaid(&out)
	default:
		err = m.Render(ctx, format, &out)
	}
	switch {
	case err != nil:
		return err
	case output != "":
		return os.WriteFile(output, out.Bytes(), 0o644)
	}
	_, err = stdout.Write(out.Bytes())
	return err
}
