package plan

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestMocksAnswerAsRunDoes: the sample program under Pulumi's own mock
// monitor with Mocks registers what Run records, resource for resource:
// the same URNs, IDs, parents, providers, protect flags, inputs and
// synthesized outputs, awsx's VPC children included.
func TestMocksAnswerAsRunDoes(t *testing.T) {
	opts := Options{Project: "demo", Stack: "test", AccountID: "111122223333",
		Config: map[string]string{"demo:password": "s3cret"}, SecretKeys: []string{"demo:password"}}
	want, err := Run(sample, opts)
	if err != nil {
		t.Fatal(err)
	}
	m := NewMocks(opts)
	if err := pulumi.RunErr(sample, m.RunOption()); err != nil {
		t.Fatalf("sample under plan.Mocks: %v", err)
	}
	got := m.Plan()
	// Run reads awsx's children back through getResource, for which the
	// engine registers the pulumi package's default provider; Pulumi's mock
	// monitor answers getResource itself.
	want.Resources = slices.DeleteFunc(want.Resources, func(r *Resource) bool { return r.Type == "pulumi:providers:pulumi" })
	if len(got.Resources) != len(want.Resources) {
		t.Fatalf("Mocks registered %d resources, Run %d", len(got.Resources), len(want.Resources))
	}
	for i, w := range want.Resources {
		g := got.Resources[i]
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if string(gj) != string(wj) {
			t.Errorf("resource %d under Mocks:\n%s\nunder Run:\n%s", i, gj, wj)
		}
	}
}

// getAMI looks an AMI up, which plan answers with an assumed image.
func getAMI(ctx *pulumi.Context) error {
	ami, err := ec2.LookupAmi(ctx, &ec2.LookupAmiArgs{Owners: []string{"amazon"}, MostRecent: pulumi.BoolRef(true)})
	if err != nil {
		return err
	}
	_, err = ec2.NewInstance(ctx, "web", &ec2.InstanceArgs{Ami: pulumi.String(ami.Id), InstanceType: pulumi.String("t4g.micro")})
	return err
}

// withAMI answers getAmi itself, with the team's own image, and leaves
// everything else to Mocks.
type withAMI struct{ *Mocks }

func (m withAMI) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if a.Token == "aws:ec2/getAmi:getAmi" {
		return resource.PropertyMap{"id": resource.NewProperty("ami-0123456789abcdef0")}, nil
	}
	return m.Mocks.Call(a)
}

// TestMocksCanBeWrapped: an invoke Mocks cannot answer fails naming its
// token and how to answer it; a wrapper that answers it runs the program,
// and Mocks still records what registered.
func TestMocksCanBeWrapped(t *testing.T) {
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := ec2.LookupKeyPair(ctx, &ec2.LookupKeyPairArgs{KeyName: pulumi.StringRef("ops")})
		return err
	}, NewMocks(Options{}).RunOption())
	if err == nil || !strings.Contains(err.Error(), "aws:ec2/getKeyPair:getKeyPair") || !strings.Contains(err.Error(), "wrap plan.Mocks") {
		t.Fatalf("getKeyPair under Mocks: error = %v, want one naming the token and how to answer it", err)
	}
	m := withAMI{NewMocks(Options{Project: "p", Stack: "s"})}
	if err := pulumi.RunErr(getAMI, pulumi.WithMocks("p", "s", m)); err != nil {
		t.Fatal(err)
	}
	inst, err := m.Plan().Find("aws:ec2/instance:Instance", "web")
	if err != nil {
		t.Fatal(err)
	}
	if inst.Inputs["ami"] != "ami-0123456789abcdef0" || !strings.HasPrefix(inst.ID, "i-") {
		t.Errorf("instance ami %v, ID %q; want the wrapper's AMI and an EC2 instance ID", inst.Inputs["ami"], inst.ID)
	}
}

// TestMocksReadExistingResources: a resource a program reads gets the ID
// it asked for and is listed as read.
func TestMocksReadExistingResources(t *testing.T) {
	m := NewMocks(Options{})
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := s3.GetBucketV2(ctx, "existing", pulumi.ID("logs-archive"), nil)
		return err
	}, m.RunOption())
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Plan().Find("aws:s3/bucketV2:BucketV2", "existing")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Read || r.ID != "logs-archive" {
		t.Errorf("read bucket: Read %v, ID %q; want a read of logs-archive", r.Read, r.ID)
	}
}
