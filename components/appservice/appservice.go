package appservice

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/iamdoc"
	"github.com/strata-infra/strata/internal/kmskey"
	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/internal/steps"
	"github.com/strata-infra/strata/internal/tags"
	"github.com/strata-infra/strata/monitoring"
)

// Type is the component's type token. Changing it replaces the service of
// every stack that uses it, unless an alias is added.
const Type = "strata:appservice:AppService"

// WarningTag marks a resource with a weakness the caller chose, such as
// plain HTTP; `strata plan` lists every resource that carries it.
const WarningTag = tags.Warning

// AppService is a container service on ECS Fargate behind an Application
// Load Balancer, with its own security groups, autoscaling and
// least-privilege roles.
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
	// SecurityGroupID is the tasks' group: it admits only the service's own
	// load balancer, on Port. Name it where another resource should admit
	// this service (another service's AllowedSecurityGroupIDs).
	SecurityGroupID pulumi.StringOutput
	// LoadBalancerSecurityGroupID is the load balancer's group: it admits
	// the allowed CIDRs and groups on 443 and 80, and reaches only the tasks.
	LoadBalancerSecurityGroupID pulumi.StringOutput
	// HTTPS tells whether the load balancer terminates TLS.
	HTTPS bool
	// Internal tells whether the load balancer is internal.
	Internal bool
	// Dashboard is the service's dashboard row: the metrics its alarms
	// watch (monitoring.Body renders rows).
	Dashboard monitoring.Row

	name  string
	vpcID pulumi.StringInput
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
	s := &AppService{HTTPS: a.CertificateARN != nil, Internal: a.Internal, name: name, vpcID: a.VpcID}
	if err := ctx.RegisterComponentResource(Type, name, s, opts...); err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, a: a, s: s, parent: pulumi.Parent(s), settings: settingsOf(a)}
	if err := steps.Run("appservice", name,
		steps.Step{What: "reading the environment", Run: b.environment},
		steps.Step{What: "creating the cluster", Run: b.cluster},
		steps.Step{What: "creating the roles", Run: b.roles},
		steps.Step{What: "creating the security groups", Run: b.securityGroups},
		steps.Step{What: "connecting the grants", Run: b.grantPaths},
		steps.Step{What: "creating the load balancer", Run: b.loadBalancer},
		steps.Step{What: "creating the service", Run: b.service},
		steps.Step{What: "configuring autoscaling", Run: b.scaling},
		steps.Step{What: "creating the alarms", Run: b.alarms},
	); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"url": s.URL, "albArn": s.ALBARN, "albDnsName": s.ALBDNSName,
		"clusterName": s.ClusterName, "serviceName": s.ServiceName,
		"executionRoleArn": s.ExecutionRoleARN, "taskRoleArn": s.TaskRoleARN, "logGroupName": s.LogGroupName,
		"securityGroupId": s.SecurityGroupID, "loadBalancerSecurityGroupId": s.LoadBalancerSecurityGroupID,
	}); err != nil {
		return nil, fmt.Errorf("appservice %q: registering outputs: %w", name, err)
	}
	return s, nil
}

// builder carries what New's steps share: each step reads what earlier
// ones made.
type builder struct {
	ctx      *pulumi.Context
	name     string
	a        Args
	s        *AppService
	parent   pulumi.ResourceOrInvokeOption
	settings settings
	env      awsenv.Env

	clusterARN         pulumi.StringOutput
	logs               *cloudwatch.LogGroup
	execRole, taskRole *iam.Role
	albGroup, tasks    *ec2.SecurityGroup
	alb                *lb.LoadBalancer
	targetGroup        *lb.TargetGroup
	listeners          []pulumi.Resource
	providers          []pulumi.Resource
}

func (b *builder) environment() (err error) {
	b.env, err = awsenv.Lookup(b.ctx, b.s)
	return err
}

