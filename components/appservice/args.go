package appservice

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/grant"
)

// CPU architectures a Fargate task may run on.
const (
	ARM64  = "ARM64"
	X86_64 = "X86_64"
)

// Defaults for Args fields left at their zero value.
const (
	DefaultPort                   = 8080
	DefaultCPU                    = 256
	DefaultMemory                 = 512
	DefaultArchitecture           = ARM64 // Graviton: about 20 % cheaper for the same work
	DefaultHealthCheckPath        = "/health"
	DefaultHealthCheckInterval    = 30
	DefaultHealthCheckTimeout     = 5
	DefaultHealthyThreshold       = 3
	DefaultUnhealthyThreshold     = 3
	DefaultHealthCheckMatcher     = "200-399"
	DefaultDeregistrationDelay    = 30
	DefaultMinTasks               = 1
	DefaultMaxTasks               = 10
	DefaultMinHealthyPercent      = 50
	DefaultMaxPercent             = 200
	DefaultHealthCheckGracePeriod = 60
	DefaultCPUTarget              = 70.0
	DefaultScaleInCooldown        = 300
	DefaultScaleOutCooldown       = 60
	DefaultLogRetentionDays       = 365
	DefaultScratchPath            = "/tmp"
	// TLSPolicy is the listener policy: TLS 1.3, with TLS 1.2 for older
	// clients (FSBP ELB.17). Without one AWS would fall back to TLS 1.0.
	TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	// containerName is the one container's name.
	containerName = "app"
	// maxNameLength keeps the ALB and target group names, autonamed from
	// the component name plus 8 characters, within AWS's 32.
	maxNameLength = 24
)

// Alarms are an AppService's alarm settings.
type Alarms struct {
	// TopicARN is notified when an alarm fires and when it recovers (a
	// stack's alerting topic). Default: none: the alarms have no actions,
	// which strata check refuses in production.
	TopicARN pulumi.StringInput
	// ErrorRatePercent is the share of requests answered 5xx, by the load
	// balancer or by the targets, above which each alarm fires (3 minutes
	// in a row), 0.1 to 100. Default: DefaultErrorRatePercent (5).
	ErrorRatePercent float64
	// LatencyP99Seconds is the targets' p99 response time above which the
	// latency alarm fires, 0.01 to 60. Default: DefaultLatencyP99Seconds (1).
	LatencyP99Seconds float64
	// CPUPercent and MemoryPercent are the service's average utilization
	// above which their alarms fire, 1 to 100. Default: 90 and 90.
	CPUPercent    float64
	MemoryPercent float64
}

// Alarm defaults.
const (
	DefaultErrorRatePercent  = 5.0
	DefaultLatencyP99Seconds = 1.0
	DefaultCPUPercent        = 90.0
	DefaultMemoryPercent     = 90.0
)

// DefaultAllowedIngressCIDRs is who may reach an internet-facing load
// balancer that names no one: anyone, on 443 and on 80 (which only
// redirects to 443).
var DefaultAllowedIngressCIDRs = []string{"0.0.0.0/0"}

// fargateSizes maps each Fargate task CPU (units) to the memory sizes (MiB)
// it accepts. Update it when AWS adds sizes.
var fargateSizes = map[int][]int{
	256:   {512, 1024, 2048},
	512:   sizes(1024, 4096, 1024),
	1024:  sizes(2048, 8192, 1024),
	2048:  sizes(4096, 16384, 1024),
	4096:  sizes(8192, 30720, 1024),
	8192:  sizes(16384, 61440, 4096),
	16384: sizes(32768, 122880, 8192),
}

// MemorySizes are the memory sizes (MiB) Fargate accepts with cpu units,
// smallest first; none for a CPU Fargate does not offer.
func MemorySizes(cpu int) []int {
	return slices.Clone(fargateSizes[cpu])
}

