package stacks

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/baseline"
	"github.com/strata-infra/strata/components/budget"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/components/serverlessapi"
	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/stacks/keys"
)

// Production is the environment name that selects the production profile.
const Production = keys.Production

// Profile is everything that shapes a stack. Defaults gives the profile of an
// environment; Load overlays what the stack's config sets.
type Profile struct {
	// Environment names the environment; it is the Environment tag.
	Environment string
	// Production selects the production profile and its guard rails.
	Production bool
	// Region is the AWS Region (config aws:region).
	Region string
	// Owner and CostCenter become the Owner and CostCenter tags
	// (config strata:owner, strata:costCenter).
	Owner      string
	CostCenter string
	// Network is config strata:network.
	Network NetworkConfig
	// Bucket is config strata:bucket.
	Bucket BucketConfig
	// Budget is config strata:budget.
	Budget BudgetConfig
	// DB is config strata:db.
	DB DBConfig
	// App is config strata:app.
	App AppConfig
	// API is config strata:api.
	API APIConfig
	// Baseline is config strata:baseline.
	Baseline BaselineConfig
	// Alarms is config strata:alarms.
	Alarms AlarmsConfig
	// DeployExternalID is config strata:deployExternalId, a secret.
	DeployExternalID string
	// PermissionsBoundary is config strata:permissionsBoundary: the
	// permissions boundary of every role the stack creates for a service.
	PermissionsBoundary string
	// AccessLogs is config strata:accessLogs: the load balancer and every
	// bucket log access into the stack's log bucket. Always on in
	// production.
	AccessLogs bool
	// AccessLogRetentionDays is how long the log bucket keeps access logs.
	AccessLogRetentionDays int
	// FromFile holds the keys the stack file set, without the project
	// namespace ("owner", "db.minAcu"); every other value is the profile's.
	FromFile map[string]bool
}

// NetworkConfig is the strata:network config section. Field documentation
// is on network.Args.
type NetworkConfig struct {
	CIDR                 string   `json:"cidr" zero:"default"`
	AvailabilityZones    int      `json:"availabilityZones" zero:"default"`
	NATGateways          string   `json:"natGateways"`
	PublicSubnetCIDRs    []string `json:"publicSubnetCidrs"`
	PrivateSubnetCIDRs   []string `json:"privateSubnetCidrs"`
	IsolatedSubnetCIDRs  []string `json:"isolatedSubnetCidrs"`
	FlowLogRetentionDays int      `json:"flowLogRetentionDays" zero:"default"`
	FlowLogTrafficType   string   `json:"flowLogTrafficType" zero:"default"`
}

// BucketConfig is the strata:bucket config section. Field documentation is
// on securebucket.Args.
type BucketConfig struct {
	Name                               string                       `json:"name"`
	Purpose                            string                       `json:"purpose"`
	KeepForever                        bool                         `json:"keepForever"`
	LifecycleRules                     []securebucket.LifecycleRule `json:"lifecycleRules"`
	AbortIncompleteMultipartUploadDays int                          `json:"abortIncompleteMultipartUploadDays" zero:"default"`
	AccessLogBucket                    string                       `json:"accessLogBucket"`
}

// BudgetConfig is the strata:budget config section. Field documentation is
// on budget.Args.
type BudgetConfig struct {
	LimitUSD      float64               `json:"limitUsd"`
	Emails        []string              `json:"emails"`
	Topic         bool                  `json:"topic"`
	Notifications []budget.Notification `json:"notifications"`
}

// DBConfig is the strata:db config section. Field documentation is on
// auroradb.Args; DeletionProtection is the inverse of AllowDeletion.
type DBConfig struct {
	EngineVersion       string  `json:"engineVersion" zero:"default"`
	Instances           int     `json:"instances" zero:"default"`
	MinACU              float64 `json:"minAcu"`
	MaxACU              float64 `json:"maxAcu" zero:"default"`
	AutoPauseSeconds    int     `json:"autoPauseSeconds"`
	BackupRetentionDays int     `json:"backupRetentionDays" zero:"default"`
	BackupWindow        string  `json:"backupWindow" zero:"default"`
	MaintenanceWindow   string  `json:"maintenanceWindow" zero:"default"`
	LogRetentionDays    int     `json:"logRetentionDays" zero:"default"`
	DeletionProtection  bool    `json:"deletionProtection"`
	DatabaseName        string  `json:"databaseName" zero:"default"`
	MasterUsername      string  `json:"masterUsername" zero:"default"`
}

