package plan

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

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

// redact shows a secret text whose only secret parts are secret config
// values (such as a trust policy that holds an external ID) with just
// those parts replaced by SecretText. Any other secret stays SecretText.
// A plain text that holds a secret config value (a program that read a
// secret with config.Require, not RequireSecret) becomes secret the same
// way: what the plan prints never holds a decrypted secret, while checks
// still read the value.
func redact(v any, secrets []string) any {
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
			v[k] = redact(e, secrets)
		}
	case []any:
		for i, e := range v {
			v[i] = redact(e, secrets)
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
			return Secret{value: inner}
		}
		return inner
	case v.IsSecret():
		return Secret{value: plainValue(v.SecretValue().Element)}
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
