package plan

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	awsxec2 "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// sample registers a provider, a VPC, a role with a secret tag, an awsx VPC
// and reads the caller identity, then exports a few values.
func sample(ctx *pulumi.Context) error {
	prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
	if err != nil {
		return err
	}
	id, err := aws.GetCallerIdentity(ctx, nil, pulumi.Provider(prov))
	if err != nil {
		return err
	}
	vpc, err := ec2.NewVpc(ctx, "main", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")},
		pulumi.Provider(prov), pulumi.Protect(true))
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, "app", &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[]}`),
		Tags:             pulumi.StringMap{"Token": pulumi.ToSecret(pulumi.String("hunter2")).(pulumi.StringOutput)},
	}, pulumi.Provider(prov), pulumi.DependsOn([]pulumi.Resource{vpc}))
	if err != nil {
		return err
	}
	strategy := awsxec2.SubnetAllocationStrategyAuto
	x, err := awsxec2.NewVpc(ctx, "three-tier", &awsxec2.VpcArgs{
		CidrBlock:             pulumi.StringRef("10.1.0.0/16"),
		AvailabilityZoneNames: []string{"eu-west-1a", "eu-west-1b"},
		SubnetStrategy:        &strategy,
		SubnetSpecs: []awsxec2.SubnetSpecArgs{
			{Type: awsxec2.SubnetTypePublic, CidrBlocks: []string{"10.1.0.0/24", "10.1.1.0/24"}},
			{Type: awsxec2.SubnetTypeIsolated, CidrBlocks: []string{"10.1.2.0/24", "10.1.3.0/24"}},
		},
		NatGateways: &awsxec2.NatGatewayConfigurationArgs{Strategy: awsxec2.NatGatewayStrategyNone},
	}, pulumi.Providers(prov))
	if err != nil {
		return err
	}
	ctx.Export("account", pulumi.String(id.AccountId))
	ctx.Export("vpcId", vpc.ID())
	ctx.Export("roleArn", role.Arn)
	ctx.Export("isolated", x.IsolatedSubnetIds)
	ctx.Export("password", config.GetSecret(ctx, "password"))
	return nil
}

func TestRunRecordsRegistrations(t *testing.T) {
	p, err := Run(sample, Options{Project: "demo", Stack: "test", AccountID: "111122223333",
		Config: map[string]string{"demo:password": "s3cret"}, SecretKeys: []string{"demo:password"}})
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}

	vpc, err := p.Find("aws:ec2/vpc:Vpc", "main")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^vpc-[0-9a-f]{17}$`).MatchString(vpc.ID) {
		t.Errorf("vpc ID = %q, want vpc- and 17 hex digits", vpc.ID)
	}
	if got := vpc.Inputs["cidrBlock"]; got != "10.0.0.0/16" {
		t.Errorf("vpc cidrBlock = %v, want 10.0.0.0/16", got)
	}
	if !vpc.Protect {
		t.Error("vpc Protect = false, want true")
	}
	prov, err := p.Find("pulumi:providers:aws", "aws")
	if err != nil {
		t.Fatal(err)
	}
	if vpc.Provider != prov.URN {
		t.Errorf("vpc Provider = %q, want %q", vpc.Provider, prov.URN)
	}

	role, err := p.Find("aws:iam/role:Role", "app")
	if err != nil {
		t.Fatal(err)
	}
	if len(role.Dependencies) != 1 || role.Dependencies[0] != vpc.URN {
		t.Errorf("role Dependencies = %v, want [%s]", role.Dependencies, vpc.URN)
	}
	token, _ := role.Input("tags.Token")
	sec, ok := token.(Secret)
	if !ok || sec.Reveal() != "hunter2" {
		t.Fatalf("role tags.Token = %#v, want a Secret holding the tag", token)
	}
	for _, printed := range []string{fmt.Sprint(token), fmt.Sprintf("%v %+v %#v %s", token, token, token, token)} {
		if strings.Contains(printed, "hunter2") {
			t.Errorf("a Secret printed its value: %q", printed)
		}
	}
	if b, _ := json.Marshal(role.Inputs); strings.Contains(string(b), "hunter2") {
		t.Errorf("a Secret marshalled its value: %s", b)
	}

	// Outputs look real: the role's ARN comes from the provider's region-free
	// IAM shape and the account in the options.
	if got := p.Outputs["roleArn"]; !regexp.MustCompile(`^arn:aws:iam::111122223333:role/app-[0-9a-f]{7}$`).MatchString(fmt.Sprint(got)) {
		t.Errorf("roleArn = %v, want an IAM role ARN in account 111122223333", got)
	}
	if got := p.Outputs["account"]; got != "111122223333" {
		t.Errorf("account = %v, want 111122223333", got)
	}
	if got := p.Outputs["vpcId"]; got != vpc.ID {
		t.Errorf("vpcId output = %v, want %v", got, vpc.ID)
	}
	if _, ok := p.Outputs["password"].(Secret); !ok {
		t.Errorf("password output = %#v, want a Secret", p.Outputs["password"])
	}

	// awsx: one subnet ID per AZ for each requested type, none for others.
	isolated, ok := p.Outputs["isolated"].([]any)
	if !ok || len(isolated) != 2 {
		t.Fatalf("isolated subnet IDs = %#v, want 2", p.Outputs["isolated"])
	}
	for _, id := range isolated {
		if !strings.HasPrefix(id.(string), "subnet-") {
			t.Errorf("isolated subnet ID %v does not look like subnet-…", id)
		}
	}
	awsx, err := p.Find("awsx:ec2:Vpc", "three-tier")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := awsx.Outputs["isolatedSubnetIds"].([]any); len(got) != 2 || awsx.Outputs["vpcId"] == nil {
		t.Errorf("awsx Vpc outputs = %v, want its vpcId and 2 isolated subnet IDs", awsx.Outputs)
	}
	if role.Outputs["arn"] != p.Outputs["roleArn"] {
		t.Errorf("role outputs arn = %v, want %v", role.Outputs["arn"], p.Outputs["roleArn"])
	}
	if !awsx.Remote || awsx.Custom {
		t.Errorf("awsx Vpc Remote/Custom = %v/%v, want true/false", awsx.Remote, awsx.Custom)
	}
	if awsx.Providers["aws"] != prov.URN {
		t.Errorf("awsx Vpc Providers = %v, want aws: %s", awsx.Providers, prov.URN)
	}
}

