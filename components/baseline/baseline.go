package baseline

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/accessanalyzer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cfg"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/guardduty"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/iamdoc"
	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/internal/kmskey"
	"github.com/strata-infra/strata/internal/tags"
)

// Type is the component's type token. Changing it replaces the account's
// guard rails unless an alias is added.
const Type = "strata:baseline:Baseline"

// Baseline is an account's guard rails: CloudTrail, GuardDuty, AWS Config,
// account-level hardening and an optional cross-account deploy role.
type Baseline struct {
	pulumi.ResourceState

	// TrailARN is the trail's ARN, or empty without CloudTrail.
	TrailARN pulumi.StringOutput
	// LogBucketName is the bucket trail and Config deliver to, or empty.
	LogBucketName pulumi.StringOutput
	// DetectorID is the GuardDuty detector's ID, or empty.
	DetectorID pulumi.StringOutput
	// RecorderName is the Config recorder's name, or empty.
	RecorderName pulumi.StringOutput
	// DeployRoleARN is the deploy role's ARN, or empty without one.
	DeployRoleARN pulumi.StringOutput
}

// guardDutyFeatures are the protections that apply to strata's
// architecture: S3, Aurora logins, Lambda's network, and ECS Fargate at
// run time with the agent managed by GuardDuty.
var guardDutyFeatures = []struct{ name, agent string }{
	{"S3_DATA_EVENTS", ""},
	{"RDS_LOGIN_EVENTS", ""},
	{"LAMBDA_NETWORK_LOGS", ""},
	{"RUNTIME_MONITORING", "ECS_FARGATE_AGENT_MANAGEMENT"},
}

// New validates args and creates a Baseline. Nothing is registered when
// args are invalid; the error lists every problem.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Baseline, error) {
	a := args.withDefaults()
	bucketArgs := logBucketArgs(name, a)
	if err := validate(name, a); err != nil {
		return nil, err
	}
	if bucketArgs != nil {
		if err := securebucket.Validate(name+"-logs", ctx.Project(), bucketArgs); err != nil {
			return nil, fmt.Errorf("baseline %q: the log bucket: %w", name, err)
		}
	}
	empty := pulumi.String("").ToStringOutput()
	b := &Baseline{TrailARN: empty, LogBucketName: empty, DetectorID: empty, RecorderName: empty, DeployRoleARN: empty}
	if err := ctx.RegisterComponentResource(Type, name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	wrap := func(what string, err error) error { return fmt.Errorf("baseline %q: %s: %w", name, what, err) }
	env, err := awsenv.Lookup(ctx, b)
	if err != nil {
		return nil, wrap("reading the environment", err)
	}

	// One bucket for the trail and Config, built with SecureBucket.
	trailName := name
	trailArn := env.ARN("cloudtrail", env.Region, "trail/"+trailName)
	var bucket *securebucket.SecureBucket
	if bucketArgs != nil {
		for i, d := range bucketArgs.LogDeliveries {
			if d.Service == securebucket.CloudTrail {
				bucketArgs.LogDeliveries[i].SourceARN = trailArn
			}
		}
		bucket, err = securebucket.New(ctx, name+"-logs", bucketArgs, parent)
		if err != nil {
			return nil, wrap("creating the log bucket", err)
		}
		b.LogBucketName = bucket.BucketName
	}

	if !a.DisableCloudTrail {
		if err := b.trail(ctx, name, trailName, trailArn, a, env, bucket, parent); err != nil {
			return nil, wrap("creating the trail", err)
		}
	}
	if !a.DisableGuardDuty {
		detector, err := guardduty.NewDetector(ctx, name, &guardduty.DetectorArgs{
			Enable:                     pulumi.Bool(true),
			FindingPublishingFrequency: pulumi.String(a.FindingFrequency),
		}, parent)
		if err != nil {
			return nil, wrap("creating the GuardDuty detector", err)
		}
		b.DetectorID = detector.ID().ToStringOutput()
		for _, f := range guardDutyFeatures {
			var extra guardduty.DetectorFeatureAdditionalConfigurationArray
			if f.agent != "" {
				extra = guardduty.DetectorFeatureAdditionalConfigurationArray{&guardduty.DetectorFeatureAdditionalConfigurationArgs{
					Name: pulumi.String(f.agent), Status: pulumi.String("ENABLED"),
				}}
			}
			if _, err := guardduty.NewDetectorFeature(ctx, name+"-"+strings.ToLower(strings.ReplaceAll(f.name, "_", "-")), &guardduty.DetectorFeatureArgs{
				DetectorId: detector.ID(), Name: pulumi.String(f.name), Status: pulumi.String("ENABLED"), AdditionalConfigurations: extra,
			}, parent); err != nil {
				return nil, wrap("turning on "+f.name, err)
			}
		}
	}
	if !a.DisableConfig {
		if err := b.config(ctx, name, a, env, bucket, parent); err != nil {
			return nil, wrap("setting up AWS Config", err)
		}
	}

	// Account hardening.
	if !a.DisableS3PublicAccessBlock {
		if _, err := s3.NewAccountPublicAccessBlock(ctx, name, &s3.AccountPublicAccessBlockArgs{
			BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
			IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
		}, parent); err != nil {
			return nil, wrap("blocking public S3 access account-wide", err)
		}
	}
	if !a.DisableEBSEncryption {
		if _, err := ebs.NewEncryptionByDefault(ctx, name, &ebs.EncryptionByDefaultArgs{Enabled: pulumi.Bool(true)}, parent); err != nil {
			return nil, wrap("turning on EBS encryption by default", err)
		}
	}
	if !a.DisableAccessAnalyzer {
		if _, err := accessanalyzer.NewAnalyzer(ctx, name, &accessanalyzer.AnalyzerArgs{
			AnalyzerName: pulumi.String(name + "-account"), Type: pulumi.String("ACCOUNT"),
		}, parent); err != nil {
			return nil, wrap("creating the access analyzer", err)
		}
	}

	if a.DeployRole != nil {
		if err := b.deployRole(ctx, name, *a.DeployRole, a.PermissionsBoundaryARN, env, parent); err != nil {
			return nil, wrap("creating the deploy role", err)
		}
	}

	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{
		"trailArn": b.TrailARN, "logBucketName": b.LogBucketName, "detectorId": b.DetectorID,
		"recorderName": b.RecorderName, "deployRoleArn": b.DeployRoleARN,
	}); err != nil {
		return nil, wrap("registering outputs", err)
	}
	return b, nil
}

