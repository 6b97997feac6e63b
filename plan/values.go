package plan

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// SecretText and UnknownText are how secrets and unknowns print, in text and
// in JSON.
const (
	SecretText  = "[secret]"
	UnknownText = "[unknown]"
)

// SecretPlaceholder is what a program planned from a stack file sees for a
// `secure:` config value, which plan never decrypts. It is marked secret,
// and made of letters and hyphens so that it passes the shape checks a
// program makes of identifiers and tokens: a plan can check everything but
// the secret's real value.
const SecretPlaceholder = "undecrypted-secret-placeholder"

// Secret marks a value Pulumi treats as secret. It never prints its value:
// String, GoString and MarshalJSON all give SecretText.
type Secret struct{ value any }

// Reveal returns the value a secret holds, for tests that must compare it.
func (s Secret) Reveal() any { return s.value }

func (Secret) String() string                { return SecretText }
func (Secret) GoString() string              { return SecretText }
func (Secret) MarshalJSON() ([]byte, error)  { return json.Marshal(SecretText) }
func (Unknown) String() string               { return UnknownText }
func (Unknown) GoString() string             { return UnknownText }
func (Unknown) MarshalJSON() ([]byte, error) { return json.Marshal(UnknownText) }
func (s Secret) Format(f fmt.State, _ rune)  { _, _ = f.Write([]byte(SecretText)) }
func (u Unknown) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(UnknownText)) }

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
			return Secret{inner}
		}
		return inner
	case v.IsSecret():
		return Secret{plainValue(v.SecretValue().Element)}
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

// exportValue turns a resolved stack export into a plain value.
func exportValue(res internals.UnsafeAwaitOutputResult) any {
	var v any = Unknown{}
	if res.Known {
		v = toPlain(res.Value)
	}
	if res.Secret {
		return Secret{v}
	}
	return v
}

// toPlain converts a Go value (strings, slices, maps of them) to the plain
// shapes Resource.Inputs uses, through JSON.
func toPlain(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Sprint(v)
	}
	return out
}
