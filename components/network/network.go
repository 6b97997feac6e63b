package network

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	awsxec2 "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/computed"
	"github.com/strata-infra/strata/internal/iamdoc"
	"github.com/strata-infra/strata/internal/kmskey"
	"github.com/strata-infra/strata/monitoring"
)

// Type is the component's type token. Changing it replaces every resource of
// every stack that uses it, unless an alias is added.
const Type = "strata:network:Network"

// Network is a three-tier VPC with its flow logs, gateway endpoints and
// database subnet group. It knows no application port and no caller: the
// components it hosts own their security groups.
type Network struct {
	pulumi.ResourceState

	// VpcID is the VPC's ID.
	VpcID pulumi.StringOutput
	// PublicSubnetIDs, PrivateSubnetIDs and IsolatedSubnetIDs hold one subnet
	// per AZ, in AZ order.
	PublicSubnetIDs   pulumi.StringArrayOutput
	PrivateSubnetIDs  pulumi.StringArrayOutput
	IsolatedSubnetIDs pulumi.StringArrayOutput
	// DBSubnetGroupName is the RDS subnet group over the isolated subnets.
	DBSubnetGroupName pulumi.StringOutput
	// FlowLogGroupName is the CloudWatch log group the flow logs go to.
	FlowLogGroupName pulumi.StringOutput

	// AvailabilityZones are the AZ names the subnets span, in order.
	AvailabilityZones []string
	// CIDR is the VPC's IPv4 block, for rules that name the VPC (an
	// internal load balancer's clients).
	CIDR string
	// Dashboard is the network's dashboard row: its NAT gateways' metrics.
	Dashboard monitoring.Row

	natInstanceID pulumi.IDOutput
	env           awsenv.Env
}

