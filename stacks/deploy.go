package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/awsprovider"
	"github.com/strata-infra/strata/components/alerting"
	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/baseline"
	"github.com/strata-infra/strata/components/budget"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/components/serverlessapi"
)

// The stack's component names. A name is part of every child's URN:
// changing one replaces those resources unless an alias is added.
const (
	NetworkName = "main"
	BucketName  = "data"
	// LogBucketName names the stack's access-log bucket.
	LogBucketName = "access-logs"
	BudgetName    = "monthly"
	DBName        = "main"
	AppName       = "web"
	APIName       = "api"
	// BaselineName names the account baseline, its trail and recorder.
	BaselineName = "baseline"
	// AlertingName names the alarm topic and the dashboard.
	AlertingName = "alarms"
)

// CostTags are the cost tags every resource gets through the provider's
// default tags.
func (p Profile) CostTags(project string) awsprovider.CostTags {
	return awsprovider.CostTags{Project: project, Environment: p.Environment, Owner: p.Owner, CostCenter: p.CostCenter}
}

// Deploy is the strata program: it loads the stack's config, creates one
// explicit AWS provider whose default tags reach every resource, composes
// the components and exports what other stacks and people need.
func Deploy(ctx *pulumi.Context) error {
	p, err := Load(ctx)
	if err != nil {
		return err
	}
	prov, err := awsprovider.New(ctx, "aws", &awsprovider.Args{Region: p.Region, Tags: p.CostTags(ctx.Project())})
	if err != nil {
		return fmt.Errorf("creating the aws provider: %w", err)
	}
	opts := []pulumi.ResourceOption{pulumi.Provider(prov)}
	if p.Production {
		// Nothing in production is deleted or replaced by accident: a
		// protected component protects every child it has.
		opts = append(opts, pulumi.Protect(true))
	}

	alarms, err := alerting.New(ctx, AlertingName, &alerting.Args{Emails: p.Alarms.Emails}, opts...)
	if err != nil {
		return err
	}
	netArgs := p.NetworkArgs()
	netArgs.AlarmTopicARN = alarms.TopicARN
	net, err := network.New(ctx, NetworkName, netArgs, opts...)
	if err != nil {
		return err
	}
	// One log bucket per stack receives the load balancer's and every
	// bucket's access logs.
	var accessLogs pulumi.StringInput
	if p.AccessLogs {
		logs, err := securebucket.New(ctx, LogBucketName, p.LogBucketArgs(), opts...)
		if err != nil {
			return err
		}
		accessLogs = logs.BucketName
		ctx.Export("accessLogBucketName", logs.BucketName)
	}
	bucketArgs := p.BucketArgs()
	if bucketArgs.AccessLogBucket == nil {
		bucketArgs.AccessLogBucket = accessLogs
	}
	bucket, err := securebucket.New(ctx, BucketName, bucketArgs, opts...)
	if err != nil {
		return err
	}
	bud, err := budget.New(ctx, BudgetName, p.BudgetArgs(), opts...)
	if err != nil {
		return err
	}
	dbArgs := p.DBArgs(net)
	dbArgs.Alarms.TopicARN = alarms.TopicARN
	db, err := auroradb.New(ctx, DBName, dbArgs, append(opts, movedFromNetwork(net, dbMoves()))...)
	if err != nil {
		return err
	}
	appArgs := p.AppArgs(net, db, bucket)
	appArgs.AccessLogBucket = accessLogs
	appArgs.Alarms.TopicARN = alarms.TopicARN
	app, err := appservice.New(ctx, AppName, appArgs,
		append(opts, movedFromNetwork(net, appMoves(len(p.App.AllowedIngressCIDRs))))...)
	if err != nil {
		return err
	}
	apiArgs := p.APIArgs(net)
	apiArgs.Alarms.TopicARN = alarms.TopicARN
	api, err := serverlessapi.New(ctx, APIName, apiArgs, opts...)
	if err != nil {
		return err
	}
	if p.Baseline.Enabled {
		baselineArgs := p.BaselineArgs()
		baselineArgs.AccessLogBucket = accessLogs
		b, err := baseline.New(ctx, BaselineName, baselineArgs, opts...)
		if err != nil {
			return err
		}
		ctx.Export("trailArn", b.TrailARN)
		ctx.Export("auditLogBucketName", b.LogBucketName)
		ctx.Export("guardDutyDetectorId", b.DetectorID)
		ctx.Export("configRecorderName", b.RecorderName)
		ctx.Export("deployRoleArn", b.DeployRoleARN)
	}

	if p.Alarms.Dashboard {
		dashboard, err := alarms.Dashboard(ctx, net.Dashboard, app.Dashboard, api.Dashboard, db.Dashboard)
		if err != nil {
			return err
		}
		ctx.Export("dashboardName", dashboard)
	}
	ctx.Export("alarmTopicArn", alarms.TopicARN)
	ctx.Export("environment", pulumi.String(p.Environment))
	ctx.Export("region", pulumi.String(p.Region))
	ctx.Export("vpcId", net.VpcID)
	ctx.Export("availabilityZones", pulumi.ToStringArray(net.AvailabilityZones))
	ctx.Export("publicSubnetIds", net.PublicSubnetIDs)
	ctx.Export("privateSubnetIds", net.PrivateSubnetIDs)
	ctx.Export("isolatedSubnetIds", net.IsolatedSubnetIDs)
	ctx.Export("albSecurityGroupId", app.LoadBalancerSecurityGroupID)
	ctx.Export("appSecurityGroupId", app.SecurityGroupID)
	ctx.Export("databaseSecurityGroupId", db.SecurityGroupID)
	ctx.Export("dbSubnetGroupName", net.DBSubnetGroupName)
	ctx.Export("flowLogGroupName", net.FlowLogGroupName)
	ctx.Export("bucketName", bucket.BucketName)
	ctx.Export("bucketArn", bucket.BucketARN)
	ctx.Export("bucketKeyArn", bucket.KeyARN)
	ctx.Export("budgetName", bud.BudgetName)
	ctx.Export("budgetTopicArn", bud.TopicARN)
	ctx.Export("dbEndpoint", db.Endpoint)
	ctx.Export("dbReaderEndpoint", db.ReaderEndpoint)
	ctx.Export("dbPort", pulumi.Int(db.Port))
	ctx.Export("dbName", pulumi.String(db.DatabaseName))
	ctx.Export("dbSecretArn", db.MasterSecretARN)
	ctx.Export("dbClusterArn", db.ClusterARN)
	ctx.Export("appUrl", app.URL)
	ctx.Export("appServiceName", app.ServiceName)
	ctx.Export("appLogGroupName", app.LogGroupName)
	ctx.Export("apiUrl", api.URL)
	ctx.Export("apiTableName", api.TableName)
	return nil
}
