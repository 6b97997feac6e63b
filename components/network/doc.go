// Package network provides Network (type token strata:network:Network): a
// three-tier VPC (public, private and isolated subnets across two or more
// AZs) with the guard rails every strata stack stands on.
//
// The public tier holds the load balancer and NAT gateways, the private tier
// the application, the isolated tier (no route out at all) the database.
// Traffic moves between tiers only through security groups that name each
// other: the world reaches the load balancer, the load balancer the
// application, the application the database.
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
//   - Security groups: a description on every group and rule, standalone
//     rule resources only, the app and database tiers reached only by
//     security-group reference, and egress no wider than each tier needs:
//     the load balancer to the app port, the app to the database port and to
//     443 (AWS APIs through NAT: by design, they have no fixed addresses),
//     the database nowhere.
//   - DNS support and hostnames on; free S3 and DynamoDB gateway endpoints
//     on the private route tables, which keep that traffic off the NAT.
//
// Knobs and their defaults (zero values mean the default):
//   - CIDR: 10.0.0.0/16 (DefaultCIDR); /16 to /28, canonical.
//   - AvailabilityZones: 2 (DefaultAvailabilityZones); 2 to 6.
//   - NATGateways: NATSingle (DefaultNATGateways); NATOnePerAZ or NATNone.
//   - Subnet CIDRs: carved from CIDR; the private tier gets half of it, the
//     isolated tier a quarter, the public tier an eighth, split over the AZs.
//   - FlowLogRetentionDays: 365 (DefaultFlowLogRetentionDays);
//     FlowLogTrafficType: ALL; FlowLogMaxAggregationInterval: 600 s.
//   - AllowedIngressCIDRs: 0.0.0.0/0, on 443 and on 80 (which the load
//     balancer redirects to 443).
//   - AppPort: 8080; DatabasePort: 5432.
//   - PermissionsBoundaryARN: none; with one, the flow-log role carries it.
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
//   - aws:ec2/securityGroup:SecurityGroup "N-alb", "N-app" and "N-db"
//   - aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule
//     "N-alb-https-in-I" and "N-alb-http-in-I" for each allowed CIDR I,
//     "N-app-from-alb" and "N-db-from-app"
//   - aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule
//     "N-alb-to-app", "N-app-https-out" and "N-app-to-db"
//   - aws:rds/subnetGroup:SubnetGroup "N-db" over the isolated subnets
//
// Renaming a Network renames all of these, which replaces them: add an alias
// (pulumi.Aliases) when you must rename one that is deployed.
package network
