package serverlessapi

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigatewayv2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/iamdoc"
	"github.com/strata-infra/strata/internal/kmskey"
	"github.com/strata-infra/strata/internal/steps"
	"github.com/strata-infra/strata/internal/tags"
	"github.com/strata-infra/strata/monitoring"
)

// Type is the component's type token. Changing it replaces the API of every
// stack that uses it, unless an alias is added.
const Type = "strata:serverlessapi:ServerlessAPI"

// accessLogFormat is the stage's JSON access log (well under 3 KB).
const accessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime",` +
	`"httpMethod":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol",` +
	`"responseLength":"$context.responseLength","integrationLatency":"$context.integrationLatency","integrationError":"$context.integration.error"}`

// ServerlessAPI is a Lambda function behind an API Gateway HTTP API, with
// its DynamoDB table.
type ServerlessAPI struct {
	pulumi.ResourceState

	// URL is the API's endpoint, including the stage's path.
	URL pulumi.StringOutput
	// APIID is the HTTP API's ID.
	APIID pulumi.StringOutput
	// FunctionName and FunctionARN identify the function; RoleARN its role.
	FunctionName pulumi.StringOutput
	FunctionARN  pulumi.StringOutput
	RoleARN      pulumi.StringOutput
	// TableName is the table the function gets as TABLE_NAME, or empty.
	TableName pulumi.StringOutput
	// FunctionLogGroupName and AccessLogGroupName are the log groups.
	FunctionLogGroupName pulumi.StringOutput
	AccessLogGroupName   pulumi.StringOutput
	// Dashboard is the API's dashboard row: the metrics its alarms watch.
	Dashboard monitoring.Row
}

// New validates args and creates a ServerlessAPI. Nothing is registered
// when args are invalid; the error lists every problem.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*ServerlessAPI, error) {
	a := args.withDefaults()
	if err := validate(name, a); err != nil {
		return nil, err
	}
	s := &ServerlessAPI{TableName: pulumi.String("").ToStringOutput()}
	if err := ctx.RegisterComponentResource(Type, name, s, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, a: a, s: s, parent: pulumi.Parent(s)}
	if err := steps.Run("serverlessapi", name,
		steps.Step{What: "reading the environment", Run: b.environment},
		steps.Step{What: "creating the table", Run: b.table},
		steps.Step{What: "creating the function's network", Run: b.network},
		steps.Step{What: "creating the role", Run: b.role},
		steps.Step{What: "creating the function", Run: b.function},
		steps.Step{What: "creating the API", Run: b.api},
		steps.Step{What: "creating the stage", Run: b.stage},
		steps.Step{What: "creating the alarms", Run: b.alarms},
	); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"url": s.URL, "apiId": s.APIID, "functionName": s.FunctionName, "functionArn": s.FunctionARN,
		"roleArn": s.RoleARN, "tableName": s.TableName,
		"functionLogGroupName": s.FunctionLogGroupName, "accessLogGroupName": s.AccessLogGroupName,
	}); err != nil {
		return nil, fmt.Errorf("serverlessapi %q: registering outputs: %w", name, err)
	}
	return s, nil
}

// builder carries what New's steps share: each step reads what earlier
// ones made.
type builder struct {
	ctx    *pulumi.Context
	name   string
	a      Args
	s      *ServerlessAPI
	parent pulumi.ResourceOrInvokeOption
	env    awsenv.Env

	tableARN  pulumi.StringInput
	group     *ec2.SecurityGroup
	vpcConfig *lambda.FunctionVpcConfigArgs
	logs      *cloudwatch.LogGroup
	roleARN   pulumi.StringOutput
	logKey    pulumi.StringOutput
	policies  []pulumi.Resource
	fn        *lambda.Function
	httpAPI   *apigatewayv2.Api
}

func (b *builder) environment() (err error) {
	b.env, err = awsenv.Lookup(b.ctx, b.s)
	return err
}

