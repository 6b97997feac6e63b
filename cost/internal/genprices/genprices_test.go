package main

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
)

const testSpec = `
source: https://example/{offer}/{region}
savingsPlanSource: https://example/sp/{offer}/{region}
regions: [us-east-1, eu-west-1]
keys:
  natGatewayHour: {offer: AmazonEC2, usagetype: NatGateway-Hours, unit: Hrs}
  natGatewayGB: {offer: AmazonEC2, usagetype: NatGateway-Bytes, unit: GB}
  fargateVCPUHourARM64: {offer: AmazonECS, usagetype: Fargate-ARM-vCPU-Hours:perCPU, unit: hours, regions: [us-east-1]}
  fargateVCPUHourX86_64: {offer: AmazonECS, usagetype: Fargate-vCPU-Hours:perCPU, unit: hours, regions: [us-east-1]}
  fargateSpotVCPUHourX86_64: {offer: AmazonECS, usagetype: SpotUsage-Fargate-vCPU-Hours:perCPU, unit: hours, variable: true, regions: [us-east-1]}
  fargateGBHourARM64: {offer: AmazonECS, usagetype: Fargate-ARM-GB-Hours, unit: hours, regions: [us-east-1]}
  s3StandardGBMonth: {offer: AmazonS3, usagetype: TimedStorage-ByteHrs, unit: GB-Mo, regions: [us-east-1]}
  s3StandardGBMonthPerTB: {offer: AmazonS3, usagetype: TimedStorage-ByteHrs, unit: GB-Mo, scale: 1000, regions: [us-east-1]}
  ec2HourT4gNano: {offer: AmazonEC2, usagetype: BoxUsage:t4g.nano, unit: Hrs, regions: [us-east-1], attributes: {operation: RunInstances, tenancy: Shared, capacitystatus: Used, operatingSystem: Linux, preInstalledSw: NA}}
commitments:
  fargateVCPUHourARM64: {plan: AWSComputeSavingsPlan}
  fargateGBHourARM64: {plan: AWSComputeSavingsPlan}
  ec2HourT4gNano: {plan: AWSEC2InstanceSavingsPlan}
`

