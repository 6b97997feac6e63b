// Package serverlessapi provides ServerlessAPI (type token
// strata:serverlessapi:ServerlessAPI): a Lambda function behind an API
// Gateway HTTP API, with the DynamoDB table it reads and writes.
//
// # Defaults
//
// Always on, not configurable:
//   - X-Ray active tracing (CKV_AWS_50); the function logs JSON to a log
//     group strata creates, with finite retention.
//   - A role that only lambda.amazonaws.com of this account can assume
//     (aws:SourceAccount, aws:SourceArn), allowed to write its own log group
//     and traces, to manage network interfaces only when in a VPC (those EC2
//     and X-Ray actions have no resource to scope them to), read-write on its
//     table only, and the given Grants.
//   - In a VPC, a security group of its own with no ingress and only HTTPS
//     egress, plus the paths its Grants open (a database's Connect: egress
//     to the database's group on its port, and ingress there from this one).
//   - Grants (made by the granted component: db.Connect, bucket.Grant):
//     their policies go on the function's role; their settings become
//     environment variables; their secrets reach the code by ARN
//     (DB_SECRET_ARN for a database), and the role may read exactly those
//     secrets with their keys through Secrets Manager.
//   - The table: on-demand billing, point-in-time recovery, encryption with
//     a customer-managed key.
//   - The API: an AWS_PROXY integration with payload format 2.0 and a
//     timeout of at most 30 s, a stage with auto-deploy, default-route
//     throttling and JSON access logs to a log group with finite retention
//     (FSBP APIGateway.9), and a lambda:InvokeFunction permission for
//     apigateway.amazonaws.com limited to this API's execution ARN
//     (FSBP Lambda.1): never an open principal.
//   - A function timeout above 30 s carries a strata:warning tag: the HTTP
//     API still cuts requests at 30 s.
//
// Knobs and their defaults (zero values mean the default):
//   - Code (a pulumi archive) or ImageURI: required. Runtime nodejs22.x,
//     Handler index.handler, Architecture arm64, MemoryMB 256,
//     TimeoutSeconds 30, EphemeralStorageMB 512, no layers, no reserved
//     concurrency.
//   - LogRetentionDays: 365, for both log groups.
//   - VpcID and SubnetIDs: not in a VPC.
//   - Table: none; TableName and TableARN name an existing table instead;
//     TableKMSKeyARN: the component's own key. The function gets TABLE_NAME.
//   - CORS: none; with origins, the seed's methods (GET, POST, PUT, DELETE),
//     headers (Content-Type, Authorization) and 3600 s max age.
//   - Routes ["$default"]; Authorizer: none, an open API (FSBP APIGateway.8
//     is a documented choice); StageName "$default"; throttling burst 100,
//     rate 50 per second.
//   - PermissionsBoundaryARN: none; with one, the function's role carries it.
//   - Alarms: always made; ErrorRatePercent 5 (API 5xx share and function
//     error share), LatencyP99Milliseconds 2000, TimeoutPercent 80 (p99
//     duration against the timeout), ConcurrencyPercent 80 (peak against
//     ReservedConcurrency), no TopicARN (alarms without actions).
//
// # Resources
//
// For a ServerlessAPI named N:
//   - aws:dynamodb/table:Table "N", with aws:kms/key:Key and
//     aws:kms/alias:Alias "N-table", when Table is given
//   - aws:cloudwatch/logGroup:LogGroup "N-function" and "N-access"
//   - aws:iam/role:Role "N", aws:iam/rolePolicy:RolePolicy "N" and
//     "N-grant-I" (the table first, then each grant with a policy, then one
//     for the grants' secrets)
//   - in a VPC: aws:ec2/securityGroup:SecurityGroup "N" and
//     aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule "N-https-out";
//     for each grant with a network path to a resource R,
//     aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule "N-to-R" and
//     aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule "R-from-N"
//   - aws:lambda/function:Function "N" and aws:lambda/permission:Permission "N"
//   - aws:apigatewayv2/api:Api "N", aws:apigatewayv2/integration:Integration
//     "N", aws:apigatewayv2/authorizer:Authorizer "N" (with Authorizer),
//     aws:apigatewayv2/route:Route "N-<route>" (N-default for $default) and
//     aws:apigatewayv2/stage:Stage "N"
//   - aws:cloudwatch/metricAlarm:MetricAlarm "N-api-5xx", "N-api-p99-latency",
//     "N-function-errors", "N-function-throttles", "N-function-duration",
//     "N-function-concurrency" (with ReservedConcurrency), and with a Table
//     "N-table-read-throttles", "N-table-write-throttles",
//     "N-table-system-errors-getitem" and "N-table-system-errors-putitem";
//     Dashboard is their row for alerting.Dashboard
//
// Cost tags (Project, Environment, Owner, CostCenter, ManagedBy) come from
// the provider you pass: make it with package awsprovider, whose default
// tags reach every resource the component creates.
package serverlessapi
