package appservice

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/iamdoc"
	"github.com/strata-infra/strata/internal/tags"
)

// Type is the component's type token. Changing it replaces the service of
// every stack that uses it, unless an alias is added.
const Type = "strata:appservice:AppService"

// WarningTag marks a resource with a weakness the caller chose, such as
// plain HTTP; `strata plan` lists every resource that carries it.
const WarningTag = tags.Warning

// AppService is a container service on ECS Fargate behind an HTTPS
// Application Load Balancer, with autoscaling and least-privilege roles.
type AppService struct {
	pulumi.ResourceState

	// URL is the service's address: https://<ALB DNS name>, or http:// when
	// there is no certificate.
	URL pulumi.StringOutput
	// ALBARN and ALBDNSName identify the load balancer.
	ALBARN     pulumi.StringOutput
	ALBDNSName pulumi.StringOutput
	// ClusterName and ServiceName identify the ECS service.
	ClusterName pulumi.StringOutput
	ServiceName pulumi.StringOutput
	// ExecutionRoleARN is the role ECS uses to start the task (image pull,
	// logs, secrets); TaskRoleARN is the application's own role.
	ExecutionRoleARN pulumi.StringOutput
	TaskRoleARN      pulumi.StringOutput
	// LogGroupName is the container log's group.
	LogGroupName pulumi.StringOutput
	// HTTPS tells whether the load balancer terminates TLS.
	HTTPS bool
}

var (
	ecrImage   = regexp.MustCompile(`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/([^:@]+)`)
	familySafe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)
)

