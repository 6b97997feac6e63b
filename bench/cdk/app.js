// The prod architecture strata deploys, written with AWS CDK's own
// constructs, for one purpose: timing `cdk synth` beside `strata plan
// --stack prod` (go run ./internal/measure -cdk). It is not a second
// implementation of strata: no checks, no cost, only what CDK synthesises.
const cdk = require('aws-cdk-lib');
const { aws_ec2: ec2, aws_ecs: ecs, aws_ecs_patterns: patterns, aws_rds: rds, aws_s3: s3, aws_kms: kms,
  aws_lambda: lambda, aws_apigatewayv2: apigw, aws_apigatewayv2_integrations: integrations,
  aws_dynamodb: dynamodb, aws_budgets: budgets, aws_sns: sns, aws_logs: logs,
  aws_certificatemanager: acm, aws_cloudwatch: cw } = cdk;

const app = new cdk.App({ outdir: process.env.CDK_OUTDIR || 'cdk.out' });
const stack = new cdk.Stack(app, 'strata-prod', { env: { account: '123456789012', region: 'us-east-1' } });
for (const [k, v] of Object.entries({ Project: 'strata', Environment: 'prod', ManagedBy: 'cdk', Owner: 'platform-team', CostCenter: 'cc-1042' })) {
  cdk.Tags.of(app).add(k, v);
}

const vpc = new ec2.Vpc(stack, 'main', {
  ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'), maxAzs: 3, natGateways: 3,
  subnetConfiguration: [
    { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 22 },
    { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
    { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 21 },
  ],
  gatewayEndpoints: { s3: { service: ec2.GatewayVpcEndpointAwsService.S3 }, dynamodb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
  flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
  restrictDefaultSecurityGroup: true,
});

const topic = new sns.Topic(stack, 'alarms', { masterKey: new kms.Key(stack, 'alarms-key', { enableKeyRotation: true }) });
const logBucket = new s3.Bucket(stack, 'access-logs', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, versioned: true, lifecycleRules: [{ expiration: cdk.Duration.days(365) }] });
const data = new s3.Bucket(stack, 'data', { encryptionKey: new kms.Key(stack, 'data-key', { enableKeyRotation: true }),
  encryption: s3.BucketEncryption.KMS, bucketKeyEnabled: true, enforceSSL: true, versioned: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, serverAccessLogsBucket: logBucket,
  lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: cdk.Duration.days(90) },
    { storageClass: s3.StorageClass.GLACIER, transitionAfter: cdk.Duration.days(180) }], expiration: cdk.Duration.days(365),
    noncurrentVersionExpiration: cdk.Duration.days(30), abortIncompleteMultipartUploadAfter: cdk.Duration.days(7) }] });

const db = new rds.DatabaseCluster(stack, 'db', {
  engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
  writer: rds.ClusterInstance.serverlessV2('writer'), readers: [rds.ClusterInstance.serverlessV2('reader', { scaleWithWriter: true })],
  serverlessV2MinCapacity: 1, serverlessV2MaxCapacity: 16, vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  storageEncryptionKey: new kms.Key(stack, 'db-key', { enableKeyRotation: true }), iamAuthentication: true,
  deletionProtection: true, backup: { retention: cdk.Duration.days(30) }, cloudwatchLogsExports: ['postgresql'],
  cloudwatchLogsRetention: logs.RetentionDays.ONE_YEAR,
});

const cluster = new ecs.Cluster(stack, 'web-cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
const web = new patterns.ApplicationLoadBalancedFargateService(stack, 'web', {
  cluster, cpu: 256, memoryLimitMiB: 512, desiredCount: 2, publicLoadBalancer: true,
  certificate: acm.Certificate.fromCertificateArn(stack, 'cert', 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000'),
  redirectHTTP: true, runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
  taskImageOptions: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.37'), containerPort: 8080,
    secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(db.secret, 'password') },
    environment: { DB_HOST: db.clusterEndpoint.hostname, BUCKET_NAME: data.bucketName } },
});
web.loadBalancer.logAccessLogs(logBucket);
web.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 }).scaleOnCpuUtilization('cpu', { targetUtilizationPercent: 70 });
db.connections.allowDefaultPortFrom(web.service);
data.grantReadWrite(web.taskDefinition.taskRole);

const table = new dynamodb.TableV2(stack, 'api-table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true }, deletionProtection: true, encryption: dynamodb.TableEncryptionV2.customerManagedKey(new kms.Key(stack, 'table-key', { enableKeyRotation: true })) });
const fn = new lambda.Function(stack, 'api-function', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'), architecture: lambda.Architecture.ARM_64,
  memorySize: 256, timeout: cdk.Duration.seconds(30), vpc, tracing: lambda.Tracing.ACTIVE,
  logGroup: new logs.LogGroup(stack, 'api-function-logs', { retention: logs.RetentionDays.ONE_YEAR }) });
table.grantReadWriteData(fn);
const api = new apigw.HttpApi(stack, 'api', { corsPreflight: { allowOrigins: ['https://shop.example.com'] } });
api.addRoutes({ path: '/{proxy+}', integration: new integrations.HttpLambdaIntegration('api-integration', fn) });

for (const [name, metric] of Object.entries({ 'web-cpu': web.service.metricCpuUtilization(), 'db-cpu': db.metricCPUUtilization(),
  'api-errors': fn.metricErrors(), 'web-5xx': web.loadBalancer.metrics.httpCodeElb(cdk.aws_elasticloadbalancingv2.HttpCodeElb.ELB_5XX_COUNT) })) {
  new cw.Alarm(stack, name, { metric, threshold: 90, evaluationPeriods: 3 }).addAlarmAction({ bind: () => ({ alarmActionArn: topic.topicArn }) });
}
new budgets.CfnBudget(stack, 'monthly', { budget: { budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: 1000, unit: 'USD' } } });

app.synth();