// New validates args and creates a Network. A nil args means all defaults.
// Nothing is registered when args are invalid; the error lists every
// problem.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Network, error) {
	a := args.withDefaults()
	addrs, err := validate(name, a)
	if err != nil {
		return nil, err
	}
	ro, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		return nil, fmt.Errorf("network %q: reading options: %w", name, err)
	}

	n := &Network{CIDR: addrs.vpc.String()}
	if err := ctx.RegisterComponentResource(Type, name, n, opts...); err != nil {
		return nil, err
	}
	wrap := func(what string, err error) error { return fmt.Errorf("network %q: %s: %w", name, what, err) }
	parent := pulumi.Parent(n)

	zones, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State:   pulumi.StringRef("available"),
		Filters: []aws.GetAvailabilityZonesFilter{{Name: "opt-in-status", Values: []string{"opt-in-not-required"}}},
	}, parent)
	if err != nil {
		return nil, wrap("listing availability zones", err)
	}
	if len(zones.Names) < a.AvailabilityZones {
		return nil, fmt.Errorf("network %q: AvailabilityZones is %d, but the Region offers only %d (%s)",
			name, a.AvailabilityZones, len(zones.Names), strings.Join(zones.Names, ", "))
	}
	n.AvailabilityZones = zones.Names[:a.AvailabilityZones]
	env, err := awsenv.Lookup(ctx, n)
	n.env = env
	if err != nil {
		return nil, wrap("reading the environment", err)
	}

	// awsx builds the VPC, subnets, route tables, internet and NAT gateways.
	// It gets the same explicit provider as everything else, and a transform
	// that turns off public IPs on launch in its public subnets (FSBP EC2.15):
	// nothing strata launches there needs one.
	vpcOpts := []pulumi.ResourceOption{parent, pulumi.Transforms([]pulumi.ResourceTransform{NoPublicIPOnLaunch})}
	var providers []pulumi.ProviderResource
	if ro.Provider != nil {
		providers = append(providers, ro.Provider)
	}
	if providers = append(providers, ro.Providers...); len(providers) > 0 {
		vpcOpts = append(vpcOpts, pulumi.Providers(providers...))
	}
	strategy := awsxec2.SubnetAllocationStrategyAuto
	v, err := awsxec2.NewVpc(ctx, name, &awsxec2.VpcArgs{
		CidrBlock:             pulumi.StringRef(addrs.vpc.String()),
		AvailabilityZoneNames: n.AvailabilityZones,
		SubnetStrategy:        &strategy,
		SubnetSpecs: []awsxec2.SubnetSpecArgs{
			{Type: awsxec2.SubnetTypePublic, CidrBlocks: strs(addrs.public)},
			{Type: awsxec2.SubnetTypePrivate, CidrBlocks: strs(addrs.private)},
			{Type: awsxec2.SubnetTypeIsolated, CidrBlocks: strs(addrs.isolated)},
		},
		NatGateways:        &awsxec2.NatGatewayConfigurationArgs{Strategy: awsxNAT(a.NATGateways)},
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
	}, vpcOpts...)
	if err != nil {
		return nil, wrap("creating the VPC", err)
	}
	n.VpcID = v.VpcId
	n.PublicSubnetIDs = v.PublicSubnetIds
	n.PrivateSubnetIDs = v.PrivateSubnetIds
	n.IsolatedSubnetIDs = v.IsolatedSubnetIds

	// The default security group allows nothing (CIS 5.5, FSBP EC2.2).
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default", &ec2.DefaultSecurityGroupArgs{
		VpcId: v.VpcId,
		Tags:  pulumi.StringMap{"Name": pulumi.String(name + "-default-closed")},
	}, parent); err != nil {
		return nil, wrap("closing the default security group", err)
	}

	if err := n.flowLogs(ctx, name, a, env, parent); err != nil {
		return nil, wrap("creating flow logs", err)
	}

	// Free gateway endpoints keep S3 and DynamoDB traffic of the private
	// (application) tier off the NAT gateways.
	privateTables := privateRouteTableIDs(v.RouteTables)
	for _, svc := range []string{"s3", "dynamodb"} {
		if _, err := ec2.NewVpcEndpoint(ctx, name+"-"+svc, &ec2.VpcEndpointArgs{
			VpcId:           v.VpcId,
			ServiceName:     pulumi.Sprintf("com.amazonaws.%s.%s", env.Region, svc),
			VpcEndpointType: pulumi.String("Gateway"),
			RouteTableIds:   privateTables,
			Tags:            pulumi.StringMap{"Name": pulumi.String(name + "-" + svc)},
		}, parent); err != nil {
			return nil, wrap("creating the "+svc+" gateway endpoint", err)
		}
	}

	if a.NATGateways == NATInstance {
		if err := n.natInstance(ctx, name, a, addrs, v, parent); err != nil {
			return nil, wrap("creating the NAT instance", err)
		}
	}

	if err := n.natAlarms(ctx, name, a, v, parent); err != nil {
		return nil, wrap("creating the NAT alarms", err)
	}

	sng, err := rds.NewSubnetGroup(ctx, name+"-db", &rds.SubnetGroupArgs{
		NamePrefix:  pulumi.String(strings.ToLower(name) + "-db-"),
		Description: pulumi.Sprintf("Isolated subnets of network %s for databases", name),
		SubnetIds:   v.IsolatedSubnetIds,
	}, parent)
	if err != nil {
		return nil, wrap("creating the DB subnet group", err)
	}
	n.DBSubnetGroupName = sng.Name

	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":             n.VpcID,
		"publicSubnetIds":   n.PublicSubnetIDs,
		"privateSubnetIds":  n.PrivateSubnetIDs,
		"isolatedSubnetIds": n.IsolatedSubnetIDs,
		"dbSubnetGroupName": n.DBSubnetGroupName,
		"flowLogGroupName":  n.FlowLogGroupName,
	}); err != nil {
		return nil, wrap("registering outputs", err)
	}
	return n, nil
}

