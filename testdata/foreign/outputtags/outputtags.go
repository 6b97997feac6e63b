// Package outputtags is a program written without strata whose explicit
// provider takes its default tags from another resource's output, so they
// are not known at plan time. It is planned and checked by strata's tests;
// it is never deployed.
package outputtags

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Program is the program's pulumi.RunFunc.
func Program(ctx *pulumi.Context) error {
	owner, err := ssm.NewParameter(ctx, "owner", &ssm.ParameterArgs{Type: pulumi.String("String"), Value: pulumi.String("team-a")})
	if err != nil {
		return err
	}
	prov, err := aws.NewProvider(ctx, "tagged", &aws.ProviderArgs{
		Region: pulumi.String("us-east-1"),
		// Another resource's tags: the whole map is unknown until deploy.
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: owner.TagsAll},
	})
	if err != nil {
		return err
	}
	_, err = s3.NewBucketV2(ctx, "data", nil, pulumi.Provider(prov))
	return err
}
