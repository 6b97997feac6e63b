// Package cost prices a plan before anyone deploys it: line items for every
// priced resource, from a dated price table (prices.json) and documented
// usage assumptions (usage.yaml), and three monthly totals: the floor
// (what the stack costs idle, at its minimum scale), expected (the floor
// plus usage) and the maximum (every hourly resource at its maximum scale,
// plus usage). A resource type strata cannot price is listed as unpriced,
// never counted as 0; types that cost nothing are listed as free, each
// with why.
package cost

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/plan/model"
)

// HoursPerMonth is the month cost uses: 730 hours.
const HoursPerMonth = 730

//go:embed prices.json
var pricesJSON []byte

//go:embed usage.yaml
var usageYAML []byte

// Prices is the price table.
type Prices struct {
	Currency string            `json:"currency"`
	Date     string            `json:"date"`
	Note     string            `json:"note"`
	Sources  map[string]string `json:"sources"`
	// Variable are the keys whose price changes with supply (Spot).
	Variable []string                      `json:"variable"`
	Regions  map[string]map[string]float64 `json:"regions"`
	// Commitments are Savings Plan rates for the on-demand keys they name.
	Commitments *Commitments `json:"commitments"`
}

// Commitments is the price table's Savings Plan section: the rate, per
// Region, that a 1-year commitment gives the on-demand key it names.
type Commitments struct {
	Term    string                        `json:"term"`
	Plans   map[string]string             `json:"plans"`
	Sources map[string]string             `json:"sources"`
	Regions map[string]map[string]float64 `json:"regions"`
}

// LoadPrices reads the embedded price table.
func LoadPrices() (Prices, error) {
	var p Prices
	err := json.Unmarshal(pricesJSON, &p)
	return p, err
}

// Usage are the usage assumptions: per-key defaults and per-resource
// overrides keyed "type name".
type Usage struct {
	Defaults map[string]float64 `yaml:"defaults"`
	// NonProduction replaces defaults in a stack that is not production.
	NonProduction map[string]float64            `yaml:"nonProduction"`
	Resources     map[string]map[string]float64 `yaml:"resources"`
}

// For is the usage of a production stack, or of one that is not: the
// defaults with NonProduction over them.
func (u Usage) For(production bool) Usage {
	if production || len(u.NonProduction) == 0 {
		return u
	}
	out := u
	out.Defaults = maps.Clone(u.Defaults)
	maps.Copy(out.Defaults, u.NonProduction)
	out.NonProduction = nil
	return out
}

// DefaultUsage returns the documented defaults (usage.yaml).
func DefaultUsage() Usage {
	var u Usage
	if err := yaml.Unmarshal(usageYAML, &u); err != nil {
		panic(fmt.Sprintf("cost: the embedded usage.yaml does not parse: %v", err))
	}
	return u
}

// ReadUsage overlays a usage file on the defaults. An unknown key is an
// error naming it and the keys known.
func ReadUsage(r io.Reader) (Usage, error) {
	u := DefaultUsage()
	var over Usage
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&over); err != nil && err != io.EOF {
		return u, fmt.Errorf("cost: reading the usage file: %w", err)
	}
	known := slices.Sorted(func(yield func(string) bool) {
		for k := range u.Defaults {
			if !yield(k) {
				return
			}
		}
	})
	bad := problems.About("cost: usage file")
	check := func(where string, m map[string]float64) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			v := m[k]
			if _, ok := u.Defaults[k]; !ok {
				bad.Addf("%s%s is not a usage key (known: %s)", where, k, strings.Join(known, ", "))
				continue
			}
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				bad.Addf("%s%s must be a finite number, got %v", where, k, v)
			case v < 0:
				bad.Addf("%s%s must not be negative, got %v", where, k, v)
			case v > maxUsage:
				bad.Addf("%s%s is %g, more than %g of anything a month: a typo?", where, k, v, maxUsage)
			}
		}
	}
	check("defaults.", over.Defaults)
	check("nonProduction.", over.NonProduction)
	for _, res := range slices.Sorted(maps.Keys(over.Resources)) {
		check("resources."+res+".", over.Resources[res])
	}
	if err := bad.Err(); err != nil {
		return u, err
	}
	// A default the file sets is its usage everywhere, unless the file
	// also sets it for non-production.
	for k, v := range over.Defaults {
		u.Defaults[k] = v
		delete(u.NonProduction, k)
	}
	maps.Copy(u.NonProduction, over.NonProduction)
	if u.Resources == nil {
		u.Resources = map[string]map[string]float64{}
	}
	maps.Copy(u.Resources, over.Resources)
	return u, nil
}