// flowLogs sends the VPC's flow logs to a log group with finite retention,
// through a role that the flow-logs service may assume only for this account
// and that may write only to that log group.
func (n *Network) flowLogs(ctx *pulumi.Context, name string, a Args, env awsenv.Env, parent pulumi.ResourceOption) error {
	key, err := kmskey.New(ctx, name+"-flow-logs", env, kmskey.Args{
		Description: fmt.Sprintf("Encrypts the flow logs of network %s", name),
		AliasPrefix: "alias/" + name + "-flow-logs-",
		Services:    []kmskey.Service{kmskey.Logs(env, name+"-flow-logs-*")},
	}, parent)
	if err != nil {
		return err
	}
	group, err := cloudwatch.NewLogGroup(ctx, name+"-flow-logs", &cloudwatch.LogGroupArgs{
		RetentionInDays: pulumi.Int(a.FlowLogRetentionDays),
		KmsKeyId:        key.Key.Arn,
	}, parent)
	if err != nil {
		return err
	}
	n.FlowLogGroupName = group.Name

	sourceArn := env.ARN("ec2", env.Region, "vpc-flow-log/*")
	trust, err := iamdoc.ServiceTrust("vpc-flow-logs.amazonaws.com", env.AccountID, sourceArn).JSON()
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, name+"-flow-logs", &iam.RoleArgs{
		Description:         pulumi.Sprintf("Lets VPC flow logs of network %s write to their log group", name),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: iamdoc.PermissionsBoundary(a.PermissionsBoundaryARN),
	}, parent)
	if err != nil {
		return err
	}
	policy := group.Arn.ApplyT(func(arn string) (string, error) {
		return iamdoc.New(
			iamdoc.Statement{
				Sid:      "WriteFlowLogs",
				Effect:   iamdoc.Allow,
				Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				Resource: []string{arn, arn + ":log-stream:*"},
			},
			// DescribeLogGroups works only on every resource: AWS lists no
			// resource type for it.
			iamdoc.Statement{
				Sid:      "FindLogGroup",
				Effect:   iamdoc.Allow,
				Action:   []string{"logs:DescribeLogGroups"},
				Resource: []string{"*"},
			},
		).JSON()
	}).(pulumi.StringOutput)
	rp, err := iam.NewRolePolicy(ctx, name+"-flow-logs", &iam.RolePolicyArgs{Role: role.ID(), Policy: policy}, parent)
	if err != nil {
		return err
	}
	_, err = ec2.NewFlowLog(ctx, name, &ec2.FlowLogArgs{
		VpcId:                  n.VpcID,
		TrafficType:            pulumi.String(a.FlowLogTrafficType),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         group.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(a.FlowLogMaxAggregationInterval),
		Tags:                   pulumi.StringMap{"Name": pulumi.String(name)},
	}, parent, pulumi.DependsOn([]pulumi.Resource{rp}))
	return err
}

// NoPublicIPOnLaunch is the transform the Network gives its awsx VPC: every
// subnet awsx creates gets mapPublicIpOnLaunch false (FSBP EC2.15), which
// awsx otherwise turns on for public subnets.
func NoPublicIPOnLaunch(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
	if args.Type != "aws:ec2/subnet:Subnet" {
		return nil
	}
	props := pulumi.Map{}
	for k, v := range args.Props {
		props[k] = v
	}
	props["mapPublicIpOnLaunch"] = pulumi.Bool(false)
	return &pulumi.ResourceTransformResult{Props: props, Opts: args.Opts}
}

// privateRouteTableIDs picks the route tables awsx tagged SubnetType=Private.
func privateRouteTableIDs(tables ec2.RouteTableArrayOutput) pulumi.StringArrayOutput {
	return tables.ApplyT(func(rts []*ec2.RouteTable) pulumi.StringArrayOutput {
		ins := make([]any, 0, 2*len(rts))
		for _, rt := range rts {
			ins = append(ins, rt.ID(), rt.Tags)
		}
		return pulumi.All(ins...).ApplyT(func(vals []any) []string {
			ids := []string{}
			for i := 0; i+1 < len(vals); i += 2 {
				if tags, _ := vals[i+1].(map[string]string); tags["SubnetType"] == string(awsxec2.SubnetTypePrivate) {
					ids = append(ids, string(vals[i].(pulumi.ID)))
				}
			}
			return ids
		}).(pulumi.StringArrayOutput)
	}).(pulumi.StringArrayOutput)
}

