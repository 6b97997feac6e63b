// Package plan runs any Pulumi Go program offline, with no cloud account and
// no Pulumi CLI, and records what it would register.
//
// It serves the Pulumi engine's own gRPC protocol (the resource monitor
// and the engine services) on loopback, and runs the program against it as
// `pulumi preview` would: in-process ([Run]) or built from its folder
// ([RunProgram]), one engine for both. Values that only exist once a
// resource is created are unknown, except the IDs, ARNs and names plan
// synthesizes in AWS's own shapes; transforms are applied as the engine
// applies them; the children of awsx's VPC, a remote component whose
// provider plan does not run, are synthesized as awsx creates them. The
// tests and the strata CLI both look at programs through it.
//
// [Mocks] puts the same engine behind Pulumi's own mocks
// (pulumi.WithMocks), for unit tests written the way Pulumi teaches.
package plan

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Defaults for Options fields left empty.
const (
	DefaultProject   = "project"
	DefaultStack     = "dev"
	DefaultAccountID = "123456789012"
	DefaultRegion    = "us-east-1"
)

// Options say which stack to plan and what the offline account looks like.
type Options struct {
	// Project is the Pulumi project name. Default: DefaultProject.
	Project string
	// Stack is the stack name. Default: DefaultStack.
	Stack string
	// Organization is the Pulumi organization. Default: "organization".
	Organization string
	// Config maps `namespace:key` to its value as the Pulumi CLI passes it to
	// a program: objects and arrays JSON-encoded. Default: empty.
	Config map[string]string
	// SecretKeys lists the Config keys whose values are secret. Default: none.
	SecretKeys []string
	// Undecrypted lists the Config keys whose `secure:` values StackOptions
	// could not decrypt (no passphrase given): the program saw a
	// placeholder, so their real values went unvalidated.
	Undecrypted []string
	// AccountID is the AWS account the invokes answer with.
	// Default: DefaultAccountID.
	AccountID string
	// Region answers region invokes for resources whose provider sets none.
	// Default: Config["aws:region"], else DefaultRegion.
	Region string
	// AvailabilityZones are the zone names the AZ invoke answers with.
	// Default: the region's real zone count, named <region>a, <region>b, ...
	AvailabilityZones []string
	// Answers answer invokes before plan's own (ReadAnswers; StackOptions
	// reads AnswersFile beside Pulumi.yaml). Default: none.
	Answers []Answer
	// Update runs the program as `pulumi up` runs it (ctx.DryRun false)
	// rather than as a preview, to test what a program refuses to deploy.
	// Default: false, a preview.
	Update bool
}

// Plan is what a program would register.
type Plan struct {
	Project string `json:"project"`
	Stack   string `json:"stack"`
	// Account and Region are the offline account and default Region.
	Account string `json:"account"`
	Region  string `json:"region"`
	// Resources holds every registration, each parent before its children
	// and siblings ordered by type and name, so that the order is stable.
	Resources []*Resource `json:"resources"`
	// Outputs are the stack's exports as plain values.
	Outputs map[string]any `json:"outputs"`
	// Diagnostics are the messages the program logged (warnings, errors).
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
	// Config is the config the program ran with, secret values as
	// SecretText, so that a saved plan says which stack profile it is.
	Config map[string]string `json:"config,omitempty"`
}

// Resource is one registration.
type Resource struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	URN    string `json:"urn"`
	Parent string `json:"parent"` // the parent's URN; the stack's URN for top-level resources
	// ID is the physical ID plan synthesized; empty for components.
	ID string `json:"id,omitempty"`
	// Custom is true for resources a provider manages, false for components.
	Custom bool `json:"custom"`
	// Remote is true for components a provider constructs (such as awsx's).
	Remote bool `json:"remote,omitempty"`
	// SynthesizedBy is the URN of the remote component whose provider would
	// create this resource: plan synthesized it (awsx's VPC children).
	SynthesizedBy string `json:"synthesizedBy,omitempty"`
	// Read is true for existing resources read with ctx.ReadResource.
	Read bool `json:"read,omitempty"`
	// Default is true for a package's default provider, which the engine
	// registers for what names no provider.
	Default bool `json:"default,omitempty"`
	// Inputs are plain Go values: string, float64, bool, []any,
	// map[string]any, plus Secret and Unknown markers.
	Inputs map[string]any `json:"inputs"`
	// Outputs are the outputs plan synthesized beyond the inputs (an ARN,
	// an autoname, an awsx VPC's vpcId and subnet IDs).
	Outputs        map[string]any `json:"outputs,omitempty"`
	Dependencies   []string       `json:"dependencies,omitempty"`
	Protect        bool           `json:"protect"`
	RetainOnDelete bool           `json:"retainOnDelete,omitempty"`
	IgnoreChanges  []string       `json:"ignoreChanges,omitempty"`
	// Transforms is how many resource transforms the registration carries
	// (for a remote component, they apply to the children it creates).
	Transforms int `json:"transforms,omitempty"`
	// Aliases are the URNs the resource declares it was known by, alias
	// specs resolved as the engine resolves them. AliasesOf adds those it
	// inherits from its parents' aliases.
	Aliases []string `json:"aliases,omitempty"`
	// Provider is the URN of the provider instance for a custom resource.
	Provider string `json:"provider,omitempty"`
	// Providers maps package to provider URN, as given to a component.
	Providers map[string]string `json:"providers,omitempty"`
}

