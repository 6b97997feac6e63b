// Package plantest holds test helpers over a plan.Plan.
package plantest

import (
	"testing"

	"github.com/strata-infra/strata/plan"
)

// Find returns the resource of type typ named name, failing the test with
// the names of that type the plan holds when there is none.
func Find(t testing.TB, p *plan.Plan, typ, name string) *plan.Resource {
	t.Helper()
	r, err := p.Find(typ, name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// One returns the only resource of type typ, failing the test when there is
// not exactly one.
func One(t testing.TB, p *plan.Plan, typ string) *plan.Resource {
	t.Helper()
	rs := p.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("plan has %d resources of type %s, want 1", len(rs), typ)
	}
	return rs[0]
}
