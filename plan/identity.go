package plan

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AliasesOf returns every URN the resource answers to besides its own, as
// the engine matches old state to new registrations: the aliases it
// declares, and, for each URN its parent answers to, the URN it would have
// had under that parent (an alias on a component carries its children).
func (p *Plan) AliasesOf(r *Resource) []string {
	return aliasesOf(r, p.byURN(), map[string]bool{})
}

func (p *Plan) byURN() map[string]*Resource {
	out := make(map[string]*Resource, len(p.Resources))
	for _, r := range p.Resources {
		out[r.URN] = r
	}
	return out
}

func aliasesOf(r *Resource, byURN map[string]*Resource, seen map[string]bool) []string {
	if seen[r.URN] {
		return nil
	}
	seen[r.URN] = true
	out := slices.Clone(r.Aliases)
	if parent := byURN[r.Parent]; parent != nil {
		for _, pa := range aliasesOf(parent, byURN, seen) {
			u := resource.URN(pa)
			out = append(out, newURN(u.Stack().String(), u.Project().String(), pa, r.Type, r.Name))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Gone returns the URNs of want (the URNs a stack's state holds, say) that
// no resource of the plan has or answers to through an alias: the
// resources the next `pulumi up` would delete, or replace where a resource
// of another URN takes their place. The result is sorted.
func (p *Plan) Gone(want []string) []string {
	have := map[string]bool{}
	byURN := p.byURN()
	for _, r := range p.Resources {
		have[r.URN] = true
		for _, a := range aliasesOf(r, byURN, map[string]bool{}) {
			have[a] = true
		}
	}
	var out []string
	for _, u := range want {
		if !have[u] {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// URNs returns the URNs of every resource in the plan, sorted.
func (p *Plan) URNs() []string {
	out := make([]string, 0, len(p.Resources))
	for _, r := range p.Resources {
		out = append(out, r.URN)
	}
	slices.Sort(out)
	return out
}