// cluster uses ClusterARN or makes a cluster with Container Insights, and
// the container log's group.
func (b *builder) cluster() error {
	if b.a.ClusterARN != nil {
		b.clusterARN = b.a.ClusterARN.ToStringOutput()
		b.s.ClusterName = b.clusterARN.ApplyT(func(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }).(pulumi.StringOutput)
	} else {
		cluster, err := ecs.NewCluster(b.ctx, b.name, &ecs.ClusterArgs{
			Settings: ecs.ClusterSettingArray{&ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")}},
		}, b.parent)
		if err != nil {
			return err
		}
		b.clusterARN, b.s.ClusterName = cluster.Arn, cluster.Name
		if b.a.Capacity != nil {
			// The service's strategy may name only providers of its cluster.
			cp, err := ecs.NewClusterCapacityProviders(b.ctx, b.name, &ecs.ClusterCapacityProvidersArgs{
				ClusterName:       cluster.Name,
				CapacityProviders: pulumi.StringArray{pulumi.String("FARGATE"), pulumi.String("FARGATE_SPOT")},
			}, b.parent)
			if err != nil {
				return err
			}
			b.providers = append(b.providers, cp)
		}
	}
	key, err := kmskey.New(b.ctx, b.name+"-logs", b.env, kmskey.Args{
		Description: fmt.Sprintf("Encrypts the container logs of service %s", b.name),
		AliasPrefix: "alias/" + b.name + "-logs-",
		Services:    []kmskey.Service{kmskey.Logs(b.env, b.name+"-*")},
	}, b.parent)
	if err != nil {
		return err
	}
	logs, err := cloudwatch.NewLogGroup(b.ctx, b.name, &cloudwatch.LogGroupArgs{
		RetentionInDays: pulumi.Int(b.a.LogRetentionDays), KmsKeyId: key.Key.Arn,
	}, b.parent)
	if err != nil {
		return err
	}
	b.logs, b.s.LogGroupName = logs, logs.Name
	return nil
}

// roles makes two roles: ECS starts the task with one, the application
// runs with the other (CKV_AWS_249), which holds only the grants' policies.
func (b *builder) roles() error {
	ctx, name, a := b.ctx, b.name, b.a
	trust, err := iamdoc.ServiceTrust("ecs-tasks.amazonaws.com", b.env.AccountID, b.env.ARN("ecs", b.env.Region, "*")).JSON()
	if err != nil {
		return err
	}
	if b.execRole, err = iam.NewRole(ctx, name+"-execution", &iam.RoleArgs{
		Description:         pulumi.Sprintf("ECS starts the tasks of %s with it: image pull, logs, secrets", name),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: iamdoc.PermissionsBoundary(a.PermissionsBoundaryARN),
	}, b.parent); err != nil {
		return err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"-execution", &iam.RolePolicyArgs{
		Role:   b.execRole.ID(),
		Policy: executionPolicy(a, b.settings.secrets, b.env, b.logs.Arn),
	}, b.parent); err != nil {
		return err
	}
	if b.taskRole, err = iam.NewRole(ctx, name+"-task", &iam.RoleArgs{
		Description:         pulumi.Sprintf("The application %s runs with it", name),
		AssumeRolePolicy:    pulumi.String(trust),
		PermissionsBoundary: iamdoc.PermissionsBoundary(a.PermissionsBoundaryARN),
	}, b.parent); err != nil {
		return err
	}
	i := 0
	for _, g := range a.Grants {
		if g.Policy == nil {
			continue // settings, secrets or a network path only
		}
		if _, err := iam.NewRolePolicy(ctx, fmt.Sprintf("%s-task-%d", name, i), &iam.RolePolicyArgs{
			Role: b.taskRole.ID(), Policy: g.Policy,
		}, b.parent); err != nil {
			return fmt.Errorf("granting %s: %w", g.What, err)
		}
		i++
	}
	b.s.ExecutionRoleARN, b.s.TaskRoleARN = b.execRole.Arn, b.taskRole.Arn
	return nil
}

// securityGroups makes the load balancer's group and the tasks' group,
// chained by reference: the allowed clients reach the load balancer on 443
// and 80, the load balancer only the tasks on Port, the tasks AWS's APIs on
// 443 (through NAT: they have no fixed addresses). The tasks' port is this
// service's Port by construction, so its load balancer always reaches it.
func (b *builder) securityGroups() error {
	ctx, name, a := b.ctx, b.name, b.a
	group := func(child, description string) (*ec2.SecurityGroup, error) {
		return ec2.NewSecurityGroup(ctx, child, &ec2.SecurityGroupArgs{
			VpcId:               a.VpcID,
			Description:         pulumi.String(description),
			RevokeRulesOnDelete: pulumi.Bool(true),
			Tags:                pulumi.StringMap{"Name": pulumi.String(child)},
		}, b.parent)
	}
	var err error
	if b.albGroup, err = group(name+"-alb", "Load balancer: HTTPS and the HTTP redirect from allowed clients"); err != nil {
		return err
	}
	if b.tasks, err = group(name+"-tasks", "Application tier: traffic from the load balancer only"); err != nil {
		return err
	}
	b.s.LoadBalancerSecurityGroupID = b.albGroup.ID().ToStringOutput()
	b.s.SecurityGroupID = b.tasks.ID().ToStringOutput()

	// Without a certificate nothing listens on 443: only 80 is opened.
	https := func(r rule) []rule {
		if b.s.HTTPS {
			return []rule{r}
		}
		return nil
	}
	httpWhat := ", redirected to HTTPS"
	if !b.s.HTTPS {
		httpWhat = ", plain HTTP"
	}
	var rules []rule
	for i, c := range a.AllowedIngressCIDRs {
		var http pulumi.StringMap
		if c == "0.0.0.0/0" || c == "::/0" {
			// Port 80 open to the world is accepted, for the check that
			// flags it, in the rule's own tag (strata check verifies it).
			reason := "Port 80 only redirects to HTTPS - closing it breaks http:// links - FSBP ELB.1"
			if !b.s.HTTPS {
				reason = "No certificate - plain HTTP on 80 chosen by the caller - marked with strata:warning"
			}
			http = pulumi.StringMap{tags.Suppress("STRATA-SG-004"): pulumi.String(reason)}
		}
		rules = append(rules, https(rule{fmt.Sprintf("%s-alb-https-in-%d", name, i), "HTTPS from " + c, b.albGroup.ID(), 443, pulumi.String(c), nil, false, nil})...)
		rules = append(rules, rule{fmt.Sprintf("%s-alb-http-in-%d", name, i), "HTTP from " + c + httpWhat, b.albGroup.ID(), 80, pulumi.String(c), nil, false, http})
	}
	for i, g := range a.AllowedSecurityGroupIDs {
		rules = append(rules, https(rule{fmt.Sprintf("%s-alb-https-from-group-%d", name, i), "HTTPS from an allowed security group", b.albGroup.ID(), 443, nil, g, false, nil})...)
		rules = append(rules, rule{fmt.Sprintf("%s-alb-http-from-group-%d", name, i), "HTTP from an allowed security group" + httpWhat, b.albGroup.ID(), 80, nil, g, false, nil})
	}
	rules = append(rules,
		rule{name + "-alb-to-tasks", "To the application tier", b.albGroup.ID(), a.Port, nil, b.tasks.ID(), true, nil},
		rule{name + "-tasks-from-alb", "From the load balancer", b.tasks.ID(), a.Port, nil, b.albGroup.ID(), false, nil},
	)
	if a.Egress == EgressHTTPS {
		rules = append(rules, rule{name + "-tasks-https-out", "HTTPS out through NAT: the AWS APIs Fargate uses (ECR, CloudWatch Logs, Secrets Manager) and HTTPS sites", b.tasks.ID(), 443, pulumi.String("0.0.0.0/0"), nil, true, nil})
	}
	return createRules(ctx, rules, b.parent)
}

// grantPaths opens each granted network path: egress from the tasks'
// group and ingress on the granted resource's group, by reference.
func (b *builder) grantPaths() error {
	return grant.OpenPaths(b.ctx, b.name, b.a.VpcID, b.tasks.ID(), b.a.Grants, b.parent)
}

// loadBalancer makes the load balancer (internet-facing in the public
// subnets, or internal in the private ones), its target group and
// listeners.
func (b *builder) loadBalancer() error {
	ctx, name, a, s := b.ctx, b.name, b.a, b.s
	var accessLogs *lb.LoadBalancerAccessLogsArgs
	if a.AccessLogBucket != nil {
		accessLogs = &lb.LoadBalancerAccessLogsArgs{Bucket: a.AccessLogBucket, Enabled: pulumi.Bool(true), Prefix: pulumi.String(name)}
	}
	subnets := a.PublicSubnetIDs
	if a.Internal {
		subnets = a.PrivateSubnetIDs
	}
	var lbTags pulumi.StringMap
	if !a.Internal {
		lbTags = pulumi.StringMap{tags.Suppress("STRATA-ALB-007"): pulumi.String("The public entry point of service " + name + " - internet-facing by design")}
	}
	alb, err := lb.NewLoadBalancer(ctx, name, &lb.LoadBalancerArgs{
		Tags:                     lbTags,
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(a.Internal),
		SecurityGroups:           pulumi.StringArray{b.albGroup.ID()},
		Subnets:                  subnets,
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("defensive"),
		EnableDeletionProtection: pulumi.Bool(a.DeletionProtection),
		AccessLogs:               accessLogs,
	}, b.parent)
	if err != nil {
		return err
	}
	b.alb = alb
	s.ALBARN, s.ALBDNSName = alb.Arn, alb.DnsName
	hc := a.HealthCheck
	if b.targetGroup, err = lb.NewTargetGroup(ctx, name, &lb.TargetGroupArgs{
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
	}, b.parent); err != nil {
		return err
	}
	return b.listen()
}

// listen serves HTTPS on 443 with port 80 redirecting to it, or, without
// a certificate, plain HTTP on 80 marked with a strata:warning tag.
func (b *builder) listen() error {
	ctx, name, a, s := b.ctx, b.name, b.a, b.s
	forward := lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: b.targetGroup.Arn}}
	if !s.HTTPS {
		plain, err := lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
			LoadBalancerArn: b.alb.Arn, Port: pulumi.Int(80), Protocol: pulumi.String("HTTP"), DefaultActions: forward,
			Tags: pulumi.StringMap{
				WarningTag:                      pulumi.String("plain HTTP on port 80 - no certificate so traffic is not encrypted"),
				tags.Suppress("STRATA-ALB-001"): pulumi.String("No certificate - plain HTTP chosen by the caller - production requires a certificate"),
			},
		}, b.parent)
		if err != nil {
			return err
		}
		b.listeners = append(b.listeners, plain)
		s.URL = pulumi.Sprintf("http://%s", b.alb.DnsName)
		return nil
	}
	var warning pulumi.StringMap
	if arn, plain := a.CertificateARN.(pulumi.String); plain && IsPlaceholderCertificate(string(arn)) {
		warning = pulumi.StringMap{WarningTag: pulumi.String("the certificate is a placeholder (all-zero ID) - the HTTPS listener cannot be created until it names a real ACM certificate")}
	}
	https, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		LoadBalancerArn: b.alb.Arn, Port: pulumi.Int(443), Protocol: pulumi.String("HTTPS"),
		SslPolicy: pulumi.String(TLSPolicy), CertificateArn: a.CertificateARN, DefaultActions: forward,
		Tags: warning,
	}, b.parent)
	if err != nil {
		return err
	}
	redirect, err := lb.NewListener(ctx, name+"-http", &lb.ListenerArgs{
		LoadBalancerArn: b.alb.Arn, Port: pulumi.Int(80), Protocol: pulumi.String("HTTP"),
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Port: pulumi.String("443"), Protocol: pulumi.String("HTTPS"), StatusCode: pulumi.String("HTTP_301"),
			},
		}},
	}, b.parent)
	if err != nil {
		return err
	}
	b.listeners = append(b.listeners, https, redirect)
	s.URL = pulumi.Sprintf("https://%s", b.alb.DnsName)
	return nil
}

