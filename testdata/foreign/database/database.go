// Package database is a program written without strata: a PostgreSQL RDS
// instance, public and unencrypted, with its password in the code, in a
// subnet group of the account's subnets. It is planned and checked by
// strata's tests; it is never deployed.
package database

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Program is the program's pulumi.RunFunc.
func Program(ctx *pulumi.Context) error {
	subnets, err := rds.NewSubnetGroup(ctx, "db", &rds.SubnetGroupArgs{
		SubnetIds: pulumi.StringArray{pulumi.String("subnet-0a1b2c3d4e5f60718"), pulumi.String("subnet-0f1e2d3c4b5a69788")},
	})
	if err != nil {
		return err
	}
	_, err = rds.NewInstance(ctx, "orders", &rds.InstanceArgs{
		Engine:             pulumi.String("postgres"),
		EngineVersion:      pulumi.String("16.3"),
		InstanceClass:      pulumi.String("db.t4g.micro"),
		AllocatedStorage:   pulumi.Int(20),
		DbName:             pulumi.String("orders"),
		Username:           pulumi.String("postgres"),
		Password:           pulumi.String("correct-horse-battery"),
		DbSubnetGroupName:  subnets.Name,
		PubliclyAccessible: pulumi.Bool(true),
		SkipFinalSnapshot:  pulumi.Bool(true),
	})
	return err
}
