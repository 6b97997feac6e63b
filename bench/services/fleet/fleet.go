// Package fleet is the program the issue measures the plan engine with: a
// network, one Aurora database and n internal services, each granted the
// database. BenchmarkServices (package components) runs it in-process;
// bench/services runs it as a Pulumi program, for strata plan --program.
package fleet

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/grant"
)

// Program registers the network, the database and n services.
func Program(n int) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		net, err := network.New(ctx, "net", nil)
		if err != nil {
			return err
		}
		db, err := auroradb.New(ctx, "db", &auroradb.Args{VpcID: net.VpcID, SubnetGroupName: net.DBSubnetGroupName})
		if err != nil {
			return err
		}
		for i := range n {
			if _, err := appservice.New(ctx, fmt.Sprintf("svc%d", i), &appservice.Args{VpcID: net.VpcID, PrivateSubnetIDs: net.PrivateSubnetIDs,
				Internal: true, AllowedIngressCIDRs: []string{net.CIDR}, Image: "public.ecr.aws/nginx/nginx:1.27",
				Grants: []grant.Grant{db.Connect(nil)}}); err != nil {
				return err
			}
		}
		return nil
	}
}
