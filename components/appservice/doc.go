// Package appservice provides AppService (type token
// strata:appservice:AppService): a container service on ECS Fargate behind
// an Application Load Balancer, internet-facing or internal, in a
// Network's subnets, with its own security groups, autoscaling and two
// least-privilege roles.
//
// The service owns its security boundary: its load balancer's group and its
// tasks' group, which admits only its own load balancer on Port, so a
// service its load balancer cannot reach cannot be built. What it uses is
// given as Grants, made by the granted component (db.Connect, bucket.Grant,
// another service's Connect): each brings the policy for the task role, the
// network path from the tasks' group, and the settings and secrets the
// container reads. There is no way to hand the task role a free-form
// policy. An Internal service is called through its own Connect grant:
// make it first and give svc.Connect(nil) to the caller, which gets
// <NAME>_URL and one path from its tasks to the service's load balancer on
// its listener port (443 with a certificate, 80 without).
//
// # Defaults
//
// Always on, not configurable:
//   - Load balancer: internet-facing in the public subnets, or with
//     Internal in the private subnets with the internal scheme; invalid
//     header fields dropped (FSBP ELB.4), desync mitigation defensive
//     (ELB.12). With a certificate: HTTPS on 443 with
//     ELBSecurityPolicy-TLS13-1-2-2021-06 (ELB.17) and port 80 answering
//     301 to HTTPS (ELB.1). Without one, plain HTTP on 80, and the listener
//     carries a strata:warning tag that `strata plan` lists. The all-zero
//     placeholder certificate is marked the same way.
//   - Security groups, every rule a standalone resource with a description:
//     the load balancer's admits the allowed CIDRs and groups on 443 and 80
//     (80 alone without a certificate: nothing listens on 443) and reaches
//     only the tasks on Port; the tasks' admits only the load balancer's, on
//     Port, and reaches what the Grants open (by reference) and, with Egress
//     https (the default), 443 through NAT (ECR, CloudWatch Logs, Secrets
//     Manager have no fixed addresses).
//   - Target group of ip targets on Port.
//   - Task: Fargate, awsvpc, one container "app", read-only root filesystem
//     with a writable scratch volume (ECS.5), not privileged (ECS.4), an init
//     process, secrets only through `valueFrom` (ECS.8), the awslogs driver
//     to a log group with finite retention (ECS.9), a container health check.
//   - Roles: an execution role that may pull the image (scoped to its ECR
//     repository; ecr:GetAuthorizationToken has no resource to scope),
//     write its own log group, and read exactly the secrets the container
//     gets (its own and its grants') and decrypt them only through Secrets
//     Manager or SSM; and a separate task role (CKV_AWS_249) holding only
//     the grants' policies. Both trust only ecs-tasks.amazonaws.com of this
//     account.
//   - Service: FARGATE, platform LATEST (ECS.10), the private subnets, the
//     tasks' group, no public IP (ECS.2), deployment circuit breaker with
//     rollback, and the desired count left to autoscaling after creation.
//   - A new cluster has Container Insights (ECS.12).
//   - Alarms, named <N>-<alarm> and notifying Alarms.TopicARN when set: the
//     load balancer's and the targets' 5xx above ErrorRatePercent of
//     requests (3 minutes), an unhealthy target (2 minutes), the targets'
//     p99 response time above LatencyP99Seconds (5 minutes), fewer running
//     tasks than MinTasks (missing data breaches), CPU and memory above
//     CPUPercent and MemoryPercent. Dashboard is their metrics, as a row
//     for alerting.Dashboard.
//
// Knobs and their defaults (zero values mean the default):
//   - Image: required. Port 8080; CPU 256 and Memory 512 (any Fargate pair
//     up to 16384/122880); Architecture ARM64.
//   - Capacity: nil, every task on on-demand Fargate. With a strategy,
//     OnDemandBase tasks run on on-demand Fargate and the rest are shared by
//     OnDemandWeight and SpotWeight; Spot needs X86_64 and a
//     DeregistrationDelaySeconds of at most 90, and gives the container a
//     stop timeout of 120 s, so a task AWS reclaims drains and stops inside
//     the two-minute warning. A service on ClusterARN needs that cluster to
//     have the FARGATE and FARGATE_SPOT providers.
//   - Internal: false. AllowedIngressCIDRs left out: 0.0.0.0/0 for an
//     internet-facing load balancer that names no AllowedSecurityGroupIDs,
//     none for an internal one (its callers use Connect); an empty list
//     admits nobody and is refused on an internet-facing one; an internal
//     one never admits the whole Internet, however the blocks are split.
//     Egress: https.
//   - HealthCheck: /health every 30 s, timeout 5 s, thresholds 3 and 3,
//     codes 200-399. DeregistrationDelaySeconds: 30.
//   - MinTasks 1, DesiredTasks MinTasks, MaxTasks 10; deployments 50/200 %;
//     grace period 60 s. CPU target 70 % (scale in after 300 s, out after
//     60 s); MemoryTarget and RequestsPerTarget off.
//   - CertificateARN: none (plain HTTP). DeletionProtection: false.
//     AccessLogBucket: none.
//   - ContainerHealthCheck: wget against the health-check path (the image
//     needs wget). ScratchPath /tmp. LogRetentionDays 365.
//   - ClusterARN: a new cluster. Grants: none.
//   - Alarms: ErrorRatePercent 5, LatencyP99Seconds 1, CPUPercent 90,
//     MemoryPercent 90, no TopicARN (alarms without actions).
//   - PermissionsBoundaryARN: none; with one, both roles carry it.
//
// # Resources
//
// For an AppService named N (at most 24 characters, so the autonamed load
// balancer and target group stay within AWS's 32):
//   - aws:ecs/cluster:Cluster "N", unless ClusterARN is given, and with a
//     Capacity aws:ecs/clusterCapacityProviders:ClusterCapacityProviders "N"
//   - aws:cloudwatch/logGroup:LogGroup "N"
//   - aws:iam/role:Role "N-execution" and aws:iam/rolePolicy:RolePolicy
//     "N-execution"; aws:iam/role:Role "N-task" and one
//     aws:iam/rolePolicy:RolePolicy "N-task-I" per grant with a policy
//   - aws:ec2/securityGroup:SecurityGroup "N-alb" and "N-tasks"
//   - aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule
//     "N-alb-https-in-I" (with a certificate) and "N-alb-http-in-I" per
//     allowed CIDR, "N-alb-https-from-group-I" (with a certificate) and
//     "N-alb-http-from-group-I" per allowed group, and "N-tasks-from-alb"
//   - aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule
//     "N-alb-to-tasks", and "N-tasks-https-out" with Egress https
//   - per grant with a network path to a resource R:
//     aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule "N-to-R" and
//     aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "R-from-N"
//   - aws:lb/loadBalancer:LoadBalancer "N", aws:lb/targetGroup:TargetGroup
//     "N", aws:lb/listener:Listener "N-https" (with a certificate) and
//     "N-http"
//   - aws:ecs/taskDefinition:TaskDefinition "N" (family
//     <project>-<stack>-N) and aws:ecs/service:Service "N"
//   - aws:appautoscaling/target:Target "N" and
//     aws:appautoscaling/policy:Policy "N-cpu" ("N-memory", "N-requests")
//   - aws:cloudwatch/metricAlarm:MetricAlarm "N-lb-5xx", "N-target-5xx",
//     "N-unhealthy-targets", "N-p99-latency", "N-running-tasks", "N-cpu"
//     and "N-memory"
//
// Cost tags (Project, Environment, Owner, CostCenter, ManagedBy) come from
// the provider you pass: make it with package awsprovider, whose default
// tags reach every resource the component creates.
package appservice
