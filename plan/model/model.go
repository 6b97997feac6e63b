// Package model is a plan as data: the resources a Pulumi program would
// register, with their inputs and outputs as plain Go values, secrets and
// unknowns marked, read from and written to JSON (strata plan --json).
//
// It links the standard library only. Package plan, which runs programs
// and links the Pulumi SDK, gives these types under its own names
// (plan.Plan is model.Plan); what only reads plans (the checks, the
// price, the diagram, strata check, cost and diagram --plan) imports this
// package and starts without the SDK.
package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
)

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

// SortedKeys returns the keys of m in order; a small helper for printing.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// RootStackType is the type of the stack resource every program registers
// first; the plan lists it, as the engine does, with every top-level
// resource its child.
const RootStackType = "pulumi:pulumi:Stack"

// Diagnostic is a message the program logged (ctx.Log), with its severity
// (debug, info, warning, error) and the resource it is about.
type Diagnostic struct {
	Severity string `json:"severity"`
	Message  string `json:"message"`
	URN      string `json:"urn,omitempty"`
}

// SecretText and UnknownText are how secrets and unknowns print, in text and
// in JSON.
const (
	SecretText  = "[secret]"
	UnknownText = "[unknown]"
)

// SecretPlaceholder is what a program planned from a stack file sees for a
// `secure:` config value plan could not decrypt (no passphrase was given,
// or the stack uses another secrets provider). It is marked secret,
// and made of letters and hyphens so that it passes the shape checks a
// program makes of identifiers and tokens: a plan can check everything but
// the secret's real value.
const SecretPlaceholder = "undecrypted-secret-placeholder"

// Secret marks a value Pulumi treats as secret. It never prints its value:
// String, GoString and MarshalJSON all give SecretText, or, for a text that
// is secret only because a secret config value is part of it (a trust
// policy holding an external ID), the text with that value replaced by
// SecretText.
type Secret struct {
	value any
	shown string
}

// MakeSecret marks v secret, as a plan holds a value Pulumi treats as
// secret.
func MakeSecret(v any) Secret { return Secret{value: v} }

// Reveal returns the value a secret holds, for tests that must compare it.
func (s Secret) Reveal() any { return s.value }

func (s Secret) text() string {
	if s.shown != "" {
		return s.shown
	}
	return SecretText
}

func (s Secret) String() string               { return s.text() }
func (s Secret) GoString() string             { return s.text() }
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.text()) }
func (s Secret) Format(f fmt.State, _ rune)   { _, _ = f.Write([]byte(s.text())) }
func (Unknown) String() string                { return UnknownText }
func (Unknown) GoString() string              { return UnknownText }
func (Unknown) MarshalJSON() ([]byte, error)  { return json.Marshal(UnknownText) }
func (u Unknown) Format(f fmt.State, _ rune)  { _, _ = f.Write([]byte(UnknownText)) }

// minRedacted is the shortest secret config value redact looks for inside
// a text: a shorter one would match by accident and say too much.
const minRedacted = 6

// Redact shows a secret text whose only secret parts are secret config
// values (such as a trust policy that holds an external ID) with just
// those parts replaced by SecretText. Any other secret stays SecretText.
// A plain text that holds a secret config value (a program that read a
// secret with config.Require, not RequireSecret) becomes secret the same
// way: what the plan prints never holds a decrypted secret, while checks
// still read the value.
func Redact(v any, secrets []string) any {
	switch v := v.(type) {
	case string:
		shown := v
		for _, s := range secrets {
			if s == v {
				return Secret{value: v}
			}
			if len(s) >= minRedacted {
				shown = strings.ReplaceAll(shown, s, SecretText)
			}
		}
		if shown != v {
			return Secret{value: v, shown: shown}
		}
	case map[string]any:
		for k, e := range v {
			v[k] = Redact(e, secrets)
		}
	case []any:
		for i, e := range v {
			v[i] = Redact(e, secrets)
		}
	case Secret:
		text, ok := v.value.(string)
		if !ok {
			return v
		}
		shown := text
		for _, s := range secrets {
			if len(s) >= minRedacted {
				shown = strings.ReplaceAll(shown, s, SecretText)
			}
		}
		if shown != text {
			v.shown = shown
		}
		return v
	}
	return v
}

// Unknown marks a value that is not known until the resources it comes from
// exist.
type Unknown struct{}