func TestRunIsStable(t *testing.T) {
	first, err := Run(sample, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := Run(sample, Options{})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(first.Resources)
		b, _ := json.Marshal(again.Resources)
		if string(a) != string(b) {
			t.Fatalf("two runs of one program differ:\n%s\n%s", a, b)
		}
	}
}

func TestRunFailsOnUnknownInvoke(t *testing.T) {
	_, err := Run(func(ctx *pulumi.Context) error {
		_, err := ec2.LookupKeyPair(ctx, &ec2.LookupKeyPairArgs{KeyName: pulumi.StringRef("ops")})
		return err
	}, Options{})
	if err == nil || !strings.Contains(err.Error(), "aws:ec2/getKeyPair:getKeyPair") {
		t.Fatalf("Run() error = %v, want it to name the invoke token", err)
	}
}

func TestRunEnforcesDisabledDefaultProviders(t *testing.T) {
	program := func(ctx *pulumi.Context) error {
		_, err := ec2.NewVpc(ctx, "orphan", &ec2.VpcArgs{CidrBlock: pulumi.String("10.0.0.0/16")})
		return err
	}
	if _, err := Run(program, Options{}); err != nil {
		t.Fatalf("Run() without the setting error = %v, want nil", err)
	}
	_, err := Run(program, Options{Config: map[string]string{"pulumi:disable-default-providers": `["aws"]`}})
	if err == nil || !strings.Contains(err.Error(), `"orphan"`) {
		t.Fatalf("Run() error = %v, want it to name the resource on the default provider", err)
	}
}

