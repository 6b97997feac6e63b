package stacks

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/budget"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/components/securebucket"
)

// Production is the environment name that selects the production profile.
const Production = "prod"

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
	AllowedIngressCIDRs  []string `json:"allowedIngressCidrs"`
	AppPort              int      `json:"appPort" zero:"default"`
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

// NAT gateway settings as stack files spell them.
const (
	NATSingle = "single"
	NATPerAZ  = "perAz"
	NATNone   = "none"
)

// natStrategies maps the stack-file spelling to the component's.
var natStrategies = map[string]network.NATStrategy{
	NATSingle: network.NATSingle,
	NATPerAZ:  network.NATOnePerAZ,
	NATNone:   network.NATNone,
}

// Defaults returns the profile of environment env. This is the one place
// where production and the other environments differ.
func Defaults(env string) Profile {
	p := Profile{
		Environment: env,
		Production:  env == Production,
		Network: NetworkConfig{
			CIDR:                 network.DefaultCIDR,
			AvailabilityZones:    2,
			NATGateways:          NATSingle,
			FlowLogRetentionDays: 30,
			FlowLogTrafficType:   network.DefaultFlowLogTrafficType,
			AllowedIngressCIDRs:  slices.Clone(network.DefaultAllowedIngressCIDRs),
			AppPort:              network.DefaultAppPort,
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
	}
	if p.Production {
		p.Network.AvailabilityZones = 3      // survive the loss of an AZ
		p.Network.NATGateways = NATPerAZ     // and keep egress while at it
		p.Network.FlowLogRetentionDays = 365 // FSBP CloudWatch.16: a year
		p.Budget.LimitUSD = 1000
		// A writer and a reader in another AZ, never paused, a month of backups.
		p.DB.Instances, p.DB.MinACU, p.DB.MaxACU, p.DB.AutoPauseSeconds = 2, 1, 16, 0
		p.DB.BackupRetentionDays, p.DB.LogRetentionDays, p.DB.DeletionProtection = 30, 365, true
	}
	return p
}

// NetworkArgs turns the strata:network section into network.Args.
func (p Profile) NetworkArgs() *network.Args {
	n := p.Network
	return &network.Args{
		CIDR:                 n.CIDR,
		AvailabilityZones:    n.AvailabilityZones,
		NATGateways:          natStrategies[n.NATGateways],
		PublicSubnetCIDRs:    n.PublicSubnetCIDRs,
		PrivateSubnetCIDRs:   n.PrivateSubnetCIDRs,
		IsolatedSubnetCIDRs:  n.IsolatedSubnetCIDRs,
		FlowLogRetentionDays: n.FlowLogRetentionDays,
		FlowLogTrafficType:   n.FlowLogTrafficType,
		AllowedIngressCIDRs:  n.AllowedIngressCIDRs,
		AppPort:              n.AppPort,
	}
}

// BucketArgs turns the strata:bucket section into securebucket.Args. A
// non-production bucket may be destroyed with its objects; a production one
// may not.
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
// database subnet group and security group.
func (p Profile) DBArgs(subnetGroup, securityGroup pulumi.StringInput, zones []string) *auroradb.Args {
	d := p.DB
	return &auroradb.Args{
		SubnetGroupName:     subnetGroup,
		SecurityGroupID:     securityGroup,
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
