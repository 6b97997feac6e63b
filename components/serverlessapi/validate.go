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
	iampolicy.CheckPolicyARN(p, "PermissionsBoundaryARN", a.PermissionsBoundaryARN)
	switch {
	case a.Code == nil && a.ImageURI == "":
		p.Addf("Code or ImageURI is required: the function needs something to run")
	case a.Code != nil && a.ImageURI != "":
		p.Addf("Code and ImageURI are both set: give one")
	}
	if a.ImageURI == "" {
		if msg := RuntimeProblem(a.Runtime); msg != "" {
			p.Addf("%s", msg)
		}
		if strings.TrimSpace(a.Handler) == "" {
			p.Addf("Handler is required for a code archive")
		}
	}
	if a.Architecture != "arm64" && a.Architecture != "x86_64" {
		p.Addf(`Architecture must be "arm64" or "x86_64", got %q`, a.Architecture)
	}
	if a.MemoryMB < MinMemoryMB || a.MemoryMB > MaxMemoryMB {
		p.Addf("MemoryMB must be %d to %d, got %d", MinMemoryMB, MaxMemoryMB, a.MemoryMB)
	}
	if a.TimeoutSeconds < MinTimeout || a.TimeoutSeconds > MaxTimeout {
		p.Addf("TimeoutSeconds must be %d to %d, got %d", MinTimeout, MaxTimeout, a.TimeoutSeconds)
	}
	if a.EphemeralStorageMB < MinEphemeralMB || a.EphemeralStorageMB > MaxEphemeralMB {
		p.Addf("EphemeralStorageMB must be %d to %d, got %d", MinEphemeralMB, MaxEphemeralMB, a.EphemeralStorageMB)
	}
	checkEnvironment(p, a)
	if len(a.Layers) > MaxLayers {
		p.Addf("Layers must hold at most %d, got %d", MaxLayers, len(a.Layers))
	}
	for i, l := range a.Layers {
		if !layerRE.MatchString(l) {
			p.Addf("Layers[%d] must be a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>), got %q", i, l)
		}
	}
	if a.ReservedConcurrency < 0 {
		p.Addf("ReservedConcurrency must not be negative, got %d", a.ReservedConcurrency)
	}
	if !awslimits.IsLogRetention(a.LogRetentionDays) {
		p.Addf("LogRetentionDays must be one of %s, got %d", awslimits.LogRetentionList(), a.LogRetentionDays)
	}
	if (a.VpcID == nil) != (a.SubnetIDs == nil) {
		p.Addf("VpcID and SubnetIDs go together: give both to place the function in a VPC, or neither")
	}

	if a.Table != nil {
		if a.TableName != nil || a.TableARN != nil {
			p.Addf("Table creates a table, TableName and TableARN name an existing one: give one or the other")
		}
		for _, k := range []struct {
			field string
			key   Key
		}{{"Table.HashKey", a.Table.HashKey}, {"Table.RangeKey", a.Table.RangeKey}} {
			if k.field == "Table.HashKey" && k.key.Name == "" {
				p.Addf("Table.HashKey.Name is required")
			}
			if k.key.Name != "" && !slices.Contains([]string{"S", "N", "B"}, k.key.Type) {
				p.Addf("%s.Type must be S, N or B, got %q", k.field, k.key.Type)
			}
		}
		if a.Table.RangeKey.Name != "" && a.Table.RangeKey.Name == a.Table.HashKey.Name {
			p.Addf("Table.RangeKey.Name %q repeats the hash key", a.Table.RangeKey.Name)
		}
	} else if (a.TableName == nil) != (a.TableARN == nil) {
		p.Addf("TableName and TableARN go together: the function needs the name and its grant the ARN")
	}

	checkCORS(p, a.CORS)
	if len(a.Routes) > MaxRoutes {
		p.Addf("Routes must hold at most %d, got %d", MaxRoutes, len(a.Routes))
	}
	seen := map[string]int{}
	for i, r := range a.Routes {
		if r != "$default" && !routeRE.MatchString(r) {
			p.Addf(`Routes[%d] must be "$default" or "METHOD /path" such as "GET /items", got %q`, i, r)
		}
		// Each route becomes a child named after its key.
		if j, dup := seen[routeName(r)]; dup {
			p.Addf("Routes[%d] %q repeats Routes[%d] %q", i, r, j, a.Routes[j])
		}
		seen[routeName(r)] = i
	}
	if a.Authorizer != nil {
		if u, err := url.Parse(a.Authorizer.Issuer); err != nil || u.Scheme != "https" || u.Host == "" {
			p.Addf("Authorizer.Issuer must be an https URL, got %q", a.Authorizer.Issuer)
		}
		if len(a.Authorizer.Audience) == 0 {
			p.Addf("Authorizer.Audience must list at least one audience")
		}
	}
	if a.StageName != "$default" && !stageRE.MatchString(a.StageName) {
		p.Addf(`StageName must be "$default" or 1 to 128 letters, digits, _ and -, got %q`, a.StageName)
	}
	if a.ThrottlingBurst < 1 {
		p.Addf("ThrottlingBurst must be above 0, got %d", a.ThrottlingBurst)
	}
	if !(a.ThrottlingRate > 0) {
		p.Addf("ThrottlingRate must be above 0, got %v", a.ThrottlingRate)
	}
	p.InRange("Alarms.ErrorRatePercent", a.Alarms.ErrorRatePercent, 0.1, 100)
	monitoring.CheckTopic(p, "Alarms.TopicARN", a.Alarms.TopicARN)
	p.InRange("Alarms.LatencyP99Milliseconds", a.Alarms.LatencyP99Milliseconds, 10, 30000)
	p.InRange("Alarms.TimeoutPercent", a.Alarms.TimeoutPercent, 1, 100)
	p.InRange("Alarms.ConcurrencyPercent", a.Alarms.ConcurrencyPercent, 1, 100)
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
			p.Addf("Grants[%d] (%s) opens a network path, which needs the function in a VPC: set VpcID and SubnetIDs", i, g.What)
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
			p.Addf("Environment name %q must be letters, digits and underscores, starting with a letter", k)
		case slices.Contains(reservedEnv, k) || strings.HasPrefix(k, "AWS_LAMBDA_"):
			p.Addf("Environment name %q is reserved by the Lambda runtime", k)
		case k == "TABLE_NAME" && (a.Table != nil || a.TableName != nil):
			p.Addf("Environment name TABLE_NAME is set by the component for its table")
		}
		size += len(k)
		if lit, ok := a.Environment[k].(pulumi.String); ok {
			size += len(lit)
		}
	}
	if size > MaxEnvironmentBytes {
		p.Addf("Environment must be at most %d bytes in all, got %d", MaxEnvironmentBytes, size)
	}
}

func checkCORS(p *problems.List, c CORS) {
	for i, o := range c.AllowOrigins {
		if o == "*" {
			if c.AllowCredentials {
				p.Addf(`CORS.AllowCredentials cannot be combined with origin "*" (browsers refuse it): list the origins`)
			}
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			p.Addf(`CORS.AllowOrigins[%d] must be an origin such as "https://app.example.com", got %q`, i, o)
		}
	}
	for i, m := range c.AllowMethods {
		if !slices.Contains(corsMethod, m) {
			p.Addf("CORS.AllowMethods[%d] must be one of %s, got %q", i, strings.Join(corsMethod, ", "), m)
		}
	}
	if c.MaxAgeSeconds < 0 || c.MaxAgeSeconds > MaxCORSMaxAge {
		p.Addf("CORS.MaxAgeSeconds must be 0 to %d, got %d", MaxCORSMaxAge, c.MaxAgeSeconds)
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