// table makes the function's DynamoDB table (on-demand, point-in-time
// recovery, its own key) or uses the one named in Args.
func (b *builder) table() error {
	ctx, name, a := b.ctx, b.name, b.a
	if a.Table == nil {
		if a.TableName != nil {
			b.s.TableName, b.tableARN = a.TableName.ToStringOutput(), a.TableARN
		}
		return nil
	}
	keyArn := a.TableKMSKeyARN
	if keyArn == nil {
		key, err := kmskey.New(ctx, name+"-table", b.env, kmskey.Args{
			Description: fmt.Sprintf("Encrypts the DynamoDB table of %s", name),
			AliasPrefix: "alias/" + name + "-table-",
		}, b.parent)
		if err != nil {
			return err
		}
		keyArn = key.Key.Arn
	}
	attrs := dynamodb.TableAttributeArray{&dynamodb.TableAttributeArgs{Name: pulumi.String(a.Table.HashKey.Name), Type: pulumi.String(a.Table.HashKey.Type)}}
	var rangeKey pulumi.StringPtrInput
	if a.Table.RangeKey.Name != "" {
		attrs = append(attrs, &dynamodb.TableAttributeArgs{Name: pulumi.String(a.Table.RangeKey.Name), Type: pulumi.String(a.Table.RangeKey.Type)})
		rangeKey = pulumi.String(a.Table.RangeKey.Name)
	}
	table, err := dynamodb.NewTable(ctx, name, &dynamodb.TableArgs{
		BillingMode:               pulumi.String("PAY_PER_REQUEST"),
		HashKey:                   pulumi.String(a.Table.HashKey.Name),
		RangeKey:                  rangeKey,
		Attributes:                attrs,
		PointInTimeRecovery:       &dynamodb.TablePointInTimeRecoveryArgs{Enabled: pulumi.Bool(true)},
		ServerSideEncryption:      &dynamodb.TableServerSideEncryptionArgs{Enabled: pulumi.Bool(true), KmsKeyArn: keyArn},
		DeletionProtectionEnabled: pulumi.Bool(a.Table.DeletionProtection),
	}, b.parent)
	if err != nil {
		return err
	}
	b.s.TableName, b.tableARN = table.Name, table.Arn
	return nil
}

// network gives a function in a VPC its own security group: no ingress,
// HTTPS out, and the paths its grants open.
func (b *builder) network() error {
	ctx, name, a := b.ctx, b.name, b.a
	if a.VpcID == nil {
		return nil
	}
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId:               a.VpcID,
		Description:         pulumi.Sprintf("Function of %s: no ingress, HTTPS out only", name),
		RevokeRulesOnDelete: pulumi.Bool(true),
		Tags:                pulumi.StringMap{"Name": pulumi.String(name + "-function")},
	}, b.parent)
	if err != nil {
		return err
	}
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-https-out", &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: sg.ID(), IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
		CidrIpv4: pulumi.String("0.0.0.0/0"), Description: pulumi.String("HTTPS to AWS APIs (DynamoDB, X-Ray, logs) and through NAT"),
	}, b.parent); err != nil {
		return err
	}
	if err := grant.OpenPaths(ctx, name, a.VpcID, sg.ID(), a.Grants, b.parent); err != nil {
		return err
	}
	b.group = sg
	b.vpcConfig = &lambda.FunctionVpcConfigArgs{SubnetIds: a.SubnetIDs, SecurityGroupIds: pulumi.StringArray{sg.ID()}}
	return nil
}

