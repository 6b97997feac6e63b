package cost

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
	"github.com/strata-infra/strata/policy"
	"github.com/strata-infra/strata/stacks"
	"github.com/strata-infra/strata/testdata/foreign/database"
)

func planStack(t *testing.T, stack string) *plan.Plan {
	t.Helper()
	return plantest.PlanStack(t, "..", stack, stacks.Deploy)
}

func price(t *testing.T, p *plan.Plan, u Usage) *Report {
	t.Helper()
	prices, err := LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Price(p, prices, u)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestPriceTable pins the entries the tests rely on, and requires every
// Region to price every key the rules use, each with a source.
func TestPriceTable(t *testing.T) {
	prices, err := LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	us := prices.Regions["us-east-1"]
	for key, want := range map[string]float64{
		"natGatewayHour": 0.045, "publicIPv4Hour": 0.005, "albHour": 0.0225, "auroraACUHour": 0.12,
		"fargateVCPUHourARM64": 0.03238, "fargateGBHourARM64": 0.00356, "kmsKeyMonth": 1.00, "secretMonth": 0.40,
	} {
		if us[key] != want {
			t.Errorf("us-east-1 %s = %v, want %v", key, us[key], want)
		}
	}
	for _, region := range []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1"} {
		table, ok := prices.Regions[region]
		if !ok {
			t.Errorf("no prices for %s", region)
			continue
		}
		for key := range prices.Sources {
			if strings.HasPrefix(key, "rds") || strings.HasPrefix(key, "fargateSpot") { // priced only where listed (pricelist.yaml)
				continue
			}
			if table[key] <= 0 {
				t.Errorf("%s has no price for %s", region, key)
			}
		}
		for key := range table {
			if prices.Sources[key] == "" {
				t.Errorf("%s: price %s names no source", region, key)
			}
		}
	}
	if prices.Date == "" || prices.Currency != "USD" {
		t.Errorf("prices date %q, currency %q", prices.Date, prices.Currency)
	}
}

// items collects the lines of one type and unit.
func items(rep *Report, typ, unit string) []Item {
	var out []Item
	for _, it := range rep.Items {
		if it.Type == typ && it.Unit == unit {
			out = append(out, it)
		}
	}
	return out
}

// TestProdIsPriced: 3 NAT gateways and their 3 Elastic IPs, the load
// balancer and its public IPs, 2 Fargate tasks, 2 Aurora instances at 1
// ACU, every key and the secret, each at the table's price × 730 h, and
// the totals are the sums.
func TestProdIsPriced(t *testing.T) {
	p := planStack(t, "prod")
	rep := price(t, p, DefaultUsage())
	if got := items(rep, "aws:ec2/natGateway:NatGateway", "hour"); len(got) != 3 || got[0].Monthly != 32.85 {
		t.Errorf("NAT hour lines = %+v, want 3 at 0.045 × 730 = 32.85", got)
	}
	if got := items(rep, "aws:ec2/eip:Eip", "hour"); len(got) != 3 || got[0].Monthly != 3.65 {
		t.Errorf("Elastic IP lines = %+v, want 3 at 0.005 × 730 = 3.65", got)
	}
	lb := items(rep, "aws:lb/loadBalancer:LoadBalancer", "hour")
	if len(lb) != 2 || lb[0].Monthly != 16.43 || lb[1].Quantity != 3*730 || lb[1].Monthly != 10.95 {
		t.Errorf("load balancer lines = %+v, want 16.43 for its hours and 3 AZs × 730 public IPv4 hours = 10.95", lb)
	}
	vcpu := items(rep, "aws:ecs/service:Service", "vCPU-hour")
	if len(vcpu) != 1 || vcpu[0].Quantity != 0.25*2*730 || vcpu[0].Monthly != math.Round(0.25*2*730*0.03238*100)/100 || vcpu[0].MaxQuantity != 0.25*10*730 {
		t.Errorf("Fargate vCPU line = %+v, want 0.25 vCPU × 2 tasks × 730 h at the ARM64 price, 10 tasks at most", vcpu)
	}
	acu := items(rep, "aws:rds/cluster:Cluster", "ACU-hour")
	if len(acu) != 1 || acu[0].Quantity != 1*2*730 || acu[0].Monthly != 175.2 || acu[0].MaxQuantity != 16*2*730 {
		t.Errorf("Aurora ACU line = %+v, want 1 ACU × 2 instances × 730 h = 175.20 (16 ACU at most)", acu)
	}
	keys := items(rep, "aws:kms/key:Key", "key-month")
	if len(keys) != len(p.ByType("aws:kms/key:Key")) || len(keys) == 0 || keys[0].Monthly != 1 {
		t.Errorf("%d key lines for %d keys, want one each at 1.00", len(keys), len(p.ByType("aws:kms/key:Key")))
	}
	if got := items(rep, "aws:rds/cluster:Cluster", "secret-month"); len(got) != 1 || got[0].Monthly != 0.40 {
		t.Errorf("secret lines = %+v, want the RDS-managed secret at 0.40", got)
	}
	var floor, expected float64
	for _, it := range rep.Items {
		expected += it.Monthly
		if it.Kind == Baseline {
			floor += it.Monthly
		}
	}
	if math.Abs(rep.Floor-floor) > 0.01 || math.Abs(rep.Expected-expected) > 0.01 || rep.Maximum <= rep.Expected {
		t.Errorf("totals floor %v, expected %v, maximum %v; the lines sum to %v and %v", rep.Floor, rep.Expected, rep.Maximum, floor, expected)
	}
}

