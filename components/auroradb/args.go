package auroradb

import (
	"cmp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults for Args fields left at their zero value.
const (
	DefaultEngineVersion       = "16.6"
	DefaultInstances           = 1
	DefaultMaxACU              = 4.0
	DefaultAutoPauseSeconds    = 300
	DefaultBackupRetentionDays = 7
	DefaultBackupWindow        = "03:00-04:00"
	// DefaultMaintenanceWindow follows the backup window, never overlapping it.
	DefaultMaintenanceWindow = "sun:04:30-sun:05:30"
	DefaultLogRetentionDays  = 365
	DefaultDatabaseName      = "app"
	DefaultMasterUsername    = "strata_admin"
	// Port is PostgreSQL's, the one source of the database port: the
	// cluster listens on it and every grant opens it. Kept by design (FSBP
	// RDS.23 is a documented exception: the port is not a secret and the
	// group admits only granted consumers).
	Port = 5432
	// DefaultEnvPrefix starts the names of the settings a Connect grant
	// hands out: DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD and
	// DB_SECRET_ARN.
	DefaultEnvPrefix = "DB_"
)

// Limits the validation enforces.
const (
	MaxACU              = 256.0
	MinMaxACU           = 1.0 // Serverless v2's maximum capacity is at least 1 ACU
	MaxInstances        = 15
	MinAutoPauseSeconds = 300
	MaxAutoPauseSeconds = 86400
	MaxBackupDays       = 35
	minWindowMinutes    = 30
)

// engineSupport is strata's maintained list of Aurora PostgreSQL versions:
// per major version, the lowest minor with Serverless v2, the lowest with
// auto-pause (scaling to 0 ACU), and the newest minor AWS had released when
// the list was last updated (EngineListUpdated). A version above newest is
// refused as unknown: RDS would refuse it at deploy. Update the list when
// AWS releases versions (aws rds describe-db-engine-versions --engine
// aurora-postgresql).
var engineSupport = map[int]struct{ serverlessV2, autoPause, newest int }{
	13: {serverlessV2: 6, autoPause: 15, newest: 21},
	14: {serverlessV2: 3, autoPause: 12, newest: 18},
	15: {serverlessV2: 2, autoPause: 7, newest: 13},
	16: {serverlessV2: 1, autoPause: 3, newest: 9},
	17: {serverlessV2: 4, autoPause: 4, newest: 5},
}

// EngineListUpdated is when engineSupport last followed AWS's releases.
const EngineListUpdated = "2025-07"

// Args configure an AuroraDB.
type Args struct {
	// VpcID is the VPC the database's own security group belongs to (a
	// Network's VpcID). Required.
	VpcID pulumi.StringInput
	// SubnetGroupName is the DB subnet group over isolated subnets (a
	// Network's DBSubnetGroupName). Required.
	SubnetGroupName pulumi.StringInput
	// AvailabilityZones spread the instances: instance i goes to zone
	// i mod len. Default: AWS places them.
	AvailabilityZones []string

	// Identifier is the cluster identifier: 1-60 lower-case letters, digits
	// and hyphens, starting with a letter; instances are Identifier-1, -2, …
	// Default: <project>-<stack>-<component name>, made valid.
	Identifier string

	// EngineVersion is the Aurora PostgreSQL version, "major.minor", one
	// that supports Serverless v2. Default: DefaultEngineVersion.
	EngineVersion string

	// Instances is how many db.serverless instances the cluster has, 1-15:
	// the writer and readers that can take over from it.
	// Default: DefaultInstances (1).
	Instances int

	// MinACU and MaxACU bound Serverless v2 scaling, in steps of 0.5;
	// MinACU 0-256, MaxACU 1-256, MinACU <= MaxACU. MinACU 0 scales to zero:
	// the cluster pauses after AutoPauseSeconds without connections (needs
	// Aurora PostgreSQL 13.15+, 14.12+, 15.7+ or 16.3+).
	// Default: MinACU 0 (pause when idle), MaxACU DefaultMaxACU (4).
	MinACU float64
	MaxACU float64

	// AutoPauseSeconds is how long an idle cluster with MinACU 0 waits
	// before pausing, 300-86400; only with MinACU 0.
	// Default: DefaultAutoPauseSeconds (300) when MinACU is 0.
	AutoPauseSeconds int

	// BackupRetentionDays keeps automated backups 1-35 days.
	// Default: DefaultBackupRetentionDays (7).
	BackupRetentionDays int
	// BackupWindow is the daily backup window, "hh24:mi-hh24:mi" UTC, at
	// least 30 minutes. Default: DefaultBackupWindow (03:00-04:00).
	BackupWindow string
	// MaintenanceWindow is the weekly maintenance window,
	// "ddd:hh24:mi-ddd:hh24:mi" UTC, at least 30 minutes, not overlapping
	// the backup window. Default: DefaultMaintenanceWindow.
	MaintenanceWindow string

	// LogRetentionDays keeps the exported postgresql log, one of CloudWatch
	// Logs' retention values. Default: DefaultLogRetentionDays (365).
	LogRetentionDays int

	// AllowDeletion turns deletion protection off and skips the final
	// snapshot, so a non-production stack can be destroyed cleanly.
	// Default: false: deletion protection on, and a final snapshot named
	// <Identifier>-final-<hash> is taken if the cluster is ever deleted.
	AllowDeletion bool

	// DatabaseName is the database created in the cluster: 1-63 letters,
	// digits and underscores, starting with a letter, not a PostgreSQL or RDS
	// reserved name. Default: DefaultDatabaseName ("app").
	DatabaseName string
	// MasterUsername is the master user: 1-63 letters, digits and
	// underscores, starting with a letter, not a reserved name (postgres
	// included, FSBP RDS.24). Its password is made, kept and rotated by RDS
	// in Secrets Manager: it is never in code, config or state.
	// Default: DefaultMasterUsername ("strata_admin").
	MasterUsername string

	// Alarms configure the database's alarms, which are always made.
	Alarms Alarms

	// KMSKeyARN is an existing customer-managed key for storage, the master
	// secret and Performance Insights. Default: the component creates one,
	// and also encrypts the log group with it.
	KMSKeyARN pulumi.StringInput
}

// Alarms are an AuroraDB's alarm settings.
type Alarms struct {
	// TopicARN is notified when an alarm fires and when it recovers.
	// Default: none: the alarms have no actions, which strata check
	// refuses in production.
	TopicARN pulumi.StringInput
	// ACUPercent is the share of MaxACU in use above which the capacity
	// alarm fires (scale MaxACU up), 1 to 100. Default: 90.
	ACUPercent float64
	// CPUPercent is the cluster's CPU above which its alarm fires, 1 to
	// 100. Default: 90.
	CPUPercent float64
	// Connections is the number of connections above which its alarm
	// fires, 1 to 100000. Default: 500.
	Connections int
	// ReplicaLagMilliseconds is the readers' lag above which its alarm
	// fires (with two or more instances), 1 to 600000. Default: 1000.
	ReplicaLagMilliseconds int
	// FreeLocalStorageGB is each instance's free local storage below which
	// its alarm fires, 1 to 1000. Default: 2.
	FreeLocalStorageGB int
}

// Alarm defaults.
const (
	DefaultACUPercent             = 90.0
	DefaultCPUPercent             = 90.0
	DefaultConnections            = 500
	DefaultReplicaLagMilliseconds = 1000
	DefaultFreeLocalStorageGB     = 2
)

func (a *Args) withDefaults() Args {
	var out Args
	if a != nil {
		out = *a
	}
	out.EngineVersion = cmp.Or(out.EngineVersion, DefaultEngineVersion)
	out.Instances = cmp.Or(out.Instances, DefaultInstances)
	out.MaxACU = cmp.Or(out.MaxACU, DefaultMaxACU)
	if out.MinACU == 0 && out.AutoPauseSeconds == 0 {
		out.AutoPauseSeconds = DefaultAutoPauseSeconds
	}
	out.BackupRetentionDays = cmp.Or(out.BackupRetentionDays, DefaultBackupRetentionDays)
	out.BackupWindow = cmp.Or(out.BackupWindow, DefaultBackupWindow)
	out.MaintenanceWindow = cmp.Or(out.MaintenanceWindow, DefaultMaintenanceWindow)
	out.LogRetentionDays = cmp.Or(out.LogRetentionDays, DefaultLogRetentionDays)
	out.DatabaseName = cmp.Or(out.DatabaseName, DefaultDatabaseName)
	out.MasterUsername = cmp.Or(out.MasterUsername, DefaultMasterUsername)
	out.Alarms.ACUPercent = cmp.Or(out.Alarms.ACUPercent, DefaultACUPercent)
	out.Alarms.CPUPercent = cmp.Or(out.Alarms.CPUPercent, DefaultCPUPercent)
	out.Alarms.Connections = cmp.Or(out.Alarms.Connections, DefaultConnections)
	out.Alarms.ReplicaLagMilliseconds = cmp.Or(out.Alarms.ReplicaLagMilliseconds, DefaultReplicaLagMilliseconds)
	out.Alarms.FreeLocalStorageGB = cmp.Or(out.Alarms.FreeLocalStorageGB, DefaultFreeLocalStorageGB)
	return out
}

// ConnectOptions shape the grant Connect hands out.
type ConnectOptions struct {
	// IAMUser connects with IAM database authentication as this database
	// user (which the application creates and grants rds_iam): the
	// consumer's role may rds-db:connect as that user only, and no
	// password is handed out. Default: the master credentials from the
	// RDS-managed secret.
	IAMUser string
	// EnvPrefix starts the settings' names: <prefix>HOST, PORT, NAME,
	// USER, PASSWORD and SECRET_ARN; letters, digits and underscores.
	// Default: DefaultEnvPrefix ("DB_").
	EnvPrefix string
}
