package awsenv

import (
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// mocks answers the three invokes as Pulumi's own mocks would be set up by
// a user: arn is what getCallerIdentity returns for the caller's ARN.
type mocks struct {
	arn     string
	regions map[string]string // by provider reference (URN::ID)
	mu      sync.Mutex
	asked   []string
}

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return a.Name + "-id", a.Inputs, nil
}

// count is how many times tok was asked.
func (m *mocks) count(tok string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, a := range m.asked {
		if a == tok {
			n++
		}
	}
	return n
}

func (m *mocks) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.asked = append(m.asked, a.Token)
	m.mu.Unlock()
	switch a.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		out := map[string]any{"accountId": "210987654321", "userId": "u", "id": "210987654321"}
		if m.arn != "" {
			out["arn"] = m.arn
		}
		return resource.NewPropertyMapFromMap(out), nil
	case "aws:index/getRegion:getRegion":
		region := "cn-north-1"
		if r, ok := m.regions[a.Provider]; ok {
			region = r
		}
		return resource.NewPropertyMapFromMap(map[string]any{"name": region, "id": region}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws-cn", "dnsSuffix": "amazonaws.com.cn", "id": "aws-cn"}), nil
	}
	return resource.PropertyMap{}, nil
}

// component is a component resource, as strata's are.
type component struct{ pulumi.ResourceState }

func newComponent(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) (*component, error) {
	c := &component{}
	return c, ctx.RegisterComponentResource("test:index:Component", name, c, opts...)
}

func lookup(t *testing.T, m *mocks) Env {
	t.Helper()
	var env Env
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		c, err := newComponent(ctx, "c")
		if err != nil {
			return err
		}
		env, err = Lookup(ctx, c)
		return err
	}, pulumi.WithMocks("p", "s", m))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// The partition comes from the caller's ARN, without a third invoke; a
// caller identity with no ARN still gets it, from getPartition.
func TestLookupUnderPulumiMocks(t *testing.T) {
	want := Env{AccountID: "210987654321", Partition: "aws-cn", Region: "cn-north-1"}
	m := &mocks{arn: "arn:aws-cn:iam::210987654321:user/ci"}
	if env := lookup(t, m); env != want {
		t.Errorf("with the caller's ARN: %+v, want %+v", env, want)
	}
	if slices.Contains(m.asked, "aws:index/getPartition:getPartition") {
		t.Errorf("asked for the partition the caller's ARN names: %v", m.asked)
	}
	m = &mocks{}
	if env := lookup(t, m); env != want {
		t.Errorf("without the caller's ARN: %+v, want %+v", env, want)
	}
	if !slices.Contains(m.asked, "aws:index/getPartition:getPartition") {
		t.Errorf("never asked for the partition: %v", m.asked)
	}
}

// TestLookupAsksOncePerProvider: components of one run that share a
// provider (given, inherited or the default) share one answer; a component
// under another provider gets that provider's, asked once more.
func TestLookupAsksOncePerProvider(t *testing.T) {
	m := &mocks{arn: "arn:aws-cn:iam::210987654321:user/ci", regions: map[string]string{}}
	got := map[string]string{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		west, err := aws.NewProvider(ctx, "west", &aws.ProviderArgs{Region: pulumi.String("cn-northwest-1")})
		if err != nil {
			return err
		}
		m.regions["urn:pulumi:s::p::pulumi:providers:aws::west::west-id"] = "cn-northwest-1"
		top, err := newComponent(ctx, "top")
		if err != nil {
			return err
		}
		inWest, err := newComponent(ctx, "in-west", pulumi.Provider(west))
		if err != nil {
			return err
		}
		children := map[string][]pulumi.ResourceOption{
			"top":           nil,
			"under-top":     {pulumi.Parent(top)},
			"in-west":       nil, // looked up as inWest itself below
			"under-in-west": {pulumi.Parent(inWest)},
			"given-west":    {pulumi.Provider(west)},
		}
		for name, opts := range children {
			c := inWest
			if name != "in-west" {
				if c, err = newComponent(ctx, name, opts...); err != nil {
					return err
				}
			}
			env, err := Lookup(ctx, c)
			if err != nil {
				return err
			}
			got[name] = env.Region
		}
		return nil
	}, pulumi.WithMocks("p", "s", m))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"top": "cn-north-1", "under-top": "cn-north-1", "in-west": "cn-northwest-1",
		"under-in-west": "cn-northwest-1", "given-west": "cn-northwest-1"}
	if !maps.Equal(got, want) {
		t.Errorf("regions %v, want %v", got, want)
	}
	for _, tok := range []string{"aws:index/getRegion:getRegion", "aws:index/getCallerIdentity:getCallerIdentity"} {
		if n := m.count(tok); n != 2 {
			t.Errorf("%s asked %d times, want 2: once for the default provider, once for west", tok, n)
		}
	}
}

func TestPartitionOf(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::123456789012:user/x":         "aws",
		"arn:aws-us-gov:sts::123456789012:assumed": "aws-us-gov",
		"arn:aws-iso-b:iam::123456789012:role/r":   "aws-iso-b",
		"":                                         "",
		"arn::iam::1:user/x":                       "",
		"arn:AWS:iam::1:user/x":                    "",
		"not-an-arn":                               "",
		"arn:aws":                                  "",
	} {
		if got := PartitionOf(arn); got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", arn, got, want)
		}
	}
}