// Run runs program in-process as a preview of the stack opts describe and
// returns what it registered. The plan is returned even with an error,
// holding what registered before the failure. Run fails when the program
// fails, when an invoke has no offline answer, when a remote component's
// arguments are more than plan models, and when a resource would use a
// default provider that the stack's `pulumi:disable-default-providers`
// config forbids.
//
// Plan synthesizes outputs that look real: IDs in AWS's shapes (vpc-…,
// subnet-…, sg-…), ARNs from partition, region, account and name, autonamed
// physical names. Invokes for the caller identity, region, partition and
// availability zones answer from opts.
func Run(program pulumi.RunFunc, opts Options) (*Plan, error) {
	opts = opts.withDefaults()
	e, srv, stop, err := start(opts)
	if err != nil {
		return nil, err
	}
	defer stop()
	err = pulumi.RunErr(program, func(info *pulumi.RunInfo) {
		info.Project, info.Stack, info.Organization = opts.Project, opts.Stack, opts.Organization
		info.Config = opts.Config
		info.ConfigSecretKeys = opts.SecretKeys
		info.DryRun = !opts.Update
		info.Mocks = nil
		info.MonitorAddr, info.EngineAddr = srv.addr, srv.addr
	})
	// The SDK wraps program errors in a multierror whose text adds a header
	// and bullets; keep the errors' own lines, one problem a line.
	if w, ok := err.(interface{ WrappedErrors() []error }); ok {
		err = errors.Join(w.WrappedErrors()...)
	}
	return e.plan(), e.result(err)
}

// result reports the engine's problems and the program's error, each
// problem once: an engine problem the program saw again (an invoke plan
// cannot answer, a remote component it cannot model) comes back wrapped in
// the SDK's RPC errors, which are dropped.
func (e *engine) result(programErr error) error {
	engineErr := e.err()
	if programErr == nil || engineErr == nil {
		return errors.Join(engineErr, programErr)
	}
	var keep []error
	for _, line := range strings.Split(programErr.Error(), "\n") {
		if !strings.Contains(line, "plan: ") {
			keep = append(keep, errors.New(line))
		}
	}
	return errors.Join(append([]error{engineErr}, keep...)...)
}

// plan is what the engine holds, as a Plan.
func (e *engine) plan() *Plan {
	e.mu.Lock()
	outputs, logs := e.outputs, slices.Clone(e.logs)
	e.mu.Unlock()
	out := plainMap(outputs)
	if out == nil {
		out = map[string]any{}
	}
	config := make(map[string]string, len(e.opts.Config))
	for k, v := range e.opts.Config {
		if slices.Contains(e.opts.SecretKeys, k) {
			v = SecretText
		}
		config[k] = v
	}
	return &Plan{
		Project: e.opts.Project, Stack: e.opts.Stack, Account: e.opts.AccountID, Region: e.opts.Region,
		Resources: e.ordered(), Outputs: redact(out, e.secrets).(map[string]any), Diagnostics: logs, Config: config,
	}
}

func (o Options) withDefaults() Options {
	o.Project = cmp.Or(o.Project, DefaultProject)
	o.Stack = cmp.Or(o.Stack, DefaultStack)
	o.Organization = cmp.Or(o.Organization, "organization")
	o.AccountID = cmp.Or(o.AccountID, DefaultAccountID)
	o.Region = cmp.Or(o.Region, o.Config["aws:region"], DefaultRegion)
	if o.Config == nil {
		o.Config = map[string]string{}
	}
	if len(o.AvailabilityZones) == 0 {
		o.AvailabilityZones = zonesOf(o.Region)
	}
	return o
}

// zoneCounts are the regions whose AZ count is not the usual three.
var zoneCounts = map[string]int{"us-east-1": 6, "us-west-2": 4, "ap-northeast-2": 4, "ap-northeast-1": 3}

func zonesOf(region string) []string {
	n := cmp.Or(zoneCounts[region], 3)
	zones := make([]string, n)
	for i := range zones {
		zones[i] = region + string(rune('a'+i))
	}
	return zones
}

