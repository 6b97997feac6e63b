// Package baseline provides Baseline (type token strata:baseline:Baseline):
// an account's guard rails from the same program that deploys its
// workloads: CloudTrail, GuardDuty, AWS Config with managed rules, account
// hardening, and an optional cross-account deploy role.
//
// A GuardDuty detector and a Config recorder exist once per account and
// Region: when two stacks share an account, only one of them may create
// the Baseline (or its GuardDuty and Config parts).
//
// # Defaults
//
// Always on when the part is on:
//   - CloudTrail: a multi-Region trail of read and write management events
//     with global service events (FSBP CloudTrail.1, CIS 3.1), log file
//     validation (CloudTrail.4), SSE-KMS with the log bucket's
//     customer-managed key (CloudTrail.2), delivered to a SecureBucket whose
//     policy admits CloudTrail only for this trail (aws:SourceArn), and to a
//     CloudWatch log group through a role that may write only there
//     (CloudTrail.5).
//   - GuardDuty: a detector with S3 data events, RDS login events, Lambda
//     network logs and runtime monitoring with the ECS Fargate agent
//     managed by GuardDuty (GuardDuty.1, .6, .9, .10, .12).
//   - AWS Config: a recorder of every supported resource type, global ones
//     included, a delivery channel to the same bucket (encrypted with its
//     key), the recorder enabled, and the managed rules (Config.1, CIS 3.3);
//     its role holds AWS's AWS_ConfigRole and a delivery policy limited to
//     the bucket, both attached (one policy style per role).
//   - Account hardening: S3 account-level public access block with all four
//     flags, EBS encryption by default (EC2.7), an account IAM Access
//     Analyzer (CIS 1.19).
//   - The deploy role: trust for one account or role only, sts:ExternalId
//     required (the trust policy is a secret in state), optionally
//     aws:PrincipalOrgID, and only the managed policies given. A policy
//     known to let the role make itself administrator (AdministratorAccess,
//     IAMFullAccess, AdministratorAccess-Amplify,
//     AdministratorAccess-AWSElasticBeanstalk) only when asked for, and
//     then the role carries a strata:warning tag naming it.
//   - With PermissionsBoundaryARN (the workload boundary), the trail's and
//     Config's roles carry it, and the deploy role gets an attached policy
//     that lets it create roles, write and attach their policies only when
//     the role carries that boundary (iam:PermissionsBoundary), pass roles
//     only to the services strata uses (DeployPassedServices), never remove
//     a boundary, and never change itself. With PowerUserAccess it can
//     deploy strata's stacks; it cannot change an existing role's trust
//     policy (no iam:UpdateAssumeRolePolicy).
//
// Knobs and their defaults (zero values mean the default):
//   - Disable* switches: every part on.
//   - TrailLogRetentionDays 365; TrailRetentionDays 365 (Standard-IA at 30
//     days, Glacier at 90); S3DataEvents off; AllowDestroy false.
//   - FindingFrequency FIFTEEN_MINUTES.
//   - ConfigRules: DefaultConfigRules(); ConfigDeliveryFrequency
//     TwentyFour_Hours.
//   - DeployRole: none; with one, RoleName CrossAccountDeployRole,
//     MaxSessionSeconds 3600 and no boundary of its own
//     (DeployRole.PermissionsBoundaryARN).
//   - PermissionsBoundaryARN: none; the deploy role may then not create
//     roles.
//
// What it costs, roughly (us-east-1, late 2026): the first trail's
// management events are free, its S3 and CloudWatch copies cost storage and
// ingestion (about 0.50 USD per GB ingested); GuardDuty bills by events and
// runtime-monitored vCPUs (a small account: a few USD to tens of USD a
// month); Config bills about 0.003 USD per configuration item recorded and
// 0.001 USD per rule evaluation; the Access Analyzer, the account settings
// and the deploy role are free; the bucket's key is 1 USD a month.
//
// # Resources
//
// For a Baseline named N:
//   - strata:securebucket:SecureBucket "N-logs" (with its key, unless both
//     CloudTrail and Config are off)
//   - aws:cloudwatch/logGroup:LogGroup "N-trail", aws:iam/role:Role and
//     aws:iam/rolePolicy:RolePolicy "N-trail", aws:cloudtrail/trail:Trail
//     "N" (trail name N)
//   - aws:guardduty/detector:Detector "N" and
//     aws:guardduty/detectorFeature:DetectorFeature "N-<feature>"
//   - aws:iam/role:Role "N-config", aws:iam/policy:Policy
//     "N-config-delivery", aws:iam/rolePolicyAttachment:RolePolicyAttachment
//     "N-config-0" and "N-config-1", aws:cfg/recorder:Recorder,
//     aws:cfg/deliveryChannel:DeliveryChannel and
//     aws:cfg/recorderStatus:RecorderStatus "N", aws:cfg/rule:Rule
//     "N-<rule>"
//   - aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock,
//     aws:ebs/encryptionByDefault:EncryptionByDefault and
//     aws:accessanalyzer/analyzer:Analyzer "N"
//   - aws:iam/role:Role "N-deploy" and
//     aws:iam/rolePolicyAttachment:RolePolicyAttachment "N-deploy-I", one
//     per managed policy; with PermissionsBoundaryARN also
//     aws:iam/policy:Policy "N-deploy-roles", attached last
//
// Cost tags (Project, Environment, Owner, CostCenter, ManagedBy) come from
// the provider you pass: make it with package awsprovider, whose default
// tags reach every resource the component creates.
package baseline
