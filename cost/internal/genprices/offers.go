package main

import (
	"encoding/json"
	"fmt"
	"github.com/strata-infra/strata/cost"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// offer is the part of a service's price list file genprices reads (the
// layout AWS documents in "Reading the service price list file for an AWS
// service").
type offer struct {
	OfferCode       string `json:"offerCode"`
	PublicationDate string `json:"publicationDate"`
	Products        map[string]struct {
		SKU        string            `json:"sku"`
		Attributes map[string]string `json:"attributes"`
	} `json:"products"`
	Terms struct {
		OnDemand map[string]map[string]struct {
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				BeginRange   string            `json:"beginRange"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// planOffer is the part of a Savings Plan's price list file genprices reads
// ("Reading the service price list file for a Savings Plan").
type planOffer struct {
	PublicationDate string `json:"publicationDate"`
	Products        []struct {
		SKU        string            `json:"sku"`
		Attributes map[string]string `json:"attributes"`
	} `json:"products"`
	Terms struct {
		SavingsPlan []struct {
			SKU   string `json:"sku"`
			Rates []struct {
				DiscountedSKU  string `json:"discountedSku"`
				Unit           string `json:"unit"`
				DiscountedRate struct {
					Price    string `json:"price"`
					Currency string `json:"currency"`
				} `json:"discountedRate"`
			} `json:"rates"`
		} `json:"savingsPlan"`
	} `json:"terms"`
}

// Table is cost/prices.json, as package cost reads it.
type (
	Table       = cost.Prices
	Commitments = cost.Commitments
)

const note = "Public list prices from AWS's Price List offer files (sources; the date is their latest publication), written by go run ./cost/internal/genprices: update them with it, never by hand. Keys a Region lacks are listed unpriced there, never priced at 0. Keys under variable change with supply (Spot): the table holds their price on the date above."

type files func(offer, region string) ([]byte, string, error)

// generate reads every file the spec names and builds the table.
func (s *Spec) generate(open files) (Table, error) {
	t := Table{Currency: "USD", Note: note, Sources: map[string]string{}, Regions: map[string]map[string]float64{}}
	var problems []string
	latest := ""
	services := map[string]*offer{}
	plans := map[string]*planOffer{}
	paths := map[string]string{}
	load := func(name, region string, into any) bool {
		b, path, err := open(name, region)
		paths[name+"/"+region] = path
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s in %s: %v", name, region, err))
			return false
		}
		if err := json.Unmarshal(b, into); err != nil {
			problems = append(problems, fmt.Sprintf("%s: not a price list file: %v", path, err))
			return false
		}
		return true
	}
	for _, region := range s.Regions {
		prices := map[string]float64{}
		skus := map[string]string{}
		for _, k := range s.order {
			ks := s.Keys[k]
			if !s.inRegion(k, region) {
				continue
			}
			o := loadOnce(services, ks.Offer, region, load)
			path := paths[ks.Offer+"/"+region]
			if o == nil {
				continue
			}
			latest = max(latest, o.PublicationDate)
			sku, price, err := ks.find(o, region)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s in %s (%s): %v", k, region, path, err))
				continue
			}
			prices[k], skus[k] = price, sku
			t.Sources[k] = s.sourceOf(ks.Offer, "{region}")
			if ks.Variable && !slices.Contains(t.Variable, k) {
				t.Variable = append(t.Variable, k)
			}
		}
		t.Regions[region] = prices
		for _, k := range s.order {
			c, ok := s.Commitments[k]
			if !ok || skus[k] == "" || !c.in(region) {
				continue
			}
			po := loadOnce(plans, c.Plan, region, load)
			path := paths[c.Plan+"/"+region]
			if po == nil {
				continue
			}
			latest = max(latest, po.PublicationDate)
			rate, err := oneYearNoUpfront(po, skus[k])
			if err != nil {
				problems = append(problems, fmt.Sprintf("commitments.%s in %s (%s): %v", k, region, path, err))
				continue
			}
			if t.Commitments == nil {
				t.Commitments = &Commitments{Term: "1-year Savings Plan, No Upfront", Plans: map[string]string{}, Sources: map[string]string{}, Regions: map[string]map[string]float64{}}
			}
			if t.Commitments.Regions[region] == nil {
				t.Commitments.Regions[region] = map[string]float64{}
			}
			t.Commitments.Regions[region][k] = rate * scaleOf(s.Keys[k])
			t.Commitments.Plans[k] = c.Plan
			t.Commitments.Sources[k] = s.planSourceOf(c.Plan, "{region}")
		}
	}
	if len(problems) > 0 {
		return Table{}, fmt.Errorf("%d problems, nothing written:\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	if len(latest) >= 7 {
		t.Date = latest[:7]
	}
	return t, nil
}

func scaleOf(ks KeySpec) float64 {
	if ks.Scale == 0 {
		return 1
	}
	return ks.Scale
}

// find returns the one product of the Region the key describes and the
// first tier of its on-demand price, scaled.
func (ks KeySpec) find(o *offer, region string) (string, float64, error) {
	var match []string
	for sku, p := range o.Products {
		a := p.Attributes
		if a["regionCode"] != region {
			continue
		}
		ut := a["usagetype"]
		if ut != ks.UsageType && !strings.HasSuffix(ut, "-"+ks.UsageType) {
			continue
		}
		// The prefix before the usage type is the Region's (USE1-, EU-):
		// one word, never a longer usage type ending the same way.
		if prefix := strings.TrimSuffix(ut, ks.UsageType); prefix != "" && strings.Count(prefix, "-") != 1 {
			continue
		}
		ok := true
		for name, want := range ks.Attributes {
			if a[name] != want {
				ok = false
				break
			}
		}
		if ok {
			match = append(match, sku)
		}
	}
	slices.Sort(match)
	switch len(match) {
	case 0:
		return "", 0, fmt.Errorf("no product has usage type *%s%s", ks.UsageType, describe(ks.Attributes))
	case 1:
	default:
		return "", 0, fmt.Errorf("%d products match usage type *%s%s (SKUs %s): name the attribute that tells them apart", len(match), ks.UsageType, describe(ks.Attributes), strings.Join(match, ", "))
	}
	sku := match[0]
	terms := o.Terms.OnDemand[sku]
	if len(terms) != 1 {
		return "", 0, fmt.Errorf("SKU %s has %d on-demand terms, want 1", sku, len(terms))
	}
	for _, term := range terms {
		for _, code := range slices.Sorted(maps.Keys(term.PriceDimensions)) {
			d := term.PriceDimensions[code]
			if d.BeginRange != "" && d.BeginRange != "0" {
				continue
			}
			if d.Unit != ks.Unit {
				return "", 0, fmt.Errorf("SKU %s is priced per %q, the spec says %q", sku, d.Unit, ks.Unit)
			}
			v, err := strconv.ParseFloat(d.PricePerUnit["USD"], 64)
			if err != nil || v < 0 || math.IsInf(v, 0) {
				return "", 0, fmt.Errorf("SKU %s: price %q is not a USD amount", sku, d.PricePerUnit["USD"])
			}
			return sku, v * scaleOf(ks), nil
		}
	}
	return "", 0, fmt.Errorf("SKU %s has no first tier", sku)
}

func describe(a map[string]string) string {
	if len(a) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(a)) {
		parts = append(parts, k+"="+a[k])
	}
	return " with " + strings.Join(parts, ", ")
}

// oneYearNoUpfront is the plan's 1-year, No Upfront rate for the on-demand
// product sku.
func oneYearNoUpfront(po *planOffer, sku string) (float64, error) {
	plan := map[string]bool{}
	for _, p := range po.Products {
		if p.Attributes["purchaseTerm"] == "1yr" && p.Attributes["purchaseOption"] == "No Upfront" {
			plan[p.SKU] = true
		}
	}
	if len(plan) == 0 {
		return 0, fmt.Errorf("no 1yr No Upfront plan in the file")
	}
	var found []float64
	for _, term := range po.Terms.SavingsPlan {
		if !plan[term.SKU] {
			continue
		}
		for _, r := range term.Rates {
			if r.DiscountedSKU != sku {
				continue
			}
			if r.DiscountedRate.Currency != "USD" {
				return 0, fmt.Errorf("rate for SKU %s is in %q", sku, r.DiscountedRate.Currency)
			}
			v, err := strconv.ParseFloat(r.DiscountedRate.Price, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("rate for SKU %s: %q is not an amount", sku, r.DiscountedRate.Price)
			}
			found = append(found, v)
		}
	}
	switch len(found) {
	case 0:
		return 0, fmt.Errorf("the 1yr No Upfront plan has no rate for on-demand SKU %s", sku)
	case 1:
		return found[0], nil
	}
	return 0, fmt.Errorf("the 1yr No Upfront plan has %d rates for on-demand SKU %s", len(found), sku)
}

// encode writes the table as prices.json keeps it: indented, keys sorted.
func encode(t Table) ([]byte, error) {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// diff lists what differs between two tables, one line per key and Region.
func diff(old, new Table) []string {
	var out []string
	regions := slices.Sorted(maps.Keys(new.Regions))
	for _, r := range slices.Sorted(maps.Keys(old.Regions)) {
		if _, ok := new.Regions[r]; !ok {
			out = append(out, fmt.Sprintf("%s: Region no longer generated", r))
		}
	}
	for _, r := range regions {
		o, n := old.Regions[r], new.Regions[r]
		for _, k := range slices.Sorted(maps.Keys(n)) {
			if ov, ok := o[k]; !ok {
				out = append(out, fmt.Sprintf("%s %s: new, %g", r, k, n[k]))
			} else if ov != n[k] {
				out = append(out, fmt.Sprintf("%s %s: %g -> %g", r, k, ov, n[k]))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(o)) {
			if _, ok := n[k]; !ok {
				out = append(out, fmt.Sprintf("%s %s: gone (was %g)", r, k, o[k]))
			}
		}
	}
	return out
}

// loadOnce reads the file of name in region into a new T the first time,
// and remembers it (nil when it could not be read: load has said why).
func loadOnce[T any](cache map[string]*T, name, region string, load func(name, region string, into any) bool) *T {
	key := name + "/" + region
	if v, ok := cache[key]; ok {
		return v
	}
	v := new(T)
	if !load(name, region, v) {
		v = nil
	}
	cache[key] = v
	return v
}
