// Package awsenv reads where a component is being deployed: the account,
// partition and Region of the provider it uses.
package awsenv

import (
	"fmt"
	"sync"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Env is an account, partition and Region.
type Env struct {
	AccountID, Partition, Region string
}

// Lookup asks the provider that opts select (pass pulumi.Parent(component))
// for its account, partition and Region. The three invokes are made at
// once: each is a round trip to the engine that the component waits for.
func Lookup(ctx *pulumi.Context, opts ...pulumi.InvokeOption) (Env, error) {
	var (
		env  Env
		wg   sync.WaitGroup
		errs [3]error
	)
	wg.Add(3)
	go func() {
		defer wg.Done()
		r, err := aws.GetCallerIdentity(ctx, nil, opts...)
		if errs[0] = err; err == nil {
			env.AccountID = r.AccountId
		}
	}()
	go func() {
		defer wg.Done()
		r, err := aws.GetPartition(ctx, nil, opts...)
		if errs[1] = err; err == nil {
			env.Partition = r.Partition
		}
	}()
	go func() {
		defer wg.Done()
		r, err := aws.GetRegion(ctx, nil, opts...)
		if errs[2] = err; err == nil {
			env.Region = r.Name
		}
	}()
	wg.Wait()
	for i, what := range []string{"the account", "the partition", "the region"} {
		if errs[i] != nil {
			return Env{}, fmt.Errorf("reading %s: %w", what, errs[i])
		}
	}
	return env, nil
}

// ARN builds an ARN in this environment's partition:
// arn:<partition>:<service>:<region>:<account>:<resource>. Pass an empty
// region for global services (IAM, S3 buckets).
func (e Env) ARN(service, region, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", e.Partition, service, region, e.AccountID, resource)
}
