package architecture

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// grantProgram is written without strata: a function whose role reads a
// bucket through an inline policy (Action and Resource as strings) and
// writes a table through an attached managed policy.
func grantProgram(ctx *pulumi.Context) error {
	bucket, err := s3.NewBucketV2(ctx, "reports", nil)
	if err != nil {
		return err
	}
	table, err := dynamodb.NewTable(ctx, "jobs", &dynamodb.TableArgs{BillingMode: pulumi.String("PAY_PER_REQUEST"), HashKey: pulumi.String("id"),
		Attributes: dynamodb.TableAttributeArray{&dynamodb.TableAttributeArgs{Name: pulumi.String("id"), Type: pulumi.String("S")}}})
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, "worker", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		InlinePolicies: iam.RoleInlinePolicyArray{&iam.RoleInlinePolicyArgs{Name: pulumi.String("read"),
			Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"%s/*"}]}`, bucket.Arn)}},
	})
	if err != nil {
		return err
	}
	pol, err := iam.NewPolicy(ctx, "jobs-write", &iam.PolicyArgs{
		Policy: pulumi.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:PutItem"],"Resource":["%s"]}]}`, table.Arn)})
	if err != nil {
		return err
	}
	if _, err := iam.NewRolePolicyAttachment(ctx, "jobs-write", &iam.RolePolicyAttachmentArgs{Role: role.Name, PolicyArn: pol.Arn}); err != nil {
		return err
	}
	_, err = lambda.NewFunction(ctx, "worker", &lambda.FunctionArgs{Role: role.Arn, Runtime: pulumi.String("nodejs22.x"),
		Handler: pulumi.String("index.handler"), Code: pulumi.NewAssetArchive(map[string]any{"index.js": pulumi.NewStringAsset("exports.handler=async()=>1")})})
	return err
}
