// Package auroradb provides AuroraDB (type token strata:auroradb:AuroraDB):
// an Aurora PostgreSQL Serverless v2 cluster in a Network's isolated
// subnets, whose master password is made, kept and rotated by RDS in
// Secrets Manager and is never in code, config or Pulumi state.
//
// The database owns its security group, which admits nothing until a
// consumer is granted: db.Connect(nil) hands an AppService or a
// ServerlessAPI (in their Grants) the path to Port from its own group, the
// settings DB_HOST, DB_PORT and DB_NAME, and DB_USER and DB_PASSWORD from
// the RDS-managed secret, readable only with the database's key;
// db.Connect(&ConnectOptions{IAMUser: "app"}) hands rds-db:connect as that
// user instead, and no password. Every piece comes from the database, so
// none can be forgotten.
//
// # Defaults
//
// Always on, not configurable:
//   - Storage encrypted with a customer-managed key (FSBP RDS.27), which
//     also encrypts the master secret, Performance Insights and the log
//     group; the component's own key rotates yearly and its policy lets
//     CloudWatch Logs use it only for this cluster's log group.
//   - manageMasterUserPassword: no masterPassword input exists anywhere.
//   - A cluster parameter group with rds.force_ssl = 1.
//   - IAM database authentication (FSBP RDS.12); the postgresql log exported
//     to a log group strata creates first, with finite retention (FSBP
//     RDS.37); Performance Insights, encrypted, 7 days (free tier); copy
//     tags to snapshots (FSBP RDS.16); auto minor version upgrades.
//   - Instances never publicly accessible (FSBP RDS.2), db.serverless, the
//     writer in promotion tier 0 and readers in tier 1.
//   - Its own security group: no egress at all, and ingress only on Port
//     from the security groups of granted consumers, by reference.
//   - Port 5432 (FSBP RDS.23 is a documented exception: only granted
//     consumers' security groups reach it).
//   - Alarms, named <N>-<alarm> and notifying Alarms.TopicARN when set:
//     ACU utilization above ACUPercent (raise MaxACU), CPU above
//     CPUPercent, connections above Connections, the readers' lag above
//     ReplicaLagMilliseconds (with two or more instances), and each
//     instance's free local storage below FreeLocalStorageGB. Dashboard is
//     their metrics, as a row for alerting.Dashboard.
//
// Knobs and their defaults (zero values mean the default):
//   - EngineVersion: 16.6 (a version with Serverless v2 from strata's list); Instances: 1 (1-15).
//   - MinACU 0 and MaxACU 4: the cluster pauses after AutoPauseSeconds (300)
//     idle, so an unused cluster costs only storage. Production sets MinACU
//     to 0.5 or more and more instances.
//   - BackupRetentionDays: 7 (1-35); BackupWindow 03:00-04:00 UTC;
//     MaintenanceWindow sun:04:30-sun:05:30 UTC, never overlapping backups.
//   - LogRetentionDays: 365.
//   - AllowDeletion: false, so deletion protection is on and deleting the
//     cluster leaves a final snapshot <Identifier>-final-<hash>. A
//     non-production stack sets it to be destroyed cleanly; protection in
//     Pulumi state is the caller's (pulumi.Protect).
//   - DatabaseName "app"; MasterUsername "strata_admin" (never postgres,
//     FSBP RDS.24).
//   - Identifier: <project>-<stack>-<name>, so stacks can share an account.
//   - Alarms: ACUPercent 90, CPUPercent 90, Connections 500,
//     ReplicaLagMilliseconds 1000, FreeLocalStorageGB 2, no TopicARN.
//   - KMSKeyARN: the component creates its key; with a given key the log
//     group is not KMS-encrypted (the given key's policy may not allow it).
//
// # Resources
//
// For an AuroraDB named N with identifier I:
//   - aws:ec2/securityGroup:SecurityGroup "N" (Name tag N-db)
//   - aws:kms/key:Key "N" and aws:kms/alias:Alias "N" (alias/I-…), unless
//     KMSKeyARN is given
//   - aws:rds/clusterParameterGroup:ClusterParameterGroup "N"
//   - aws:cloudwatch/logGroup:LogGroup "N" (/aws/rds/cluster/I/postgresql)
//   - aws:rds/cluster:Cluster "N"
//   - aws:rds/clusterInstance:ClusterInstance "N-1" … "N-<Instances>"
//     (identifiers I-1 …)
//   - aws:cloudwatch/metricAlarm:MetricAlarm "N-acu", "N-cpu",
//     "N-connections", "N-replica-lag" (two or more instances) and
//     "N-free-local-storage-<i>" per instance
//
// A consumer granted Connect adds, as its own children,
// aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule "<consumer>-to-N"
// and aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule
// "N-from-<consumer>".
//
// Under Pulumi's mocks, which do not invent the secret RDS makes,
// MasterSecretARN (and so the consumers' DB_USER and DB_PASSWORD sources)
// is empty unless the mock returns masterUserSecrets; plan.Mocks does.
//
// Renaming an AuroraDB, or changing its Identifier, replaces the cluster and
// its data: add an alias (pulumi.Aliases) to rename the component.
//
// Cost tags (Project, Environment, Owner, CostCenter, ManagedBy) come from
// the provider you pass: make it with package awsprovider, whose default
// tags reach every resource the component creates.
package auroradb