func sizes(from, to, by int) []int {
	var out []int
	for m := from; m <= to; m += by {
		out = append(out, m)
	}
	return out
}

// Secret is a Secrets Manager secret the container gets as an environment
// variable, through the task's execution role: never in plain text in the
// task definition.
type Secret struct {
	// Name is the environment variable's name. Required.
	Name string
	// ARN is the secret's ARN. Required.
	ARN pulumi.StringInput
	// JSONKey picks one key of a JSON secret (such as "password").
	// Default: the whole secret.
	JSONKey string
	// KMSKeyARN is the key the secret is encrypted with, when it is a
	// customer-managed key; the execution role may decrypt with it only
	// through Secrets Manager. Default: the AWS managed key.
	KMSKeyARN pulumi.StringInput
}

// HealthCheck is the target group's health check.
type HealthCheck struct {
	// Path, 1-1024 characters starting with "/". Default: "/health".
	Path string
	// IntervalSeconds 5-300, TimeoutSeconds 2-120 and below the interval.
	// Default: 30 and 5.
	IntervalSeconds int
	TimeoutSeconds  int
	// HealthyThreshold and UnhealthyThreshold, 2-10. Default: 3 and 3.
	HealthyThreshold   int
	UnhealthyThreshold int
	// Matcher is the HTTP codes that mean healthy: "200", "200,204" or
	// "200-399", within 200-499. Default: "200-399".
	Matcher string
}

// Capacity is a capacity-provider strategy over Fargate and Fargate Spot:
// OnDemandBase tasks always run on on-demand Fargate; the tasks above it
// are shared by the weights. Spot tasks cost about a third, and AWS may
// stop one with two minutes' warning: the container gets SIGTERM and
// StopTimeoutSeconds to finish, and the load balancer stops sending it
// requests at once and drains it within DeregistrationDelaySeconds, which
// must fit the warning. Fargate Spot runs only X86_64 Linux tasks.
type Capacity struct {
	// OnDemandBase is how many tasks always run on on-demand Fargate,
	// 0-100000.
	OnDemandBase int `json:"onDemandBase"`
	// OnDemandWeight and SpotWeight, 0-1000 and not both 0, share the
	// tasks above the base: 1 and 3 put one in four on on-demand Fargate.
	OnDemandWeight int `json:"onDemandWeight"`
	SpotWeight     int `json:"spotWeight"`
}

// UsesSpot says whether any task may run on Fargate Spot.
func (c *Capacity) UsesSpot() bool { return c != nil && c.SpotWeight > 0 }

// Spot interruption: AWS warns two minutes before it stops a Spot task;
// SpotStopTimeout (Fargate's maximum) is how long the container has after
// SIGTERM, and MaxSpotDeregistrationDelay leaves the load balancer time to
// drain it before then.
const (
	SpotStopTimeout            = 120
	MaxSpotDeregistrationDelay = 90
)

// Egress is what a service's tasks may reach besides their grants.
type Egress string

// Egress settings.
const (
	EgressHTTPS Egress = "https"
	EgressNone  Egress = "none"
)

// ConnectOptions shape a grant to call a service.
type ConnectOptions struct {
	// EnvPrefix starts the variable the caller gets: <EnvPrefix>URL.
	// Default: the service's name in upper case, hyphens as underscores,
	// and "_" ("orders-api" gives ORDERS_API_URL).
	EnvPrefix string
}

