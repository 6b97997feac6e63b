package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	awsxec2 "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestLegacyLayoutMatchesAwsx: the Legacy allocator gives, for every case
// recorded from awsx's own code (testdata/awsx), exactly the blocks awsx
// registers, odd netmasks included.
func TestLegacyLayoutMatchesAwsx(t *testing.T) {
	raw, err := os.ReadFile("testdata/awsx/legacy-known-working.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Cases []struct {
			VpcCidr string
			Specs   []struct {
				Type     string
				CidrMask int
			}
			Result []string
		}
	}
	if err := json.Unmarshal(raw, &fixture); err != nil {
		t.Fatal(err)
	}
	for _, c := range fixture.Cases {
		var specs []subnetSpec
		for _, s := range c.Specs {
			specs = append(specs, subnetSpec{kind: s.Type, cidrMask: s.CidrMask})
		}
		laid, err := legacyLayout("vpcName", c.VpcCidr, []string{"us-east-1a"}, specs, 0)
		if err != nil {
			t.Errorf("%s %v: %v", c.VpcCidr, c.Specs, err)
			continue
		}
		var got []string
		for _, l := range laid {
			got = append(got, l.cidr)
		}
		if !slices.Equal(got, c.Result) {
			t.Errorf("legacyLayout(%s, %v) = %v, awsx gives %v", c.VpcCidr, c.Specs, got, c.Result)
		}
	}
}