// service makes the task definition (one container, read-only root,
// secrets by reference, logs to its own group) and the Fargate service in
// the private subnets with the tasks' group.
func (b *builder) service() error {
	ctx, name, a := b.ctx, b.name, b.a
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
		ExecutionRoleArn:     b.execRole.Arn,
		TaskRoleArn:          b.taskRole.Arn,
		Volumes:              ecs.TaskDefinitionVolumeArray{&ecs.TaskDefinitionVolumeArgs{Name: pulumi.String("scratch")}},
		ContainerDefinitions: containerDefinitions(a, b.settings, b.env.Region, b.logs.Name),
	}, b.parent)
	if err != nil {
		return err
	}
	// On-demand Fargate by launch type, or a capacity-provider strategy
	// over the cluster's Fargate providers.
	var launchType pulumi.StringPtrInput = pulumi.String("FARGATE")
	var strategies ecs.ServiceCapacityProviderStrategyArray
	if c := a.Capacity; c != nil {
		launchType = nil
		strategies = ecs.ServiceCapacityProviderStrategyArray{
			&ecs.ServiceCapacityProviderStrategyArgs{CapacityProvider: pulumi.String("FARGATE"), Base: pulumi.Int(c.OnDemandBase), Weight: pulumi.Int(c.OnDemandWeight)},
			&ecs.ServiceCapacityProviderStrategyArgs{CapacityProvider: pulumi.String("FARGATE_SPOT"), Base: pulumi.Int(0), Weight: pulumi.Int(c.SpotWeight)},
		}
	}
	service, err := ecs.NewService(ctx, name, &ecs.ServiceArgs{
		Cluster:                    b.clusterARN,
		TaskDefinition:             task.Arn,
		LaunchType:                 launchType,
		CapacityProviderStrategies: strategies,
		ForceNewDeployment:         pulumi.Bool(a.Capacity != nil), // ECS applies a changed strategy only with a new deployment
		PlatformVersion:            pulumi.String("LATEST"),
		DesiredCount:               pulumi.Int(a.DesiredTasks),
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        a.PrivateSubnetIDs,
			SecurityGroups: pulumi.StringArray{b.tasks.ID()},
			AssignPublicIp: pulumi.Bool(false),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: b.targetGroup.Arn, ContainerName: pulumi.String(containerName), ContainerPort: pulumi.Int(a.Port),
		}},
		DeploymentMinimumHealthyPercent: pulumi.Int(a.MinHealthyPercent),
		DeploymentMaximumPercent:        pulumi.Int(a.MaxPercent),
		DeploymentCircuitBreaker:        &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		HealthCheckGracePeriodSeconds:   pulumi.Int(a.HealthCheckGracePeriodSeconds),
		PropagateTags:                   pulumi.String("SERVICE"),
		EnableEcsManagedTags:            pulumi.Bool(true),
	}, b.parent, pulumi.IgnoreChanges([]string{"desiredCount"}), pulumi.DependsOn(append(slices.Clone(b.listeners), b.providers...)))
	if err != nil {
		return err
	}
	b.s.ServiceName = service.Name
	return nil
}

