// Command strata is the Pulumi program: `pulumi up` runs it once per stack.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/stacks"
)

func main() {
	pulumi.Run(stacks.Deploy)
}
