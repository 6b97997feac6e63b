package securebucket

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

// run plans one SecureBucket named "data" and exports its outputs and
// grant policies.
func run(t *testing.T, args *Args) (*plan.Plan, error) {
	t.Helper()
	return plan.Run(func(ctx *pulumi.Context) error {
		prov, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		b, err := New(ctx, "data", args, pulumi.Provider(prov))
		if err != nil {
			return err
		}
		ctx.Export("bucketName", b.BucketName)
		ctx.Export("bucketArn", b.BucketARN)
		ctx.Export("keyArn", b.KeyARN)
		for _, a := range []Access{Read, Write, ReadWrite} {
			ctx.Export(a.String(), b.Policy(a))
		}
		return nil
	}, plan.Options{})
}

func rule(id string, ts ...Transition) LifecycleRule {
	return LifecycleRule{ID: id, Transitions: ts}
}

func TestValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name string
		args Args
		want []string // nil: valid
	}{
		{name: "zero args", args: Args{}},
		{name: "an explicit name", args: Args{Name: "orders-archive-2026"}},
		{name: "three characters", args: Args{Name: "abc"}},
		{name: "two characters", args: Args{Name: "ab"}, want: []string{"Name must be 3 to 63 characters, got 2"}},
		{name: "63 characters", args: Args{Name: long(63)}},
		{name: "64 characters", args: Args{Name: long(64)}, want: []string{"Name must be 3 to 63 characters, got 64"}},
		{name: "upper case", args: Args{Name: "Orders"}, want: []string{"Name must be lower-case", `"Orders"`}},
		{name: "a trailing hyphen", args: Args{Name: "orders-"}, want: []string{"starting and ending with a letter or digit"}},
		{name: "adjacent dots", args: Args{Name: "my..bucket"}, want: []string{"two adjacent dots"}},
		{name: "a dot", args: Args{Name: "my.bucket"}, want: []string{"must not contain dots"}},
		{name: "shaped like an IP", args: Args{Name: "192.168.5.4"}, want: []string{"IP address"}},
		{name: "xn-- prefix", args: Args{Name: "xn--bucket"}, want: []string{`reserved prefix "xn--"`}},
		{name: "sthree- prefix", args: Args{Name: "sthree-bucket"}, want: []string{`reserved prefix "sthree-"`}},
		{name: "amzn-s3-demo- prefix", args: Args{Name: "amzn-s3-demo-bucket"}, want: []string{`reserved prefix "amzn-s3-demo-"`}},
		{name: "-s3alias suffix", args: Args{Name: "bucket-s3alias"}, want: []string{`reserved suffix "-s3alias"`}},
		{name: "--ol-s3 suffix", args: Args{Name: "bucket--ol-s3"}, want: []string{`reserved suffix "--ol-s3"`}},
		{name: "--x-s3 suffix", args: Args{Name: "bucket--x-s3"}, want: []string{`reserved suffix "--x-s3"`}},
		{name: "an upper-case purpose", args: Args{Purpose: "Data"}, want: []string{"Purpose must be lower-case", `"Data"`}},
		// project (7) + purpose + 12-digit account + 2 hyphens = 63 at most.
		{name: "the longest purpose", args: Args{Purpose: long(42)}},
		{name: "a purpose one too long", args: Args{Purpose: long(43)}, want: []string{"generated name must be 3 to 63 characters, got 64", "shorten Purpose or set Name"}},
		{name: "Standard-IA at 30 days", args: Args{LifecycleRules: []LifecycleRule{rule("r", Transition{30, StandardIA})}}},
		{name: "Standard-IA at 10 days", args: Args{LifecycleRules: []LifecycleRule{rule("r", Transition{10, StandardIA})}},
			want: []string{"LifecycleRules[0].Transitions[0].Days must be at least 30 for STANDARD_IA, got 10"}},
		{name: "One Zone-IA at 29 days", args: Args{LifecycleRules: []LifecycleRule{rule("r", Transition{29, OneZoneIA})}},
			want: []string{"at least 30 for ONEZONE_IA, got 29"}},
		{name: "Glacier at 0 days", args: Args{LifecycleRules: []LifecycleRule{rule("r", Transition{0, Glacier})}}},
		{name: "Glacier 30 days after IA", args: Args{LifecycleRules: []LifecycleRule{rule("r", Transition{30, StandardIA}, Transition{60, Glacier})}}},
		{name: "Glacier 29 days after IA", args: Args{LifecycleRules: []LifecycleRule{rule("r", Transition{30, StandardIA}, Transition{59, Glacier})}},
			want: []string{"Transitions[1].Days must be at least 30 days after the IA transition at 30 days, got 59"}},
		{name: "transitions out of order", args: Args{LifecycleRules: []LifecycleRule{rule("r", Transition{180, Glacier}, Transition{90, DeepArchive})}},
			want: []string{"Transitions[1].Days must be later than the transition before it (180 days), got 90"}},
		{name: "an unknown storage class", args: Args{LifecycleRules: []LifecycleRule{rule("r", Transition{90, "GLACIER_DEEP"})}},
			want: []string{"StorageClass must be one of", `"GLACIER_DEEP"`}},
		{name: "expiration at the last transition", args: Args{LifecycleRules: []LifecycleRule{{ID: "r", Transitions: []Transition{{90, StandardIA}}, ExpirationDays: 90}}},
			want: []string{"LifecycleRules[0].ExpirationDays must come after every transition (the last at 90 days), got 90"}},
		{name: "expiration a day later", args: Args{LifecycleRules: []LifecycleRule{{ID: "r", Transitions: []Transition{{90, StandardIA}}, ExpirationDays: 91}}}},
		{name: "a noncurrent IA transition at 10 days", args: Args{LifecycleRules: []LifecycleRule{{ID: "r", NoncurrentTransitions: []Transition{{10, StandardIA}}}}},
			want: []string{"NoncurrentTransitions[0].Days must be at least 30 for STANDARD_IA, got 10"}},
		{name: "noncurrent expiration before its transition", args: Args{LifecycleRules: []LifecycleRule{{ID: "r", NoncurrentTransitions: []Transition{{30, Glacier}}, NoncurrentExpirationDays: 20}}},
			want: []string{"NoncurrentExpirationDays must come after every transition"}},
		{name: "repeated rule IDs", args: Args{LifecycleRules: []LifecycleRule{rule("r", Transition{90, Glacier}), rule("r", Transition{90, Glacier})}},
			want: []string{`LifecycleRules[1].ID "r" repeats LifecycleRules[0].ID`}},
		{name: "an empty rule ID", args: Args{LifecycleRules: []LifecycleRule{rule("", Transition{90, Glacier})}}, want: []string{"LifecycleRules[0].ID must be set"}},
		{name: "a 255-character rule ID", args: Args{LifecycleRules: []LifecycleRule{rule(long(255), Transition{90, Glacier})}}},
		{name: "a 256-character rule ID", args: Args{LifecycleRules: []LifecycleRule{rule(long(256), Transition{90, Glacier})}}, want: []string{"at most 255 characters, got 256"}},
		{name: "the multipart rule's ID", args: Args{LifecycleRules: []LifecycleRule{rule(abortRuleID, Transition{90, Glacier})}}, want: []string{"always-on multipart rule"}},
		{name: "a rule that does nothing", args: Args{LifecycleRules: []LifecycleRule{{ID: "r"}}}, want: []string{"LifecycleRules[0] does nothing"}},
		{name: "negative expiration", args: Args{LifecycleRules: []LifecycleRule{{ID: "r", ExpirationDays: -1, NoncurrentExpirationDays: 1}}}, want: []string{"ExpirationDays must not be negative, got -1"}},
		{name: "1000 rules", args: Args{LifecycleRules: manyRules(1000)}},
		{name: "1001 rules", args: Args{LifecycleRules: manyRules(1001)}, want: []string{"at most 1000 rules, got 1001"}},
		{name: "keep forever", args: Args{KeepForever: true}},
		{name: "keep forever with rules", args: Args{KeepForever: true, LifecycleRules: DefaultLifecycleRules()}, want: []string{"KeepForever", "LifecycleRules has 1"}},
		{name: "a day to abort uploads", args: Args{AbortIncompleteMultipartUploadDays: 1}},
		{name: "negative days to abort uploads", args: Args{AbortIncompleteMultipartUploadDays: -1}, want: []string{"AbortIncompleteMultipartUploadDays must be at least 1, got -1"}},
		{name: "a CloudTrail delivery without its trail", args: Args{LogDeliveries: []LogDelivery{{Service: CloudTrail}}}, want: []string{"LogDeliveries[0].SourceARN is required for CloudTrail"}},
		{name: "an unknown delivering service", args: Args{LogDeliveries: []LogDelivery{{Service: "logs.amazonaws.com"}}}, want: []string{`LogDeliveries[0].Service must be`, `"logs.amazonaws.com"`}},
		{name: "a source that is no ARN", args: Args{LogDeliveries: []LogDelivery{{Service: Config, SourceARN: "my-recorder"}}}, want: []string{`LogDeliveries[0].SourceARN must be an ARN`}},
		{name: "a log bucket with spaces", args: Args{AccessLogBucket: pulumi.String("my log bucket")}, want: []string{`AccessLogBucket "my log bucket" is not a bucket name: it must be lower-case letters`}},
		{name: "an empty log bucket", args: Args{AccessLogBucket: pulumi.String("")}, want: []string{`AccessLogBucket "" is not a bucket name: it must be 3 to 63 characters, got 0`}},
		{name: "a dotted log bucket made elsewhere", args: Args{AccessLogBucket: pulumi.String("logs.example.com")}},
		{name: "a 2,000-character log prefix", args: Args{AccessLogBucket: pulumi.String("my-logs"), AccessLogPrefix: strings.Repeat("p", 2000)},
			want: []string{"AccessLogPrefix must be at most 512 characters (object keys are at most 1,024 with the log's own name), got 2000"}},
		{name: "a log prefix without a log bucket", args: Args{AccessLogPrefix: "logs/"}, want: []string{`AccessLogPrefix "logs/" is set but AccessLogBucket is not`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := run(t, &tt.args)
			if tt.want != nil {
				tt.want = append(tt.want, `securebucket "data"`)
			}
			plantest.ExpectProblems(t, p, err, tt.want...)
		})
	}
}

