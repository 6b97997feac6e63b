package plan

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/proto"
)

// Mocks answers Pulumi's own mocks as `strata plan` answers a program: it
// implements [pulumi.MockResourceMonitor] on the plan engine itself, so a
// unit test written the way Pulumi's docs teach gets AWS-shaped IDs, ARNs
// and names, the invokes plan answers offline (caller identity, Region,
// partition, availability zones, AWS's public AMI parameters), RDS's
// managed secret, and awsx's VPC outputs (its VPC, subnet IDs by tier).
//
//	m := plan.NewMocks(plan.Options{Project: "shop", Stack: "dev"})
//	err := pulumi.RunErr(program, m.RunOption())
//	p := m.Plan() // what the program registered, as a plan
//
// RunOption is pulumi.WithMocks with the project and stack m was made for;
// pass m to pulumi.WithMocks yourself only with the same two. To answer
// differently, wrap it: embed *Mocks in your own type and override
// NewResource or Call for the tokens you care about, calling m's for the
// rest.
//
// What Pulumi's mock monitor cannot hold, Mocks does not pretend:
//   - Transforms do not run (Pulumi's mocks do not run them), so inputs are
//     what the program wrote, before any transform.
//   - A remote component's children cannot register under a mock monitor.
//     Mocks computes awsx's VPC outputs from the children plan would make
//     (Plan lists those children, SynthesizedBy the VPC), but leaves out the
//     outputs that are resources (natGateways, subnets, routeTables, ...):
//     Pulumi's mock monitor fails a program that reads a resource it never
//     registered. Use [Run] to see them as real resources.
//   - An invoke plan has no answer for is an error naming its token; wrap
//     Call to answer it.
type Mocks struct {
	e *engine
}

// NewMocks makes mocks for the stack opts describes; opts' defaults are
// Run's.
func NewMocks(opts Options) *Mocks {
	opts = opts.withDefaults()
	e := newEngine(opts)
	// Pulumi's mock monitor answers the stack's registration itself; the
	// plan lists it as Run does.
	e.registerRoot(opts.Project + "-" + opts.Stack)
	return &Mocks{e: e}
}

// RunOption runs a program under m, as pulumi.WithMocks does, for the
// project and stack m was made for, with their config.
func (m *Mocks) RunOption() pulumi.RunOption {
	o := m.e.opts
	return func(info *pulumi.RunInfo) {
		pulumi.WithMocksWithOrganization(o.Organization, o.Project, o.Stack, m)(info)
		info.Config, info.ConfigSecretKeys = o.Config, o.SecretKeys
	}
}

// NewResource answers a registration (or a read) as plan records it: the
// inputs, plus the ID, name, ARN and other outputs plan synthesizes.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if rd := args.ReadRPC; rd != nil {
		resp, err := m.e.read(rd)
		if err != nil {
			return "", nil, err
		}
		state, err := plugin.UnmarshalProperties(resp.GetProperties(), unmarshal)
		if err != nil {
			return "", nil, err
		}
		return m.e.idOf(resp.GetUrn()), unreferenced(state), nil
	}
	req := args.RegisterRPC
	if req == nil {
		// A caller of NewResource that is not Pulumi's mock monitor.
		req = &pulumirpc.RegisterResourceRequest{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Provider: args.Provider}
	}
	req = proto.Clone(req).(*pulumirpc.RegisterResourceRequest)
	// Pulumi's mocks run no transforms; neither does plan under them.
	req.Transforms = nil
	props := args.Inputs
	if req.GetObject() != nil {
		withUnknowns, err := plugin.UnmarshalProperties(req.GetObject(), unmarshal)
		if err != nil {
			return "", nil, fmt.Errorf("plan: reading the inputs of %s %q: %w", req.GetType(), req.GetName(), err)
		}
		props = withUnknowns
	}
	if props == nil {
		props = resource.PropertyMap{}
	}
	r, state, err := m.e.record(context.Background(), registration{req: req, props: props})
	if err != nil {
		return "", nil, err
	}
	return r.ID, unreferenced(state), nil
}

// Call answers an invoke as plan does.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	ret, err := m.e.answer(args.Token, args.Args, args.Provider)
	if err != nil {
		return nil, fmt.Errorf("%w; wrap plan.Mocks and answer it in Call", err)
	}
	return ret, nil
}

// Plan is what the program registered under m so far, as Run returns it
// (with no stack outputs: Pulumi's mock monitor does not pass them on).
func (m *Mocks) Plan() *Plan { return m.e.plan() }

// Err is every problem the engine found that the program may not have seen
// (a resource that would use a forbidden default provider, ...).
func (m *Mocks) Err() error { return m.e.err() }

// idOf is the ID plan gave the resource urn.
func (e *engine) idOf(urn string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state[urn].id
}

// unreferenced replaces every resource reference in state by an unknown
// value: Pulumi's mock monitor can serve only resources registered through
// it, and reading any other one fails the whole program.
func unreferenced(state resource.PropertyMap) resource.PropertyMap {
	var walk func(v resource.PropertyValue) resource.PropertyValue
	walk = func(v resource.PropertyValue) resource.PropertyValue {
		switch {
		case v.IsResourceReference():
			return resource.MakeComputed(resource.NewProperty(""))
		case v.IsArray():
			arr := make([]resource.PropertyValue, len(v.ArrayValue()))
			for i, x := range v.ArrayValue() {
				arr[i] = walk(x)
			}
			return resource.NewProperty(arr)
		case v.IsObject():
			return resource.NewProperty(unreferenced(v.ObjectValue()))
		case v.IsSecret():
			return resource.MakeSecret(walk(v.SecretValue().Element))
		}
		return v
	}
	out := make(resource.PropertyMap, len(state))
	for k, v := range state {
		out[k] = walk(v)
	}
	return out
}
