// Package network provides Network (type token strata:network:Network): a
// three-tier VPC (public, private and isolated subnets across two or more
// AZs) with the guard rails every strata stack stands on.
//
// The public tier holds internet-facing load balancers and the NAT
// gateways, the private tier the applications (and internal load
// balancers), the isolated tier (no route out at all) the databases. The
// Network hosts them and knows nothing of their ports or callers: each
// component owns the security groups of its own resources, and a grant
// (package grant) opens the path from a consumer's group to the granted
// resource's.
//
// # Defaults
//
// Always on, not configurable:
//   - VPC flow logs to a CloudWatch log group with finite retention, through
//     an IAM role that only vpc-flow-logs.amazonaws.com of this account can
//     assume (aws:SourceAccount, aws:SourceArn) and that may write only to
//     that log group (FSBP EC2.6, CIS 3.7).
//   - The VPC's default security group managed with no rules (FSBP EC2.2,
//     CIS 5.5).
//   - No public IPv4 on launch in any subnet, public ones included: a
//     transform on the awsx VPC overrides awsx's default (FSBP EC2.15).
//   - DNS support and hostnames on; free S3 and DynamoDB gateway endpoints
//     on the private route tables, which keep that traffic off the NAT.
//
// Knobs and their defaults (zero values mean the default):
//   - CIDR: 10.0.0.0/16 (DefaultCIDR); /16 to /28, canonical.
//   - AvailabilityZones: 2 (DefaultAvailabilityZones); 2 to 6.
//   - NATGateways: NATSingle (DefaultNATGateways); NATOnePerAZ, NATNone, or
//     NATInstance: one t4g.nano NAT instance in the first public subnet
//     instead of gateways (about 7 USD a month instead of 36), forwarding
//     only 443 and 80 from the private subnets, IMDSv2 only, encrypted root
//     volume, automatic recovery, and alarms that recover it when AWS's
//     system check fails and reboot it when its own does; one instance in
//     one AZ, so for non-production networks (STRATA-EC2-004 fails it in
//     production).
//   - Subnet CIDRs: carved from CIDR; the private tier gets half of it, the
//     isolated tier a quarter, the public tier an eighth, split over the AZs.
//   - FlowLogRetentionDays: 365 (DefaultFlowLogRetentionDays);
//     FlowLogTrafficType: ALL; FlowLogMaxAggregationInterval: 600 s.
//   - PermissionsBoundaryARN: none; with one, the flow-log role carries it.
//   - AlarmTopicARN: none; the NAT gateways' alarms are made anyway, without
//     actions.
//
// # Resources
//
// For a Network named N:
//   - awsx:ec2:Vpc "N" (with its subnets, route tables, internet and NAT
//     gateways; they are awsx's children), given the same explicit provider
//     as everything else
//   - aws:ec2/defaultSecurityGroup:DefaultSecurityGroup "N-default"
//   - aws:cloudwatch/logGroup:LogGroup "N-flow-logs",
//     aws:iam/role:Role "N-flow-logs", aws:iam/rolePolicy:RolePolicy
//     "N-flow-logs" and aws:ec2/flowLog:FlowLog "N"
//   - aws:ec2/vpcEndpoint:VpcEndpoint "N-s3" and "N-dynamodb"
//   - aws:rds/subnetGroup:SubnetGroup "N-db" over the isolated subnets
//   - with NATInstance: aws:ec2/securityGroup:SecurityGroup "N-nat" and its
//     rules "N-nat-<port>-from-private-<n>" and "N-nat-<port>-out",
//     aws:ec2/instance:Instance "N-nat", aws:ec2/route:Route
//     "N-nat-<n>" from each private route table, and
//     aws:cloudwatch/metricAlarm:MetricAlarm "N-nat-instance-system-check"
//     (StatusCheckFailed_System: ec2:recover) and
//     "N-nat-instance-status-check" (StatusCheckFailed_Instance: ec2:reboot),
//     both also notifying AlarmTopicARN
//   - for each NAT gateway i (1-based): aws:cloudwatch/metricAlarm:MetricAlarm
//     "N-nat-i-port-allocation" (ErrorPortAllocation above 0) and
//     "N-nat-i-packets-dropped" (PacketsDropCount above 0); Dashboard is
//     their row for alerting.Dashboard
//
// Under Pulumi's mocks (pulumi.WithMocks) the awsx VPC's children do not
// exist: a mock answers for the component alone. The Network still builds;
// its subnet IDs are what the mock returns for awsx's outputs (empty with
// an echo mock, plan's subnets with plan.Mocks), and the NAT alarms'
// NatGatewayId is empty. Plan the program (package plan) to see the
// children.
//
// Renaming a Network renames all of these, which replaces them: add an alias
// (pulumi.Aliases) when you must rename one that is deployed.
//
// Cost tags (Project, Environment, Owner, CostCenter, …) come from the
// provider you pass: make it with package awsprovider, whose default tags
// reach every resource.
package network
