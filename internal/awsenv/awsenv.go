// Package awsenv reads where a component is being deployed: the account,
// partition and Region of the provider it uses.
package awsenv

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Env is an account, partition and Region.
type Env struct {
	AccountID, Partition, Region string
}

// Lookup answers for the provider the component's children use (its
// explicit aws provider, one it inherits, or the default provider): its
// account, partition and Region.
//
// The answers depend on that provider alone, so they are asked once per
// program run and provider: the first component of a run asks, the rest
// wait for its answer. Ten components under one provider make two
// invokes between them, as do a thousand.
func Lookup(ctx *pulumi.Context, component pulumi.Resource) (Env, error) {
	var prov pulumi.ProviderResource
	if r, ok := component.(interface {
		GetProvider(token string) pulumi.ProviderResource
	}); ok {
		// The map an invoke with pulumi.Parent(component) takes its
		// provider from.
		prov = r.GetProvider("aws:index:getRegion")
	}
	k := key{ctx: weak.Make(ctx)}
	if prov != nil {
		k.provider = weak.Make(prov.URN().OutputState)
	}
	e, loaded := memo.LoadOrStore(k, &entry{})
	a := e.(*entry)
	if !loaded {
		// The entry goes with the run: once its context is gone, no
		// lookup can name it again.
		runtime.AddCleanup(ctx, func(k key) { memo.Delete(k) }, k)
	}
	a.once.Do(func() { a.env, a.err = ask(ctx, pulumi.Parent(component)) })
	return a.env, a.err
}

// key is a run (its context) and a provider (its URN output's state;
// none for the default provider), held weakly: the memo keeps neither
// alive.
type key struct {
	ctx      weak.Pointer[pulumi.Context]
	provider weak.Pointer[pulumi.OutputState]
}

type entry struct {
	once sync.Once
	env  Env
	err  error
}

var memo sync.Map // key → *entry

// ask makes the invokes. The caller identity and the Region are asked at
// once (each is a round trip to the engine); the partition is the caller
// ARN's, as STS answers in the partition of the credentials, and is asked
// for only when that ARN does not name one (a mock or an answers file
// that leaves it out).
func ask(ctx *pulumi.Context, opts ...pulumi.InvokeOption) (Env, error) {
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
