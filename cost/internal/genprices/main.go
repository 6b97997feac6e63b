// Command genprices writes strata's price table (cost/prices.json) from
// AWS's public Price List offer files, so that no price in it is typed by
// hand.
//
//	go run ./cost/internal/genprices urls            # the files to download
//	go run ./cost/internal/genprices -offers DIR     # writes cost/prices.json
//	go run ./cost/internal/genprices -offers DIR -check  # differences only
//
// DIR holds one file per offer and Region, DIR/<offer>/<region>.json, as
// the urls command names them. pricelist.yaml says where each key of the
// table is published; a key whose product is missing from a file, or
// matches more than one product, is an error naming the key, the Region and
// the file, and nothing is written.
package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed pricelist.yaml
var specYAML []byte

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "genprices:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("genprices", flag.ContinueOnError)
	offers := fs.String("offers", "", "folder of offer files: DIR/<offer>/<region>.json")
	out := fs.String("out", "cost/prices.json", "the price table to write")
	check := fs.Bool("check", false, "print how the table differs from the offer files; write nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	spec, err := readSpec(specYAML)
	if err != nil {
		return err
	}
	if fs.Arg(0) == "urls" {
		for _, u := range spec.urls() {
			fmt.Fprintln(stdout, u)
		}
		return nil
	}
	if *offers == "" {
		return fmt.Errorf("-offers DIR is required (see the urls command for what to download)")
	}
	old, _ := os.ReadFile(*out)
	tab, err := spec.generate(dirFiles(*offers))
	if err != nil {
		return err
	}
	if *check {
		var prev Table
		if err := json.Unmarshal(old, &prev); err != nil {
			return fmt.Errorf("reading %s: %w", *out, err)
		}
		for _, d := range diff(prev, tab) {
			fmt.Fprintln(stdout, d)
		}
		return nil
	}
	b, err := encode(tab)
	if err != nil {
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}

// dirFiles opens DIR/<offer>/<region>.json.
func dirFiles(dir string) func(offer, region string) ([]byte, string, error) {
	return func(offer, region string) ([]byte, string, error) {
		p := filepath.Join(dir, offer, region+".json")
		b, err := os.ReadFile(p)
		return b, p, err
	}
}

// Spec is pricelist.yaml.
type Spec struct {
	Source            string                `yaml:"source"`
	SavingsPlanSource string                `yaml:"savingsPlanSource"`
	Regions           []string              `yaml:"regions"`
	Keys              map[string]KeySpec    `yaml:"keys"`
	Commitments       map[string]CommitSpec `yaml:"commitments"`
	order             []string
}

// KeySpec says where one key is published.
type KeySpec struct {
	Offer      string            `yaml:"offer"`
	UsageType  string            `yaml:"usagetype"`
	Unit       string            `yaml:"unit"`
	Scale      float64           `yaml:"scale"`
	Attributes map[string]string `yaml:"attributes"`
	// Regions limits the key to some Regions (the others list it unpriced).
	Regions []string `yaml:"regions"`
	// Variable marks a price AWS changes with supply (Spot).
	Variable bool `yaml:"variable"`
}

// CommitSpec names the Savings Plan whose rate discounts a key.
type CommitSpec struct {
	Plan string `yaml:"plan"`
	// Regions limits the rate to some Regions.
	Regions []string `yaml:"regions"`
}

func (c CommitSpec) in(region string) bool {
	return len(c.Regions) == 0 || slices.Contains(c.Regions, region)
}

func readSpec(b []byte) (*Spec, error) {
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("pricelist.yaml: %w", err)
	}
	// Keep the file's order: the table lists keys as the spec does.
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(doc.Content[0].Content); i += 2 {
		if doc.Content[0].Content[i].Value == "keys" {
			m := doc.Content[0].Content[i+1]
			for j := 0; j < len(m.Content); j += 2 {
				s.order = append(s.order, m.Content[j].Value)
			}
		}
	}
	var bad []string
	for _, k := range s.order {
		ks := s.Keys[k]
		if ks.Offer == "" || ks.UsageType == "" || ks.Unit == "" {
			bad = append(bad, fmt.Sprintf("keys.%s needs offer, usagetype and unit", k))
		}
	}
	for k, c := range s.Commitments {
		if _, ok := s.Keys[k]; !ok {
			bad = append(bad, fmt.Sprintf("commitments.%s names no key", k))
		}
		if c.Plan == "" {
			bad = append(bad, fmt.Sprintf("commitments.%s needs plan", k))
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("pricelist.yaml: %s", strings.Join(bad, "; "))
	}
	return &s, nil
}

func (s *Spec) inRegion(k, region string) bool {
	rs := s.Keys[k].Regions
	return len(rs) == 0 || slices.Contains(rs, region)
}

func (s *Spec) sourceOf(offer, region string) string {
	return strings.NewReplacer("{offer}", offer, "{region}", region).Replace(s.Source)
}

func (s *Spec) planSourceOf(plan, region string) string {
	return strings.NewReplacer("{offer}", plan, "{region}", region).Replace(s.SavingsPlanSource)
}

// urls lists every file generate reads, with where to keep it.
func (s *Spec) urls() []string {
	seen := map[string]bool{}
	var out []string
	add := func(u, local string) {
		if !seen[local] {
			seen[local] = true
			out = append(out, u+" -> "+local)
		}
	}
	for _, r := range s.Regions {
		for _, k := range s.order {
			if s.inRegion(k, r) {
				o := s.Keys[k].Offer
				add(s.sourceOf(o, r), o+"/"+r+".json")
			}
		}
		for _, k := range s.order {
			if c, ok := s.Commitments[k]; ok && c.in(r) && s.inRegion(k, r) {
				add(s.planSourceOf(c.Plan, r), c.Plan+"/"+r+".json")
			}
		}
	}
	return out
}