func manyRules(n int) []LifecycleRule {
	rules := make([]LifecycleRule, n)
	for i := range rules {
		rules[i] = rule(fmt.Sprintf("r%d", i), Transition{90, Glacier})
	}
	return rules
}

func TestSecureByDefault(t *testing.T) {
	p, err := run(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	comp := plantest.Find(t, p, Type, "data")
	for _, r := range p.Registered() {
		if r.Type != "pulumi:providers:aws" && r != comp && r.Parent != comp.URN {
			t.Errorf("%s %q is not a child of the bucket component", r.Type, r.Name)
		}
	}
	bucketArn, keyArn := p.Outputs["bucketArn"].(string), p.Outputs["keyArn"].(string)

	bucket := plantest.Find(t, p, "aws:s3/bucketV2:BucketV2", "data")
	if got := bucket.Inputs["bucket"]; got != "project-data-"+plan.DefaultAccountID {
		t.Errorf("bucket name = %v, want project-data-<account>", got)
	}
	if got := bucket.Inputs["forceDestroy"]; got != false {
		t.Errorf("forceDestroy = %v, want false", got)
	}
	if got, _ := plantest.Find(t, p, "aws:s3/bucketVersioningV2:BucketVersioningV2", "data").Input("versioningConfiguration.status"); got != "Enabled" {
		t.Errorf("versioning = %v, want Enabled", got)
	}

	sse := plantest.Find(t, p, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "data")
	for path, want := range map[string]any{
		"rules.0.applyServerSideEncryptionByDefault.sseAlgorithm":   "aws:kms",
		"rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId": keyArn,
		"rules.0.bucketKeyEnabled":                                  true,
	} {
		if got, _ := sse.Input(path); got != want {
			t.Errorf("encryption %s = %v, want %v", path, got, want)
		}
	}

	pab := plantest.Find(t, p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data")
	for _, flag := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if pab.Inputs[flag] != true {
			t.Errorf("public access block %s = %v, want true", flag, pab.Inputs[flag])
		}
	}
	if got, _ := plantest.Find(t, p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "data").Input("rule.objectOwnership"); got != "BucketOwnerEnforced" {
		t.Errorf("object ownership = %v, want BucketOwnerEnforced", got)
	}

	lc := plantest.Find(t, p, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "data")
	for path, want := range map[string]any{
		"rules.0.id": abortRuleID,
		"rules.0.abortIncompleteMultipartUpload.daysAfterInitiation": 7.0,
		"rules.1.transitions.0.days":                                 90.0,
		"rules.1.transitions.0.storageClass":                         "STANDARD_IA",
		"rules.1.transitions.1.days":                                 180.0,
		"rules.1.transitions.1.storageClass":                         "GLACIER",
		"rules.1.expiration.days":                                    365.0,
		"rules.1.noncurrentVersionExpiration.noncurrentDays":         30.0,
		"rules.1.status":                                             "Enabled",
	} {
		if got, _ := lc.Input(path); got != want {
			t.Errorf("lifecycle %s = %v, want %v", path, got, want)
		}
	}

	// The bucket policy only denies: no TLS, TLS below 1.2, other encryption.
	pol := plantest.ParsePolicy(t, plantest.Find(t, p, "aws:s3/bucketPolicy:BucketPolicy", "data").Inputs["policy"])
	bySid := map[string]int{}
	for i, s := range pol.Statement {
		bySid[s.Sid] = i
		if s.Effect != "Deny" {
			t.Errorf("bucket policy statement %s is %s, want only denies", s.Sid, s.Effect)
		}
	}
	tls := pol.Statement[bySid["DenyInsecureTransport"]]
	if tls.Condition["Bool"]["aws:SecureTransport"] != "false" || !slices.Equal(tls.Resource, []string{bucketArn, bucketArn + "/*"}) || tls.Action[0] != "s3:*" {
		t.Errorf("DenyInsecureTransport = %+v, want s3:* on the bucket and its objects without TLS", tls)
	}
	if got := pol.Statement[bySid["DenyOutdatedTLS"]].Condition["NumericLessThan"]["s3:TlsVersion"]; got != "1.2" {
		t.Errorf("DenyOutdatedTLS s3:TlsVersion = %q, want 1.2", got)
	}
	for _, sid := range []string{"DenyOtherEncryption", "DenyOtherKeys", "DenyKMSWithoutKey", "DenyCustomerKeys"} {
		if _, ok := bySid[sid]; !ok {
			t.Errorf("the bucket policy has no %s statement", sid)
		}
	}

	// The key: rotated, a 30-day window, a policy naming only the root.
	key := plantest.One(t, p, "aws:kms/key:Key")
	for k, want := range map[string]any{"enableKeyRotation": true, "deletionWindowInDays": 30.0, "customerMasterKeySpec": "SYMMETRIC_DEFAULT"} {
		if key.Inputs[k] != want {
			t.Errorf("key %s = %v, want %v", k, key.Inputs[k], want)
		}
	}
	kp := plantest.ParsePolicy(t, key.Inputs["policy"])
	if len(kp.Statement) != 1 || kp.Statement[0].Principal["AWS"] != "arn:aws:iam::"+plan.DefaultAccountID+":root" {
		t.Errorf("key policy = %+v, want the account root only", kp)
	}
	if got := plantest.One(t, p, "aws:kms/alias:Alias").Inputs["namePrefix"]; got != "alias/data-" {
		t.Errorf("alias prefix = %v, want alias/data-", got)
	}
	if len(p.ByType("aws:s3/bucketLoggingV2:BucketLoggingV2")) != 0 {
		t.Error("access logging is on without a log bucket")
	}
}

func TestGrants(t *testing.T) {
	p, err := run(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	bucketArn, keyArn := p.Outputs["bucketArn"].(string), p.Outputs["keyArn"].(string)
	tests := []struct {
		access      Access
		list        bool
		has, hasNot []string
	}{
		{Read, true, []string{"s3:GetObject"}, []string{"s3:PutObject", "s3:DeleteObject", "kms:GenerateDataKey"}},
		{Write, false, []string{"s3:PutObject", "kms:GenerateDataKey"}, []string{"s3:GetObject", "s3:DeleteObject", "s3:ListBucket"}},
		{ReadWrite, true, []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "kms:Decrypt"}, nil},
	}
	for _, tt := range tests {
		pol := plantest.ParsePolicy(t, p.Outputs[tt.access.String()])
		var actions []string
		for _, s := range pol.Statement {
			actions = append(actions, s.Action...)
			for _, a := range s.Action {
				var want string
				switch {
				case a == "s3:ListBucket":
					want = bucketArn
				case strings.HasPrefix(a, "s3:"):
					want = bucketArn + "/*"
				case strings.HasPrefix(a, "kms:"):
					want = keyArn
					if s.Condition["StringEquals"]["kms:ViaService"] != "s3.us-east-1.amazonaws.com" {
						t.Errorf("%s grant: %s is not limited to use through S3", tt.access, a)
					}
				}
				if !slices.Equal(s.Resource, []string{want}) {
					t.Errorf("%s grant: %s on %v, want %s", tt.access, a, s.Resource, want)
				}
			}
		}
		if slices.Contains(actions, "s3:ListBucket") != tt.list {
			t.Errorf("%s grant lists the bucket = %v, want %v", tt.access, !tt.list, tt.list)
		}
		for _, a := range tt.has {
			if !slices.Contains(actions, a) {
				t.Errorf("%s grant lacks %s: %v", tt.access, a, actions)
			}
		}
		for _, a := range tt.hasNot {
			if slices.Contains(actions, a) {
				t.Errorf("%s grant has %s: %v", tt.access, a, actions)
			}
		}
	}
}

func TestKnobs(t *testing.T) {
	p, err := plan.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "logs", &Args{
			Name: "acme-audit-logs", KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/given"),
			KeepForever: true, AbortIncompleteMultipartUploadDays: 3,
			AccessLogBucket: pulumi.String("acme-access-logs"), ForceDestroy: true,
		})
		return err
	}, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.ByType("aws:kms/key:Key")); n != 0 {
		t.Errorf("a given key still created %d keys", n)
	}
	if got, _ := plantest.One(t, p, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2").Input("rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"); got != "arn:aws:kms:us-east-1:123456789012:key/given" {
		t.Errorf("encryption key = %v, want the given one", got)
	}
	bucket := plantest.One(t, p, "aws:s3/bucketV2:BucketV2")
	if bucket.Inputs["bucket"] != "acme-audit-logs" || bucket.Inputs["forceDestroy"] != true {
		t.Errorf("bucket inputs = %v", bucket.Inputs)
	}
	rules, _ := plantest.One(t, p, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2").Input("rules")
	if len(rules.([]any)) != 1 {
		t.Errorf("KeepForever rules = %v, want only the multipart rule", rules)
	}
	logging := plantest.One(t, p, "aws:s3/bucketLoggingV2:BucketLoggingV2")
	if logging.Inputs["targetBucket"] != "acme-access-logs" || logging.Inputs["targetPrefix"] != "acme-audit-logs/" {
		t.Errorf("logging = %v", logging.Inputs)
	}
}

