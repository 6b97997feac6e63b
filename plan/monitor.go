package plan

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// monitor answers the SDK's mock monitor: it records each registration and
// synthesizes outputs and invoke results.
type monitor struct {
	recorder
	opts Options

	mu        sync.Mutex
	providers map[string]resource.PropertyMap // provider URN -> inputs
	problems  []error
	noDefault []string // packages whose default provider is disabled
}

func newMonitor(opts Options) *monitor {
	m := &monitor{opts: opts, providers: map[string]resource.PropertyMap{}}
	if raw := opts.Config["pulumi:disable-default-providers"]; raw != "" {
		m.noDefault = parseStringList(raw)
	}
	return m
}

// secretValues are the values of the secret config keys, as the program
// sees them.
func (m *monitor) secretValues() []string {
	var out []string
	for _, k := range m.opts.SecretKeys {
		if v := m.opts.Config[k]; v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (m *monitor) err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return errors.Join(m.problems...)
}

func (m *monitor) fail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.problems = append(m.problems, err)
}

// urn computes a URN exactly as the SDK's mock monitor does.
func (m *monitor) urn(parent, typ, name string) string {
	return newURN(m.opts.Stack, m.opts.Project, parent, typ, name)
}

// aliasURN resolves an alias spec as the engine does: each part the spec
// leaves out is the resource's own (its name, type, stack, project and
// parent), and NoParent means a resource at the stack's root.
func (m *monitor) aliasURN(r *Resource, s *pulumirpc.Alias_Spec) string {
	name, typ := cmp.Or(s.GetName(), r.Name), cmp.Or(s.GetType(), r.Type)
	stack, project := cmp.Or(s.GetStack(), m.opts.Stack), cmp.Or(s.GetProject(), m.opts.Project)
	parent := r.Parent
	switch {
	case s.GetNoParent():
		parent = ""
	case s.GetParentUrn() != "":
		parent = s.GetParentUrn()
	}
	return newURN(stack, project, parent, typ, name)
}

// newURN builds a URN: the parent's qualified type (none for the stack)
// joins the resource's type.
func newURN(stack, project, parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(stack), tokens.PackageName(project), parentType, tokens.Type(typ), name))
}

// NewResource implements pulumi.MockResourceMonitor.
func (m *monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := &Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: plainMap(args.Inputs)}
	if rpc := args.RegisterRPC; rpc != nil {
		// The SDK's mock monitor drops unknown inputs; read them again from
		// the request, keeping unknowns, so a plan shows what is not known yet.
		if full, err := plugin.UnmarshalProperties(rpc.GetObject(), plugin.MarshalOptions{
			KeepUnknowns: true, KeepSecrets: true, KeepResources: true,
		}); err == nil {
			r.Inputs = plainMap(full)
		}
		r.Transforms = len(rpc.GetTransforms())
		r.Parent = rpc.GetParent()
		r.Remote = rpc.GetRemote()
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.Dependencies = slices.Sorted(slices.Values(rpc.GetDependencies()))
		r.IgnoreChanges = slices.Clone(rpc.GetIgnoreChanges())
		for _, a := range rpc.GetAliases() {
			if u := a.GetUrn(); u != "" {
				r.Aliases = append(r.Aliases, u)
			} else if s := a.GetSpec(); s != nil {
				r.Aliases = append(r.Aliases, m.aliasURN(r, s))
			}
		}
		if ps := rpc.GetProviders(); len(ps) > 0 {
			r.Providers = map[string]string{}
			for pkg, ref := range ps {
				r.Providers[pkg] = providerURN(ref)
			}
		}
	} else if rpc := args.ReadRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.Read = true
		r.Custom = true
		r.Dependencies = slices.Clone(rpc.GetDependencies())
	}
	r.Inputs = redact(r.Inputs, m.secretValues()).(map[string]any)
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	r.Provider = providerURN(args.Provider)

	if r.Custom && !r.Read && r.Provider == "" && !strings.HasPrefix(r.Type, "pulumi:providers:") {
		if pkg, _, _ := strings.Cut(r.Type, ":"); slices.Contains(m.noDefault, pkg) {
			m.fail(fmt.Errorf("%s %q would use the default %s provider, which pulumi:disable-default-providers forbids: pass an explicit provider",
				r.Type, r.Name, pkg))
		}
	}

	id, state := m.synthesize(r, args)
	r.ID = id
	for k, v := range state {
		if _, in := args.Inputs[k]; !in {
			if r.Outputs == nil {
				r.Outputs = map[string]any{}
			}
			r.Outputs[string(k)] = plainValue(v)
		}
	}
	if strings.HasPrefix(r.Type, "pulumi:providers:") {
		m.mu.Lock()
		m.providers[r.URN] = args.Inputs
		m.mu.Unlock()
	}
	m.add(r)
	return id, state, nil
}

// providerURN strips the "::id" from a provider reference.
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 && strings.HasPrefix(ref, "urn:") {
		return ref[:i]
	}
	return ref
}

// regionFor is the region of the provider a call or resource uses.
func (m *monitor) regionFor(providerRef string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if in, ok := m.providers[providerURN(providerRef)]; ok {
		if v, ok := in["region"]; ok && v.IsString() && v.StringValue() != "" {
			return v.StringValue()
		}
	}
	return m.opts.Region
}

// hexID is a stable hex string derived from seed.
func hexID(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])[:n]
}

// uuid is a stable UUID-shaped string derived from seed.
func uuid(seed string) string {
	h := hexID(seed, 32)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func parseStringList(raw string) []string {
	raw = strings.Trim(strings.TrimSpace(raw), "[]")
	var out []string
	for _, s := range strings.Split(raw, ",") {
		if s = strings.Trim(strings.TrimSpace(s), `"`); s != "" {
			out = append(out, s)
		}
	}
	return out
}
