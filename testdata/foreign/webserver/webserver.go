// Package webserver is a program written the way many teams write Pulumi
// Go without strata: a VPC with a public and a private subnet, a web server
// whose security group opens SSH to the world inline, a legacy rule whose
// second CIDR is the whole Internet, and an IPv6 rule open to every
// address. It is planned and checked by strata's tests; it is never
// deployed.
package webserver

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Program is the program's pulumi.RunFunc.
func Program(ctx *pulumi.Context) error {
	vpc, err := ec2.NewVpc(ctx, "main", &ec2.VpcArgs{
		CidrBlock:          pulumi.String("10.0.0.0/16"),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               pulumi.StringMap{"Name": pulumi.String("main")},
	})
	if err != nil {
		return err
	}
	igw, err := ec2.NewInternetGateway(ctx, "gw", &ec2.InternetGatewayArgs{VpcId: vpc.ID()})
	if err != nil {
		return err
	}
	public, err := ec2.NewSubnet(ctx, "public", &ec2.SubnetArgs{
		VpcId: vpc.ID(), CidrBlock: pulumi.String("10.0.1.0/24"), AvailabilityZone: pulumi.String("us-east-1a"),
		MapPublicIpOnLaunch: pulumi.Bool(true),
	})
	if err != nil {
		return err
	}
	rt, err := ec2.NewRouteTable(ctx, "public", &ec2.RouteTableArgs{
		VpcId:  vpc.ID(),
		Routes: ec2.RouteTableRouteArray{&ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID()}},
	})
	if err != nil {
		return err
	}
	if _, err := ec2.NewRouteTableAssociation(ctx, "public", &ec2.RouteTableAssociationArgs{
		SubnetId: public.ID(), RouteTableId: rt.ID(),
	}); err != nil {
		return err
	}
	web, err := ec2.NewSecurityGroup(ctx, "web", &ec2.SecurityGroupArgs{
		VpcId:       vpc.ID(),
		Description: pulumi.String("web server"),
		Ingress: ec2.SecurityGroupIngressArray{
			&ec2.SecurityGroupIngressArgs{Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
				CidrBlocks: pulumi.StringArray{pulumi.String("0.0.0.0/0")}},
			&ec2.SecurityGroupIngressArgs{Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(22), ToPort: pulumi.Int(22),
				CidrBlocks: pulumi.StringArray{pulumi.String("0.0.0.0/0")}},
		},
		Egress: ec2.SecurityGroupEgressArray{
			&ec2.SecurityGroupEgressArgs{Protocol: pulumi.String("-1"), FromPort: pulumi.Int(0), ToPort: pulumi.Int(0),
				CidrBlocks: pulumi.StringArray{pulumi.String("0.0.0.0/0")}},
		},
	})
	if err != nil {
		return err
	}
	admin, err := ec2.NewSecurityGroup(ctx, "admin", &ec2.SecurityGroupArgs{VpcId: vpc.ID(), Description: pulumi.String("admin access")})
	if err != nil {
		return err
	}
	if _, err := ec2.NewSecurityGroupRule(ctx, "rdp", &ec2.SecurityGroupRuleArgs{
		Type: pulumi.String("ingress"), SecurityGroupId: admin.ID(), Protocol: pulumi.String("tcp"),
		FromPort: pulumi.Int(3389), ToPort: pulumi.Int(3389),
		CidrBlocks:  pulumi.StringArray{pulumi.String("10.0.0.0/8"), pulumi.String("0.0.0.0/0")},
		Description: pulumi.String("RDP from the office"),
	}); err != nil {
		return err
	}
	if _, err := ec2.NewSecurityGroupRule(ctx, "mysql-v6", &ec2.SecurityGroupRuleArgs{
		Type: pulumi.String("ingress"), SecurityGroupId: admin.ID(), Protocol: pulumi.String("tcp"),
		FromPort: pulumi.Int(3306), ToPort: pulumi.Int(3306),
		Ipv6CidrBlocks: pulumi.StringArray{pulumi.String("::/0")},
		Description:    pulumi.String("MySQL over IPv6"),
	}); err != nil {
		return err
	}
	_, err = ec2.NewInstance(ctx, "web", &ec2.InstanceArgs{
		Ami:                 pulumi.String("ami-0123456789abcdef0"),
		InstanceType:        pulumi.String("t3.micro"),
		SubnetId:            public.ID(),
		VpcSecurityGroupIds: pulumi.StringArray{web.ID(), admin.ID()},
	})
	return err
}
