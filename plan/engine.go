package plan

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

const rootStackType = RootStackType

// engine is the core of the offline plan: it consumes the Pulumi engine
// protocol's own requests (RegisterResourceRequest, ReadResourceRequest,
// ResourceInvokeRequest, RegisterResourceOutputsRequest, LogRequest),
// applies the transforms a program registers by calling them back as the
// engine does, synthesizes IDs and outputs, expands remote components it
// models (awsx:ec2:Vpc), and holds the state. The gRPC server in server.go
// is its only way in, for programs run in-process and built ones alike.
type engine struct {
	recorder
	opts Options

	mu        sync.Mutex
	providers map[string]resource.PropertyMap // provider URN -> inputs
	problems  []error
	noDefault []string // packages whose default provider is disabled
	secrets   []string // secret config values, for redaction
	root      string   // the stack's URN
	outputs   resource.PropertyMap
	logs      []Diagnostic
	// state is every registered resource's output state by URN, for
	// pulumi:pulumi:getResource.
	state map[string]resourceState
	// transforms are each resource's own transforms by URN (its children
	// inherit them), and stackTransforms apply to every resource.
	transforms      map[string][]*pulumirpc.Callback
	parents         map[string]string
	stackTransforms []*pulumirpc.Callback
	callbacks       map[string]*grpc.ClientConn
	// addr is the engine's own address, which component providers get.
	addr    string
	plugins plugins
}

type resourceState struct {
	id    string
	props resource.PropertyMap
}

func newEngine(opts Options) *engine {
	e := &engine{
		opts: opts, providers: map[string]resource.PropertyMap{}, state: map[string]resourceState{},
		transforms: map[string][]*pulumirpc.Callback{}, parents: map[string]string{}, callbacks: map[string]*grpc.ClientConn{},
	}
	if raw := opts.Config["pulumi:disable-default-providers"]; raw != "" {
		e.noDefault = parseStringList(raw)
	}
	for _, k := range opts.SecretKeys {
		if v := opts.Config[k]; v != "" {
			e.secrets = append(e.secrets, v)
		}
	}
	return e
}

func (e *engine) err() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return errors.Join(e.problems...)
}

func (e *engine) fail(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.problems = append(e.problems, err)
}

func (e *engine) close() {
	e.stopPlugins()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, c := range e.callbacks {
		_ = c.Close()
	}
}

// urn computes a URN in this stack.
func (e *engine) urn(parent, typ, name string) string {
	return newURN(e.opts.Stack, e.opts.Project, parent, typ, name)
}

// aliasURN resolves an alias spec as the engine does: each part the spec
// leaves out is the resource's own (its name, type, stack, project and
// parent), and NoParent means a resource at the stack's root.
func (e *engine) aliasURN(r *Resource, s *pulumirpc.Alias_Spec) string {
	name, typ := cmp.Or(s.GetName(), r.Name), cmp.Or(s.GetType(), r.Type)
	stack, project := cmp.Or(s.GetStack(), e.opts.Stack), cmp.Or(s.GetProject(), e.opts.Project)
	parent := r.Parent
	switch {
	case s.GetNoParent():
		parent = ""
	case s.GetParentUrn() != "":
		parent = s.GetParentUrn()
	}
	return newURN(stack, project, parent, typ, name)
}

var unmarshal = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true}
var marshal = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}

// registration is one resource as the engine registers it: the request
// after transforms, its properties, and what synthesized it (for children
// of a remote component).
type registration struct {
	req           *pulumirpc.RegisterResourceRequest
	props         resource.PropertyMap
	synthesizedBy string
}