func TestGeneratePicksTheOneProduct(t *testing.T) {
	s, err := readSpec([]byte(testSpec))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := s.generate(dirFiles("testdata/offers"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]float64{
		"us-east-1": {
			"natGatewayHour": 0.045, "natGatewayGB": 0.045, // not us-west-1's 0.052
			"fargateVCPUHourARM64": 0.03238, "fargateVCPUHourX86_64": 0.04048, // not Spot's, not ARM's
			"fargateSpotVCPUHourX86_64": 0.012144, "fargateGBHourARM64": 0.00356,
			"s3StandardGBMonth": 0.023, "s3StandardGBMonthPerTB": 23, // first tier, scaled
			"ec2HourT4gNano": 0.0042, // not RHEL, not an unused reservation, not dedicated
		},
		"eu-west-1": {"natGatewayHour": 0.048, "natGatewayGB": 0.048},
	}
	for r, w := range want {
		for k, v := range w {
			if got := tab.Regions[r][k]; !near(got, v) {
				t.Errorf("%s %s = %v, want %v", r, k, got, v)
			}
		}
		if extra := len(tab.Regions[r]) - len(w); extra != 0 {
			t.Errorf("%s has %d keys beyond those wanted: %v", r, extra, tab.Regions[r])
		}
	}
	if tab.Date != "2025-06" {
		t.Errorf("date %q, want the latest publication's month 2025-06", tab.Date)
	}
	if !slices.Equal(tab.Variable, []string{"fargateSpotVCPUHourX86_64"}) {
		t.Errorf("variable = %v", tab.Variable)
	}
	if got := tab.Sources["natGatewayHour"]; got != "https://example/AmazonEC2/{region}" {
		t.Errorf("source = %q", got)
	}
	// The 1-year No Upfront rate, not the 3-year or All Upfront one.
	c := tab.Commitments
	if c == nil {
		t.Fatal("no commitments")
	}
	for k, v := range map[string]float64{"fargateVCPUHourARM64": 0.025904, "fargateGBHourARM64": 0.002848, "ec2HourT4gNano": 0.0026} {
		if got := c.Regions["us-east-1"][k]; !near(got, v) {
			t.Errorf("commitment %s = %v, want %v", k, got, v)
		}
	}
	if c.Plans["ec2HourT4gNano"] != "AWSEC2InstanceSavingsPlan" || c.Plans["fargateGBHourARM64"] != "AWSComputeSavingsPlan" {
		t.Errorf("plans = %v", c.Plans)
	}
}

func TestGenerateNamesEveryProblemAndWritesNothing(t *testing.T) {
	spec := strings.Replace(testSpec, "regions: [us-east-1, eu-west-1]", "regions: [us-east-1, eu-west-1, ap-south-1]", 1) +
		"  " // keep the YAML valid
	spec = strings.Replace(spec, "keys:\n", "keys:\n  ambiguous: {offer: AmazonEC2, usagetype: BoxUsage:t4g.nano, unit: Hrs, regions: [us-east-1]}\n  wrongUnit: {offer: AmazonEC2, usagetype: NatGateway-Hours, unit: GB, regions: [us-east-1]}\n", 1)
	s, err := readSpec([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.generate(dirFiles("testdata/offers"))
	if err == nil {
		t.Fatal("generated a table from files that do not hold it")
	}
	for _, want := range []string{
		"ambiguous in us-east-1 (testdata/offers/AmazonEC2/us-east-1.json): 3 products match usage type *BoxUsage:t4g.nano (SKUs T4GN0001, T4GN0002, T4GN0003)",
		`wrongUnit in us-east-1 (testdata/offers/AmazonEC2/us-east-1.json): SKU NATH0001 is priced per "Hrs", the spec says "GB"`,
		"AmazonEC2 in ap-south-1: open testdata/offers/AmazonEC2/ap-south-1.json: no such file",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
}

func TestSpecRefusesIncompleteKeys(t *testing.T) {
	_, err := readSpec([]byte("regions: [us-east-1]\nkeys:\n  a: {offer: AmazonEC2}\ncommitments:\n  b: {plan: X}\n"))
	if err == nil || !strings.Contains(err.Error(), "keys.a needs offer, usagetype and unit") || !strings.Contains(err.Error(), "commitments.b names no key") {
		t.Fatalf("err = %v", err)
	}
	if _, err := readSpec([]byte("keyz: {}\n")); err == nil {
		t.Fatal("a misspelled field was accepted")
	}
}

// The committed table and the spec describe the same keys in the same
// Regions: a key added by hand, or one the spec cannot generate, fails.
func TestSpecCoversTheTable(t *testing.T) {
	s, err := readSpec(specYAML)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../prices.json")
	if err != nil {
		t.Fatal(err)
	}
	var tab Table
	if err := json.Unmarshal(b, &tab); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(tab.Regions)); !slices.Equal(got, slices.Sorted(slices.Values(s.Regions))) {
		t.Errorf("table Regions %v, spec %v", got, s.Regions)
	}
	for _, r := range s.Regions {
		var want []string
		for _, k := range s.order {
			if s.inRegion(k, r) {
				want = append(want, k)
			}
		}
		slices.Sort(want)
		if got := slices.Sorted(maps.Keys(tab.Regions[r])); !slices.Equal(got, want) {
			t.Errorf("%s: table keys %v\nspec keys %v", r, got, want)
		}
		var wantC []string
		for k, c := range s.Commitments {
			if s.inRegion(k, r) && c.in(r) {
				wantC = append(wantC, k)
			}
		}
		slices.Sort(wantC)
		var gotC []string
		if tab.Commitments != nil {
			gotC = slices.Sorted(maps.Keys(tab.Commitments.Regions[r]))
		}
		if !slices.Equal(gotC, wantC) {
			t.Errorf("%s: table commitments %v, spec %v", r, gotC, wantC)
		}
	}
	for k, ks := range s.Keys {
		if ks.Variable != slices.Contains(tab.Variable, k) {
			t.Errorf("%s: variable in spec %v, in table %v", k, ks.Variable, tab.Variable)
		}
	}
}

func near(a, b float64) bool { d := a - b; return d < 1e-12 && d > -1e-12 }
