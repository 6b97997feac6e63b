package plan

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// plain turns a property map into plain Go values.
func plainMap(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[string(k)] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsObject():
		return plainMap(v.ObjectValue())
	case v.IsComputed():
		return Unknown{}
	case v.IsOutput():
		o := v.OutputValue()
		var inner any = Unknown{}
		if o.Known {
			inner = plainValue(o.Element)
		}
		if o.Secret {
			return MakeSecret(inner)
		}
		return inner
	case v.IsSecret():
		return MakeSecret(plainValue(v.SecretValue().Element))
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset():
		a := v.AssetValue()
		return map[string]any{"asset": firstOf(a.Path, a.URI, "text:"+a.Hash)}
	case v.IsArchive():
		a := v.ArchiveValue()
		src := firstOf(a.Path, a.URI)
		if src == "" {
			src = fmt.Sprintf("%d assets", len(a.Assets))
		}
		return map[string]any{"archive": src}
	}
	return fmt.Sprintf("%v", v)
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