// register records a resource, as the engine's RegisterResource does.
func (e *engine) register(ctx context.Context, req *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	if req.GetType() == rootStackType {
		urn := e.registerRoot(req.GetName())
		return &pulumirpc.RegisterResourceResponse{Urn: urn, Object: &structpb.Struct{}}, nil
	}
	if req.GetRemote() && e.addr != "" {
		// A component provider, when installed, constructs the component
		// (awsx's too: then the model is only the fallback).
		resp, err := e.construct(ctx, req)
		if err != nil {
			e.fail(err)
			return nil, err
		}
		if resp != nil {
			return resp, nil
		}
	}
	props, err := plugin.UnmarshalProperties(req.GetObject(), unmarshal)
	if err != nil {
		return nil, fmt.Errorf("plan: reading the inputs of %s %q: %w", req.GetType(), req.GetName(), err)
	}
	r, state, err := e.record(ctx, registration{req: req, props: props})
	if err != nil {
		return nil, err
	}
	obj, err := plugin.MarshalProperties(state, marshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.RegisterResourceResponse{Urn: r.URN, Id: r.ID, Object: obj}, nil
}

// record applies the transforms to a registration, records the resource,
// synthesizes its state and, for a remote component plan models, registers
// the children its provider would create.
func (e *engine) record(ctx context.Context, reg registration) (*Resource, resource.PropertyMap, error) {
	req := reg.req
	e.mu.Lock()
	e.parents[e.urn(req.GetParent(), req.GetType(), req.GetName())] = req.GetParent()
	e.mu.Unlock()
	if err := e.transform(ctx, &reg); err != nil {
		return nil, nil, err
	}
	req = reg.req
	r := &Resource{
		Type: req.GetType(), Name: req.GetName(), Custom: req.GetCustom(), Inputs: plainMap(reg.props),
		Parent: req.GetParent(), Remote: req.GetRemote(), Protect: req.GetProtect(), RetainOnDelete: req.GetRetainOnDelete(),
		Dependencies: slices.Sorted(slices.Values(req.GetDependencies())), IgnoreChanges: slices.Clone(req.GetIgnoreChanges()),
		Transforms: len(req.GetTransforms()), SynthesizedBy: reg.synthesizedBy,
	}
	r.URN = e.urn(r.Parent, r.Type, r.Name)
	for _, a := range req.GetAliases() {
		if u := a.GetUrn(); u != "" {
			r.Aliases = append(r.Aliases, u)
		} else if s := a.GetSpec(); s != nil {
			r.Aliases = append(r.Aliases, e.aliasURN(r, s))
		}
	}
	r.Aliases = append(r.Aliases, req.GetAliasURNs()...)
	if ps := req.GetProviders(); len(ps) > 0 {
		r.Providers = map[string]string{}
		for pkg, ref := range ps {
			r.Providers[pkg] = providerURN(ref)
		}
	}
	r.Provider = providerURN(req.GetProvider())
	r.Inputs = redact(r.Inputs, e.secrets).(map[string]any)
	e.mu.Lock()
	e.transforms[r.URN] = req.GetTransforms()
	e.mu.Unlock()

	if (r.Custom || r.Remote) && r.Provider == "" && !strings.HasPrefix(r.Type, "pulumi:providers:") {
		pkg, _, _ := strings.Cut(r.Type, ":")
		switch _, given := r.Providers[pkg]; {
		case given && r.Remote:
			r.Provider = r.Providers[pkg]
		case slices.Contains(e.noDefault, pkg):
			e.fail(fmt.Errorf("%s %q would use the default %s provider, which pulumi:disable-default-providers forbids: pass an explicit provider",
				r.Type, r.Name, pkg))
		default:
			// As the engine does: the package's default provider, made
			// from the stack's config for it, registered once.
			r.Provider = e.defaultProvider(pkg, req.GetVersion())
		}
	}

	id, state := e.synthesize(r, reg.props, req.GetProvider(), "")
	switch {
	case r.Type == awsxVpcType && r.Remote:
		if v := req.GetVersion(); v != "" && v != awsxModeledVersion {
			err := fmt.Errorf("plan: awsx:ec2:Vpc %q is registered by awsx %s; the offline model is of awsx %s, whose children it builds: pin awsx %s, or plan with the awsx plugin installed",
				r.Name, v, awsxModeledVersion, awsxModeledVersion)
			e.fail(err)
			return nil, nil, err
		}
		if err := e.expandVpc(ctx, r, reg.props, state); err != nil {
			e.fail(err)
			return nil, nil, err // the program sees it too; result reports it once
		}
	case r.Remote:
		// A component whose provider plan neither runs nor models: say so,
		// rather than plan an empty box in silence.
		pkg, _, _ := strings.Cut(r.Type, ":")
		version := cmp.Or(req.GetVersion(), "(no version given)")
		e.mu.Lock()
		e.logs = append(e.logs, Diagnostic{Severity: "warning", URN: r.URN, Message: fmt.Sprintf(
			"%s %q was not constructed: the plan holds none of the resources its provider would create (package %s %s). "+
				"Install the provider (pulumi plugin install resource %s %s) or put pulumi-resource-%s on PATH",
			r.Type, r.Name, pkg, version, pkg, strings.TrimPrefix(req.GetVersion(), "v"), pkg)})
		e.mu.Unlock()
	}
	e.finish(r, id, reg.props, state)
	return r, state, nil
}

// finish records the synthesized ID and outputs and the resource itself.
func (e *engine) finish(r *Resource, id string, inputs, state resource.PropertyMap) {
	r.ID = id
	for k, v := range state {
		if _, in := inputs[k]; !in {
			if r.Outputs == nil {
				r.Outputs = map[string]any{}
			}
			r.Outputs[string(k)] = plainValue(v)
		}
	}
	e.mu.Lock()
	if strings.HasPrefix(r.Type, "pulumi:providers:") {
		e.providers[r.URN] = inputs
	}
	e.state[r.URN] = resourceState{id: id, props: state}
	e.mu.Unlock()
	e.add(r)
}

// read records a resource a program reads (ctx.ReadResource).
func (e *engine) read(req *pulumirpc.ReadResourceRequest) (*pulumirpc.ReadResourceResponse, error) {
	props, err := plugin.UnmarshalProperties(req.GetProperties(), unmarshal)
	if err != nil {
		return nil, err
	}
	r := &Resource{Type: req.GetType(), Name: req.GetName(), Parent: req.GetParent(), Read: true, Custom: true,
		Inputs: plainMap(props), Dependencies: slices.Clone(req.GetDependencies()), Provider: providerURN(req.GetProvider())}
	r.URN = e.urn(r.Parent, r.Type, r.Name)
	id, state := e.synthesize(r, props, req.GetProvider(), req.GetId())
	e.finish(r, id, props, state)
	obj, err := plugin.MarshalProperties(state, marshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResourceResponse{Urn: r.URN, Properties: obj}, nil
}

// registerOutputs keeps the stack's outputs (its exports).
func (e *engine) registerOutputs(req *pulumirpc.RegisterResourceOutputsRequest) error {
	e.mu.Lock()
	root := e.root
	e.mu.Unlock()
	if req.GetUrn() != root {
		return nil
	}
	outs, err := plugin.UnmarshalProperties(req.GetOutputs(), unmarshal)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.outputs = outs
	e.mu.Unlock()
	return nil
}

// invoke answers the functions plan knows offline, and getResource for
// anything it registered; any other token fails loudly, once.
func (e *engine) invoke(req *pulumirpc.ResourceInvokeRequest) (*pulumirpc.ResourceInvokeResponse, error) {
	args, err := plugin.UnmarshalProperties(req.GetArgs(), unmarshal)
	if err != nil {
		return nil, err
	}
	if req.GetProvider() == "" {
		if pkg, _, _ := strings.Cut(req.GetTok(), ":"); !slices.Contains(e.noDefault, pkg) {
			e.defaultProvider(pkg, req.GetVersion())
		}
	}
	ret, err := e.answer(req.GetTok(), args, req.GetProvider())
	if errors.Is(err, errNoAnswer) {
		e.fail(err)
		return &pulumirpc.ResourceInvokeResponse{Failures: []*pulumirpc.CheckFailure{{Reason: err.Error()}}}, nil
	}
	if err != nil {
		return nil, err
	}
	obj, err := plugin.MarshalProperties(ret, marshal)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ResourceInvokeResponse{Return: obj}, nil
}

// errNoAnswer marks an invoke plan has no offline answer for.
var errNoAnswer = errors.New("no offline answer")

// answer is the result of the invoke tok with args through the provider
// providerRef, the one answer the engine and Mocks give.
func (e *engine) answer(tok string, args resource.PropertyMap, providerRef string) (resource.PropertyMap, error) {
	switch {
	case tok == "pulumi:pulumi:getResource":
		urn := ""
		if v, ok := args["urn"]; ok && v.IsString() {
			urn = v.StringValue()
		}
		e.mu.Lock()
		s, ok := e.state[urn]
		e.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("plan: getResource: no resource %s", urn)
		}
		return resource.PropertyMap{"urn": resource.NewProperty(urn), "id": resource.NewProperty(s.id), "state": resource.NewProperty(s.props)}, nil
	case tok == ssmGetParameter && !publicAMIParameter(args):
		return nil, fmt.Errorf("plan: %w for invoke %q of parameter %v: plan answers only AWS's public AMI parameters (%s*)",
			errNoAnswer, tok, args["name"].V, amiParameterPrefix)
	}
	for _, a := range e.opts.Answers {
		if a.matches(tok, args) {
			return resource.NewPropertyMapFromMap(a.Result), nil
		}
	}
	region := e.regionFor(providerRef)
	pure := map[string]func(resource.PropertyMap) (resource.PropertyMap, error){
		"aws:iam/getPolicyDocument:getPolicyDocument": policyDocument, "aws:index/getArn:getArn": parseARN,
	}
	if fn, ok := pure[tok]; ok {
		ret, err := fn(args)
		if err != nil {
			return nil, fmt.Errorf("plan: %w for invoke %q: %v; answer it in %s beside Pulumi.yaml", errNoAnswer, tok, err, AnswersFile)
		}
		return ret, nil
	}
	if fn, ok := lookups[tok]; ok {
		ret, what := fn(e, region, args)
		e.assume(tok, args, what)
		return ret, nil
	}
	fn, ok := invokes[tok]
	if !ok {
		known := append(SortedKeys(invokes), SortedKeys(lookups)...)
		known = append(known, "aws:iam/getPolicyDocument:getPolicyDocument", "aws:index/getArn:getArn")
		slices.Sort(known)
		return nil, fmt.Errorf("plan: %w for invoke %q (args %s); answer it in %s beside Pulumi.yaml (token, args, result); known invokes: %s",
			errNoAnswer, tok, argsText(args), AnswersFile, strings.Join(known, ", "))
	}
	return fn(e, region, args), nil
}

// log keeps a message the program logged.
func (e *engine) log(req *pulumirpc.LogRequest) {
	e.mu.Lock()
	defer e.mu.Unlock()
	msg := fmt.Sprint(redact(req.GetMessage(), e.secrets))
	e.logs = append(e.logs, Diagnostic{Severity: strings.ToLower(req.GetSeverity().String()), Message: msg, URN: req.GetUrn()})
}

// addStackTransform keeps a transform that applies to every resource.
func (e *engine) addStackTransform(cb *pulumirpc.Callback) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stackTransforms = append(e.stackTransforms, cb)
}