// New validates args and creates an AppService. Nothing is registered when
// args are invalid; the error lists every problem.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*AppService, error) {
	a := args.withDefaults()
	if err := validate(name, a); err != nil {
		return nil, err
	}
	s := &AppService{HTTPS: a.CertificateARN != nil}
	if err := ctx.RegisterComponentResource(Type, name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	wrap := func(what string, err error) error { return fmt.Errorf("appservice %q: %s: %w", name, what, err) }
	env, err := awsenv.Lookup(ctx, parent)
	if err != nil {
		return nil, wrap("reading the environment", err)
	}

	// The cluster.
	clusterArn, clusterName := pulumi.StringOutput{}, pulumi.StringOutput{}
	if a.ClusterARN != nil {
		clusterArn = a.ClusterARN.ToStringOutput()
		clusterName = clusterArn.ApplyT(func(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }).(pulumi.StringOutput)
	} else {
		cluster, err := ecs.NewCluster(ctx, name, &ecs.ClusterArgs{
			Settings: ecs.ClusterSettingArray{&ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")}},
		}, parent)
		if err != nil {
			return nil, wrap("creating the cluster", err)
		}
		clusterArn, clusterName = cluster.Arn, cluster.Name
	}
	s.ClusterName = clusterName

	logs, err := cloudwatch.NewLogGroup(ctx, name, &cloudwatch.LogGroupArgs{RetentionInDays: pulumi.Int(a.LogRetentionDays)}, parent)
	if err != nil {
		return nil, wrap("creating the log group", err)
	}
	s.LogGroupName = logs.Name

	// Two roles: ECS starts the task with one, the application runs with
	// the other (CKV_AWS_249).
	trust, err := iamdoc.ServiceTrust("ecs-tasks.amazonaws.com", env.AccountID, env.ARN("ecs", env.Region, "*")).JSON()
	if err != nil {
		return nil, wrap("writing the trust policy", err)
	}
	execRole, err := iam.NewRole(ctx, name+"-execution", &iam.RoleArgs{
		Description:         pulumi.Sprintf("ECS starts the tasks of %s with it: image pull, logs, secrets", name),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: iamdoc.PermissionsBoundary(a.PermissionsBoundaryARN),
	}, parent)
	if err != nil {
		return nil, wrap("creating the execution role", err)
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-execution", &iam.RolePolicyArgs{
		Role:   execRole.ID(),
		Policy: executionPolicy(a, env, logs.Arn),
	}, parent); err != nil {
		return nil, wrap("granting the execution role", err)
	}
	taskRole, err := iam.NewRole(ctx, name+"-task", &iam.RoleArgs{
		Description:         pulumi.Sprintf("The application %s runs with it", name),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: iamdoc.PermissionsBoundary(a.PermissionsBoundaryARN),
	}, parent)
	if err != nil {
		return nil, wrap("creating the task role", err)
	}
	for i, g := range a.Grants {
		if _, err := iam.NewRolePolicy(ctx, fmt.Sprintf("%s-task-%d", name, i), &iam.RolePolicyArgs{
			Role: taskRole.ID(), Policy: g.Policy(),
		}, parent); err != nil {
			return nil, wrap("granting "+g.What(), err)
		}
	}
	s.ExecutionRoleARN, s.TaskRoleARN = execRole.Arn, taskRole.Arn

	// The load balancer, its target group and listeners.
	var accessLogs *lb.LoadBalancerAccessLogsArgs
	if a.AccessLogBucket != nil {
		accessLogs = &lb.LoadBalancerAccessLogsArgs{Bucket: a.AccessLogBucket, Enabled: pulumi.Bool(true), Prefix: pulumi.String(name)}
	}
	alb, err := lb.NewLoadBalancer(ctx, name, &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		SecurityGroups:           pulumi.StringArray{a.ALBSecurityGroupID},
		Subnets:                  a.PublicSubnetIDs,
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("defensive"),
		EnableDeletionProtection: pulumi.Bool(a.DeletionProtection),
		AccessLogs:               accessLogs,
	}, parent)
	if err != nil {
		return nil, wrap("creating the load balancer", err)
	}
	s.ALBARN, s.ALBDNSName = alb.Arn, alb.DnsName
	hc := a.HealthCheck
	tg, err := lb.NewTargetGroup(ctx, name, &lb.TargetGroupArgs{
		Port:                pulumi.Int(a.Port),
		Protocol:            pulumi.String("HTTP"),
		TargetType:          pulumi.String("ip"),
		VpcId:               a.VpcID,
		DeregistrationDelay: pulumi.Int(a.DeregistrationDelaySeconds),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String("traffic-port"),
			Path:               pulumi.String(hc.Path),
			Interval:           pulumi.Int(hc.IntervalSeconds),
			Timeout:            pulumi.Int(hc.TimeoutSeconds),
			HealthyThreshold:   pulumi.Int(hc.HealthyThreshold),
			UnhealthyThreshold: pulumi.Int(hc.UnhealthyThreshold),
			Matcher:            pulumi.String(hc.Matcher),
		},
	}, parent)
	if err != nil {
		return nil, wrap("creating the target group", err)
	}
	forward := lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: tg.Arn}}
	var listeners []pulumi.Resource
	if s.HTTPS {
		var warning pulumi.StringMap
		if arn, plain := a.CertificateARN.(pulumi.String); plain && IsPlaceholderCertificate(string(arn)) {
			warning = pulumi.StringMap{WarningTag: pulumi.String("the certificate is a placeholder (all-zero ID) - the HTTPS listener cannot be created until it names a real ACM certificate")}
		}
		https, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn, Port: pulumi.Int(443), Protocol: pulumi.String("HTTPS"),
			SslPolicy: pulumi.String(TLSPolicy), CertificateArn: a.CertificateARN, DefaultActions: forward,
			Tags: warning,
		}, parent)
		if err != nil {
			return nil, wrap("creating the HTTPS listener", err)
		}
		redirect, err := lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn, Port: pulumi.Int(80), Protocol: pulumi.String("HTTP"),
			DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
				Type: pulumi.String("redirect"),
				Redirect: &lb.ListenerDefaultActionRedirectArgs{
					Port: pulumi.String("443"), Protocol: pulumi.String("HTTPS"), StatusCode: pulumi.String("HTTP_301"),
				},
			}},
		}, parent)
		if err != nil {
			return nil, wrap("creating the HTTP redirect", err)
		}
		listeners = append(listeners, https, redirect)
		s.URL = pulumi.Sprintf("https://%s", alb.DnsName)
	} else {
		plain, err := lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn, Port: pulumi.Int(80), Protocol: pulumi.String("HTTP"), DefaultActions: forward,
			Tags: pulumi.StringMap{WarningTag: pulumi.String("plain HTTP on port 80 - no certificate so traffic is not encrypted")},
		}, parent)
		if err != nil {
			return nil, wrap("creating the HTTP listener", err)
		}
		listeners = append(listeners, plain)
		s.URL = pulumi.Sprintf("http://%s", alb.DnsName)
	}

	// The task definition: one container, read-only root, secrets by
	// reference, logs to its own group.
	family := strings.Trim(familySafe.ReplaceAllString(ctx.Project()+"-"+ctx.Stack()+"-"+name, "-"), "-")
	task, err := ecs.NewTaskDefinition(ctx, name, &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(family),
		Cpu:                     pulumi.String(strconv.Itoa(a.CPU)),
		Memory:                  pulumi.String(strconv.Itoa(a.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(a.Architecture),
		},
		ExecutionRoleArn:     execRole.Arn,
		TaskRoleArn:          taskRole.Arn,
		Volumes:              ecs.TaskDefinitionVolumeArray{&ecs.TaskDefinitionVolumeArgs{Name: pulumi.String("scratch")}},
		ContainerDefinitions: containerDefinitions(a, env.Region, logs.Name),
	}, parent)
	if err != nil {
		return nil, wrap("creating the task definition", err)
	}

	service, err := ecs.NewService(ctx, name, &ecs.ServiceArgs{
		Cluster:         clusterArn,
		TaskDefinition:  task.Arn,
		LaunchType:      pulumi.String("FARGATE"),
		PlatformVersion: pulumi.String("LATEST"),
		DesiredCount:    pulumi.Int(a.DesiredTasks),
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        a.PrivateSubnetIDs,
			SecurityGroups: pulumi.StringArray{a.AppSecurityGroupID},
			AssignPublicIp: pulumi.Bool(false),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: tg.Arn, ContainerName: pulumi.String(containerName), ContainerPort: pulumi.Int(a.Port),
		}},
		DeploymentMinimumHealthyPercent: pulumi.Int(a.MinHealthyPercent),
		DeploymentMaximumPercent:        pulumi.Int(a.MaxPercent),
		DeploymentCircuitBreaker:        &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		HealthCheckGracePeriodSeconds:   pulumi.Int(a.HealthCheckGracePeriodSeconds),
		PropagateTags:                   pulumi.String("SERVICE"),
		EnableEcsManagedTags:            pulumi.Bool(true),
	}, parent, pulumi.IgnoreChanges([]string{"desiredCount"}), pulumi.DependsOn(listeners))
	if err != nil {
		return nil, wrap("creating the service", err)
	}
	s.ServiceName = service.Name

	if err := scaling(ctx, name, a, clusterName, service.Name, alb.ArnSuffix, tg.ArnSuffix, parent); err != nil {
		return nil, wrap("configuring autoscaling", err)
	}

	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"url": s.URL, "albArn": s.ALBARN, "albDnsName": s.ALBDNSName,
		"clusterName": s.ClusterName, "serviceName": s.ServiceName,
		"executionRoleArn": s.ExecutionRoleARN, "taskRoleArn": s.TaskRoleARN, "logGroupName": s.LogGroupName,
	}); err != nil {
		return nil, wrap("registering outputs", err)
	}
	return s, nil
}

