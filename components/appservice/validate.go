package appservice

import (
	"cmp"
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
	iampolicy.CheckPolicyARN(p, problems.Field("PermissionsBoundaryARN"), a.PermissionsBoundaryARN)
	if len(name) > maxNameLength || !nameRE.MatchString(name) {
		p.Addf("the component name must be 1 to %d letters, digits and hyphens, not starting or ending with a hyphen (the load balancer and target group names add 8 characters and AWS allows 32), got %q", maxNameLength, name)
	}
	for _, in := range []struct {
		field problems.Path
		set   bool
	}{
		{problems.Field("VpcID"), a.VpcID != nil}, {problems.Field("PrivateSubnetIDs"), a.PrivateSubnetIDs != nil},
		{problems.Field("PublicSubnetIDs"), a.PublicSubnetIDs != nil || a.Internal},
	} {
		if !in.set {
			p.Addf("%v is required: pass the Network's output", in.field)
		}
	}
	checkIngress(p, a)
	p.InRange(problems.Field("Alarms").Child("ErrorRatePercent"), a.Alarms.ErrorRatePercent, 0.1, 100)
	monitoring.CheckTopic(p, problems.Field("Alarms").Child("TopicARN"), a.Alarms.TopicARN)
	p.InRange(problems.Field("Alarms").Child("LatencyP99Seconds"), a.Alarms.LatencyP99Seconds, 0.01, 60)
	p.InRange(problems.Field("Alarms").Child("CPUPercent"), a.Alarms.CPUPercent, 1, 100)
	p.InRange(problems.Field("Alarms").Child("MemoryPercent"), a.Alarms.MemoryPercent, 1, 100)
	if strings.TrimSpace(a.Image) == "" {
		p.Addf("%v is required", problems.Field("Image"))
	}
	if a.Port < 1 || a.Port > 65535 {
		p.Addf("%v must be 1 to 65535, got %d", problems.Field("Port"), a.Port)
	}
	checkCapacity(p, a)
	securebucket.CheckLogBucket(p, problems.Field("AccessLogBucket"), a.AccessLogBucket)
	if mems, ok := fargateSizes[a.CPU]; !ok {
		p.Addf("%v must be one of Fargate's sizes %s, got %d", problems.Field("CPU"), ints(sortedKeys(fargateSizes)), a.CPU)
	} else if !slices.Contains(mems, a.Memory) {
		p.Addf("%v %d is not valid with %v %d: Fargate allows %s MiB", problems.Field("Memory"), a.Memory, problems.Field("CPU"), a.CPU, ints(mems))
	}
	if a.Architecture != ARM64 && a.Architecture != X86_64 {
		p.Addf("%v must be %q or %q, got %q", problems.Field("Architecture"), ARM64, X86_64, a.Architecture)
	}

	hc := a.HealthCheck
	if !strings.HasPrefix(hc.Path, "/") || len(hc.Path) > 1024 {
		p.Addf("%v must start with / and be at most 1024 characters, got %q", problems.Field("HealthCheck").Child("Path"), hc.Path)
	}
	if hc.IntervalSeconds < 5 || hc.IntervalSeconds > 300 {
		p.Addf("%v must be 5 to 300, got %d", problems.Field("HealthCheck").Child("IntervalSeconds"), hc.IntervalSeconds)
	}
	if hc.TimeoutSeconds < 2 || hc.TimeoutSeconds > 120 {
		p.Addf("%v must be 2 to 120, got %d", problems.Field("HealthCheck").Child("TimeoutSeconds"), hc.TimeoutSeconds)
	}
	if hc.TimeoutSeconds >= hc.IntervalSeconds {
		p.Addf("%v (%d) must be below %v (%d)", problems.Field("HealthCheck").Child("TimeoutSeconds"), hc.TimeoutSeconds, problems.Field("HealthCheck").Child("IntervalSeconds"), hc.IntervalSeconds)
	}
	for _, t := range []struct {
		field string
		v     int
	}{{"HealthyThreshold", hc.HealthyThreshold}, {"UnhealthyThreshold", hc.UnhealthyThreshold}} {
		if t.v < 2 || t.v > 10 {
			p.Addf("%v must be 2 to 10, got %d", problems.Field("HealthCheck").Child(t.field), t.v)
		}
	}
	if !validMatcher(hc.Matcher) {
		p.Addf(`%v must be HTTP codes within 200-499 such as "200", "200,204" or "200-399", got %q`, problems.Field("HealthCheck").Child("Matcher"), hc.Matcher)
	}
	if a.DeregistrationDelaySeconds < 0 || a.DeregistrationDelaySeconds > 3600 {
		p.Addf("%v must be 0 to 3600, got %d", problems.Field("DeregistrationDelaySeconds"), a.DeregistrationDelaySeconds)
	}

	if a.MinTasks < 1 {
		p.Addf("%v must be at least 1, got %d", problems.Field("MinTasks"), a.MinTasks)
	}
	// With MaxTasks below MinTasks no DesiredTasks fits; that problem is
	// reported once, below.
	if a.MaxTasks >= a.MinTasks && (a.DesiredTasks < a.MinTasks || a.DesiredTasks > a.MaxTasks) {
		p.Addf("%v must be between %v (%d) and %v (%d), got %d", problems.Field("DesiredTasks"), problems.Field("MinTasks"), a.MinTasks, problems.Field("MaxTasks"), a.MaxTasks, a.DesiredTasks)
	}
	if a.MaxTasks < a.MinTasks {
		p.Addf("%v (%d) must not be below %v (%d)", problems.Field("MaxTasks"), a.MaxTasks, problems.Field("MinTasks"), a.MinTasks)
	}
	if a.MinHealthyPercent < 0 || a.MinHealthyPercent > 100 {
		p.Addf("%v must be 0 to 100, got %d", problems.Field("MinHealthyPercent"), a.MinHealthyPercent)
	}
	if a.MaxPercent < 100 {
		p.Addf("%v must be at least 100, got %d", problems.Field("MaxPercent"), a.MaxPercent)
	}
	if a.MinHealthyPercent >= a.MaxPercent {
		p.Addf("%v (%d) must be below %v (%d), or deployments cannot start a new task", problems.Field("MinHealthyPercent"), a.MinHealthyPercent, problems.Field("MaxPercent"), a.MaxPercent)
	}
	if a.MinTasks == 1 && a.MinHealthyPercent == 100 && a.MaxPercent < 200 {
		p.Addf("%v must be at least 200 when one task must stay up (%v 1, %v 100), got %d", problems.Field("MaxPercent"), problems.Field("MinTasks"), problems.Field("MinHealthyPercent"), a.MaxPercent)
	}
	if a.HealthCheckGracePeriodSeconds < 0 {
		p.Addf("%v must not be negative, got %d", problems.Field("HealthCheckGracePeriodSeconds"), a.HealthCheckGracePeriodSeconds)
	}
	if a.CPUTarget < 1 || a.CPUTarget > 100 {
		p.Addf("%v must be 1 to 100 (percent), got %v", problems.Field("CPUTarget"), a.CPUTarget)
	}
	if a.MemoryTarget != 0 && (a.MemoryTarget < 1 || a.MemoryTarget > 100) {
		p.Addf("%v must be 1 to 100 (percent), or 0 for none, got %v", problems.Field("MemoryTarget"), a.MemoryTarget)
	}
	if a.RequestsPerTarget < 0 {
		p.Addf("%v must not be negative, got %d", problems.Field("RequestsPerTarget"), a.RequestsPerTarget)
	}
	if a.ScaleInCooldownSeconds < 0 || a.ScaleOutCooldownSeconds < 0 {
		p.Addf("%v and %v must not be negative, got %d and %d", problems.Field("ScaleInCooldownSeconds"), problems.Field("ScaleOutCooldownSeconds"), a.ScaleInCooldownSeconds, a.ScaleOutCooldownSeconds)
	}
	if !awslimits.IsLogRetention(a.LogRetentionDays) {
		p.Addf("%v must be one of %s, got %d", problems.Field("LogRetentionDays"), awslimits.LogRetentionList(), a.LogRetentionDays)
	}
	if !strings.HasPrefix(a.ScratchPath, "/") {
		p.Addf("%v must be an absolute path, got %q", problems.Field("ScratchPath"), a.ScratchPath)
	}
	if len(a.ContainerHealthCheck) > 0 && a.ContainerHealthCheck[0] != "CMD" && a.ContainerHealthCheck[0] != "CMD-SHELL" {
		p.Addf(`%v must start with "CMD" or "CMD-SHELL", got %q`, problems.Field("ContainerHealthCheck"), a.ContainerHealthCheck[0])
	}

	for _, k := range sortedKeys(a.Environment) {
		if !envNameRE.MatchString(k) {
			p.Addf("%v name %q must be letters, digits and underscores, not starting with a digit", problems.Field("Environment"), k)
		}
	}
	secretNames := map[string]int{}
	for i, s := range a.Secrets {
		where := problems.Field("Secrets").Index(i)
		switch {
		case !envNameRE.MatchString(s.Name):
			p.Addf("%v must be letters, digits and underscores, not starting with a digit, got %q", where.Child("Name"), s.Name)
		case hasKey(a.Environment, s.Name):
			p.Addf("%v %q is also in %v: a variable is plain or secret, not both", where.Child("Name"), s.Name, problems.Field("Environment"))
		}
		if j, dup := secretNames[s.Name]; dup {
			p.Addf("%v %q repeats %v", where.Child("Name"), s.Name, problems.Field("Secrets").Index(j).Child("Name"))
		}
		secretNames[s.Name] = i
		if s.ARN == nil {
			p.Addf("%v is required", where.Child("ARN"))
		} else if lit, ok := s.ARN.(pulumi.String); ok && !arnRE.MatchString(string(lit)) {
			p.Addf("%v must be a Secrets Manager secret or SSM parameter ARN, got %q", where.Child("ARN"), string(lit))
		}
		if s.JSONKey != "" && !jsonKeyRE.MatchString(s.JSONKey) {
			p.Addf("%v must be letters, digits, _ . and -, got %q", where.Child("JSONKey"), s.JSONKey)
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
			p.Addf("%v %s", problems.Field("AllowedIngressCIDRs").Index(i), err)
		case a.Internal && prefix.Bits() == 0:
			p.Addf("%v is %s, but the load balancer is %v: name the VPC's CIDR or the callers' blocks, give callers its Connect grant, or use %v", problems.Field("AllowedIngressCIDRs").Index(i), c, problems.Field("Internal"), problems.Field("AllowedSecurityGroupIDs"))
		default:
			blocks = append(blocks, prefix)
		}
	}
	if a.Internal && len(blocks) > 1 {
		if all := cidr.Union(blocks); all != "" {
			p.Addf("%v %v together cover %s, the whole Internet, but the load balancer is %v: name the VPC's CIDR or the callers' blocks", problems.Field("AllowedIngressCIDRs"), a.AllowedIngressCIDRs, all, problems.Field("Internal"))
		}
	}
	if !a.Internal && a.AllowedIngressCIDRs != nil && len(a.AllowedIngressCIDRs) == 0 && len(a.AllowedSecurityGroupIDs) == 0 {
		p.Addf("%v is empty and %v names no group: the internet-facing load balancer would admit nobody; leave %v out for the Internet, name the clients' blocks, or make the service %v", problems.Field("AllowedIngressCIDRs"), problems.Field("AllowedSecurityGroupIDs"), problems.Field("AllowedIngressCIDRs"), problems.Field("Internal"))
	}
	for i, g := range a.AllowedSecurityGroupIDs {
		if g == nil {
			p.Addf("%v is nil: pass a security group ID", problems.Field("AllowedSecurityGroupIDs").Index(i))
		} else if lit, ok := g.(pulumi.String); ok && !groupIDRE.MatchString(string(lit)) {
			p.Addf("%v must be a security group ID (sg- and 8 or 17 hex digits), got %q", problems.Field("AllowedSecurityGroupIDs").Index(i), string(lit))
		}
	}
	if a.Egress != EgressHTTPS && a.Egress != EgressNone {
		p.Addf("%v must be %q or %q, got %q", problems.Field("Egress"), EgressHTTPS, EgressNone, a.Egress)
	}
	for i, g := range a.Grants {
		if g.Network == nil || g.Network.VpcID == nil || a.VpcID == nil {
			continue
		}
		theirs, ok1 := g.Network.VpcID.(pulumi.String)
		mine, ok2 := a.VpcID.(pulumi.String)
		if ok1 && ok2 && theirs != mine {
			p.Addf("%v (%s) is in VPC %s and the service in VPC %s: a security-group path works only inside one VPC", problems.Field("Grants").Index(i), g.What, theirs, mine)
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
	p.InRange(problems.Field("Capacity").Child("OnDemandBase"), float64(c.OnDemandBase), 0, 100000)
	p.InRange(problems.Field("Capacity").Child("OnDemandWeight"), float64(c.OnDemandWeight), 0, 1000)
	p.InRange(problems.Field("Capacity").Child("SpotWeight"), float64(c.SpotWeight), 0, 1000)
	if c.OnDemandWeight == 0 && c.SpotWeight == 0 {
		p.Addf("%v and %v are both 0: give one of them a weight (1 to 1000), or leave %v nil for on-demand tasks only", problems.Field("Capacity").Child("OnDemandWeight"), problems.Field("Capacity").Child("SpotWeight"), problems.Field("Capacity"))
	}
	if !c.UsesSpot() {
		return
	}
	if a.Architecture != X86_64 {
		p.Addf("%v is %d but %v is %q: Fargate Spot runs only X86_64 Linux tasks (set %v to X86_64 or %v to 0)", problems.Field("Capacity").Child("SpotWeight"), c.SpotWeight, problems.Field("Architecture"), a.Architecture, problems.Field("Architecture"), problems.Field("Capacity").Child("SpotWeight"))
	}
	if a.DeregistrationDelaySeconds > MaxSpotDeregistrationDelay {
		p.Addf("%v must be at most %d with Spot tasks, to drain inside AWS's two-minute interruption warning, got %d", problems.Field("DeregistrationDelaySeconds"), MaxSpotDeregistrationDelay, a.DeregistrationDelaySeconds)
	}
}
