package baseline_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/baseline"
)

// ExampleNew turns on an account's guard rails and a deploy role for a CI
// account, with the external ID read from a secret config value.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		externalID, _ := ctx.GetConfig("shop:deployExternalId") // set with --secret
		b, err := baseline.New(ctx, "baseline", &baseline.Args{
			DeployRole: &baseline.DeployRole{
				TrustedPrincipal:  "210987654321",
				ExternalID:        externalID,
				ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/PowerUserAccess"},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("trailArn", b.TrailARN)
		return nil
	})
}
