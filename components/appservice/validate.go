package appservice

import (
	"cmp"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/internal/awslimits"
	"github.com/strata-infra/strata/internal/cidr"
	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/monitoring"
)

var (
	nameRE      = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	envNameRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	jsonKeyRE   = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	envPrefixRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	groupIDRE   = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)
	matcherRE   = regexp.MustCompile(`^\d{3}(-\d{3})?$`)
	arnRE       = regexp.MustCompile(`^arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:\d{12}:(secret|parameter)[:/].+`)
)

func validate(name string, a Args) error {
	p := problems.For("appservice", name)
	iampolicy.CheckPolicyARN(p, "PermissionsBoundaryARN", a.PermissionsBoundaryARN)
	if len(name) > maxNameLength || !nameRE.MatchString(name) {
		p.Addf("the component name must be 1 to %d letters, digits and hyphens, not starting or ending with a hyphen (the load balancer and target group names add 8 characters and AWS allows 32), got %q", maxNameLength, name)
	}
	for _, in := range []struct {
		field string
		set   bool
	}{
		{"VpcID", a.VpcID != nil}, {"PrivateSubnetIDs", a.PrivateSubnetIDs != nil},
		{"PublicSubnetIDs", a.PublicSubnetIDs != nil || a.Internal},
	} {
		if !in.set {
			p.Addf("%s is required: pass the Network's output", in.field)
		}
	}
	checkIngress(p, a)
	p.InRange("Alarms.ErrorRatePercent", a.Alarms.ErrorRatePercent, 0.1, 100)
	monitoring.CheckTopic(p, "Alarms.TopicARN", a.Alarms.TopicARN)
	p.InRange("Alarms.LatencyP99Seconds", a.Alarms.LatencyP99Seconds, 0.01, 60)
	p.InRange("Alarms.CPUPercent", a.Alarms.CPUPercent, 1, 100)
	p.InRange("Alarms.MemoryPercent", a.Alarms.MemoryPercent, 1, 100)
	if strings.TrimSpace(a.Image) == "" {
		p.Addf("Image is required")
	}
	if a.Port < 1 || a.Port > 65535 {
		p.Addf("Port must be 1 to 65535, got %d", a.Port)
	}
	checkCapacity(p, a)
	securebucket.CheckLogBucket(p, "AccessLogBucket", a.AccessLogBucket)
	if mems, ok := fargateSizes[a.CPU]; !ok {
		p.Addf("CPU must be one of Fargate's sizes %s, got %d", ints(sortedKeys(fargateSizes)), a.CPU)
	} else if !slices.Contains(mems, a.Memory) {
		p.Addf("Memory %d is not valid with CPU %d: Fargate allows %s MiB", a.Memory, a.CPU, ints(mems))
	}
	if a.Architecture != ARM64 && a.Architecture != X86_64 {
		p.Addf("Architecture must be %q or %q, got %q", ARM64, X86_64, a.Architecture)
	}

	hc := a.HealthCheck
	if !strings.HasPrefix(hc.Path, "/") || len(hc.Path) > 1024 {
		p.Addf("HealthCheck.Path must start with / and be at most 1024 characters, got %q", hc.Path)
	}
	if hc.IntervalSeconds < 5 || hc.IntervalSeconds > 300 {
		p.Addf("HealthCheck.IntervalSeconds must be 5 to 300, got %d", hc.IntervalSeconds)
	}
	if hc.TimeoutSeconds < 2 || hc.TimeoutSeconds > 120 {
		p.Addf("HealthCheck.TimeoutSeconds must be 2 to 120, got %d", hc.TimeoutSeconds)
	}
	if hc.TimeoutSeconds >= hc.IntervalSeconds {
		p.Addf("HealthCheck.TimeoutSeconds (%d) must be below IntervalSeconds (%d)", hc.TimeoutSeconds, hc.IntervalSeconds)
	}
	for _, t := range []struct {
		field string
		v     int
	}{{"HealthyThreshold", hc.HealthyThreshold}, {"UnhealthyThreshold", hc.UnhealthyThreshold}} {
		if t.v < 2 || t.v > 10 {
			p.Addf("HealthCheck.%s must be 2 to 10, got %d", t.field, t.v)
		}
	}
	if !validMatcher(hc.Matcher) {
		p.Addf(`HealthCheck.Matcher must be HTTP codes within 200-499 such as "200", "200,204" or "200-399", got %q`, hc.Matcher)
	}
	if a.DeregistrationDelaySeconds < 0 || a.DeregistrationDelaySeconds > 3600 {
		p.Addf("DeregistrationDelaySeconds must be 0 to 3600, got %d", a.DeregistrationDelaySeconds)
	}

	if a.MinTasks < 1 {
		p.Addf("MinTasks must be at least 1, got %d", a.MinTasks)
	}
	// With MaxTasks below MinTasks no DesiredTasks fits; that problem is
	// reported once, below.
	if a.MaxTasks >= a.MinTasks && (a.DesiredTasks < a.MinTasks || a.DesiredTasks > a.MaxTasks) {
		p.Addf("DesiredTasks must be between MinTasks (%d) and MaxTasks (%d), got %d", a.MinTasks, a.MaxTasks, a.DesiredTasks)
	}
	if a.MaxTasks < a.MinTasks {
		p.Addf("MaxTasks (%d) must not be below MinTasks (%d)", a.MaxTasks, a.MinTasks)
	}
	if a.MinHealthyPercent < 0 || a.MinHealthyPercent > 100 {
		p.Addf("MinHealthyPercent must be 0 to 100, got %d", a.MinHealthyPercent)
	}
	if a.MaxPercent < 100 {
		p.Addf("MaxPercent must be at least 100, got %d", a.MaxPercent)
	}
	if a.MinHealthyPercent >= a.MaxPercent {
		p.Addf("MinHealthyPercent (%d) must be below MaxPercent (%d), or deployments cannot start a new task", a.MinHealthyPercent, a.MaxPercent)
	}
	if a.MinTasks == 1 && a.MinHealthyPercent == 100 && a.MaxPercent < 200 {
		p.Addf("MaxPercent must be at least 200 when one task must stay up (MinTasks 1, MinHealthyPercent 100), got %d", a.MaxPercent)
	}
	if a.HealthCheckGracePeriodSeconds < 0 {
		p.Addf("HealthCheckGracePeriodSeconds must not be negative, got %d", a.HealthCheckGracePeriodSeconds)
	}
	if a.CPUTarget < 1 || a.CPUTarget > 100 {
		p.Addf("CPUTarget must be 1 to 100 (percent), got %v", a.CPUTarget)
	}
	if a.MemoryTarget != 0 && (a.MemoryTarget < 1 || a.MemoryTarget > 100) {
		p.Addf("MemoryTarget must be 1 to 100 (percent), or 0 for none, got %v", a.MemoryTarget)
	}
	if a.RequestsPerTarget < 0 {
		p.Addf("RequestsPerTarget must not be negative, got %d", a.RequestsPerTarget)
	}
	if a.ScaleInCooldownSeconds < 0 || a.ScaleOutCooldownSeconds < 0 {
		p.Addf("ScaleInCooldownSeconds and ScaleOutCooldownSeconds must not be negative, got %d and %d", a.ScaleInCooldownSeconds, a.ScaleOutCooldownSeconds)
	}
	if !awslimits.IsLogRetention(a.LogRetentionDays) {
		p.Addf("LogRetentionDays must be one of %s, got %d", awslimits.LogRetentionList(), a.LogRetentionDays)
	}
	if !strings.HasPrefix(a.ScratchPath, "/") {
		p.Addf("ScratchPath must be an absolute path, got %q", a.ScratchPath)
	}
	if len(a.ContainerHealthCheck) > 0 && a.ContainerHealthCheck[0] != "CMD" && a.ContainerHealthCheck[0] != "CMD-SHELL" {
		p.Addf(`ContainerHealthCheck must start with "CMD" or "CMD-SHELL", got %q`, a.ContainerHealthCheck[0])
	}

	for _, k := range sortedKeys(a.Environment) {
		if !envNameRE.MatchString(k) {
			p.Addf("Environment name %q must be letters, digits and underscores, not starting with a digit", k)
		}
	}
	secretNames := map[string]int{}
	for i, s := range a.Secrets {
		where := fmt.Sprintf("Secrets[%d]", i)
		switch {
		case !envNameRE.MatchString(s.Name):
			p.Addf("%s.Name must be letters, digits and underscores, not starting with a digit, got %q", where, s.Name)
		case hasKey(a.Environment, s.Name):
			p.Addf("%s.Name %q is also in Environment: a variable is plain or secret, not both", where, s.Name)
		}
		if j, dup := secretNames[s.Name]; dup {
			p.Addf("%s.Name %q repeats Secrets[%d].Name", where, s.Name, j)
		}
		secretNames[s.Name] = i
		if s.ARN == nil {
			p.Addf("%s.ARN is required", where)
		} else if lit, ok := s.ARN.(pulumi.String); ok && !arnRE.MatchString(string(lit)) {
			p.Addf("%s.ARN must be a Secrets Manager secret or SSM parameter ARN, got %q", where, string(lit))
		}
		if s.JSONKey != "" && !jsonKeyRE.MatchString(s.JSONKey) {
			p.Addf("%s.JSONKey must be letters, digits, _ . and -, got %q", where, s.JSONKey)
		}
	}
	for _, msg := range grant.Problems(a.Grants, ownNames(a), grantNames) {
		p.Addf("%s", msg)
	}
	return p.Err()
}