// Args configure an AppService.
type Args struct {
	// VpcID, PublicSubnetIDs and PrivateSubnetIDs come from a Network.
	// The tasks run in the private subnets; an internet-facing load
	// balancer in the public ones. Required (PublicSubnetIDs only when the
	// load balancer is not Internal).
	VpcID            pulumi.StringInput
	PublicSubnetIDs  pulumi.StringArrayInput
	PrivateSubnetIDs pulumi.StringArrayInput

	// Internal puts the load balancer in the private subnets with the
	// internal scheme: reachable only by the services given its Connect
	// grant, AllowedIngressCIDRs (such as the Network's CIDR) and
	// AllowedSecurityGroupIDs, and never from the whole Internet.
	// Default: false, internet-facing.
	Internal bool
	// AllowedIngressCIDRs are the IPv4 blocks that may reach the load
	// balancer on 443 and 80 (which redirects to 443; without a
	// certificate, only 80); canonical. Left out (nil): DefaultAllowedIngressCIDRs
	// (0.0.0.0/0) for an internet-facing load balancer that names no
	// AllowedSecurityGroupIDs, none otherwise. An empty, non-nil list
	// admits nobody, and is refused on an internet-facing load balancer.
	AllowedIngressCIDRs []string
	// AllowedSecurityGroupIDs are security groups whose members may reach
	// the load balancer on 443 and 80, by reference (another service's
	// SecurityGroupID, a bastion's group). Default: none.
	AllowedSecurityGroupIDs []pulumi.StringInput

	// Egress is what the tasks may reach beyond their grants (whose paths
	// each grant opens by reference). EgressHTTPS: port 443 to 0.0.0.0/0,
	// through NAT, which Fargate itself needs to pull images and write
	// logs and secrets unless the VPC has interface endpoints for ECR,
	// CloudWatch Logs and Secrets Manager; it also reaches any HTTPS site.
	// EgressNone: nothing beyond the grants (for a VPC with those
	// endpoints, whose groups must admit the tasks). Default: EgressHTTPS.
	Egress Egress

	// ClusterARN runs the service in an existing ECS cluster.
	// Default: a new cluster with Container Insights.
	ClusterARN pulumi.StringInput

	// Image is the container image. Required.
	Image string
	// Command overrides the image's command. Default: the image's.
	Command []string
	// User runs the container as this user ("uid" or "uid:gid").
	// Default: the image's user.
	User string
	// Port is the container port the load balancer sends traffic to, 1-65535.
	// Default: DefaultPort (8080).
	Port int
	// CPU (units) and Memory (MiB) size the task: one of Fargate's pairs,
	// from 256/512 to 16384/122880. Default: 256 and 512.
	CPU    int
	Memory int
	// Architecture is ARM64 or X86_64. Default: ARM64.
	Architecture string
	// Capacity places the tasks on on-demand Fargate and Fargate Spot.
	// Default: nil, every task on on-demand Fargate (launch type FARGATE).
	Capacity *Capacity
	// Environment holds plain settings, which may come from other resources
	// (a database endpoint); names must not repeat a secret's. Never put
	// secrets here: use Secrets.
	Environment map[string]pulumi.StringInput
	// Secrets become environment variables through `valueFrom`.
	Secrets []Secret
	// ContainerHealthCheck is the container's own health check command.
	// Default: ["CMD-SHELL", "wget -q -O /dev/null http://localhost:<Port><Path> || exit 1"],
	// which needs wget in the image.
	ContainerHealthCheck []string
	// WritableRootFilesystem lets the container write outside ScratchPath.
	// Default: false: the root filesystem is read-only (FSBP ECS.5).
	WritableRootFilesystem bool
	// ScratchPath is where a writable, task-local volume is mounted.
	// Default: "/tmp".
	ScratchPath string

	// CertificateARN is the ACM certificate of the HTTPS listener. Without
	// one the load balancer serves plain HTTP on 80 and marks the listener
	// with a strata:warning tag. Default: none.
	CertificateARN pulumi.StringInput
	// DeletionProtection protects the load balancer from deletion.
	// Default: false (production stacks turn it on).
	DeletionProtection bool
	// AccessLogBucket receives the load balancer's access logs (an SSE-S3
	// bucket that allows ELB log delivery). Default: none.
	AccessLogBucket pulumi.StringInput
	// HealthCheck configures the target group's health check.
	HealthCheck HealthCheck
	// DeregistrationDelaySeconds lets in-flight requests finish, 0-3600.
	// Default: DefaultDeregistrationDelay (30).
	DeregistrationDelaySeconds int

	// MinTasks, DesiredTasks and MaxTasks bound the service: 1 <= min <=
	// desired <= max. Desired is only the starting count: autoscaling owns
	// it afterwards. Default: 1, MinTasks and 10.
	MinTasks     int
	DesiredTasks int
	MaxTasks     int
	// MinHealthyPercent (0-100) and MaxPercent (>= 100, and >= 200 when a
	// single task must stay up) shape deployments. Default: 50 and 200.
	MinHealthyPercent int
	MaxPercent        int
	// HealthCheckGracePeriodSeconds ignores failing load-balancer health
	// checks of new tasks this long. Default: 60.
	HealthCheckGracePeriodSeconds int
	// CPUTarget is the average CPU (percent) autoscaling aims for, 1-100.
	// Default: 70. MemoryTarget (percent) and RequestsPerTarget add
	// further target-tracking policies. Default: off.
	CPUTarget         float64
	MemoryTarget      float64
	RequestsPerTarget int
	// ScaleInCooldownSeconds and ScaleOutCooldownSeconds. Default: 300, 60.
	ScaleInCooldownSeconds  int
	ScaleOutCooldownSeconds int

	// LogRetentionDays keeps the container log, one of CloudWatch Logs'
	// retention values. Default: 365.
	LogRetentionDays int

	// Grants connect the service to what it uses, each made by the granted
	// component (db.Connect, bucket.Grant): their policies go on the task
	// role, their network paths open from the tasks' group, their settings
	// and secrets reach the container. No two may set one variable, nor
	// repeat Environment's or Secrets' names. Default: none.
	Grants []grant.Grant
	// Alarms configure the service's alarms, which are always made.
	Alarms Alarms

	// PermissionsBoundaryARN is the permissions boundary, a managed policy
	// ARN, of every role the component creates (the execution and task roles), for accounts
	// whose deploy role may create roles only under a boundary. Default: no
	// boundary.
	PermissionsBoundaryARN string
}

