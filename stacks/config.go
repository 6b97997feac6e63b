package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/awsprovider"
	"github.com/strata-infra/strata/components/alerting"
	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/baseline"
	"github.com/strata-infra/strata/components/budget"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/components/serverlessapi"
	"github.com/strata-infra/strata/internal/awsconfig"
	"github.com/strata-infra/strata/internal/didyoumean"
	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/stacks/keys"
)

// The project's config keys, without the project namespace.
const (
	KeyEnvironment = keys.Environment
	KeyOwner       = "owner"
	KeyCostCenter  = "costCenter"
	KeyNetwork     = "network"
	KeyBucket      = "bucket"
	KeyBudget      = "budget"
	KeyDB          = "db"
	KeyApp         = "app"
	KeyAPI         = "api"
	KeyBaseline    = "baseline"
	KeyAlarms      = "alarms"
	// KeyDeployExternalID is the deploy role's external ID: a secret.
	KeyDeployExternalID = "deployExternalId"
	// KeyPermissionsBoundary is the permissions boundary of the stack's
	// service roles.
	KeyPermissionsBoundary = "permissionsBoundary"
	// KeyAccessLogs turns the stack's access logging (load balancer and S3
	// server access logs into one log bucket) off outside production.
	KeyAccessLogs = "accessLogs"
)

// Keys are the config keys strata reads in its project namespace.
var Keys = []string{KeyEnvironment, KeyOwner, KeyCostCenter, KeyNetwork, KeyBucket, KeyBudget, KeyDB, KeyApp, KeyAPI, KeyBaseline, KeyAlarms, KeyDeployExternalID, KeyPermissionsBoundary, KeyAccessLogs}

// RegionKey is the AWS Region's config key.
const RegionKey = "aws:region"