// scaling lets Application Auto Scaling own the desired count between
// MinTasks and MaxTasks.
func (b *builder) scaling() error {
	return scaling(b.ctx, b.name, b.a, b.s.ClusterName, b.s.ServiceName, b.alb.ArnSuffix, b.targetGroup.ArnSuffix, b.parent)
}

// alarms watches the load balancer (5xx rates, unhealthy targets, p99
// latency) and the service (running tasks, CPU, memory), by the real
// resources' dimensions.
func (b *builder) alarms() error {
	al := b.a.Alarms
	lb := map[string]pulumi.StringInput{"LoadBalancer": b.alb.ArnSuffix}
	tg := map[string]pulumi.StringInput{"LoadBalancer": b.alb.ArnSuffix, "TargetGroup": b.targetGroup.ArnSuffix}
	svc := map[string]pulumi.StringInput{"ClusterName": b.s.ClusterName, "ServiceName": b.s.ServiceName}
	requests := monitoring.Metric{Namespace: "AWS/ApplicationELB", Name: "RequestCount", Dimensions: lb, Stat: "Sum"}
	elb := "AWS/ApplicationELB"
	row, err := monitoring.Create(b.ctx, b.name, "Service "+b.name, []monitoring.Alarm{
		{Suffix: "lb-5xx", Description: fmt.Sprintf("The load balancer of %s answers 5xx to more than %v %% of requests", b.name, al.ErrorRatePercent),
			Metric: monitoring.Metric{Namespace: elb, Name: "HTTPCode_ELB_5XX_Count", Dimensions: lb, Stat: "Sum"}, Of: &requests,
			Comparison: "GreaterThanThreshold", Threshold: al.ErrorRatePercent, MissingData: "notBreaching"},
		{Suffix: "target-5xx", Description: fmt.Sprintf("The tasks of %s answer 5xx to more than %v %% of requests", b.name, al.ErrorRatePercent),
			Metric: monitoring.Metric{Namespace: elb, Name: "HTTPCode_Target_5XX_Count", Dimensions: lb, Stat: "Sum"}, Of: &requests,
			Comparison: "GreaterThanThreshold", Threshold: al.ErrorRatePercent, MissingData: "notBreaching"},
		{Suffix: "unhealthy-targets", Description: fmt.Sprintf("A task of %s fails its health check", b.name),
			Metric:     monitoring.Metric{Namespace: elb, Name: "UnHealthyHostCount", Dimensions: tg, Stat: "Maximum"},
			Comparison: "GreaterThanOrEqualToThreshold", Threshold: 1, Periods: 2, MissingData: "notBreaching"},
		{Suffix: "p99-latency", Description: fmt.Sprintf("The tasks of %s answer slower than %v s at p99", b.name, al.LatencyP99Seconds),
			Metric:     monitoring.Metric{Namespace: elb, Name: "TargetResponseTime", Dimensions: tg, Stat: "p99"},
			Comparison: "GreaterThanThreshold", Threshold: al.LatencyP99Seconds, Periods: 5, MissingData: "notBreaching"},
		{Suffix: "running-tasks", Description: fmt.Sprintf("%s runs fewer than its minimum of %d tasks", b.name, b.a.MinTasks),
			Metric:     monitoring.Metric{Namespace: "ECS/ContainerInsights", Name: "RunningTaskCount", Dimensions: svc, Stat: "Minimum"},
			Comparison: "LessThanThreshold", Threshold: float64(b.a.MinTasks), Periods: 5, MissingData: "breaching"},
		{Suffix: "cpu", Description: fmt.Sprintf("%s uses more than %v %% of its CPU", b.name, al.CPUPercent),
			Metric:     monitoring.Metric{Namespace: "AWS/ECS", Name: "CPUUtilization", Dimensions: svc, Stat: "Average"},
			Comparison: "GreaterThanThreshold", Threshold: al.CPUPercent, Periods: 5, MissingData: "missing"},
		{Suffix: "memory", Description: fmt.Sprintf("%s uses more than %v %% of its memory", b.name, al.MemoryPercent),
			Metric:     monitoring.Metric{Namespace: "AWS/ECS", Name: "MemoryUtilization", Dimensions: svc, Stat: "Average"},
			Comparison: "GreaterThanThreshold", Threshold: al.MemoryPercent, Periods: 5, MissingData: "missing"},
	}, al.TopicARN, b.parent)
	b.s.Dashboard = row
	return err
}

