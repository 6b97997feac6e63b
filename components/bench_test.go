package components_test

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/plan"
)

// services is a program of n internal services, each granted one shared
// database: the measure of the engine's throughput.
func services(n int) pulumi.RunFunc {
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

// BenchmarkServices plans 10, 100, 1,000 and 10,000 services through the
// plan engine: go test ./components -run '^$' -bench 'Services/(10|100|1000)$'
// -benchtime 1x (10,000 takes minutes).
func BenchmarkServices(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				p, err := plan.Run(services(n), plan.Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(p.Resources)), "resources")
			}
		})
	}
}