func (a *Args) withDefaults() Args {
	var out Args
	if a != nil {
		out = *a
	}
	out.Port = cmp.Or(out.Port, DefaultPort)
	out.CPU = cmp.Or(out.CPU, DefaultCPU)
	out.Memory = cmp.Or(out.Memory, DefaultMemory)
	out.HealthCheck.IntervalSeconds = cmp.Or(out.HealthCheck.IntervalSeconds, DefaultHealthCheckInterval)
	out.HealthCheck.TimeoutSeconds = cmp.Or(out.HealthCheck.TimeoutSeconds, DefaultHealthCheckTimeout)
	out.HealthCheck.HealthyThreshold = cmp.Or(out.HealthCheck.HealthyThreshold, DefaultHealthyThreshold)
	out.HealthCheck.UnhealthyThreshold = cmp.Or(out.HealthCheck.UnhealthyThreshold, DefaultUnhealthyThreshold)
	out.DeregistrationDelaySeconds = cmp.Or(out.DeregistrationDelaySeconds, DefaultDeregistrationDelay)
	out.MinTasks = cmp.Or(out.MinTasks, DefaultMinTasks)
	out.DesiredTasks = cmp.Or(out.DesiredTasks, out.MinTasks)
	out.MaxTasks = cmp.Or(out.MaxTasks, DefaultMaxTasks)
	out.MinHealthyPercent = cmp.Or(out.MinHealthyPercent, DefaultMinHealthyPercent)
	out.MaxPercent = cmp.Or(out.MaxPercent, DefaultMaxPercent)
	out.HealthCheckGracePeriodSeconds = cmp.Or(out.HealthCheckGracePeriodSeconds, DefaultHealthCheckGracePeriod)
	out.ScaleInCooldownSeconds = cmp.Or(out.ScaleInCooldownSeconds, DefaultScaleInCooldown)
	out.ScaleOutCooldownSeconds = cmp.Or(out.ScaleOutCooldownSeconds, DefaultScaleOutCooldown)
	out.LogRetentionDays = cmp.Or(out.LogRetentionDays, DefaultLogRetentionDays)
	out.Architecture = cmp.Or(out.Architecture, DefaultArchitecture)
	out.Egress = cmp.Or(out.Egress, EgressHTTPS)
	out.HealthCheck.Path = cmp.Or(out.HealthCheck.Path, DefaultHealthCheckPath)
	out.HealthCheck.Matcher = cmp.Or(out.HealthCheck.Matcher, DefaultHealthCheckMatcher)
	out.CPUTarget = cmp.Or(out.CPUTarget, DefaultCPUTarget)
	out.ScratchPath = cmp.Or(out.ScratchPath, DefaultScratchPath)
	out.Alarms.ErrorRatePercent = cmp.Or(out.Alarms.ErrorRatePercent, DefaultErrorRatePercent)
	out.Alarms.LatencyP99Seconds = cmp.Or(out.Alarms.LatencyP99Seconds, DefaultLatencyP99Seconds)
	out.Alarms.CPUPercent = cmp.Or(out.Alarms.CPUPercent, DefaultCPUPercent)
	out.Alarms.MemoryPercent = cmp.Or(out.Alarms.MemoryPercent, DefaultMemoryPercent)
	// Only a list left out is the default: an empty one admits nobody.
	if !out.Internal && out.AllowedIngressCIDRs == nil && len(out.AllowedSecurityGroupIDs) == 0 {
		out.AllowedIngressCIDRs = DefaultAllowedIngressCIDRs
	}
	return out
}

