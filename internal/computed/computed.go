// Package computed reads outputs that a provider computes (and a mock may
// leave out) without trusting their shape: an absent, empty or wrongly
// shaped value gives an unknown output, never a panic and never a value
// made up to look real.
package computed

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Unknown is a string output whose value is not known. A resource input
// given it is sent as computed: a preview shows it as such, Pulumi's mocks
// leave the input out, and a real update fails rather than use a guess.
func Unknown() pulumi.StringOutput {
	return pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
}

// String is s when it is known and not empty, and Unknown otherwise.
func String(s *string) pulumi.StringOutput {
	if s == nil || *s == "" {
		return Unknown()
	}
	return pulumi.String(*s).ToStringOutput()
}

// ReferencedID reads the ID of element i of the list output key of a
// resource whose outputs are resource references (awsx's natGateways,
// subnets, routeTables). It reads the raw outputs rather than the typed
// ones, so that an output a mock shaped differently (an echo of an input of
// the same name, an object, nothing at all) gives Unknown instead of
// failing every resource that reads it.
func ReferencedID(res *pulumi.ResourceState, key string, i int) pulumi.StringOutput {
	return pulumi.InternalGetRawOutputs(res).ApplyT(func(raw any) pulumi.StringOutput {
		props, _ := raw.(resource.PropertyMap)
		v, ok := props[resource.PropertyKey(key)]
		if !ok {
			return Unknown()
		}
		for v.IsSecret() {
			v = v.SecretValue().Element
		}
		if !v.IsArray() || i >= len(v.ArrayValue()) {
			return Unknown()
		}
		e := v.ArrayValue()[i]
		if !e.IsResourceReference() {
			return Unknown()
		}
		id, ok := e.ResourceReferenceValue().IDString()
		if !ok || id == "" {
			return Unknown()
		}
		return pulumi.String(id).ToStringOutput()
	}).(pulumi.StringOutput)
}
