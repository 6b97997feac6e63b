package policy

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/strata-infra/strata/plan"
)

// twist replaces a plan value by one a check must survive.
type twist struct {
	name string
	f    func(v any) any
}

var twists = []twist{
	{"unknown", func(any) any { return plan.Unknown{} }},
	{"secret", func(v any) any { return plan.MakeSecret(v) }},
	{"null", func(any) any { return nil }},
	{"a number", func(any) any { return 7.0 }},
	{"a string", func(any) any { return "oops" }},
	{"a list", func(any) any { return []any{"x", 1.0} }},
	{"an object", func(any) any { return map[string]any{"k": "v"} }},
}

// copyPlan deep-copies p through JSON, so a twist changes only the copy.
func copyPlan(t *testing.T, p *plan.Plan) *plan.Plan {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var out plan.Plan
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// twistAll applies f to every value at depth: depth 0 replaces each input
// and output as a whole, deeper ones replace the leaves below.
func twistAll(v any, f func(any) any, depth int) any {
	if depth == 0 {
		return f(v)
	}
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = twistAll(e, f, depth-1)
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = twistAll(e, f, depth-1)
		}
		return v
	}
	return f(v)
}

// evaluate runs every check, turning a panic into a test failure that
// names the check.
func evaluateSafely(t *testing.T, p *plan.Plan, what string) (rep Report) {
	t.Helper()
	for _, c := range Checks() {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: %s panics: %v", what, c.ID, r)
				}
			}()
			r := EvaluateChecks(p, Options{Production: true}, c)
			rep.Results = append(rep.Results, r.Results...)
		}()
	}
	return rep
}

// TestNoCheckPanicsOnAnyValue runs every check over the checked-in plans
// with their inputs and outputs replaced, at every depth, by unknown,
// secret, null and wrongly typed values: a check decides, says it cannot,
// or fails the resource, but never panics.
func TestNoCheckPanicsOnAnyValue(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		base := stackPlan(t, stack)
		for _, tw := range twists {
			for depth := 1; depth <= 4; depth++ {
				p := copyPlan(t, base)
				for _, r := range p.Resources {
					r.Inputs, _ = twistAll(r.Inputs, tw.f, depth).(map[string]any)
					r.Outputs, _ = twistAll(r.Outputs, tw.f, depth).(map[string]any)
				}
				evaluateSafely(t, p, fmt.Sprintf("%s with values at depth %d %s", stack, depth, tw.name))
			}
		}
	}
}

// decidedWithoutValues are the checks that judge what a plan holds without
// reading an input's value, so unknown values leave them decided.
var decidedWithoutValues = map[string]string{
	"STRATA-PROT-001": "reads the protect option, which is always known",
	"STRATA-SG-008":   "reads whether inline rule blocks are there at all",
}

// TestUnknownIsUndecided: with every input of the prod plan unknown, no
// check passes (or suppresses) a resource it inspects; each says it cannot
// decide.
func TestUnknownIsUndecided(t *testing.T) {
	p := copyPlan(t, stackPlan(t, "prod"))
	for _, r := range p.Resources {
		r.Inputs, _ = twistAll(r.Inputs, func(any) any { return plan.Unknown{} }, 1).(map[string]any)
	}
	rep := evaluateSafely(t, p, "prod with every input unknown")
	undecided := 0
	for _, r := range rep.Results {
		if r.Inspected == 0 {
			continue
		}
		switch r.Outcome() {
		case "pass", "suppressed":
			if why, ok := decidedWithoutValues[r.Check.ID]; !ok {
				t.Errorf("%s: %s with every input unknown; want unknown", r.Check.ID, r.Outcome())
			} else {
				t.Logf("%s stays decided: %s", r.Check.ID, why)
			}
		case "unknown":
			undecided++
		}
	}
	if undecided < 60 {
		t.Errorf("only %d checks are undecided with every input unknown", undecided)
	}
}