// rule is one standalone security group rule on one TCP port, to or from
// a CIDR block or a peer group.
type rule struct {
	name, description string
	group             pulumi.IDOutput
	port              int
	cidr              pulumi.StringPtrInput
	peer              pulumi.StringInput
	egress            bool
	tags              pulumi.StringMap
}

func createRules(ctx *pulumi.Context, rules []rule, parent pulumi.ResourceOption) error {
	for _, r := range rules {
		var peer pulumi.StringPtrInput
		if r.peer != nil {
			peer = r.peer.ToStringOutput()
		}
		var err error
		if r.egress {
			_, err = vpc.NewSecurityGroupEgressRule(ctx, r.name, &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId: r.group, IpProtocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(r.port), ToPort: pulumi.Int(r.port),
				CidrIpv4: r.cidr, ReferencedSecurityGroupId: peer, Description: pulumi.String(r.description),
			}, parent)
		} else {
			_, err = vpc.NewSecurityGroupIngressRule(ctx, r.name, &vpc.SecurityGroupIngressRuleArgs{
				SecurityGroupId: r.group, IpProtocol: pulumi.String("tcp"),
				FromPort: pulumi.Int(r.port), ToPort: pulumi.Int(r.port),
				CidrIpv4: r.cidr, ReferencedSecurityGroupId: peer, Description: pulumi.String(r.description),
				Tags: r.tags,
			}, parent)
		}
		if err != nil {
			return fmt.Errorf("rule %s: %w", r.name, err)
		}
	}
	return nil
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
// group, and read exactly the secrets the container gets.
func executionPolicy(a Args, secrets []Secret, env awsenv.Env, logGroupArn pulumi.StringOutput) pulumi.StringOutput {
	ins := []any{logGroupArn}
	for _, sec := range secrets {
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
		var arns, params, keys []string
		for i := range secrets {
			arn, key := v[1+2*i].(string), v[2+2*i].(string)
			if strings.Contains(arn, ":ssm:") {
				params = append(params, arn)
			} else {
				arns = append(arns, arn)
			}
			if key != "" {
				keys = append(keys, key)
			}
		}
		if len(arns) > 0 {
			statements = append(statements, iamdoc.Statement{Sid: "ReadSecrets", Effect: iamdoc.Allow,
				Action: []string{"secretsmanager:GetSecretValue"}, Resource: unique(arns)})
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
		StopTimeout            int              `json:"stopTimeout,omitempty"`
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

// containerDefinitions renders the one container, with the settings and
// secrets of Args and of the grants.
func containerDefinitions(a Args, set settings, region string, logGroup pulumi.StringOutput) pulumi.StringOutput {
	ins := []any{logGroup}
	for _, sec := range set.secrets {
		ins = append(ins, sec.ARN)
	}
	envNames := sortedKeys(set.environment)
	for _, k := range envNames {
		ins = append(ins, set.environment[k])
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
		if a.Capacity.UsesSpot() {
			c.StopTimeout = SpotStopTimeout // all of the interruption warning to finish after SIGTERM
		}
		for i, k := range envNames {
			c.Environment = append(c.Environment, nameValue{Name: k, Value: v[1+len(set.secrets)+i].(string)})
		}
		for i, sec := range set.secrets {
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

// Connect is the grant a caller needs to call this service: a path from
// the caller's group to the load balancer's group on its listener port
// (443 with a certificate, 80 without), both rules made by the caller, and
// <EnvPrefix>URL with the service's URL. Only an Internal service is
// reached this way: an internet-facing one is reached over the Internet.
// Make the callee first and give its grant to the caller.
func (s *AppService) Connect(opts *ConnectOptions) grant.Grant {
	var o ConnectOptions
	if opts != nil {
		o = *opts
	}
	prefix := o.EnvPrefix
	if prefix == "" {
		prefix = strings.ToUpper(strings.ReplaceAll(s.name, "-", "_")) + "_"
	}
	p := problems.For("appservice", s.name)
	if !envPrefixRE.MatchString(prefix) {
		p.Addf("%v must be letters, digits and underscores starting with a letter, got %q", problems.Field("ConnectOptions").Child("EnvPrefix"), prefix)
	}
	if !s.Internal {
		p.Addf("Connect reaches an Internal service, and %s is internet-facing: its callers reach it over the Internet at its URL", s.name)
	}
	port, protocol := 80, "HTTP"
	if s.HTTPS {
		port, protocol = 443, "HTTPS"
	}
	return grant.Grant{Err: p.Err(),
		What:        "service " + s.name,
		Network:     &grant.Network{Name: s.name, SecurityGroupID: s.LoadBalancerSecurityGroupID, Port: port, Protocol: protocol, VpcID: s.vpcID},
		Environment: map[string]pulumi.StringInput{prefix + "URL": s.URL},
	}
}