// transform runs a registration through its transforms in the engine's
// order: the resource's own, then each ancestor's from the parent up, then
// the stack's; each sees what the previous one returned.
func (e *engine) transform(ctx context.Context, reg *registration) error {
	req := reg.req
	chain := slices.Clone(req.GetTransforms())
	e.mu.Lock()
	for p := req.GetParent(); p != ""; p = e.parents[p] {
		chain = append(chain, e.transforms[p]...)
	}
	chain = append(chain, e.stackTransforms...)
	e.mu.Unlock()
	for _, cb := range chain {
		if err := e.applyTransform(ctx, cb, reg); err != nil {
			return fmt.Errorf("plan: transforming %s %q: %w", req.GetType(), req.GetName(), err)
		}
	}
	return nil
}

// applyTransform calls one transform back in the program and takes its
// properties and options.
func (e *engine) applyTransform(ctx context.Context, cb *pulumirpc.Callback, reg *registration) error {
	req := reg.req
	props, err := plugin.MarshalProperties(reg.props, marshal)
	if err != nil {
		return err
	}
	tr := &pulumirpc.TransformRequest{
		Type: req.GetType(), Name: req.GetName(), Custom: req.GetCustom(), Parent: req.GetParent(), Properties: props,
		Options: &pulumirpc.TransformResourceOptions{
			DependsOn: req.GetDependencies(), Protect: req.Protect, IgnoreChanges: req.GetIgnoreChanges(),
			ReplaceOnChanges: req.GetReplaceOnChanges(), Version: req.GetVersion(), Aliases: req.GetAliases(),
			Provider: req.GetProvider(), CustomTimeouts: req.GetCustomTimeouts(), PluginDownloadUrl: req.GetPluginDownloadURL(),
			RetainOnDelete: req.RetainOnDelete, DeletedWith: req.GetDeletedWith(), AdditionalSecretOutputs: req.GetAdditionalSecretOutputs(),
			Providers: req.GetProviders(),
		},
	}
	if req.GetDeleteBeforeReplaceDefined() {
		dbr := req.GetDeleteBeforeReplace()
		tr.Options.DeleteBeforeReplace = &dbr
	}
	payload, err := proto.Marshal(tr)
	if err != nil {
		return err
	}
	conn, err := e.callbackConn(cb.GetTarget())
	if err != nil {
		return err
	}
	resp, err := pulumirpc.NewCallbacksClient(conn).Invoke(ctx, &pulumirpc.CallbackInvokeRequest{Token: cb.GetToken(), Request: payload})
	if err != nil {
		return err
	}
	var out pulumirpc.TransformResponse
	if err := proto.Unmarshal(resp.GetResponse(), &out); err != nil {
		return err
	}
	if out.GetProperties() != nil {
		if reg.props, err = plugin.UnmarshalProperties(out.GetProperties(), unmarshal); err != nil {
			return err
		}
	}
	if o := out.GetOptions(); o != nil {
		next := proto.Clone(req).(*pulumirpc.RegisterResourceRequest)
		next.Dependencies, next.Protect, next.IgnoreChanges = o.GetDependsOn(), o.Protect, o.GetIgnoreChanges()
		next.ReplaceOnChanges, next.Aliases, next.Provider = o.GetReplaceOnChanges(), o.GetAliases(), o.GetProvider()
		next.RetainOnDelete, next.DeletedWith, next.AdditionalSecretOutputs = o.RetainOnDelete, o.GetDeletedWith(), o.GetAdditionalSecretOutputs()
		next.Providers, next.CustomTimeouts = o.GetProviders(), o.GetCustomTimeouts()
		if o.DeleteBeforeReplace != nil {
			next.DeleteBeforeReplace, next.DeleteBeforeReplaceDefined = o.GetDeleteBeforeReplace(), true
		}
		reg.req = next
	}
	return nil
}