// TestDevPausesItsDatabase: one NAT instance and no NAT gateway, and an
// Aurora cluster at 0 ACU that costs no compute while paused (its awake
// hours are usage).
func TestDevPausesItsDatabase(t *testing.T) {
	rep := price(t, planStack(t, "dev"), DefaultUsage())
	if got := items(rep, "aws:ec2/natGateway:NatGateway", "hour"); len(got) != 0 {
		t.Errorf("%d NAT gateways priced, want none", len(got))
	}
	if got := items(rep, "aws:ec2/instance:Instance", "hour"); len(got) != 2 || got[0].PriceKey != "ec2HourT4gNano" || got[1].PriceKey != "publicIPv4Hour" {
		t.Errorf("NAT instance lines %+v, want a t4g.nano and its public IPv4 address", got)
	}
	for _, it := range items(rep, "aws:rds/cluster:Cluster", "ACU-hour") {
		if it.Kind == Baseline && it.Monthly != 0 {
			t.Errorf("a paused cluster's floor line = %+v, want 0", it)
		}
	}
}

// TestUsageChangesExpectedNotFloor: a usage file moves the expected total,
// never the floor; an unknown key is refused.
func TestUsageChangesExpectedNotFloor(t *testing.T) {
	p := planStack(t, "prod")
	base := price(t, p, DefaultUsage())
	more, err := ReadUsage(strings.NewReader("defaults:\n  natGatewayGB: 500\nresources:\n  aws:s3/bucketV2:BucketV2 data:\n    s3StandardGB: 1000\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep := price(t, p, more)
	if rep.Floor != base.Floor {
		t.Errorf("floor %v with more usage, want %v", rep.Floor, base.Floor)
	}
	wantDelta := 3*450*0.045 + (1000-20)*0.023
	if d := rep.Expected - base.Expected; math.Abs(d-wantDelta) > 0.05 {
		t.Errorf("expected rose by %.2f, want %.2f", d, wantDelta)
	}
	if _, err := ReadUsage(strings.NewReader("defaults:\n  natGB: 5\n")); err == nil || !strings.Contains(err.Error(), "natGB") {
		t.Errorf("an unknown usage key: error = %v", err)
	}
}

func TestUnknownRegionAndUnpriced(t *testing.T) {
	p := planStack(t, "dev")
	p.Region = "eu-south-2"
	prices, _ := LoadPrices()
	if rep, err := Price(p, prices, DefaultUsage()); err != nil || !strings.Contains(rep.Approximate, "eu-") || !strings.Contains(rep.Approximate, "eu-south-2") || rep.Floor <= 0 {
		t.Errorf("a Region without a table: %+v, %v; want it priced at a European table and labelled approximate", rep, err)
	}
	p.Region = "us-east-1"
	p.Resources = append(p.Resources, &plan.Resource{Type: "aws:ec2/instance:Instance", Name: "bastion", URN: "urn:x", Custom: true,
		Inputs: map[string]any{"instanceType": "m7i.large"}})
	rep := price(t, p, DefaultUsage())
	found := false
	for _, u := range rep.Unpriced {
		found = found || strings.HasPrefix(u, "aws:ec2/instance:Instance")
	}
	if !found {
		t.Errorf("unpriced = %v, want the instance listed", rep.Unpriced)
	}
}

func TestBudgetWarnings(t *testing.T) {
	rep := price(t, planStack(t, "prod"), DefaultUsage())
	if rep.Budget == nil || rep.Budget.LimitUSD != 1000 || rep.Budget.Warning != "" {
		t.Errorf("prod budget = %+v, want 1000 USD and no warning", rep.Budget)
	}
	big, _ := ReadUsage(strings.NewReader("defaults:\n  natGatewayGB: 10000\n"))
	if rep := price(t, planStack(t, "prod"), big); rep.Budget.Warning == "" || !strings.Contains(rep.Budget.Warning, "80 %") {
		t.Errorf("prod with heavy traffic: budget = %+v, want a warning naming both figures", rep.Budget)
	}
}

// TestNATInstanceSavesOnDev: the non-production NAT instance option
// replaces the NAT gateway and its Elastic IP with a t4g.nano, a public
// IPv4 address and an 8 GB volume, routed from every private route table,
// and it keeps the checklist passing.
func TestNATInstanceSavesOnDev(t *testing.T) {
	gateway, err := planStackWith(t, "dev", `{"cidr":"10.10.0.0/16","natGateways":"single"}`)
	if err != nil {
		t.Fatal(err)
	}
	before := price(t, gateway, DefaultUsage())
	opts, err := plan.StackOptions("..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	opts.Config["strata:network"] = `{"cidr":"10.10.0.0/16","natGateways":"instance"}`
	p, err := plan.Run(stacks.Deploy, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.ByType("aws:ec2/natGateway:NatGateway")); n != 0 {
		t.Errorf("%d NAT gateways with a NAT instance, want none", n)
	}
	inst := p.ByType("aws:ec2/instance:Instance")
	if len(inst) != 1 || inst[0].Inputs["sourceDestCheck"] != false || inst[0].Inputs["instanceType"] != "t4g.nano" {
		t.Fatalf("NAT instances = %+v, want one t4g.nano without source/destination check", inst)
	}
	if tokens, _ := inst[0].Input("metadataOptions.httpTokens"); tokens != "required" {
		t.Errorf("NAT instance IMDS tokens = %v, want required (IMDSv2)", tokens)
	}
	routes := 0
	for _, r := range p.ByType("aws:ec2/route:Route") {
		if r.Inputs["networkInterfaceId"] == inst[0].Outputs["primaryNetworkInterfaceId"] {
			routes++
		}
	}
	if routes != 2 {
		t.Errorf("%d routes to the NAT instance, want one per private route table (2)", routes)
	}
	for _, f := range policy.Evaluate(p, policy.Options{}).Failures() {
		t.Errorf("with the NAT instance, %s fails %s: %s", f.URN, f.Check, f.Message)
	}
	after := price(t, p, DefaultUsage())
	if saving := before.Floor - after.Floor; saving < 25 {
		t.Errorf("dev floor %v with NAT gateways, %v with the instance: saves %v, want more than 25 USD", before.Floor, after.Floor, saving)
	}
	t.Logf("dev floor %.2f -> %.2f, expected %.2f -> %.2f", before.Floor, after.Floor, before.Expected, after.Expected)
	if _, err := planStackWith(t, "prod", `{"cidr":"10.20.0.0/16","natGateways":"instance"}`); err == nil || !strings.Contains(err.Error(), `must not be "instance" in production`) {
		t.Errorf("a NAT instance in prod: error = %v", err)
	}
}

func planStackWith(t *testing.T, stack, network string) (*plan.Plan, error) {
	t.Helper()
	opts, err := plan.StackOptions("..", stack)
	if err != nil {
		t.Fatal(err)
	}
	opts.Config["strata:network"] = network
	return plan.Run(stacks.Deploy, opts)
}

// TestNothingIsPricedAtZeroInSilence: a price the table lacks is an error
// naming the key and the resource, never a line at 0.
func TestNothingIsPricedAtZeroInSilence(t *testing.T) {
	prices, err := LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	delete(prices.Regions["us-east-1"], "natGatewayHour")
	_, err = Price(planStack(t, "prod"), prices, DefaultUsage())
	if err == nil || !strings.Contains(err.Error(), "natGatewayHour") || !strings.Contains(err.Error(), "NatGateway") {
		t.Errorf("a missing price key: error = %v, want one naming the key and the NAT gateway", err)
	}
}

// TestUsageIsFiniteAndNamesRealResources: usage values that are not finite
// numbers, or absurdly large, are refused; so is per-resource usage whose
// key names no resource of the plan (or names one by the wrong type).
func TestUsageIsFiniteAndNamesRealResources(t *testing.T) {
	for _, v := range []string{".nan", ".inf", "-.inf", "1e308"} {
		if _, err := ReadUsage(strings.NewReader("defaults:\n  natGatewayGB: " + v + "\n")); err == nil || !strings.Contains(err.Error(), "natGatewayGB") {
			t.Errorf("natGatewayGB %s: error = %v, want it refused", v, err)
		}
	}
	// Every problem at once, in the file's sections and in key order.
	_, err := ReadUsage(strings.NewReader("defaults:\n  natGB: 5\n  albLCU: -1\nnonProduction:\n  lambdaRequestsMillion: .nan\n" +
		"resources:\n  \"aws:s3/bucketV2:BucketV2 data\":\n    s3GB: 1\n"))
	if err == nil {
		t.Fatal("a usage file with four problems was accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"defaults.albLCU must not be negative", "defaults.natGB is not a usage key",
		"nonProduction.lambdaRequestsMillion must be a finite number", "resources.aws:s3/bucketV2:BucketV2 data.s3GB is not a usage key"}
	if len(lines) != len(want) {
		t.Fatalf("%d problems reported, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], "cost: usage file: "+w) {
			t.Errorf("problem %d = %q, want %q", i+1, lines[i], "cost: usage file: "+w)
		}
	}
	p := planStack(t, "dev")
	prices, _ := LoadPrices()
	for key, want := range map[string]string{
		"aws:lambda/function:Function nope": "names no resource",
		"aws:lambda/function:Function main": "resources of that name",
	} {
		u, err := ReadUsage(strings.NewReader("resources:\n  \"" + key + "\":\n    natGatewayGB: 1\n"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Price(p, prices, u); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), key) {
			t.Errorf("usage for %q: error = %v, want %q", key, err, want)
		}
	}
}

// TestFreeSaysOnlyWhatIsTrue: GuardDuty's protection plans are listed as
// unpriced, not free with the detector; a trail is free only as the
// account's first copy of management events, and a trail of data events
// is listed as unpriced.
func TestFreeSaysOnlyWhatIsTrue(t *testing.T) {
	p := planStack(t, "prod")
	rep := price(t, p, DefaultUsage())
	features := 0
	for _, u := range rep.Unpriced {
		if strings.HasPrefix(u, "aws:guardduty/detectorFeature:DetectorFeature (") {
			features++
		}
	}
	if want := len(p.ByType("aws:guardduty/detectorFeature:DetectorFeature")); features != want || want == 0 {
		t.Errorf("unpriced GuardDuty features = %d, want all %d: %v", features, want, rep.Unpriced)
	}
	for _, f := range rep.Free {
		if strings.Contains(f, "DetectorFeature") {
			t.Errorf("free: %q; a protection plan is not free", f)
		}
	}
	trail := p.ByType("aws:cloudtrail/trail:Trail")[0]
	trail.Inputs["eventSelectors"] = []any{map[string]any{"dataResources": []any{map[string]any{"type": "AWS::S3::Object"}}}}
	rep = price(t, p, DefaultUsage())
	if !slices.ContainsFunc(rep.Unpriced, func(u string) bool { return strings.Contains(u, "Trail (data events") }) {
		t.Errorf("a trail of S3 data events is not listed as unpriced: %v", rep.Unpriced)
	}
}

// TestREADMECostTable keeps the tables of what the stacks cost, in the
// README and in docs/cost.md, equal to what strata cost computes: floor,
// expected and maximum.
func TestREADMECostTable(t *testing.T) {
	for _, doc := range []string{"../README.md", "../docs/cost.md"} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, stack := range []string{"dev", "prod"} {
			rep := price(t, planStack(t, stack), DefaultUsage().For(stack == "prod"))
			row := fmt.Sprintf("| %s | %s | %s | %s |", stack, money(rep.Floor), money(rep.Expected), money(rep.Maximum))
			if !strings.Contains(string(raw), row) {
				t.Errorf("%s's cost table has no row starting %q", doc, row)
			}
		}
	}
}

// money prints an amount as the README does: 3,096.27.
func money(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	whole, cents, _ := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return whole + "." + cents
}

// TestQuantitiesAsAWSBills: a rotated key reaches three key-months after
// its first two rotations; an alarm on metric math is billed per metric it
// reads; log storage is the compressed size.
func TestQuantitiesAsAWSBills(t *testing.T) {
	p := planStack(t, "prod")
	rep := price(t, p, DefaultUsage())
	line := func(typ, name string) []Item {
		r, err := p.Find(typ, name)
		if err != nil {
			t.Fatal(err)
		}
		var out []Item
		for _, it := range rep.Items {
			if it.URN == r.URN {
				out = append(out, it)
			}
		}
		return out
	}
	key := line("aws:kms/key:Key", "data")[0]
	if key.Quantity != 1 || key.MaxQuantity != 3 || !strings.Contains(key.Description, "rotated every 365 days") {
		t.Errorf("rotated key line = %+v, want 1 key-month rising to 3", key)
	}
	if alarm := line("aws:cloudwatch/metricAlarm:MetricAlarm", "web-lb-5xx")[0]; alarm.Quantity != 2 {
		t.Errorf("metric-math alarm line = %+v, want 2 metrics billed", alarm)
	}
	if alarm := line("aws:cloudwatch/metricAlarm:MetricAlarm", "web-cpu")[0]; alarm.Quantity != 1 {
		t.Errorf("plain alarm line = %+v, want 1", alarm)
	}
	for _, it := range line("aws:cloudwatch/logGroup:LogGroup", "web") {
		if strings.HasPrefix(it.Description, "log storage") && it.Quantity != 12*0.15 {
			t.Errorf("log storage = %+v, want 1 GB a month for 12 months at 0.15 compressed", it)
		}
	}
}

// TestUsageProfiles: a stack that is not production is priced with the
// smaller nonProduction usage; a usage file's default applies to both
// unless it sets nonProduction too.
func TestUsageProfiles(t *testing.T) {
	u := DefaultUsage()
	if prod, dev := u.For(true).Defaults["natGatewayGB"], u.For(false).Defaults["natGatewayGB"]; dev >= prod {
		t.Errorf("natGatewayGB: production %v, non-production %v; want less outside production", prod, dev)
	}
	p := planStack(t, "dev")
	if prod, dev := price(t, p, u.For(true)), price(t, p, u.For(false)); dev.Expected >= prod.Expected || dev.Floor != prod.Floor {
		t.Errorf("dev expected %v with non-production usage, %v with production's; floors %v, %v", dev.Expected, prod.Expected, dev.Floor, prod.Floor)
	}
	mine, err := ReadUsage(strings.NewReader("defaults:\n  natGatewayGB: 7\nnonProduction:\n  albLCU: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := mine.For(false).Defaults; got["natGatewayGB"] != 7 || got["albLCU"] != 3 {
		t.Errorf("non-production usage = %v, want the file's natGatewayGB 7 and albLCU 3", got)
	}
}

// TestV7BucketsArePriced: a pulumi-aws v7 plan's buckets are priced as
// v6's BucketV2 are.
func TestV7BucketsArePriced(t *testing.T) {
	p := plantest.Load(t, "../testdata/v7/buckets.json")
	rep := price(t, p, DefaultUsage())
	storage := 0
	for _, it := range rep.Items {
		if it.Type == "aws:s3/bucket:Bucket" && it.Description == "S3 Standard storage" {
			storage++
		}
	}
	if storage != 2 {
		t.Errorf("%d v7 buckets priced, want 2: %+v (unpriced %v)", storage, rep.Items, rep.Unpriced)
	}
}

// TestV7CompanionsAreNotUnpriced: v7's bucket companions are free
// configuration, not unpriced resources.
func TestV7CompanionsAreNotUnpriced(t *testing.T) {
	p := plantest.Load(t, "../testdata/v7/buckets.json")
	if rep := price(t, p, DefaultUsage()); len(rep.Unpriced) != 0 {
		t.Errorf("unpriced = %v, want none", rep.Unpriced)
	}
}

// TestConfigRulesByTrigger: a periodic Config rule is priced per period,
// one triggered by changes by the usage's evaluations.
func TestConfigRulesByTrigger(t *testing.T) {
	p := planStack(t, "prod")
	rules := p.ByType("aws:cfg/rule:Rule")
	if len(rules) < 2 {
		t.Fatalf("prod has %d Config rules", len(rules))
	}
	rules[0].Inputs["maximumExecutionFrequency"] = "TwentyFour_Hours"
	delete(rules[1].Inputs, "maximumExecutionFrequency")
	rep := price(t, p, DefaultUsage())
	for _, it := range rep.Items {
		switch it.URN {
		case rules[0].URN:
			if !strings.Contains(it.Description, "periodic") || it.Quantity < 30 || it.Quantity > 31 {
				t.Errorf("daily rule line = %+v, want about 30 evaluations", it)
			}
		case rules[1].URN:
			if !strings.Contains(it.Description, "on configuration changes") || it.Quantity != DefaultUsage().Defaults["configRuleEvaluations"] {
				t.Errorf("change-triggered rule line = %+v", it)
			}
		}
	}
}

// TestMaximumCountsNothingTwice: a cluster that pauses is priced at its
// maximum as awake every hour at maximum ACU; its awake-hours usage line
// is not added on top.
func TestMaximumCountsNothingTwice(t *testing.T) {
	rep := price(t, planStack(t, "dev"), DefaultUsage())
	var sum float64
	awake := false
	for _, it := range rep.Items {
		max := it.Monthly
		if it.MaxQuantity > 0 {
			max = round(it.MaxQuantity * it.UnitPrice)
		}
		if strings.HasPrefix(it.Description, "Aurora ACU hours while awake") {
			awake = true
			if !it.WithinMaximum {
				t.Errorf("the awake-hours line %+v is counted again at maximum", it)
			}
			continue
		}
		sum += max
	}
	if !awake {
		t.Fatal("dev's cluster has no awake-hours line")
	}
	if round(sum) != rep.Maximum {
		t.Errorf("maximum %v, want the lines' maxima without the awake hours, %v", rep.Maximum, round(sum))
	}
}

// TestRDSInstancesArePriced: a program's RDS instance (written without
// strata) is priced by its class, storage and Multi-AZ; a class the table
// has no price for is listed as unpriced, never priced at 0.
func TestRDSInstancesArePriced(t *testing.T) {
	p, err := plan.Run(database.Program, plan.Options{Project: "shop", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	rep := price(t, p, DefaultUsage())
	var lines []string
	for _, it := range rep.Items {
		if it.Type == "aws:rds/instance:Instance" {
			lines = append(lines, fmt.Sprintf("%s %.2f", it.Description, it.Monthly))
		}
	}
	want := []string{"RDS postgres db.t4g.micro, Single-AZ 11.68", "RDS storage 2.30"}
	if !slices.Equal(lines, want) {
		t.Errorf("RDS lines = %v, want %v", lines, want)
	}
	inst, _ := p.Find("aws:rds/instance:Instance", "orders")
	inst.Inputs["instanceClass"] = "db.r7g.4xlarge"
	rep = price(t, p, DefaultUsage())
	if !slices.ContainsFunc(rep.Unpriced, func(u string) bool { return strings.Contains(u, "db.r7g.4xlarge") }) {
		t.Errorf("an unpriced class is not listed: %v", rep.Unpriced)
	}
}

// TestSpotTasksAtTheSpotRate: dev's tasks are all on Spot, priced at the
// table's Spot rate and marked variable; prod's are on-demand; a mixed
// strategy puts its base on-demand and shares the rest by weight.
func TestSpotTasksAtTheSpotRate(t *testing.T) {
	prices, err := LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	us := prices.Regions["us-east-1"]
	dev := price(t, planStack(t, "dev"), DefaultUsage().For(false))
	if n := len(items(dev, "aws:ecs/service:Service", "vCPU-hour")); n != 1 {
		t.Fatalf("dev has %d vCPU lines, want 1 (Spot only)", n)
	}
	v := items(dev, "aws:ecs/service:Service", "vCPU-hour")[0]
	if v.UnitPrice != us["fargateSpotVCPUHourX86_64"] || !v.Variable || v.Quantity != 0.25*HoursPerMonth || v.MaxQuantity != 0.25*10*HoursPerMonth {
		t.Errorf("dev vCPU line = %+v, want 0.25 vCPU × 1 task (10 at most) at the Spot rate, variable", v)
	}
	prod := price(t, planStack(t, "prod"), DefaultUsage())
	for _, it := range items(prod, "aws:ecs/service:Service", "vCPU-hour") {
		if it.Variable || it.UnitPrice != us["fargateVCPUHourARM64"] {
			t.Errorf("prod line %+v, want on-demand ARM64", it)
		}
	}
	s := strategy{onBase: 1, onWeight: 1, spotWeight: 3}
	for _, c := range []struct{ n, on, spot float64 }{{0, 0, 0}, {1, 1, 0}, {2, 1.25, 0.75}, {5, 2, 3}} {
		if on, spot := s.split(c.n); on != c.on || spot != c.spot {
			t.Errorf("%v tasks with base 1 and weights 1:3 = %v on-demand, %v Spot; want %v and %v", c.n, on, spot, c.on, c.spot)
		}
	}
	if on, spot := (strategy{spotBase: 2, onWeight: 1}).split(3); on != 1 || spot != 2 {
		t.Errorf("a Spot base of 2 and 3 tasks = %v on-demand, %v Spot", on, spot)
	}
}

// TestCommitmentsFromTheTable: prod's committable lines (on-demand Fargate
// and Lambda compute) are priced at the table's 1-year rates, line by line
// and in total, with the break-even utilisation; what cannot be committed
// is named; the JSON carries it.
func TestCommitmentsFromTheTable(t *testing.T) {
	prices, err := LoadPrices()
	if err != nil {
		t.Fatal(err)
	}
	rates := prices.Commitments.Regions["us-east-1"]
	rep := price(t, planStack(t, "prod"), DefaultUsage())
	c := rep.Commitments
	if c == nil || len(c.Lines) == 0 {
		t.Fatalf("prod has no commitment section: %+v", c)
	}
	var covered, sum float64
	for _, it := range rep.Items {
		rate, ok := rates[it.PriceKey]
		if !ok {
			continue
		}
		covered++
		var line *CommitmentLine
		for i := range c.Lines {
			if c.Lines[i].URN == it.URN && c.Lines[i].PriceKey == it.PriceKey {
				line = &c.Lines[i]
			}
		}
		if line == nil {
			t.Errorf("%s %s is committable but has no line", it.URN, it.PriceKey)
			continue
		}
		if want := round(it.Quantity * rate); line.Committed != want || line.Saving != round(it.Monthly-want) {
			t.Errorf("%s: committed %v saving %v, want %v and %v", it.Description, line.Committed, line.Saving, want, round(it.Monthly-want))
		}
		if be := rate / it.UnitPrice; math.Abs(line.BreakEven-be) > 0.001 {
			t.Errorf("%s: break-even %v, want %v", it.Description, line.BreakEven, be)
		}
		sum += line.Saving
	}
	if int(covered) != len(c.Lines) || covered < 3 {
		t.Errorf("%d committable items, %d lines; want the Fargate vCPU and memory and Lambda lines at least", int(covered), len(c.Lines))
	}
	if math.Abs(c.Saving-sum) > 0.011 || c.Saving <= 0 {
		t.Errorf("total saving %v, sum of lines %v", c.Saving, sum)
	}
	for _, want := range []string{"Aurora Serverless v2", "NAT gateways", "load balancers"} {
		if !slices.ContainsFunc(c.NotCommittable, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("not committable %v lacks %s", c.NotCommittable, want)
		}
	}
	b, _ := json.Marshal(rep)
	if !strings.Contains(string(b), `"commitments":{"term":"1-year Savings Plan, No Upfront"`) {
		t.Errorf("the JSON report has no commitment section: %.300s", b)
	}
	// A Region priced approximately gets no commitment figures.
	p := planStack(t, "prod")
	p.Region = "eu-south-2"
	if rep := price(t, p, DefaultUsage()); rep.Commitments != nil {
		t.Errorf("an approximate Region got commitments: %+v", rep.Commitments)
	}
}

// TestRightSizingHints: more than one task outside production, memory
// above the smallest for the CPU and logs kept beyond the stack's
// retention each give advice with its saving; the reference stacks get
// none.
func TestRightSizingHints(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		p := planStack(t, stack)
		if h := Hints(p, price(t, p, DefaultUsage()), stack == "prod"); len(h) != 0 {
			t.Errorf("%s has hints %+v, want none", stack, h)
		}
	}
	opts, err := plan.StackOptions("..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	opts.Config["strata:app"] = `{"minTasks":3,"cpu":256,"memory":2048}`
	opts.Config["strata:db"] = `{"logRetentionDays":365}`
	p, err := plan.Run(stacks.Deploy, opts)
	if err != nil {
		t.Fatal(err)
	}
	rep := price(t, p, DefaultUsage().For(false))
	hints := Hints(p, rep, false)
	var fargate float64
	for _, it := range rep.Items {
		if it.Type == "aws:ecs/service:Service" && it.Kind == Baseline {
			fargate += it.Monthly
		}
	}
	want := map[string]bool{"keeps at least 3 tasks outside production": false, "has 2048 MiB for 256 CPU units, above Fargate's smallest 512": false, "keeps logs 365 days, longer than the 30 days": false}
	for _, h := range hints {
		for w := range want {
			if strings.HasPrefix(h.Advice, w) {
				want[w] = true
				if h.Saving <= 0 {
					t.Errorf("%q saves %v", h.Advice, h.Saving)
				}
				if strings.HasPrefix(w, "keeps at least") && math.Abs(h.Saving-fargate*2/3) > 0.02 {
					t.Errorf("3 tasks down to 1 saves %v, want two thirds of %v", h.Saving, fargate)
				}
			}
		}
	}
	for w, found := range want {
		if !found {
			t.Errorf("no hint %q in %+v", w, hints)
		}
	}
}

// TestDevUnder45: with the stack files as they are, dev's floor is at
// most 45 USD a month and its expected cost stays below 80 % of its
// budget, so strata plan gives no budget warning.
func TestDevUnder45(t *testing.T) {
	rep := price(t, planStack(t, "dev"), DefaultUsage().For(false))
	if rep.Floor > 45 {
		t.Errorf("dev floor %.2f USD, want at most 45.00", rep.Floor)
	}
	if rep.Budget == nil || rep.Budget.Warning != "" {
		t.Errorf("dev budget %+v, want one without a warning", rep.Budget)
	}
}

// TestDevSavingsAsDocumented plans dev with each of its savings undone (NAT
// gateway instead of the instance, on-demand ARM64 tasks instead of Spot,
// the dashboard back) and requires docs/cost.md to state each difference
// in the floor as it is.
func TestDevSavingsAsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/cost.md")
	if err != nil {
		t.Fatal(err)
	}
	floor := func(overrides map[string]string) float64 {
		opts, err := plan.StackOptions("..", "dev")
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(opts.Config, overrides)
		p, err := plan.Run(stacks.Deploy, opts)
		if err != nil {
			t.Fatal(err)
		}
		return price(t, p, DefaultUsage().For(false)).Floor
	}
	dev := floor(nil)
	for what, undone := range map[string]map[string]string{
		"NAT instance instead of a NAT gateway": {"strata:network": `{"cidr":"10.10.0.0/16","natGateways":"single"}`},
		"Fargate Spot for every task":           {"strata:app": `{"architecture":"ARM64","capacity":{"onDemandWeight":1,"spotWeight":0}}`},
		"no dashboard":                          {"strata:alarms": `{"dashboard":true}`},
	} {
		saving := fmt.Sprintf("saves %.2f USD a month", floor(undone)-dev)
		if !strings.Contains(string(doc), saving) {
			t.Errorf("docs/cost.md does not say the %s %s", what, saving)
		}
	}
}
