package auroradb_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/network"
)

// ExampleNew places a two-instance cluster in a Network's isolated subnets
// and database security group, and exports what an app needs to connect.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		net, err := network.New(ctx, "main", nil)
		if err != nil {
			return err
		}
		db, err := auroradb.New(ctx, "orders", &auroradb.Args{
			SubnetGroupName:   net.DBSubnetGroupName,
			SecurityGroupID:   net.DatabaseSecurityGroupID,
			AvailabilityZones: net.AvailabilityZones,
			Instances:         2,
			MinACU:            1,
			MaxACU:            16,
		})
		if err != nil {
			return err
		}
		ctx.Export("dbEndpoint", db.Endpoint)
		ctx.Export("dbSecretArn", db.MasterSecretARN)
		return nil
	})
}
