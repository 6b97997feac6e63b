// A small Pulumi Go program that strata did not write for itself: plain
// pulumi-aws resources and an awsx VPC, planned by plan's tests through
// RunProgram, unmodified.
package main

import (
	"context"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	awsxec2 "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
			Region:      pulumi.String(config.Require(ctx, "aws:region")),
			DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{"Team": pulumi.String(cfg.Require("team"))}},
		})
		if err != nil {
			return err
		}
		noPublicIPs := func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			if a.Type == "aws:ec2/subnet:Subnet" {
				a.Props["mapPublicIpOnLaunch"] = pulumi.Bool(false)
				return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
			}
			return nil
		}
		strategy := awsxec2.SubnetAllocationStrategyAuto
		vpc, err := awsxec2.NewVpc(ctx, "edge", &awsxec2.VpcArgs{
			CidrBlock:             pulumi.StringRef("10.42.0.0/16"),
			AvailabilityZoneNames: []string{"eu-central-1a", "eu-central-1b"},
			SubnetStrategy:        &strategy,
			SubnetSpecs: []awsxec2.SubnetSpecArgs{
				{Type: awsxec2.SubnetTypePublic, CidrBlocks: []string{"10.42.0.0/24", "10.42.1.0/24"}},
				{Type: awsxec2.SubnetTypePrivate, CidrBlocks: []string{"10.42.10.0/24", "10.42.11.0/24"}},
			},
			NatGateways: &awsxec2.NatGatewayConfigurationArgs{Strategy: awsxec2.NatGatewayStrategySingle},
		}, pulumi.Providers(prov), pulumi.Transforms([]pulumi.ResourceTransform{noPublicIPs}))
		if err != nil {
			return err
		}
		sg, err := ec2.NewSecurityGroup(ctx, "web", &ec2.SecurityGroupArgs{
			VpcId: vpc.VpcId, Description: pulumi.String("web servers"),
		}, pulumi.Provider(prov))
		if err != nil {
			return err
		}
		bucket, err := s3.NewBucketV2(ctx, "assets", &s3.BucketV2Args{}, pulumi.Provider(prov))
		if err != nil {
			return err
		}
		ctx.Log.Warn("the assets bucket has no lifecycle yet", nil)
		ctx.Export("vpcId", vpc.VpcId)
		ctx.Export("securityGroup", sg.ID())
		ctx.Export("bucket", bucket.Bucket)
		ctx.Export("apiKey", cfg.GetSecret("apiKey"))
		return nil
	})
}
