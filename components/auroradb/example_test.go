package auroradb_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/network"
)

// ExampleNew places a two-instance cluster in a Network's isolated subnets,
// behind its own security group, which admits nothing until a consumer is
// granted db.Connect (see appservice's example).
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		net, err := network.New(ctx, "main", nil)
		if err != nil {
			return err
		}
		db, err := auroradb.New(ctx, "orders", &auroradb.Args{
			VpcID:             net.VpcID,
			SubnetGroupName:   net.DBSubnetGroupName,
			AvailabilityZones: net.AvailabilityZones,
			Instances:         2,
			MinACU:            1,
			MaxACU:            16,
		})
		if err != nil {
			return err
		}
		ctx.Export("dbEndpoint", db.Endpoint)
		ctx.Export("dbSecurityGroupId", db.SecurityGroupID)
		return nil
	})
}