// TestLegacyDefaultsMatchAwsx: awsx's own expectations for its default
// layout over three AZs, and for one and two named specs
// (subnetDistributorLegacy.test.ts, "getSubnetSpecs").
func TestLegacyDefaultsMatchAwsx(t *testing.T) {
	zones := []string{"us-east-1a", "us-east-1b", "us-east-1c"}
	layout := func(specs []subnetSpec) []string {
		laid, err := legacyLayout("vpcname", "10.0.0.0/16", zones, specs, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range laid {
			out = append(out, fmt.Sprintf("%s %s %s %s", l.kind, l.cidr, l.zone, l.name))
		}
		return out
	}
	want := []string{
		"Private 10.0.0.0/19 us-east-1a vpcname-private-1", "Private 10.0.64.0/19 us-east-1b vpcname-private-2",
		"Private 10.0.128.0/19 us-east-1c vpcname-private-3", "Public 10.0.32.0/20 us-east-1a vpcname-public-1",
		"Public 10.0.96.0/20 us-east-1b vpcname-public-2", "Public 10.0.160.0/20 us-east-1c vpcname-public-3",
	}
	if got := layout(nil); !slices.Equal(got, want) {
		t.Errorf("default layout = %v\nawsx gives %v", got, want)
	}
	want = []string{"Isolated 10.0.0.0/19 us-east-1a vpcname-foo-1", "Isolated 10.0.64.0/19 us-east-1b vpcname-foo-2", "Isolated 10.0.128.0/19 us-east-1c vpcname-foo-3"}
	if got := layout([]subnetSpec{{kind: "Isolated", cidrMask: 19, name: "foo"}}); !slices.Equal(got, want) {
		t.Errorf("one named spec = %v\nawsx gives %v", got, want)
	}
	want = []string{
		"Public 10.0.0.0/19 us-east-1a vpcname-foo-1", "Isolated 10.0.32.0/20 us-east-1a vpcname-bar-1",
		"Public 10.0.64.0/19 us-east-1b vpcname-foo-2", "Isolated 10.0.96.0/20 us-east-1b vpcname-bar-2",
		"Public 10.0.128.0/19 us-east-1c vpcname-foo-3", "Isolated 10.0.160.0/20 us-east-1c vpcname-bar-3",
	}
	if got := layout([]subnetSpec{{kind: "Public", cidrMask: 19, name: "foo"}, {kind: "Isolated", cidrMask: 20, name: "bar"}}); !slices.Equal(got, want) {
		t.Errorf("two named specs = %v\nawsx gives %v", got, want)
	}
}

// vpcShape plans one awsx VPC and lists what it registered: subnets as
// "name cidr az", and counts by type.
func vpcShape(t *testing.T, args *awsxec2.VpcArgs) ([]string, map[string]int, *Plan) {
	t.Helper()
	p, err := Run(func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		_, err = awsxec2.NewVpc(ctx, "vpc", args, pulumi.Providers(prov))
		return err
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var subnets []string
	for _, r := range p.ByType("aws:ec2/subnet:Subnet") {
		subnets = append(subnets, fmt.Sprintf("%s %v %v", r.Name, r.Inputs["cidrBlock"], r.Inputs["availabilityZone"]))
	}
	slices.Sort(subnets)
	return subnets, p.CountByType(), p
}

// TestAwsxVpcShapes: VPCs built with awsx's defaults and options plan with
// awsx's subnets, NAT gateways, Elastic IPs, route tables, routes and
// endpoints.
func TestAwsxVpcShapes(t *testing.T) {
	t.Run("no arguments", func(t *testing.T) {
		subnets, n, _ := vpcShape(t, nil)
		want := []string{
			"vpc-private-1 10.0.0.0/19 us-east-1a", "vpc-private-2 10.0.64.0/19 us-east-1b", "vpc-private-3 10.0.128.0/19 us-east-1c",
			"vpc-public-1 10.0.32.0/20 us-east-1a", "vpc-public-2 10.0.96.0/20 us-east-1b", "vpc-public-3 10.0.160.0/20 us-east-1c",
		}
		if !slices.Equal(subnets, want) {
			t.Errorf("subnets = %v\nwant %v", subnets, want)
		}
		for typ, c := range map[string]int{"aws:ec2/natGateway:NatGateway": 3, "aws:ec2/eip:Eip": 3, "aws:ec2/routeTable:RouteTable": 6,
			"aws:ec2/route:Route": 6, "aws:ec2/routeTableAssociation:RouteTableAssociation": 6, "aws:ec2/internetGateway:InternetGateway": 1} {
			if n[typ] != c {
				t.Errorf("%s: %d, want %d", typ, n[typ], c)
			}
		}
	})
	t.Run("only a block", func(t *testing.T) {
		subnets, _, _ := vpcShape(t, &awsxec2.VpcArgs{CidrBlock: pulumi.StringRef("10.1.0.0/16")})
		if !slices.Contains(subnets, "vpc-public-2 10.1.96.0/20 us-east-1b") || len(subnets) != 6 {
			t.Errorf("subnets = %v", subnets)
		}
	})
	t.Run("two AZs, Auto", func(t *testing.T) {
		auto := awsxec2.SubnetAllocationStrategyAuto
		subnets, n, _ := vpcShape(t, &awsxec2.VpcArgs{NumberOfAvailabilityZones: pulumi.IntRef(2), SubnetStrategy: &auto})
		want := []string{"vpc-private-1 10.0.0.0/18 us-east-1a", "vpc-private-2 10.0.128.0/18 us-east-1b",
			"vpc-public-1 10.0.64.0/19 us-east-1a", "vpc-public-2 10.0.192.0/19 us-east-1b"}
		if !slices.Equal(subnets, want) || n["aws:ec2/natGateway:NatGateway"] != 2 {
			t.Errorf("subnets = %v (NAT gateways %d)\nwant %v", subnets, n["aws:ec2/natGateway:NatGateway"], want)
		}
	})
	t.Run("Auto specs with masks", func(t *testing.T) {
		auto := awsxec2.SubnetAllocationStrategyAuto
		subnets, _, _ := vpcShape(t, &awsxec2.VpcArgs{AvailabilityZoneNames: []string{"us-east-1a", "us-east-1b"}, SubnetStrategy: &auto,
			SubnetSpecs: []awsxec2.SubnetSpecArgs{{Type: awsxec2.SubnetTypePublic, CidrMask: pulumi.IntRef(24)},
				{Type: awsxec2.SubnetTypePrivate, CidrMask: pulumi.IntRef(22)}, {Type: awsxec2.SubnetTypeIsolated, CidrMask: pulumi.IntRef(24)}}})
		want := []string{"vpc-isolated-1 10.0.8.0/24 us-east-1a", "vpc-isolated-2 10.0.136.0/24 us-east-1b",
			"vpc-private-1 10.0.4.0/22 us-east-1a", "vpc-private-2 10.0.132.0/22 us-east-1b",
			"vpc-public-1 10.0.0.0/24 us-east-1a", "vpc-public-2 10.0.128.0/24 us-east-1b"}
		if !slices.Equal(subnets, want) {
			t.Errorf("subnets = %v\nwant %v", subnets, want)
		}
	})
	t.Run("Legacy specs with names and sizes, no NAT", func(t *testing.T) {
		none := awsxec2.NatGatewayStrategyNone
		subnets, n, _ := vpcShape(t, &awsxec2.VpcArgs{
			SubnetSpecs: []awsxec2.SubnetSpecArgs{{Type: awsxec2.SubnetTypePublic, Name: pulumi.StringRef("web"), Size: pulumi.IntRef(4096)},
				{Type: awsxec2.SubnetTypeIsolated, Name: pulumi.StringRef("data"), CidrMask: pulumi.IntRef(24)}},
			NatGateways: &awsxec2.NatGatewayConfigurationArgs{Strategy: none}})
		if len(subnets) != 6 || !strings.HasPrefix(subnets[0], "vpc-data-1 ") || !strings.HasPrefix(subnets[3], "vpc-web-1 10.0.0.0/20") {
			t.Errorf("subnets = %v", subnets)
		}
		if n["aws:ec2/natGateway:NatGateway"] != 0 || n["aws:ec2/eip:Eip"] != 0 || n["aws:ec2/route:Route"] != 3 {
			t.Errorf("NAT %d, EIPs %d, routes %d; want none, none, 3 (public)", n["aws:ec2/natGateway:NatGateway"], n["aws:ec2/eip:Eip"], n["aws:ec2/route:Route"])
		}
	})
	t.Run("a gateway endpoint", func(t *testing.T) {
		gw := "Gateway"
		_, n, p := vpcShape(t, &awsxec2.VpcArgs{VpcEndpointSpecs: []awsxec2.VpcEndpointSpecArgs{
			{ServiceName: "com.amazonaws.us-east-1.s3", VpcEndpointType: pulumi.String(gw)}}})
		ep, err := p.Find("aws:ec2/vpcEndpoint:VpcEndpoint", "com.amazonaws.us-east-1.s3")
		if err != nil || n["aws:ec2/vpcEndpoint:VpcEndpoint"] != 1 {
			t.Fatalf("endpoint: %v (count %d)", err, n["aws:ec2/vpcEndpoint:VpcEndpoint"])
		}
		vpc, _ := p.Find("aws:ec2/vpc:Vpc", "vpc")
		if ep.Parent != vpc.URN || ep.Inputs["vpcEndpointType"] != "Gateway" || ep.Inputs["vpcId"] != vpc.ID {
			t.Errorf("endpoint parent %s inputs %v; want under the VPC, of type Gateway, in it", ep.Parent, ep.Inputs)
		}
		if _, has := ep.Inputs["routeTableIds"]; has {
			t.Errorf("endpoint has route tables %v; awsx gives only those the spec names", ep.Inputs["routeTableIds"])
		}
	})
	t.Run("given Elastic IPs", func(t *testing.T) {
		_, n, p := vpcShape(t, &awsxec2.VpcArgs{NatGateways: &awsxec2.NatGatewayConfigurationArgs{Strategy: awsxec2.NatGatewayStrategyOnePerAz,
			ElasticIpAllocationIds: pulumi.StringArray{pulumi.String("eipalloc-1"), pulumi.String("eipalloc-2"), pulumi.String("eipalloc-3")}}})
		if n["aws:ec2/eip:Eip"] != 0 || n["aws:ec2/natGateway:NatGateway"] != 3 {
			t.Errorf("EIPs %d, NAT gateways %d; want none made and 3", n["aws:ec2/eip:Eip"], n["aws:ec2/natGateway:NatGateway"])
		}
		nat, _ := p.Find("aws:ec2/natGateway:NatGateway", "vpc-2")
		if nat == nil || nat.Inputs["allocationId"] != "eipalloc-2" {
			t.Errorf("NAT gateway 2's allocation = %v, want eipalloc-2", nat)
		}
	})
}

// TestSubnetLayout: awsx's subnetLayout output. For its Legacy default it
// reads back the first two subnets it laid out, the first two AZs'
// private ones, with the gap between them as Unused, as awsx's
// extractSubnetSpecInputFromLegacyLayout does; with Auto specs it is the
// specs, masks and sizes resolved.
func TestSubnetLayout(t *testing.T) {
	_, _, p := vpcShape(t, nil)
	vpc, _ := p.Find("awsx:ec2:Vpc", "vpc")
	got, _ := json.Marshal(vpc.Outputs["subnetLayout"])
	want := `[{"cidrMask":19,"size":8192,"type":"Private"},{"cidrMask":19,"size":8192,"type":"Unused"},{"cidrMask":19,"size":8192,"type":"Private"}]`
	if string(got) != want {
		t.Errorf("default subnetLayout = %s\nwant %s", got, want)
	}
	auto := awsxec2.SubnetAllocationStrategyAuto
	_, _, p = vpcShape(t, &awsxec2.VpcArgs{SubnetStrategy: &auto, SubnetSpecs: []awsxec2.SubnetSpecArgs{
		{Type: awsxec2.SubnetTypePublic, Size: pulumi.IntRef(256)}, {Type: awsxec2.SubnetTypePrivate, Name: pulumi.StringRef("app"), CidrMask: pulumi.IntRef(20)}}})
	vpc, _ = p.Find("awsx:ec2:Vpc", "vpc")
	got, _ = json.Marshal(vpc.Outputs["subnetLayout"])
	want = `[{"cidrMask":24,"size":256,"type":"Public"},{"cidrMask":20,"name":"app","size":4096,"type":"Private"}]`
	if string(got) != want {
		t.Errorf("Auto subnetLayout = %s\nwant %s", got, want)
	}
}
