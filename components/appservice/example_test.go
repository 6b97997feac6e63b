package appservice_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/grant"
)

// ExampleNew runs an image behind HTTPS in a Network, with read-write access
// to one bucket and nothing else.
func ExampleNew() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		net, err := network.New(ctx, "main", nil)
		if err != nil {
			return err
		}
		uploads, err := securebucket.New(ctx, "uploads", nil)
		if err != nil {
			return err
		}
		web, err := appservice.New(ctx, "web", &appservice.Args{
			VpcID:              net.VpcID,
			PublicSubnetIDs:    net.PublicSubnetIDs,
			PrivateSubnetIDs:   net.PrivateSubnetIDs,
			ALBSecurityGroupID: net.ALBSecurityGroupID,
			AppSecurityGroupID: net.AppSecurityGroupID,
			Image:              "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0",
			CertificateARN:     pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/example"),
			Grants:             []grant.Grant{grant.Bucket(uploads, securebucket.ReadWrite)},
		})
		if err != nil {
			return err
		}
		ctx.Export("url", web.URL)
		return nil
	})
}