// checkIngress: who may reach the load balancer: never the whole
// Internet when it is Internal, however the blocks are split, and never
// nobody by an empty list on an internet-facing one.
func checkIngress(p *problems.List, a Args) {
	var blocks []netip.Prefix
	for i, c := range a.AllowedIngressCIDRs {
		prefix, err := cidr.Parse(c)
		switch {
		case err != nil:
			p.Addf("AllowedIngressCIDRs[%d] %s", i, err)
		case a.Internal && prefix.Bits() == 0:
			p.Addf("AllowedIngressCIDRs[%d] is %s, but the load balancer is Internal: name the VPC's CIDR or the callers' blocks, give callers its Connect grant, or use AllowedSecurityGroupIDs", i, c)
		default:
			blocks = append(blocks, prefix)
		}
	}
	if a.Internal && len(blocks) > 1 {
		if all := cidr.Union(blocks); all != "" {
			p.Addf("AllowedIngressCIDRs %v together cover %s, the whole Internet, but the load balancer is Internal: name the VPC's CIDR or the callers' blocks", a.AllowedIngressCIDRs, all)
		}
	}
	if !a.Internal && a.AllowedIngressCIDRs != nil && len(a.AllowedIngressCIDRs) == 0 && len(a.AllowedSecurityGroupIDs) == 0 {
		p.Addf("AllowedIngressCIDRs is empty and AllowedSecurityGroupIDs names no group: the internet-facing load balancer would admit nobody; leave AllowedIngressCIDRs out for the Internet, name the clients' blocks, or make the service Internal")
	}
	for i, g := range a.AllowedSecurityGroupIDs {
		if g == nil {
			p.Addf("AllowedSecurityGroupIDs[%d] is nil: pass a security group ID", i)
		} else if lit, ok := g.(pulumi.String); ok && !groupIDRE.MatchString(string(lit)) {
			p.Addf("AllowedSecurityGroupIDs[%d] must be a security group ID (sg- and 8 or 17 hex digits), got %q", i, string(lit))
		}
	}
	if a.Egress != EgressHTTPS && a.Egress != EgressNone {
		p.Addf("Egress must be %q or %q, got %q", EgressHTTPS, EgressNone, a.Egress)
	}
	for i, g := range a.Grants {
		if g.Network == nil || g.Network.VpcID == nil || a.VpcID == nil {
			continue
		}
		theirs, ok1 := g.Network.VpcID.(pulumi.String)
		mine, ok2 := a.VpcID.(pulumi.String)
		if ok1 && ok2 && theirs != mine {
			p.Addf("Grants[%d] (%s) is in VPC %s and the service in VPC %s: a security-group path works only inside one VPC", i, g.What, theirs, mine)
		}
	}
}

