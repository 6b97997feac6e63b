package serverlessapi

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/internal/tags"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

const (
	fnType     = "aws:lambda/function:Function"
	policyType = "aws:iam/rolePolicy:RolePolicy"
)

// code fills in a code archive when a test gives neither code nor image.
func code(a Args) *Args {
	if a.Code == nil && a.ImageURI == "" {
		a.Code = pulumi.NewFileArchive("testdata/handler")
	}
	return &a
}

func run(t *testing.T, args *Args) (*plan.Plan, error) {
	t.Helper()
	return plan.Run(func(ctx *pulumi.Context) error {
		s, err := New(ctx, "api", args)
		if err != nil {
			return err
		}
		ctx.Export("url", s.URL)
		ctx.Export("table", s.TableName)
		ctx.Export("role", s.RoleARN)
		return nil
	}, plan.Options{})
}

func TestValidation(t *testing.T) {
	table := &Table{HashKey: Key{Name: "pk"}}
	tests := []struct {
		name string
		args Args
		want []string
	}{
		{name: "defaults", args: Args{}},
		{name: "memory 127", args: Args{MemoryMB: 127}, want: []string{"MemoryMB must be 128 to 10240, got 127"}},
		{name: "memory 128", args: Args{MemoryMB: 128}},
		{name: "memory 10240", args: Args{MemoryMB: 10240}},
		{name: "memory 10241", args: Args{MemoryMB: 10241}, want: []string{"MemoryMB must be 128 to 10240, got 10241"}},
		{name: "timeout 0 is the default 30", args: Args{TimeoutSeconds: 0}},
		{name: "timeout -1", args: Args{TimeoutSeconds: -1}, want: []string{"TimeoutSeconds must be 1 to 900, got -1"}},
		{name: "timeout 900", args: Args{TimeoutSeconds: 900}},
		{name: "timeout 901", args: Args{TimeoutSeconds: 901}, want: []string{"TimeoutSeconds must be 1 to 900, got 901"}},
		{name: "/tmp 10240", args: Args{EphemeralStorageMB: 10240}},
		{name: "/tmp 10241", args: Args{EphemeralStorageMB: 10241}, want: []string{"EphemeralStorageMB must be 512 to 10240, got 10241"}},
		{name: "go1.x", args: Args{Runtime: "go1.x"}, want: []string{`Runtime "go1.x" is deprecated`, "use provided.al2023"}},
		{name: "provided", args: Args{Runtime: "provided"}, want: []string{`Runtime "provided" is deprecated`, "use provided.al2023"}},
		{name: "Node.js 16", args: Args{Runtime: "nodejs16.x"}, want: []string{"use nodejs22.x"}},
		{name: "Python 3.8", args: Args{Runtime: "python3.8"}, want: []string{"use python3.13"}},
		{name: "Python 3.13", args: Args{Runtime: "python3.13", Handler: "app.handler"}},
		{name: "an unknown runtime", args: Args{Runtime: "cobol85"}, want: []string{`Runtime "cobol85" is not a runtime strata knows`}},
		{name: "a reserved environment name", args: Args{Environment: map[string]pulumi.StringInput{"AWS_REGION": pulumi.String("x")}}, want: []string{`Environment name "AWS_REGION" is reserved`}},
		{name: "an AWS_LAMBDA_ name", args: Args{Environment: map[string]pulumi.StringInput{"AWS_LAMBDA_FUNCTION_NAME": pulumi.String("x")}}, want: []string{"is reserved"}},
		{name: "TABLE_NAME with a table", args: Args{Table: table, Environment: map[string]pulumi.StringInput{"TABLE_NAME": pulumi.String("x")}}, want: []string{"TABLE_NAME is set by the component"}},
		{name: "4 KB of environment", args: Args{Environment: map[string]pulumi.StringInput{"BIG": pulumi.String(strings.Repeat("x", 4093))}}},
		{name: "over 4 KB of environment", args: Args{Environment: map[string]pulumi.StringInput{"BIG": pulumi.String(strings.Repeat("x", 4094))}}, want: []string{"Environment must be at most 4096 bytes in all, got 4097"}},
		{name: "credentials with origin *", args: Args{CORS: CORS{AllowOrigins: []string{"*"}, AllowCredentials: true}}, want: []string{`CORS.AllowCredentials cannot be combined with origin "*"`}},
		{name: "an origin with a path", args: Args{CORS: CORS{AllowOrigins: []string{"https://example.com/app"}}}, want: []string{`CORS.AllowOrigins[0] must be an origin`}},
		{name: "an origin without a scheme", args: Args{CORS: CORS{AllowOrigins: []string{"example.com"}}}, want: []string{`CORS.AllowOrigins[0] must be an origin`}},
		{name: "max age 86400", args: Args{CORS: CORS{AllowOrigins: []string{"https://example.com"}, MaxAgeSeconds: 86400}}},
		{name: "max age 86401", args: Args{CORS: CORS{AllowOrigins: []string{"https://example.com"}, MaxAgeSeconds: 86401}}, want: []string{"CORS.MaxAgeSeconds must be 0 to 86400, got 86401"}},
		{name: "burst 0 is the default 100", args: Args{ThrottlingBurst: 0}},
		{name: "burst -1", args: Args{ThrottlingBurst: -1}, want: []string{"ThrottlingBurst must be above 0, got -1"}},
		{name: "rate -1", args: Args{ThrottlingRate: -1}, want: []string{"ThrottlingRate must be above 0, got -1"}},
		{name: "five layers", args: Args{Layers: layers(5)}},
		{name: "six layers", args: Args{Layers: layers(6)}, want: []string{"Layers must hold at most 5, got 6"}},
		{name: "a layer that is no ARN", args: Args{Layers: []string{"my-layer"}}, want: []string{`Layers[0] must be a layer version ARN`}},
		{name: "code and an image", args: Args{ImageURI: "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1", Code: pulumi.NewFileArchive("x")}, want: []string{"Code and ImageURI are both set"}},
		{name: "a route that is no route", args: Args{Routes: []string{"/items"}}, want: []string{`Routes[0] must be "$default" or "METHOD /path"`}},
		{name: "routes that name the same child", args: Args{Routes: []string{"GET /items", "GET /items/"}}, want: []string{`Routes[1] "GET /items/" repeats Routes[0] "GET /items"`}},
		{name: "an http issuer", args: Args{Authorizer: &JWT{Issuer: "http://id.example.com", Audience: []string{"api"}}}, want: []string{"Authorizer.Issuer must be an https URL"}},
		{name: "no audience", args: Args{Authorizer: &JWT{Issuer: "https://id.example.com"}}, want: []string{"Authorizer.Audience must list at least one audience"}},
		{name: "a table without a hash key", args: Args{Table: &Table{}}, want: []string{"Table.HashKey.Name is required"}},
		{name: "a key type of string", args: Args{Table: &Table{HashKey: Key{Name: "pk", Type: "string"}}}, want: []string{`Table.HashKey.Type must be S, N or B, got "string"`}},
		{name: "a table and an existing one", args: Args{Table: table, TableName: pulumi.String("t"), TableARN: pulumi.String("arn")}, want: []string{"give one or the other"}},
		{name: "a VPC without subnets", args: Args{VpcID: pulumi.String("vpc-1")}, want: []string{"VpcID and SubnetIDs go together"}},
		{name: "a stage name with a space", args: Args{StageName: "my stage"}, want: []string{`StageName must be "$default"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := run(t, code(tt.args))
			if tt.want != nil {
				tt.want = append(tt.want, `serverlessapi "api"`)
			}
			plantest.ExpectProblems(t, p, err, tt.want...)
		})
	}
}

func layers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "arn:aws:lambda:us-east-1:123456789012:layer:tools:" + string(rune('1'+i))
	}
	return out
}

func TestNoCode(t *testing.T) {
	p, err := run(t, &Args{})
	plantest.ExpectProblems(t, p, err, "Code or ImageURI is required")
}

func TestSecureByDefault(t *testing.T) {
	p, err := run(t, code(Args{
		Table:  &Table{HashKey: Key{Name: "pk"}, RangeKey: Key{Name: "sk"}},
		CORS:   CORS{AllowOrigins: []string{"https://shop.example.com"}},
		Routes: []string{"$default"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	comp := plantest.Find(t, p, Type, "api")
	for _, r := range p.Registered() {
		if r != comp && r.Parent != comp.URN {
			t.Errorf("%s %q is not a child of the API", r.Type, r.Name)
		}
	}
	fn := plantest.Find(t, p, fnType, "api")
	fnLogs := plantest.Find(t, p, "aws:cloudwatch/logGroup:LogGroup", "api-function")
	for path, want := range map[string]any{
		"tracingConfig.mode": "Active", "runtime": "nodejs22.x", "handler": "index.handler", "architectures.0": "arm64",
		"memorySize": 256.0, "timeout": 30.0, "loggingConfig.logFormat": "JSON", "loggingConfig.logGroup": fnLogs.ID,
		"environment.variables.TABLE_NAME": p.Outputs["table"], "code.archive": "testdata/handler",
	} {
		if got, _ := fn.Input(path); got != want {
			t.Errorf("function %s = %v, want %v", path, got, want)
		}
	}
	if _, ok := fn.Input("vpcConfig.subnetIds"); ok {
		t.Error("the function is in a VPC without being asked")
	}
	if _, ok := fn.Input("tags." + tags.Warning); ok {
		t.Error("a 30 s timeout carries a warning")
	}
	if fnLogs.Inputs["retentionInDays"] != 365.0 {
		t.Errorf("function log retention = %v, want 365", fnLogs.Inputs["retentionInDays"])
	}

	api := plantest.One(t, p, "aws:apigatewayv2/api:Api")
	for path, want := range map[string]any{
		"protocolType": "HTTP", "corsConfiguration.allowOrigins.0": "https://shop.example.com",
		"corsConfiguration.allowMethods.3": "DELETE", "corsConfiguration.allowHeaders.1": "Authorization", "corsConfiguration.maxAge": 3600.0,
		"corsConfiguration.allowCredentials": false,
	} {
		if got, _ := api.Input(path); got != want {
			t.Errorf("API %s = %v, want %v", path, got, want)
		}
	}
	integ := plantest.One(t, p, "aws:apigatewayv2/integration:Integration")
	for path, want := range map[string]any{"integrationType": "AWS_PROXY", "payloadFormatVersion": "2.0", "timeoutMilliseconds": 30000.0} {
		if got, _ := integ.Input(path); got != want {
			t.Errorf("integration %s = %v, want %v", path, got, want)
		}
	}
	if got, _ := integ.Inputs["integrationUri"].(string); !strings.Contains(got, ":function:"+fn.ID+"/invocations") {
		t.Errorf("integration URI = %q, want the function's invoke ARN", got)
	}
	route := plantest.Find(t, p, "aws:apigatewayv2/route:Route", "api-default")
	if route.Inputs["routeKey"] != "$default" || route.Inputs["target"] != "integrations/"+integ.ID || route.Inputs["authorizationType"] != "NONE" {
		t.Errorf("route = %v", route.Inputs)
	}
	stage := plantest.One(t, p, "aws:apigatewayv2/stage:Stage")
	access := plantest.Find(t, p, "aws:cloudwatch/logGroup:LogGroup", "api-access")
	for path, want := range map[string]any{
		"name": "$default", "autoDeploy": true,
		"defaultRouteSettings.throttlingBurstLimit": 100.0, "defaultRouteSettings.throttlingRateLimit": 50.0,
	} {
		if got, _ := stage.Input(path); got != want {
			t.Errorf("stage %s = %v, want %v", path, got, want)
		}
	}
	if got, _ := stage.Input("accessLogSettings.destinationArn"); !strings.HasSuffix(got.(string), ":log-group:"+access.ID) {
		t.Errorf("access logs go to %v, want log group %s", got, access.ID)
	}
	format, _ := stage.Input("accessLogSettings.format")
	var fields map[string]string
	if err := json.Unmarshal([]byte(format.(string)), &fields); err != nil || fields["status"] == "" || len(format.(string)) > 3072 {
		t.Errorf("access log format = %v (%v), want JSON under 3 KB", format, err)
	}

	perm := plantest.One(t, p, "aws:lambda/permission:Permission")
	if perm.Inputs["principal"] != "apigateway.amazonaws.com" || perm.Inputs["action"] != "lambda:InvokeFunction" ||
		perm.Inputs["sourceArn"] != "arn:aws:execute-api:us-east-1:"+plan.DefaultAccountID+":"+api.ID+"/*/*" {
		t.Errorf("permission = %v, want API Gateway limited to this API", perm.Inputs)
	}

	table := plantest.One(t, p, "aws:dynamodb/table:Table")
	key := plantest.Find(t, p, "aws:kms/key:Key", "api-table")
	for path, want := range map[string]any{
		"billingMode": "PAY_PER_REQUEST", "pointInTimeRecovery.enabled": true, "serverSideEncryption.enabled": true,
		"hashKey": "pk", "rangeKey": "sk", "deletionProtectionEnabled": false,
	} {
		if got, _ := table.Input(path); got != want {
			t.Errorf("table %s = %v, want %v", path, got, want)
		}
	}
	if got, _ := table.Input("serverSideEncryption.kmsKeyArn"); !strings.HasSuffix(got.(string), ":key/"+key.ID) {
		t.Errorf("table key = %v, want the component's key", got)
	}

	// The role: trusted by Lambda of this account, scoped policies only.
	role := plantest.One(t, p, "aws:iam/role:Role")
	st := plantest.StatementAt(t, role.Inputs["assumeRolePolicy"], 0)
	if st.Principal["Service"] != "lambda.amazonaws.com" || st.Condition["StringEquals"]["aws:SourceAccount"] != plan.DefaultAccountID {
		t.Errorf("trust = %+v", st)
	}
	tableArn := "arn:aws:dynamodb:us-east-1:" + plan.DefaultAccountID + ":table/" + p.Outputs["table"].(string)
	unscopable := []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
	for _, pol := range p.ByType(policyType) {
		for _, st := range plantest.ParsePolicy(t, pol.Inputs["policy"]).Statement {
			for _, a := range st.Action {
				if a == "*" || strings.HasSuffix(a, ":*") {
					t.Errorf("policy %s grants %s", pol.Name, a)
				}
				if strings.HasPrefix(a, "ec2:") {
					t.Errorf("policy %s grants %s outside a VPC", pol.Name, a)
				}
				for _, r := range st.Resource {
					if r == "*" && !slices.Contains(unscopable, a) {
						t.Errorf("policy %s grants %s on *", pol.Name, a)
					}
					if strings.HasPrefix(a, "dynamodb:") && r != tableArn && r != tableArn+"/index/*" {
						t.Errorf("policy %s reaches table %s, want only %s", pol.Name, r, tableArn)
					}
				}
			}
		}
	}
}

func TestInAVPCWithAWarning(t *testing.T) {
	p, err := run(t, code(Args{
		VpcID: pulumi.String("vpc-0123"), SubnetIDs: pulumi.ToStringArray([]string{"subnet-priv1", "subnet-priv2"}),
		TimeoutSeconds: 31, StageName: "dev", Authorizer: &JWT{Issuer: "https://id.example.com", Audience: []string{"shop"}},
		Routes: []string{"GET /items", "POST /items"}, ReservedConcurrency: 20,
	}))
	if err != nil {
		t.Fatal(err)
	}
	fn := plantest.One(t, p, fnType)
	sg := plantest.One(t, p, "aws:ec2/securityGroup:SecurityGroup")
	if got, _ := fn.Input("vpcConfig.subnetIds"); !slices.Equal(got.([]any), []any{"subnet-priv1", "subnet-priv2"}) {
		t.Errorf("function subnets = %v, want the private ones", got)
	}
	if got, _ := fn.Input("vpcConfig.securityGroupIds.0"); got != sg.ID {
		t.Errorf("function security group = %v, want its own", got)
	}
	if n := len(p.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")); n != 0 {
		t.Errorf("the function's group has %d ingress rules, want none", n)
	}
	if fn.Inputs["reservedConcurrentExecutions"] != 20.0 {
		t.Errorf("reserved concurrency = %v, want 20", fn.Inputs["reservedConcurrentExecutions"])
	}
	if got, _ := fn.Input("tags." + tags.Warning); got == nil || !strings.Contains(got.(string), "cut at 30 s") {
		t.Errorf("a 31 s timeout has no warning: tags = %v", fn.Inputs["tags"])
	}
	if got := plantest.One(t, p, "aws:apigatewayv2/integration:Integration").Inputs["timeoutMilliseconds"]; got != 30000.0 {
		t.Errorf("integration timeout = %v, want the 30 s maximum", got)
	}
	for _, name := range []string{"api-get-items", "api-post-items"} {
		r := plantest.Find(t, p, "aws:apigatewayv2/route:Route", name)
		if r.Inputs["authorizationType"] != "JWT" || r.Inputs["authorizerId"] == nil {
			t.Errorf("route %s = %v, want the JWT authorizer", name, r.Inputs)
		}
	}
	if url := p.Outputs["url"].(string); !strings.HasSuffix(url, "/dev") {
		t.Errorf("url = %q, want the stage's path", url)
	}
	// The role manages network interfaces only in the function's subnets
	// and security group; only DescribeNetworkInterfaces is on *.
	ec2ARN := func(r string) string { return "arn:aws:ec2:us-east-1:" + plan.DefaultAccountID + ":" + r }
	want := map[string][]string{
		"ec2:CreateNetworkInterface": {ec2ARN("network-interface/*"), ec2ARN("security-group/" + sg.ID),
			ec2ARN("subnet/subnet-priv1"), ec2ARN("subnet/subnet-priv2")},
		"ec2:DeleteNetworkInterface":     {ec2ARN("network-interface/*")},
		"ec2:AssignPrivateIpAddresses":   {ec2ARN("network-interface/*")},
		"ec2:UnassignPrivateIpAddresses": {ec2ARN("network-interface/*")},
		"ec2:DescribeNetworkInterfaces":  {"*"},
	}
	got := map[string][]string{}
	for _, pol := range p.ByType(policyType) {
		for _, st := range plantest.ParsePolicy(t, pol.Inputs["policy"]).Statement {
			for _, a := range st.Action {
				if strings.HasPrefix(a, "ec2:") {
					got[a] = append(got[a], st.Resource...)
				}
			}
		}
	}
	for action, resources := range want {
		if !slices.Equal(got[action], resources) {
			t.Errorf("%s on %v, want %v", action, got[action], resources)
		}
	}
	if len(got) != len(want) {
		t.Errorf("the role grants EC2 actions %v, want only %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
}

func TestRouteName(t *testing.T) {
	for in, want := range map[string]string{"$default": "default", "GET /items": "get-items", "DELETE /items/{id}": "delete-items-id", "ANY /": "any"} {
		if got := routeName(in); got != want {
			t.Errorf("routeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// dbGrant is what a database's Connect hands out.
func dbGrant() grant.Grant {
	return grant.Grant{
		What:        "database main",
		Network:     &grant.Network{Name: "main", SecurityGroupID: pulumi.String("sg-db"), Port: 5432, Protocol: "PostgreSQL"},
		Environment: map[string]pulumi.StringInput{"DB_HOST": pulumi.String("db.internal")},
		Secrets: []grant.Secret{
			{Env: "DB_USER", ARNEnv: "DB_SECRET_ARN", ARN: pulumi.String(dbSecret), JSONKey: "username", KMSKeyARN: pulumi.String(dbKey)},
			{Env: "DB_PASSWORD", ARNEnv: "DB_SECRET_ARN", ARN: pulumi.String(dbSecret), JSONKey: "password", KMSKeyARN: pulumi.String(dbKey)},
		},
	}
}

const (
	dbSecret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-abc-123456"
	dbKey    = "arn:aws:kms:us-east-1:123456789012:key/db"
)

// TestGrantsConnect: a database grant opens the path from the function's
// group to the database's, hands the function the settings and the
// secret's ARN, and lets its role read exactly that secret with its key.
func TestGrantsConnect(t *testing.T) {
	p, err := run(t, code(Args{
		VpcID: pulumi.String("vpc-0123"), SubnetIDs: pulumi.ToStringArray([]string{"subnet-priv1", "subnet-priv2"}),
		Grants: []grant.Grant{dbGrant()},
	}))
	if err != nil {
		t.Fatal(err)
	}
	sg := plantest.One(t, p, "aws:ec2/securityGroup:SecurityGroup")
	edges := plantest.SecurityGroupEdges(t, p, map[string]string{sg.ID: "function", "sg-db": "db"})
	want := []string{"db in 5432 from function", "function out 443 to 0.0.0.0/0", "function out 5432 to db"}
	if !slices.Equal(edges, want) {
		t.Errorf("security group edges = %v, want %v", edges, want)
	}
	vars, _ := plantest.One(t, p, fnType).Input("environment.variables")
	env := vars.(map[string]any)
	if env["DB_HOST"] != "db.internal" || env["DB_SECRET_ARN"] != dbSecret || env["DB_PASSWORD"] != nil {
		t.Errorf("function environment = %v, want DB_HOST and DB_SECRET_ARN, and no password", env)
	}
	reads := false
	for _, pol := range p.ByType(policyType) {
		for _, st := range plantest.ParsePolicy(t, pol.Inputs["policy"]).Statement {
			if slices.Contains(st.Action, "secretsmanager:GetSecretValue") {
				reads = slices.Equal(st.Resource, []string{dbSecret})
			}
			if slices.Contains(st.Action, "kms:Decrypt") && !slices.Equal(st.Resource, []string{dbKey}) {
				t.Errorf("the role decrypts with %v, want only the secret's key", st.Resource)
			}
		}
	}
	if !reads {
		t.Error("the function's role cannot read the granted secret")
	}
}

func TestGrantProblems(t *testing.T) {
	p, err := run(t, code(Args{Grants: []grant.Grant{dbGrant(), {}}, Environment: map[string]pulumi.StringInput{"DB_HOST": pulumi.String("x")}}))
	plantest.ExpectProblems(t, p, err,
		"Grants[0] (database main) opens a network path, which needs the function in a VPC",
		"Grants[0] (database main) sets DB_HOST, which Environment sets too",
		"Grants[1] is empty")
}

func TestAlarms(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:123456789012:alarms"
	p, err := run(t, code(Args{TimeoutSeconds: 10, ReservedConcurrency: 50, Table: &Table{HashKey: Key{Name: "pk"}},
		Alarms: Alarms{TopicARN: pulumi.String(topic), LatencyP99Milliseconds: 500}}))
	if err != nil {
		t.Fatal(err)
	}
	fn := plantest.One(t, p, fnType)
	alarms := map[string]*plan.Resource{}
	for _, a := range p.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		alarms[a.Name] = a
		if got := a.Inputs["alarmActions"]; !slices.Equal(got.([]any), []any{topic}) {
			t.Errorf("alarm %s actions %v, want the topic", a.Name, got)
		}
	}
	want := []string{"api-api-5xx", "api-api-p99-latency", "api-function-errors", "api-function-throttles", "api-function-duration",
		"api-function-concurrency", "api-table-read-throttles", "api-table-write-throttles", "api-table-system-errors-getitem", "api-table-system-errors-putitem"}
	if got := slices.Sorted(maps.Keys(alarms)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("alarms %v, want %v", got, slices.Sorted(slices.Values(want)))
	}
	for name, want := range map[string]map[string]any{
		"api-function-duration":    {"threshold": 8000.0, "extendedStatistic": "p99", "dimensions.FunctionName": fn.Outputs["name"]},
		"api-function-concurrency": {"threshold": 40.0, "statistic": "Maximum"},
		"api-api-p99-latency":      {"threshold": 500.0, "dimensions.Stage": "$default"},
		"api-api-5xx":              {"threshold": 5.0, "metricQueries.0.metric.metricName": "5xx", "metricQueries.1.metric.metricName": "Count"},
	} {
		for path, v := range want {
			if got, _ := alarms[name].Input(path); got != v {
				t.Errorf("alarm %s %s = %v, want %v", name, path, got, v)
			}
		}
	}

	// Without reserved concurrency or a table, those alarms are not made.
	p, err = run(t, code(Args{}))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.ByType("aws:cloudwatch/metricAlarm:MetricAlarm")); n != 5 {
		t.Errorf("%d alarms without a table or reserved concurrency, want 5", n)
	}
	_, err = run(t, code(Args{Alarms: Alarms{ErrorRatePercent: 0.01, TimeoutPercent: 120}}))
	plantest.ExpectProblems(t, nil, err, "Alarms.ErrorRatePercent must be 0.1 to 100, got 0.01", "Alarms.TimeoutPercent must be 1 to 100, got 120")
}
