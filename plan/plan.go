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
	"slices"
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
