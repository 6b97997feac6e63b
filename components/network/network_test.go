package network

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/cidr"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

const (
	sgType      = "aws:ec2/securityGroup:SecurityGroup"
	ingressType = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	egressType  = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
)

// run plans a program with an explicit provider and one Network.
func run(t *testing.T, args *Args, opts plan.Options) (*plan.Plan, error) {
	t.Helper()
	return plan.Run(func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		n, err := New(ctx, "main", args, pulumi.Provider(prov))
		if err != nil {
			return err
		}
		ctx.Export("isolated", n.IsolatedSubnetIDs)
		ctx.Export("cidr", pulumi.String(n.CIDR))
		return nil
	}, opts)
}

var seedPublic = []string{"10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"}
var seedPrivate = []string{"10.0.10.0/24", "10.0.20.0/24", "10.0.30.0/24"}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		args Args
		// want lists what the error must mention; nil means valid.
		want []string
	}{
		{name: "zero args are valid", args: Args{}},
		{name: "a /16 is the largest VPC", args: Args{CIDR: "10.0.0.0/16"}},
		{name: "a /15 is too large", args: Args{CIDR: "10.0.0.0/15"}, want: []string{"CIDR", "/16 to /28", "10.0.0.0/15"}},
		{name: "a non-canonical block gets a suggestion", args: Args{CIDR: "10.0.1.5/16"}, want: []string{"CIDR", `"10.0.1.5/16"`, `did you mean "10.0.0.0/16"`}},
		{name: "a block that does not parse", args: Args{CIDR: "10.0.0/16"}, want: []string{"CIDR", "not an IPv4 block in a.b.c.d/n form"}},
		{name: "a /24 carves over two AZs", args: Args{CIDR: "10.0.0.0/24"}},
		{name: "a /25 is too small to carve over two AZs", args: Args{CIDR: "10.0.0.0/25"}, want: []string{"too small", "/24 or larger"}},
		{name: "an alarm topic that is not an ARN", args: Args{AlarmTopicARN: pulumi.String("alarms")}, want: []string{`AlarmTopicARN must be an SNS topic ARN`, `got "alarms"`}},
		{name: "one AZ is too few", args: Args{AvailabilityZones: 1}, want: []string{"AvailabilityZones", "2 to 6", "got 1"}},
		{name: "six AZs is the most", args: Args{AvailabilityZones: 6}},
		{name: "seven AZs is too many", args: Args{AvailabilityZones: 7}, want: []string{"AvailabilityZones", "got 7"}},
		{name: "negative AZs", args: Args{AvailabilityZones: -1}, want: []string{"AvailabilityZones", "got -1"}},
		{name: "an unknown NAT strategy", args: Args{NATGateways: "Double"}, want: []string{"NATGateways", `"Double"`, `"OnePerAz"`}},
		{name: "the seed's 10.0.300.0/24 is named by index", args: Args{
			AvailabilityZones: 3, PublicSubnetCIDRs: seedPublic, PrivateSubnetCIDRs: seedPrivate,
			IsolatedSubnetCIDRs: []string{"10.0.100.0/24", "10.0.200.0/24", "10.0.300.0/24"},
		}, want: []string{"IsolatedSubnetCIDRs[2]", "10.0.300.0/24"}},
		{name: "explicit subnets that fit", args: Args{
			AvailabilityZones: 3, PublicSubnetCIDRs: seedPublic, PrivateSubnetCIDRs: seedPrivate,
			IsolatedSubnetCIDRs: []string{"10.0.100.0/24", "10.0.200.0/24", "10.0.250.0/24"},
		}},
		{name: "explicit tiers come together", args: Args{PublicSubnetCIDRs: []string{"10.0.1.0/24", "10.0.2.0/24"}},
			want: []string{"PublicSubnetCIDRs, PrivateSubnetCIDRs and IsolatedSubnetCIDRs must be given together", "got 2, 0 and 0"}},
		{name: "one block per AZ", args: Args{
			PublicSubnetCIDRs: seedPublic, PrivateSubnetCIDRs: seedPrivate[:2], IsolatedSubnetCIDRs: []string{"10.0.100.0/24", "10.0.200.0/24"},
		}, want: []string{"PublicSubnetCIDRs must hold one block per AZ (2), got 3"}},
		{name: "a subnet outside the VPC", args: Args{
			PublicSubnetCIDRs: []string{"10.0.1.0/24", "10.1.2.0/24"}, PrivateSubnetCIDRs: seedPrivate[:2], IsolatedSubnetCIDRs: []string{"10.0.100.0/24", "10.0.200.0/24"},
		}, want: []string{"PublicSubnetCIDRs[1]", "not inside CIDR"}},
		{name: "overlapping subnets", args: Args{
			PublicSubnetCIDRs: []string{"10.0.1.0/24", "10.0.2.0/24"}, PrivateSubnetCIDRs: []string{"10.0.0.0/23", "10.0.20.0/24"}, IsolatedSubnetCIDRs: []string{"10.0.100.0/24", "10.0.200.0/24"},
		}, want: []string{"PrivateSubnetCIDRs[0]", "overlaps PublicSubnetCIDRs[0]"}},
		{name: "a non-canonical subnet", args: Args{
			PublicSubnetCIDRs: []string{"10.0.1.7/24", "10.0.2.0/24"}, PrivateSubnetCIDRs: seedPrivate[:2], IsolatedSubnetCIDRs: []string{"10.0.100.0/24", "10.0.200.0/24"},
		}, want: []string{"PublicSubnetCIDRs[0]", `did you mean "10.0.1.0/24"`}},
		{name: "a /29 subnet is too small", args: Args{
			PublicSubnetCIDRs: []string{"10.0.1.0/29", "10.0.2.0/24"}, PrivateSubnetCIDRs: seedPrivate[:2], IsolatedSubnetCIDRs: []string{"10.0.100.0/24", "10.0.200.0/24"},
		}, want: []string{"PublicSubnetCIDRs[0] must be /16 to /28"}},
		{name: "400 days is a CloudWatch retention", args: Args{FlowLogRetentionDays: 400}},
		{name: "366 days is not", args: Args{FlowLogRetentionDays: 366}, want: []string{"FlowLogRetentionDays", "got 366", "365, 400"}},
		{name: "negative retention", args: Args{FlowLogRetentionDays: -30}, want: []string{"FlowLogRetentionDays", "got -30"}},
		{name: "REJECT traffic", args: Args{FlowLogTrafficType: "REJECT"}},
		{name: "unknown traffic", args: Args{FlowLogTrafficType: "all"}, want: []string{"FlowLogTrafficType", `"all"`}},
		{name: "60 s aggregation", args: Args{FlowLogMaxAggregationInterval: 60}},
		{name: "300 s aggregation", args: Args{FlowLogMaxAggregationInterval: 300}, want: []string{"FlowLogMaxAggregationInterval", "60 or 600", "got 300"}},
		{name: "a boundary that is no ARN", args: Args{PermissionsBoundaryARN: "boundary"}, want: []string{"PermissionsBoundaryARN must be a managed policy ARN", `"boundary"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := run(t, &tt.args, plan.Options{})
			if tt.want != nil {
				tt.want = append(tt.want, `network "main"`)
			}
			plantest.ExpectProblems(t, p, err, tt.want...)
		})
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	_, err := run(t, &Args{CIDR: "10.0.1.5/16", AvailabilityZones: 1, FlowLogRetentionDays: 366, FlowLogTrafficType: "some"}, plan.Options{})
	if err == nil {
		t.Fatal("New() error = nil, want four problems")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 4 {
		t.Fatalf("New() reported %d problems, want 4:\n%v", len(lines), err)
	}
}

func TestTooManyAZsForTheRegion(t *testing.T) {
	_, err := run(t, &Args{AvailabilityZones: 3}, plan.Options{AvailabilityZones: []string{"us-east-1a", "us-east-1b"}})
	if err == nil || !strings.Contains(err.Error(), "offers only 2") {
		t.Fatalf("New() error = %v, want it to say the Region offers only 2 AZs", err)
	}
}

func TestCarve(t *testing.T) {
	got := func(vpc string, azs int) [3][]string {
		pub, priv, iso, err := carve(netip.MustParsePrefix(vpc), azs)
		if err != nil {
			t.Fatalf("carve(%s, %d) error = %v", vpc, azs, err)
		}
		return [3][]string{strs(pub), strs(priv), strs(iso)}
	}
	want := [3][]string{
		{"10.0.192.0/20", "10.0.208.0/20"},
		{"10.0.0.0/18", "10.0.64.0/18"},
		{"10.0.128.0/19", "10.0.160.0/19"},
	}
	if g := got("10.0.0.0/16", 2); !slices.Equal(g[0], want[0]) || !slices.Equal(g[1], want[1]) || !slices.Equal(g[2], want[2]) {
		t.Errorf("carve(10.0.0.0/16, 2) = %v, want %v", g, want)
	}
	want3 := [3][]string{
		{"10.0.192.0/21", "10.0.200.0/21", "10.0.208.0/21"},
		{"10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"},
		{"10.0.128.0/20", "10.0.144.0/20", "10.0.160.0/20"},
	}
	if g := got("10.0.0.0/16", 3); !slices.Equal(g[0], want3[0]) || !slices.Equal(g[1], want3[1]) || !slices.Equal(g[2], want3[2]) {
		t.Errorf("carve(10.0.0.0/16, 3) = %v, want %v", g, want3)
	}

	// For every size that carves, the blocks lie inside the VPC, overlap
	// nothing, and the private tier is the largest.
	for bits := 16; bits <= 25; bits++ {
		for azs := MinAvailabilityZones; azs <= MaxAvailabilityZones; azs++ {
			vpc := netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), bits)
			pub, priv, iso, err := carve(vpc, azs)
			if err != nil {
				if bits+3+cidr.BitsFor(azs) <= 28 {
					t.Errorf("carve(%s, %d) error = %v, want a layout", vpc, azs, err)
				}
				continue
			}
			all := slices.Concat(pub, priv, iso)
			if len(all) != 3*azs {
				t.Fatalf("carve(%s, %d) gave %d blocks, want %d", vpc, azs, len(all), 3*azs)
			}
			for i, a := range all {
				if !cidr.Contains(vpc, a) || a.Bits() > 28 {
					t.Errorf("carve(%s, %d) block %s is outside the VPC or smaller than /28", vpc, azs, a)
				}
				for _, b := range all[i+1:] {
					if a.Overlaps(b) {
						t.Errorf("carve(%s, %d) blocks %s and %s overlap", vpc, azs, a, b)
					}
				}
			}
			if priv[0].Bits() >= pub[0].Bits() {
				t.Errorf("carve(%s, %d) private /%d is not larger than public /%d", vpc, azs, priv[0].Bits(), pub[0].Bits())
			}
		}
	}
}

func TestSecureByDefault(t *testing.T) {
	p, err := run(t, nil, plan.Options{})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	prov := plantest.One(t, p, "pulumi:providers:aws")
	comp := plantest.Find(t, p, Type, "main")

	// Every child hangs off the component and uses the explicit provider.
	for _, r := range p.Registered() {
		if r == prov || r == comp {
			continue
		}
		if r.SynthesizedBy == "" && r.Parent != comp.URN {
			t.Errorf("%s %q parent = %q, want the network", r.Type, r.Name, r.Parent)
		}
		if r.Custom && r.Provider != prov.URN {
			t.Errorf("%s %q provider = %q, want %q", r.Type, r.Name, r.Provider, prov.URN)
		}
	}

	vpc := plantest.Find(t, p, "awsx:ec2:Vpc", "main")
	for path, want := range map[string]any{
		"cidrBlock":            "10.0.0.0/16",
		"natGateways.strategy": "Single",
		"subnetStrategy":       "Auto",
		"enableDnsHostnames":   true,
		"enableDnsSupport":     true,
		"subnetSpecs.0.type":   "Public",
		"subnetSpecs.1.type":   "Private",
		"subnetSpecs.2.type":   "Isolated",
	} {
		if got, _ := vpc.Input(path); got != want {
			t.Errorf("awsx Vpc %s = %v, want %v", path, got, want)
		}
	}
	if zones, _ := vpc.Input("availabilityZoneNames"); len(zones.([]any)) != 2 {
		t.Errorf("awsx Vpc availabilityZoneNames = %v, want 2 zones", zones)
	}
	if vpc.Providers["aws"] != prov.URN {
		t.Errorf("awsx Vpc providers = %v, want the explicit aws provider", vpc.Providers)
	}
	if vpc.Transforms != 1 {
		t.Errorf("awsx Vpc carries %d transforms, want 1 (no public IP on launch)", vpc.Transforms)
	}

	// Flow logs: all traffic, to a log group with finite retention, through
	// a role only the flow-logs service of this account can assume.
	group := plantest.Find(t, p, "aws:cloudwatch/logGroup:LogGroup", "main-flow-logs")
	if got := group.Inputs["retentionInDays"]; got != float64(DefaultFlowLogRetentionDays) {
		t.Errorf("flow log retention = %v, want %d", got, DefaultFlowLogRetentionDays)
	}
	flow := plantest.Find(t, p, "aws:ec2/flowLog:FlowLog", "main")
	role := plantest.Find(t, p, "aws:iam/role:Role", "main-flow-logs")
	if flow.Inputs["trafficType"] != "ALL" || flow.Inputs["logDestinationType"] != "cloud-watch-logs" {
		t.Errorf("flow log inputs = %v, want ALL traffic to CloudWatch Logs", flow.Inputs)
	}
	groupArn := flow.Inputs["logDestination"].(string)
	if !strings.HasSuffix(groupArn, ":log-group:"+group.ID) {
		t.Errorf("flow log destination = %q, want the ARN of log group %q", groupArn, group.ID)
	}
	if got := flow.Inputs["iamRoleArn"].(string); !strings.HasSuffix(got, ":role/"+role.ID) {
		t.Errorf("flow log role = %q, want role %q", got, role.ID)
	}
	st := plantest.StatementAt(t, role.Inputs["assumeRolePolicy"], 0)
	if st.Principal["Service"] != "vpc-flow-logs.amazonaws.com" || st.Condition["StringEquals"]["aws:SourceAccount"] != plan.DefaultAccountID {
		t.Errorf("flow log trust = %+v, want vpc-flow-logs limited to the account", st)
	}
	perms := plantest.ParsePolicy(t, plantest.Find(t, p, "aws:iam/rolePolicy:RolePolicy", "main-flow-logs").Inputs["policy"])
	for _, s := range perms.Statement {
		// DescribeLogGroups is the one action AWS allows only on *.
		if slices.Equal(s.Action, []string{"logs:DescribeLogGroups"}) {
			if !slices.Equal(s.Resource, []string{"*"}) {
				t.Errorf("DescribeLogGroups on %v, want * (AWS lists no resource type for it)", s.Resource)
			}
			continue
		}
		for _, res := range s.Resource {
			if res == "*" || !strings.Contains(res, ":log-group:") {
				t.Errorf("flow log policy resource %q is not scoped to log groups", res)
			}
			if slices.Contains(s.Action, "logs:PutLogEvents") && !strings.HasPrefix(res, groupArn) {
				t.Errorf("flow log policy lets PutLogEvents reach %q, want only %q", res, groupArn)
			}
		}
	}

	// The default security group is managed with no rules.
	def := plantest.One(t, p, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
	for _, k := range []string{"ingress", "egress"} {
		if v, ok := def.Inputs[k]; ok && len(v.([]any)) > 0 {
			t.Errorf("default security group %s = %v, want none", k, v)
		}
	}

	// The network owns no security group but the closed default one, and
	// no rule: the components it hosts own theirs.
	if n := len(p.ByType(sgType)) + len(p.ByType(ingressType)) + len(p.ByType(egressType)); n != 0 {
		t.Errorf("the network made %d security groups and rules, want none", n)
	}
	if p.Outputs["cidr"] != "10.0.0.0/16" {
		t.Errorf("CIDR = %v, want the VPC's block", p.Outputs["cidr"])
	}

	// The DB subnet group spans exactly the isolated subnets.
	sng := plantest.One(t, p, "aws:rds/subnetGroup:SubnetGroup")
	isolated := p.Outputs["isolated"].([]any)
	if got := sng.Inputs["subnetIds"].([]any); len(isolated) != 2 || !slices.Equal(got, isolated) {
		t.Errorf("DB subnet group subnets = %v, want the isolated subnets %v", got, isolated)
	}

	// Gateway endpoints, attached to the private route tables awsx creates.
	var privateTables []any
	for _, rt := range p.ByType("aws:ec2/routeTable:RouteTable") {
		if tier, _ := rt.Input("tags.SubnetType"); tier == "Private" {
			privateTables = append(privateTables, rt.ID)
		}
	}
	if len(privateTables) != 2 {
		t.Fatalf("%d private route tables, want one per AZ", len(privateTables))
	}
	for _, svc := range []string{"s3", "dynamodb"} {
		ep := plantest.Find(t, p, "aws:ec2/vpcEndpoint:VpcEndpoint", "main-"+svc)
		if ep.Inputs["vpcEndpointType"] != "Gateway" || ep.Inputs["serviceName"] != "com.amazonaws.us-east-1."+svc {
			t.Errorf("%s endpoint = %v, want a Gateway endpoint for %s", svc, ep.Inputs, svc)
		}
		if got := ep.Inputs["routeTableIds"]; !slices.Equal(got.([]any), privateTables) || !slices.Contains(ep.Dependencies, vpc.URN) {
			t.Errorf("%s endpoint route tables = %v (deps %v), want the private route tables %v", svc, got, ep.Dependencies, privateTables)
		}
	}
}

func TestArgsReachAWSX(t *testing.T) {
	p, err := run(t, &Args{
		CIDR: "172.16.0.0/16", AvailabilityZones: 3, NATGateways: NATOnePerAZ,
		PublicSubnetCIDRs:    []string{"172.16.1.0/24", "172.16.2.0/24", "172.16.3.0/24"},
		PrivateSubnetCIDRs:   []string{"172.16.10.0/24", "172.16.20.0/24", "172.16.30.0/24"},
		IsolatedSubnetCIDRs:  []string{"172.16.100.0/24", "172.16.200.0/24", "172.16.250.0/24"},
		FlowLogRetentionDays: 30, FlowLogTrafficType: "REJECT",
	}, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	vpc := plantest.Find(t, p, "awsx:ec2:Vpc", "main")
	if got, _ := vpc.Input("natGateways.strategy"); got != "OnePerAz" {
		t.Errorf("NAT strategy = %v, want OnePerAz", got)
	}
	if got, _ := vpc.Input("subnetSpecs.2.cidrBlocks.2"); got != "172.16.250.0/24" {
		t.Errorf("third isolated block = %v, want 172.16.250.0/24", got)
	}
	if got, _ := vpc.Input("availabilityZoneNames"); len(got.([]any)) != 3 {
		t.Errorf("zones = %v, want 3", got)
	}
	if got := plantest.Find(t, p, "aws:ec2/flowLog:FlowLog", "main").Inputs["trafficType"]; got != "REJECT" {
		t.Errorf("flow log traffic = %v, want REJECT", got)
	}
}

func TestNoPublicIPOnLaunch(t *testing.T) {
	res := NoPublicIPOnLaunch(context.Background(), &pulumi.ResourceTransformArgs{
		Type:  "aws:ec2/subnet:Subnet",
		Props: pulumi.Map{"mapPublicIpOnLaunch": pulumi.Bool(true), "cidrBlock": pulumi.String("10.0.1.0/24")},
	})
	if res == nil || res.Props["mapPublicIpOnLaunch"] != pulumi.Bool(false) || res.Props["cidrBlock"] != pulumi.String("10.0.1.0/24") {
		t.Fatalf("NoPublicIPOnLaunch(subnet) = %+v, want mapPublicIpOnLaunch false and other props kept", res)
	}
	if res := NoPublicIPOnLaunch(context.Background(), &pulumi.ResourceTransformArgs{Type: "aws:ec2/vpc:Vpc"}); res != nil {
		t.Errorf("NoPublicIPOnLaunch(vpc) = %+v, want nil (unchanged)", res)
	}
}

// TestAWSXChildren: the plan holds what awsx creates, as awsx names and
// parents it: per AZ a public, private and isolated subnet on the carved
// blocks, each with a route table and an association; NAT gateways with
// their own Elastic IPs per strategy; public routes to the internet
// gateway, private ones to their AZ's NAT (or the single one), isolated
// ones none; and no subnet maps public IPs, the Network's transform
// applied.
func TestAWSXChildren(t *testing.T) {
	for _, tt := range []struct {
		name     string
		args     Args
		zones    int
		nats     int
		wantCIDR map[string]string
	}{
		{"one NAT over two AZs", Args{CIDR: "10.10.0.0/16"}, 2, 1, map[string]string{
			"main-private-1": "10.10.0.0/18", "main-private-2": "10.10.64.0/18", "main-isolated-1": "10.10.128.0/19",
			"main-isolated-2": "10.10.160.0/19", "main-public-1": "10.10.192.0/20", "main-public-2": "10.10.208.0/20"}},
		{"a NAT per AZ over three AZs", Args{CIDR: "10.20.0.0/16", AvailabilityZones: 3, NATGateways: NATOnePerAZ}, 3, 3, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := run(t, &tt.args, plan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			vpc := plantest.One(t, p, "awsx:ec2:Vpc")
			under := func(r *plan.Resource) bool {
				for q := p.ByURN(r.Parent); q != nil; q = p.ByURN(q.Parent) {
					if q == vpc {
						return true
					}
				}
				return false
			}
			for _, r := range p.Resources {
				if under(r) != (r.SynthesizedBy == vpc.URN) {
					t.Errorf("%s %s: synthesizedBy %q, want the VPC for its children only", r.Type, r.Name, r.SynthesizedBy)
				}
			}
			subnets := p.ByType("aws:ec2/subnet:Subnet")
			if len(subnets) != 3*tt.zones || len(p.ByType("aws:ec2/routeTable:RouteTable")) != 3*tt.zones ||
				len(p.ByType("aws:ec2/routeTableAssociation:RouteTableAssociation")) != 3*tt.zones {
				t.Fatalf("%d subnets, %d route tables, %d associations, want %d each", len(subnets),
					len(p.ByType("aws:ec2/routeTable:RouteTable")), len(p.ByType("aws:ec2/routeTableAssociation:RouteTableAssociation")), 3*tt.zones)
			}
			subnetOf := map[string]*plan.Resource{}
			for _, s := range subnets {
				subnetOf[s.ID] = s
				if s.Inputs["mapPublicIpOnLaunch"] != false {
					t.Errorf("subnet %s maps public IPs on launch: the transform was not applied", s.Name)
				}
				if want, ok := tt.wantCIDR[s.Name]; ok && s.Inputs["cidrBlock"] != want {
					t.Errorf("subnet %s = %v, want %s", s.Name, s.Inputs["cidrBlock"], want)
				}
				if tier, _ := s.Input("tags.SubnetType"); !strings.Contains(strings.ToLower(s.Name), strings.ToLower(fmt.Sprint(tier))) {
					t.Errorf("subnet %s SubnetType tag %v", s.Name, tier)
				}
			}
			nats, eips := p.ByType("aws:ec2/natGateway:NatGateway"), p.ByType("aws:ec2/eip:Eip")
			if len(nats) != tt.nats || len(eips) != tt.nats {
				t.Fatalf("%d NAT gateways and %d Elastic IPs, want %d each", len(nats), len(eips), tt.nats)
			}
			natZone := map[string]string{}
			eipOf := map[string]bool{}
			for _, e := range eips {
				eipOf[fmt.Sprint(e.Outputs["allocationId"])] = true
			}
			for _, n := range nats {
				s := subnetOf[fmt.Sprint(n.Inputs["subnetId"])]
				if s == nil || !strings.Contains(s.Name, "-public-") {
					t.Errorf("NAT %s is in subnet %v, want a public one", n.Name, n.Inputs["subnetId"])
					continue
				}
				if !eipOf[fmt.Sprint(n.Inputs["allocationId"])] {
					t.Errorf("NAT %s has no Elastic IP of its own", n.Name)
				}
				natZone[n.ID] = fmt.Sprint(s.Inputs["availabilityZone"])
			}
			// Routes: one per public and private table; private ones to a
			// NAT in their own AZ (with one NAT, that one).
			for _, rt := range p.ByType("aws:ec2/route:Route") {
				table := p.ByURN(rt.Parent)
				tier, _ := table.Input("tags.SubnetType")
				subnet := p.ByURN(table.Parent)
				switch tier {
				case "Public":
					if !strings.HasPrefix(fmt.Sprint(rt.Inputs["gatewayId"]), "igw-") {
						t.Errorf("public route %s to %v, want the internet gateway", rt.Name, rt.Inputs["gatewayId"])
					}
				case "Private":
					zone, ok := natZone[fmt.Sprint(rt.Inputs["natGatewayId"])]
					if !ok || (tt.nats > 1 && zone != subnet.Inputs["availabilityZone"]) {
						t.Errorf("private route %s to NAT %v in %s, want its own AZ's", rt.Name, rt.Inputs["natGatewayId"], zone)
					}
				default:
					t.Errorf("route %s in a %v route table: isolated tables have none", rt.Name, tier)
				}
			}
			if n := len(p.ByType("aws:ec2/route:Route")); n != 2*tt.zones {
				t.Errorf("%d routes, want %d (public and private tables)", n, 2*tt.zones)
			}
		})
	}
}

func TestNATAlarms(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:123456789012:alarms"
	for _, tc := range []struct {
		nat  NATStrategy
		want int
	}{{NATOnePerAZ, 6}, {NATSingle, 2}, {NATNone, 0}} {
		p, err := run(t, &Args{AvailabilityZones: 3, NATGateways: tc.nat, AlarmTopicARN: pulumi.String(topic)}, plan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		alarms := p.ByType("aws:cloudwatch/metricAlarm:MetricAlarm")
		gateways := map[any]bool{}
		for _, g := range p.ByType("aws:ec2/natGateway:NatGateway") {
			gateways[g.ID] = true
		}
		watched := map[any]bool{}
		if len(alarms) != tc.want {
			t.Errorf("NAT %s: %d alarms, want %d", tc.nat, len(alarms), tc.want)
		}
		for _, a := range alarms {
			if got := a.Inputs["alarmActions"]; !slices.Equal(got.([]any), []any{topic}) {
				t.Errorf("alarm %s actions %v, want the topic", a.Name, got)
			}
			if ns, _ := a.Input("namespace"); ns != "AWS/NATGateway" {
				t.Errorf("alarm %s namespace %v, want AWS/NATGateway", a.Name, ns)
			}
			id, _ := a.Input("dimensions.NatGatewayId")
			if !gateways[id] {
				t.Errorf("alarm %s watches NatGatewayId %v, want one of the plan's NAT gateways %v", a.Name, id, gateways)
			}
			watched[id] = true
		}
		if len(watched) != len(gateways) {
			t.Errorf("NAT %s: alarms watch %d gateways, want all %d", tc.nat, len(watched), len(gateways))
		}
	}
}

// TestNATInstanceIsHardened pins what keeps the NAT instance from being an
// open proxy or a weak host: only the private subnets may send it traffic,
// and only on 443 and 80; it forwards only 443 and 80; IMDSv2 only; an
// encrypted root volume; automatic recovery, and alarms that recover or
// reboot it and tell the topic.
func TestNATInstanceIsHardened(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:123456789012:alarms"
	p, err := run(t, &Args{AvailabilityZones: 2, NATGateways: NATInstance, AlarmTopicARN: pulumi.String(topic)}, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inst := plantest.One(t, p, "aws:ec2/instance:Instance")
	sg := plantest.Find(t, p, "aws:ec2/securityGroup:SecurityGroup", "main-nat")
	if got, _ := inst.Input("vpcSecurityGroupIds"); !slices.Equal(got.([]any), []any{sg.ID}) {
		t.Errorf("instance groups = %v, want only %s", got, sg.ID)
	}
	var private []string // the private subnets' blocks, as awsx lays them out
	for _, sub := range p.ByType("aws:ec2/subnet:Subnet") {
		if strings.Contains(sub.Name, "private") {
			private = append(private, sub.Inputs["cidrBlock"].(string))
		}
	}
	if len(private) != 2 {
		t.Fatalf("private subnets %v, want 2", private)
	}
	var in, out []string
	for _, r := range p.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if r.Inputs["securityGroupId"] == sg.ID {
			in = append(in, fmt.Sprintf("%v %v-%v from %v", r.Inputs["ipProtocol"], r.Inputs["fromPort"], r.Inputs["toPort"], r.Inputs["cidrIpv4"]))
		}
	}
	for _, r := range p.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		if r.Inputs["securityGroupId"] == sg.ID {
			out = append(out, fmt.Sprintf("%v %v-%v to %v", r.Inputs["ipProtocol"], r.Inputs["fromPort"], r.Inputs["toPort"], r.Inputs["cidrIpv4"]))
		}
	}
	var wantIn []string
	for _, port := range []int{443, 80} {
		for _, c := range private {
			wantIn = append(wantIn, fmt.Sprintf("tcp %d-%d from %s", port, port, c))
		}
	}
	slices.Sort(in)
	slices.Sort(wantIn)
	if !slices.Equal(in, wantIn) {
		t.Errorf("NAT ingress = %v\nwant only the private subnets on 443 and 80: %v", in, wantIn)
	}
	slices.Sort(out)
	if want := []string{"tcp 443-443 to 0.0.0.0/0", "tcp 80-80 to 0.0.0.0/0"}; !slices.Equal(out, want) {
		t.Errorf("NAT egress = %v, want %v", out, want)
	}
	for path, want := range map[string]any{
		"metadataOptions.httpTokens": "required", "rootBlockDevice.encrypted": true, "sourceDestCheck": false,
		"maintenanceOptions.autoRecovery": "default", "instanceType": NATInstanceType,
	} {
		if got, _ := inst.Input(path); got != want {
			t.Errorf("NAT instance %s = %v, want %v", path, got, want)
		}
	}
	// Switching from NAT gateways takes awsx's default routes over in
	// place: each route answers to the URN the gateway network's route had.
	gw, err := run(t, &Args{AvailabilityZones: 2, NATGateways: NATSingle}, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		old := plantest.Find(t, gw, "aws:ec2/route:Route", fmt.Sprintf("main-private-%d", i))
		r := plantest.Find(t, p, "aws:ec2/route:Route", fmt.Sprintf("main-nat-%d", i))
		if got := p.AliasesOf(r); !slices.Contains(got, old.URN) {
			t.Errorf("route main-nat-%d aliases %v, want the gateway network's route %s", i, got, old.URN)
		}
	}
	for suffix, action := range map[string]string{
		"nat-instance-system-check": "arn:aws:automate:us-east-1:ec2:recover",
		"nat-instance-status-check": "arn:aws:automate:us-east-1:ec2:reboot",
	} {
		a := plantest.Find(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "main-"+suffix)
		if id, _ := a.Input("dimensions.InstanceId"); id != inst.ID {
			t.Errorf("%s watches %v, want the instance %v", suffix, id, inst.ID)
		}
		if got := a.Inputs["alarmActions"]; !slices.Equal(got.([]any), []any{topic, action}) {
			t.Errorf("%s actions = %v, want the topic and %s", suffix, got, action)
		}
		if a.Inputs["treatMissingData"] != "breaching" {
			t.Errorf("%s treats missing data as %v: an instance that reports nothing is not healthy", suffix, a.Inputs["treatMissingData"])
		}
	}
}
