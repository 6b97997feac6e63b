package baseline

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/internal/tags"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

const (
	account   = plan.DefaultAccountID
	trailArn  = "arn:aws:cloudtrail:us-east-1:" + account + ":trail/baseline"
	readOnly  = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	powerUser = "arn:aws:iam::aws:policy/PowerUserAccess"
	iamFull   = "arn:aws:iam::aws:policy/IAMFullAccess"
	boundary  = "arn:aws:iam::" + account + ":policy/strata-workload-boundary"
)

func run(t *testing.T, args *Args) (*plan.Plan, error) {
	t.Helper()
	return plan.Run(func(ctx *pulumi.Context) error {
		b, err := New(ctx, "baseline", args)
		if err != nil {
			return err
		}
		ctx.Export("trailArn", b.TrailARN)
		ctx.Export("bucket", b.LogBucketName)
		ctx.Export("detector", b.DetectorID)
		ctx.Export("deployRole", b.DeployRoleARN)
		return nil
	}, plan.Options{Project: "strata", Stack: "prod"})
}

func role(r DeployRole) *Args {
	if r.TrustedPrincipal == "" {
		r.TrustedPrincipal = "210987654321"
	}
	if r.ExternalID == "" {
		r.ExternalID = "ci-deploy-7f3a"
	}
	if r.ManagedPolicyARNs == nil {
		r.ManagedPolicyARNs = []string{readOnly}
	}
	return &Args{DeployRole: &r}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		args *Args
		want []string
	}{
		{name: "defaults", args: nil},
		{name: "a 1-character external ID", args: role(DeployRole{ExternalID: "x"}), want: []string{"DeployRole.ExternalID must be 2 to 1224", "got 1 characters"}},
		{name: "a 2-character external ID", args: role(DeployRole{ExternalID: "xy"})},
		{name: "a 1224-character external ID", args: role(DeployRole{ExternalID: strings.Repeat("a", 1224)})},
		{name: "a 1225-character external ID", args: role(DeployRole{ExternalID: strings.Repeat("a", 1225)}), want: []string{"got 1225 characters"}},
		{name: "an external ID with a space", args: role(DeployRole{ExternalID: "deploy me!"}), want: []string{`including ' ', '!'`}},
		{name: "an 11-digit account", args: role(DeployRole{TrustedPrincipal: "21098765432"}), want: []string{`DeployRole.TrustedPrincipal must be a 12-digit account ID or a role ARN`, `"21098765432"`}},
		{name: "a role ARN", args: role(DeployRole{TrustedPrincipal: "arn:aws:iam::210987654321:role/ci"})},
		{name: "a user ARN", args: role(DeployRole{TrustedPrincipal: "arn:aws:iam::210987654321:user/alice"}), want: []string{"DeployRole.TrustedPrincipal must be"}},
		{name: "a wildcard principal", args: role(DeployRole{TrustedPrincipal: "*"}), want: []string{"DeployRole.TrustedPrincipal must be"}},
		{name: "a 3599-second session", args: role(DeployRole{MaxSessionSeconds: 3599}), want: []string{"DeployRole.MaxSessionSeconds must be 3600 to 43200, got 3599"}},
		{name: "a 43200-second session", args: role(DeployRole{MaxSessionSeconds: 43200})},
		{name: "a 43201-second session", args: role(DeployRole{MaxSessionSeconds: 43201}), want: []string{"got 43201"}},
		{name: "an organization", args: role(DeployRole{OrgID: "o-a1b2c3d4e5"})},
		{name: "a malformed organization", args: role(DeployRole{OrgID: "org-1"}), want: []string{`DeployRole.OrgID must be an organization ID`}},
		{name: "no policy", args: role(DeployRole{ManagedPolicyARNs: []string{}}), want: []string{"DeployRole.ManagedPolicyARNs must list 1 to 10 managed policies", "got 0"}},
		{name: "eleven policies", args: role(DeployRole{ManagedPolicyARNs: slices.Repeat([]string{readOnly}, 11)}), want: []string{"got 11"}},
		{name: "a policy that is no ARN", args: role(DeployRole{ManagedPolicyARNs: []string{"ReadOnlyAccess"}}), want: []string{`DeployRole.ManagedPolicyARNs[0] must be a managed policy ARN`}},
		{name: "AdministratorAccess by accident", args: role(DeployRole{ManagedPolicyARNs: []string{AdministratorAccess}}), want: []string{"ManagedPolicyARNs[0] is AdministratorAccess", "AllowAdministratorAccess"}},
		{name: "AdministratorAccess on purpose", args: role(DeployRole{ManagedPolicyARNs: []string{AdministratorAccess}, AllowAdministratorAccess: true})},
		{name: "IAMFullAccess by accident", args: role(DeployRole{ManagedPolicyARNs: []string{iamFull}}),
			want: []string{"ManagedPolicyARNs[0] is IAMFullAccess", "attach AdministratorAccess to itself", "AllowAdministratorAccess"}},
		{name: "PowerUserAccess and IAMFullAccess", args: role(DeployRole{ManagedPolicyARNs: []string{powerUser, iamFull}}),
			want: []string{"ManagedPolicyARNs[1] is IAMFullAccess", "make itself administrator"}},
		{name: "PowerUserAccess alone", args: role(DeployRole{ManagedPolicyARNs: []string{powerUser}})},
		{name: "ten policies and the role-management policy", args: &Args{PermissionsBoundaryARN: boundary,
			DeployRole: role(DeployRole{ManagedPolicyARNs: slices.Repeat([]string{readOnly}, 10)}).DeployRole},
			want: []string{"DeployRole.ManagedPolicyARNs must list 1 to 9 managed policies", "got 10"}},
		{name: "a boundary that is no ARN", args: &Args{PermissionsBoundaryARN: "strata-boundary"}, want: []string{`PermissionsBoundaryARN must be a managed policy ARN`, `"strata-boundary"`}},
		{name: "a deploy role boundary that is no ARN", args: role(DeployRole{PermissionsBoundaryARN: "arn:aws:iam::1:policy/x"}), want: []string{`DeployRole.PermissionsBoundaryARN must be a managed policy ARN`}},
		{name: "a role name of 65 characters", args: role(DeployRole{RoleName: strings.Repeat("r", 65)}), want: []string{"DeployRole.RoleName must be 1 to 64"}},
		{name: "no trusted principal", args: &Args{DeployRole: &DeployRole{ExternalID: "abc", ManagedPolicyARNs: []string{readOnly}}}, want: []string{"DeployRole.TrustedPrincipal is required"}},
		{name: "log retention 366", args: &Args{TrailLogRetentionDays: 366}, want: []string{"TrailLogRetentionDays must be one of", "got 366"}},
		{name: "trail retention 179", args: &Args{TrailRetentionDays: 179}, want: []string{"TrailRetentionDays must be 180 to 3653, got 179"}},
		{name: "trail retention 180", args: &Args{TrailRetentionDays: 180}},
		{name: "trail retention 3653", args: &Args{TrailRetentionDays: 3653}},
		{name: "trail retention 3654", args: &Args{TrailRetentionDays: 3654}, want: []string{"got 3654"}},
		{name: "a finding frequency", args: &Args{FindingFrequency: "HOURLY"}, want: []string{"FindingFrequency must be", `"HOURLY"`}},
		{name: "a mistyped rule", args: &Args{ConfigRules: []string{"VPC_FLOW_LOG_ENABLED"}}, want: []string{`ConfigRules[0] "VPC_FLOW_LOG_ENABLED" is not an AWS managed rule strata knows: did you mean "VPC_FLOW_LOGS_ENABLED"?`}},
		{name: "a repeated rule", args: &Args{ConfigRules: []string{"RDS_STORAGE_ENCRYPTED", "RDS_STORAGE_ENCRYPTED"}}, want: []string{`ConfigRules[1] "RDS_STORAGE_ENCRYPTED" repeats ConfigRules[0]`}},
		{name: "a delivery frequency", args: &Args{ConfigDeliveryFrequency: "Daily"}, want: []string{"ConfigDeliveryFrequency must be"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := run(t, tt.args)
			if tt.want != nil {
				tt.want = append(tt.want, `baseline "baseline"`)
			}
			plantest.ExpectProblems(t, p, err, tt.want...)
			if err != nil && strings.Contains(err.Error(), "deploy me!") {
				t.Errorf("the error prints the external ID: %v", err)
			}
		})
	}
}

