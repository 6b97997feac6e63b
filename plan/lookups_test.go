package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// lookingUp is written the way teams write Pulumi without strata: an
// instance of the latest Amazon Linux AMI in the default VPC's first
// subnet, with a role whose policy comes from iam.GetPolicyDocument.
func lookingUp(ctx *pulumi.Context) error {
	ami, err := ec2.LookupAmi(ctx, &ec2.LookupAmiArgs{MostRecent: pulumi.BoolRef(true), Owners: []string{"amazon"},
		Filters: []ec2.GetAmiFilter{{Name: "name", Values: []string{"al2023-ami-*-x86_64"}}}})
	if err != nil {
		return err
	}
	vpc, err := ec2.LookupVpc(ctx, &ec2.LookupVpcArgs{Default: pulumi.BoolRef(true)})
	if err != nil {
		return err
	}
	subnets, err := ec2.GetSubnets(ctx, &ec2.GetSubnetsArgs{Filters: []ec2.GetSubnetsFilter{{Name: "vpc-id", Values: []string{vpc.Id}}}})
	if err != nil {
		return err
	}
	trust, err := iam.GetPolicyDocument(ctx, &iam.GetPolicyDocumentArgs{Statements: []iam.GetPolicyDocumentStatement{{
		Actions:    []string{"sts:AssumeRole"},
		Principals: []iam.GetPolicyDocumentStatementPrincipal{{Type: "Service", Identifiers: []string{"ec2.amazonaws.com"}}},
	}}})
	if err != nil {
		return err
	}
	read, err := iam.GetPolicyDocument(ctx, &iam.GetPolicyDocumentArgs{Statements: []iam.GetPolicyDocumentStatement{{
		Sid: pulumi.StringRef("Read"), Actions: []string{"s3:ListBucket", "s3:GetObject"}, Resources: []string{"arn:aws:s3:::reports", "arn:aws:s3:::reports/*"},
		Conditions: []iam.GetPolicyDocumentStatementCondition{{Test: "Bool", Variable: "aws:SecureTransport", Values: []string{"true"}}},
	}}})
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, "web", &iam.RoleArgs{AssumeRolePolicy: pulumi.String(trust.Json),
		InlinePolicies: iam.RoleInlinePolicyArray{&iam.RoleInlinePolicyArgs{Name: pulumi.String("read"), Policy: pulumi.String(read.Json)}}})
	if err != nil {
		return err
	}
	profile, err := iam.NewInstanceProfile(ctx, "web", &iam.InstanceProfileArgs{Role: role.Name})
	if err != nil {
		return err
	}
	_, err = ec2.NewInstance(ctx, "web", &ec2.InstanceArgs{Ami: pulumi.String(ami.Id), InstanceType: pulumi.String("t3.micro"),
		SubnetId: pulumi.String(subnets.Ids[0]), IamInstanceProfile: profile.Name})
	return err
}

// TestLookupsPlanOffline: a program that looks up an AMI, the default VPC
// and its subnets, and builds IAM documents with GetPolicyDocument plans;
// the look-ups' answers are listed as assumed, the documents computed.
func TestLookupsPlanOffline(t *testing.T) {
	p, err := Run(lookingUp, Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := p.Find("aws:ec2/instance:Instance", "web")
	if ami, _ := inst.Inputs["ami"].(string); !strings.HasPrefix(ami, "ami-") {
		t.Errorf("ami = %v, want an AMI ID", inst.Inputs["ami"])
	}
	if sn, _ := inst.Inputs["subnetId"].(string); !strings.HasPrefix(sn, "subnet-") {
		t.Errorf("subnetId = %v, want a subnet ID", inst.Inputs["subnetId"])
	}
	var assumed []string
	for _, d := range p.Diagnostics {
		if strings.HasPrefix(d.Message, "assumed: ") {
			assumed = append(assumed, d.Message)
		}
	}
	if len(assumed) != 3 || !strings.Contains(strings.Join(assumed, "\n"), "aws:ec2/getAmi:getAmi") {
		t.Errorf("assumed answers = %v, want the AMI, the VPC and the subnets", assumed)
	}
	role, _ := p.Find("aws:iam/role:Role", "web")
	var trust struct {
		Version   string
		Statement []struct {
			Effect    string
			Action    string
			Principal map[string]string
		}
	}
	if err := json.Unmarshal([]byte(role.Inputs["assumeRolePolicy"].(string)), &trust); err != nil {
		t.Fatal(err)
	}
	if trust.Version != "2012-10-17" || len(trust.Statement) != 1 || trust.Statement[0].Effect != "Allow" ||
		trust.Statement[0].Action != "sts:AssumeRole" || trust.Statement[0].Principal["Service"] != "ec2.amazonaws.com" {
		t.Errorf("trust policy = %+v", trust)
	}
	read, _ := role.Input("inlinePolicies.0.policy")
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],` +
		`"Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`
	var got any
	if err := json.Unmarshal([]byte(read.(string)), &got); err != nil {
		t.Fatal(err)
	}
	gotJSON, _ := json.Marshal(got)
	var wantAny any
	_ = json.Unmarshal([]byte(want), &wantAny)
	wantJSON, _ := json.Marshal(wantAny)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("policy document = %s\nwant %s", gotJSON, wantJSON)
	}
}

