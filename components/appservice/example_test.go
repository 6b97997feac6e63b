package appservice_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/grant"
)

// ExampleNew runs an image behind HTTPS in a Network, connected to a
// database and with read-write access to one bucket, and nothing else; and
// an admin service on another port behind an internal load balancer that
// only the VPC reaches, connected to the same database with IAM
// authentication.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		net, err := network.New(ctx, "main", nil)
		if err != nil {
			return err
		}
		db, err := auroradb.New(ctx, "orders", &auroradb.Args{
			VpcID: net.VpcID, SubnetGroupName: net.DBSubnetGroupName, AvailabilityZones: net.AvailabilityZones,
		})
		if err != nil {
			return err
		}
		uploads, err := securebucket.New(ctx, "uploads", nil)
		if err != nil {
			return err
		}
		web, err := appservice.New(ctx, "web", &appservice.Args{
			VpcID:            net.VpcID,
			PublicSubnetIDs:  net.PublicSubnetIDs,
			PrivateSubnetIDs: net.PrivateSubnetIDs,
			Image:            "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0",
			CertificateARN:   pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/example"),
			Grants: []grant.Grant{
				db.Connect(nil), // DB_HOST, DB_PORT, DB_NAME; DB_USER, DB_PASSWORD from the secret
				uploads.Grant(securebucket.ReadWrite),
			},
		})
		if err != nil {
			return err
		}
		admin, err := appservice.New(ctx, "admin", &appservice.Args{
			VpcID:               net.VpcID,
			PrivateSubnetIDs:    net.PrivateSubnetIDs,
			Internal:            true,
			AllowedIngressCIDRs: []string{net.CIDR},
			Image:               "123456789012.dkr.ecr.us-east-1.amazonaws.com/admin:1.0.0",
			Port:                9090,
			Grants:              []grant.Grant{db.Connect(&auroradb.ConnectOptions{IAMUser: "admin_app"})},
		})
		if err != nil {
			return err
		}
		ctx.Export("url", web.URL)
		ctx.Export("adminUrl", admin.URL)
		return nil
	})
}