// AppConfig is the strata:app config section. Field documentation is on
// appservice.Args; Port and AllowedIngressCIDRs also shape the Network's
// security groups.
type AppConfig struct {
	Image        string   `json:"image" zero:"default"`
	Command      []string `json:"command"`
	Port         int      `json:"port" zero:"default"`
	CPU          int      `json:"cpu" zero:"default"`
	Memory       int      `json:"memory" zero:"default"`
	Architecture string   `json:"architecture" zero:"default"`
	// Capacity is the tasks' capacity-provider strategy; nil for on-demand
	// tasks only.
	Capacity            *appservice.Capacity `json:"capacity"`
	MinTasks            int                  `json:"minTasks" zero:"default"`
	MaxTasks            int                  `json:"maxTasks" zero:"default"`
	HealthCheckPath     string               `json:"healthCheckPath" zero:"default"`
	CertificateARN      string               `json:"certificateArn"`
	AllowedIngressCIDRs []string             `json:"allowedIngressCidrs"`
	// Egress is what the tasks reach beyond their grants: https or none.
	Egress appservice.Egress `json:"egress" zero:"default"`
}

// APIConfig is the strata:api config section. Field documentation is on
// serverlessapi.Args; Domain is the web origin (https://<domain>) CORS
// admits, and JWTIssuer and JWTAudience add an authorizer.
type APIConfig struct {
	Domain              string   `json:"domain"`
	Runtime             string   `json:"runtime" zero:"default"`
	MemoryMB            int      `json:"memoryMb" zero:"default"`
	TimeoutSeconds      int      `json:"timeoutSeconds" zero:"default"`
	ThrottlingBurst     int      `json:"throttlingBurst" zero:"default"`
	ThrottlingRate      float64  `json:"throttlingRate" zero:"default"`
	ReservedConcurrency int      `json:"reservedConcurrency"`
	JWTIssuer           string   `json:"jwtIssuer"`
	JWTAudience         []string `json:"jwtAudience"`
}

// BaselineConfig is the strata:baseline config section: the switch for
// the account baseline and for each of its parts. Field documentation is on
// baseline.Args.
type BaselineConfig struct {
	Enabled               bool              `json:"enabled"`
	CloudTrail            bool              `json:"cloudTrail"`
	GuardDuty             bool              `json:"guardDuty"`
	Config                bool              `json:"config"`
	S3PublicAccessBlock   bool              `json:"s3PublicAccessBlock"`
	EBSEncryption         bool              `json:"ebsEncryption"`
	AccessAnalyzer        bool              `json:"accessAnalyzer"`
	TrailLogRetentionDays int               `json:"trailLogRetentionDays" zero:"default"`
	TrailRetentionDays    int               `json:"trailRetentionDays" zero:"default"`
	S3DataEvents          bool              `json:"s3DataEvents"`
	FindingFrequency      string            `json:"findingFrequency" zero:"default"`
	ConfigRules           []string          `json:"configRules"`
	DeployRole            *DeployRoleConfig `json:"deployRole"`
}

// AlarmsConfig is the strata:alarms section: who the alarm topic
// notifies by e-mail. Production needs at least one.
type AlarmsConfig struct {
	Emails []string `json:"emails"`
	// Dashboard makes the stack's CloudWatch dashboard (3 USD a month):
	// on in production; outside it the alarms still notify and every
	// metric stays in CloudWatch.
	Dashboard bool `json:"dashboard"`
}