// callbackConn is the connection to a program's callbacks server.
func (e *engine) callbackConn(target string) (*grpc.ClientConn, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.callbacks[target]; ok {
		return c, nil
	}
	c, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("connecting to the program's callbacks at %s: %w", target, err)
	}
	e.callbacks[target] = c
	return c, nil
}

// providerURN strips the "::id" from a provider reference.
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 && strings.HasPrefix(ref, "urn:") {
		return ref[:i]
	}
	return ref
}

// regionFor is the region of the provider a call or resource uses.
func (e *engine) regionFor(providerRef string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in, ok := e.providers[providerURN(providerRef)]; ok {
		if v, ok := in["region"]; ok && v.IsString() && v.StringValue() != "" {
			return v.StringValue()
		}
	}
	return e.opts.Region
}

// registerRoot records the stack resource every program registers first,
// as the engine lists it.
func (e *engine) registerRoot(name string) string {
	urn := e.urn("", rootStackType, name)
	e.mu.Lock()
	if e.root == urn {
		e.mu.Unlock()
		return urn
	}
	e.root = urn
	e.state[urn] = resourceState{props: resource.PropertyMap{}}
	e.mu.Unlock()
	e.add(&Resource{Type: rootStackType, Name: name, URN: urn, Inputs: map[string]any{}})
	return urn
}