var (
	envName  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	// certificateARN is an ACM certificate's ARN; its group is the Region.
	certificateARN = regexp.MustCompile(`^arn:aws(?:-cn|-us-gov)?:acm:([a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	domainRE       = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// Load reads the stack's config: it picks the profile from
// strata:environment (default: the stack name; "prod" selects production),
// overlays the sections the stack file sets, and checks everything,
// including the components' own validation, before anything registers. All
// problems come back at once, each naming its config key.
func Load(ctx *pulumi.Context) (*Profile, error) {
	ns := ctx.Project()
	get := func(key string) (string, bool) { return ctx.GetConfig(key) }
	p, err := load(ns, ctx.Stack(), get, ctx.IsConfigSecret)
	if err == nil && !p.AccessLogs && ctx.DryRun() {
		msg := fmt.Sprintf("%s:%s is false: no load balancer or S3 server access logs (FSBP ELB.5, S3.9)", ns, KeyAccessLogs)
		if b := p.Bucket.AccessLogBucket; b != "" {
			msg = fmt.Sprintf("%s:%s is false: no load balancer access logs (FSBP ELB.5); the data bucket still logs to %s (%s:%s.accessLogBucket)", ns, KeyAccessLogs, b, ns, KeyBucket)
		}
		if werr := ctx.Log.Warn(msg, nil); werr != nil {
			return nil, werr
		}
	}
	if err == nil && appservice.IsPlaceholderCertificate(p.App.CertificateARN) {
		// A preview shows what the stack would be; a deploy would create
		// everything else and then fail on the HTTPS listener.
		msg := fmt.Sprintf("%s:%s.certificateArn is the placeholder %s: set your ACM certificate's ARN in Pulumi.%s.yaml",
			ns, KeyApp, p.App.CertificateARN, ctx.Stack())
		if !ctx.DryRun() {
			return nil, fmt.Errorf("config: %s before deploying; nothing was created", msg)
		}
		if werr := ctx.Log.Warn(msg+" before `pulumi up`, which refuses it", nil); werr != nil {
			return nil, werr
		}
	}
	// Under the Pulumi CLI the program can see every config key; reject
	// typos among them too (the strata CLI does this with CheckKeys).
	if raw := os.Getenv(pulumi.EnvConfig); raw != "" {
		var all map[string]string
		if json.Unmarshal([]byte(raw), &all) == nil {
			err = errors.Join(CheckKeys(ns, slices.Collect(mapKeys(all))), err)
		}
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// load is Load over a config lookup.
func load(ns, stack string, get func(string) (string, bool), isSecret func(string) bool) (*Profile, error) {
	bad := problems.About("config")
	key := func(k string) string { return ns + ":" + k }

	env, _ := get(key(KeyEnvironment))
	if env == "" {
		env = stack
	}
	if !envName.MatchString(env) {
		bad.Addf("%s must be lower-case letters, digits and hyphens, starting with a letter, at most 32 characters, got %q (it defaults to the stack name)",
			key(KeyEnvironment), env)
	}
	if slices.Contains([]string{"production", "prd", "live"}, env) {
		bad.Addf("%s is %q, which strata would plan as a non-production environment: only %q selects the production profile; did you mean %q? (it defaults to the stack name)",
			key(KeyEnvironment), env, Production, Production)
	}
	p := Defaults(env)
	p.FromFile = map[string]bool{}
	for _, k := range []string{KeyEnvironment, KeyOwner, KeyCostCenter, KeyDeployExternalID, KeyPermissionsBoundary, KeyAccessLogs} {
		// A value equal to Pulumi.yaml's default is what Pulumi passes when
		// the stack file is silent: it is not the file's.
		if v, set := get(key(k)); set {
			if d, declared := ProjectDefaults[k]; !declared || v != d {
				p.FromFile[k] = true
			}
		}
	}

	p.Region, _ = get(RegionKey)
	switch {
	case !regionRE.MatchString(p.Region):
		bad.Addf("%s must be an AWS Region such as us-east-1, got %q", RegionKey, p.Region)
	case !slices.Contains(regions, p.Region):
		bad.Addf("%s is %q, which is no Region AWS offers%s", RegionKey, p.Region, suggest(p.Region, regions, ""))
	}
	p.Owner, _ = get(key(KeyOwner))
	p.CostCenter, _ = get(key(KeyCostCenter))
	for _, t := range []struct{ key, value string }{{key(KeyOwner), p.Owner}, {key(KeyCostCenter), p.CostCenter}} {
		if msg := awsprovider.CheckTagValue(t.value); msg != "" {
			bad.Addf("%s %s", t.key, msg)
		}
	}

	given := map[string]map[string]bool{} // section -> the keys the stack file set
	for _, section := range p.sections() {
		if raw, ok := get(key(section.key)); ok {
			set, errs := overlay(key(section.key), raw, section.dst)
			given[section.key] = set
			for k := range set {
				p.FromFile[section.key+"."+k] = true
			}
			for _, err := range errs {
				bad.Add(err)
			}
		}
	}
	compose(&p, given)
	n := p.Network
	if _, ok := natStrategies[n.NATGateways]; !ok {
		bad.Addf("%s.natGateways must be %q, %q, %q or %q, got %q", key(KeyNetwork), NATSingle, NATPerAZ, NATInstance, NATNone, n.NATGateways)
	}
	if p.Production {
		if n.NATGateways == NATNone || n.NATGateways == NATInstance {
			bad.Addf("%s.natGateways must not be %q in production: the application tier needs a managed, highly available way out (perAz)", key(KeyNetwork), n.NATGateways)
		}
		if n.FlowLogRetentionDays < 365 {
			bad.Addf("%s.flowLogRetentionDays must be at least 365 in production (FSBP CloudWatch.16), got %d", key(KeyNetwork), n.FlowLogRetentionDays)
		}
		if !p.DB.DeletionProtection {
			bad.Addf("%s.deletionProtection must be true in production: a deleted database is lost data", key(KeyDB))
		}
		if p.DB.Instances < 2 {
			bad.Addf("%s.instances must be at least 2 in production (a reader in another AZ to fail over to, FSBP RDS.15), got %d", key(KeyDB), p.DB.Instances)
		}
		if p.App.CertificateARN == "" {
			bad.Addf("%s.certificateArn must be set in production: the load balancer serves HTTPS with it (an ACM certificate ARN)", key(KeyApp))
		}
		if c := p.App.Capacity; c.UsesSpot() && c.OnDemandBase < p.App.MinTasks {
			bad.Addf("%s.capacity.onDemandBase must be at least %s.minTasks (%d) in production when spotWeight is set: the minimum capacity never runs on Spot, got %d",
				key(KeyApp), key(KeyApp), p.App.MinTasks, c.OnDemandBase)
		}
		if p.App.MinTasks < 2 {
			bad.Addf("%s.minTasks must be at least 2 in production, got %d", key(KeyApp), p.App.MinTasks)
		}
		if len(p.Alarms.Emails) == 0 {
			bad.Addf("%s.emails must list at least one address in production: an alarm that reaches no one protects nothing", key(KeyAlarms))
		}
		if len(p.Budget.Emails) == 0 {
			bad.Addf("%s.emails must list at least one address in production: a budget alert that reaches no one protects nothing", key(KeyBudget))
		}
	}
	// The deploy role needs its trusted principal and a secret external ID.
	p.DeployExternalID, _ = get(key(KeyDeployExternalID))
	principal := p.Baseline.DeployRole != nil && p.Baseline.DeployRole.TrustedPrincipal != ""
	switch {
	case principal && p.DeployExternalID == "":
		bad.Addf("%s must be set (pulumi config set --secret %s …) when %s.deployRole.trustedPrincipal is: the role requires an external ID",
			key(KeyDeployExternalID), KeyDeployExternalID, key(KeyBaseline))
	case !principal && p.DeployExternalID != "":
		bad.Addf("%s is set but %s.deployRole.trustedPrincipal is not: name the account or role that may assume the deploy role", key(KeyDeployExternalID), key(KeyBaseline))
	case p.DeployExternalID != "" && !isSecret(key(KeyDeployExternalID)):
		bad.Addf("%s must be a secret: set it with pulumi config set --secret %s", key(KeyDeployExternalID), KeyDeployExternalID)
	}
	if principal && !p.Baseline.Enabled {
		bad.Addf("%s.deployRole is set but %s.enabled is false: the deploy role is part of the baseline", key(KeyBaseline), key(KeyBaseline))
	}

	switch raw, set := get(key(KeyAccessLogs)); {
	case !set:
	case raw == "true" || raw == "false":
		p.AccessLogs = raw == "true"
	default:
		bad.Addf("%s must be true or false, got %q", key(KeyAccessLogs), raw)
	}
	if p.Production && !p.AccessLogs {
		bad.Addf("%s must be true in production: load balancer and S3 access logs are how an incident is reconstructed (FSBP ELB.5, S3.9)", key(KeyAccessLogs))
	}

	// The boundary reaches every component: check it once, under its key,
	// and keep a bad value from repeating in each component's problems.
	p.PermissionsBoundary, _ = get(key(KeyPermissionsBoundary))
	if b := p.PermissionsBoundary; b != "" && !iampolicy.ManagedPolicyARN(b) {
		bad.Addf("%s must be a managed policy ARN (arn:aws:iam::<account>:policy/<name>), got %q", key(KeyPermissionsBoundary), b)
		p.PermissionsBoundary = ""
	}

	// The load balancer takes a certificate of its own Region only.
	if c := p.App.CertificateARN; c != "" {
		m := certificateARN.FindStringSubmatch(c)
		switch {
		case m == nil:
			bad.Addf("%s.certificateArn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got %q", key(KeyApp), c)
		case p.Region != "" && m[1] != p.Region:
			bad.Addf("%s.certificateArn is a certificate in %s, but the stack deploys to %s (%s): a load balancer can only use a certificate of its own Region", key(KeyApp), m[1], p.Region, RegionKey)
		}
	}

	if d := p.API.Domain; d != "" && !domainRE.MatchString(d) {
		bad.Addf("%s.domain must be a DNS name such as shop.example.com (no scheme or path), got %q", key(KeyAPI), d)
	}

	// The component's own checks (two or more AZs in every environment among
	// them), named after the config section. Keys that failed to decode kept
	// their profile value, so this still checks what the stack file set.
	// Their problems carry the Args fields they name as typed paths; each
	// is rendered with the keys of the section's config struct.
	for _, c := range []struct {
		key string
		cfg any
		err error
	}{
		{KeyNetwork, p.Network, network.Validate(NetworkName, p.NetworkArgs())},
		{KeyBucket, p.Bucket, securebucket.Validate(BucketName, ns, p.BucketArgs())},
		{KeyBudget, p.Budget, budget.Validate(BudgetName, p.BudgetArgs())},
		// The network's outputs are not known yet; any value stands in.
		{KeyDB, p.DB, auroradb.Validate(DBName, ns, stack, p.DBArgs(nil))},
		{KeyApp, p.App, appservice.Validate(AppName, p.appArgs(appWiring{}))},
		{KeyAPI, p.API, serverlessapi.Validate(APIName, p.APIArgs(nil))},
		{KeyBaseline, p.Baseline, validateBaseline(p)},
		{KeyAlarms, p.Alarms, alerting.Validate(AlertingName, &alerting.Args{Emails: p.Alarms.Emails})},
	} {
		if c.err != nil {
			for _, e := range unjoin(c.err) {
				bad.Add(errors.New(inConfigTerms(ns, c.key, reflect.TypeOf(c.cfg), e)))
			}
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return &p, nil
}

// section is one object config key and the part of the profile it sets.
type section struct {
	key string
	dst any // a pointer to the section's config struct
}

// sections are the profile's object config keys, in the order of Keys.
func (p *Profile) sections() []section {
	return []section{{KeyNetwork, &p.Network}, {KeyBucket, &p.Bucket}, {KeyBudget, &p.Budget}, {KeyDB, &p.DB}, {KeyApp, &p.App}, {KeyAPI, &p.API}, {KeyBaseline, &p.Baseline}, {KeyAlarms, &p.Alarms}}
}

// Effective is the profile a stack's config selects, as Load reads it from
// the stack file (config as plan.StackOptions gives it), with FromFile
// saying which values the file set.
func Effective(ns, stack string, config map[string]string, secretKeys []string) (*Profile, error) {
	get := func(k string) (string, bool) {
		v, ok := config[k]
		return v, ok
	}
	return load(ns, stack, get, func(k string) bool { return slices.Contains(secretKeys, k) })
}

// Setting is one effective config value.
type Setting struct {
	// Key is the key without the project namespace ("db.minAcu").
	Key string
	// Value is the value as JSON.
	Value json.RawMessage
	// FromFile says the stack file set it; otherwise the profile did.
	FromFile bool
}

// Settings are the profile's effective config values, section by section
// in the order of Keys, fields in their struct's order; secrets are left
// out, and so are values left to the component's own default.
func (p *Profile) Settings() []Setting {
	var out []Setting
	add := func(k string, v any) {
		raw, err := json.Marshal(v)
		if err == nil {
			out = append(out, Setting{Key: k, Value: raw, FromFile: p.FromFile[k]})
		}
	}
	add(KeyEnvironment, p.Environment)
	add(KeyOwner, p.Owner)
	add(KeyCostCenter, p.CostCenter)
	add(KeyAccessLogs, p.AccessLogs)
	if p.PermissionsBoundary != "" {
		add(KeyPermissionsBoundary, p.PermissionsBoundary)
	}
	for _, sec := range p.sections() {
		v := reflect.ValueOf(sec.dst).Elem()
		for i := range v.NumField() {
			f := v.Type().Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Tag.Get("zero") == "default" && v.Field(i).IsZero() {
				continue // the component's own default applies
			}
			if tag != "" && tag != "-" {
				add(sec.key+"."+tag, v.Field(i).Interface())
			}
		}
	}
	return out
}

// ProjectDefaults are the scalar defaults Pulumi.yaml declares, which
// Pulumi passes to the program when a stack file does not set the key
// (TestProjectDefaultsArePulumiYAMLs keeps them equal).
var ProjectDefaults = map[string]string{KeyEnvironment: "", KeyDeployExternalID: "", KeyPermissionsBoundary: "", KeyAccessLogs: "true"}

// CheckKeys reports config keys strata's stacks would not read: in the
// project namespace ns, keys strata does not read; in aws: and pulumi:,
// keys the AWS provider and Pulumi do not read; and any other namespace,
// which nothing in the program reads (a misspelled "stata:owner"). Each
// suggests the nearest key or namespace.
func CheckKeys(ns string, keys []string) error {
	bad := problems.About("config")
	slices.Sort(keys)
	namespaces := []string{ns, "aws", "pulumi"}
	for _, k := range keys {
		space, name, _ := strings.Cut(k, ":")
		switch {
		case space == ns:
			if !slices.Contains(Keys, name) {
				bad.Addf("unknown key %q%s (known: %s)", k, suggest(name, Keys, ns+":"), strings.Join(Keys, ", "))
			}
		case space == "aws" || space == "pulumi":
			known := awsconfig.AWSKeys
			if space == "pulumi" {
				known = awsconfig.PulumiKeys
			}
			if ok, _ := awsconfig.Known(k); !ok {
				bad.Addf("unknown key %q: the %s namespace has no such key%s", k, map[string]string{"aws": "AWS provider's", "pulumi": "Pulumi engine's"}[space], suggest(name, known, space+":"))
			}
		default:
			msg := fmt.Sprintf("unknown namespace in %q: nothing in strata's program reads %s: keys", k, space)
			if s := didyoumean.Suggest(space, namespaces); s != "" {
				msg += fmt.Sprintf(": did you mean %q?", s+":"+name)
			} else {
				msg += " (its namespaces: " + strings.Join(namespaces, ", ") + ")"
			}
			bad.Addf("%s", msg)
		}
	}
	return bad.Err()
}

// overlay decodes the JSON object raw onto the struct at dst, key by key:
// keys it does not set keep their profile value; an unknown key or a value
// of the wrong type is an error naming section.key.
// It returns the keys raw sets.
func overlay(section, raw string, dst any) (map[string]bool, []error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		return nil, []error{fmt.Errorf("%s must be an object of settings, got %s", section, raw)}
	}
	set := map[string]bool{}
	v := reflect.ValueOf(dst).Elem()
	byTag := map[string]reflect.Value{}
	zeroMeansDefault := map[string]bool{}
	var known []string
	for i := range v.NumField() {
		f := v.Type().Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		byTag[tag] = v.Field(i)
		zeroMeansDefault[tag] = f.Tag.Get("zero") == "default"
		known = append(known, tag)
	}
	var errs []error
	for _, k := range slices.Sorted(mapKeys(fields)) {
		f, ok := byTag[k]
		set[k] = ok
		if !ok {
			errs = append(errs, fmt.Errorf("%s: unknown key %q%s (known: %s)", section, k, suggest(k, known, ""), strings.Join(known, ", ")))
			continue
		}
		if nested := unknownKeys(section+"."+k, fields[k], f.Type()); len(nested) > 0 {
			errs = append(errs, nested...)
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(fields[k]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(f.Addr().Interface()); err != nil {
			if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
				errs = append(errs, fmt.Errorf("%s.%s: unknown key %s", section, k, field))
			} else {
				errs = append(errs, fmt.Errorf("%s.%s must be %s, got %s", section, k, kindName(f.Type()), fields[k]))
			}
			continue
		}
		// The component would read a zero as "use your default": say so
		// rather than quietly deploying something the file did not ask for.
		if zeroMeansDefault[k] && f.IsZero() {
			errs = append(errs, fmt.Errorf("%s.%s must not be %s: leave the key out to keep the profile's value", section, k, fields[k]))
		}
	}
	return set, errs
}

// compose makes the profile's values give way to the keys the stack file
// set (given, by section), so one valid key never fails because of another
// key's profile default: dev's auto-pause goes when the file sets a
// minimum ACU above 0, a maximum rises to the minimum the file sets, the
// memory follows a CPU the file sets. Values the file set itself are never
// changed: two keys that contradict each other are still refused.
func compose(p *Profile, given map[string]map[string]bool) {
	db, app := given[KeyDB], given[KeyApp]
	switch {
	case db["minAcu"] && !db["autoPauseSeconds"] && p.DB.MinACU > 0:
		p.DB.AutoPauseSeconds = 0 // only a cluster that scales to 0 pauses
	case db["minAcu"] && !db["autoPauseSeconds"] && p.DB.AutoPauseSeconds == 0:
		p.DB.AutoPauseSeconds = auroradb.DefaultAutoPauseSeconds
	case db["autoPauseSeconds"] && !db["minAcu"] && p.DB.AutoPauseSeconds > 0:
		p.DB.MinACU = 0 // pausing is scaling to 0
	}
	if db["minAcu"] && !db["maxAcu"] && p.DB.MaxACU < p.DB.MinACU {
		p.DB.MaxACU = p.DB.MinACU
	}
	if db["maxAcu"] && !db["minAcu"] && p.DB.MinACU > p.DB.MaxACU {
		p.DB.MinACU = p.DB.MaxACU
	}
	if app["minTasks"] && !app["maxTasks"] && p.App.MaxTasks < p.App.MinTasks {
		p.App.MaxTasks = p.App.MinTasks
	}
	if app["maxTasks"] && !app["minTasks"] && p.App.MinTasks > p.App.MaxTasks {
		p.App.MinTasks = p.App.MaxTasks
	}
	if app["cpu"] && !app["memory"] {
		if mems := appservice.MemorySizes(p.App.CPU); len(mems) > 0 && !slices.Contains(mems, p.App.Memory) {
			p.App.Memory = mems[0]
		}
	}
	if app["memory"] && !app["cpu"] && !slices.Contains(appservice.MemorySizes(p.App.CPU), p.App.Memory) {
		for _, cpu := range []int{256, 512, 1024, 2048, 4096, 8192, 16384} {
			if slices.Contains(appservice.MemorySizes(cpu), p.App.Memory) {
				p.App.CPU = cpu
				break
			}
		}
	}
}

func suggest(given string, known []string, prefix string) string {
	if s := didyoumean.Suggest(given, known); s != "" {
		return fmt.Sprintf(": did you mean %q?", prefix+s)
	}
	return ""
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Float64:
		return "a number"
	case reflect.Struct:
		return "an object"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(kindName(t.Elem()), "a ") + "s"
	}
	return t.String()
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// unjoin splits an errors.Join error into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// validateBaseline checks the baseline when the stack creates it.
func validateBaseline(p Profile) error {
	if !p.Baseline.Enabled {
		return nil
	}
	return baseline.Validate(BaselineName, p.BaselineArgs())
}

// EnvironmentOf is the environment a stack's config selects, as Load picks
// it: strata:environment, else the stack's name.
func EnvironmentOf(project, stack string, config map[string]string) string {
	return keys.EnvironmentOf(project, stack, config)
}

// unknownKeys walks raw against the Go type it decodes into and reports
// every key no struct field takes, with its full path (lists indexed:
// strata:bucket.lifecycleRules[1]) and the nearest known key.
func unknownKeys(path string, raw json.RawMessage, t reflect.Type) []error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil // the decoder names the wrong type
		}
		var out []error
		for i, it := range items {
			out = append(out, unknownKeys(fmt.Sprintf("%s[%d]", path, i), it, t.Elem())...)
		}
		return out
	case reflect.Struct:
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			return nil
		}
		byTag := map[string]reflect.Type{}
		var known []string
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "" {
				tag = f.Name
			}
			if tag == "-" {
				continue
			}
			byTag[tag], known = f.Type, append(known, tag)
		}
		var out []error
		for _, k := range slices.Sorted(mapKeys(fields)) {
			ft, ok := byTag[k]
			if !ok {
				out = append(out, fmt.Errorf("%s: unknown key %q%s (known: %s)", path, k, suggest(k, known, ""), strings.Join(known, ", ")))
				continue
			}
			out = append(out, unknownKeys(path+"."+k, fields[k], ft)...)
		}
		return out
	}
	return nil
}