// settings are the container's environment and secrets: Args' own and the
// grants'. validate reports names set twice; here a later one is dropped.
type settings struct {
	environment map[string]pulumi.StringInput
	secrets     []Secret
}

func settingsOf(a Args) settings {
	set := settings{environment: map[string]pulumi.StringInput{}}
	for k, v := range a.Environment {
		set.environment[k] = v
	}
	set.secrets = append(set.secrets, a.Secrets...)
	taken := ownNames(a)
	for _, g := range a.Grants {
		for k, v := range g.Environment {
			if _, dup := taken[k]; !dup {
				set.environment[k] = v
			}
		}
		for _, sec := range g.Secrets {
			if _, dup := taken[sec.Env]; !dup {
				set.secrets = append(set.secrets, Secret{Name: sec.Env, ARN: sec.ARN, JSONKey: sec.JSONKey, KMSKeyARN: sec.KMSKeyARN})
			}
		}
	}
	return set
}

// ownNames are the variables Args itself sets, by where they come from.
func ownNames(a Args) map[string]string {
	taken := map[string]string{}
	for k := range a.Environment {
		taken[k] = "Environment"
	}
	for i, sec := range a.Secrets {
		taken[sec.Name] = fmt.Sprintf("Secrets[%d]", i)
	}
	return taken
}

// grantNames are the variables a grant sets in the container: its
// settings, and its secrets by valueFrom.
func grantNames(g grant.Grant) []string {
	out := sortedKeys(g.Environment)
	for _, sec := range g.Secrets {
		out = append(out, sec.Env)
	}
	return out
}

// PlaceholderCertificateID is the all-zero certificate ID that example
// stack files use where a real ACM certificate belongs. No ACM certificate
// has it.
const PlaceholderCertificateID = "00000000-0000-0000-0000-000000000000"

// IsPlaceholderCertificate reports whether an ACM certificate ARN names the
// placeholder certificate, which a deploy cannot use.
func IsPlaceholderCertificate(arn string) bool {
	return strings.HasPrefix(arn, "arn:") && strings.Contains(arn, ":acm:") && strings.HasSuffix(arn, ":certificate/"+PlaceholderCertificateID)
}
