package plan

import (
	"io"

	"github.com/strata-infra/strata/plan/model"
)

// A plan as data is package model's, which links no SDK: plan gives its
// types and functions under plan's own names (plan.Plan is model.Plan).
type (
	// Plan is what a program would register (model.Plan).
	Plan = model.Plan
	// Resource is one registration (model.Resource).
	Resource = model.Resource
	// Diagnostic is a message the program logged (model.Diagnostic).
	Diagnostic = model.Diagnostic
	// Index looks a plan's resources up without scanning it (model.Index).
	Index = model.Index
	// Secret marks a value Pulumi treats as secret (model.Secret).
	Secret = model.Secret
	// Unknown marks a value not known until deploy (model.Unknown).
	Unknown = model.Unknown
)

// Names of the model's constants.
const (
	RootStackType     = model.RootStackType
	SecretText        = model.SecretText
	UnknownText       = model.UnknownText
	SecretPlaceholder = model.SecretPlaceholder
)

// NewIndex indexes p's resources (model.NewIndex).
func NewIndex(p *Plan) *Index { return model.NewIndex(p) }

// MakeSecret marks v secret (model.MakeSecret).
func MakeSecret(v any) Secret { return model.MakeSecret(v) }

// IsUnknown reports whether v is, or wraps, an unknown value
// (model.IsUnknown).
func IsUnknown(v any) bool { return model.IsUnknown(v) }

// SortedKeys returns the keys of m in order (model.SortedKeys).
func SortedKeys[V any](m map[string]V) []string { return model.SortedKeys(m) }

// Load reads a plan saved as JSON (model.Load).
func Load(r io.Reader) (*Plan, error) { return model.Load(r) }

func redact(v any, secrets []string) any { return model.Redact(v, secrets) }