// DeployRoleConfig is strata:baseline.deployRole; the external ID is the
// separate secret key strata:deployExternalId.
type DeployRoleConfig struct {
	TrustedPrincipal         string   `json:"trustedPrincipal"`
	OrgID                    string   `json:"orgId"`
	ManagedPolicyARNs        []string `json:"managedPolicyArns"`
	MaxSessionSeconds        int      `json:"maxSessionSeconds"`
	AllowAdministratorAccess bool     `json:"allowAdministratorAccess"`
	RoleName                 string   `json:"roleName"`
	PermissionsBoundaryARN   string   `json:"permissionsBoundaryArn"`
}

// FunctionDir is the API handler's folder, relative to the project: it
// deploys as it is (Node.js, the AWS SDK comes with the runtime).
const FunctionDir = "functions/api"

// DefaultImage is a tiny multi-architecture image that answers /health, so
// a fresh stack comes up healthy before it runs a real application.
const DefaultImage = "public.ecr.aws/docker/library/busybox:1.37"

// NAT gateway settings as stack files spell them.
const (
	NATSingle = "single"
	NATPerAZ  = "perAz"
	NATNone   = "none"
	// NATInstance is one t4g.nano NAT instance instead of NAT gateways:
	// non-production only.
	NATInstance = "instance"
)

// natStrategies maps the stack-file spelling to the component's.
var natStrategies = map[string]network.NATStrategy{
	NATSingle:   network.NATSingle,
	NATPerAZ:    network.NATOnePerAZ,
	NATInstance: network.NATInstance,
	NATNone:     network.NATNone,
}

// Defaults returns the profile of environment env. This is the one place
// where production and the other environments differ.
func Defaults(env string) Profile {
	p := Profile{
		Environment:            env,
		Production:             env == Production,
		AccessLogs:             true,
		AccessLogRetentionDays: 90,
		Network: NetworkConfig{
			CIDR:              network.DefaultCIDR,
			AvailabilityZones: 2,
			// One t4g.nano NAT instance rather than a NAT gateway (what it
			// saves: docs/cost.md, tested): hardened (443 and 80 from the private subnets
			// only, IMDSv2, encrypted, recovered by alarm), but one host in
			// one AZ that AWS does not patch for you. Production uses
			// gateways in every AZ.
			NATGateways:          NATInstance,
			FlowLogRetentionDays: 30,
			FlowLogTrafficType:   network.DefaultFlowLogTrafficType,
		},
		// One bucket per environment, so stacks can share an account.
		Bucket: BucketConfig{Purpose: "data-" + env},
		// Alerts go to an encrypted topic that chat or paging can subscribe to.
		Budget: BudgetConfig{LimitUSD: 100, Topic: true},
		// Scale to zero: an idle dev database costs only its storage.
		DB: DBConfig{
			EngineVersion: auroradb.DefaultEngineVersion, Instances: 1, MinACU: 0, MaxACU: 4,
			AutoPauseSeconds: auroradb.DefaultAutoPauseSeconds, BackupRetentionDays: 7,
			BackupWindow: auroradb.DefaultBackupWindow, MaintenanceWindow: auroradb.DefaultMaintenanceWindow,
			LogRetentionDays: 30, DeletionProtection: false,
			DatabaseName: auroradb.DefaultDatabaseName, MasterUsername: auroradb.DefaultMasterUsername,
		},
		// The seed's counts; plain HTTP is allowed outside production.
		App: AppConfig{
			Image: DefaultImage, Port: appservice.DefaultPort, CPU: appservice.DefaultCPU, Memory: appservice.DefaultMemory,
			Architecture: appservice.DefaultArchitecture, MinTasks: 1, MaxTasks: 10,
			HealthCheckPath: appservice.DefaultHealthCheckPath, Egress: appservice.EgressHTTPS,
			AllowedIngressCIDRs: slices.Clone(appservice.DefaultAllowedIngressCIDRs),
		},
		// The seed's function and throttling.
		API: APIConfig{
			Runtime: serverlessapi.DefaultRuntime, MemoryMB: serverlessapi.DefaultMemoryMB, TimeoutSeconds: serverlessapi.DefaultTimeoutSeconds,
			ThrottlingBurst: serverlessapi.DefaultThrottlingBurst, ThrottlingRate: serverlessapi.DefaultThrottlingRate,
		},
		// A detector and a recorder exist once per account and Region: prod
		// owns the account's guard rails, other stacks opt in.
		Baseline: BaselineConfig{
			CloudTrail: true, GuardDuty: true, Config: true, S3PublicAccessBlock: true, EBSEncryption: true, AccessAnalyzer: true,
			TrailLogRetentionDays: baseline.DefaultTrailLogRetentionDays, TrailRetentionDays: baseline.DefaultTrailRetentionDays,
			FindingFrequency: baseline.DefaultFindingFrequency, ConfigRules: baseline.DefaultConfigRules(),
		},
	}
	// Outside production every task runs on Fargate Spot, at about a third
	// of the on-demand price: AWS may reclaim a task with two minutes'
	// warning (it drains and ECS starts another), and Spot runs only
	// X86_64 tasks, so dev runs the image's x86 build while prod runs ARM.
	p.App.Architecture, p.App.Capacity = appservice.X86_64, &appservice.Capacity{SpotWeight: 1}
	if p.Production {
		p.Network.AvailabilityZones = 3      // survive the loss of an AZ
		p.Network.NATGateways = NATPerAZ     // and keep egress while at it
		p.Network.FlowLogRetentionDays = 365 // FSBP CloudWatch.16: a year
		p.Budget.LimitUSD = 1000
		// A writer and a reader in another AZ, never paused, a month of backups.
		p.DB.Instances, p.DB.MinACU, p.DB.MaxACU, p.DB.AutoPauseSeconds = 2, 1, 16, 0
		p.DB.BackupRetentionDays, p.DB.LogRetentionDays, p.DB.DeletionProtection = 30, 365, true
		p.App.MinTasks = 2 // one task per AZ survives the loss of either
		p.Alarms.Dashboard = true
		// On-demand tasks on Graviton: production's capacity is not
		// interruptible (Spot is allowed only above an on-demand base).
		p.App.Architecture, p.App.Capacity = appservice.ARM64, nil
		p.Baseline.Enabled = true
		p.AccessLogRetentionDays = 365 // a year of access logs
	}
	return p
}