// maxUsage bounds a usage value: a trillion requests, GB or hours a month
// is beyond any account, and larger values make totals overflow.
const maxUsage = 1e12

// ReadUsageFile reads a usage file; an empty path gives the defaults.
func ReadUsageFile(path string) (Usage, error) {
	if path == "" {
		return DefaultUsage(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return Usage{}, fmt.Errorf("cost: reading the usage file: %w", err)
	}
	defer f.Close()
	return ReadUsage(f)
}

// matches refuses per-resource usage whose "type name" key names no
// resource of the plan, saying which resources have that name.
func (u Usage) matches(p *model.Plan) error {
	var problems []error
	for key := range u.Resources {
		typ, name, _ := strings.Cut(key, " ")
		found := false
		var sameName []string
		for _, r := range p.Resources {
			if r.Name == name {
				if r.Type == typ {
					found = true
					break
				}
				sameName = append(sameName, r.Type+" "+r.Name)
			}
		}
		if found {
			continue
		}
		msg := fmt.Sprintf("cost: usage file: resources.%q names no resource of the plan", key)
		if len(sameName) > 0 {
			msg += "; resources of that name: " + strings.Join(sameName, ", ")
		}
		problems = append(problems, errors.New(msg))
	}
	slices.SortFunc(problems, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(problems...)
}

// nearestRegion is the Region of the table that stands in for region: one
// of its own geography (the part before the first hyphen: us, eu, ap, ...),
// else us-east-1, else the first the table holds.
func nearestRegion(region string, prices Prices) string {
	known := slices.Sorted(maps.Keys(prices.Regions))
	geo, _, _ := strings.Cut(region, "-")
	for _, r := range known {
		if g, _, _ := strings.Cut(r, "-"); g == geo {
			return r
		}
	}
	if _, ok := prices.Regions["us-east-1"]; ok {
		return "us-east-1"
	}
	if len(known) > 0 {
		return known[0]
	}
	return ""
}

func (u Usage) of(r *model.Resource, key string) float64 {
	if m, ok := u.Resources[r.Type+" "+r.Name]; ok {
		if v, ok := m[key]; ok {
			return v
		}
	}
	return u.Defaults[key]
}

// Kind says whether a line is part of the idle floor or comes from usage.
const (
	Baseline  = "baseline"
	UsageKind = "usage"
)

// Item is one priced line.
type Item struct {
	URN         string  `json:"urn"`
	Type        string  `json:"type"`
	Description string  `json:"description"`
	Unit        string  `json:"unit"`
	Quantity    float64 `json:"quantity"`
	UnitPrice   float64 `json:"unitPrice"`
	Monthly     float64 `json:"monthly"`
	Kind        string  `json:"kind"`
	// MaxQuantity is the quantity at maximum scale, for baseline lines
	// that scale (tasks, ACUs); 0 means the same as Quantity.
	MaxQuantity float64 `json:"maxQuantity,omitempty"`
	// PriceKey is the price table's key the line is priced with.
	PriceKey string `json:"priceKey"`
	// Variable marks a price AWS changes with supply (Spot): the line is
	// the table's price on its date.
	Variable bool `json:"variable,omitempty"`
	// WithinMaximum marks a usage line the maximum already holds (a paused
	// cluster's awake hours, which maximum prices as always awake at its
	// maximum), so it is not counted twice.
	WithinMaximum bool `json:"withinMaximum,omitempty"`
}

// Budget is the stack's budget, when the plan has one.
type Budget struct {
	URN      string  `json:"urn"`
	LimitUSD float64 `json:"limitUsd"`
	// Warning says when the expected total passes 80 % of the limit, or
	// the floor passes the limit.
	Warning string `json:"warning,omitempty"`
}

// Report is a priced plan.
type Report struct {
	Currency   string `json:"currency"`
	Region     string `json:"region"`
	PricesDate string `json:"pricesDate"`
	// Approximate says, for a Region the price table does not hold, whose
	// prices stand in for its own.
	Approximate string `json:"approximate,omitempty"`
	// UsageProfile says which usage priced it: "production" or
	// "non-production" (Usage.For), when the caller chose.
	UsageProfile string   `json:"usageProfile,omitempty"`
	Items        []Item   `json:"items"`
	Floor        float64  `json:"floor"`
	Expected     float64  `json:"expected"`
	Maximum      float64  `json:"maximum"`
	Budget       *Budget  `json:"budget,omitempty"`
	Unpriced     []string `json:"unpriced"`
	Free         []string `json:"free"`
	// Commitments is what a 1-year commitment would save on the lines a
	// Savings Plan covers, when the table has rates for the Region.
	Commitments *CommitmentReport `json:"commitments,omitempty"`
	// Hints are right-sizing advice from the plan, each with what it
	// would save a month; never errors.
	Hints []Hint `json:"hints"`
}

// Price prices a plan in its Region with the given usage.
func Price(p *model.Plan, prices Prices, usage Usage) (*Report, error) {
	table, ok := prices.Regions[p.Region]
	approximate := ""
	if !ok {
		near := nearestRegion(p.Region, prices)
		if near == "" {
			return nil, fmt.Errorf("cost: the price table holds no Region")
		}
		table = prices.Regions[near]
		approximate = fmt.Sprintf("priced with %s's list prices: the table has none for %s, whose prices differ", near, p.Region)
	}
	if err := usage.matches(p); err != nil {
		return nil, err
	}
	pr := &pricer{p: p, idx: model.NewIndex(p), price: table, usage: usage, variable: prices.Variable, rep: &Report{Currency: prices.Currency, Region: p.Region, PricesDate: prices.Date, Approximate: approximate, Unpriced: []string{}, Free: []string{}}}
	if err := pr.run(); err != nil {
		return nil, err
	}
	rep := pr.rep
	for _, it := range rep.Items {
		max := it.Monthly
		if it.MaxQuantity > 0 {
			max = round(it.MaxQuantity * it.UnitPrice)
		}
		switch it.Kind {
		case Baseline:
			rep.Floor += it.Monthly
			rep.Expected += it.Monthly
			rep.Maximum += max
		default:
			rep.Expected += it.Monthly
			if !it.WithinMaximum {
				rep.Maximum += it.Monthly
			}
		}
	}
	rep.Floor, rep.Expected, rep.Maximum = round(rep.Floor), round(rep.Expected), round(rep.Maximum)
	if approximate == "" {
		rep.Commitments = commitments(rep.Items, prices, p.Region)
	}
	rep.Hints = []Hint{}
	for _, b := range p.ByType("aws:budgets/budget:Budget") {
		var limit float64
		fmt.Sscan(fmt.Sprint(inputOf(b, "limitAmount")), &limit)
		rep.Budget = &Budget{URN: b.URN, LimitUSD: limit}
		switch {
		case limit > 0 && rep.Floor > limit:
			rep.Budget.Warning = fmt.Sprintf("the floor, %.2f USD a month, is above the budget of %.2f USD", rep.Floor, limit)
		case limit > 0 && rep.Expected > 0.8*limit:
			rep.Budget.Warning = fmt.Sprintf("the expected cost, %.2f USD a month, is above 80 %% of the budget of %.2f USD", rep.Expected, limit)
		}
	}
	sort.Strings(rep.Unpriced)
	sort.Strings(rep.Free)
	rep.Unpriced, rep.Free = slices.Compact(rep.Unpriced), slices.Compact(rep.Free)
	return rep, nil
}

func round(v float64) float64 { return math.Round(v*100) / 100 }

func inputOf(r *model.Resource, path string) any {
	v, _ := r.Input(path)
	if s, ok := v.(model.Secret); ok {
		return s.Reveal()
	}
	return v
}

func num(r *model.Resource, path string) float64 {
	switch v := inputOf(r, path).(type) {
	case float64:
		return v
	case string:
		var f float64
		fmt.Sscan(v, &f)
		return f
	}
	return 0
}

func str(r *model.Resource, path string) string {
	s, _ := inputOf(r, path).(string)
	return s
}
