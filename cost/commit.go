package cost

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/strata-infra/strata/plan/model"
)

// CommitmentReport is what a 1-year commitment saves on the lines a
// Savings Plan covers: per line and in total, with each line's break-even
// utilisation (the share of the committed usage that must really run for
// the commitment to cost no more than on-demand).
type CommitmentReport struct {
	Term  string           `json:"term"`
	Lines []CommitmentLine `json:"lines"`
	// OnDemand and Committed are the monthly cost of the covered lines
	// without and with the commitment; Saving is their difference.
	OnDemand  float64 `json:"onDemand"`
	Committed float64 `json:"committed"`
	Saving    float64 `json:"saving"`
	// NotCommittable names what in the plan no Savings Plan or Reserved
	// Instance in the table covers, with why.
	NotCommittable []string `json:"notCommittable"`
	// Sources are where the table's rates come from, per price key.
	Sources map[string]string `json:"sources"`
}

// CommitmentLine is one covered line.
type CommitmentLine struct {
	URN         string  `json:"urn"`
	Description string  `json:"description"`
	Plan        string  `json:"plan"`
	PriceKey    string  `json:"priceKey"`
	OnDemand    float64 `json:"onDemand"`
	Committed   float64 `json:"committed"`
	Saving      float64 `json:"saving"`
	// BreakEven is the committed rate over the on-demand rate: below this
	// share of use, the commitment costs more than paying on-demand.
	BreakEven float64 `json:"breakEven"`
}

// notCommittable says why a price key has no commitment, for the keys a
// platform engineer would ask about.
var notCommittable = map[string]string{
	"auroraACUHour":              "Aurora Serverless v2 ACU hours (no Compute or EC2 Instance Savings Plan covers them; the table has no Database Savings Plan rate)",
	"natGatewayHour":             "NAT gateways (no commitment discount)",
	"albHour":                    "load balancers (no commitment discount)",
	"fargateSpotVCPUHourX86_64":  "Fargate Spot tasks (already discounted; Savings Plans do not apply to Spot)",
	"rdsHourPostgresDbT4gMicro":  "RDS instances (Reserved Instances exist; the table has no rate for them)",
	"rdsHourPostgresDbT4gSmall":  "RDS instances (Reserved Instances exist; the table has no rate for them)",
	"rdsHourPostgresDbT4gMedium": "RDS instances (Reserved Instances exist; the table has no rate for them)",
}

// commitments prices the plan's committable lines at the table's 1-year
// rates; nil when the table has none for the Region.
func commitments(items []Item, prices Prices, region string) *CommitmentReport {
	c := prices.Commitments
	if c == nil || len(c.Regions[region]) == 0 {
		return nil
	}
	rates := c.Regions[region]
	rep := &CommitmentReport{Term: c.Term, Lines: []CommitmentLine{}, NotCommittable: []string{}, Sources: map[string]string{}}
	seen := map[string]bool{}
	for _, it := range items {
		rate, ok := rates[it.PriceKey]
		if !ok {
			if why, named := notCommittable[it.PriceKey]; named && !seen[why] {
				seen[why] = true
				rep.NotCommittable = append(rep.NotCommittable, why)
			}
			continue
		}
		if it.UnitPrice <= 0 || it.Monthly <= 0 {
			continue
		}
		committed := round(it.Quantity * rate)
		rep.Lines = append(rep.Lines, CommitmentLine{
			URN: it.URN, Description: it.Description, Plan: c.Plans[it.PriceKey], PriceKey: it.PriceKey,
			OnDemand: it.Monthly, Committed: committed, Saving: round(it.Monthly - committed),
			BreakEven: float64(int64(rate/it.UnitPrice*1000+0.5)) / 1000,
		})
		rep.OnDemand += it.Monthly
		rep.Committed += committed
		rep.Sources[it.PriceKey] = c.Sources[it.PriceKey]
	}
	rep.OnDemand, rep.Committed = round(rep.OnDemand), round(rep.Committed)
	rep.Saving = round(rep.OnDemand - rep.Committed)
	slices.Sort(rep.NotCommittable)
	return rep
}

