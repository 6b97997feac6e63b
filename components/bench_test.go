package components_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/strata-infra/strata/architecture"
	"github.com/strata-infra/strata/bench/services/fleet"
	"github.com/strata-infra/strata/cost"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/policy"
)

// BenchmarkServices plans 10, 100, 1,000 and 10,000 services (package
// fleet) through the plan engine, in-process: go test ./components -run '^$' -bench 'Services/(10|100|1000)$'
// -benchtime 1x (10,000 takes minutes).
func BenchmarkServices(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				p, err := plan.Run(fleet.Program(n), plan.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(p.Resources)), "resources")
			}
		})
	}
}

// BenchmarkReadServices runs what strata check, cost and diagram do with a
// plan of 100 and 1,000 services (3,153 and 30,057 resources): each must
// stay linear in the plan's size (a lookup per resource that scans the
// plan made 1,000 services take seconds).
func BenchmarkReadServices(b *testing.B) {
	for _, n := range []int{100, 1000} {
		p, err := plan.Run(fleet.Program(n), plan.Options{})
		if err != nil {
			b.Fatal(err)
		}
		prices, err := cost.LoadPrices()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("check/%d", n), func(b *testing.B) {
			for b.Loop() {
				policy.Evaluate(p, policy.Options{})
			}
		})
		b.Run(fmt.Sprintf("cost/%d", n), func(b *testing.B) {
			for b.Loop() {
				rep, err := cost.Price(p, prices, cost.DefaultUsage())
				if err != nil {
					b.Fatal(err)
				}
				cost.Hints(p, rep, false)
			}
		})
		b.Run(fmt.Sprintf("diagram/%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := architecture.Read(p).DOT(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
