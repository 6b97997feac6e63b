// Package awsenv reads where a component is being deployed: the account,
// partition and Region of the provider it uses.
package awsenv

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Env is an account, partition and Region.
type Env struct {
	AccountID, Partition, Region string
}

// Lookup asks the provider that opts select (pass pulumi.Parent(component))
// for its account, partition and Region.
func Lookup(ctx *pulumi.Context, opts ...pulumi.InvokeOption) (Env, error) {
	caller, err := aws.GetCallerIdentity(ctx, nil, opts...)
	if err != nil {
		return Env{}, fmt.Errorf("reading the account: %w", err)
	}
	partition, err := aws.GetPartition(ctx, nil, opts...)
	if err != nil {
		return Env{}, fmt.Errorf("reading the partition: %w", err)
	}
	region, err := aws.GetRegion(ctx, nil, opts...)
	if err != nil {
		return Env{}, fmt.Errorf("reading the region: %w", err)
	}
	return Env{AccountID: caller.AccountId, Partition: partition.Partition, Region: region.Name}, nil
}

// ARN builds an ARN in this environment's partition:
// arn:<partition>:<service>:<region>:<account>:<resource>. Pass an empty
// region for global services (IAM, S3 buckets).
func (e Env) ARN(service, region, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", e.Partition, service, region, e.AccountID, resource)
}