// TestAnswersFile: an answer in strata-invokes.yaml beside Pulumi.yaml is
// given for the call whose arguments it names, before plan's own; an
// invoke with no answer names itself and the file.
func TestAnswersFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Pulumi.yaml", "name: app\nruntime: go\n")
	write("Pulumi.dev.yaml", "config: {}\n")
	write(AnswersFile, "- token: aws:ec2/getAmi:getAmi\n  args: {mostRecent: true}\n  result: {id: ami-0fedcba9876543210}\n")
	opts, err := StackOptions(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Run(lookingUp, opts)
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := p.Find("aws:ec2/instance:Instance", "web")
	if inst.Inputs["ami"] != "ami-0fedcba9876543210" {
		t.Errorf("ami = %v, want the file's answer", inst.Inputs["ami"])
	}
	_, err = Run(func(ctx *pulumi.Context) error {
		_, err := ec2.LookupKeyPair(ctx, &ec2.LookupKeyPairArgs{KeyName: pulumi.StringRef("ops")})
		return err
	}, Options{})
	if err == nil || !strings.Contains(err.Error(), "aws:ec2/getKeyPair:getKeyPair") || !strings.Contains(err.Error(), AnswersFile) {
		t.Errorf("an invoke with no answer: error = %v, want it named with how to answer it", err)
	}
}

// remoteBox is a component of a package plan neither runs nor models.
type remoteBox struct{ pulumi.ResourceState }

// TestAnEmptyBoxIsNeverSilent: a remote component plan cannot construct is
// a warning naming its package, version and how to install its provider;
// an awsx VPC of a version the model is not of fails the plan naming both.
func TestAnEmptyBoxIsNeverSilent(t *testing.T) {
	p, err := Run(func(ctx *pulumi.Context) error {
		var box remoteBox
		return ctx.RegisterRemoteComponentResource("eks:index:Cluster", "main", pulumi.Map{}, &box, pulumi.Version("3.9.1"))
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, d := range p.Diagnostics {
		if d.Severity == "warning" {
			warned = append(warned, d.Message)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "eks:index:Cluster \"main\" was not constructed") ||
		!strings.Contains(warned[0], "pulumi plugin install resource eks 3.9.1") {
		t.Errorf("warnings = %q, want one naming the component, its package, version and how to install it", warned)
	}
	_, err = Run(func(ctx *pulumi.Context) error {
		var vpc remoteBox
		return ctx.RegisterRemoteComponentResource("awsx:ec2:Vpc", "net", pulumi.Map{}, &vpc, pulumi.Version("2.19.0"))
	}, Options{})
	if err == nil || !strings.Contains(err.Error(), "awsx 2.19.0") || !strings.Contains(err.Error(), "awsx 2.22.0") {
		t.Errorf("awsx 2.19.0: error = %v, want it to name that version and the modelled one", err)
	}
}

// TestAComponentProviderConstructs: a remote component whose provider is
// installed (here pulumi-resource-boxes on PATH, built from plan/internal/boxes
// as a team builds one with Pulumi's provider package) is constructed as
// the engine constructs it: the provider registers the component and its
// children through plan's own monitor, and the plan holds them, parented
// under the component, with the outputs the provider returned.
func TestAComponentProviderConstructs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a provider plugin")
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "pulumi-resource-boxes"), "./internal/boxes")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("PULUMI_HOME", t.TempDir())
	p, err := Run(func(ctx *pulumi.Context) error {
		var box struct {
			pulumi.ResourceState
			BucketName pulumi.StringOutput `pulumi:"bucketName"`
		}
		if err := ctx.RegisterRemoteComponentResource("boxes:index:Box", "reports",
			pulumi.Map{"prefix": pulumi.String("acme"), "twice": pulumi.Bool(true)}, &box, pulumi.Version("1.0.0")); err != nil {
			return err
		}
		ctx.Export("bucket", box.BucketName)
		text, err := ctx.Call("boxes:index:Box/describe", pulumi.Map{"greeting": pulumi.String("hello")}, describeOutput{}, &box)
		if err != nil {
			return err
		}
		ctx.Export("description", text.ApplyT(func(d describe) string { return d.Text }))
		return nil
	}, Options{Project: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	box, err := p.Find("boxes:index:Box", "reports")
	if err != nil {
		t.Fatal(err)
	}
	if !box.Remote {
		t.Errorf("the component is not marked remote")
	}
	var children []string
	for _, c := range p.Children(box.URN) {
		children = append(children, c.Type+" "+c.Name+" "+fmt.Sprint(c.Inputs["bucket"]))
	}
	want := []string{"aws:s3/bucketV2:BucketV2 reports-1 acme-reports-1", "aws:s3/bucketV2:BucketV2 reports-2 acme-reports-2"}
	if !slices.Equal(children, want) {
		t.Errorf("children = %v, want %v", children, want)
	}
	if p.Outputs["description"] != "hello from a box" {
		t.Errorf("the method's answer = %v, want the provider's", p.Outputs["description"])
	}
	if p.Outputs["bucket"] != "acme-reports-1" {
		t.Errorf("stack output bucket = %v, want the provider's output acme-reports-1", p.Outputs["bucket"])
	}
	for _, d := range p.Diagnostics {
		if d.Severity == "warning" {
			t.Errorf("a constructed component warned: %s", d.Message)
		}
	}
}

// describe is what boxes:index:Box/describe returns.
type describe struct {
	Text string `pulumi:"text"`
}

type describeOutput struct{ *pulumi.OutputState }

func (describeOutput) ElementType() reflect.Type { return reflect.TypeOf(describe{}) }

func init() { pulumi.RegisterOutputType(describeOutput{}) }