// role makes the function's log group and role: trusted by Lambda of this
// account for its functions, allowed its own logs and traces, its network
// interfaces (in a VPC), its table, the grants' policies, and the grants'
// secrets with their keys.
func (b *builder) role() error {
	ctx, name, a, env := b.ctx, b.name, b.a, b.env
	key, err := kmskey.New(ctx, name+"-logs", env, kmskey.Args{
		Description: fmt.Sprintf("Encrypts the function and access logs of API %s", name),
		AliasPrefix: "alias/" + name + "-logs-",
		Services:    []kmskey.Service{kmskey.Logs(env, name+"-*")},
	}, b.parent)
	if err != nil {
		return err
	}
	b.logKey = key.Key.Arn
	logs, err := cloudwatch.NewLogGroup(ctx, name+"-function", &cloudwatch.LogGroupArgs{
		RetentionInDays: pulumi.Int(a.LogRetentionDays), KmsKeyId: b.logKey,
	}, b.parent)
	if err != nil {
		return err
	}
	b.logs, b.s.FunctionLogGroupName = logs, logs.Name
	trust, err := iamdoc.ServiceTrust("lambda.amazonaws.com", env.AccountID, env.ARN("lambda", env.Region, "function:*")).JSON()
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:         pulumi.Sprintf("The function of %s runs with it", name),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: iamdoc.PermissionsBoundary(a.PermissionsBoundaryARN),
	}, b.parent)
	if err != nil {
		return err
	}
	b.roleARN, b.s.RoleARN = role.Arn, role.Arn
	subnets, sgID := pulumi.StringArrayInput(pulumi.StringArray{}), pulumi.String("").ToStringOutput()
	if b.group != nil {
		subnets, sgID = a.SubnetIDs, b.group.ID().ToStringOutput()
	}
	inVPC := b.group != nil
	base, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: pulumi.All(logs.Arn, subnets, sgID).ApplyT(func(v []any) (string, error) {
			var nics *interfaces
			if inVPC {
				nics = &interfaces{env: env, subnetIDs: v[1].([]string), securityGroupID: v[2].(string)}
			}
			return iamdoc.New(basePolicy(v[0].(string), nics)...).JSON()
		}).(pulumi.StringOutput),
	}, b.parent)
	if err != nil {
		return err
	}
	b.policies = []pulumi.Resource{base}
	var policies []pulumi.StringInput
	if b.tableARN != nil {
		policies = append(policies, tablePolicy(b.tableARN))
	}
	var secrets []grant.Secret
	for _, g := range a.Grants {
		if g.Policy != nil {
			policies = append(policies, g.Policy)
		}
		secrets = append(secrets, g.Secrets...)
	}
	if len(secrets) > 0 {
		policies = append(policies, grant.SecretReadPolicy(env.Region, secrets))
	}
	for i, pol := range policies {
		rp, err := iam.NewRolePolicy(ctx, fmt.Sprintf("%s-grant-%d", name, i), &iam.RolePolicyArgs{Role: role.ID(), Policy: pol}, b.parent)
		if err != nil {
			return err
		}
		b.policies = append(b.policies, rp)
	}
	return nil
}

// function makes the function: X-Ray, JSON logs to its own group, the
// table's name, the grants' settings and the ARNs of their secrets.
func (b *builder) function() error {
	ctx, name, a := b.ctx, b.name, b.a
	variables := pulumi.StringMap{}
	for k, v := range a.Environment {
		variables[k] = v
	}
	if b.tableARN != nil {
		variables["TABLE_NAME"] = b.s.TableName
	}
	for _, g := range a.Grants {
		for k, v := range g.Environment {
			variables[k] = v
		}
		for _, sec := range g.Secrets {
			variables[sec.ARNEnv] = sec.ARN
		}
	}
	fnArgs := &lambda.FunctionArgs{
		Role:             b.roleARN,
		Architectures:    pulumi.StringArray{pulumi.String(a.Architecture)},
		MemorySize:       pulumi.Int(a.MemoryMB),
		Timeout:          pulumi.Int(a.TimeoutSeconds),
		EphemeralStorage: &lambda.FunctionEphemeralStorageArgs{Size: pulumi.Int(a.EphemeralStorageMB)},
		Environment:      &lambda.FunctionEnvironmentArgs{Variables: variables},
		TracingConfig:    &lambda.FunctionTracingConfigArgs{Mode: pulumi.String("Active")},
		LoggingConfig:    &lambda.FunctionLoggingConfigArgs{LogFormat: pulumi.String("JSON"), LogGroup: b.logs.Name},
		VpcConfig:        b.vpcConfig,
		Layers:           pulumi.ToStringArray(a.Layers),
	}
	if a.ImageURI != "" {
		fnArgs.PackageType, fnArgs.ImageUri = pulumi.String("Image"), pulumi.String(a.ImageURI)
	} else {
		fnArgs.Runtime, fnArgs.Handler, fnArgs.Code = pulumi.String(a.Runtime), pulumi.String(a.Handler), a.Code
	}
	if a.ReservedConcurrency > 0 {
		fnArgs.ReservedConcurrentExecutions = pulumi.Int(a.ReservedConcurrency)
	}
	if a.TimeoutSeconds > MaxIntegrationTimeoutSeconds {
		fnArgs.Tags = pulumi.StringMap{tags.Warning: pulumi.String(fmt.Sprintf(
			"timeout %d s is above the HTTP API limit of 30 s - API requests are cut at 30 s", a.TimeoutSeconds))}
	}
	fn, err := lambda.NewFunction(ctx, name, fnArgs, b.parent, pulumi.DependsOn(b.policies))
	if err != nil {
		return err
	}
	b.fn, b.s.FunctionName, b.s.FunctionARN = fn, fn.Name, fn.Arn
	return nil
}

