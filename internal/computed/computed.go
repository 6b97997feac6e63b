// Package computed reads outputs that a provider computes (and a mock may
// leave out or shape differently) without trusting their shape.
package computed

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Unknown is a string output whose value is not known, as a preview holds
// the ID of a resource not yet created.
func Unknown() pulumi.StringOutput {
	return pulumi.UnsafeUnknownOutput(nil).ApplyT(func(any) string { return "" }).(pulumi.StringOutput)
}

// ReferencedID reads the ID of element i of the list output key of a
// resource whose outputs are resource references (awsx's natGateways,
// subnets, routeTables). It reads the raw outputs rather than the typed
// ones, so that an output a mock shaped differently (an echo of an input of
// the same name, an object) does not fail every resource that reads it:
//   - a reference with a known ID gives that ID;
//   - an unknown list, or a reference whose ID is unknown (a preview of a
//     resource not yet created), gives Unknown;
//   - anything else (the output absent, null, not a list, too short, an
//     element that is no reference) gives "", as the SDK gives for every
//     output a mock leaves out.
func ReferencedID(res *pulumi.ResourceState, key string, i int) pulumi.StringOutput {
	return pulumi.InternalGetRawOutputs(res).ApplyT(func(raw any) pulumi.StringOutput {
		props, _ := raw.(resource.PropertyMap)
		v := props[resource.PropertyKey(key)]
		for v.IsSecret() {
			v = v.SecretValue().Element
		}
		if v.IsOutput() {
			if !v.OutputValue().Known {
				return Unknown()
			}
			v = v.OutputValue().Element
		}
		switch {
		case v.IsComputed():
			return Unknown()
		case !v.IsArray() || i >= len(v.ArrayValue()) || !v.ArrayValue()[i].IsResourceReference():
			return pulumi.String("").ToStringOutput()
		}
		id, ok := v.ArrayValue()[i].ResourceReferenceValue().IDString()
		if !ok {
			return Unknown()
		}
		return pulumi.String(id).ToStringOutput()
	}).(pulumi.StringOutput)
}