// NetworkArgs turns the strata:network section into network.Args.
func (p Profile) NetworkArgs() *network.Args {
	n := p.Network
	return &network.Args{
		CIDR:                   n.CIDR,
		AvailabilityZones:      n.AvailabilityZones,
		NATGateways:            natStrategies[n.NATGateways],
		PublicSubnetCIDRs:      n.PublicSubnetCIDRs,
		PrivateSubnetCIDRs:     n.PrivateSubnetCIDRs,
		IsolatedSubnetCIDRs:    n.IsolatedSubnetCIDRs,
		FlowLogRetentionDays:   n.FlowLogRetentionDays,
		FlowLogTrafficType:     n.FlowLogTrafficType,
		PermissionsBoundaryARN: p.PermissionsBoundary,
	}
}

// BucketArgs turns the strata:bucket section into securebucket.Args. A
// non-production bucket may be destroyed with its objects; a production one
// may not.
// LogBucketArgs is the stack's access-log target: SSE-S3 (as log delivery
// requires), logs expiring after AccessLogRetentionDays, old versions
// after a week.
func (p Profile) LogBucketArgs() *securebucket.Args {
	return &securebucket.Args{
		Purpose:         "access-logs-" + p.Environment,
		AccessLogTarget: true,
		LifecycleRules: []securebucket.LifecycleRule{{
			ID: "expire-access-logs", ExpirationDays: p.AccessLogRetentionDays, NoncurrentExpirationDays: 7,
		}},
		ForceDestroy: !p.Production,
	}
}

