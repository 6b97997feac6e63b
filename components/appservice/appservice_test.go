package appservice

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

const (
	listenerType = "aws:lb/listener:Listener"
	policyType   = "aws:iam/rolePolicy:RolePolicy"
	secretARN    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-abc-123456"
	certARN      = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c"
)

// withNetwork fills in what a Network would give.
func withNetwork(a Args) *Args {
	if a.VpcID == nil {
		a.VpcID = pulumi.String("vpc-0123456789abcdef0")
		a.PublicSubnetIDs = pulumi.ToStringArray([]string{"subnet-pub1", "subnet-pub2"})
		a.PrivateSubnetIDs = pulumi.ToStringArray([]string{"subnet-priv1", "subnet-priv2"})
	}
	if a.Image == "" {
		a.Image = "public.ecr.aws/docker/library/busybox:1.37"
	}
	return &a
}

// run plans an AppService "web"; with withBucket, the program also creates a
// SecureBucket and grants read-write on it.
func run(t *testing.T, args *Args, withBucket bool) (*plan.Plan, error) {
	t.Helper()
	return plan.Run(func(ctx *pulumi.Context) error {
		if withBucket {
			b, err := securebucket.New(ctx, "data", nil)
			if err != nil {
				return err
			}
			args.Grants = append(args.Grants, b.Grant(securebucket.ReadWrite))
			ctx.Export("bucketArn", b.BucketARN)
		}
		s, err := New(ctx, "web", args)
		if err != nil {
			return err
		}
		ctx.Export("url", s.URL)
		ctx.Export("logGroup", s.LogGroupName)
		ctx.Export("executionRole", s.ExecutionRoleARN)
		ctx.Export("taskRole", s.TaskRoleARN)
		ctx.Export("tasksGroup", s.SecurityGroupID)
		ctx.Export("albGroup", s.LoadBalancerSecurityGroupID)
		return nil
	}, plan.Options{Project: "shop", Stack: "dev"})
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		args Args
		want []string
	}{
		{name: "defaults", args: Args{}},
		{name: "256 CPU with 4096 MiB", args: Args{CPU: 256, Memory: 4096}, want: []string{"Memory 4096 is not valid with CPU 256: Fargate allows 512, 1024, 2048 MiB"}},
		{name: "2048 CPU with 4096 MiB", args: Args{CPU: 2048, Memory: 4096}},
		{name: "8192 CPU with 18432 MiB", args: Args{CPU: 8192, Memory: 18432}, want: []string{"Memory 18432 is not valid with CPU 8192"}},
		{name: "8192 CPU with 20480 MiB", args: Args{CPU: 8192, Memory: 20480}},
		{name: "16384 CPU with 40960 MiB", args: Args{CPU: 16384, Memory: 40960}},
		{name: "16384 CPU with 122880 MiB", args: Args{CPU: 16384, Memory: 122880}},
		{name: "16384 CPU with 131072 MiB", args: Args{CPU: 16384, Memory: 131072}, want: []string{"Memory 131072 is not valid with CPU 16384"}},
		{name: "an unknown CPU size", args: Args{CPU: 768, Memory: 2048}, want: []string{"CPU must be one of Fargate's sizes 256, 512, 1024, 2048, 4096, 8192, 16384, got 768"}},
		{name: "port 65535", args: Args{Port: 65535}},
		{name: "port 65536", args: Args{Port: 65536}, want: []string{"Port must be 1 to 65535, got 65536"}},
		{name: "interval 4", args: Args{HealthCheck: HealthCheck{IntervalSeconds: 4, TimeoutSeconds: 2}}, want: []string{"HealthCheck.IntervalSeconds must be 5 to 300, got 4"}},
		{name: "interval 300", args: Args{HealthCheck: HealthCheck{IntervalSeconds: 300}}},
		{name: "interval 301", args: Args{HealthCheck: HealthCheck{IntervalSeconds: 301}}, want: []string{"HealthCheck.IntervalSeconds must be 5 to 300, got 301"}},
		{name: "timeout equal to the interval", args: Args{HealthCheck: HealthCheck{IntervalSeconds: 10, TimeoutSeconds: 10}}, want: []string{"HealthCheck.TimeoutSeconds (10) must be below HealthCheck.IntervalSeconds (10)"}},
		{name: "timeout 1", args: Args{HealthCheck: HealthCheck{TimeoutSeconds: 1}}, want: []string{"HealthCheck.TimeoutSeconds must be 2 to 120, got 1"}},
		{name: "threshold 1", args: Args{HealthCheck: HealthCheck{HealthyThreshold: 1}}, want: []string{"HealthCheck.HealthyThreshold must be 2 to 10, got 1"}},
		{name: "threshold 11", args: Args{HealthCheck: HealthCheck{UnhealthyThreshold: 11}}, want: []string{"HealthCheck.UnhealthyThreshold must be 2 to 10, got 11"}},
		{name: "matcher 200-499", args: Args{HealthCheck: HealthCheck{Matcher: "200-499"}}},
		{name: "matcher 200,204", args: Args{HealthCheck: HealthCheck{Matcher: "200,204"}}},
		{name: "matcher 500", args: Args{HealthCheck: HealthCheck{Matcher: "500"}}, want: []string{`HealthCheck.Matcher must be HTTP codes within 200-499`, `"500"`}},
		{name: "matcher 199-300", args: Args{HealthCheck: HealthCheck{Matcher: "199-300"}}, want: []string{"HealthCheck.Matcher"}},
		{name: "a path without a slash", args: Args{HealthCheck: HealthCheck{Path: "health"}}, want: []string{`HealthCheck.Path must start with /`, `"health"`}},
		{name: "min 0 is the default 1", args: Args{MinTasks: 0}},
		{name: "min -1", args: Args{MinTasks: -1, DesiredTasks: 1}, want: []string{"MinTasks must be at least 1, got -1"}},
		{name: "desired above max", args: Args{MinTasks: 2, DesiredTasks: 11, MaxTasks: 10}, want: []string{"DesiredTasks must be between MinTasks (2) and MaxTasks (10), got 11"}},
		{name: "max below min", args: Args{MinTasks: 5, MaxTasks: 3, DesiredTasks: 4}, want: []string{"MaxTasks (3) must not be below MinTasks (5)"}},
		{name: "min-healthy 100 with max 100", args: Args{MinHealthyPercent: 100, MaxPercent: 100}, want: []string{"MinHealthyPercent (100) must be below MaxPercent (100)", "MaxPercent must be at least 200 when one task must stay up"}},
		{name: "min-healthy 100 with max 200", args: Args{MinHealthyPercent: 100, MaxPercent: 200}},
		{name: "min-healthy 100 with max 150 and two tasks", args: Args{MinTasks: 2, MinHealthyPercent: 100, MaxPercent: 150}},
		{name: "max 99", args: Args{MinHealthyPercent: 50, MaxPercent: 99}, want: []string{"MaxPercent must be at least 100, got 99"}},
		{name: "min-healthy 101", args: Args{MinHealthyPercent: 101}, want: []string{"MinHealthyPercent must be 0 to 100, got 101"}},
		{name: "an empty image", args: Args{Image: " "}, want: []string{"Image is required"}},
		{name: "x86", args: Args{Architecture: X86_64}},
		{name: "a lower-case architecture", args: Args{Architecture: "arm64"}, want: []string{`Architecture must be "ARM64" or "X86_64", got "arm64"`}},
		{name: "a secret that is not an ARN", args: Args{Secrets: []Secret{{Name: "TOKEN", ARN: pulumi.String("my-token")}}}, want: []string{`Secrets[0].ARN must be a Secrets Manager secret or SSM parameter ARN, got "my-token"`}},
		{name: "a secret that is also plain", args: Args{Environment: map[string]pulumi.StringInput{"TOKEN": pulumi.String("x")}, Secrets: []Secret{{Name: "TOKEN", ARN: pulumi.String(secretARN)}}},
			want: []string{`Secrets[0].Name "TOKEN" is also in Environment`}},
		{name: "a repeated secret", args: Args{Secrets: []Secret{{Name: "A", ARN: pulumi.String(secretARN)}, {Name: "A", ARN: pulumi.String(secretARN)}}}, want: []string{`Secrets[1].Name "A" repeats Secrets[0].Name`}},
		{name: "a bad environment name", args: Args{Environment: map[string]pulumi.StringInput{"1X": pulumi.String("y")}}, want: []string{`Environment name "1X"`}},
		{name: "CPU target 101", args: Args{CPUTarget: 101}, want: []string{"CPUTarget must be 1 to 100 (percent), got 101"}},
		{name: "an empty grant", args: Args{Grants: []grant.Grant{{}}}, want: []string{"Grants[0] is empty: make grants with the granted component"}},
		{name: "a grant its component refused", args: Args{Grants: []grant.Grant{{What: "database main", Err: errors.New("ConnectOptions.IAMUser is reserved")}}},
			want: []string{"Grants[0] (database main): ConnectOptions.IAMUser is reserved"}},
		{name: "a grant that repeats a setting", args: Args{Environment: map[string]pulumi.StringInput{"BUCKET_NAME": pulumi.String("x")},
			Grants: []grant.Grant{{What: "bucket data read-write", Environment: map[string]pulumi.StringInput{"BUCKET_NAME": pulumi.String("y")}}}},
			want: []string{"Grants[0] (bucket data read-write) sets BUCKET_NAME, which Environment sets too"}},
		{name: "two grants whose paths share a name", args: Args{Grants: []grant.Grant{
			{What: "database orders", Network: &grant.Network{Name: "orders", SecurityGroupID: pulumi.String("sg-0123456789abcdef0"), Port: 5432}},
			{What: "service orders", Network: &grant.Network{Name: "orders", SecurityGroupID: pulumi.String("sg-0123456789abcdef1"), Port: 443}}}},
			want: []string{`Grants[1] (service orders) opens a path named "orders", as Grants[0] (database orders) does`}},
		{name: "a grant path without a port", args: Args{Grants: []grant.Grant{{What: "database main", Network: &grant.Network{Name: "main", SecurityGroupID: pulumi.String("sg-db")}}}},
			want: []string{"Grants[0] (database main) opens a network path without", "a port 1 to 65535"}},
		{name: "a non-canonical ingress block", args: Args{AllowedIngressCIDRs: []string{"203.0.113.7/24"}}, want: []string{"AllowedIngressCIDRs[0]", `did you mean "203.0.113.0/24"`}},
		{name: "an internal load balancer open to the world", args: Args{Internal: true, AllowedIngressCIDRs: []string{"0.0.0.0/0"}},
			want: []string{"AllowedIngressCIDRs[0] is 0.0.0.0/0, but the load balancer is Internal"}},
		{name: "an internal load balancer open to the world beside a group", args: Args{Internal: true, AllowedIngressCIDRs: []string{"0.0.0.0/0"},
			AllowedSecurityGroupIDs: []pulumi.StringInput{pulumi.String("sg-0123456789abcdef0")}},
			want: []string{"AllowedIngressCIDRs[0] is 0.0.0.0/0, but the load balancer is Internal"}},
		{name: "an internal load balancer reached only by its Connect grants", args: Args{Internal: true}},
		{name: "an empty allow-list on an internet-facing load balancer", args: Args{AllowedIngressCIDRs: []string{}},
			want: []string{"AllowedIngressCIDRs is empty and AllowedSecurityGroupIDs names no group: the internet-facing load balancer would admit nobody"}},
		{name: "an internal load balancer open to both halves of the Internet", args: Args{Internal: true, AllowedIngressCIDRs: []string{"0.0.0.0/1", "128.0.0.0/1"}},
			want: []string{"AllowedIngressCIDRs [0.0.0.0/1 128.0.0.0/1] together cover 0.0.0.0/0, the whole Internet, but the load balancer is Internal"}},
		{name: "caller groups that are not group IDs", args: Args{AllowedSecurityGroupIDs: []pulumi.StringInput{pulumi.String(""), pulumi.String("not-a-group")}},
			want: []string{`AllowedSecurityGroupIDs[0] must be a security group ID (sg- and 8 or 17 hex digits), got ""`, `AllowedSecurityGroupIDs[1] must be a security group ID (sg- and 8 or 17 hex digits), got "not-a-group"`}},
		{name: "an empty access-log bucket", args: Args{AccessLogBucket: pulumi.String("")}, want: []string{`AccessLogBucket "" is not a bucket name`}},
		{name: "an alarm topic that is not an ARN", args: Args{Alarms: Alarms{TopicARN: pulumi.String("not-an-arn")}},
			want: []string{`Alarms.TopicARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "not-an-arn"`}},
		{name: "an egress setting strata does not know", args: Args{Egress: "all"}, want: []string{`Egress must be "https" or "none", got "all"`}},
		{name: "a grant in another VPC", args: Args{VpcID: pulumi.String("vpc-0aaaaaaaaaaaaaaaa"), PublicSubnetIDs: pulumi.StringArray{}, PrivateSubnetIDs: pulumi.StringArray{},
			Grants: []grant.Grant{{What: "database main", Network: &grant.Network{Name: "main", SecurityGroupID: pulumi.String("sg-0123456789abcdef0"), Port: 5432, VpcID: pulumi.String("vpc-0bbbbbbbbbbbbbbbb")}}}},
			want: []string{"Grants[0] (database main) is in VPC vpc-0bbbbbbbbbbbbbbbb and the service in VPC vpc-0aaaaaaaaaaaaaaaa: a security-group path works only inside one VPC"}},
		{name: "an internal load balancer for the VPC", args: Args{Internal: true, AllowedIngressCIDRs: []string{"10.0.0.0/16"}}},
		{name: "log retention 366", args: Args{LogRetentionDays: 366}, want: []string{"LogRetentionDays must be one of", "got 366"}},
		{name: "a relative scratch path", args: Args{ScratchPath: "tmp"}, want: []string{`ScratchPath must be an absolute path, got "tmp"`}},
		{name: "spot on x86", args: Args{Architecture: X86_64, Capacity: &Capacity{SpotWeight: 1}}},
		{name: "on-demand weights on arm", args: Args{Capacity: &Capacity{OnDemandBase: 1, OnDemandWeight: 1}}},
		{name: "spot on arm", args: Args{Capacity: &Capacity{SpotWeight: 1}}, want: []string{`Capacity.SpotWeight is 1 but Architecture is "ARM64": Fargate Spot runs only X86_64 Linux tasks`}},
		{name: "no weight", args: Args{Capacity: &Capacity{OnDemandBase: 2}}, want: []string{"Capacity.OnDemandWeight and Capacity.SpotWeight are both 0"}},
		{name: "weights and base out of range", args: Args{Architecture: X86_64, Capacity: &Capacity{OnDemandBase: -1, OnDemandWeight: 1001, SpotWeight: -2}},
			want: []string{"Capacity.OnDemandBase must be 0 to 100000, got -1", "Capacity.OnDemandWeight must be 0 to 1000, got 1001", "Capacity.SpotWeight must be 0 to 1000, got -2"}},
		{name: "spot with a drain longer than the warning", args: Args{Architecture: X86_64, DeregistrationDelaySeconds: 91, Capacity: &Capacity{SpotWeight: 1}},
			want: []string{"DeregistrationDelaySeconds must be at most 90 with Spot tasks, to drain inside AWS's two-minute interruption warning, got 91"}},
		{name: "a health check that is not a command", args: Args{ContainerHealthCheck: []string{"curl", "-f", "localhost"}}, want: []string{`ContainerHealthCheck must start with "CMD" or "CMD-SHELL"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := run(t, withNetwork(tt.args), false)
			if tt.want != nil {
				tt.want = append(tt.want, `appservice "web"`)
			}
			plantest.ExpectProblems(t, p, err, tt.want...)
		})
	}
}

func TestRequiredInputsAndName(t *testing.T) {
	_, err := run(t, &Args{}, false)
	plantest.ExpectProblems(t, nil, err, "VpcID is required", "PrivateSubnetIDs is required", "PublicSubnetIDs is required", "Image is required")
	p, err := plan.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "a-service-name-of-25-char", withNetwork(Args{}))
		return err
	}, plan.Options{})
	plantest.ExpectProblems(t, p, err, "the component name must be 1 to 24", `"a-service-name-of-25-char"`)
}

// unscopable are actions AWS offers no resource to scope to.
var unscopable = []string{"ecr:GetAuthorizationToken"}

func TestSecureByDefault(t *testing.T) {
	p, err := run(t, withNetwork(Args{
		Image:          "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.4.2",
		CertificateARN: pulumi.String(certARN),
		Environment:    map[string]pulumi.StringInput{"DB_HOST": pulumi.String("db.internal"), "DB_PORT": pulumi.String("5432")},
		Secrets:        []Secret{{Name: "DB_PASSWORD", ARN: pulumi.String(secretARN), JSONKey: "password", KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/db")}},
	}), true)
	if err != nil {
		t.Fatal(err)
	}
	comp := plantest.Find(t, p, Type, "web")
	alb := plantest.One(t, p, "aws:lb/loadBalancer:LoadBalancer")
	tg := plantest.One(t, p, "aws:lb/targetGroup:TargetGroup")
	for k, want := range map[string]any{"dropInvalidHeaderFields": true, "internal": false, "loadBalancerType": "application", "desyncMitigationMode": "defensive", "enableDeletionProtection": false} {
		if alb.Inputs[k] != want {
			t.Errorf("load balancer %s = %v, want %v", k, alb.Inputs[k], want)
		}
	}
	if got, _ := alb.Input("securityGroups.0"); got != p.Outputs["albGroup"] {
		t.Errorf("load balancer security group = %v, want the ALB group", got)
	}
	if got, _ := alb.Input("subnets.0"); got != "subnet-pub1" {
		t.Errorf("load balancer subnets = %v, want the public ones", alb.Inputs["subnets"])
	}

	https := plantest.Find(t, p, listenerType, "web-https")
	for path, want := range map[string]any{
		"port": 443.0, "protocol": "HTTPS", "sslPolicy": TLSPolicy, "certificateArn": certARN,
		"defaultActions.0.type": "forward", "defaultActions.0.targetGroupArn": tg.ID,
	} {
		if got, _ := https.Input(path); got != want {
			t.Errorf("HTTPS listener %s = %v, want %v", path, got, want)
		}
	}
	redirect := plantest.Find(t, p, listenerType, "web-http")
	for path, want := range map[string]any{
		"port": 80.0, "protocol": "HTTP", "defaultActions.0.type": "redirect",
		"defaultActions.0.redirect.protocol": "HTTPS", "defaultActions.0.redirect.port": "443", "defaultActions.0.redirect.statusCode": "HTTP_301",
	} {
		if got, _ := redirect.Input(path); got != want {
			t.Errorf("HTTP listener %s = %v, want %v", path, got, want)
		}
	}
	if !strings.HasPrefix(p.Outputs["url"].(string), "https://web-") {
		t.Errorf("url = %v, want https://…", p.Outputs["url"])
	}
	for path, want := range map[string]any{"targetType": "ip", "port": 8080.0, "healthCheck.path": "/health", "healthCheck.matcher": "200-399", "deregistrationDelay": 30.0} {
		if got, _ := tg.Input(path); got != want {
			t.Errorf("target group %s = %v, want %v", path, got, want)
		}
	}

	svc := plantest.One(t, p, "aws:ecs/service:Service")
	for path, want := range map[string]any{
		"launchType": "FARGATE", "platformVersion": "LATEST",
		"networkConfiguration.assignPublicIp": false, "networkConfiguration.subnets.0": "subnet-priv1",
		"networkConfiguration.securityGroups.0": p.Outputs["tasksGroup"], "deploymentMinimumHealthyPercent": 50.0, "deploymentMaximumPercent": 200.0,
		"deploymentCircuitBreaker.enable": true, "deploymentCircuitBreaker.rollback": true,
		"loadBalancers.0.containerName": "app", "loadBalancers.0.containerPort": 8080.0, "healthCheckGracePeriodSeconds": 60.0,
	} {
		if got, _ := svc.Input(path); got != want {
			t.Errorf("service %s = %v, want %v", path, got, want)
		}
	}
	if !slices.Equal(svc.IgnoreChanges, []string{"desiredCount"}) {
		t.Errorf("service ignoreChanges = %v, want desiredCount left to autoscaling", svc.IgnoreChanges)
	}
	if got, _ := plantest.One(t, p, "aws:ecs/cluster:Cluster").Input("settings.0"); got.(map[string]any)["value"] != "enabled" {
		t.Errorf("cluster settings = %v, want Container Insights enabled", got)
	}

	// The task definition and its one container.
	task := plantest.One(t, p, "aws:ecs/taskDefinition:TaskDefinition")
	for path, want := range map[string]any{"networkMode": "awsvpc", "requiresCompatibilities.0": "FARGATE", "cpu": "256", "memory": "512",
		"runtimePlatform.cpuArchitecture": "ARM64", "family": "shop-dev-web"} {
		if got, _ := task.Input(path); got != want {
			t.Errorf("task definition %s = %v, want %v", path, got, want)
		}
	}
	if task.Inputs["executionRoleArn"] == task.Inputs["taskRoleArn"] || task.Inputs["taskRoleArn"] != p.Outputs["taskRole"] {
		t.Errorf("execution role %v and task role %v must differ", task.Inputs["executionRoleArn"], task.Inputs["taskRoleArn"])
	}
	var containers []container
	if err := json.Unmarshal([]byte(task.Inputs["containerDefinitions"].(string)), &containers); err != nil {
		t.Fatal(err)
	}
	c := containers[0]
	if !c.ReadonlyRootFilesystem || c.Privileged {
		t.Errorf("container readonlyRootFilesystem/privileged = %v/%v, want true/false", c.ReadonlyRootFilesystem, c.Privileged)
	}
	if len(c.MountPoints) != 1 || c.MountPoints[0].ContainerPath != "/tmp" {
		t.Errorf("mount points = %+v, want a scratch volume on /tmp", c.MountPoints)
	}
	// The bucket grant brings BUCKET_NAME; names are sorted.
	if len(c.Environment) != 3 || c.Environment[0].Name != "BUCKET_NAME" || c.Environment[1] != (nameValue{"DB_HOST", "db.internal"}) {
		t.Errorf("environment = %+v, want BUCKET_NAME, DB_HOST and DB_PORT in order", c.Environment)
	}
	if len(c.Secrets) != 1 || c.Secrets[0].Name != "DB_PASSWORD" || c.Secrets[0].ValueFrom != secretARN+":password::" {
		t.Errorf("secrets = %+v, want DB_PASSWORD from the secret's password key", c.Secrets)
	}
	for _, e := range c.Environment {
		if strings.Contains(strings.ToLower(e.Name), "password") || strings.Contains(e.Value, "arn:") {
			t.Errorf("environment holds %s=%s: secrets belong in secrets", e.Name, e.Value)
		}
	}
	if c.LogConfiguration.LogDriver != "awslogs" || c.LogConfiguration.Options["awslogs-group"] != p.Outputs["logGroup"] {
		t.Errorf("log configuration = %+v, want awslogs to the service's group", c.LogConfiguration)
	}
	if c.HealthCheck == nil || !strings.Contains(strings.Join(c.HealthCheck.Command, " "), "localhost:8080/health") {
		t.Errorf("container health check = %+v", c.HealthCheck)
	}

	// Every IAM statement is scoped; trust is limited to ECS of this account.
	for _, role := range p.ByType("aws:iam/role:Role") {
		if role.Parent != comp.URN {
			continue
		}
		st := plantest.StatementAt(t, role.Inputs["assumeRolePolicy"], 0)
		if st.Principal["Service"] != "ecs-tasks.amazonaws.com" || st.Condition["StringEquals"]["aws:SourceAccount"] != plan.DefaultAccountID {
			t.Errorf("role %s trust = %+v", role.Name, st)
		}
	}
	bucketArn := p.Outputs["bucketArn"].(string)
	var execActions []string
	for _, pol := range p.ByType(policyType) {
		for _, st := range plantest.ParsePolicy(t, pol.Inputs["policy"]).Statement {
			for _, a := range st.Action {
				if a == "*" || strings.HasSuffix(a, ":*") {
					t.Errorf("policy %s grants %s", pol.Name, a)
				}
				if pol.Name == "web-execution" {
					execActions = append(execActions, a)
				}
				for _, r := range st.Resource {
					if r == "*" && !slices.Contains(unscopable, a) {
						t.Errorf("policy %s grants %s on *", pol.Name, a)
					}
				}
			}
			if strings.HasPrefix(pol.Name, "web-task-") {
				for _, r := range st.Resource {
					if !strings.HasPrefix(r, bucketArn) && !strings.Contains(r, ":key/") {
						t.Errorf("task role reaches %s, want only the bucket and its key", r)
					}
				}
			}
		}
	}
	for _, want := range []string{"ecr:BatchGetImage", "logs:PutLogEvents", "secretsmanager:GetSecretValue", "kms:Decrypt"} {
		if !slices.Contains(execActions, want) {
			t.Errorf("execution policy lacks %s: %v", want, execActions)
		}
	}
	exec := plantest.ParsePolicy(t, plantest.Find(t, p, policyType, "web-execution").Inputs["policy"])
	for _, st := range exec.Statement {
		switch st.Sid {
		case "PullImage":
			if st.Resource[0] != "arn:aws:ecr:us-east-1:123456789012:repository/shop/web" {
				t.Errorf("image pull on %v, want the shop/web repository", st.Resource)
			}
		case "ReadSecrets":
			if !slices.Equal(st.Resource, []string{secretARN}) {
				t.Errorf("secret read on %v, want exactly %s", st.Resource, secretARN)
			}
		}
	}

	target := plantest.One(t, p, "aws:appautoscaling/target:Target")
	if target.Inputs["minCapacity"] != 1.0 || target.Inputs["maxCapacity"] != 10.0 {
		t.Errorf("scaling target = %v-%v, want 1-10", target.Inputs["minCapacity"], target.Inputs["maxCapacity"])
	}
	cpu := plantest.Find(t, p, "aws:appautoscaling/policy:Policy", "web-cpu")
	for path, want := range map[string]any{
		"policyType": "TargetTrackingScaling",
		"targetTrackingScalingPolicyConfiguration.targetValue":                                        70.0,
		"targetTrackingScalingPolicyConfiguration.scaleInCooldown":                                    300.0,
		"targetTrackingScalingPolicyConfiguration.scaleOutCooldown":                                   60.0,
		"targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType": "ECSServiceAverageCPUUtilization",
	} {
		if got, _ := cpu.Input(path); got != want {
			t.Errorf("CPU policy %s = %v, want %v", path, got, want)
		}
	}
	if n := len(p.ByType("aws:appautoscaling/policy:Policy")); n != 1 {
		t.Errorf("%d scaling policies, want only CPU by default", n)
	}
}

func TestPlainHTTPWithoutCertificate(t *testing.T) {
	p, err := run(t, withNetwork(Args{}), false)
	if err != nil {
		t.Fatal(err)
	}
	ls := p.ByType(listenerType)
	if len(ls) != 1 {
		t.Fatalf("%d listeners, want only HTTP", len(ls))
	}
	l := ls[0]
	if l.Inputs["port"] != 80.0 || l.Inputs["protocol"] != "HTTP" {
		t.Errorf("listener = %v/%v, want 80/HTTP", l.Inputs["port"], l.Inputs["protocol"])
	}
	if got, _ := l.Input("defaultActions.0.type"); got != "forward" {
		t.Errorf("listener action = %v, want forward", got)
	}
	if got, _ := l.Input("tags." + WarningTag); got == nil || !strings.Contains(got.(string), "plain HTTP") {
		t.Errorf("listener tags = %v, want a %s tag", l.Inputs["tags"], WarningTag)
	}
	if !strings.HasPrefix(p.Outputs["url"].(string), "http://") {
		t.Errorf("url = %v, want http://…", p.Outputs["url"])
	}
	// A public image needs no ECR permissions at all.
	for _, st := range plantest.ParsePolicy(t, plantest.Find(t, p, policyType, "web-execution").Inputs["policy"]).Statement {
		if strings.HasPrefix(st.Action[0], "ecr:") {
			t.Errorf("execution policy has %v for a public image", st.Action)
		}
	}
}

// TestSpotCapacity: a strategy replaces the launch type, names only the
// providers its cluster has, and gives the container the interruption
// warning to stop in; without one the service keeps its launch type.
func TestSpotCapacity(t *testing.T) {
	p, err := run(t, withNetwork(Args{Architecture: X86_64, DeregistrationDelaySeconds: 20, Capacity: &Capacity{OnDemandBase: 1, OnDemandWeight: 1, SpotWeight: 3}}), false)
	if err != nil {
		t.Fatal(err)
	}
	svc := plantest.One(t, p, "aws:ecs/service:Service")
	if lt, ok := svc.Inputs["launchType"]; ok {
		t.Errorf("a service with a capacity strategy has launchType %v: ECS refuses both", lt)
	}
	want := []any{
		map[string]any{"capacityProvider": "FARGATE", "base": 1.0, "weight": 1.0},
		map[string]any{"capacityProvider": "FARGATE_SPOT", "base": 0.0, "weight": 3.0},
	}
	if got := svc.Inputs["capacityProviderStrategies"]; !equalJSON(got, want) {
		t.Errorf("strategy = %v, want %v", got, want)
	}
	if svc.Inputs["forceNewDeployment"] != true {
		t.Errorf("forceNewDeployment = %v: ECS applies a changed strategy only with a new deployment", svc.Inputs["forceNewDeployment"])
	}
	cp := plantest.One(t, p, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")
	if got := cp.Inputs["capacityProviders"]; !equalJSON(got, []any{"FARGATE", "FARGATE_SPOT"}) {
		t.Errorf("cluster providers = %v", got)
	}
	if !slices.Contains(svc.Dependencies, cp.URN) {
		t.Errorf("the service does not wait for its cluster's providers: %v", svc.Dependencies)
	}
	var defs []map[string]any
	td := plantest.One(t, p, "aws:ecs/taskDefinition:TaskDefinition")
	if err := json.Unmarshal([]byte(td.Inputs["containerDefinitions"].(string)), &defs); err != nil {
		t.Fatal(err)
	}
	if defs[0]["stopTimeout"] != float64(SpotStopTimeout) {
		t.Errorf("stopTimeout = %v, want %d (the whole warning after SIGTERM)", defs[0]["stopTimeout"], SpotStopTimeout)
	}
	if got := plantest.One(t, p, "aws:lb/targetGroup:TargetGroup").Inputs["deregistrationDelay"]; got != 20.0 {
		t.Errorf("deregistration delay = %v", got)
	}

	on, err := run(t, withNetwork(Args{}), false)
	if err != nil {
		t.Fatal(err)
	}
	if got := plantest.One(t, on, "aws:ecs/service:Service").Inputs["launchType"]; got != "FARGATE" {
		t.Errorf("on-demand launch type = %v", got)
	}
	if n := len(on.ByType("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")); n != 0 {
		t.Errorf("an on-demand service made %d provider associations", n)
	}
	var onDefs []map[string]any
	if err := json.Unmarshal([]byte(plantest.One(t, on, "aws:ecs/taskDefinition:TaskDefinition").Inputs["containerDefinitions"].(string)), &onDefs); err != nil {
		t.Fatal(err)
	}
	if _, ok := onDefs[0]["stopTimeout"]; ok {
		t.Errorf("an on-demand container has a stop timeout: %v", onDefs[0]["stopTimeout"])
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestOptionalScalingAndExistingCluster(t *testing.T) {
	p, err := run(t, withNetwork(Args{
		ClusterARN:   pulumi.String("arn:aws:ecs:us-east-1:123456789012:cluster/shared"),
		MemoryTarget: 80, RequestsPerTarget: 500, MinTasks: 2, MaxTasks: 6,
	}), false)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.ByType("aws:ecs/cluster:Cluster")); n != 0 {
		t.Errorf("an existing cluster still created %d clusters", n)
	}
	if got := plantest.One(t, p, "aws:ecs/service:Service").Inputs["cluster"]; got != "arn:aws:ecs:us-east-1:123456789012:cluster/shared" {
		t.Errorf("service cluster = %v", got)
	}
	target := plantest.One(t, p, "aws:appautoscaling/target:Target")
	if got := target.Inputs["resourceId"].(string); !strings.HasPrefix(got, "service/shared/") {
		t.Errorf("scaling resource = %q, want service/shared/…", got)
	}
	req := plantest.Find(t, p, "aws:appautoscaling/policy:Policy", "web-requests")
	label, _ := req.Input("targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel")
	if l, _ := label.(string); !strings.HasPrefix(l, "app/web-") || !strings.Contains(l, "/targetgroup/web-") {
		t.Errorf("request-count label = %v, want app/<alb>/<id>/targetgroup/<tg>/<id>", label)
	}
	plantest.Find(t, p, "aws:appautoscaling/policy:Policy", "web-memory")
}

// TestSecurityGroupsChainByReference: the service owns its two groups; the
// world reaches only the load balancer (443 and 80 with a certificate, 80
// alone without one, where nothing listens on 443), the load balancer only
// the tasks on the service's own port, the tasks only 443 out, or nothing
// with EgressNone.
func TestSecurityGroupsChainByReference(t *testing.T) {
	for _, tc := range []struct {
		name string
		args Args
		want []string
	}{
		{"with a certificate", Args{Port: 9090, CertificateARN: pulumi.String(certARN)}, []string{
			"alb in 443 from 0.0.0.0/0", "alb in 80 from 0.0.0.0/0", "alb out 9090 to tasks", "tasks in 9090 from alb", "tasks out 443 to 0.0.0.0/0"}},
		{"without one", Args{Port: 9090}, []string{
			"alb in 80 from 0.0.0.0/0", "alb out 9090 to tasks", "tasks in 9090 from alb", "tasks out 443 to 0.0.0.0/0"}},
		{"without Internet egress", Args{Port: 9090, Egress: EgressNone}, []string{
			"alb in 80 from 0.0.0.0/0", "alb out 9090 to tasks", "tasks in 9090 from alb"}},
	} {
		p, err := run(t, withNetwork(tc.args), false)
		if err != nil {
			t.Fatal(err)
		}
		edges := plantest.SecurityGroupEdges(t, p, map[string]string{
			p.Outputs["albGroup"].(string): "alb", p.Outputs["tasksGroup"].(string): "tasks",
		})
		if !slices.Equal(edges, tc.want) {
			t.Errorf("%s: security group edges = %v\nwant %v", tc.name, edges, tc.want)
		}
	}
	p, err := run(t, withNetwork(Args{Port: 9090}), false)
	if err != nil {
		t.Fatal(err)
	}
	tg := plantest.One(t, p, "aws:lb/targetGroup:TargetGroup")
	if tg.Inputs["port"] != 9090.0 {
		t.Errorf("target group port = %v, want the service's 9090", tg.Inputs["port"])
	}
}

// TestInternalLoadBalancer: in the private subnets, the internal scheme,
// reachable only from the blocks and groups it names.
func TestInternalLoadBalancer(t *testing.T) {
	p, err := run(t, withNetwork(Args{Internal: true, AllowedIngressCIDRs: []string{"10.20.0.0/16"}, CertificateARN: pulumi.String(certARN),
		AllowedSecurityGroupIDs: []pulumi.StringInput{pulumi.String("sg-0b0b0b0b0b0b0b0b0")}}), false)
	if err != nil {
		t.Fatal(err)
	}
	alb := plantest.One(t, p, "aws:lb/loadBalancer:LoadBalancer")
	if alb.Inputs["internal"] != true || !slices.Equal(alb.Inputs["subnets"].([]any), []any{"subnet-priv1", "subnet-priv2"}) {
		t.Errorf("load balancer internal %v in %v, want internal in the private subnets", alb.Inputs["internal"], alb.Inputs["subnets"])
	}
	edges := plantest.SecurityGroupEdges(t, p, map[string]string{
		p.Outputs["albGroup"].(string): "alb", p.Outputs["tasksGroup"].(string): "tasks", "sg-0b0b0b0b0b0b0b0b0": "bastion",
	})
	for _, want := range []string{"alb in 443 from 10.20.0.0/16", "alb in 443 from bastion", "alb in 80 from bastion"} {
		if !slices.Contains(edges, want) {
			t.Errorf("security group edges = %v, want %q among them", edges, want)
		}
	}
	for _, e := range edges {
		if strings.Contains(e, "0.0.0.0/0") && strings.HasPrefix(e, "alb in") {
			t.Errorf("an internal load balancer admits the world: %s", e)
		}
	}
}

// TestGrantsConnect: a grant's policy goes on the task role, its settings
// and secrets reach the container (secrets by valueFrom, read by the
// execution role with the secret's key), and its network path opens from
// the tasks' group to the granted group and back, by reference.
func TestGrantsConnect(t *testing.T) {
	const keyARN = "arn:aws:kms:us-east-1:123456789012:key/db"
	db := grant.Grant{
		What:        "database main",
		Network:     &grant.Network{Name: "main", SecurityGroupID: pulumi.String("sg-db"), Port: 5432, Protocol: "PostgreSQL"},
		Environment: map[string]pulumi.StringInput{"DB_HOST": pulumi.String("db.internal")},
		Secrets: []grant.Secret{{Env: "DB_PASSWORD", ARNEnv: "DB_SECRET_ARN", ARN: pulumi.String(secretARN), JSONKey: "password",
			KMSKeyARN: pulumi.String(keyARN)}},
	}
	p, err := run(t, withNetwork(Args{Grants: []grant.Grant{db}}), true)
	if err != nil {
		t.Fatal(err)
	}
	edges := plantest.SecurityGroupEdges(t, p, map[string]string{
		p.Outputs["albGroup"].(string): "alb", p.Outputs["tasksGroup"].(string): "tasks", "sg-db": "db",
	})
	for _, want := range []string{"tasks out 5432 to db", "db in 5432 from tasks"} {
		if !slices.Contains(edges, want) {
			t.Errorf("security group edges = %v, want %q among them", edges, want)
		}
	}
	plantest.Find(t, p, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "web-to-main")
	plantest.Find(t, p, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "main-from-web")

	var containers []map[string]any
	if err := json.Unmarshal([]byte(plantest.One(t, p, "aws:ecs/taskDefinition:TaskDefinition").Inputs["containerDefinitions"].(string)), &containers); err != nil {
		t.Fatal(err)
	}
	if len(containers) != 1 {
		t.Fatalf("%d containers, want 1", len(containers))
	}
	env := map[string]any{}
	for _, e := range containers[0]["environment"].([]any) {
		env[e.(map[string]any)["name"].(string)] = e.(map[string]any)["value"]
	}
	if env["DB_HOST"] != "db.internal" || env["BUCKET_NAME"] == nil {
		t.Errorf("container environment = %v, want DB_HOST and BUCKET_NAME from the grants", env)
	}
	secrets := containers[0]["secrets"].([]any)
	if len(secrets) != 1 || secrets[0].(map[string]any)["valueFrom"] != secretARN+":password::" {
		t.Errorf("container secrets = %v, want DB_PASSWORD from the secret's password key", secrets)
	}
	exec := plantest.ParsePolicy(t, plantest.Find(t, p, policyType, "web-execution").Inputs["policy"])
	reads, decrypts := false, false
	for _, st := range exec.Statement {
		reads = reads || (slices.Contains(st.Action, "secretsmanager:GetSecretValue") && slices.Equal(st.Resource, []string{secretARN}))
		decrypts = decrypts || (slices.Contains(st.Action, "kms:Decrypt") && slices.Equal(st.Resource, []string{keyARN}))
	}
	if !reads || !decrypts {
		t.Errorf("execution policy = %+v, want it to read the granted secret with its key", exec)
	}
	// The database grant has no policy: the bucket's is the one task policy.
	if n := len(p.ByType(policyType)); n != 2 {
		t.Errorf("%d role policies, want the execution policy and the bucket grant's", n)
	}
	plantest.Find(t, p, policyType, "web-task-0")
}

// TestAlarms: the service's alarms watch its real load balancer, target
// group and service, notify the topic, treat missing data as each
// metric's nature requires, and take their thresholds from Args.
func TestAlarms(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:123456789012:alarms"
	p, err := run(t, withNetwork(Args{MinTasks: 2, Alarms: Alarms{TopicARN: pulumi.String(topic), LatencyP99Seconds: 0.5}}), false)
	if err != nil {
		t.Fatal(err)
	}
	lb := plantest.One(t, p, "aws:lb/loadBalancer:LoadBalancer")
	svc := plantest.One(t, p, "aws:ecs/service:Service")
	alarms := map[string]*plan.Resource{}
	for _, a := range p.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		alarms[a.Name] = a
		if got := a.Inputs["alarmActions"]; !slices.Equal(got.([]any), []any{topic}) || a.Inputs["name"] != a.Name {
			t.Errorf("alarm %s actions %v name %v, want the topic and its own name", a.Name, got, a.Inputs["name"])
		}
	}
	for _, name := range []string{"web-lb-5xx", "web-target-5xx", "web-unhealthy-targets", "web-p99-latency", "web-running-tasks", "web-cpu", "web-memory"} {
		if alarms[name] == nil {
			t.Errorf("no alarm %s; the plan has %v", name, slices.Sorted(maps.Keys(alarms)))
		}
	}
	if len(alarms) != 7 {
		t.Fatalf("%d alarms, want 7", len(alarms))
	}
	for name, want := range map[string]map[string]any{
		"web-p99-latency":   {"extendedStatistic": "p99", "threshold": 0.5, "treatMissingData": "notBreaching", "dimensions.LoadBalancer": lb.Outputs["arnSuffix"]},
		"web-running-tasks": {"threshold": 2.0, "comparisonOperator": "LessThanThreshold", "treatMissingData": "breaching", "dimensions.ServiceName": svc.Outputs["name"]},
		// One unhealthy task for two minutes is enough to page.
		"web-unhealthy-targets": {"threshold": 1.0, "comparisonOperator": "GreaterThanOrEqualToThreshold", "evaluationPeriods": 2.0, "dimensions.TargetGroup": plantest.One(t, p, "aws:lb/targetGroup:TargetGroup").Outputs["arnSuffix"]},
		"web-lb-5xx":            {"threshold": 5.0, "metricQueries.0.metric.dimensions.LoadBalancer": lb.Outputs["arnSuffix"], "metricQueries.2.expression": "IF(m2 > 0, 100 * m1 / m2, 0)"},
	} {
		for path, v := range want {
			if got, _ := alarms[name].Input(path); got != v {
				t.Errorf("alarm %s %s = %v, want %v", name, path, got, v)
			}
		}
	}
	_, err = run(t, withNetwork(Args{Alarms: Alarms{CPUPercent: 101, LatencyP99Seconds: 0.001}}), false)
	plantest.ExpectProblems(t, nil, err, "Alarms.CPUPercent must be 1 to 100, got 101", "Alarms.LatencyP99Seconds must be 0.01 to 60, got 0.001")
}

// TestServiceCallsServiceThroughConnect: web calls an internal service on
// 8081 through orders.Connect, with and without a certificate: the only
// paths into orders are web's group to its load balancer's group on the
// listener port, and the load balancer to its tasks on 8081; web gets
// ORDERS_URL with the listener's scheme.
func TestServiceCallsServiceThroughConnect(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cert   pulumi.StringInput
		port   int
		scheme string
	}{{"with a certificate", pulumi.String(certARN), 443, "https://"}, {"without one", nil, 80, "http://"}} {
		t.Run(tc.name, func(t *testing.T) {
			var orders *AppService
			p, err := plan.Run(func(ctx *pulumi.Context) error {
				var err error
				orders, err = New(ctx, "orders", withNetwork(Args{Internal: true, Port: 8081, CertificateARN: tc.cert}))
				if err != nil {
					return err
				}
				web, err := New(ctx, "web", withNetwork(Args{Grants: []grant.Grant{orders.Connect(nil)}}))
				if err != nil {
					return err
				}
				ctx.Export("webTasks", web.SecurityGroupID)
				ctx.Export("webAlb", web.LoadBalancerSecurityGroupID)
				ctx.Export("ordersAlb", orders.LoadBalancerSecurityGroupID)
				ctx.Export("ordersTasks", orders.SecurityGroupID)
				return nil
			}, plan.Options{Project: "shop", Stack: "dev"})
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]string{}
			for _, k := range []string{"webTasks", "webAlb", "ordersAlb", "ordersTasks"} {
				names[p.Outputs[k].(string)] = k
			}
			var intoOrders []string // every path into orders
			for _, e := range plantest.SecurityGroupEdges(t, p, names) {
				// Ingress on orders' groups, and egress that reaches them.
				if strings.HasPrefix(e, "orders") && strings.Contains(e, " in ") || strings.HasSuffix(e, " to ordersAlb") || strings.HasSuffix(e, " to ordersTasks") {
					intoOrders = append(intoOrders, e)
				}
			}
			want := []string{
				fmt.Sprintf("ordersAlb in %d from webTasks", tc.port), "ordersAlb out 8081 to ordersTasks",
				"ordersTasks in 8081 from ordersAlb", fmt.Sprintf("webTasks out %d to ordersAlb", tc.port),
			}
			if !slices.Equal(intoOrders, want) {
				t.Errorf("paths touching orders = %v\nwant exactly %v", intoOrders, want)
			}
			for typ, name := range map[string]string{"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "web-to-orders", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "orders-from-web"} {
				if r := plantest.Find(t, p, typ, name); r.Parent != "urn:pulumi:dev::shop::strata:appservice:AppService::web" {
					t.Errorf("rule %s is a child of %s, want web's", name, r.Parent)
				}
			}
			var defs []map[string]any
			td := plantest.Find(t, p, "aws:ecs/taskDefinition:TaskDefinition", "web")
			if err := json.Unmarshal([]byte(td.Inputs["containerDefinitions"].(string)), &defs); err != nil {
				t.Fatal(err)
			}
			url := ""
			for _, e := range defs[0]["environment"].([]any) {
				if m := e.(map[string]any); m["name"] == "ORDERS_URL" {
					url = m["value"].(string)
				}
			}
			if !strings.HasPrefix(url, tc.scheme) || !strings.Contains(url, "orders-") {
				t.Errorf("ORDERS_URL = %q, want %s and orders' load balancer", url, tc.scheme)
			}
		})
	}
	// An internet-facing service is not connected by reference.
	_, err := plan.Run(func(ctx *pulumi.Context) error {
		public, err := New(ctx, "public", withNetwork(Args{}))
		if err != nil {
			return err
		}
		_, err = New(ctx, "web", withNetwork(Args{Grants: []grant.Grant{public.Connect(&ConnectOptions{EnvPrefix: "1X"})}}))
		return err
	}, plan.Options{Project: "shop", Stack: "dev"})
	for _, want := range []string{"Connect reaches an Internal service, and public is internet-facing", `ConnectOptions.EnvPrefix must be letters, digits and underscores starting with a letter, got "1X"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want %q", err, want)
		}
	}
	// A caller in another VPC fails naming both VPCs.
	_, err = plan.Run(func(ctx *pulumi.Context) error {
		orders, err := New(ctx, "orders", withNetwork(Args{Internal: true}))
		if err != nil {
			return err
		}
		other := withNetwork(Args{Grants: []grant.Grant{orders.Connect(nil)}})
		other.VpcID = pulumi.String("vpc-0ffffffffffffffff").ToStringOutput()
		_, err = New(ctx, "web", other)
		return err
	}, plan.Options{Project: "shop", Stack: "dev"})
	if err == nil || !strings.Contains(err.Error(), "web is in VPC vpc-0ffffffffffffffff, service orders in VPC vpc-0123456789abcdef0") {
		t.Errorf("a cross-VPC call: error = %v", err)
	}
}