// Registered are the resources the program registered: every resource but
// the stack and the default providers the engine adds.
func (p *Plan) Registered() []*Resource {
	var out []*Resource
	for _, r := range p.Resources {
		if r.Type != RootStackType && !r.Default {
			out = append(out, r)
		}
	}
	return out
}

// ByType returns the resources of type typ, in plan order.
func (p *Plan) ByType(typ string) []*Resource {
	var out []*Resource
	for _, r := range p.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the resource of type typ named name. When there is none, the
// error lists the names of that type the plan holds.
func (p *Plan) Find(typ, name string) (*Resource, error) {
	var seen []string
	for _, r := range p.ByType(typ) {
		if r.Name == name {
			return r, nil
		}
		seen = append(seen, strconv.Quote(r.Name))
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("plan has no %s at all (looking for %q)", typ, name)
	}
	return nil, fmt.Errorf("plan has no %s named %q; it has %s", typ, name, strings.Join(seen, ", "))
}

// ByURN returns the resource with the given URN, or nil.
func (p *Plan) ByURN(urn string) *Resource {
	for _, r := range p.Resources {
		if r.URN == urn {
			return r
		}
	}
	return nil
}

// Children returns the resources whose parent is urn.
func (p *Plan) Children(urn string) []*Resource {
	var out []*Resource
	for _, r := range p.Resources {
		if r.Parent == urn {
			out = append(out, r)
		}
	}
	return out
}

// Index looks a plan's resources up by URN, type and parent without
// scanning the plan: Plan's own ByURN, ByType and Children scan every
// resource on each call, which whatever looks up once per resource (a
// check, a price, a diagram) cannot afford at tens of thousands of
// resources. An Index reflects Resources as they were when NewIndex made
// it: make another after changing them. It is safe for concurrent use.
type Index struct {
	byURN    map[string]*Resource
	byType   map[string][]*Resource
	children map[string][]*Resource
}

// NewIndex indexes p's resources.
func NewIndex(p *Plan) *Index {
	x := &Index{
		byURN:    make(map[string]*Resource, len(p.Resources)),
		byType:   map[string][]*Resource{},
		children: map[string][]*Resource{},
	}
	for _, r := range p.Resources {
		if _, dup := x.byURN[r.URN]; !dup {
			x.byURN[r.URN] = r // the first, as ByURN finds it
		}
		x.byType[r.Type] = append(x.byType[r.Type], r)
		x.children[r.Parent] = append(x.children[r.Parent], r)
	}
	return x
}

// ByURN returns the resource with the given URN, or nil.
func (x *Index) ByURN(urn string) *Resource { return x.byURN[urn] }

// ByType returns the resources of type typ, in plan order. The slice is
// the index's own (an append copies it): do not reorder it.
func (x *Index) ByType(typ string) []*Resource { return slices.Clip(x.byType[typ]) }

// Children returns the resources whose parent is urn, in plan order. The
// slice is the index's own (an append copies it): do not reorder it.
func (x *Index) Children(urn string) []*Resource { return slices.Clip(x.children[urn]) }

// CountByType returns how many resources of each type the plan holds.
func (p *Plan) CountByType() map[string]int {
	counts := map[string]int{}
	for _, r := range p.Resources {
		counts[r.Type]++
	}
	return counts
}

// Input returns the input at a dotted path such as "natGateways.strategy" or
// "subnetSpecs.0.type" and whether it is there.
func (r *Resource) Input(path string) (any, bool) {
	var cur any = r.Inputs
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// recorder keeps the registrations in arrival order; ordered sorts them.
type recorder struct {
	mu        sync.Mutex
	resources []*Resource
}

func (rec *recorder) add(r *Resource) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.resources = append(rec.resources, r)
}

// ordered returns the resources depth first: each parent before its
// children, siblings by type and then name.
func (rec *recorder) ordered() []*Resource {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	byURN := map[string]bool{}
	children := map[string][]*Resource{}
	for _, r := range rec.resources {
		byURN[r.URN] = true
	}
	var roots []*Resource
	for _, r := range rec.resources {
		if byURN[r.Parent] {
			children[r.Parent] = append(children[r.Parent], r)
		} else {
			roots = append(roots, r)
		}
	}
	less := func(a, b *Resource) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name), cmp.Compare(a.URN, b.URN))
	}
	out := make([]*Resource, 0, len(rec.resources))
	var walk func([]*Resource)
	walk = func(rs []*Resource) {
		slices.SortFunc(rs, less)
		for _, r := range rs {
			out = append(out, r)
			walk(children[r.URN])
		}
	}
	walk(roots)
	return out
}

// SortedKeys returns the keys of m in order; a small helper for printing.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
