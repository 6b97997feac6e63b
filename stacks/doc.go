// Package stacks composes strata's components into the program `pulumi up`
// runs, one stack per environment.
//
// stacks is one consumer of the component library and uses nothing a
// library user could not: the tagged provider from awsprovider, and grants
// (db.Connect, bucket.Grant) to connect the app to the database and the
// bucket. The security groups and rules it once got from the Network carry
// aliases to their old URNs (movedFromNetwork), so no deployed stack
// replaces them.
//
// Environments are Go data: Defaults is the one place where production and
// the other environments differ, and a stack file (Pulumi.<stack>.yaml)
// carries only what differs from its profile. Load decodes the stack's
// config strictly: an unknown key is an error that names it and suggests the
// nearest valid one, and production guard rails (two or more AZs, a NAT
// route out, a year of flow logs) are errors, not warnings. Deploy creates
// one explicit AWS provider whose default tags (Project, Environment,
// ManagedBy, Owner, CostCenter) reach every resource, and in production
// protects every component so nothing is deleted or replaced by accident.
//
// # Config
//
//	strata:environment  profile to use; default the stack name ("prod" is production)
//	strata:owner        Owner tag; required
//	strata:costCenter   CostCenter tag; required
//	strata:network      object: cidr, availabilityZones, natGateways (single|perAz|instance|none),
//	                    publicSubnetCidrs, privateSubnetCidrs, isolatedSubnetCidrs,
//	                    flowLogRetentionDays, flowLogTrafficType
//	strata:bucket       object: name, purpose, keepForever, lifecycleRules,
//	                    abortIncompleteMultipartUploadDays, accessLogBucket
//	strata:budget       object: limitUsd, emails, topic, notifications
//	strata:db           object: engineVersion, instances, minAcu, maxAcu, autoPauseSeconds,
//	                    backupRetentionDays, backupWindow, maintenanceWindow,
//	                    logRetentionDays, deletionProtection, databaseName, masterUsername
//	strata:app          object: image, command, port, cpu, memory, architecture, capacity, minTasks,
//	                    maxTasks, healthCheckPath, certificateArn, allowedIngressCidrs, egress
//	strata:api          object: domain, runtime, memoryMb, timeoutSeconds, throttlingBurst,
//	                    throttlingRate, reservedConcurrency, jwtIssuer, jwtAudience
//	strata:baseline     object: enabled, cloudTrail, guardDuty, config, s3PublicAccessBlock,
//	                    ebsEncryption, accessAnalyzer, trailLogRetentionDays,
//	                    trailRetentionDays, s3DataEvents, findingFrequency, configRules,
//	                    deployRole
//	strata:alarms       object: emails, dashboard
//	strata:deployExternalId  the deploy role's external ID; a secret
//	strata:permissionsBoundary  managed policy ARN: the boundary of every service role
//	strata:accessLogs   false turns access logging off outside production
//	aws:region          AWS Region; required
package stacks
