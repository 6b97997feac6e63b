package awsprovider

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

var good = Args{Region: "eu-west-1", Tags: CostTags{Project: "shop", Environment: "dev", Owner: "team-a", CostCenter: "cc-1"}}

func TestNewTagsEveryResource(t *testing.T) {
	p, err := plan.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "aws", &good)
		return err
	}, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prov := plantest.One(t, p, "pulumi:providers:aws")
	if prov.Inputs["region"] != "eu-west-1" {
		t.Errorf("region = %v, want eu-west-1", prov.Inputs["region"])
	}
	for k, want := range map[string]string{"Project": "shop", "Environment": "dev", "ManagedBy": "pulumi", "Owner": "team-a", "CostCenter": "cc-1"} {
		if got, _ := prov.Input("defaultTags.tags." + k); got != want {
			t.Errorf("default tag %s = %v, want %s", k, got, want)
		}
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		args Args
		want []string
	}{
		{"good", good, nil},
		{"no owner", Args{Region: "eu-west-1", Tags: CostTags{Project: "p", Environment: "e", CostCenter: "c"}}, []string{"Tags.Owner is required"}},
		{"a bad region", Args{Region: "us-moon", Tags: good.Tags}, []string{`Region must be an AWS Region such as us-east-1, got "us-moon"`}},
		{"a tag of 257 characters", Args{Region: "eu-west-1", Tags: CostTags{Project: strings.Repeat("p", 257), Environment: "e", Owner: "o", CostCenter: "c"}},
			[]string{"Tags.Project must be at most 256"}},
		{"a tag with a bracket", Args{Region: "eu-west-1", Tags: CostTags{Project: "p", Environment: "e", Owner: "o", CostCenter: "c<1>"}}, []string{`Tags.CostCenter must be`, `"c<1>"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Run(func(ctx *pulumi.Context) error {
				_, err := New(ctx, "aws", &tt.args)
				return err
			}, plan.Options{})
			plantest.ExpectProblems(t, nil, err, tt.want...)
			for _, r := range p.Resources {
				if tt.want != nil && r.Type != plan.RootStackType {
					t.Errorf("invalid args registered %s %q", r.Type, r.Name)
				}
			}
		})
	}
}
