// Package appservice provides AppService (type token
// strata:appservice:AppService): a container service on ECS Fargate behind
// an internet-facing Application Load Balancer, in a Network's subnets and
// security groups, with autoscaling and two least-privilege roles.
//
// The application's permissions are typed Grants (grant.Bucket,
// grant.SecretRead, grant.Table),
// each turned into a policy scoped to one resource's ARNs; there is no way
// to hand the task role a free-form policy.
//
// # Defaults
//
// Always on, not configurable:
//   - Load balancer: in the public subnets with the Network's ALB group,
//     invalid header fields dropped (FSBP ELB.4), desync mitigation
//     defensive (ELB.12). With a certificate: HTTPS on 443 with
//     ELBSecurityPolicy-TLS13-1-2-2021-06 (ELB.17) and port 80 answering
//     301 to HTTPS (ELB.1). Without one, plain HTTP on 80, and the listener
//     carries a strata:warning tag that `strata plan` lists.
//   - Target group of ip targets on the app port.
//   - Task: Fargate, awsvpc, one container "app", read-only root filesystem
//     with a writable scratch volume (ECS.5), not privileged (ECS.4), an init
//     process, secrets only through `valueFrom` (ECS.8), the awslogs driver
//     to a log group with finite retention (ECS.9), a container health check.
//   - Roles: an execution role that may pull the image (scoped to its ECR
//     repository; ecr:GetAuthorizationToken has no resource to scope),
//     write its own log group, and read exactly the referenced secrets and
//     decrypt them only through Secrets Manager or SSM; and a separate task
//     role (CKV_AWS_249) holding only the Grants. Both trust only
//     ecs-tasks.amazonaws.com of this account.
//   - Service: FARGATE, platform LATEST (ECS.10), the private subnets, the
//     Network's app group, no public IP (ECS.2), deployment circuit breaker
//     with rollback, and the desired count left to autoscaling after
//     creation.
//   - A new cluster has Container Insights (ECS.12).
//
// Knobs and their defaults (zero values mean the default):
//   - Image: required. Port 8080; CPU 256 and Memory 512 (any Fargate pair
//     up to 16384/122880); Architecture ARM64.
//   - HealthCheck: /health every 30 s, timeout 5 s, thresholds 3 and 3,
//     codes 200-399. DeregistrationDelaySeconds: 30.
//   - MinTasks 1, DesiredTasks MinTasks, MaxTasks 10; deployments 50/200 %;
//     grace period 60 s. CPU target 70 % (scale in after 300 s, out after
//     60 s); MemoryTarget and RequestsPerTarget off.
//   - CertificateARN: none (plain HTTP). DeletionProtection: false.
//     AccessLogBucket: none.
//   - ContainerHealthCheck: wget against the health-check path (the image
//     needs wget). ScratchPath /tmp. LogRetentionDays 365.
//   - ClusterARN: a new cluster.
//   - PermissionsBoundaryARN: none; with one, both roles carry it.
//
// # Resources
//
// For an AppService named N (at most 24 characters, so the autonamed load
// balancer and target group stay within AWS's 32):
//   - aws:ecs/cluster:Cluster "N", unless ClusterARN is given
//   - aws:cloudwatch/logGroup:LogGroup "N"
//   - aws:iam/role:Role "N-execution" and aws:iam/rolePolicy:RolePolicy
//     "N-execution"; aws:iam/role:Role "N-task" and one
//     aws:iam/rolePolicy:RolePolicy "N-task-I" per grant
//   - aws:lb/loadBalancer:LoadBalancer "N", aws:lb/targetGroup:TargetGroup
//     "N", aws:lb/listener:Listener "N-https" (with a certificate) and
//     "N-http"
//   - aws:ecs/taskDefinition:TaskDefinition "N" (family
//     <project>-<stack>-N) and aws:ecs/service:Service "N"
//   - aws:appautoscaling/target:Target "N" and
//     aws:appautoscaling/policy:Policy "N-cpu" ("N-memory", "N-requests")
package appservice