// api makes the HTTP API, its Lambda integration, the authorizer and the
// routes.
func (b *builder) api() error {
	ctx, name, a := b.ctx, b.name, b.a
	var cors *apigatewayv2.ApiCorsConfigurationArgs
	if len(a.CORS.AllowOrigins) > 0 {
		cors = &apigatewayv2.ApiCorsConfigurationArgs{
			AllowOrigins:     pulumi.ToStringArray(a.CORS.AllowOrigins),
			AllowMethods:     pulumi.ToStringArray(a.CORS.AllowMethods),
			AllowHeaders:     pulumi.ToStringArray(a.CORS.AllowHeaders),
			AllowCredentials: pulumi.Bool(a.CORS.AllowCredentials),
			MaxAge:           pulumi.Int(a.CORS.MaxAgeSeconds),
		}
	}
	var apiTags pulumi.StringMap
	if a.Authorizer == nil {
		apiTags = pulumi.StringMap{tags.Suppress("STRATA-API-003"): pulumi.String(
			"An open API by the caller choosing no Authorizer - FSBP APIGateway.8 - its stage throttles and logs")}
	}
	api, err := apigatewayv2.NewApi(ctx, name, &apigatewayv2.ApiArgs{ProtocolType: pulumi.String("HTTP"), CorsConfiguration: cors, Tags: apiTags}, b.parent)
	if err != nil {
		return err
	}
	b.httpAPI, b.s.APIID = api, api.ID().ToStringOutput()
	integration, err := apigatewayv2.NewIntegration(ctx, name, &apigatewayv2.IntegrationArgs{
		ApiId:                api.ID(),
		IntegrationType:      pulumi.String("AWS_PROXY"),
		IntegrationMethod:    pulumi.String("POST"),
		IntegrationUri:       b.fn.InvokeArn,
		PayloadFormatVersion: pulumi.String("2.0"),
		TimeoutMilliseconds:  pulumi.Int(min(a.TimeoutSeconds, MaxIntegrationTimeoutSeconds) * 1000),
	}, b.parent)
	if err != nil {
		return err
	}
	var authorizerID pulumi.StringPtrInput
	authType := "NONE"
	if a.Authorizer != nil {
		auth, err := apigatewayv2.NewAuthorizer(ctx, name, &apigatewayv2.AuthorizerArgs{
			ApiId:           api.ID(),
			AuthorizerType:  pulumi.String("JWT"),
			IdentitySources: pulumi.StringArray{pulumi.String("$request.header.Authorization")},
			JwtConfiguration: &apigatewayv2.AuthorizerJwtConfigurationArgs{
				Issuer: pulumi.String(a.Authorizer.Issuer), Audiences: pulumi.ToStringArray(a.Authorizer.Audience),
			},
		}, b.parent)
		if err != nil {
			return err
		}
		authorizerID, authType = auth.ID().ToStringOutput(), "JWT"
	}
	for _, key := range a.Routes {
		if _, err := apigatewayv2.NewRoute(ctx, name+"-"+routeName(key), &apigatewayv2.RouteArgs{
			ApiId:             api.ID(),
			RouteKey:          pulumi.String(key),
			Target:            pulumi.Sprintf("integrations/%s", integration.ID()),
			AuthorizationType: pulumi.String(authType),
			AuthorizerId:      authorizerID,
		}, b.parent); err != nil {
			return fmt.Errorf("route %s: %w", key, err)
		}
	}
	return nil
}

// stage makes the stage (auto-deploy, throttling, JSON access logs to its
// own group) and lets only this API invoke the function.
func (b *builder) stage() error {
	ctx, name, a, s := b.ctx, b.name, b.a, b.s
	accessLogs, err := cloudwatch.NewLogGroup(ctx, name+"-access", &cloudwatch.LogGroupArgs{
		RetentionInDays: pulumi.Int(a.LogRetentionDays), KmsKeyId: b.logKey,
	}, b.parent)
	if err != nil {
		return err
	}
	s.AccessLogGroupName = accessLogs.Name
	stage, err := apigatewayv2.NewStage(ctx, name, &apigatewayv2.StageArgs{
		ApiId:      b.httpAPI.ID(),
		Name:       pulumi.String(a.StageName),
		AutoDeploy: pulumi.Bool(true),
		DefaultRouteSettings: &apigatewayv2.StageDefaultRouteSettingsArgs{
			ThrottlingBurstLimit:   pulumi.Int(a.ThrottlingBurst),
			ThrottlingRateLimit:    pulumi.Float64(a.ThrottlingRate),
			DetailedMetricsEnabled: pulumi.Bool(true),
		},
		AccessLogSettings: &apigatewayv2.StageAccessLogSettingsArgs{DestinationArn: accessLogs.Arn, Format: pulumi.String(accessLogFormat)},
	}, b.parent)
	if err != nil {
		return err
	}
	if _, err := lambda.NewPermission(ctx, name, &lambda.PermissionArgs{
		Action:    pulumi.String("lambda:InvokeFunction"),
		Function:  b.fn.Name,
		Principal: pulumi.String("apigateway.amazonaws.com"),
		SourceArn: pulumi.Sprintf("%s/*/*", b.httpAPI.ExecutionArn),
	}, b.parent); err != nil {
		return err
	}
	if a.StageName == DefaultStageName {
		s.URL = b.httpAPI.ApiEndpoint
	} else {
		s.URL = pulumi.Sprintf("%s/%s", b.httpAPI.ApiEndpoint, stage.Name)
	}
	return nil
}