// scaling lets Application Auto Scaling own the desired count between
// MinTasks and MaxTasks, tracking CPU and, when asked, memory and requests.
func scaling(ctx *pulumi.Context, name string, a Args, cluster, service, albSuffix, tgSuffix pulumi.StringOutput, parent pulumi.ResourceOption) error {
	target, err := appautoscaling.NewTarget(ctx, name, &appautoscaling.TargetArgs{
		MinCapacity:       pulumi.Int(a.MinTasks),
		MaxCapacity:       pulumi.Int(a.MaxTasks),
		ResourceId:        pulumi.Sprintf("service/%s/%s", cluster, service),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ServiceNamespace:  pulumi.String("ecs"),
	}, parent)
	if err != nil {
		return err
	}
	type tracking struct {
		suffix, metric string
		value          float64
		label          pulumi.StringPtrInput
	}
	policies := []tracking{{"cpu", "ECSServiceAverageCPUUtilization", a.CPUTarget, nil}}
	if a.MemoryTarget > 0 {
		policies = append(policies, tracking{"memory", "ECSServiceAverageMemoryUtilization", a.MemoryTarget, nil})
	}
	if a.RequestsPerTarget > 0 {
		policies = append(policies, tracking{"requests", "ALBRequestCountPerTarget", float64(a.RequestsPerTarget),
			pulumi.Sprintf("%s/%s", albSuffix, tgSuffix)})
	}
	for _, t := range policies {
		if _, err := appautoscaling.NewPolicy(ctx, name+"-"+t.suffix, &appautoscaling.PolicyArgs{
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ResourceId:        target.ResourceId,
			ScalableDimension: target.ScalableDimension,
			ServiceNamespace:  target.ServiceNamespace,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				TargetValue:      pulumi.Float64(t.value),
				ScaleInCooldown:  pulumi.Int(a.ScaleInCooldownSeconds),
				ScaleOutCooldown: pulumi.Int(a.ScaleOutCooldownSeconds),
				PredefinedMetricSpecification: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
					PredefinedMetricType: pulumi.String(t.metric),
					ResourceLabel:        t.label,
				},
			},
		}, parent); err != nil {
			return err
		}
	}
	return nil
}

