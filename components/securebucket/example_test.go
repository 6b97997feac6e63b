package securebucket_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/securebucket"
)

// ExampleNew creates an archive bucket whose data moves to Glacier after a
// year and is never deleted, and exports a read-only policy for it.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		b, err := securebucket.New(ctx, "archive", &securebucket.Args{
			LifecycleRules: []securebucket.LifecycleRule{{
				ID:          "to-glacier",
				Transitions: []securebucket.Transition{{Days: 365, StorageClass: securebucket.Glacier}},
			}},
		})
		if err != nil {
			return err
		}
		ctx.Export("bucket", b.BucketName)
		ctx.Export("readPolicy", b.Policy(securebucket.Read))
		return nil
	})
}