// alarms watches the API (5xx rate, p99 latency), the function (error
// rate, throttles, duration near its timeout, concurrency near its
// reserved limit) and the table (throttled reads and writes, system
// errors), by the real resources' dimensions.
func (b *builder) alarms() error {
	al, a := b.a.Alarms, b.a
	api := map[string]pulumi.StringInput{"ApiId": b.httpAPI.ID().ToStringOutput(), "Stage": pulumi.String(a.StageName)}
	fn := map[string]pulumi.StringInput{"FunctionName": b.fn.Name}
	requests := monitoring.Metric{Namespace: "AWS/ApiGateway", Name: "Count", Dimensions: api, Stat: "Sum"}
	invocations := monitoring.Metric{Namespace: "AWS/Lambda", Name: "Invocations", Dimensions: fn, Stat: "Sum"}
	alarms := []monitoring.Alarm{
		{Suffix: "api-5xx", Description: fmt.Sprintf("API %s answers 5xx to more than %v %% of requests", b.name, al.ErrorRatePercent),
			Metric: monitoring.Metric{Namespace: "AWS/ApiGateway", Name: "5xx", Dimensions: api, Stat: "Sum"}, Of: &requests,
			Comparison: "GreaterThanThreshold", Threshold: al.ErrorRatePercent, MissingData: "notBreaching"},
		{Suffix: "api-p99-latency", Description: fmt.Sprintf("API %s answers slower than %v ms at p99", b.name, al.LatencyP99Milliseconds),
			Metric:     monitoring.Metric{Namespace: "AWS/ApiGateway", Name: "Latency", Dimensions: api, Stat: "p99"},
			Comparison: "GreaterThanThreshold", Threshold: al.LatencyP99Milliseconds, Periods: 5, MissingData: "notBreaching"},
		{Suffix: "function-errors", Description: fmt.Sprintf("The function of %s fails more than %v %% of invocations", b.name, al.ErrorRatePercent),
			Metric: monitoring.Metric{Namespace: "AWS/Lambda", Name: "Errors", Dimensions: fn, Stat: "Sum"}, Of: &invocations,
			Comparison: "GreaterThanThreshold", Threshold: al.ErrorRatePercent, MissingData: "notBreaching"},
		{Suffix: "function-throttles", Description: fmt.Sprintf("The function of %s is throttled", b.name),
			Metric:     monitoring.Metric{Namespace: "AWS/Lambda", Name: "Throttles", Dimensions: fn, Stat: "Sum"},
			Comparison: "GreaterThanThreshold", Threshold: 0, MissingData: "notBreaching"},
		{Suffix: "function-duration", Description: fmt.Sprintf("The function of %s runs near its %d s timeout at p99", b.name, a.TimeoutSeconds),
			Metric:     monitoring.Metric{Namespace: "AWS/Lambda", Name: "Duration", Dimensions: fn, Stat: "p99"},
			Comparison: "GreaterThanThreshold", Threshold: float64(a.TimeoutSeconds) * 1000 * al.TimeoutPercent / 100, Periods: 5, MissingData: "notBreaching"},
	}
	if a.ReservedConcurrency > 0 {
		alarms = append(alarms, monitoring.Alarm{Suffix: "function-concurrency",
			Description: fmt.Sprintf("The function of %s nears its reserved concurrency of %d", b.name, a.ReservedConcurrency),
			Metric:      monitoring.Metric{Namespace: "AWS/Lambda", Name: "ConcurrentExecutions", Dimensions: fn, Stat: "Maximum"},
			Comparison:  "GreaterThanThreshold", Threshold: float64(a.ReservedConcurrency) * al.ConcurrencyPercent / 100, Periods: 5, MissingData: "notBreaching"})
	}
	if b.a.Table != nil {
		table := map[string]pulumi.StringInput{"TableName": b.s.TableName}
		alarms = append(alarms,
			monitoring.Alarm{Suffix: "table-read-throttles", Description: fmt.Sprintf("The table of %s throttles reads", b.name),
				Metric:     monitoring.Metric{Namespace: "AWS/DynamoDB", Name: "ReadThrottleEvents", Dimensions: table, Stat: "Sum"},
				Comparison: "GreaterThanThreshold", Threshold: 0, MissingData: "notBreaching"},
			monitoring.Alarm{Suffix: "table-write-throttles", Description: fmt.Sprintf("The table of %s throttles writes", b.name),
				Metric:     monitoring.Metric{Namespace: "AWS/DynamoDB", Name: "WriteThrottleEvents", Dimensions: table, Stat: "Sum"},
				Comparison: "GreaterThanThreshold", Threshold: 0, MissingData: "notBreaching"},
		)
		for _, op := range []string{"GetItem", "PutItem"} {
			alarms = append(alarms, monitoring.Alarm{Suffix: "table-system-errors-" + strings.ToLower(op),
				Description: fmt.Sprintf("DynamoDB fails %s on the table of %s", op, b.name),
				Metric: monitoring.Metric{Namespace: "AWS/DynamoDB", Name: "SystemErrors", Stat: "Sum",
					Dimensions: map[string]pulumi.StringInput{"TableName": b.s.TableName, "Operation": pulumi.String(op)}},
				Comparison: "GreaterThanThreshold", Threshold: 0, MissingData: "notBreaching"})
		}
	}
	row, err := monitoring.Create(b.ctx, b.name, "API "+b.name, alarms, al.TopicARN, b.parent)
	b.s.Dashboard = row
	return err
}

