package serverlessapi

import (
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/internal/awslimits"
	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/internal/lambdaruntime"
	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/monitoring"
)

var (
	envNameRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	layerRE    = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$`)
	stageRE    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	routeRE    = regexp.MustCompile(`^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/[^\s]*)$`)
	corsMethod = []string{"*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
)

func validate(name string, a Args) error {
	p := problems.For("serverlessapi", name)
	iampolicy.CheckPolicyARN(p, problems.Field("PermissionsBoundaryARN"), a.PermissionsBoundaryARN)
	switch {
	case a.Code == nil && a.ImageURI == "":
		p.Addf("%v or %v is required: the function needs something to run", problems.Field("Code"), problems.Field("ImageURI"))
	case a.Code != nil && a.ImageURI != "":
		p.Addf("%v and %v are both set: give one", problems.Field("Code"), problems.Field("ImageURI"))
	}
	if a.ImageURI == "" {
		if why := lambdaruntime.Why(a.Runtime); why != "" {
			p.Addf("%v %s", problems.Field("Runtime"), why)
		}
		if strings.TrimSpace(a.Handler) == "" {
			p.Addf("%v is required for a code archive", problems.Field("Handler"))
		}
	}
	if a.Architecture != "arm64" && a.Architecture != "x86_64" {
		p.Addf(`%v must be "arm64" or "x86_64", got %q`, problems.Field("Architecture"), a.Architecture)
	}
	if a.MemoryMB < MinMemoryMB || a.MemoryMB > MaxMemoryMB {
		p.Addf("%v must be %d to %d, got %d", problems.Field("MemoryMB"), MinMemoryMB, MaxMemoryMB, a.MemoryMB)
	}
	if a.TimeoutSeconds < MinTimeout || a.TimeoutSeconds > MaxTimeout {
		p.Addf("%v must be %d to %d, got %d", problems.Field("TimeoutSeconds"), MinTimeout, MaxTimeout, a.TimeoutSeconds)
	}
	if a.EphemeralStorageMB < MinEphemeralMB || a.EphemeralStorageMB > MaxEphemeralMB {
		p.Addf("%v must be %d to %d, got %d", problems.Field("EphemeralStorageMB"), MinEphemeralMB, MaxEphemeralMB, a.EphemeralStorageMB)
	}
	checkEnvironment(p, a)
	if len(a.Layers) > MaxLayers {
		p.Addf("%v must hold at most %d, got %d", problems.Field("Layers"), MaxLayers, len(a.Layers))
	}
	for i, l := range a.Layers {
		if !layerRE.MatchString(l) {
			p.Addf("%v must be a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>), got %q", problems.Field("Layers").Index(i), l)
		}
	}
	if a.ReservedConcurrency < 0 {
		p.Addf("%v must not be negative, got %d", problems.Field("ReservedConcurrency"), a.ReservedConcurrency)
	}
	if !awslimits.IsLogRetention(a.LogRetentionDays) {
		p.Addf("%v must be one of %s, got %d", problems.Field("LogRetentionDays"), awslimits.LogRetentionList(), a.LogRetentionDays)
	}
	if (a.VpcID == nil) != (a.SubnetIDs == nil) {
		p.Addf("%v and %v go together: give both to place the function in a VPC, or neither", problems.Field("VpcID"), problems.Field("SubnetIDs"))
	}

	if a.Table != nil {
		if a.TableName != nil || a.TableARN != nil {
			p.Addf("%v creates a table, %v and %v name an existing one: give one or the other", problems.Field("Table"), problems.Field("TableName"), problems.Field("TableARN"))
		}
		for _, k := range []struct {
			field problems.Path
			key   Key
		}{{problems.Field("Table").Child("HashKey"), a.Table.HashKey}, {problems.Field("Table").Child("RangeKey"), a.Table.RangeKey}} {
			if k.field == problems.Field("Table").Child("HashKey") && k.key.Name == "" {
				p.Addf("%v is required", problems.Field("Table").Child("HashKey").Child("Name"))
			}
			if k.key.Name != "" && !slices.Contains([]string{"S", "N", "B"}, k.key.Type) {
				p.Addf("%v must be S, N or B, got %q", k.field.Child("Type"), k.key.Type)
			}
		}
		if a.Table.RangeKey.Name != "" && a.Table.RangeKey.Name == a.Table.HashKey.Name {
			p.Addf("%v %q repeats the hash key", problems.Field("Table").Child("RangeKey").Child("Name"), a.Table.RangeKey.Name)
		}
	} else if (a.TableName == nil) != (a.TableARN == nil) {
		p.Addf("%v and %v go together: the function needs the name and its grant the ARN", problems.Field("TableName"), problems.Field("TableARN"))
	}

	checkCORS(p, a.CORS)
	if len(a.Routes) > MaxRoutes {
		p.Addf("%v must hold at most %d, got %d", problems.Field("Routes"), MaxRoutes, len(a.Routes))
	}
	seen := map[string]int{}
	for i, r := range a.Routes {
		if r != "$default" && !routeRE.MatchString(r) {
			p.Addf(`%v must be "$default" or "METHOD /path" such as "GET /items", got %q`, problems.Field("Routes").Index(i), r)
		}
		// Each route becomes a child named after its key.
		if j, dup := seen[routeName(r)]; dup {
			p.Addf("%v %q repeats %v %q", problems.Field("Routes").Index(i), r, problems.Field("Routes").Index(j), a.Routes[j])
		}
		seen[routeName(r)] = i
	}
	if a.Authorizer != nil {
		if u, err := url.Parse(a.Authorizer.Issuer); err != nil || u.Scheme != "https" || u.Host == "" {
			p.Addf("%v must be an https URL, got %q", problems.Field("Authorizer").Child("Issuer"), a.Authorizer.Issuer)
		}
		if len(a.Authorizer.Audience) == 0 {
			p.Addf("%v must list at least one audience", problems.Field("Authorizer").Child("Audience"))
		}
	}
	if a.StageName != "$default" && !stageRE.MatchString(a.StageName) {
		p.Addf(`%v must be "$default" or 1 to 128 letters, digits, _ and -, got %q`, problems.Field("StageName"), a.StageName)
	}
	if a.ThrottlingBurst < 1 {
		p.Addf("%v must be above 0, got %d", problems.Field("ThrottlingBurst"), a.ThrottlingBurst)
	}
	if !(a.ThrottlingRate > 0) {
		p.Addf("%v must be above 0, got %v", problems.Field("ThrottlingRate"), a.ThrottlingRate)
	}
	p.InRange(problems.Field("Alarms").Child("ErrorRatePercent"), a.Alarms.ErrorRatePercent, 0.1, 100)
	monitoring.CheckTopic(p, problems.Field("Alarms").Child("TopicARN"), a.Alarms.TopicARN)
	p.InRange(problems.Field("Alarms").Child("LatencyP99Milliseconds"), a.Alarms.LatencyP99Milliseconds, 10, 30000)
	p.InRange(problems.Field("Alarms").Child("TimeoutPercent"), a.Alarms.TimeoutPercent, 1, 100)
	p.InRange(problems.Field("Alarms").Child("ConcurrencyPercent"), a.Alarms.ConcurrencyPercent, 1, 100)
	taken := map[string]string{}
	for k := range a.Environment {
		taken[k] = "Environment"
	}
	if a.Table != nil || a.TableName != nil {
		taken["TABLE_NAME"] = "the table"
	}
	for _, msg := range grant.Problems(a.Grants, taken, grantNames) {
		p.Addf("%s", msg)
	}
	for i, g := range a.Grants {
		if g.Network != nil && a.VpcID == nil {
			p.Addf("%v (%s) opens a network path, which needs the function in a VPC: set %v and %v", problems.Field("Grants").Index(i), g.What, problems.Field("VpcID"), problems.Field("SubnetIDs"))
		}
	}
	return p.Err()
}

// checkEnvironment checks names and the 4 KB limit over the values known
// now (values from other resources count once they are known, at deploy).
func checkEnvironment(p *problems.List, a Args) {
	names := make([]string, 0, len(a.Environment))
	for k := range a.Environment {
		names = append(names, k)
	}
	sort.Strings(names)
	size := 0
	for _, k := range names {
		switch {
		case !envNameRE.MatchString(k):
			p.Addf("%v name %q must be letters, digits and underscores, starting with a letter", problems.Field("Environment"), k)
		case slices.Contains(reservedEnv, k) || strings.HasPrefix(k, "AWS_LAMBDA_"):
			p.Addf("%v name %q is reserved by the Lambda runtime", problems.Field("Environment"), k)
		case k == "TABLE_NAME" && (a.Table != nil || a.TableName != nil):
			p.Addf("%v name TABLE_NAME is set by the component for its table", problems.Field("Environment"))
		}
		size += len(k)
		if lit, ok := a.Environment[k].(pulumi.String); ok {
			size += len(lit)
		}
	}
	if size > MaxEnvironmentBytes {
		p.Addf("%v must be at most %d bytes in all, got %d", problems.Field("Environment"), MaxEnvironmentBytes, size)
	}
}

func checkCORS(p *problems.List, c CORS) {
	for i, o := range c.AllowOrigins {
		if o == "*" {
			if c.AllowCredentials {
				p.Addf(`%v cannot be combined with origin "*" (browsers refuse it): list the origins`, problems.Field("CORS").Child("AllowCredentials"))
			}
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			p.Addf(`%v must be an origin such as "https://app.example.com", got %q`, problems.Field("CORS").Child("AllowOrigins").Index(i), o)
		}
	}
	for i, m := range c.AllowMethods {
		if !slices.Contains(corsMethod, m) {
			p.Addf("%v must be one of %s, got %q", problems.Field("CORS").Child("AllowMethods").Index(i), strings.Join(corsMethod, ", "), m)
		}
	}
	if c.MaxAgeSeconds < 0 || c.MaxAgeSeconds > MaxCORSMaxAge {
		p.Addf("%v must be 0 to %d, got %d", problems.Field("CORS").Child("MaxAgeSeconds"), MaxCORSMaxAge, c.MaxAgeSeconds)
	}
}

// Validate reports every problem with args for a ServerlessAPI named name,
// without registering anything. New runs it first.
func Validate(name string, args *Args) error {
	return validate(name, args.withDefaults())
}

// RuntimeProblem says what is wrong with a Lambda runtime, naming its
// replacement when AWS deprecated it, or returns "" for a supported one.
func RuntimeProblem(runtime string) string { return lambdaruntime.Problem(runtime) }

// grantNames are the variables a grant sets in the function: its settings,
// and the ARNs of its secrets, which the code reads itself.
func grantNames(g grant.Grant) []string {
	var out []string
	for k := range g.Environment {
		out = append(out, k)
	}
	sort.Strings(out)
	for _, sec := range g.Secrets {
		out = append(out, sec.ARNEnv)
	}
	return out
}