func TestSecureByDefault(t *testing.T) {
	p, err := run(t, role(DeployRole{OrgID: "o-a1b2c3d4e5"}))
	if err != nil {
		t.Fatal(err)
	}
	bucket := plantest.Find(t, p, "aws:s3/bucketV2:BucketV2", "baseline-logs")
	key := plantest.Find(t, p, "aws:kms/key:Key", "baseline-logs")
	trail := plantest.One(t, p, "aws:cloudtrail/trail:Trail")
	for path, want := range map[string]any{
		"name": "baseline", "isMultiRegionTrail": true, "includeGlobalServiceEvents": true, "enableLogFileValidation": true,
		"enableLogging": true, "s3BucketName": bucket.ID, "eventSelectors.0.readWriteType": "All",
		"eventSelectors.0.includeManagementEvents": true,
	} {
		if got, _ := trail.Input(path); got != want {
			t.Errorf("trail %s = %v, want %v", path, got, want)
		}
	}
	if got, _ := trail.Inputs["kmsKeyId"].(string); !strings.HasSuffix(got, ":key/"+key.ID) {
		t.Errorf("trail key = %v, want the log bucket's key", got)
	}
	if got, _ := trail.Inputs["cloudWatchLogsGroupArn"].(string); !strings.HasSuffix(got, ":*") || !strings.Contains(got, ":log-group:baseline-trail-") {
		t.Errorf("trail log group = %q, want the trail's group with :*", got)
	}
	// The trail waits for the bucket policy that lets it deliver (through
	// the bucket's name), or its creation fails.
	policy := plantest.Find(t, p, "aws:s3/bucketPolicy:BucketPolicy", "baseline-logs")
	channel := plantest.One(t, p, "aws:cfg/deliveryChannel:DeliveryChannel")
	for _, r := range []*plan.Resource{trail, channel} {
		if !slices.Contains(r.Dependencies, policy.URN) {
			t.Errorf("%s does not wait for the bucket policy: %v", r.Type, r.Dependencies)
		}
	}
	if p.Outputs["trailArn"] != trailArn {
		t.Errorf("trail ARN = %v, want %s", p.Outputs["trailArn"], trailArn)
	}
	bp := plantest.ParsePolicy(t, plantest.Find(t, p, "aws:s3/bucketPolicy:BucketPolicy", "baseline-logs").Inputs["policy"])
	found := false
	for _, st := range bp.Statement {
		if st.Principal["Service"] == "cloudtrail.amazonaws.com" {
			found = true
			if st.Condition["ArnLike"]["aws:SourceArn"] != trailArn {
				t.Errorf("bucket policy %s SourceArn = %v, want the trail", st.Sid, st.Condition["ArnLike"])
			}
		}
	}
	if !found {
		t.Error("the bucket policy does not let CloudTrail deliver")
	}

	det := plantest.One(t, p, "aws:guardduty/detector:Detector")
	if det.Inputs["enable"] != true || det.Inputs["findingPublishingFrequency"] != "FIFTEEN_MINUTES" {
		t.Errorf("detector = %v", det.Inputs)
	}
	features := map[string]*plan.Resource{}
	for _, f := range p.ByType("aws:guardduty/detectorFeature:DetectorFeature") {
		features[f.Inputs["name"].(string)] = f
		if f.Inputs["status"] != "ENABLED" || f.Inputs["detectorId"] != det.ID {
			t.Errorf("feature %v = %v", f.Inputs["name"], f.Inputs)
		}
	}
	for _, want := range []string{"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"} {
		if features[want] == nil {
			t.Errorf("GuardDuty feature %s is missing", want)
		}
	}
	if rm := features["RUNTIME_MONITORING"]; rm != nil {
		if got, _ := rm.Input("additionalConfigurations.0.name"); got != "ECS_FARGATE_AGENT_MANAGEMENT" {
			t.Errorf("runtime monitoring config = %v, want ECS Fargate agent management", rm.Inputs["additionalConfigurations"])
		}
	}

	rec := plantest.One(t, p, "aws:cfg/recorder:Recorder")
	if got, _ := rec.Input("recordingGroup.allSupported"); got != true {
		t.Errorf("recorder allSupported = %v", got)
	}
	if got, _ := rec.Input("recordingGroup.includeGlobalResourceTypes"); got != true {
		t.Errorf("recorder includeGlobalResourceTypes = %v", got)
	}
	ch := plantest.One(t, p, "aws:cfg/deliveryChannel:DeliveryChannel")
	if ch.Inputs["s3BucketName"] != bucket.ID || !strings.HasSuffix(ch.Inputs["s3KmsKeyArn"].(string), key.ID) {
		t.Errorf("delivery channel = %v", ch.Inputs)
	}
	if plantest.One(t, p, "aws:cfg/recorderStatus:RecorderStatus").Inputs["isEnabled"] != true {
		t.Error("the recorder is not enabled")
	}
	var rules []string
	for _, r := range p.ByType("aws:cfg/rule:Rule") {
		id, _ := r.Input("source.sourceIdentifier")
		rules = append(rules, id.(string))
	}
	slices.Sort(rules)
	want := DefaultConfigRules()
	slices.Sort(want)
	if !slices.Equal(rules, want) {
		t.Errorf("Config rules = %v, want %v", rules, want)
	}
	var attached []string
	for _, att := range p.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		attached = append(attached, att.Inputs["policyArn"].(string))
	}
	if !slices.Contains(attached, "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole") {
		t.Errorf("attached policies = %v, want AWS's AWS_ConfigRole", attached)
	}

	pab := plantest.One(t, p, "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock")
	for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if pab.Inputs[f] != true {
			t.Errorf("account public access block %s = %v", f, pab.Inputs[f])
		}
	}
	if plantest.One(t, p, "aws:ebs/encryptionByDefault:EncryptionByDefault").Inputs["enabled"] != true {
		t.Error("EBS encryption by default is off")
	}
	if plantest.One(t, p, "aws:accessanalyzer/analyzer:Analyzer").Inputs["type"] != "ACCOUNT" {
		t.Error("the access analyzer is not an account analyzer")
	}

	// The deploy role: a named principal, the external ID required, one hour.
	dr := plantest.Find(t, p, "aws:iam/role:Role", "baseline-deploy")
	secret, ok := dr.Inputs["assumeRolePolicy"].(plan.Secret)
	if !ok {
		t.Fatalf("deploy role trust = %#v, want a secret (it holds the external ID)", dr.Inputs["assumeRolePolicy"])
	}
	st := plantest.StatementAt(t, secret.Reveal(), 0)
	if st.Principal["AWS"] != "arn:aws:iam::210987654321:root" || st.Condition["StringEquals"]["sts:ExternalId"] != "ci-deploy-7f3a" ||
		st.Condition["StringEquals"]["aws:PrincipalOrgID"] != "o-a1b2c3d4e5" || !slices.Equal(st.Action, []string{"sts:AssumeRole"}) {
		t.Errorf("deploy trust = %+v", st)
	}
	if dr.Inputs["maxSessionDuration"] != 3600.0 || dr.Inputs["name"] != "CrossAccountDeployRole" {
		t.Errorf("deploy role = %v", dr.Inputs)
	}
	if _, warned := dr.Input("tags." + tags.Warning); warned {
		t.Error("a read-only deploy role carries a warning")
	}

	// No policy the baseline writes grants a wildcard action (denies may:
	// the bucket denies s3:* without TLS), except the account root's kms:*
	// in key policies, which keeps keys manageable.
	for _, r := range p.Resources {
		for _, field := range []string{"policy", "assumeRolePolicy"} {
			v, ok := r.Inputs[field]
			if !ok {
				continue
			}
			if s, ok := v.(plan.Secret); ok {
				v = s.Reveal()
			}
			for _, st := range plantest.ParsePolicy(t, v).Statement {
				for _, a := range st.Action {
					root, _ := st.Principal["AWS"].(string)
					if st.Effect == "Allow" && (a == "*" || strings.HasSuffix(a, ":*")) && !(r.Type == "aws:kms/key:Key" && a == "kms:*" && strings.HasSuffix(root, ":root")) {
						t.Errorf("%s %q grants %s", r.Type, r.Name, a)
					}
				}
				for p := range st.Principal {
					if st.Principal[p] == "*" && st.Effect == "Allow" {
						t.Errorf("%s %q allows principal *", r.Type, r.Name)
					}
				}
			}
		}
	}
}

