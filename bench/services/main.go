// Command services is fleet.Program as a Pulumi Go program, so the
// engine's throughput is measured the way a user meets it: strata plan
// --program bench/services --stack s1000 (config services:count).
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/strata-infra/strata/bench/services/fleet"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		return fleet.Program(config.RequireInt(ctx, "services:count"))(ctx)
	})
}