// tablePolicy lets the function read and write its table's items and
// query its indexes; it cannot change or delete the table.
func tablePolicy(tableARN pulumi.StringInput) pulumi.StringOutput {
	return tableARN.ToStringOutput().ApplyT(func(arn string) (string, error) {
		return iamdoc.New(iamdoc.Statement{
			Sid: "ReadWriteItems", Effect: iamdoc.Allow,
			Action: []string{
				"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
				"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
				"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
			},
			Resource: []string{arn, arn + "/index/*"},
		}).JSON()
	}).(pulumi.StringOutput)
}

// interfaces is where the function's network interfaces may be created:
// its subnets and its security group.
type interfaces struct {
	env             awsenv.Env
	subnetIDs       []string
	securityGroupID string
}

// basePolicy lets the function write its own log group and traces, and,
// in a VPC (nics not nil), manage its network interfaces.
func basePolicy(logGroupArn string, nics *interfaces) []iamdoc.Statement {
	out := []iamdoc.Statement{
		{Sid: "WriteLogs", Effect: iamdoc.Allow, Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logGroupArn + ":log-stream:*"}},
		// X-Ray's write actions have no resource to scope them to.
		{Sid: "WriteTraces", Effect: iamdoc.Allow, Action: []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}, Resource: []string{"*"}},
	}
	if nics == nil {
		return out
	}
	ec2ARN := func(resource string) string { return nics.env.ARN("ec2", nics.env.Region, resource) }
	anyInterface := ec2ARN("network-interface/*")
	create := []string{anyInterface, ec2ARN("security-group/" + nics.securityGroupID)}
	for _, id := range nics.subnetIDs {
		create = append(create, ec2ARN("subnet/"+id))
	}
	return append(out,
		// A new interface names its subnet and security group as resources
		// of the request: only the function's own are allowed.
		iamdoc.Statement{Sid: "CreateNetworkInterfaces", Effect: iamdoc.Allow, Action: []string{"ec2:CreateNetworkInterface"}, Resource: create},
		iamdoc.Statement{Sid: "ManageNetworkInterfaces", Effect: iamdoc.Allow, Action: []string{
			"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
		}, Resource: []string{anyInterface}},
		// DescribeNetworkInterfaces works only on every resource.
		iamdoc.Statement{Sid: "DescribeNetworkInterfaces", Effect: iamdoc.Allow, Action: []string{"ec2:DescribeNetworkInterfaces"}, Resource: []string{"*"}},
	)
}

// routeName turns "GET /items/{id}" into "get-items-id" for a child name.
func routeName(key string) string {
	if key == "$default" {
		return "default"
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(key) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