// executionPolicy lets ECS pull the image, write to the service's own log
// group, and read exactly the referenced secrets.
func executionPolicy(a Args, env awsenv.Env, logGroupArn pulumi.StringOutput) pulumi.StringOutput {
	ins := []any{logGroupArn}
	for _, sec := range a.Secrets {
		ins = append(ins, sec.ARN, optional(sec.KMSKeyARN))
	}
	return pulumi.All(ins...).ApplyT(func(v []any) (string, error) {
		logArn := v[0].(string)
		var statements []iamdoc.Statement
		if m := ecrImage.FindStringSubmatch(a.Image); m != nil {
			repo := fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", env.Partition, m[2], m[1], m[4])
			statements = append(statements,
				// GetAuthorizationToken has no resource to scope it to.
				iamdoc.Statement{Sid: "EcrLogin", Effect: iamdoc.Allow, Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
				iamdoc.Statement{Sid: "PullImage", Effect: iamdoc.Allow,
					Action:   []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
					Resource: []string{repo}})
		}
		statements = append(statements, iamdoc.Statement{
			Sid: "WriteLogs", Effect: iamdoc.Allow,
			Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logArn + ":log-stream:*"},
		})
		var secrets, params, keys []string
		for i := range a.Secrets {
			arn, key := v[1+2*i].(string), v[2+2*i].(string)
			if strings.Contains(arn, ":ssm:") {
				params = append(params, arn)
			} else {
				secrets = append(secrets, arn)
			}
			if key != "" {
				keys = append(keys, key)
			}
		}
		if len(secrets) > 0 {
			statements = append(statements, iamdoc.Statement{Sid: "ReadSecrets", Effect: iamdoc.Allow,
				Action: []string{"secretsmanager:GetSecretValue"}, Resource: unique(secrets)})
		}
		if len(params) > 0 {
			statements = append(statements, iamdoc.Statement{Sid: "ReadParameters", Effect: iamdoc.Allow,
				Action: []string{"ssm:GetParameters"}, Resource: unique(params)})
		}
		if len(keys) > 0 {
			statements = append(statements, iamdoc.Statement{Sid: "DecryptSecrets", Effect: iamdoc.Allow,
				Action: []string{"kms:Decrypt"}, Resource: unique(keys),
				Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": []string{
					"secretsmanager." + env.Region + ".amazonaws.com", "ssm." + env.Region + ".amazonaws.com"}}}})
		}
		return iamdoc.New(statements...).JSON()
	}).(pulumi.StringOutput)
}

