package network_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/network"
)

// ExampleNew creates a production-shaped network: three AZs, a NAT gateway
// in each, flow logs kept for a year.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		net, err := network.New(ctx, "main", &network.Args{
			CIDR:              "10.20.0.0/16",
			AvailabilityZones: 3,
			NATGateways:       network.NATOnePerAZ,
		})
		if err != nil {
			return err
		}
		ctx.Export("vpcId", net.VpcID)
		return nil
	})
}
