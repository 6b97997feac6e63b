// Package awsprovider makes the explicit AWS provider strata's components
// are meant to run under: one Region, and the cost tags as default tags,
// which reach every resource the provider creates. strata's components set
// no cost tags themselves; pass this provider (pulumi.Provider, or
// pulumi.Providers for a component that makes awsx resources) and each of
// their resources carries Project, Environment, ManagedBy, Owner and
// CostCenter, the tags strata check's cost-tag check and a budget filter
// expect.
//
// # Defaults
//
//   - ManagedBy: "pulumi".
//   - Every tag is validated before anything registers: required, at most
//     256 characters of letters, digits, spaces and _.:/=+-@.
//
// # Resources
//
//   - pulumi:providers:aws "name", with region and defaultTags.
package awsprovider

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/problems"
)

// CostTags are the tags every resource carries for cost allocation.
type CostTags struct {
	// Project names the project (Project tag). Required.
	Project string
	// Environment names the environment (Environment tag), such as "dev"
	// or "prod"; a budget filters on it. Required.
	Environment string
	// Owner is the team or person that owns the resources. Required.
	Owner string
	// CostCenter is billed for the resources. Required.
	CostCenter string
	// ManagedBy says what manages the resources. Default: "pulumi".
	ManagedBy string
}

// Map returns the tags by key.
func (t CostTags) Map() map[string]string {
	return map[string]string{
		"Project":     t.Project,
		"Environment": t.Environment,
		"ManagedBy":   cmp.Or(t.ManagedBy, DefaultManagedBy),
		"Owner":       t.Owner,
		"CostCenter":  t.CostCenter,
	}
}

// DefaultManagedBy is the ManagedBy tag's default.
const DefaultManagedBy = "pulumi"

// MaxTagValueLength is AWS's limit on a tag value.
const MaxTagValueLength = 256

var (
	tagValueRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	regionRE   = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
)

// Args configure the provider.
type Args struct {
	// Region is the AWS Region, such as us-east-1. Required.
	Region string
	// Tags are the cost tags. Required.
	Tags CostTags
}

// Validate reports every problem with args, each naming the field, the
// value and what is allowed, without registering anything.
func Validate(args *Args) error {
	var a Args
	if args != nil {
		a = *args
	}
	p := problems.About("awsprovider")
	if !regionRE.MatchString(a.Region) {
		p.Addf("Region must be an AWS Region such as us-east-1, got %q", a.Region)
	}
	for _, t := range []struct{ field, value string }{
		{"Tags.Project", a.Tags.Project}, {"Tags.Environment", a.Tags.Environment},
		{"Tags.Owner", a.Tags.Owner}, {"Tags.CostCenter", a.Tags.CostCenter},
		{"Tags.ManagedBy", cmp.Or(a.Tags.ManagedBy, DefaultManagedBy)},
	} {
		if msg := CheckTagValue(t.value); msg != "" {
			p.Addf("%s %s", t.field, msg)
		}
	}
	return p.Err()
}

// CheckTagValue says what is wrong with a required tag value, or "".
func CheckTagValue(v string) string {
	switch {
	case strings.TrimSpace(v) == "":
		return "is required: it becomes a cost tag on every resource"
	case len(v) > MaxTagValueLength || !tagValueRE.MatchString(v):
		return fmt.Sprintf("must be at most %d letters, digits, spaces and _.:/=+-@ (an AWS tag value), got %q", MaxTagValueLength, v)
	}
	return ""
}

// New validates args and creates the provider. Nothing is registered when
// args are invalid.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*aws.Provider, error) {
	if err := Validate(args); err != nil {
		return nil, err
	}
	prov, err := aws.NewProvider(ctx, name, &aws.ProviderArgs{
		Region:      pulumi.String(args.Region),
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.ToStringMap(args.Tags.Map())},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("awsprovider %q: %w", name, err)
	}
	return prov, nil
}