func (p Profile) BucketArgs() *securebucket.Args {
	b := p.Bucket
	a := &securebucket.Args{
		Name:                               b.Name,
		Purpose:                            b.Purpose,
		KeepForever:                        b.KeepForever,
		LifecycleRules:                     b.LifecycleRules,
		AbortIncompleteMultipartUploadDays: b.AbortIncompleteMultipartUploadDays,
		ForceDestroy:                       !p.Production,
	}
	if b.AccessLogBucket != "" {
		a.AccessLogBucket = pulumi.String(b.AccessLogBucket)
	}
	return a
}

// BudgetArgs turns the strata:budget section into budget.Args, filtered on
// the stack's Environment tag so each stack's budget watches its own spend.
func (p Profile) BudgetArgs() *budget.Args {
	b := p.Budget
	return &budget.Args{
		LimitUSD:       b.LimitUSD,
		EmailAddresses: b.Emails,
		Topic:          b.Topic,
		Notifications:  b.Notifications,
		FilterTag:      budget.Tag{Key: "Environment", Value: p.Environment},
	}
}

// DBArgs turns the strata:db section into auroradb.Args in the network's
// VPC (for the database's own security group), database subnet group and
// zones. A nil network gives placeholders, for validation only.
func (p Profile) DBArgs(net *network.Network) *auroradb.Args {
	d := p.DB
	vpcID, subnetGroup, zones := pulumi.StringInput(pulumi.String("")), pulumi.StringInput(pulumi.String("")), []string(nil)
	if net != nil {
		vpcID, subnetGroup, zones = net.VpcID, net.DBSubnetGroupName, net.AvailabilityZones
	}
	return &auroradb.Args{
		VpcID:               vpcID,
		SubnetGroupName:     subnetGroup,
		AvailabilityZones:   zones,
		EngineVersion:       d.EngineVersion,
		Instances:           d.Instances,
		MinACU:              d.MinACU,
		MaxACU:              d.MaxACU,
		AutoPauseSeconds:    d.AutoPauseSeconds,
		BackupRetentionDays: d.BackupRetentionDays,
		BackupWindow:        d.BackupWindow,
		MaintenanceWindow:   d.MaintenanceWindow,
		LogRetentionDays:    d.LogRetentionDays,
		AllowDeletion:       !d.DeletionProtection,
		DatabaseName:        d.DatabaseName,
		MasterUsername:      d.MasterUsername,
	}
}

// appWiring is what the app gets from the other components.
type appWiring struct {
	net    *network.Network
	db     *auroradb.AuroraDB
	bucket *securebucket.SecureBucket
}

// AppArgs turns the strata:app section into appservice.Args, wired to the
// stack's network and granted the database (its host, port and name, its
// user and password from the RDS-managed secret) and read-write on the
// bucket, the task role's only policy.
func (p Profile) AppArgs(net *network.Network, db *auroradb.AuroraDB, bucket *securebucket.SecureBucket) *appservice.Args {
	return p.appArgs(appWiring{net, db, bucket})
}

func (p Profile) appArgs(w appWiring) *appservice.Args {
	c := p.App
	a := &appservice.Args{
		Image: c.Image, Command: c.Command, Port: c.Port, CPU: c.CPU, Memory: c.Memory,
		Architecture: c.Architecture, Capacity: c.Capacity, MinTasks: c.MinTasks, MaxTasks: c.MaxTasks, Egress: c.Egress,
		HealthCheck:        appservice.HealthCheck{Path: c.HealthCheckPath},
		DeletionProtection: p.Production,
		// Short in non-production, so deployments there do not wait.
		DeregistrationDelaySeconds: 5,
		LogRetentionDays:           30,
		PermissionsBoundaryARN:     p.PermissionsBoundary,
	}
	if p.Production {
		a.DeregistrationDelaySeconds, a.LogRetentionDays = 30, 365
	}
	if c.Image == DefaultImage && c.Command == nil {
		// busybox's httpd serves /health from the scratch volume, as nobody.
		a.Command = []string{"sh", "-c", fmt.Sprintf(
			"mkdir -p /tmp/www && echo ok > /tmp/www%s && exec httpd -f -v -p %d -u nobody -h /tmp/www", c.HealthCheckPath, c.Port)}
	}
	if c.CertificateARN != "" {
		a.CertificateARN = pulumi.String(c.CertificateARN)
	}
	a.AllowedIngressCIDRs = c.AllowedIngressCIDRs
	if w.net == nil {
		// Validation only: the components' outputs do not exist yet.
		a.VpcID, a.PublicSubnetIDs, a.PrivateSubnetIDs = pulumi.String(""), pulumi.StringArray{}, pulumi.StringArray{}
		return a
	}
	a.VpcID, a.PublicSubnetIDs, a.PrivateSubnetIDs = w.net.VpcID, w.net.PublicSubnetIDs, w.net.PrivateSubnetIDs
	a.Grants = []grant.Grant{w.db.Connect(nil), w.bucket.Grant(securebucket.ReadWrite)}
	return a
}

