// Package loadbalancers is a program written without strata: an
// application load balancer in front of a web server (its group admits
// HTTPS from the world inline; the server's group admits 8080 from the load
// balancer's group through a legacy rule), and a network load balancer for
// a TCP service. It is planned and checked by strata's tests; it is never
// deployed.
package loadbalancers

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Program is the program's pulumi.RunFunc.
func Program(ctx *pulumi.Context) error {
	vpc, err := ec2.NewVpc(ctx, "main", &ec2.VpcArgs{CidrBlock: pulumi.String("10.1.0.0/16")})
	if err != nil {
		return err
	}
	igw, err := ec2.NewInternetGateway(ctx, "gw", &ec2.InternetGatewayArgs{VpcId: vpc.ID()})
	if err != nil {
		return err
	}
	rt, err := ec2.NewRouteTable(ctx, "public", &ec2.RouteTableArgs{VpcId: vpc.ID()})
	if err != nil {
		return err
	}
	if _, err := ec2.NewRoute(ctx, "internet", &ec2.RouteArgs{RouteTableId: rt.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID()}); err != nil {
		return err
	}
	var subnets pulumi.StringArray
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		s, err := ec2.NewSubnet(ctx, "public-"+az, &ec2.SubnetArgs{VpcId: vpc.ID(), AvailabilityZone: pulumi.String(az),
			CidrBlock: pulumi.Sprintf("10.1.%d.0/24", i)})
		if err != nil {
			return err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, "public-"+az, &ec2.RouteTableAssociationArgs{SubnetId: s.ID(), RouteTableId: rt.ID()}); err != nil {
			return err
		}
		subnets = append(subnets, s.ID())
	}
	albGroup, err := ec2.NewSecurityGroup(ctx, "alb", &ec2.SecurityGroupArgs{
		VpcId: vpc.ID(), Description: pulumi.String("public HTTPS"),
		Ingress: ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(443), ToPort: pulumi.Int(443), CidrBlocks: pulumi.StringArray{pulumi.String("0.0.0.0/0")}}},
	})
	if err != nil {
		return err
	}
	webGroup, err := ec2.NewSecurityGroup(ctx, "web", &ec2.SecurityGroupArgs{VpcId: vpc.ID(), Description: pulumi.String("web servers")})
	if err != nil {
		return err
	}
	if _, err := ec2.NewSecurityGroupRule(ctx, "web-from-alb", &ec2.SecurityGroupRuleArgs{
		Type: pulumi.String("ingress"), SecurityGroupId: webGroup.ID(), SourceSecurityGroupId: albGroup.ID(),
		Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(8080), ToPort: pulumi.Int(8080), Description: pulumi.String("from the ALB"),
	}); err != nil {
		return err
	}
	if _, err := ec2.NewInstance(ctx, "web", &ec2.InstanceArgs{
		Ami: pulumi.String("ami-0123456789abcdef0"), InstanceType: pulumi.String("t3.small"),
		SubnetId: subnets[0], VpcSecurityGroupIds: pulumi.StringArray{webGroup.ID()},
	}); err != nil {
		return err
	}
	if _, err := lb.NewLoadBalancer(ctx, "web", &lb.LoadBalancerArgs{
		LoadBalancerType: pulumi.String("application"), Subnets: subnets, SecurityGroups: pulumi.StringArray{albGroup.ID()},
	}); err != nil {
		return err
	}
	_, err = lb.NewLoadBalancer(ctx, "mqtt", &lb.LoadBalancerArgs{LoadBalancerType: pulumi.String("network"), Subnets: subnets})
	return err
}