func TestRunReturnsProgramError(t *testing.T) {
	_, err := Run(func(*pulumi.Context) error { return fmt.Errorf("boom") }, Options{})
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Run() error = %v, want the program's error", err)
	}
}

func TestFindListsNamesSeen(t *testing.T) {
	p, err := Run(sample, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Find("aws:ec2/vpc:Vpc", "nope")
	if err == nil || !strings.Contains(err.Error(), `"main"`) {
		t.Fatalf("Find() error = %v, want it to list \"main\"", err)
	}
	if _, err := p.Find("aws:s3/bucketV2:BucketV2", "x"); err == nil {
		t.Fatal("Find() of an absent type = nil error")
	}
}

func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const project = `name: demo
runtime: go
config:
  size:
    type: integer
    default: 3
  owner:
    type: string
    description: who owns it
  net:
    type: object
    default:
      cidr: 10.0.0.0/16
  aws:region:
    value: us-east-1
`

func TestStackOptionsAppliesProjectConfig(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"Pulumi.yaml":     project,
		"Pulumi.dev.yaml": "config:\n  demo:owner: team\n  demo:token:\n    secure: AAABAGVuY3J5cHRlZA==\n",
	})
	opts, err := StackOptions(dir, "dev")
	if err != nil {
		t.Fatalf("StackOptions() error = %v", err)
	}
	want := map[string]string{
		"demo:size":  "3",
		"demo:owner": "team",
		"demo:net":   `{"cidr":"10.0.0.0/16"}`,
		"aws:region": "us-east-1",
		"demo:token": SecretPlaceholder,
	}
	for k, v := range want {
		if got := opts.Config[k]; got != v {
			t.Errorf("Config[%q] = %q, want %q", k, got, v)
		}
	}
	if len(opts.SecretKeys) != 1 || opts.SecretKeys[0] != "demo:token" {
		t.Errorf("SecretKeys = %v, want [demo:token]", opts.SecretKeys)
	}
	if opts.Project != "demo" || opts.Stack != "dev" || opts.Region != "us-east-1" {
		t.Errorf("Project/Stack/Region = %q/%q/%q", opts.Project, opts.Stack, opts.Region)
	}
}

func TestStackOptionsErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		stack string
		want  string
	}{
		{"unknown stack", map[string]string{"Pulumi.yaml": project, "Pulumi.dev.yaml": "config:\n  demo:owner: x\n"}, "qa", `unknown stack "qa"`},
		{"missing required key", map[string]string{"Pulumi.yaml": project, "Pulumi.dev.yaml": "config: {}\n"}, "dev", `"demo:owner"`},
		{"wrong type", map[string]string{"Pulumi.yaml": project, "Pulumi.dev.yaml": "config:\n  demo:owner: x\n  demo:size: many\n"}, "dev", `"demo:size" must be of type integer`},
		{"stack file does not parse", map[string]string{"Pulumi.yaml": project, "Pulumi.dev.yaml": "config: [\n"}, "dev", "Pulumi.dev.yaml"},
		{"no project", map[string]string{"Pulumi.dev.yaml": "config: {}\n"}, "dev", "no Pulumi project"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := StackOptions(writeProject(t, tt.files), tt.stack)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("StackOptions() error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestSecretConfigValuesAreRedactedInPlace: a secret text that holds a
// secret config value prints with only that value hidden; a secret with no
// config value in it, or holding one too short to look for, prints whole
// as SecretText.
func TestSecretConfigValuesAreRedactedInPlace(t *testing.T) {
	p, err := Run(func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		id := config.GetSecret(ctx, "strata:externalId")
		short := config.GetSecret(ctx, "strata:pin")
		_, err = iam.NewRole(ctx, "deploy", &iam.RoleArgs{
			AssumeRolePolicy: pulumi.Sprintf(`{"Statement":[{"Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Condition":{"StringEquals":{"sts:ExternalId":%q}}}]}`, id),
			Description:      pulumi.Sprintf("pin %s", short),
			Tags:             pulumi.StringMap{"Token": pulumi.ToSecret(pulumi.String("hunter2")).(pulumi.StringOutput)},
		}, pulumi.Provider(prov))
		return err
	}, Options{Config: map[string]string{"strata:externalId": "ci-deploy-7f3a", "strata:pin": "1234"}, SecretKeys: []string{"strata:externalId", "strata:pin"}})
	if err != nil {
		t.Fatal(err)
	}
	role, err := p.Find("aws:iam/role:Role", "deploy")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(role.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{`arn:aws:iam::210987654321:root`, `\"sts:ExternalId\":\"[secret]\"`, `"Token":"[secret]"`, `"description":"[secret]"`} {
		if !strings.Contains(got, want) {
			t.Errorf("role inputs = %s\nwant them to contain %s", got, want)
		}
	}
	for _, leak := range []string{"ci-deploy-7f3a", "hunter2", "1234"} {
		if strings.Contains(got, leak) {
			t.Errorf("role inputs = %s, which leaks %q", got, leak)
		}
	}
	if s, ok := role.Inputs["assumeRolePolicy"].(Secret); !ok || !strings.Contains(s.Reveal().(string), "ci-deploy-7f3a") {
		t.Errorf("assumeRolePolicy = %#v, want a Secret that still reveals the value to checks", role.Inputs["assumeRolePolicy"])
	}
}

// TestGoneSeesRenamesWithoutAliases is the data-loss guard's own proof: a
// component's child renamed without an alias is gone (pulumi up would
// delete it and create another); with an alias naming the old child, or
// with the component itself renamed under an alias, nothing is.
func TestGoneSeesRenamesWithoutAliases(t *testing.T) {
	program := func(component string, componentAlias bool, child string, aliases ...pulumi.Alias) pulumi.RunFunc {
		return func(ctx *pulumi.Context) error {
			prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
			if err != nil {
				return err
			}
			c := &struct{ pulumi.ResourceState }{}
			opts := []pulumi.ResourceOption{pulumi.Provider(prov)}
			if componentAlias {
				opts = append(opts, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("web")}}))
			}
			if err := ctx.RegisterComponentResource("strata:test:Service", component, c, opts...); err != nil {
				return err
			}
			_, err = ec2.NewSecurityGroup(ctx, child, &ec2.SecurityGroupArgs{Description: pulumi.String("tasks")},
				pulumi.Parent(c), pulumi.Aliases(aliases))
			return err
		}
	}
	before, err := Run(program("web", false, "web-app"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	golden := before.URNs()
	const (
		old    = "urn:pulumi:dev::project::strata:test:Service$aws:ec2/securityGroup:SecurityGroup::web-app"
		oldWeb = "urn:pulumi:dev::project::strata:test:Service::web"
	)
	if !slices.Contains(golden, old) {
		t.Fatalf("URNs() = %v, want %s among them", golden, old)
	}
	for _, tt := range []struct {
		name    string
		program pulumi.RunFunc
		gone    []string
	}{
		{"nothing renamed", program("web", false, "web-app"), nil},
		{"a child renamed without an alias", program("web", false, "web-tasks"), []string{old}},
		{"a child renamed with an alias", program("web", false, "web-tasks", pulumi.Alias{Name: pulumi.String("web-app")}), nil},
		// A URN holds its parent's type, not its name: the child keeps its
		// URN and only the component itself is gone.
		{"the component renamed without an alias", program("www", false, "web-app"), []string{oldWeb}},
		{"the component renamed with an alias carries its child", program("www", true, "web-app"), nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			after, err := Run(tt.program, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := after.Gone(golden); !slices.Equal(got, tt.gone) {
				t.Errorf("Gone = %v, want %v", got, tt.gone)
			}
		})
	}
}

// TestAWSXArgumentsPlanCannotModel: a VPC with arguments the expansion
// does not model (an IPAM pool), or that awsx itself refuses, fails the
// plan naming them, once.
func TestAWSXArgumentsPlanCannotModel(t *testing.T) {
	for _, tt := range []struct {
		name string
		args *awsxec2.VpcArgs
		want string
	}{
		{"an IPAM pool", &awsxec2.VpcArgs{Ipv4IpamPoolId: pulumi.String("ipam-pool-0123"), Ipv4NetmaskLength: pulumi.Int(16)}, "arguments ipv4IpamPoolId, ipv4NetmaskLength are set"},
		{"zones named and counted", &awsxec2.VpcArgs{AvailabilityZoneNames: []string{"us-east-1a"}, NumberOfAvailabilityZones: pulumi.IntRef(2)},
			"only one of [availabilityZoneNames] and [numberOfAvailabilityZones]"},
		{"more Elastic IPs than zones", &awsxec2.VpcArgs{NumberOfAvailabilityZones: pulumi.IntRef(2), NatGateways: &awsxec2.NatGatewayConfigurationArgs{
			Strategy: awsxec2.NatGatewayStrategyOnePerAz, ElasticIpAllocationIds: pulumi.StringArray{pulumi.String("eipalloc-1")}}},
			"must match the number of availability zones"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(func(ctx *pulumi.Context) error {
				_, err := awsxec2.NewVpc(ctx, "v", tt.args)
				return err
			}, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run error = %v, want one naming %q", err, tt.want)
			}
			if n := strings.Count(err.Error(), tt.want); n != 1 {
				t.Errorf("the problem is reported %d times, want once:\n%v", n, err)
			}
		})
	}
}

// TestAWSXArgumentsNotKnownUntilDeploy: what awsx passes on to its
// children (the VPC's tenancy, a NAT gateway's allocation ID) may be
// another resource's output; the children get it unknown and the layout
// is still drawn. What shapes the layout must be known: a registration
// whose NAT strategy is unknown fails naming it, instead of guessing.
func TestAWSXArgumentsNotKnownUntilDeploy(t *testing.T) {
	p, err := Run(func(ctx *pulumi.Context) error {
		eip, err := ec2.NewEip(ctx, "mine", &ec2.EipArgs{Domain: pulumi.String("vpc")})
		if err != nil {
			return err
		}
		_, err = awsxec2.NewVpc(ctx, "v", &awsxec2.VpcArgs{
			NumberOfAvailabilityZones: pulumi.IntRef(1),
			InstanceTenancy:           eip.PublicIpv4Pool.ApplyT(func(string) string { return "default" }).(pulumi.StringOutput),
			NatGateways: &awsxec2.NatGatewayConfigurationArgs{
				Strategy: awsxec2.NatGatewayStrategySingle, ElasticIpAllocationIds: []pulumi.StringInput{eip.PublicIpv4Pool}},
		})
		return err
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	nat, err := p.Find("aws:ec2/natGateway:NatGateway", "v-1")
	if err != nil {
		t.Fatal(err)
	}
	vpc, err := p.Find("aws:ec2/vpc:Vpc", "v")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := nat.Inputs["allocationId"].(Unknown); !ok {
		t.Errorf("NAT gateway allocationId = %#v, want unknown", nat.Inputs["allocationId"])
	}
	if _, ok := vpc.Inputs["instanceTenancy"].(Unknown); !ok {
		t.Errorf("VPC instanceTenancy = %#v, want unknown", vpc.Inputs["instanceTenancy"])
	}

	// A strategy not known offline: only a registration from outside the
	// Go SDK (which sends it plain) can do this. Beside an argument the
	// model does not take, both problems are named at once.
	e := newEngine(Options{})
	err = e.expandVpc(context.Background(), &Resource{Type: awsxVpcType, Name: "w", URN: "urn:pulumi:s::p::awsx:ec2:Vpc::w"},
		resource.PropertyMap{
			"natGateways":    resource.NewProperty(resource.PropertyMap{"strategy": resource.MakeComputed(resource.NewProperty(""))}),
			"ipv4IpamPoolId": resource.NewProperty("ipam-pool-0123"),
		}, nil)
	for _, want := range []string{`awsx:ec2:Vpc "w": argument natGateways is not known until deploy`, `awsx:ec2:Vpc "w": argument ipv4IpamPoolId is set`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("expandVpc error = %v, want one containing %q", err, want)
		}
	}
}

// TestTransformsApply: resource transforms of a component reach its
// children, synthesized ones included, and stack transforms reach
// everything, in the engine's order (own, parents', stack).
func TestTransformsApply(t *testing.T) {
	p, err := Run(func(ctx *pulumi.Context) error {
		if err := ctx.RegisterResourceTransform(func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			if a.Type == "aws:ec2/subnet:Subnet" {
				a.Props["tags"] = pulumi.StringMap{"Stack": pulumi.String("seen")}
				return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
			}
			return nil
		}); err != nil {
			return err
		}
		prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		publicIPs := func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			if a.Type == "aws:ec2/subnet:Subnet" {
				a.Props["mapPublicIpOnLaunch"] = pulumi.Bool(true)
				return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
			}
			return nil
		}
		strategy := awsxec2.SubnetAllocationStrategyAuto
		_, err = awsxec2.NewVpc(ctx, "v", &awsxec2.VpcArgs{
			AvailabilityZoneNames: []string{"us-east-1a"}, SubnetStrategy: &strategy, CidrBlock: pulumi.StringRef("10.0.0.0/24"),
			SubnetSpecs: []awsxec2.SubnetSpecArgs{{Type: awsxec2.SubnetTypeIsolated, CidrBlocks: []string{"10.0.0.0/25"}}},
			NatGateways: &awsxec2.NatGatewayConfigurationArgs{Strategy: awsxec2.NatGatewayStrategyNone},
		}, pulumi.Providers(prov), pulumi.Transforms([]pulumi.ResourceTransform{publicIPs}))
		return err
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	subnet, err := p.Find("aws:ec2/subnet:Subnet", "v-isolated-1")
	if err != nil {
		t.Fatal(err)
	}
	if subnet.Inputs["mapPublicIpOnLaunch"] != true {
		t.Errorf("subnet mapPublicIpOnLaunch = %v, want the VPC's transform applied", subnet.Inputs["mapPublicIpOnLaunch"])
	}
	if got, _ := subnet.Input("tags.Stack"); got != "seen" {
		t.Errorf("subnet tags = %v, want the stack transform applied after the VPC's", subnet.Inputs["tags"])
	}
}

// TestSecretsReadAsPlainTextStaySecret: a program that reads a secret
// config value with config.Require (so the SDK does not mark it secret)
// and puts it in an input, an output and its log gets no decrypted secret
// in the plan's JSON; checks still read the value.
func TestSecretsReadAsPlainTextStaySecret(t *testing.T) {
	p, err := Run(func(ctx *pulumi.Context) error {
		pw := config.Require(ctx, "app:dbPassword")
		_, err := iam.NewRole(ctx, "app", &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String(`{"Statement":[]}`),
			Description:      pulumi.String("password is " + pw),
			Tags:             pulumi.StringMap{"pw": pulumi.String(pw)},
		})
		ctx.Log.Info("using "+pw, nil)
		ctx.Export("pw", pulumi.String(pw))
		return err
	}, Options{Config: map[string]string{"app:dbPassword": "correct-horse"}, SecretKeys: []string{"app:dbPassword"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "correct-horse") {
		t.Errorf("the plan's JSON holds the decrypted secret:\n%s", b)
	}
	role, _ := p.Find("aws:iam/role:Role", "app")
	if s, ok := role.Inputs["description"].(Secret); !ok || s.Reveal() != "password is correct-horse" || s.String() != "password is [secret]" {
		t.Errorf("description = %#v, want a Secret shown as \"password is [secret]\" that reveals the value", role.Inputs["description"])
	}
}
