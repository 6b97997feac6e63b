// Command twoservices composes strata's components in a topology of its
// own, as a team using the library would: one network; a public web
// service that calls an internal admin service on another port; one Aurora
// database both use (web with the RDS-managed password, admin with IAM
// authentication); a bucket only web may write; and a budget.
//
// It is planned and checked in its test (go test ./examples/twoservices)
// and deploys like any Pulumi Go program: pulumi up -s prod.
package main

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/strata-infra/strata/awsprovider"
	"github.com/strata-infra/strata/components/alerting"
	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/budget"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/grant"
)

func main() { pulumi.Run(program) }

// program is the whole deployment. Its settings are Go values; the stack
// file gives only the Region, the certificate and who pays.
func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	prov, err := awsprovider.New(ctx, "aws", &awsprovider.Args{
		Region: config.Get(ctx, "aws:region"),
		Tags: awsprovider.CostTags{
			Project: ctx.Project(), Environment: ctx.Stack(), Owner: cfg.Get("owner"), CostCenter: cfg.Get("costCenter"),
		},
	})
	if err != nil {
		return err
	}
	opts := []pulumi.ResourceOption{pulumi.Provider(prov), pulumi.Protect(true)}

	alarms, err := alerting.New(ctx, "alarms", &alerting.Args{Emails: []string{cfg.Require("alertEmail")}}, opts...)
	if err != nil {
		return err
	}
	net, err := network.New(ctx, "shop", &network.Args{CIDR: "10.30.0.0/16", AvailabilityZones: 3, NATGateways: network.NATOnePerAZ, AlarmTopicARN: alarms.TopicARN}, opts...)
	if err != nil {
		return err
	}
	db, err := auroradb.New(ctx, "orders", &auroradb.Args{
		VpcID: net.VpcID, SubnetGroupName: net.DBSubnetGroupName, AvailabilityZones: net.AvailabilityZones,
		Instances: 2, MinACU: 1, MaxACU: 8, BackupRetentionDays: 14, Alarms: auroradb.Alarms{TopicARN: alarms.TopicARN},
	}, opts...)
	if err != nil {
		return err
	}
	// One access-log target for the load balancers' and the bucket's logs.
	logs, err := securebucket.New(ctx, "access-logs", &securebucket.Args{AccessLogTarget: true,
		LifecycleRules: []securebucket.LifecycleRule{{ID: "expire", ExpirationDays: 365, NoncurrentExpirationDays: 7}}}, opts...)
	if err != nil {
		return err
	}
	uploads, err := securebucket.New(ctx, "uploads", &securebucket.Args{AccessLogBucket: logs.BucketName}, opts...)
	if err != nil {
		return err
	}
	admin, err := appservice.New(ctx, "admin", &appservice.Args{
		VpcID: net.VpcID, PrivateSubnetIDs: net.PrivateSubnetIDs,
		Internal:           true, // reached only by the services given admin.Connect
		Image:              "public.ecr.aws/nginx/nginx:1.27",
		Port:               9090,
		CertificateARN:     pulumi.String(cfg.Require("certificateArn")),
		MinTasks:           2,
		DeletionProtection: true,
		AccessLogBucket:    logs.BucketName,
		Alarms:             appservice.Alarms{TopicARN: alarms.TopicARN, LatencyP99Seconds: 3},
		Grants:             []grant.Grant{db.Connect(&auroradb.ConnectOptions{IAMUser: "admin_app"})},
	}, opts...)
	if err != nil {
		return err
	}
	web, err := appservice.New(ctx, "web", &appservice.Args{
		VpcID: net.VpcID, PublicSubnetIDs: net.PublicSubnetIDs, PrivateSubnetIDs: net.PrivateSubnetIDs,
		Image:              "public.ecr.aws/nginx/nginx:1.27",
		Port:               8080,
		CertificateARN:     pulumi.String(cfg.Require("certificateArn")),
		MinTasks:           2,
		DeletionProtection: true,
		AccessLogBucket:    logs.BucketName,
		Alarms:             appservice.Alarms{TopicARN: alarms.TopicARN},
		Grants: []grant.Grant{
			db.Connect(nil),                       // DB_HOST, DB_PORT, DB_NAME; DB_USER, DB_PASSWORD from the secret
			uploads.Grant(securebucket.ReadWrite), // BUCKET_NAME, and the task role's only policy
			admin.Connect(nil),                    // ADMIN_URL, and 443 to admin's load balancer only
		},
	}, opts...)
	if err != nil {
		return err
	}
	bud, err := budget.New(ctx, "monthly", &budget.Args{
		LimitUSD: 1500, EmailAddresses: []string{cfg.Require("alertEmail")}, Topic: true,
		FilterTag: budget.Tag{Key: "Environment", Value: ctx.Stack()},
	}, opts...)
	if err != nil {
		return fmt.Errorf("budget: %w", err)
	}

	if _, err := alarms.Dashboard(ctx, net.Dashboard, web.Dashboard, admin.Dashboard, db.Dashboard); err != nil {
		return err
	}
	ctx.Export("webUrl", web.URL)
	ctx.Export("adminUrl", admin.URL)
	ctx.Export("dbEndpoint", db.Endpoint)
	ctx.Export("uploadsBucket", uploads.BucketName)
	ctx.Export("budgetName", bud.BudgetName)
	return nil
}