// Text prints the commitment section.
func (c *CommitmentReport) Text(w interface{ Write([]byte) (int, error) }, name func(urn string) string) {
	fmt.Fprintf(w, "\nWith a 1-year commitment (%s; rates from the price table):\n", c.Term)
	if len(c.Lines) == 0 {
		fmt.Fprintf(w, "  nothing in the plan is covered\n")
	}
	for _, l := range c.Lines {
		fmt.Fprintf(w, "  %9.2f  saved of %.2f  %s: %s (%s; pays off above %.0f %% use)\n",
			l.Saving, l.OnDemand, name(l.URN), l.Description, l.Plan, l.BreakEven*100)
	}
	if c.OnDemand > 0 {
		fmt.Fprintf(w, "  %9.2f  saved a month in all: %.2f on-demand, %.2f committed (%.0f %%)\n",
			c.Saving, c.OnDemand, c.Committed, 100*c.Saving/c.OnDemand)
	}
	if len(c.NotCommittable) > 0 {
		fmt.Fprintf(w, "  Not committable: %s\n", strings.Join(c.NotCommittable, "; "))
	}
	for _, k := range slices.Sorted(maps.Keys(c.Sources)) {
		fmt.Fprintf(w, "  rate %s: %s\n", k, c.Sources[k])
	}
}

// Hint is one right-sizing advice line.
type Hint struct {
	URN    string `json:"urn"`
	Advice string `json:"advice"`
	// Saving is what following it would save a month.
	Saving float64 `json:"saving"`
}

// smallestMemory is Fargate's smallest memory (MiB) for each CPU size.
var smallestMemory = map[float64]float64{256: 512, 512: 1024, 1024: 2048, 2048: 4096, 4096: 8192, 8192: 16384, 16384: 32768}

// Hints are right-sizing advice for a plan priced in rep: services that
// keep more than one task outside production, memory above the smallest
// Fargate allows for the CPU, and log groups kept longer than the stack's
// retention (30 days outside production, a year in it). Advice, never an
// error: each says what it would save.
func Hints(p *model.Plan, rep *Report, production bool) []Hint {
	out := []Hint{}
	items := map[string][]Item{} // rep.Items by URN
	for _, it := range rep.Items {
		items[it.URN] = append(items[it.URN], it)
	}
	lines := func(urn, unit string) []Item {
		var l []Item
		for _, it := range items[urn] {
			if it.Unit == unit && it.Kind == Baseline {
				l = append(l, it)
			}
		}
		return l
	}
	pr := &pricer{p: p, idx: model.NewIndex(p)}
	for _, svc := range pr.idx.ByType("aws:ecs/service:Service") {
		minTasks, _ := pr.scaleOf(svc)
		cpuLines, memLines := lines(svc.URN, "vCPU-hour"), lines(svc.URN, "GB-hour")
		var monthly float64
		for _, it := range append(slices.Clone(cpuLines), memLines...) {
			monthly += it.Monthly
		}
		if !production && minTasks > 1 {
			out = append(out, Hint{URN: svc.URN, Saving: round(monthly * (minTasks - 1) / minTasks),
				Advice: fmt.Sprintf("keeps at least %v tasks outside production: 1 is enough where an interruption costs no customer", minTasks)})
		}
		task := pr.taskOf(svc)
		if task == nil {
			continue
		}
		cpu, mem := num(task, "cpu"), num(task, "memory")
		if least, ok := smallestMemory[cpu]; ok && mem > least {
			var saving float64
			for _, it := range memLines {
				saving += it.Monthly * (mem - least) / mem
			}
			out = append(out, Hint{URN: svc.URN, Saving: round(saving),
				Advice: fmt.Sprintf("has %v MiB for %v CPU units, above Fargate's smallest %v: if its memory use stays below that, size it down", mem, cpu, least)})
		}
	}
	policyDays := 30.0
	if production {
		policyDays = 365
	}
	for _, g := range pr.idx.ByType("aws:cloudwatch/logGroup:LogGroup") {
		days := num(g, "retentionInDays")
		if days != 0 && days <= policyDays {
			continue
		}
		kept, keep := min(days/30, 12), min(policyDays/30, 12)
		if kept <= 0 {
			kept = 12
		}
		var saving float64
		for _, it := range items[g.URN] {
			if it.PriceKey == "logsStorageGBMonth" {
				saving += it.Monthly * (1 - keep/kept)
			}
		}
		kind := map[bool]string{true: "production", false: "non-production"}[production]
		held := fmt.Sprintf("%v days", days)
		if days == 0 {
			held = "forever"
		}
		out = append(out, Hint{URN: g.URN, Saving: round(saving),
			Advice: fmt.Sprintf("keeps logs %s, longer than the %v days a %s stack keeps them", held, policyDays, kind)})
	}
	return out
}