func TestAdministratorAccessOnPurpose(t *testing.T) {
	p, err := run(t, role(DeployRole{ManagedPolicyARNs: []string{AdministratorAccess}, AllowAdministratorAccess: true}))
	if err != nil {
		t.Fatal(err)
	}
	dr := plantest.Find(t, p, "aws:iam/role:Role", "baseline-deploy")
	if got, _ := dr.Input("tags." + tags.Warning); got == nil || !strings.Contains(got.(string), "AdministratorAccess") {
		t.Errorf("deploy role tags = %v, want an AdministratorAccess warning", dr.Inputs["tags"])
	}
}

func TestPartsSwitchOff(t *testing.T) {
	p, err := run(t, &Args{DisableCloudTrail: true, DisableConfig: true, DisableGuardDuty: true,
		DisableS3PublicAccessBlock: true, DisableEBSEncryption: true, DisableAccessAnalyzer: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Registered()) != 1 {
		var seen []string
		for _, r := range p.Registered() {
			seen = append(seen, r.Type)
		}
		t.Errorf("everything off still registered %v, want only the component", seen)
	}
	p, err = run(t, &Args{DisableCloudTrail: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.ByType("aws:cloudtrail/trail:Trail")); n != 0 {
		t.Errorf("DisableCloudTrail still made %d trails", n)
	}
	bp := plantest.ParsePolicy(t, plantest.One(t, p, "aws:s3/bucketPolicy:BucketPolicy").Inputs["policy"])
	for _, st := range bp.Statement {
		if st.Principal["Service"] == "cloudtrail.amazonaws.com" {
			t.Errorf("without a trail the bucket still admits CloudTrail: %+v", st)
		}
	}
}

func TestAdminEquivalentOnPurposeIsNamed(t *testing.T) {
	p, err := run(t, role(DeployRole{ManagedPolicyARNs: []string{powerUser, iamFull}, AllowAdministratorAccess: true}))
	if err != nil {
		t.Fatal(err)
	}
	dr := plantest.Find(t, p, "aws:iam/role:Role", "baseline-deploy")
	if got, _ := dr.Input("tags." + tags.Warning); got == nil || !strings.Contains(got.(string), "IAMFullAccess") {
		t.Errorf("deploy role tags = %v, want a warning naming IAMFullAccess", dr.Inputs["tags"])
	}
}

// TestPermissionsBoundaries: the service roles carry the workload boundary,
// the deploy role its own, and the deploy role may create and grant roles
// only under the workload boundary, as IAM evaluates its policy.
func TestPermissionsBoundaries(t *testing.T) {
	own := "arn:aws:iam::" + account + ":policy/deployer-ceiling"
	args := role(DeployRole{ManagedPolicyARNs: []string{powerUser}, PermissionsBoundaryARN: own})
	args.PermissionsBoundaryARN = boundary
	p, err := run(t, args)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"baseline-trail": boundary, "baseline-config": boundary, "baseline-deploy": own} {
		if got := plantest.Find(t, p, "aws:iam/role:Role", name).Inputs["permissionsBoundary"]; got != want {
			t.Errorf("role %s boundary = %v, want %s", name, got, want)
		}
	}
	manage := plantest.Find(t, p, "aws:iam/policy:Policy", "baseline-deploy-roles")
	attached := false
	for _, att := range p.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		attached = attached || (att.Inputs["policyArn"] == manage.Outputs["arn"] && att.Inputs["role"] == "CrossAccountDeployRole")
	}
	if !attached {
		t.Error("the role-management policy is not attached to the deploy role")
	}
	doc, err := iampolicy.Parse(manage.Inputs["policy"].(string))
	if err != nil {
		t.Fatal(err)
	}
	const caller = "AWS:arn:aws:iam::" + account + ":role/CrossAccountDeployRole"
	newRole := "arn:aws:iam::" + account + ":role/web-task-1a2b3c4"
	withBoundary := map[string][]string{"iam:PermissionsBoundary": {boundary}}
	tests := []struct {
		name     string
		action   string
		resource string
		ctx      map[string][]string
		want     iampolicy.Decision
	}{
		{"creating a role under the boundary", "iam:CreateRole", newRole, withBoundary, iampolicy.Allowed},
		{"creating a role without a boundary", "iam:CreateRole", newRole, nil, iampolicy.ImplicitDeny},
		{"creating a role under another boundary", "iam:CreateRole", newRole, map[string][]string{"iam:PermissionsBoundary": {own}}, iampolicy.ImplicitDeny},
		{"attaching a policy to a bounded role", "iam:AttachRolePolicy", newRole, withBoundary, iampolicy.Allowed},
		{"attaching a policy to an unbounded role", "iam:AttachRolePolicy", newRole, nil, iampolicy.ImplicitDeny},
		{"writing an inline policy on an unbounded role", "iam:PutRolePolicy", newRole, nil, iampolicy.ImplicitDeny},
		{"removing a boundary", "iam:DeleteRolePermissionsBoundary", newRole, withBoundary, iampolicy.Denied},
		{"changing a trust policy", "iam:UpdateAssumeRolePolicy", newRole, nil, iampolicy.ImplicitDeny},
		{"passing a role to Lambda", "iam:PassRole", newRole, map[string][]string{"iam:PassedToService": {"lambda.amazonaws.com"}}, iampolicy.Allowed},
		{"passing a role to EC2", "iam:PassRole", newRole, map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}, iampolicy.ImplicitDeny},
		{"granting itself more", "iam:AttachRolePolicy", "arn:aws:iam::" + account + ":role/CrossAccountDeployRole", withBoundary, iampolicy.Denied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, by, err := doc.Evaluate(iampolicy.Request{Principal: caller, Action: tt.action, Resource: tt.resource, Context: tt.ctx})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s on %s with %v = %s (by %s), want %s", tt.action, tt.resource, tt.ctx, got, by, tt.want)
			}
		})
	}
	for _, st := range doc.Statement {
		if how := st.Escalation(); how != "" {
			t.Errorf("the role-management policy escalates: statement %q %s", st.Sid, how)
		}
	}
}
