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
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	awsxec2 "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/iamdoc"
)

// Type is the component's type token. Changing it replaces every resource of
// every stack that uses it, unless an alias is added.
const Type = "strata:network:Network"

// Network is a three-tier VPC with its security groups, flow logs, gateway
// endpoints and database subnet group.
type Network struct {
	pulumi.ResourceState

	// VpcID is the VPC's ID.
	VpcID pulumi.StringOutput
	// PublicSubnetIDs, PrivateSubnetIDs and IsolatedSubnetIDs hold one subnet
	// per AZ, in AZ order.
	PublicSubnetIDs   pulumi.StringArrayOutput
	PrivateSubnetIDs  pulumi.StringArrayOutput
	IsolatedSubnetIDs pulumi.StringArrayOutput
	// ALBSecurityGroupID admits AllowedIngressCIDRs on 443 and 80.
	ALBSecurityGroupID pulumi.StringOutput
	// AppSecurityGroupID admits the ALB group on AppPort.
	AppSecurityGroupID pulumi.StringOutput
	// DatabaseSecurityGroupID admits the app group on DatabasePort.
	DatabaseSecurityGroupID pulumi.StringOutput
	// DBSubnetGroupName is the RDS subnet group over the isolated subnets.
	DBSubnetGroupName pulumi.StringOutput
	// FlowLogGroupName is the CloudWatch log group the flow logs go to.
	FlowLogGroupName pulumi.StringOutput

	// AvailabilityZones are the AZ names the subnets span, in order.
	AvailabilityZones []string
	// AppPort and DatabasePort are the ports the security groups admit.
	AppPort      int
	DatabasePort int
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

	n := &Network{AppPort: a.AppPort, DatabasePort: a.DatabasePort}
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
	env, err := awsenv.Lookup(ctx, parent)
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
		NatGateways:        &awsxec2.NatGatewayConfigurationArgs{Strategy: awsxec2.NatGatewayStrategy(a.NATGateways)},
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

	if err := n.securityGroups(ctx, name, a, v.VpcId, parent); err != nil {
		return nil, err
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
		"vpcId":                   n.VpcID,
		"publicSubnetIds":         n.PublicSubnetIDs,
		"privateSubnetIds":        n.PrivateSubnetIDs,
		"isolatedSubnetIds":       n.IsolatedSubnetIDs,
		"albSecurityGroupId":      n.ALBSecurityGroupID,
		"appSecurityGroupId":      n.AppSecurityGroupID,
		"databaseSecurityGroupId": n.DatabaseSecurityGroupID,
		"dbSubnetGroupName":       n.DBSubnetGroupName,
		"flowLogGroupName":        n.FlowLogGroupName,
	}); err != nil {
		return nil, wrap("registering outputs", err)
	}
	return n, nil
}

// flowLogs sends the VPC's flow logs to a log group with finite retention,
// through a role that the flow-logs service may assume only for this account
// and that may write only to that log group.
func (n *Network) flowLogs(ctx *pulumi.Context, name string, a Args, env awsenv.Env, parent pulumi.ResourceOption) error {
	group, err := cloudwatch.NewLogGroup(ctx, name+"-flow-logs", &cloudwatch.LogGroupArgs{
		RetentionInDays: pulumi.Int(a.FlowLogRetentionDays),
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

// securityGroups creates the ALB, app and database groups, chained by
// reference: the world reaches only the ALB, the ALB only the app, the app
// only the database. Every rule is a standalone resource with a description.
func (n *Network) securityGroups(ctx *pulumi.Context, name string, a Args, vpcID pulumi.StringOutput, parent pulumi.ResourceOption) error {
	group := func(tier, description string) (*ec2.SecurityGroup, error) {
		sg, err := ec2.NewSecurityGroup(ctx, name+"-"+tier, &ec2.SecurityGroupArgs{
			VpcId:               vpcID,
			Description:         pulumi.String(description),
			RevokeRulesOnDelete: pulumi.Bool(true),
			Tags:                pulumi.StringMap{"Name": pulumi.String(name + "-" + tier)},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("network %q: creating the %s security group: %w", name, tier, err)
		}
		return sg, nil
	}
	alb, err := group("alb", "Load balancer: HTTPS and the HTTP redirect from allowed clients")
	if err != nil {
		return err
	}
	app, err := group("app", "Application tier: traffic from the load balancer only")
	if err != nil {
		return err
	}
	db, err := group("db", "Database tier: traffic from the application tier only")
	if err != nil {
		return err
	}
	n.ALBSecurityGroupID = alb.ID().ToStringOutput()
	n.AppSecurityGroupID = app.ID().ToStringOutput()
	n.DatabaseSecurityGroupID = db.ID().ToStringOutput()

	type rule struct {
		name, description string
		group             *ec2.SecurityGroup
		port              int
		cidr              string
		peer              *ec2.SecurityGroup
		egress            bool
	}
	var rules []rule
	for i, c := range a.AllowedIngressCIDRs {
		rules = append(rules,
			rule{fmt.Sprintf("alb-https-in-%d", i), "HTTPS from " + c, alb, 443, c, nil, false},
			rule{fmt.Sprintf("alb-http-in-%d", i), "HTTP from " + c + ", redirected to HTTPS", alb, 80, c, nil, false})
	}
	rules = append(rules,
		rule{"alb-to-app", "To the application tier", alb, a.AppPort, "", app, true},
		rule{"app-from-alb", "From the load balancer", app, a.AppPort, "", alb, false},
		// The app reaches AWS APIs (ECR, Secrets Manager, CloudWatch) through
		// the NAT gateway on 443; those have no fixed addresses to name.
		rule{"app-https-out", "HTTPS to AWS APIs and the internet through NAT", app, 443, "0.0.0.0/0", nil, true},
		rule{"app-to-db", "To the database tier", app, a.DatabasePort, "", db, true},
		rule{"db-from-app", "From the application tier", db, a.DatabasePort, "", app, false},
	)
	for _, r := range rules {
		var cidr pulumi.StringPtrInput
		var peer pulumi.StringPtrInput
		if r.peer != nil {
			peer = r.peer.ID().ToStringOutput()
		} else {
			cidr = pulumi.String(r.cidr)
		}
		var err error
		if r.egress {
			_, err = vpc.NewSecurityGroupEgressRule(ctx, name+"-"+r.name, &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId: r.group.ID(), IpProtocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(r.port), ToPort: pulumi.Int(r.port),
				CidrIpv4: cidr, ReferencedSecurityGroupId: peer, Description: pulumi.String(r.description),
			}, parent)
		} else {
			_, err = vpc.NewSecurityGroupIngressRule(ctx, name+"-"+r.name, &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: r.group.ID(), IpProtocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(r.port), ToPort: pulumi.Int(r.port),
				CidrIpv4: cidr, ReferencedSecurityGroupId: peer, Description: pulumi.String(r.description),
			}, parent)
		}
		if err != nil {
			return fmt.Errorf("network %q: creating rule %s: %w", name, r.name, err)
		}
	}
	return nil
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
