package alerting_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/alerting"
	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/network"
)

// ExampleNew makes a stack's alarm topic, gives a database's alarms to it,
// and draws the stack's dashboard from the database's row.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		alarms, err := alerting.New(ctx, "alarms", &alerting.Args{Emails: []string{"oncall@example.com"}})
		if err != nil {
			return err
		}
		net, err := network.New(ctx, "main", nil)
		if err != nil {
			return err
		}
		db, err := auroradb.New(ctx, "orders", &auroradb.Args{
			VpcID: net.VpcID, SubnetGroupName: net.DBSubnetGroupName,
			Alarms: auroradb.Alarms{TopicARN: alarms.TopicARN},
		})
		if err != nil {
			return err
		}
		_, err = alarms.Dashboard(ctx, db.Dashboard)
		return err
	})
}