// Container definition JSON, as ECS reads it.
type (
	container struct {
		Name                   string           `json:"name"`
		Image                  string           `json:"image"`
		Essential              bool             `json:"essential"`
		Command                []string         `json:"command,omitempty"`
		User                   string           `json:"user,omitempty"`
		PortMappings           []portMapping    `json:"portMappings"`
		Environment            []nameValue      `json:"environment"`
		Secrets                []secretRef      `json:"secrets"`
		LogConfiguration       logConfiguration `json:"logConfiguration"`
		HealthCheck            *healthCheck     `json:"healthCheck,omitempty"`
		ReadonlyRootFilesystem bool             `json:"readonlyRootFilesystem"`
		Privileged             bool             `json:"privileged"`
		MountPoints            []mountPoint     `json:"mountPoints"`
		LinuxParameters        linuxParameters  `json:"linuxParameters"`
	}
	portMapping struct {
		ContainerPort int    `json:"containerPort"`
		Protocol      string `json:"protocol"`
	}
	nameValue struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	secretRef struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	}
	logConfiguration struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	}
	healthCheck struct {
		Command     []string `json:"command"`
		Interval    int      `json:"interval"`
		Timeout     int      `json:"timeout"`
		Retries     int      `json:"retries"`
		StartPeriod int      `json:"startPeriod"`
	}
	mountPoint struct {
		SourceVolume  string `json:"sourceVolume"`
		ContainerPath string `json:"containerPath"`
		ReadOnly      bool   `json:"readOnly"`
	}
	linuxParameters struct {
		InitProcessEnabled bool `json:"initProcessEnabled"`
	}
)

// containerDefinitions renders the one container.
func containerDefinitions(a Args, region string, logGroup pulumi.StringOutput) pulumi.StringOutput {
	ins := []any{logGroup}
	for _, sec := range a.Secrets {
		ins = append(ins, sec.ARN)
	}
	envNames := sortedKeys(a.Environment)
	for _, k := range envNames {
		ins = append(ins, a.Environment[k])
	}
	return pulumi.All(ins...).ApplyT(func(v []any) (string, error) {
		c := container{
			Name: containerName, Image: a.Image, Essential: true, Command: a.Command, User: a.User,
			PortMappings: []portMapping{{ContainerPort: a.Port, Protocol: "tcp"}},
			Environment:  []nameValue{},
			Secrets:      []secretRef{},
			LogConfiguration: logConfiguration{LogDriver: "awslogs", Options: map[string]string{
				"awslogs-group": v[0].(string), "awslogs-region": region, "awslogs-stream-prefix": containerName,
			}},
			ReadonlyRootFilesystem: !a.WritableRootFilesystem,
			Privileged:             false,
			MountPoints:            []mountPoint{{SourceVolume: "scratch", ContainerPath: a.ScratchPath}},
			LinuxParameters:        linuxParameters{InitProcessEnabled: true},
		}
		for i, k := range envNames {
			c.Environment = append(c.Environment, nameValue{Name: k, Value: v[1+len(a.Secrets)+i].(string)})
		}
		for i, sec := range a.Secrets {
			from := v[1+i].(string)
			if sec.JSONKey != "" {
				from += ":" + sec.JSONKey + "::"
			}
			c.Secrets = append(c.Secrets, secretRef{Name: sec.Name, ValueFrom: from})
		}
		sort.Slice(c.Secrets, func(i, j int) bool { return c.Secrets[i].Name < c.Secrets[j].Name })
		command := a.ContainerHealthCheck
		if len(command) == 0 {
			command = []string{"CMD-SHELL", fmt.Sprintf("wget -q -O /dev/null http://localhost:%d%s || exit 1", a.Port, a.HealthCheck.Path)}
		}
		// ECS allows a start period of at most 300 seconds.
		c.HealthCheck = &healthCheck{Command: command, Interval: 30, Timeout: 5, Retries: 3, StartPeriod: min(a.HealthCheckGracePeriodSeconds, 300)}
		b, err := json.Marshal([]container{c})
		return string(b), err
	}).(pulumi.StringOutput)
}

func unique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// optional turns a nil input into an empty string.
func optional(in pulumi.StringInput) pulumi.StringInput {
	if in == nil {
		return pulumi.String("")
	}
	return in
}