func TestLogDeliveries(t *testing.T) {
	const trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"
	p, err := run(t, &Args{LogDeliveries: []LogDelivery{{Service: CloudTrail, SourceARN: trail}, {Service: Config}}})
	if err != nil {
		t.Fatal(err)
	}
	bucketArn := p.Outputs["bucketArn"].(string)
	pol := plantest.ParsePolicy(t, plantest.Find(t, p, "aws:s3/bucketPolicy:BucketPolicy", "data").Inputs["policy"])
	allows := map[string]plantest.Statement{}
	for _, st := range pol.Statement {
		if st.Effect == "Allow" {
			allows[st.Sid] = st
		}
	}
	if len(allows) != 4 {
		t.Fatalf("bucket policy allows %d statements, want 4 (ACL check and write for each service): %+v", len(allows), pol)
	}
	write := allows["CloudtrailWrite"]
	if write.Principal["Service"] != CloudTrail || write.Resource[0] != bucketArn+"/AWSLogs/"+plan.DefaultAccountID+"/*" ||
		write.Condition["ArnLike"]["aws:SourceArn"] != trail || write.Condition["StringEquals"]["s3:x-amz-acl"] != "bucket-owner-full-control" ||
		write.Condition["StringEquals"]["aws:SourceAccount"] != plan.DefaultAccountID {
		t.Errorf("CloudTrail write = %+v", write)
	}
	if acl := allows["ConfigAclCheck"]; !slices.Equal(acl.Action, []string{"s3:GetBucketAcl", "s3:ListBucket"}) || acl.Resource[0] != bucketArn {
		t.Errorf("Config ACL check = %+v", acl)
	}
	for _, st := range pol.Statement {
		if st.Effect == "Allow" && st.Principal["Service"] == nil {
			t.Errorf("statement %s allows a principal that is not a service: %v", st.Sid, st.Principal)
		}
	}
	kp := plantest.ParsePolicy(t, plantest.One(t, p, "aws:kms/key:Key").Inputs["policy"])
	sids := map[string]plantest.Statement{}
	for _, st := range kp.Statement {
		sids[st.Sid] = st
	}
	enc := sids["CloudTrailEncryptLogs"]
	if enc.Condition["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"] != "arn:aws:cloudtrail:*:"+plan.DefaultAccountID+":trail/*" || enc.Condition["ArnLike"]["aws:SourceArn"] != trail {
		t.Errorf("CloudTrail key statement = %+v", enc)
	}
	if _, ok := sids["ConfigEncryptLogs"]; !ok || len(kp.Statement) != 4 {
		t.Errorf("key policy = %+v, want root, CloudTrail twice and Config", kp)
	}
}

