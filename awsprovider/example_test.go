package awsprovider_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/awsprovider"
	"github.com/strata-infra/strata/components/network"
)

// ExampleNew makes the tagged provider and hands it to a component, whose
// every resource then carries the cost tags.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		prov, err := awsprovider.New(ctx, "aws", &awsprovider.Args{
			Region: "eu-west-1",
			Tags:   awsprovider.CostTags{Project: ctx.Project(), Environment: ctx.Stack(), Owner: "team-a", CostCenter: "cc-1042"},
		})
		if err != nil {
			return err
		}
		_, err = network.New(ctx, "main", nil, pulumi.Provider(prov))
		return err
	})
}
