package awsenv

import (
	"slices"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// mocks answers the three invokes as Pulumi's own mocks would be set up by
// a user: arn is what getCallerIdentity returns for the caller's ARN.
type mocks struct {
	arn   string
	mu    sync.Mutex
	asked []string
}

func (m *mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return a.Name + "-id", a.Inputs, nil
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
		return resource.NewPropertyMapFromMap(map[string]any{"name": "cn-north-1", "id": "cn-north-1"}), nil
	case "aws:index/getPartition:getPartition":
		return resource.NewPropertyMapFromMap(map[string]any{"partition": "aws-cn", "dnsSuffix": "amazonaws.com.cn", "id": "aws-cn"}), nil
	}
	return resource.PropertyMap{}, nil
}

func lookup(t *testing.T, m *mocks) Env {
	t.Helper()
	var env Env
	err := pulumi.RunErr(func(ctx *pulumi.Context) (err error) {
		env, err = Lookup(ctx)
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