func strs(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// awsxNAT is awsx's NAT strategy for a Network's: a NAT instance is made
// by the Network, so awsx makes no gateway.
func awsxNAT(s NATStrategy) awsxec2.NatGatewayStrategy {
	if s == NATInstance {
		return awsxec2.NatGatewayStrategyNone
	}
	return awsxec2.NatGatewayStrategy(s)
}

// natUserData turns the instance into a NAT for the VPC: forwarding on,
// and masquerading of what leaves through its interface.
const natUserData = `#!/bin/bash
set -euo pipefail
dnf install -y nftables
sysctl -w net.ipv4.ip_forward=1
echo net.ipv4.ip_forward=1 > /etc/sysctl.d/90-nat.conf
nft add table ip nat
nft add chain ip nat postrouting '{ type nat hook postrouting priority 100 ; }'
nft add rule ip nat postrouting oifname != lo masquerade
nft list ruleset > /etc/sysconfig/nftables.conf
systemctl enable --now nftables
`

// natInstance makes the NAT instance: in the first public subnet with a
// public IPv4 address, source/destination check off, IMDSv2 only, an
// encrypted root volume, a group that admits only the private subnets on
// 443 and 80 and lets only 443 and 80 out, and a default route to it from
// every private route table.
func (n *Network) natInstance(ctx *pulumi.Context, name string, a Args, addrs layout, v *awsxec2.Vpc, parent pulumi.ResourceOrInvokeOption) error {
	ami, err := ssm.LookupParameter(ctx, &ssm.LookupParameterArgs{Name: natInstanceAMI}, parent)
	if err != nil {
		return err
	}
	sg, err := ec2.NewSecurityGroup(ctx, name+"-nat", &ec2.SecurityGroupArgs{
		VpcId:               v.VpcId,
		Description:         pulumi.String("NAT instance: HTTPS and HTTP from the private subnets, out to the internet"),
		RevokeRulesOnDelete: pulumi.Bool(true),
		Tags:                pulumi.StringMap{"Name": pulumi.String(name + "-nat")},
	}, parent)
	if err != nil {
		return err
	}
	for _, port := range []int{443, 80} {
		for i, block := range addrs.private {
			if _, err := vpc.NewSecurityGroupIngressRule(ctx, fmt.Sprintf("%s-nat-%d-from-private-%d", name, port, i+1), &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: sg.ID(), IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(port), ToPort: pulumi.Int(port),
				CidrIpv4: pulumi.String(block.String()), Description: pulumi.Sprintf("Port %d from private subnet %d, to forward", port, i+1),
			}, parent); err != nil {
				return err
			}
		}
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, fmt.Sprintf("%s-nat-%d-out", name, port), &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: sg.ID(), IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(port), ToPort: pulumi.Int(port),
			CidrIpv4: pulumi.String("0.0.0.0/0"), Description: pulumi.Sprintf("Port %d to the internet, forwarded", port),
		}, parent); err != nil {
			return err
		}
	}
	inst, err := ec2.NewInstance(ctx, name+"-nat", &ec2.InstanceArgs{
		Ami:                      pulumi.String(ami.Value),
		InstanceType:             pulumi.String(NATInstanceType),
		SubnetId:                 v.PublicSubnetIds.Index(pulumi.Int(0)),
		VpcSecurityGroupIds:      pulumi.StringArray{sg.ID()},
		AssociatePublicIpAddress: pulumi.Bool(true),
		SourceDestCheck:          pulumi.Bool(false),
		UserData:                 pulumi.String(natUserData),
		MetadataOptions:          &ec2.InstanceMetadataOptionsArgs{HttpTokens: pulumi.String("required"), HttpEndpoint: pulumi.String("enabled")},
		MaintenanceOptions:       &ec2.InstanceMaintenanceOptionsArgs{AutoRecovery: pulumi.String("default")},
		RootBlockDevice:          &ec2.InstanceRootBlockDeviceArgs{Encrypted: pulumi.Bool(true), VolumeType: pulumi.String("gp3"), VolumeSize: pulumi.Int(8)},
		Tags:                     pulumi.StringMap{"Name": pulumi.String(name + "-nat")},
	}, parent)
	if err != nil {
		return err
	}
	n.natInstanceID = inst.ID()
	tables := privateRouteTableIDs(v.RouteTables)
	for i := range a.AvailabilityZones {
		// A network that had NAT gateways had awsx's default route in this
		// table: the alias takes it over and points it at the instance in
		// place, where a new route beside it would fail (RouteAlreadyExists).
		gatewayRoute := n.URN().ApplyT(func(u pulumi.URN) pulumi.URN {
			s := string(u)
			cut := strings.LastIndex(s, "::")
			return pulumi.URN(s[:cut] + "$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::" +
				fmt.Sprintf("%s-private-%d", name, i+1))
		}).(pulumi.URNOutput)
		if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-nat-%d", name, i+1), &ec2.RouteArgs{
			RouteTableId:         tables.Index(pulumi.Int(i)),
			DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
			NetworkInterfaceId:   inst.PrimaryNetworkInterfaceId,
		}, parent, pulumi.Aliases([]pulumi.Alias{{URN: gatewayRoute}})); err != nil {
			return err
		}
	}
	return nil
}