// TestBucketPolicyUploadSemantics evaluates the recorded bucket policy as
// IAM does, absent condition keys included: it is the behaviour a writer
// sees, not the JSON's shape, that this pins.
func TestBucketPolicyUploadSemantics(t *testing.T) {
	p, err := run(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := iampolicy.Parse(plantest.Find(t, p, "aws:s3/bucketPolicy:BucketPolicy", "data").Inputs["policy"].(string))
	if err != nil {
		t.Fatal(err)
	}
	keyArn := p.Outputs["keyArn"].(string)
	_, keyID, _ := strings.Cut(keyArn, ":key/")
	object := p.Outputs["bucketArn"].(string) + "/reports/2026.csv"
	const (
		sse    = "s3:x-amz-server-side-encryption"
		sseKey = "s3:x-amz-server-side-encryption-aws-kms-key-id"
	)
	tls := map[string][]string{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.3"}}
	with := func(extra map[string][]string) map[string][]string {
		out := maps.Clone(tls)
		maps.Copy(out, extra)
		return out
	}
	tests := []struct {
		name   string
		ctx    map[string][]string
		denied bool
	}{
		{"an upload without encryption headers relies on the bucket's key", tls, false},
		{"an upload naming SSE-KMS and the key's ARN", with(map[string][]string{sse: {"aws:kms"}, sseKey: {keyArn}}), false},
		{"an upload naming SSE-KMS and the key's ID", with(map[string][]string{sse: {"aws:kms"}, sseKey: {keyID}}), false},
		{"an upload naming another key", with(map[string][]string{sse: {"aws:kms"}, sseKey: {"arn:aws:kms:us-east-1:123456789012:key/other"}}), true},
		{"an upload naming the key by an alias", with(map[string][]string{sse: {"aws:kms"}, sseKey: {"alias/data"}}), true},
		{"an upload naming SSE-KMS without a key (the AWS managed key)", with(map[string][]string{sse: {"aws:kms"}}), true},
		{"an upload naming AES256", with(map[string][]string{sse: {"AES256"}}), true},
		{"an upload naming DSSE-KMS", with(map[string][]string{sse: {"aws:kms:dsse"}, sseKey: {keyArn}}), true},
		{"an upload with a customer-provided key", with(map[string][]string{"s3:x-amz-server-side-encryption-customer-algorithm": {"AES256"}}), true},
		{"an upload over plain HTTP", map[string][]string{"aws:SecureTransport": {"false"}}, true},
		{"an upload over TLS 1.1", map[string][]string{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.1"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, by, err := doc.Evaluate(iampolicy.Request{
				Principal: "AWS:arn:aws:iam::" + plan.DefaultAccountID + ":role/writer",
				Action:    "s3:PutObject", Resource: object, Context: tt.ctx,
			})
			if err != nil {
				t.Fatal(err)
			}
			if (got == iampolicy.Denied) != tt.denied {
				t.Errorf("PutObject with %v = %s (by %s), want denied %v", tt.ctx, got, by, tt.denied)
			}
		})
	}
}