// validMatcher accepts "200", "200,204" and "200-399", all within 200-499.
func validMatcher(m string) bool {
	if m == "" {
		return false
	}
	for _, part := range strings.Split(m, ",") {
		if !matcherRE.MatchString(part) {
			return false
		}
		lo, hi, _ := strings.Cut(part, "-")
		if hi == "" {
			hi = lo
		}
		l, _ := strconv.Atoi(lo)
		h, _ := strconv.Atoi(hi)
		if l < 200 || h > 499 || l > h {
			return false
		}
	}
	return true
}

func hasKey(m map[string]pulumi.StringInput, k string) bool {
	_, ok := m[k]
	return ok
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func ints(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// Validate reports every problem with args for an AppService named name,
// without registering anything. New runs it first.
func Validate(name string, args *Args) error {
	return validate(name, args.withDefaults())
}

// checkCapacity holds a capacity-provider strategy to what ECS accepts and
// to what Spot needs: X86_64 tasks and a drain inside the warning.
func checkCapacity(p *problems.List, a Args) {
	c := a.Capacity
	if c == nil {
		return
	}
	p.InRange("Capacity.OnDemandBase", float64(c.OnDemandBase), 0, 100000)
	p.InRange("Capacity.OnDemandWeight", float64(c.OnDemandWeight), 0, 1000)
	p.InRange("Capacity.SpotWeight", float64(c.SpotWeight), 0, 1000)
	if c.OnDemandWeight == 0 && c.SpotWeight == 0 {
		p.Addf("Capacity.OnDemandWeight and Capacity.SpotWeight are both 0: give one of them a weight (1 to 1000), or leave Capacity nil for on-demand tasks only")
	}
	if !c.UsesSpot() {
		return
	}
	if a.Architecture != X86_64 {
		p.Addf("Capacity.SpotWeight is %d but Architecture is %q: Fargate Spot runs only X86_64 Linux tasks (set Architecture to X86_64 or Capacity.SpotWeight to 0)", c.SpotWeight, a.Architecture)
	}
	if a.DeregistrationDelaySeconds > MaxSpotDeregistrationDelay {
		p.Addf("DeregistrationDelaySeconds must be at most %d with Spot tasks, to drain inside AWS's two-minute interruption warning, got %d", MaxSpotDeregistrationDelay, a.DeregistrationDelaySeconds)
	}
}
