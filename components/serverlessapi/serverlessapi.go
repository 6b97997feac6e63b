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
	"github.com/strata-infra/strata/internal/tags"
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
	parent := pulumi.Parent(s)
	wrap := func(what string, err error) error { return fmt.Errorf("serverlessapi %q: %s: %w", name, what, err) }
	env, err := awsenv.Lookup(ctx, parent)
	if err != nil {
		return nil, wrap("reading the environment", err)
	}

	// The table.
	var tableArn pulumi.StringInput
	if a.Table != nil {
		keyArn := a.TableKMSKeyARN
		if keyArn == nil {
			key, err := kmskey.New(ctx, name+"-table", env, kmskey.Args{
				Description: fmt.Sprintf("Encrypts the DynamoDB table of %s", name),
				AliasPrefix: "alias/" + name + "-table-",
			}, parent)
			if err != nil {
				return nil, wrap("creating the table key", err)
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
		}, parent)
		if err != nil {
			return nil, wrap("creating the table", err)
		}
		s.TableName, tableArn = table.Name, table.Arn
	} else if a.TableName != nil {
		s.TableName, tableArn = a.TableName.ToStringOutput(), a.TableARN
	}

	// The function's log group, role and security group.
	fnLogs, err := cloudwatch.NewLogGroup(ctx, name+"-function", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(a.LogRetentionDays)}, parent)
	if err != nil {
		return nil, wrap("creating the function's log group", err)
	}
	s.FunctionLogGroupName = fnLogs.Name
	trust, err := iamdoc.ServiceTrust("lambda.amazonaws.com", env.AccountID, env.ARN("lambda", env.Region, "function:*")).JSON()
	if err != nil {
		return nil, wrap("writing the trust policy", err)
	}
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{
		Description:         pulumi.Sprintf("The function of %s runs with it", name),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: iamdoc.PermissionsBoundary(a.PermissionsBoundaryARN),
	}, parent)
	if err != nil {
		return nil, wrap("creating the role", err)
	}
	s.RoleARN = role.Arn
	inVPC := a.VpcID != nil
	var vpcConfig *lambda.FunctionVpcConfigArgs
	sgID := pulumi.String("").ToStringOutput()
	if inVPC {
		sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
			VpcId:               a.VpcID,
			Description:         pulumi.Sprintf("Function of %s: no ingress, HTTPS out only", name),
			RevokeRulesOnDelete: pulumi.Bool(true),
			Tags:                pulumi.StringMap{"Name": pulumi.String(name + "-function")},
		}, parent)
		if err != nil {
			return nil, wrap("creating the security group", err)
		}
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-https-out", &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: sg.ID(), IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(443), ToPort: pulumi.Int(443),
			CidrIpv4: pulumi.String("0.0.0.0/0"), Description: pulumi.String("HTTPS to AWS APIs (DynamoDB, X-Ray, logs) and through NAT"),
		}, parent); err != nil {
			return nil, wrap("opening HTTPS egress", err)
		}
		sgID = sg.ID().ToStringOutput()
		vpcConfig = &lambda.FunctionVpcConfigArgs{SubnetIds: a.SubnetIDs, SecurityGroupIds: pulumi.StringArray{sg.ID()}}
	}

	subnets := pulumi.StringArrayInput(pulumi.StringArray{})
	if inVPC {
		subnets = a.SubnetIDs
	}
	base, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{
		Role: role.ID(),
		Policy: pulumi.All(fnLogs.Arn, subnets, sgID).ApplyT(func(v []any) (string, error) {
			var nics *interfaces
			if inVPC {
				nics = &interfaces{env: env, subnetIDs: v[1].([]string), securityGroupID: v[2].(string)}
			}
			return iamdoc.New(basePolicy(v[0].(string), nics)...).JSON()
		}).(pulumi.StringOutput),
	}, parent)
	if err != nil {
		return nil, wrap("granting the role", err)
	}
	policies := []pulumi.Resource{base}
	grants := a.Grants
	if tableArn != nil {
		grants = append([]grant.Grant{grant.Table(tableArn)}, grants...)
	}
	for i, g := range grants {
		rp, err := iam.NewRolePolicy(ctx, fmt.Sprintf("%s-grant-%d", name, i), &iam.RolePolicyArgs{Role: role.ID(), Policy: g.Policy()}, parent)
		if err != nil {
			return nil, wrap("granting "+g.What(), err)
		}
		policies = append(policies, rp)
	}

	// The function.
	variables := pulumi.StringMap{}
	for k, v := range a.Environment {
		variables[k] = v
	}
	if tableArn != nil {
		variables["TABLE_NAME"] = s.TableName
	}
	fnArgs := &lambda.FunctionArgs{
		Role:             role.Arn,
		Architectures:    pulumi.StringArray{pulumi.String(a.Architecture)},
		MemorySize:       pulumi.Int(a.MemoryMB),
		Timeout:          pulumi.Int(a.TimeoutSeconds),
		EphemeralStorage: &lambda.FunctionEphemeralStorageArgs{Size: pulumi.Int(a.EphemeralStorageMB)},
		Environment:      &lambda.FunctionEnvironmentArgs{Variables: variables},
		TracingConfig:    &lambda.FunctionTracingConfigArgs{Mode: pulumi.String("Active")},
		LoggingConfig:    &lambda.FunctionLoggingConfigArgs{LogFormat: pulumi.String("JSON"), LogGroup: fnLogs.Name},
		VpcConfig:        vpcConfig,
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
	fn, err := lambda.NewFunction(ctx, name, fnArgs, parent, pulumi.DependsOn(policies))
	if err != nil {
		return nil, wrap("creating the function", err)
	}
	s.FunctionName, s.FunctionARN = fn.Name, fn.Arn

	// The HTTP API.
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
	api, err := apigatewayv2.NewApi(ctx, name, &apigatewayv2.ApiArgs{ProtocolType: pulumi.String("HTTP"), CorsConfiguration: cors}, parent)
	if err != nil {
		return nil, wrap("creating the API", err)
	}
	s.APIID = api.ID().ToStringOutput()
	integration, err := apigatewayv2.NewIntegration(ctx, name, &apigatewayv2.IntegrationArgs{
		ApiId:                api.ID(),
		IntegrationType:      pulumi.String("AWS_PROXY"),
		IntegrationMethod:    pulumi.String("POST"),
		IntegrationUri:       fn.InvokeArn,
		PayloadFormatVersion: pulumi.String("2.0"),
		TimeoutMilliseconds:  pulumi.Int(min(a.TimeoutSeconds, MaxIntegrationTimeoutSeconds) * 1000),
	}, parent)
	if err != nil {
		return nil, wrap("creating the integration", err)
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
		}, parent)
		if err != nil {
			return nil, wrap("creating the authorizer", err)
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
		}, parent); err != nil {
			return nil, wrap("creating route "+key, err)
		}
	}
	accessLogs, err := cloudwatch.NewLogGroup(ctx, name+"-access", &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(a.LogRetentionDays)}, parent)
	if err != nil {
		return nil, wrap("creating the access log group", err)
	}
	s.AccessLogGroupName = accessLogs.Name
	stage, err := apigatewayv2.NewStage(ctx, name, &apigatewayv2.StageArgs{
		ApiId:      api.ID(),
		Name:       pulumi.String(a.StageName),
		AutoDeploy: pulumi.Bool(true),
		DefaultRouteSettings: &apigatewayv2.StageDefaultRouteSettingsArgs{
			ThrottlingBurstLimit:   pulumi.Int(a.ThrottlingBurst),
			ThrottlingRateLimit:    pulumi.Float64(a.ThrottlingRate),
			DetailedMetricsEnabled: pulumi.Bool(true),
		},
		AccessLogSettings: &apigatewayv2.StageAccessLogSettingsArgs{DestinationArn: accessLogs.Arn, Format: pulumi.String(accessLogFormat)},
	}, parent)
	if err != nil {
		return nil, wrap("creating the stage", err)
	}
	if _, err := lambda.NewPermission(ctx, name, &lambda.PermissionArgs{
		Action:    pulumi.String("lambda:InvokeFunction"),
		Function:  fn.Name,
		Principal: pulumi.String("apigateway.amazonaws.com"),
		SourceArn: pulumi.Sprintf("%s/*/*", api.ExecutionArn),
	}, parent); err != nil {
		return nil, wrap("letting the API invoke the function", err)
	}
	if a.StageName == DefaultStageName {
		s.URL = api.ApiEndpoint
	} else {
		s.URL = pulumi.Sprintf("%s/%s", api.ApiEndpoint, stage.Name)
	}

	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"url": s.URL, "apiId": s.APIID, "functionName": s.FunctionName, "functionArn": s.FunctionARN,
		"roleArn": s.RoleARN, "tableName": s.TableName,
		"functionLogGroupName": s.FunctionLogGroupName, "accessLogGroupName": s.AccessLogGroupName,
	}); err != nil {
		return nil, wrap("registering outputs", err)
	}
	return s, nil
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