// defaultProvider is the URN of the package's default provider, which
// the engine registers for resources, components and invokes that name no
// provider: pulumi:providers:<pkg> named default (default_<version> for a
// versioned package), its inputs the stack's config for the package.
func (e *engine) defaultProvider(pkg, version string) string {
	name := "default"
	if version != "" {
		name += "_" + strings.NewReplacer(".", "_", "-", "_", "+", "_").Replace(version)
	}
	urn := e.urn("", "pulumi:providers:"+pkg, name)
	e.mu.Lock()
	if _, ok := e.providers[urn]; ok {
		e.mu.Unlock()
		return urn
	}
	inputs := resource.PropertyMap{}
	for k, v := range e.opts.Config {
		key, ok := strings.CutPrefix(k, pkg+":")
		if !ok {
			continue
		}
		var decoded any
		if (strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[")) && json.Unmarshal([]byte(v), &decoded) == nil {
			inputs[resource.PropertyKey(key)] = resource.NewPropertyValue(decoded)
		} else {
			inputs[resource.PropertyKey(key)] = resource.NewProperty(v)
		}
	}
	if version != "" {
		inputs["version"] = resource.NewProperty(version)
	}
	e.providers[urn] = inputs
	id := uuid(urn)
	e.state[urn] = resourceState{id: id, props: inputs}
	e.mu.Unlock()
	e.add(&Resource{Type: "pulumi:providers:" + pkg, Name: name, URN: urn, ID: id, Custom: true, Default: true, Inputs: plainMap(inputs)})
	return urn
}
