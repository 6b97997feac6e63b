package plan

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/strata-infra/strata/plan/model"
)

// TestURNsAsTheSDKMakesThem: model.NewURN, which links no SDK, makes the
// URNs the Pulumi SDK's resource.NewURN makes, parent types included.
func TestURNsAsTheSDKMakesThem(t *testing.T) {
	stackURN := string(resource.NewURN("prod", "strata", "", resource.RootStackType, "strata-prod"))
	comp := string(resource.NewURN("prod", "strata", "", "strata:network:Network", "main"))
	nested := string(resource.NewURN("prod", "strata", "strata:network:Network", "awsx:ec2:Vpc", "main"))
	for _, tt := range []struct{ parent, typ, name string }{
		{"", "aws:s3/bucketV2:BucketV2", "data"},
		{stackURN, "strata:network:Network", "main"},
		{comp, "awsx:ec2:Vpc", "main"},
		{nested, "aws:ec2/subnet:Subnet", "main-private-1"},
		{comp, "aws:ec2/route:Route", "a::name::with::delimiters"},
		{"urn:pulumi:dev::other::pulumi:providers:aws::default_6_83_4", "aws:ec2/vpc:Vpc", "v"},
	} {
		var parentType tokens.Type
		if tt.parent != "" {
			if qt := resource.URN(tt.parent).QualifiedType(); qt != resource.RootStackType {
				parentType = qt
			}
		}
		want := string(resource.NewURN("prod", "strata", parentType, tokens.Type(tt.typ), tt.name))
		if got := model.NewURN("prod", "strata", tt.parent, tt.typ, tt.name); got != want {
			t.Errorf("NewURN(parent %q, %s, %q) = %s, want the SDK's %s", tt.parent, tt.typ, tt.name, got, want)
		}
	}
}