// IsUnknown reports whether v is, or wraps, an unknown value.
func IsUnknown(v any) bool {
	switch v := v.(type) {
	case Unknown:
		return true
	case Secret:
		return IsUnknown(v.value)
	}
	return false
}

// Load reads a plan saved as JSON (strata plan --json): "[secret]" and
// "[unknown]" become Secret and Unknown again, so checks decide on a saved
// plan as on a fresh one.
func Load(r io.Reader) (*Plan, error) {
	var p Plan
	if err := json.NewDecoder(r).Decode(&p); err != nil {
		return nil, fmt.Errorf("plan: reading a saved plan: %w", err)
	}
	if p.Project == "" || p.Stack == "" {
		return nil, errors.New("plan: reading a saved plan: it names no project or stack (is it the output of strata plan --json?)")
	}
	for _, r := range p.Resources {
		r.Inputs, _ = markers(r.Inputs).(map[string]any)
		r.Outputs, _ = markers(r.Outputs).(map[string]any)
	}
	p.Outputs, _ = markers(p.Outputs).(map[string]any)
	return &p, nil
}

// markers turns the printed forms of secrets and unknowns back into values.
func markers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = markers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = markers(e)
		}
	case string:
		switch {
		case v == UnknownText:
			return Unknown{}
		case v == SecretText:
			return Secret{value: SecretText}
		case strings.Contains(v, SecretText):
			return Secret{value: v, shown: v}
		}
	}
	return v
}

// AliasesOf returns every URN the resource answers to besides its own, as
// the engine matches old state to new registrations: the aliases it
// declares, and, for each URN its parent answers to, the URN it would have
// had under that parent (an alias on a component carries its children).
func (p *Plan) AliasesOf(r *Resource) []string {
	return aliasesOf(r, p.byURN(), map[string]bool{})
}

func (p *Plan) byURN() map[string]*Resource {
	out := make(map[string]*Resource, len(p.Resources))
	for _, r := range p.Resources {
		out[r.URN] = r
	}
	return out
}

func aliasesOf(r *Resource, byURN map[string]*Resource, seen map[string]bool) []string {
	if seen[r.URN] {
		return nil
	}
	seen[r.URN] = true
	out := slices.Clone(r.Aliases)
	if parent := byURN[r.Parent]; parent != nil {
		for _, pa := range aliasesOf(parent, byURN, seen) {
			out = append(out, NewURN(urnPart(pa, 0), urnPart(pa, 1), pa, r.Type, r.Name))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Gone returns the URNs of want (the URNs a stack's state holds, say) that
// no resource of the plan has or answers to through an alias: the
// resources the next `pulumi up` would delete, or replace where a resource
// of another URN takes their place. The result is sorted.
func (p *Plan) Gone(want []string) []string {
	have := map[string]bool{}
	byURN := p.byURN()
	for _, r := range p.Resources {
		have[r.URN] = true
		for _, a := range aliasesOf(r, byURN, map[string]bool{}) {
			have[a] = true
		}
	}
	var out []string
	for _, u := range want {
		if !have[u] {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// URNs returns the URNs of every resource in the plan, sorted.
func (p *Plan) URNs() []string {
	out := make([]string, 0, len(p.Resources))
	for _, r := range p.Resources {
		out = append(out, r.URN)
	}
	slices.Sort(out)
	return out
}

// urnPrefix and urnDelimiter are the URN's, as the Pulumi engine writes it:
// urn:pulumi:<stack>::<project>::<qualified type>::<name>.
const (
	urnPrefix    = "urn:pulumi:"
	urnDelimiter = "::"
)

// NewURN is the URN the Pulumi engine gives a resource of type typ named
// name, a child of parent (a URN, "" or the stack's for none), in stack of
// project: its type is qualified by the parent's, unless the parent is the
// stack (package plan's tests hold it to the SDK's resource.NewURN).
func NewURN(stack, project, parent, typ, name string) string {
	if parent != "" {
		if pt := urnPart(parent, 2); pt != "" && pt != RootStackType {
			typ = pt + "$" + typ
		}
	}
	return urnPrefix + stack + urnDelimiter + project + urnDelimiter + typ + urnDelimiter + name
}

// urnPart is the i'th part of a URN (0 the stack, 1 the project, 2 the
// qualified type), "" when it has none.
func urnPart(urn string, i int) string {
	rest := strings.TrimPrefix(urn, urnPrefix)
	parts := strings.SplitN(rest, urnDelimiter, 4)
	if i >= len(parts) {
		return ""
	}
	return parts[i]
}