// APIArgs turns the strata:api section into serverlessapi.Args: the
// handler in FunctionDir with a table of its own, in the network's private
// subnets (nil for validation), its stage named after the environment and
// CORS admitting https://<domain>.
func (p Profile) APIArgs(net *network.Network) *serverlessapi.Args {
	c := p.API
	a := &serverlessapi.Args{
		Code:                   pulumi.NewFileArchive(FunctionDir),
		Runtime:                c.Runtime,
		MemoryMB:               c.MemoryMB,
		TimeoutSeconds:         c.TimeoutSeconds,
		ReservedConcurrency:    c.ReservedConcurrency,
		Table:                  &serverlessapi.Table{HashKey: serverlessapi.Key{Name: "pk"}, DeletionProtection: p.Production},
		StageName:              p.Environment,
		PermissionsBoundaryARN: p.PermissionsBoundary,
		ThrottlingBurst:        c.ThrottlingBurst,
		ThrottlingRate:         c.ThrottlingRate,
		LogRetentionDays:       30,
	}
	if p.Production {
		a.LogRetentionDays = 365
	}
	if c.Domain != "" {
		a.CORS.AllowOrigins = []string{"https://" + c.Domain}
	}
	if c.JWTIssuer != "" || len(c.JWTAudience) > 0 {
		a.Authorizer = &serverlessapi.JWT{Issuer: c.JWTIssuer, Audience: c.JWTAudience}
	}
	if net != nil {
		a.VpcID, a.SubnetIDs = net.VpcID, net.PrivateSubnetIDs
	}
	return a
}

// BaselineArgs turns the strata:baseline section into baseline.Args; the
// deploy role needs both its trusted principal and the external ID.
// Outside production the log bucket may be destroyed with its logs.
func (p Profile) BaselineArgs() *baseline.Args {
	c := p.Baseline
	a := &baseline.Args{
		DisableCloudTrail: !c.CloudTrail, DisableGuardDuty: !c.GuardDuty, DisableConfig: !c.Config,
		DisableS3PublicAccessBlock: !c.S3PublicAccessBlock, DisableEBSEncryption: !c.EBSEncryption, DisableAccessAnalyzer: !c.AccessAnalyzer,
		TrailLogRetentionDays: c.TrailLogRetentionDays, TrailRetentionDays: c.TrailRetentionDays, S3DataEvents: c.S3DataEvents,
		AllowDestroy: !p.Production, FindingFrequency: c.FindingFrequency, ConfigRules: c.ConfigRules,
		PermissionsBoundaryARN: p.PermissionsBoundary,
	}
	if r := c.DeployRole; r != nil && r.TrustedPrincipal != "" {
		a.DeployRole = &baseline.DeployRole{
			TrustedPrincipal: r.TrustedPrincipal, ExternalID: p.DeployExternalID, OrgID: r.OrgID,
			MaxSessionSeconds: r.MaxSessionSeconds, ManagedPolicyARNs: r.ManagedPolicyARNs,
			AllowAdministratorAccess: r.AllowAdministratorAccess, RoleName: r.RoleName,
			PermissionsBoundaryARN: r.PermissionsBoundaryARN,
		}
	}
	return a
}