// natAlarms watches each NAT gateway awsx makes: port allocation errors
// (too many connections to one destination) and dropped packets.
func (n *Network) natAlarms(ctx *pulumi.Context, name string, a Args, v *awsxec2.Vpc, parent pulumi.ResourceOption) error {
	gateways := map[NATStrategy]int{NATSingle: 1, NATOnePerAZ: a.AvailabilityZones}[a.NATGateways]
	var alarms []monitoring.Alarm
	for i := range gateways {
		id := computed.ReferencedID(&v.ResourceState, "natGateways", i)
		dims := map[string]pulumi.StringInput{"NatGatewayId": id}
		alarms = append(alarms,
			monitoring.Alarm{Suffix: fmt.Sprintf("nat-%d-port-allocation", i+1),
				Description: fmt.Sprintf("NAT gateway %d of %s cannot allocate source ports: connections fail", i+1, name),
				Metric:      monitoring.Metric{Namespace: "AWS/NATGateway", Name: "ErrorPortAllocation", Dimensions: dims, Stat: "Sum"},
				Comparison:  "GreaterThanThreshold", Threshold: 0, MissingData: "notBreaching"},
			monitoring.Alarm{Suffix: fmt.Sprintf("nat-%d-packets-dropped", i+1),
				Description: fmt.Sprintf("NAT gateway %d of %s drops packets", i+1, name),
				Metric:      monitoring.Metric{Namespace: "AWS/NATGateway", Name: "PacketsDropCount", Dimensions: dims, Stat: "Sum"},
				Comparison:  "GreaterThanThreshold", Threshold: 0, Periods: 5, MissingData: "notBreaching"})
	}
	if a.NATGateways == NATInstance {
		// EC2 recovers the instance onto healthy hardware when AWS's own
		// check fails (and on its own where it can); its operating system
		// failing its check is worth a page, and a reboot.
		id := map[string]pulumi.StringInput{"InstanceId": n.natInstanceID}
		alarms = append(alarms,
			monitoring.Alarm{Suffix: "nat-instance-system-check",
				Description: fmt.Sprintf("The NAT instance of %s fails AWS's system status check: EC2 recovers it", name),
				Metric:      monitoring.Metric{Namespace: "AWS/EC2", Name: "StatusCheckFailed_System", Dimensions: id, Stat: "Maximum"},
				Comparison:  "GreaterThanOrEqualToThreshold", Threshold: 1, Periods: 2, MissingData: "breaching",
				Actions: []pulumi.StringInput{pulumi.String(fmt.Sprintf("arn:%s:automate:%s:ec2:recover", n.env.Partition, n.env.Region))}},
			monitoring.Alarm{Suffix: "nat-instance-status-check",
				Description: fmt.Sprintf("The NAT instance of %s fails its instance status check: EC2 reboots it, and the private subnets have no way out meanwhile", name),
				Metric:      monitoring.Metric{Namespace: "AWS/EC2", Name: "StatusCheckFailed_Instance", Dimensions: id, Stat: "Maximum"},
				Comparison:  "GreaterThanOrEqualToThreshold", Threshold: 1, Periods: 3, MissingData: "breaching",
				Actions: []pulumi.StringInput{pulumi.String(fmt.Sprintf("arn:%s:automate:%s:ec2:reboot", n.env.Partition, n.env.Region))}})
	}
	row, err := monitoring.Create(ctx, name, "Network "+name, alarms, a.AlarmTopicARN, parent)
	n.Dashboard = row
	return err
}
