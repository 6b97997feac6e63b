package baseline

import (
	"cmp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults for Args fields left at their zero value.
const (
	DefaultTrailLogRetentionDays   = 365
	DefaultTrailRetentionDays      = 365
	DefaultFindingFrequency        = "FIFTEEN_MINUTES" // the fastest; it costs nothing extra
	DefaultConfigDeliveryFrequency = "TwentyFour_Hours"
	DefaultDeployRoleName          = "CrossAccountDeployRole" // the seed's
	DefaultMaxSessionSeconds       = 3600
	// AdministratorAccess is AWS's all-powerful managed policy.
	AdministratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess"
)

// Limits the validation enforces.
const (
	MinTrailRetentionDays = 180 // Glacier bills 90 days once objects move there at 90
	MaxTrailRetentionDays = 3653
	MinSessionSeconds     = 3600
	MaxSessionSeconds     = 43200
	MaxManagedPolicies    = 10
)

// managedRules are the AWS managed Config rules strata knows: the ones that
// watch what strata enforces at plan time. Update it when adding checks.
var managedRules = []string{
	"VPC_FLOW_LOGS_ENABLED", "VPC_DEFAULT_SECURITY_GROUP_CLOSED", "INCOMING_SSH_DISABLED", "RESTRICTED_INCOMING_TRAFFIC",
	"S3_BUCKET_SSL_REQUESTS_ONLY", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
	"S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "S3_BUCKET_VERSIONING_ENABLED", "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS",
	"RDS_STORAGE_ENCRYPTED", "RDS_CLUSTER_DELETION_PROTECTION_ENABLED", "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
	"RDS_CLUSTER_IAM_AUTHENTICATION_ENABLED", "CMK_BACKING_KEY_ROTATION_ENABLED", "LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED",
	"MULTI_REGION_CLOUD_TRAIL_ENABLED", "CLOUD_TRAIL_ENCRYPTION_ENABLED", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
	"GUARDDUTY_ENABLED_CENTRALIZED", "EC2_EBS_ENCRYPTION_BY_DEFAULT", "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
	"ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", "ALB_HTTP_DROP_INVALID_HEADER_ENABLED", "ELB_DELETION_PROTECTION_ENABLED",
	"ECS_CONTAINERS_READONLY_ACCESS", "ECS_CONTAINERS_NONPRIVILEGED", "ECS_TASK_DEFINITION_LOG_CONFIGURATION",
	"CW_LOGGROUP_RETENTION_PERIOD_CHECK", "DYNAMODB_PITR_ENABLED",
}

// DefaultConfigRules watch the list: flow logs, the default
// security group, TLS-only buckets, encrypted and protected databases, key
// rotation, private functions, a multi-Region trail, GuardDuty, restricted
// SSH; and the account settings this component turns on.
func DefaultConfigRules() []string {
	return []string{
		"VPC_FLOW_LOGS_ENABLED", "VPC_DEFAULT_SECURITY_GROUP_CLOSED", "S3_BUCKET_SSL_REQUESTS_ONLY",
		"RDS_STORAGE_ENCRYPTED", "RDS_CLUSTER_DELETION_PROTECTION_ENABLED", "CMK_BACKING_KEY_ROTATION_ENABLED",
		"LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED", "MULTI_REGION_CLOUD_TRAIL_ENABLED", "GUARDDUTY_ENABLED_CENTRALIZED",
		"INCOMING_SSH_DISABLED", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS",
		"EC2_EBS_ENCRYPTION_BY_DEFAULT",
	}
}

// DeployRole is the role a deployment system in another account assumes.
type DeployRole struct {
	// TrustedPrincipal is the 12-digit account ID or the role ARN that may
	// assume the role. Required.
	TrustedPrincipal string
	// ExternalID must accompany every AssumeRole call (sts:ExternalId):
	// 2-1224 characters of letters, digits and _+=,.@:/-. Required. It is
	// kept as a secret in state.
	ExternalID string
	// OrgID also requires the caller to be in this AWS Organization
	// (aws:PrincipalOrgID, o-…). Default: no organization condition.
	OrgID string
	// MaxSessionSeconds, 3600-43200. Default: 3600 (one hour).
	MaxSessionSeconds int
	// ManagedPolicyARNs are the role's permissions, 1 to 10 managed
	// policies (9 with Args.PermissionsBoundaryARN, which attaches one
	// more). A policy known to let the role make itself administrator
	// (AdministratorAccess, IAMFullAccess, …) only with
	// AllowAdministratorAccess. PowerUserAccess with
	// Args.PermissionsBoundaryARN can deploy strata's stacks. Required.
	ManagedPolicyARNs []string
	// AllowAdministratorAccess permits policies that let the role make
	// itself administrator among ManagedPolicyARNs; the role then carries
	// a strata:warning tag naming them. Default: false.
	AllowAdministratorAccess bool
	// PermissionsBoundaryARN is the deploy role's own permissions boundary,
	// a managed policy ARN: the most it may ever do, whatever is attached.
	// Default: none.
	PermissionsBoundaryARN string
	// RoleName is the role's fixed name, so the other account can name its
	// ARN. Default: "CrossAccountDeployRole".
	RoleName string
}

// Args configure a Baseline. The zero value turns everything on except the
// deploy role.
type Args struct {
	// DisableCloudTrail, DisableGuardDuty and DisableConfig leave a part out
	// (for an account where another stack or the organization provides it:
	// a GuardDuty detector and a Config recorder exist once per account and
	// Region). Default: all on.
	DisableCloudTrail bool
	DisableGuardDuty  bool
	DisableConfig     bool
	// DisableS3PublicAccessBlock, DisableEBSEncryption and
	// DisableAccessAnalyzer leave out an account setting. Default: all on.
	DisableS3PublicAccessBlock bool
	DisableEBSEncryption       bool
	DisableAccessAnalyzer      bool

	// TrailLogRetentionDays keeps the trail's CloudWatch copy, one of
	// CloudWatch Logs' values. Default: 365.
	TrailLogRetentionDays int
	// TrailRetentionDays keeps the trail's S3 copy (to Standard-IA at 30
	// days, Glacier at 90), 180-3653. Default: 365.
	TrailRetentionDays int
	// S3DataEvents also records object-level S3 events of every bucket
	// (billed per 100,000 events). Default: false.
	S3DataEvents bool
	// AllowDestroy lets the log bucket be deleted with its logs, for a
	// non-production account. Default: false.
	AllowDestroy bool

	// FindingFrequency is how often GuardDuty publishes updated findings:
	// FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS. Default: FIFTEEN_MINUTES.
	FindingFrequency string

	// ConfigRules are AWS managed Config rule identifiers strata knows.
	// Default: DefaultConfigRules().
	ConfigRules []string
	// ConfigDeliveryFrequency is how often Config delivers a snapshot:
	// One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours.
	// Default: TwentyFour_Hours.
	ConfigDeliveryFrequency string

	// DeployRole creates the cross-account deploy role. Default: none.
	DeployRole *DeployRole

	// AccessLogBucket receives the audit-log bucket's server access logs
	// (an access-log target, by name). Default: no access logging.
	AccessLogBucket pulumi.StringInput

	// PermissionsBoundaryARN is the permissions boundary, a managed policy
	// ARN, of every role the baseline creates for a service (the trail's
	// and Config's). With a DeployRole, the deploy role may also create and
	// grant roles only when they carry this boundary (an attached policy
	// the baseline creates). Default: no boundary, and the deploy role may
	// not create roles.
	PermissionsBoundaryARN string
}

func (a *Args) withDefaults() Args {
	var out Args
	if a != nil {
		out = *a
	}
	out.TrailLogRetentionDays = cmp.Or(out.TrailLogRetentionDays, DefaultTrailLogRetentionDays)
	out.TrailRetentionDays = cmp.Or(out.TrailRetentionDays, DefaultTrailRetentionDays)
	out.FindingFrequency = cmp.Or(out.FindingFrequency, DefaultFindingFrequency)
	if out.ConfigRules == nil {
		out.ConfigRules = DefaultConfigRules()
	}
	out.ConfigDeliveryFrequency = cmp.Or(out.ConfigDeliveryFrequency, DefaultConfigDeliveryFrequency)
	if out.DeployRole != nil {
		r := *out.DeployRole
		r.MaxSessionSeconds = cmp.Or(r.MaxSessionSeconds, DefaultMaxSessionSeconds)
		r.RoleName = cmp.Or(r.RoleName, DefaultDeployRoleName)
		out.DeployRole = &r
	}
	return out
}