// TestAccessLogTarget: SSE-S3 as log delivery requires, no key, and a
// policy that admits S3 server access logs of this account and ELB access
// logs under this account's path only, evaluated as IAM does.
func TestAccessLogTarget(t *testing.T) {
	p, err := run(t, &Args{AccessLogTarget: true, Purpose: "access-logs"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.ByType("aws:kms/key:Key")); n != 0 {
		t.Errorf("an access-log target made %d keys, want none", n)
	}
	sse := plantest.One(t, p, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
	if got, _ := sse.Input("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"); got != "AES256" {
		t.Errorf("encryption = %v, want AES256", got)
	}
	doc, err := iampolicy.Parse(plantest.One(t, p, "aws:s3/bucketPolicy:BucketPolicy").Inputs["policy"].(string))
	if err != nil {
		t.Fatal(err)
	}
	bucket := p.Outputs["bucketArn"].(string)
	own := plan.DefaultAccountID
	tls := map[string][]string{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.3"}}
	with := func(k, v string) map[string][]string {
		out := maps.Clone(tls)
		out[k] = []string{v}
		return out
	}
	for _, tt := range []struct {
		name, principal, resource string
		ctx                       map[string][]string
		want                      iampolicy.Decision
	}{
		{"S3 logging of this account", "Service:logging.s3.amazonaws.com", bucket + "/data/2026-12-02", with("aws:SourceAccount", own), iampolicy.Allowed},
		{"S3 logging of another account", "Service:logging.s3.amazonaws.com", bucket + "/data/x", with("aws:SourceAccount", "210987654321"), iampolicy.ImplicitDeny},
		{"ELB logs of this account", "Service:logdelivery.elasticloadbalancing.amazonaws.com", bucket + "/web/AWSLogs/" + own + "/elasticloadbalancing/x.log.gz", tls, iampolicy.Allowed},
		{"ELB logs of another account", "Service:logdelivery.elasticloadbalancing.amazonaws.com", bucket + "/web/AWSLogs/210987654321/x.log.gz", tls, iampolicy.ImplicitDeny},
		{"the us-east-1 ELB account", "AWS:arn:aws:iam::127311923021:root", bucket + "/web/AWSLogs/" + own + "/x.log.gz", tls, iampolicy.Allowed},
		{"a delivery naming a KMS key", "Service:logging.s3.amazonaws.com", bucket + "/x", with("s3:x-amz-server-side-encryption", "aws:kms"), iampolicy.Denied},
		{"a delivery over plain HTTP", "Service:logging.s3.amazonaws.com", bucket + "/x", map[string][]string{"aws:SecureTransport": {"false"}, "aws:SourceAccount": {own}}, iampolicy.Denied},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, by, err := doc.Evaluate(iampolicy.Request{Principal: tt.principal, Action: "s3:PutObject", Resource: tt.resource, Context: tt.ctx})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PutObject = %s (by %s), want %s", got, by, tt.want)
			}
		})
	}
	_, err = run(t, &Args{AccessLogTarget: true, KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/x")})
	plantest.ExpectProblems(t, nil, err, "AccessLogTarget and KMSKeyARN do not go together")
}
