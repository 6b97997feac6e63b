// Package awsenv reads where a component is being deployed: the account,
// partition and Region of the provider it uses.
package awsenv

import (
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Env is an account, partition and Region.
type Env struct {
	AccountID, Partition, Region string
}

// Lookup asks the provider that opts select (pass pulumi.Parent(component))
// for its account, partition and Region. The caller identity and the
// Region are asked at once (each is a round trip to the engine that the
// component waits for); the partition is the caller ARN's, as STS answers
// in the partition of the credentials, and is asked for only when that
// ARN does not name one (a mock or an answers file that leaves it out).
func Lookup(ctx *pulumi.Context, opts ...pulumi.InvokeOption) (Env, error) {
	var (
		env       Env
		callerARN string
		wg        sync.WaitGroup
		errs      [3]error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		r, err := aws.GetCallerIdentity(ctx, nil, opts...)
		if errs[0] = err; err == nil {
			env.AccountID, callerARN = r.AccountId, r.Arn
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
	if env.Partition = PartitionOf(callerARN); errs[0] == nil && env.Partition == "" {
		r, err := aws.GetPartition(ctx, nil, opts...)
		if errs[1] = err; err == nil {
			env.Partition = r.Partition
		}
	}
	for i, what := range []string{"the account", "the partition", "the region"} {
		if errs[i] != nil {
			return Env{}, fmt.Errorf("reading %s: %w", what, errs[i])
		}
	}
	return env, nil
}

// PartitionOf is the partition an ARN names (arn:PARTITION:...), or "".
func PartitionOf(arn string) string {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return ""
	}
	p, _, ok := strings.Cut(rest, ":")
	if !ok || p == "" || strings.TrimLeft(p, "abcdefghijklmnopqrstuvwxyz-") != "" {
		return ""
	}
	return p
}

// ARN builds an ARN in this environment's partition:
// arn:<partition>:<service>:<region>:<account>:<resource>. Pass an empty
// region for global services (IAM, S3 buckets).
func (e Env) ARN(service, region, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", e.Partition, service, region, e.AccountID, resource)
}