// trail creates the multi-Region trail, delivering to the bucket and to a
// log group through a role that may write only there.
func (b *Baseline) trail(ctx *pulumi.Context, name, trailName, trailArn string, a Args, env awsenv.Env, bucket *securebucket.SecureBucket, parent pulumi.ResourceOption) error {
	key, err := kmskey.New(ctx, name+"-trail-logs", env, kmskey.Args{
		Description: fmt.Sprintf("Encrypts the CloudWatch copy of trail %s", trailName),
		AliasPrefix: "alias/" + name + "-trail-logs-",
		Services:    []kmskey.Service{kmskey.Logs(env, name+"-trail-*")},
	}, parent)
	if err != nil {
		return err
	}
	logs, err := cloudwatch.NewLogGroup(ctx, name+"-trail", &cloudwatch.LogGroupArgs{
		RetentionInDays: pulumi.Int(a.TrailLogRetentionDays), KmsKeyId: key.Key.Arn,
	}, parent)
	if err != nil {
		return err
	}
	trust, err := iamdoc.ServiceTrust("cloudtrail.amazonaws.com", env.AccountID, trailArn).JSON()
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, name+"-trail", &iam.RoleArgs{
		Description:         pulumi.Sprintf("Lets trail %s write to its log group", trailName),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: iamdoc.PermissionsBoundary(a.PermissionsBoundaryARN),
	}, parent)
	if err != nil {
		return err
	}
	rp, err := iam.NewRolePolicy(ctx, name+"-trail", &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: logs.Arn.ApplyT(func(arn string) (string, error) {
			return iamdoc.New(iamdoc.Statement{
				Sid: "WriteTrailLogs", Effect: iamdoc.Allow,
				Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{arn + ":log-stream:*"},
			}).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return err
	}
	selector := &cloudtrail.TrailEventSelectorArgs{ReadWriteType: pulumi.String("All"), IncludeManagementEvents: pulumi.Bool(true)}
	if a.S3DataEvents {
		selector.DataResources = cloudtrail.TrailEventSelectorDataResourceArray{&cloudtrail.TrailEventSelectorDataResourceArgs{
			Type: pulumi.String("AWS::S3::Object"), Values: pulumi.StringArray{pulumi.String("arn:" + env.Partition + ":s3")},
		}}
	}
	trail, err := cloudtrail.NewTrail(ctx, name, &cloudtrail.TrailArgs{
		Name:                       pulumi.String(trailName),
		S3BucketName:               bucket.BucketName,
		KmsKeyId:                   bucket.KeyARN,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		CloudWatchLogsGroupArn:     pulumi.Sprintf("%s:*", logs.Arn),
		CloudWatchLogsRoleArn:      role.Arn,
		EventSelectors:             cloudtrail.TrailEventSelectorArray{selector},
	}, parent, pulumi.DependsOn([]pulumi.Resource{rp})) // BucketName waits for the bucket's policy
	if err != nil {
		return err
	}
	b.TrailARN = trail.Arn
	return nil
}

// config records every supported resource type, global ones included,
// delivers to the bucket, and evaluates the managed rules.
func (b *Baseline) config(ctx *pulumi.Context, name string, a Args, env awsenv.Env, bucket *securebucket.SecureBucket, parent pulumi.ResourceOption) error {
	trust, err := iamdoc.ServiceTrust("config.amazonaws.com", env.AccountID, "").JSON()
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, name+"-config", &iam.RoleArgs{
		Description:         pulumi.String("Lets AWS Config read the account's configuration and deliver it"),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: iamdoc.PermissionsBoundary(a.PermissionsBoundaryARN),
	}, parent)
	if err != nil {
		return err
	}
	// Both permissions are attached managed policies: one style per role.
	delivery, err := iam.NewPolicy(ctx, name+"-config-delivery", &iam.PolicyArgs{
		Description: pulumi.String("AWS Config delivers to the audit-log bucket only"),
		Policy: pulumi.All(bucket.BucketARN, bucket.KeyARN).ApplyT(func(v []any) (string, error) {
			bucketArn, keyArn := v[0].(string), v[1].(string)
			return iamdoc.New(
				iamdoc.Statement{Sid: "CheckBucket", Effect: iamdoc.Allow, Action: []string{"s3:GetBucketAcl"}, Resource: []string{bucketArn}},
				iamdoc.Statement{Sid: "Deliver", Effect: iamdoc.Allow, Action: []string{"s3:PutObject"},
					Resource:  []string{bucketArn + "/AWSLogs/" + env.AccountID + "/Config/*"},
					Condition: map[string]map[string]any{"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
				// Only S3 uses the key for Config, when it writes a delivery.
				iamdoc.Statement{Sid: "EncryptDeliveries", Effect: iamdoc.Allow, Action: []string{"kms:GenerateDataKey", "kms:Decrypt"}, Resource: []string{keyArn},
					Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "s3." + env.Region + ".amazonaws.com"}}},
			).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return err
	}
	var attachments []pulumi.Resource
	// AWS_ConfigRole is AWS's managed policy: it lives under the "aws"
	// account, not this one.
	configRole := fmt.Sprintf("arn:%s:iam::aws:policy/service-role/AWS_ConfigRole", env.Partition)
	for i, arn := range []pulumi.StringInput{pulumi.String(configRole), delivery.Arn} {
		att, err := iam.NewRolePolicyAttachment(ctx, fmt.Sprintf("%s-config-%d", name, i), &iam.RolePolicyAttachmentArgs{Role: role.Name, PolicyArn: arn}, parent)
		if err != nil {
			return err
		}
		attachments = append(attachments, att)
	}
	recorder, err := cfg.NewRecorder(ctx, name, &cfg.RecorderArgs{
		Name:    pulumi.String(name),
		RoleArn: role.Arn,
		RecordingGroup: &cfg.RecorderRecordingGroupArgs{
			AllSupported:               pulumi.Bool(true),
			IncludeGlobalResourceTypes: pulumi.Bool(true),
		},
	}, parent, pulumi.DependsOn(attachments))
	if err != nil {
		return err
	}
	b.RecorderName = recorder.Name
	channel, err := cfg.NewDeliveryChannel(ctx, name, &cfg.DeliveryChannelArgs{
		Name:         pulumi.String(name),
		S3BucketName: bucket.BucketName,
		S3KmsKeyArn:  bucket.KeyARN,
		SnapshotDeliveryProperties: &cfg.DeliveryChannelSnapshotDeliveryPropertiesArgs{
			DeliveryFrequency: pulumi.String(a.ConfigDeliveryFrequency),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{recorder})) // BucketName waits for the bucket's policy
	if err != nil {
		return err
	}
	status, err := cfg.NewRecorderStatus(ctx, name, &cfg.RecorderStatusArgs{Name: recorder.Name, IsEnabled: pulumi.Bool(true)},
		parent, pulumi.DependsOn([]pulumi.Resource{channel}))
	if err != nil {
		return err
	}
	for _, rule := range a.ConfigRules {
		id := strings.ToLower(strings.ReplaceAll(rule, "_", "-"))
		if _, err := cfg.NewRule(ctx, name+"-"+id, &cfg.RuleArgs{
			Name:   pulumi.String(name + "-" + id),
			Source: &cfg.RuleSourceArgs{Owner: pulumi.String("AWS"), SourceIdentifier: pulumi.String(rule)},
		}, parent, pulumi.DependsOn([]pulumi.Resource{status})); err != nil {
			return err
		}
	}
	return nil
}

// deployRole creates the role another account's deployment system assumes
// with the external ID, for at most MaxSessionSeconds. With a workload
// boundary it also attaches a policy that lets the role create and grant
// roles only under that boundary.
func (b *Baseline) deployRole(ctx *pulumi.Context, name string, r DeployRole, workloadBoundary string, env awsenv.Env, parent pulumi.ResourceOption) error {
	principal := r.TrustedPrincipal
	if accountRE.MatchString(principal) {
		principal = fmt.Sprintf("arn:%s:iam::%s:root", env.Partition, principal)
	}
	cond := map[string]map[string]any{"StringEquals": {"sts:ExternalId": r.ExternalID}}
	if r.OrgID != "" {
		cond["StringEquals"]["aws:PrincipalOrgID"] = r.OrgID
	}
	trust, err := iamdoc.New(iamdoc.Statement{
		Sid: "AssumeWithExternalID", Effect: iamdoc.Allow,
		Principal: map[string]any{"AWS": principal}, Action: []string{"sts:AssumeRole"}, Condition: cond,
	}).JSON()
	if err != nil {
		return err
	}
	roleTags := pulumi.StringMap{tags.Suppress("STRATA-IAM-006"): pulumi.String(
		"The cross-account deploy role - trusted by one named account by design - with sts:ExternalId - CKV_AWS_61")}
	var adminEquivalent []string
	for _, arn := range r.ManagedPolicyARNs {
		if iampolicy.AdminEquivalent(arn) != "" {
			adminEquivalent = append(adminEquivalent, arn[strings.LastIndex(arn, "/")+1:])
		}
	}
	if len(adminEquivalent) > 0 {
		roleTags[tags.Warning] = pulumi.String(fmt.Sprintf(
			"%s granted on purpose - the deploy role can make itself administrator of this account", strings.Join(adminEquivalent, " and ")))
		roleTags[tags.Suppress("STRATA-IAM-010")] = pulumi.String("Admin-equivalent policies granted with AllowAdministratorAccess - on purpose")
	}
	role, err := iam.NewRole(ctx, name+"-deploy", &iam.RoleArgs{
		Name:                pulumi.String(r.RoleName),
		Description:         pulumi.String("Assumed by the deployment system of another account, with the external ID"),
		AssumeRolePolicy:    pulumi.ToSecret(pulumi.String(trust)).(pulumi.StringOutput),
		MaxSessionDuration:  pulumi.Int(r.MaxSessionSeconds),
		PermissionsBoundary: iamdoc.PermissionsBoundary(r.PermissionsBoundaryARN),
		Tags:                roleTags,
	}, parent)
	if err != nil {
		return err
	}
	policies := []pulumi.StringInput{}
	for _, arn := range r.ManagedPolicyARNs {
		policies = append(policies, pulumi.String(arn))
	}
	if workloadBoundary != "" {
		doc, err := manageRolesPolicy(env, r.RoleName, workloadBoundary).JSON()
		if err != nil {
			return err
		}
		manage, err := iam.NewPolicy(ctx, name+"-deploy-roles", &iam.PolicyArgs{
			Description: pulumi.String("Lets the deploy role create and grant roles only under the workload permissions boundary"),
			Policy:      pulumi.String(doc),
		}, parent)
		if err != nil {
			return err
		}
		policies = append(policies, manage.Arn)
	}
	for i, arn := range policies {
		if _, err := iam.NewRolePolicyAttachment(ctx, fmt.Sprintf("%s-deploy-%d", name, i), &iam.RolePolicyAttachmentArgs{
			Role: role.Name, PolicyArn: arn,
		}, parent); err != nil {
			return err
		}
	}
	b.DeployRoleARN = role.Arn
	return nil
}

// DeployPassedServices are the services the deploy role may pass roles to:
// those strata's components hand a role.
var DeployPassedServices = []string{
	"ecs-tasks.amazonaws.com", "lambda.amazonaws.com", "vpc-flow-logs.amazonaws.com",
	"cloudtrail.amazonaws.com", "config.amazonaws.com",
}

// manageRolesPolicy lets the deploy role create roles, write and attach
// their policies only when the role carries the workload boundary, pass
// roles only to the services strata uses, and never remove a boundary or
// touch the deploy role itself. It grants no iam:UpdateAssumeRolePolicy:
// changing an existing role's trust is an administrator's job.
func manageRolesPolicy(env awsenv.Env, deployRoleName, boundary string) iamdoc.Document {
	roles := env.ARN("iam", "", "role/*")
	return iamdoc.New(
		iamdoc.Statement{Sid: "CreateAndGrantRolesWithinBoundary", Effect: iamdoc.Allow, Action: []string{
			"iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary",
		}, Resource: []string{roles}, Condition: map[string]map[string]any{"StringEquals": {"iam:PermissionsBoundary": boundary}}},
		iamdoc.Statement{Sid: "ReadTagAndDeleteRoles", Effect: iamdoc.Allow, Action: []string{
			"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
			"iam:ListRoleTags", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRole",
		}, Resource: []string{roles}},
		iamdoc.Statement{Sid: "PassRolesToStrataServices", Effect: iamdoc.Allow, Action: []string{"iam:PassRole"}, Resource: []string{roles},
			Condition: map[string]map[string]any{"StringEquals": {"iam:PassedToService": DeployPassedServices}}},
		iamdoc.Statement{Sid: "KeepBoundaries", Effect: iamdoc.Deny, Action: []string{"iam:DeleteRolePermissionsBoundary"}, Resource: []string{"*"}},
		iamdoc.Statement{Sid: "LeaveTheDeployRoleAlone", Effect: iamdoc.Deny, Action: []string{"iam:*"}, Resource: []string{env.ARN("iam", "", "role/"+deployRoleName)}},
	)
}

// logBucketArgs is the audit-log bucket, or nil when neither CloudTrail nor
// Config needs one. The trail's ARN is filled in once the account is known.
func logBucketArgs(name string, a Args) *securebucket.Args {
	if a.DisableCloudTrail && a.DisableConfig {
		return nil
	}
	var deliveries []securebucket.LogDelivery
	if !a.DisableCloudTrail {
		deliveries = append(deliveries, securebucket.LogDelivery{Service: securebucket.CloudTrail, SourceARN: "arn:trail-known-at-deploy"})
	}
	if !a.DisableConfig {
		deliveries = append(deliveries, securebucket.LogDelivery{Service: securebucket.Config})
	}
	return &securebucket.Args{
		Purpose: strings.ToLower(name) + "-audit-logs",
		LifecycleRules: []securebucket.LifecycleRule{{
			ID:                       "audit-logs",
			Transitions:              []securebucket.Transition{{Days: 30, StorageClass: securebucket.StandardIA}, {Days: 90, StorageClass: securebucket.Glacier}},
			ExpirationDays:           a.TrailRetentionDays,
			NoncurrentExpirationDays: 30,
		}},
		LogDeliveries:   deliveries,
		ForceDestroy:    a.AllowDestroy,
		AccessLogBucket: a.AccessLogBucket,
	}
}
