package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/cli"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
	"github.com/strata-infra/strata/policy"
	"github.com/strata-infra/strata/stacks"
)

// repo holds the checked-in Pulumi.yaml and stack files.
const repo = "../.."

func strata(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// project makes a folder with the checked-in Pulumi.yaml and one stack file.
func project(t *testing.T, stack, body string) string {
	t.Helper()
	dir := t.TempDir()
	proj, err := os.ReadFile(filepath.Join(repo, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"Pulumi.yaml": string(proj), "Pulumi." + stack + ".yaml": body} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPlanTree(t *testing.T) {
	code, out, errOut := strata(t, "plan", "--stack", "dev", "--details", "--dir", repo)
	if code != 0 {
		t.Fatalf("strata plan --stack dev = %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		`pulumi:pulumi:Stack "strata-dev"`,
		`─ strata:network:Network "main"`,
		`─ strata:securebucket:SecureBucket "data"`,
		`─ strata:budget:Budget "monthly"`,
		`bucket: strata-data-dev-123456789012`,
		`awsx:ec2:Vpc "main"`,
		"natGateways.strategy: None",
		"Summary: ",
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
		"strata:owner = platform-team",
		"Warnings:",
		`aws:lb/listener:Listener "web-http": plain HTTP on port 80`,
		"appUrl = http://web-",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("strata plan output lacks %q:\n%s", want, out)
		}
	}
}

// TestPlanSummary: plan without flags fits one screen, opens with the
// network, the services and the database, and shows the effective config
// with what the stack file set marked.
func TestPlanSummary(t *testing.T) {
	code, out, errOut := strata(t, "plan", "--stack", "prod", "--dir", repo)
	if code != 0 {
		t.Fatalf("plan --stack prod = %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) > 80 {
		t.Errorf("the summary is %d lines, want at most 80:\n%s", len(lines), out)
	}
	screen := strings.Join(lines[:min(30, len(lines))], "\n")
	for _, want := range []string{
		"Stack prod (project strata, production profile): 217 resources in us-east-1, account 123456789012",
		"3 × NAT gateway (us-east-1a, us-east-1b, us-east-1c)",
		"subnets 3 public, 3 private, 3 isolated",
		"service       web: Fargate 256 CPU / 512 MiB ARM64, 2-10 tasks, port 8080, private subnets",
		"loadbalancer  web: internet-facing ALB, HTTP 80, HTTPS 443, public subnets",
		"database      main: Aurora postgresql 16.6, 1-16 ACU, deletion-protected,",
		"2 instances (failover tier 0 us-east-1a, failover tier 1 us-east-1b)",
		"7 alarms → topic alarms",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the first screen lacks %q:\n%s", want, screen)
		}
	}
	for _, want := range []string{
		"load balancer web → service web (TCP 8080)", "service web → database main (TCP 5432)",
		"cidr=10.20.0.0/16*", "natGateways=perAz ", "instances=2 ", "owner=platform-team*",
		"alarms      emails=[\"platform-oncall@example.com\"]*",
		"Resources by service", "Warnings:", costLine(t, "prod"),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "urn:pulumi:") || strings.Contains(out, "aws:ec2/routeTableAssociation") {
		t.Errorf("the summary prints the tree's detail:\n%s", out)
	}

	// An override is marked, and the profile's values that follow it are not.
	dir := project(t, "qa", goodStack+"  strata:db:\n    minAcu: 1\n")
	if _, out, _ = strata(t, "plan", "--stack", "qa", "--dir", dir); !strings.Contains(out, "minAcu=1* maxAcu=4 autoPauseSeconds=0") {
		t.Errorf("the summary does not mark the override:\n%s", out)
	}
	if code, _, errOut = strata(t, "plan", "--stack", "prod", "--dir", repo, "--json", "--details"); code != 2 || !strings.Contains(errOut, "give --json or --details, not both") {
		t.Errorf("--json --details = %d, %q", code, errOut)
	}
}

func TestPlanJSON(t *testing.T) {
	code, out, errOut := strata(t, "plan", "--stack", "prod", "--json", "--dir", repo)
	if code != 0 {
		t.Fatalf("strata plan --stack prod --json = %d, stderr:\n%s", code, errOut)
	}
	var doc struct {
		Project   string `json:"project"`
		Stack     string `json:"stack"`
		Resources []struct {
			Type    string         `json:"type"`
			Name    string         `json:"name"`
			URN     string         `json:"urn"`
			Parent  string         `json:"parent"`
			Inputs  map[string]any `json:"inputs"`
			Protect bool           `json:"protect"`
		} `json:"resources"`
		Outputs map[string]any `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("--json output does not parse: %v\n%s", err, out)
	}
	if doc.Project != "strata" || doc.Stack != "prod" {
		t.Errorf("project/stack = %q/%q, want strata/prod", doc.Project, doc.Stack)
	}
	found := false
	for _, r := range doc.Resources {
		if r.Type != "awsx:ec2:Vpc" {
			continue
		}
		found = true
		if nat := r.Inputs["natGateways"].(map[string]any)["strategy"]; nat != "OnePerAz" {
			t.Errorf("prod NAT strategy = %v, want OnePerAz", nat)
		}
		if azs := r.Inputs["availabilityZoneNames"].([]any); len(azs) != 3 {
			t.Errorf("prod AZs = %v, want 3", azs)
		}
		if !r.Protect || r.URN == "" || r.Parent == "" {
			t.Errorf("prod VPC protect/urn/parent = %v/%q/%q", r.Protect, r.URN, r.Parent)
		}
	}
	if !found {
		t.Fatal("--json lists no awsx:ec2:Vpc")
	}
	if _, ok := doc.Outputs["vpcId"]; !ok {
		t.Errorf("outputs = %v, want vpcId", doc.Outputs)
	}

	// The document is stable: later runs print the same bytes (a race in
	// what a resource waits for once made one run in ten differ).
	for range 10 {
		if _, again, _ := strata(t, "plan", "--stack", "prod", "--json", "--dir", repo); again != out {
			t.Fatal("two runs of --json printed different documents")
		}
	}
}

const goodStack = "config:\n  aws:region: us-east-1\n  strata:owner: team\n  strata:costCenter: cc-1\n"

// seedNetwork is the seed's three-AZ layout, with its 10.0.300.0/24, under a
// non-canonical VPC block.
const seedNetwork = `    cidr: 10.0.1.5/16
    availabilityZones: 3
    publicSubnetCidrs: [10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24]
    privateSubnetCidrs: [10.0.10.0/24, 10.0.20.0/24, 10.0.30.0/24]
    isolatedSubnetCidrs: [10.0.100.0/24, 10.0.200.0/24, 10.0.300.0/24]
`

func TestPlanFailures(t *testing.T) {
	tests := []struct {
		name  string
		dir   string
		stack string
		want  []string
	}{
		{"an unknown stack", repo, "qa", []string{`unknown stack "qa"`, "dev, prod"}},
		{"a stack file that does not parse", project(t, "bad", "config: [\n"), "bad", []string{"Pulumi.bad.yaml"}},
		{"validation errors, all of them", project(t, "qa", goodStack+"  strata:netwrk: {}\n  strata:network:\n"+seedNetwork+"    cidrs: x\n"), "qa", []string{`unknown key "strata:netwrk"`, `did you mean "strata:network"?`, `unknown key "cidrs"`, `did you mean "10.0.0.0/16"`, "strata:network.isolatedSubnetCidrs[2]", "10.0.300.0/24"}},
		{"an unknown network key", project(t, "qa", goodStack+"  strata:network:\n    cidrs: x\n"), "qa", []string{`unknown key "cidrs"`, `did you mean "cidr"?`}},
		{"the seed's subnets under a non-canonical block", project(t, "qa", goodStack+"  strata:network:\n"+seedNetwork), "qa", []string{`did you mean "10.0.0.0/16"`, "strata:network.isolatedSubnetCidrs[2]", "10.0.300.0/24"}},
		{"one AZ in prod", project(t, "prod", goodStack+"  strata:network:\n    availabilityZones: 1\n"), "prod", []string{"strata:network.availabilityZones must be 2 to 6, got 1"}},
		{"12 e-mail subscribers", project(t, "qa", goodStack+"  strata:budget:\n    emails: ["+strings.Repeat("ops@example.com, ", 11)+"ops@example.com]\n"), "qa", []string{"strata:budget.emails must hold at most 10, got 12"}},
		{"an invalid bucket name", project(t, "qa", goodStack+"  strata:bucket:\n    name: 10.0.0.1\n"), "qa", []string{"strata:bucket.name must not be shaped like an IP address"}},
		{"an invalid ACU range", project(t, "qa", goodStack+"  strata:db:\n    minAcu: 8\n    maxAcu: 4\n    backupRetentionDays: 40\n"), "qa", []string{"strata:db.minAcu (8) must not exceed strata:db.maxAcu (4)", "strata:db.backupRetentionDays must be 1 to 35, got 40"}},
		{"invalid CPU, health check and counts", project(t, "qa", goodStack+"  strata:app:\n    cpu: 512\n    memory: 512\n    healthCheckPath: ping\n    minTasks: 4\n    maxTasks: 2\n"), "qa",
			[]string{"strata:app.memory 512 is not valid with strata:app.cpu 512", "strata:app.healthCheckPath must start with /", "strata:app.maxTasks (2) must not be below strata:app.minTasks (4)"}},
		{"invalid memory, timeout and runtime", project(t, "qa", goodStack+"  strata:api:\n    memoryMb: 20000\n    timeoutSeconds: 1000\n    runtime: python3.8\n"), "qa",
			[]string{"strata:api.memoryMb must be 128 to 10240, got 20000", "strata:api.timeoutSeconds must be 1 to 900, got 1000", `strata:api.runtime "python3.8" is deprecated`}},
		{"an invalid deploy principal and external ID", project(t, "qa", goodStack+"  strata:deployExternalId:\n    secure: AAABADQ1Njc4OWFiY2RlZg==\n  strata:baseline:\n    enabled: true\n    deployRole:\n      trustedPrincipal: '2109876543'\n      managedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n"), "qa",
			[]string{"strata:baseline.deployRole.trustedPrincipal must be a 12-digit account ID or a role ARN", "is AdministratorAccess"}},
		{"a missing required key", project(t, "qa", "config:\n  aws:region: us-east-1\n"), "qa", []string{`"strata:owner"`, `"strata:costCenter"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := strata(t, "plan", "--stack", tt.stack, "--dir", tt.dir)
			// A stack file that cannot be read is the command failing (2); a
			// stack strata refuses is 1.
			want := 1
			if strings.HasPrefix(tt.name, "an unknown stack") || strings.HasPrefix(tt.name, "a stack file that does not parse") {
				want = 2
			}
			if code != want {
				t.Errorf("exit = %d, want %d", code, want)
			}
			if out != "" {
				t.Errorf("a failed plan printed to stdout:\n%s", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestSecureConfigIsNeverShown(t *testing.T) {
	dir := project(t, "qa", goodStack+"  strata:apiToken:\n    secure: AAABADQ1Njc4OWFiY2RlZg==\n")
	// The key is unknown to strata, so the plan fails, but neither stream
	// may show the ciphertext; a known secret key prints as [secret].
	_, out, errOut := strata(t, "plan", "--stack", "qa", "--dir", dir)
	if strings.Contains(out+errOut, "AAABADQ1Njc4OWFiY2RlZg") {
		t.Errorf("the secure value was shown:\n%s%s", out, errOut)
	}
	dir = project(t, "qa", goodStack+"  aws:secretKey:\n    secure: AAABADQ1Njc4OWFiY2RlZg==\n")
	if _, summary, _ := strata(t, "plan", "--stack", "qa", "--dir", dir); strings.Contains(summary, "AAABADQ1Njc4OWFiY2RlZg") ||
		!strings.Contains(summary, "not validated beyond being set: aws:secretKey") {
		t.Errorf("the summary shows the secure value or does not name it as unvalidated:\n%s", summary)
	}
	code, out, errOut := strata(t, "plan", "--stack", "qa", "--details", "--dir", dir)
	if code != 0 {
		t.Fatalf("exit = %d, stderr:\n%s", code, errOut)
	}
	if !strings.Contains(out, "aws:secretKey = [secret]") || strings.Contains(out, "AAABADQ1Njc4OWFiY2RlZg") {
		t.Errorf("want the secure value shown as [secret], got:\n%s", out)
	}
	if !strings.Contains(out, "(1 secure value was not decrypted, so not validated beyond being set: aws:secretKey; set PULUMI_CONFIG_PASSPHRASE to validate them)") {
		t.Errorf("the summary does not say the secure value went unvalidated:\n%s", out)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "strata: give a command\n\nUsage:\n  strata\n  strata [command]"},
		{[]string{"help", "deploy"}, 2, `strata help: no command "deploy" (commands: check, completion, cost, diagram, plan)`},
		{[]string{"apply"}, 2, `unknown command "apply"`},
		{[]string{"plan"}, 2, "give one stack with --stack NAME"},
		{[]string{"plan", "--stack", "dev", "--color"}, 2, "strata plan: unknown flag: --color\n\nUsage:\n  strata plan --stack NAME"},
		{[]string{"plan", "--stack", "dev", "extra"}, 2, `strata plan: unknown command "extra"`},
	}
	for _, tt := range tests {
		code, _, errOut := strata(t, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("strata %v = %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

func TestDeployRoleFromAStackFile(t *testing.T) {
	dir := project(t, "qa", goodStack+`  strata:deployExternalId:
    secure: AAABADQ1Njc4OWFiY2RlZg==
  strata:baseline:
    enabled: true
    deployRole:
      trustedPrincipal: "210987654321"
      managedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
`)
	code, out, errOut := strata(t, "plan", "--stack", "qa", "--dir", dir, "--json")
	if code != 0 {
		t.Fatalf("exit = %d, stderr:\n%s", code, errOut)
	}
	var doc struct {
		Resources []struct {
			Type, Name string
			Inputs     map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range doc.Resources {
		if r.Type == "aws:iam/role:Role" && r.Name == "baseline-deploy" {
			// Who may assume the role shows; only the external ID is hidden.
			trust, _ := r.Inputs["assumeRolePolicy"].(string)
			if !strings.Contains(trust, `"AWS":"arn:aws:iam::210987654321:root"`) || !strings.Contains(trust, `"sts:ExternalId":"[secret]"`) {
				t.Errorf("deploy trust = %v, want the document with only the external ID as [secret]", trust)
			}
			if strings.Contains(out, plan.SecretPlaceholder) {
				t.Error("the plan prints the secret's placeholder")
			}
			return
		}
	}
	t.Error("no deploy role in the plan")
}

func TestCheckCheckedInStacks(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		code, out, errOut := strata(t, "check", "--stack", stack, "--dir", repo)
		if code != 0 {
			t.Fatalf("strata check --stack %s = %d\n%s%s", stack, code, out, errOut)
		}
		for _, want := range []string{"PASS        STRATA-VPC-001", "SUPPRESSED  STRATA-SG-004", "why: ", "Checks: ", " 0 fail,"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s check output lacks %q", stack, want)
			}
		}
	}
	code, out, _ := strata(t, "check", "--stack", "prod", "--json", "--dir", repo)
	var rep struct {
		Stack      string
		Production bool
		Results    []struct {
			Check    struct{ ID string }
			Findings []struct{ Suppressed bool }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("check --json = %d, %v", code, err)
	}
	if !rep.Production || len(rep.Results) < 40 {
		t.Errorf("check --json: production %v, %d results", rep.Production, len(rep.Results))
	}
	code, out, _ = strata(t, "check", "--stack", "dev", "--sarif", "--dir", repo)
	var sarif struct {
		Version string
		Runs    []struct{ Results []any }
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || code != 0 || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
		t.Fatalf("check --sarif = %d, %v, %+v", code, err, sarif)
	}
}

func TestCheckFailsAnOpenDatabasePort(t *testing.T) {
	saved := program
	defer func() { program = saved }()
	program = func(ctx *pulumi.Context) error {
		if err := stacks.Deploy(ctx); err != nil {
			return err
		}
		prov, err := aws.NewProvider(ctx, "extra", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		sg, err := ec2.NewSecurityGroup(ctx, "reporting", &ec2.SecurityGroupArgs{VpcId: pulumi.String("vpc-1"), Description: pulumi.String("reporting")}, pulumi.Provider(prov))
		if err != nil {
			return err
		}
		_, err = vpc.NewSecurityGroupIngressRule(ctx, "postgres-from-anywhere", &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: sg.ID(), IpProtocol: pulumi.String("tcp"), FromPort: pulumi.Int(5432), ToPort: pulumi.Int(5432),
			CidrIpv4: pulumi.String("0.0.0.0/0"), Description: pulumi.String("reports"),
		}, pulumi.Provider(prov))
		return err
	}
	code, out, errOut := strata(t, "check", "--stack", "dev", "--dir", repo)
	if code != 1 {
		t.Fatalf("check of an open 5432 = %d, want 1\n%s", code, errOut)
	}
	for _, want := range []string{
		"FAIL        STRATA-SG-003",
		"urn:pulumi:dev::strata::aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::postgres-from-anywhere: admits 0.0.0.0/0 to high-risk port 5432",
		"fix: Admit databases and admin ports only from the security group of their client",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "unsuppressed finding") {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestCheckUsageAndConfigErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"check"}, "give one stack"},
		{[]string{"check", "--stack", "dev", "--json", "--sarif", "--dir", repo}, "give --json or --sarif, not both"},
		{[]string{"plan", "--stack", "dev", "--sarif", "--dir", repo}, "unknown flag: --sarif"},
		{[]string{"check", "--stack", "qa", "--dir", repo}, `unknown stack "qa"`},
	}
	for _, tt := range tests {
		code, _, errOut := strata(t, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("strata %v = %d, %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
	// A stack strata refuses exits 1 from check as from plan.
	code, _, errOut := strata(t, "check", "--stack", "qa", "--dir", project(t, "qa", goodStack+"  strata:app:\n    cpu: 3\n"))
	if code != 1 || !strings.Contains(errOut, "strata:app.cpu must be one of Fargate's sizes") {
		t.Errorf("check of a refused stack = %d, %q; want 1 and the problem", code, errOut)
	}
}

// TestHelp: help goes to stdout and exits 0, for strata and each command,
// however it is asked for.
func TestHelp(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
		not  string
	}{
		{[]string{"help"}, []string{"strata [command]", "plan      what a stack", "completion", "Exit status:"}, ""},
		{[]string{"--help"}, []string{"strata [command]"}, ""},
		{[]string{"help", "plan"}, []string{"strata plan --stack NAME", "plan reads Pulumi.yaml", "--dir PATH", "Exit status:"}, "strata cost"},
		{[]string{"help", "cost"}, []string{"strata cost (--stack NAME [--dir PATH | --program DIR] | --plan FILE)", "cost prices the plan", "--usage FILE"}, "strata check"},
		{[]string{"plan", "--help"}, []string{"strata plan --stack NAME"}, "strata check"},
		{[]string{"check", "--stack", "dev", "-h"}, []string{"strata check (--stack NAME [--dir PATH | --program DIR] | --plan FILE) [--json | --sarif]", "--sarif"}, "strata cost"},
	} {
		code, out, errOut := strata(t, tt.args...)
		if code != 0 || errOut != "" {
			t.Errorf("strata %v = %d, stderr %q; want 0 and nothing on stderr", tt.args, code, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("strata %v printed no %q:\n%s", tt.args, w, out)
			}
		}
		if tt.not != "" && strings.Contains(out, tt.not) {
			t.Errorf("strata %v printed another command's %q:\n%s", tt.args, tt.not, out)
		}
	}
}

// TestProjectFromASubfolder: without --dir, strata finds Pulumi.yaml in
// the nearest folder above, as pulumi does; with none, it says so.
func TestProjectFromASubfolder(t *testing.T) {
	dir := project(t, "qa", goodStack)
	sub := filepath.Join(dir, "internal", "deep")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	if code, out, errOut := strata(t, "plan", "--stack", "qa"); code != 0 || !strings.Contains(out, "Stack qa (project strata") {
		t.Errorf("plan from a subfolder = %d, stderr %q", code, errOut)
	}
	t.Chdir(t.TempDir())
	code, _, errOut := strata(t, "plan", "--stack", "qa")
	if code != 2 || !strings.Contains(errOut, "no Pulumi.yaml here or in a folder above") {
		t.Errorf("plan outside a project = %d, %q; want 2 and where to look", code, errOut)
	}
}

// TestOneEngineTwoWaysIn: strata plan --program of strata's own
// repository (built and run as Pulumi's language host would) gives the
// same plan as --stack (in-process); check --plan of that saved plan gives
// the same report as check --stack.
func TestOneEngineTwoWaysIn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the strata program")
	}
	code, inProcess, errOut := strata(t, "plan", "--stack", "prod", "--dir", repo, "--json")
	if code != 0 {
		t.Fatalf("plan --stack: exit %d\n%s", code, errOut)
	}
	code, built, errOut := strata(t, "plan", "--stack", "prod", "--program", repo, "--json")
	if code != 0 {
		t.Fatalf("plan --program: exit %d\n%s", code, errOut)
	}
	if inProcess != built {
		t.Errorf("plan --program differs from plan --stack:\n%s", firstDiff(inProcess, built))
	}
	saved := filepath.Join(t.TempDir(), "prod.json")
	if err := os.WriteFile(saved, []byte(inProcess), 0o644); err != nil {
		t.Fatal(err)
	}
	_, fromStack, _ := strata(t, "check", "--stack", "prod", "--dir", repo, "--json")
	code, fromPlan, errOut := strata(t, "check", "--plan", saved, "--json")
	if code != 0 {
		t.Fatalf("check --plan: exit %d\n%s", code, errOut)
	}
	if fromStack != fromPlan {
		t.Errorf("check --plan differs from check --stack:\n%s", firstDiff(fromStack, fromPlan))
	}
}

// TestCheckAProgramOfOneSOwn: check --program plans and checks a program
// strata did not write.
func TestCheckAProgramOfOneSOwn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	code, out, errOut := strata(t, "check", "--stack", "test", "--program", filepath.Join(repo, "plan", "testdata", "program"), "--json")
	if code == 2 {
		t.Fatalf("check --program: exit 2\n%s", errOut)
	}
	var rep struct {
		Project   string
		Resources int
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Project != "edge" || rep.Resources < 20 {
		t.Errorf("report of project %q over %d resources, want edge's plan with awsx's children", rep.Project, rep.Resources)
	}
}

func TestPlanFlagsThatDoNotGoTogether(t *testing.T) {
	for _, args := range [][]string{
		{"plan", "--plan", "x.json"},
		{"check", "--plan", "x.json", "--stack", "prod"},
		{"check", "--stack", "prod", "--program", ".", "--dir", "."},
	} {
		if code, _, _ := strata(t, args...); code != 2 {
			t.Errorf("strata %v: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := strata(t, "check", "--plan", filepath.Join(t.TempDir(), "missing.json")); code != 2 || !strings.Contains(errOut, "missing.json") {
		t.Errorf("check --plan of a missing file: exit %d, %q", code, errOut)
	}
}

// firstDiff shows where two texts first differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(al), len(bl))
}

// TestCost: strata cost prices a stack, as text and as JSON of the
// documented form, from the stack or a saved plan alike.
func TestCost(t *testing.T) {
	code, out, errOut := strata(t, "cost", "--stack", "prod", "--dir", repo, "--json")
	if code != 0 {
		t.Fatalf("cost: exit %d\n%s", code, errOut)
	}
	var rep struct {
		Currency, Region string
		Items            []struct {
			URN, Type, Description, Unit, Kind string
			Quantity, UnitPrice, Monthly       float64
		}
		Floor, Expected, Maximum float64
		Budget                   struct{ LimitUSD float64 }
		Unpriced                 []string
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Currency != "USD" || rep.Region != "us-east-1" || len(rep.Items) == 0 || rep.Floor <= 0 || rep.Expected < rep.Floor || rep.Maximum < rep.Expected || rep.Budget.LimitUSD != 1000 {
		t.Errorf("cost report = %+v", rep)
	}
	code, text, _ := strata(t, "cost", "--stack", "dev", "--dir", repo)
	if code != 0 || !strings.Contains(text, "floor") || !strings.Contains(text, "EC2 instance hours (t4g.nano)") || !strings.Contains(text, "With a 1-year commitment") {
		t.Errorf("cost text: exit %d\n%s", code, text)
	}
	if code, _, errOut := strata(t, "cost", "--stack", "dev", "--dir", repo, "--usage", filepath.Join(t.TempDir(), "none.yaml")); code != 2 {
		t.Errorf("a missing usage file: exit %d, %s", code, errOut)
	}
	if code, _, _ := strata(t, "plan", "--stack", "dev", "--dir", repo, "--usage", "x.yaml"); code != 2 {
		t.Errorf("--usage with plan: exit %d, want 2", code)
	}
}

// A check the stack file can fail names, with its fix, the key that makes
// it; a Go program planned with --program keeps the Args field.
func TestCheckFixesNameTheStackFileKey(t *testing.T) {
	dir := project(t, "qa", goodStack+"  strata:db:\n    backupRetentionDays: 3\n")
	code, out, errOut := strata(t, "check", "--stack", "qa", "--dir", dir)
	if code != 1 {
		t.Fatalf("check of 3 days of backups = %d, want 1\n%s", code, errOut)
	}
	for _, want := range []string{
		"FAIL        STRATA-RDS-004",
		"fix: Set backupRetentionPeriod to 7 or more.",
		"set: strata:db.backupRetentionDays",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = strata(t, "check", "--stack", "qa", "--dir", dir, "--sarif")
	if code != 1 || !strings.Contains(out, "Set backupRetentionPeriod to 7 or more. Set: strata:db.backupRetentionDays.") {
		t.Errorf("check --sarif = %d; help lacks the key:\n%.2000s", code, out)
	}
}

// With the stack's passphrase, strata plan decrypts secure: values and
// validates them like any other; without it, it says which it could not.
func TestPlanValidatesSecretsWithThePassphrase(t *testing.T) {
	body := plantest.PassphraseStack(t, "correct horse",
		map[string]string{"aws:region": "us-east-1", "strata:owner": "team", "strata:costCenter": "cc-1",
			"strata:baseline": `{"enabled": true, "deployRole": {"trustedPrincipal": "123456789012", "managedPolicyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]}}`},
		map[string]string{"strata:deployExternalId": "x"})
	dir := project(t, "qa", body)

	t.Setenv(plan.EnvPassphrase, "")
	os.Unsetenv(plan.EnvPassphrase)
	code, out, errOut := strata(t, "plan", "--stack", "qa", "--dir", dir)
	if code != 0 || !strings.Contains(out, "not validated beyond being set: strata:deployExternalId") {
		t.Fatalf("without the passphrase: exit %d, want 0 and the key named as unvalidated\n%s%s", code, errOut, out)
	}

	t.Setenv(plan.EnvPassphrase, "correct horse")
	code, _, errOut = strata(t, "plan", "--stack", "qa", "--dir", dir)
	if code != 1 || !strings.Contains(errOut, "strata:deployExternalId must be 2 to 1224 letters, digits and _+=,.@:/-, got 1 characters") {
		t.Errorf("with the passphrase: exit %d, want 1 and the external ID refused under its key\n%s", code, errOut)
	}
	if strings.Contains(errOut, `"x"`) {
		t.Errorf("the refusal prints the secret:\n%s", errOut)
	}

	t.Setenv(plan.EnvPassphrase, "wrong")
	if code, _, errOut = strata(t, "plan", "--stack", "qa", "--dir", dir); code != 2 || !strings.Contains(errOut, "incorrect passphrase") {
		t.Errorf("a wrong passphrase: exit %d, want 2\n%s", code, errOut)
	}
}

// Shell completion: cobra's scripts, and --stack completes the stacks
// beside the project's Pulumi.yaml, found from a subfolder as plan finds it.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errOut := strata(t, "completion", shell)
		if code != 0 || !strings.Contains(out, "strata") || errOut != "" {
			t.Errorf("completion %s = %d, %d bytes, stderr %q", shell, code, len(out), errOut)
		}
	}
	dir := project(t, "qa", goodStack)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.staging.yaml"), []byte(goodStack), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "src")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	code, out, _ := strata(t, "__complete", "check", "--stack", "")
	if code != 0 || !strings.HasPrefix(out, "qa\nstaging\n:4\n") {
		t.Errorf("completing --stack = %d, %q; want qa and staging, no files", code, out)
	}
	code, out, _ = strata(t, "__complete", "pl")
	if code != 0 || !strings.HasPrefix(out, "plan\tPrint what a stack would register\n") {
		t.Errorf("completing a command = %d, %q", code, out)
	}
}

// TestDiagram: every format from the CLI, to stdout and to a file, from a
// stack and from a saved plan; an unknown format is a usage error.
func TestDiagram(t *testing.T) {
	code, out, errOut := strata(t, "diagram", "--stack", "dev", "--format", "dot", "--dir", repo)
	if code != 0 || !strings.HasPrefix(out, "digraph architecture {") || !strings.Contains(out, "subgraph cluster_az_us_east_1a") {
		t.Fatalf("diagram --format dot = %d, %q\n%.300s", code, errOut, out)
	}
	code, out, _ = strata(t, "diagram", "--stack", "dev", "--format", "mermaid", "--dir", repo)
	if code != 0 || !strings.Contains(out, "\nflowchart TB\n") {
		t.Errorf("diagram --format mermaid = %d\n%.300s", code, out)
	}
	file := filepath.Join(t.TempDir(), "dev.svg")
	if code, _, errOut = strata(t, "diagram", "--stack", "dev", "--dir", repo, "-o", file); code != 0 {
		t.Fatalf("diagram -o = %d, %s", code, errOut)
	}
	if svg, err := os.ReadFile(file); err != nil || !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("<title>cluster_az_us_east_1a</title>")) {
		t.Errorf("diagram -o wrote %d bytes, %v", len(svg), err)
	}
	saved := filepath.Join(t.TempDir(), "dev.json")
	_, planJSON, _ := strata(t, "plan", "--stack", "dev", "--dir", repo, "--json")
	if err := os.WriteFile(saved, []byte(planJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	code, fromPlan, _ := strata(t, "diagram", "--plan", saved, "--format", "dot")
	_, fromStack, _ := strata(t, "diagram", "--stack", "dev", "--dir", repo, "--format", "dot")
	if code != 0 || fromPlan != fromStack {
		t.Errorf("diagram --plan = %d; differs from --stack:\n%s", code, firstDiff(fromStack, fromPlan))
	}
	code, out, _ = strata(t, "diagram", "--stack", "dev", "--dir", repo, "--format", "png")
	if code != 0 || !strings.HasPrefix(out, "\x89PNG") {
		t.Errorf("diagram --format png = %d, starts %q", code, out[:min(8, len(out))])
	}
	if code, _, errOut = strata(t, "diagram", "--stack", "dev", "--format", "gif", "--dir", repo); code != 2 || !strings.Contains(errOut, `--format must be one of svg, png, dot, mermaid, got "gif"`) {
		t.Errorf("diagram --format gif = %d, %q", code, errOut)
	}
}

// TestCheckReadsSuppressions: --suppressions names the file; a bad entry
// refuses the check naming its line, and an entry that matches nothing is
// listed as unused.
func TestCheckReadsSuppressions(t *testing.T) {
	file := filepath.Join(t.TempDir(), "suppressions.yaml")
	if err := os.WriteFile(file, []byte("- check: STRATA-SG-999\n  resource: web\n  reason: no such check exists here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := strata(t, "check", "--stack", "dev", "--dir", repo, "--suppressions", file); code != 1 || !strings.Contains(errOut, file+":1") {
		t.Errorf("a suppression of a check that does not exist: exit %d\n%s", code, errOut)
	}
	if err := os.WriteFile(file, []byte("- check: STRATA-S3-004\n  resource: gone-bucket\n  reason: the bucket was removed last week\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := strata(t, "check", "--stack", "dev", "--dir", repo, "--suppressions", file)
	if code != 0 || !strings.Contains(out, "Unused suppression ("+file+":1)") || !strings.Contains(out, "by:  tag strata:suppress:") {
		t.Errorf("check with an unused suppression: exit %d\n%s\n%s", code, out, errOut)
	}
}

// costLine is the summary's cost line for a stack, from strata cost's own
// figures (the JSON of cost --stack), not written by hand.
func costLine(t *testing.T, stack string) string {
	t.Helper()
	code, out, errOut := strata(t, "cost", "--stack", stack, "--dir", repo, "--json")
	if code != 0 {
		t.Fatalf("cost --stack %s: exit %d\n%s", stack, code, errOut)
	}
	var rep struct{ Floor, Expected float64 }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("Cost: floor %.2f USD a month, expected %.2f", rep.Floor, rep.Expected)
}

// TestCostDiff: cost --diff compares with a saved report: dev against
// prod's report lists what dev saves, line by line, with the totals.
func TestCostDiff(t *testing.T) {
	code, prod, errOut := strata(t, "cost", "--stack", "prod", "--dir", repo, "--json")
	if code != 0 {
		t.Fatalf("cost --json: exit %d\n%s", code, errOut)
	}
	saved := filepath.Join(t.TempDir(), "prod-cost.json")
	if err := os.WriteFile(saved, []byte(prod), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := strata(t, "cost", "--stack", "prod", "--dir", repo, "--diff", saved)
	if code != 0 || !strings.Contains(out, "No line of the bill changes.") {
		t.Errorf("prod against itself: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = strata(t, "cost", "--stack", "dev", "--dir", repo, "--diff", saved, "--json")
	var d struct {
		Changes []struct{ Delta float64 }
		Floor   [2]float64
	}
	if err := json.Unmarshal([]byte(out), &d); code != 0 || err != nil {
		t.Fatalf("dev against prod: exit %d, %v\n%s", code, err, errOut)
	}
	sum := 0.0
	for _, c := range d.Changes {
		sum += c.Delta
	}
	if len(d.Changes) == 0 || d.Floor[1] >= d.Floor[0] || sum >= 0 {
		t.Errorf("dev against prod: %d changes summing to %.2f, floor %v; want savings", len(d.Changes), sum, d.Floor)
	}
	if code, _, errOut := strata(t, "cost", "--stack", "dev", "--dir", repo, "--diff", filepath.Join(t.TempDir(), "none.json")); code != 2 || !strings.Contains(errOut, "none.json") {
		t.Errorf("a missing report: exit %d\n%s", code, errOut)
	}
}

// full is a stdout that cannot be written, as /dev/full.
type full struct{}

func (full) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestOneExitScheme: output that cannot be written is a command that could
// not run, 2, for every command and format, said once; a folder that is
// not a Go program is 2 too, naming what it is.
func TestOneExitScheme(t *testing.T) {
	for _, args := range [][]string{
		{"plan", "--stack", "dev"}, {"plan", "--stack", "dev", "--json"}, {"check", "--stack", "dev"}, {"check", "--stack", "dev", "--json"},
		{"cost", "--stack", "dev"}, {"cost", "--stack", "dev", "--json"}, {"diagram", "--stack", "dev"}, {"help"},
	} {
		var errOut bytes.Buffer
		args := append(args, "--dir", repo)
		if args[0] == "help" {
			args = args[:1]
		}
		code := run(args, full{}, &errOut)
		if code != 2 || strings.Count(errOut.String(), "no space left on device") != 1 {
			t.Errorf("strata %v with a full stdout: exit %d, stderr %q; want 2, said once", args, code, errOut.String())
		}
	}
	node := t.TempDir()
	for name, body := range map[string]string{"Pulumi.yaml": "name: web\nruntime: nodejs\n", "Pulumi.dev.yaml": "config: {}\n", "index.ts": "export {}\n"} {
		if err := os.WriteFile(filepath.Join(node, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	for name, body := range map[string]string{"Pulumi.yaml": "name: web\nruntime: go\n", "Pulumi.dev.yaml": "config: {}\n"} {
		if err := os.WriteFile(filepath.Join(empty, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for dir, want := range map[string]string{node: "is a nodejs Pulumi program (Pulumi.yaml runtime: nodejs): --program plans Go programs only", empty: "holds no Go program: no .go files"} {
		for _, c := range []string{"plan", "check", "cost", "diagram"} {
			code, _, errOut := strata(t, c, "--program", dir, "--stack", "dev")
			if code != 2 || !strings.Contains(errOut, want) {
				t.Errorf("strata %s --program %s: exit %d, %q; want 2 and %q", c, dir, code, errOut, want)
			}
		}
	}
}

// TestSuppressionsFileAgrees: the help strata prints without the engine
// names the file policy reads.
func TestSuppressionsFileAgrees(t *testing.T) {
	if cli.SuppressionsFile != policy.SuppressionsFile {
		t.Errorf("cli.SuppressionsFile = %q, policy reads %q", cli.SuppressionsFile, policy.SuppressionsFile)
	}
}

// TestRefusesAnotherBuildsStrata: run by a strata of another version, the
// engine exits 2 and plans nothing; of its own version, or unknown, it runs.
func TestRefusesAnotherBuildsStrata(t *testing.T) {
	saved := thisBuild
	thisBuild = func() string { return "v1.4.0" }
	t.Cleanup(func() { thisBuild = saved })
	t.Setenv(cli.BuildEnv, "v1.3.0")
	code, out, errOut := strata(t, "plan", "--stack", "dev", "--dir", repo)
	if code != 2 || out != "" || !strings.Contains(errOut, "strata is build v1.3.0 but its engine is build v1.4.0") {
		t.Errorf("another build: %d, %q, %q; want 2 and both builds named", code, out, errOut)
	}
	t.Setenv(cli.BuildEnv, "v1.4.0")
	if code, _, errOut := strata(t, "plan", "--stack", "dev", "--dir", repo); code != 0 {
		t.Errorf("the same build: %d, %q", code, errOut)
	}
	if _, set := os.LookupEnv(cli.BuildEnv); set {
		t.Errorf("%s is left for the programs the engine runs", cli.BuildEnv)
	}
}

// TestSavedPlansWithoutTheEngine: check, cost and diagram of a saved plan
// run in strata itself (built here), which never starts its engine: on
// the prod stack's plan, the checklist passes with fixes named by their
// stack-file keys, as the engine's own check of the stack does, the price
// is the engine's, and the diagram draws.
func TestSavedPlansWithoutTheEngine(t *testing.T) {
	dir := t.TempDir()
	front := filepath.Join(dir, "strata")
	if out, err := exec.Command("go", "build", "-o", front, "../strata").CombinedOutput(); err != nil {
		t.Fatalf("building strata: %v\n%s", err, out)
	}
	engine := filepath.Join(dir, "engine")
	if err := os.WriteFile(engine, []byte("#!/bin/sh\ntouch "+filepath.Join(dir, "started")+"\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := strata(t, "plan", "--stack", "prod", "--json", "--dir", repo)
	if code != 0 {
		t.Fatalf("plan --json = %d: %s", code, errOut)
	}
	saved := filepath.Join(dir, "prod.json")
	if err := os.WriteFile(saved, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		cmd := exec.Command(front, args...)
		cmd.Env = append(os.Environ(), "STRATA_ENGINE="+engine)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), stdout.String()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, stdout.String()
	}
	_, fromStack, _ := strata(t, "check", "--stack", "prod", "--json", "--dir", repo)
	code, fromSaved := run("check", "--plan", saved, "--json")
	var stackRep, savedRep struct {
		Production bool
		Where      map[string][]string
	}
	if err := json.Unmarshal([]byte(fromStack), &stackRep); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(fromSaved), &savedRep); err != nil || code != 0 || !savedRep.Production || len(savedRep.Where) == 0 || fmt.Sprint(savedRep.Where) != fmt.Sprint(stackRep.Where) {
		t.Errorf("strata check --plan = %d (%v), production %v, fixes at %v; the engine's check of the stack puts them at %v", code, err, savedRep.Production, savedRep.Where, stackRep.Where)
	}
	_, costOfStack, _ := strata(t, "cost", "--stack", "prod", "--dir", repo)
	if code, costOfSaved := run("cost", "--plan", saved); code != 0 || costOfSaved != costOfStack {
		t.Errorf("strata cost --plan = %d:\n%s\nthe engine's cost of the stack:\n%s", code, costOfSaved, costOfStack)
	}
	if code, mermaid := run("diagram", "--plan", saved, "--format", "mermaid"); code != 0 || !strings.Contains(mermaid, "flowchart") {
		t.Errorf("strata diagram --plan = %d:\n%s", code, mermaid)
	}
	if _, err := os.Stat(filepath.Join(dir, "started")); err == nil {
		t.Errorf("a saved plan started the engine")
	}
}
