package budget_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/budget"
)

// ExampleNew creates a 500 USD monthly budget for the costs tagged
// Environment=staging, alerting by e-mail and through an SNS topic.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		b, err := budget.New(ctx, "monthly", &budget.Args{
			LimitUSD:       500,
			EmailAddresses: []string{"platform-alerts@example.com"},
			Topic:          true,
			FilterTag:      budget.Tag{Key: "Environment", Value: "staging"},
		})
		if err != nil {
			return err
		}
		ctx.Export("budgetAlerts", b.TopicARN)
		return nil
	})
}
