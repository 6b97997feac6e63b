package securebucket

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/iamdoc"
	"github.com/strata-infra/strata/internal/kmskey"
	"github.com/strata-infra/strata/internal/tags"
)

// Type is the component's type token. Changing it replaces the bucket of
// every stack that uses it, unless an alias is added.
const Type = "strata:securebucket:SecureBucket"

// abortRuleID names the always-on rule that aborts incomplete uploads.
const abortRuleID = "abort-incomplete-multipart-uploads"

// SecureBucket is an S3 bucket that is private, versioned, encrypted with a
// customer-managed key and reachable only over TLS 1.2 or later.
type SecureBucket struct {
	pulumi.ResourceState

	// BucketName is the bucket's name. It resolves only once the bucket is
	// fully configured (encryption, public access block, ownership,
	// lifecycle, policy), so resources that write to it by name wait.
	BucketName pulumi.StringOutput
	// BucketARN is the bucket's ARN.
	BucketARN pulumi.StringOutput
	// KeyARN is the ARN of the KMS key the bucket encrypts with.
	KeyARN pulumi.StringOutput

	name, region string
}

var aliasUnsafe = regexp.MustCompile(`[^a-zA-Z0-9/_-]`)

// New validates args and creates a SecureBucket. A nil args means all
// defaults. Nothing is registered when args are invalid; the error lists
// every problem.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*SecureBucket, error) {
	a := args.withDefaults(name)
	if err := validate(name, ctx.Project(), a); err != nil {
		return nil, err
	}
	b := &SecureBucket{name: name}
	if err := ctx.RegisterComponentResource(Type, name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	wrap := func(what string, err error) error { return fmt.Errorf("securebucket %q: %s: %w", name, what, err) }

	env, err := awsenv.Lookup(ctx, b)
	if err != nil {
		return nil, wrap("reading the environment", err)
	}
	b.region = env.Region
	physical := a.Name
	if physical == "" {
		physical = bucketName(ctx.Project(), a.Purpose, env.AccountID)
	}

	switch {
	case a.AccessLogTarget:
		b.KeyARN = pulumi.String("").ToStringOutput() // SSE-S3: no key
	case a.KMSKeyARN != nil:
		b.KeyARN = a.KMSKeyARN.ToStringOutput()
	default:
		key, err := kmskey.New(ctx, name, env, kmskey.Args{
			Description: fmt.Sprintf("Encrypts the objects of S3 bucket %s", physical),
			AliasPrefix: "alias/" + aliasUnsafe.ReplaceAllString(name, "-") + "-",
			Services:    deliveryKeyServices(a.LogDeliveries, env),
		}, parent)
		if err != nil {
			return nil, wrap("creating the key", err)
		}
		b.KeyARN = key.Key.Arn
	}

	var bucketTags pulumi.StringMap
	if a.AccessLogTarget {
		bucketTags = pulumi.StringMap{tags.Suppress("STRATA-S3-003"): pulumi.String(
			"An access-log target encrypts with SSE-S3 - S3 and ELB log delivery cannot write to SSE-KMS buckets")}
	}
	bucket, err := s3.NewBucketV2(ctx, name, &s3.BucketV2Args{
		Bucket:       pulumi.String(physical),
		ForceDestroy: pulumi.Bool(a.ForceDestroy),
		Tags:         bucketTags,
	}, parent)
	if err != nil {
		return nil, wrap("creating the bucket", err)
	}
	b.BucketARN = bucket.Arn
	on := bucket.ID()

	versioning, err := s3.NewBucketVersioningV2(ctx, name, &s3.BucketVersioningV2Args{
		Bucket:                  on,
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent)
	if err != nil {
		return nil, wrap("turning on versioning", err)
	}
	rule := &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
		ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: b.KeyARN,
		},
		// A bucket key cuts KMS requests, and their cost, by orders of magnitude.
		BucketKeyEnabled: pulumi.Bool(true),
	}
	if a.AccessLogTarget {
		rule = &s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}
	}
	sse, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, name, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: on, Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{rule},
	}, parent)
	if err != nil {
		return nil, wrap("configuring encryption", err)
	}
	pab, err := s3.NewBucketPublicAccessBlock(ctx, name, &s3.BucketPublicAccessBlockArgs{
		Bucket:                on,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, wrap("blocking public access", err)
	}
	own, err := s3.NewBucketOwnershipControls(ctx, name, &s3.BucketOwnershipControlsArgs{
		Bucket: on,
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent)
	if err != nil {
		return nil, wrap("disabling ACLs", err)
	}
	lifecycle, err := s3.NewBucketLifecycleConfigurationV2(ctx, name, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: on,
		Rules:  lifecycleRules(a),
	}, parent)
	if err != nil {
		return nil, wrap("configuring the lifecycle", err)
	}
	policy := pulumi.All(bucket.Arn, b.KeyARN).ApplyT(func(v []any) (string, error) {
		if a.AccessLogTarget {
			return logTargetPolicy(v[0].(string), env).JSON()
		}
		doc := bucketPolicy(v[0].(string), v[1].(string))
		doc.Statement = append(doc.Statement, deliveryStatements(v[0].(string), a.LogDeliveries, env.AccountID)...)
		return doc.JSON()
	}).(pulumi.StringOutput)
	bucketPolicy, err := s3.NewBucketPolicy(ctx, name, &s3.BucketPolicyArgs{Bucket: on, Policy: policy},
		parent, pulumi.DependsOn([]pulumi.Resource{pab, own}))
	if err != nil {
		return nil, wrap("attaching the bucket policy", err)
	}
	configured := []pulumi.Resource{versioning, sse, pab, own, lifecycle, bucketPolicy}
	if a.AccessLogBucket != nil {
		prefix := a.AccessLogPrefix
		if prefix == "" {
			prefix = physical + "/"
		}
		logging, err := s3.NewBucketLoggingV2(ctx, name, &s3.BucketLoggingV2Args{
			Bucket:       on,
			TargetBucket: a.AccessLogBucket,
			TargetPrefix: pulumi.String(prefix),
		}, parent)
		if err != nil {
			return nil, wrap("turning on access logging", err)
		}
		configured = append(configured, logging)
	}
	// The name resolves only once the bucket is fully configured, so what
	// writes to the bucket by name (a trail, a delivery channel) waits for
	// its encryption and its policy.
	b.BucketName = after(bucket.Bucket, configured)

	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{
		"bucketName": b.BucketName,
		"bucketArn":  b.BucketARN,
		"keyArn":     b.KeyARN,
	}); err != nil {
		return nil, wrap("registering outputs", err)
	}
	return b, nil
}

// lifecycleRules turns the rules into the provider's shape, with the
// always-on rule that aborts incomplete multipart uploads first.
func lifecycleRules(a Args) s3.BucketLifecycleConfigurationV2RuleArray {
	rules := s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String(abortRuleID),
		Status: pulumi.String("Enabled"),
		Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(a.AbortIncompleteMultipartUploadDays),
		},
	}}
	for _, r := range a.LifecycleRules {
		rule := &s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String(r.ID),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String(r.Prefix)},
		}
		var transitions s3.BucketLifecycleConfigurationV2RuleTransitionArray
		for _, t := range r.Transitions {
			transitions = append(transitions, &s3.BucketLifecycleConfigurationV2RuleTransitionArgs{
				Days: pulumi.Int(t.Days), StorageClass: pulumi.String(t.StorageClass),
			})
		}
		var noncurrent s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionTransitionArray
		for _, t := range r.NoncurrentTransitions {
			noncurrent = append(noncurrent, &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionTransitionArgs{
				NoncurrentDays: pulumi.Int(t.Days), StorageClass: pulumi.String(t.StorageClass),
			})
		}
		if len(transitions) > 0 {
			rule.Transitions = transitions
		}
		if len(noncurrent) > 0 {
			rule.NoncurrentVersionTransitions = noncurrent
		}
		if r.ExpirationDays > 0 {
			rule.Expiration = &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(r.ExpirationDays)}
		}
		if r.NoncurrentExpirationDays > 0 {
			rule.NoncurrentVersionExpiration = &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(r.NoncurrentExpirationDays),
			}
		}
		rules = append(rules, rule)
	}
	return rules
}

// The request headers a writer names encryption with, as S3's condition
// keys.
const (
	sseHeader      = "s3:x-amz-server-side-encryption"
	sseKeyHeader   = "s3:x-amz-server-side-encryption-aws-kms-key-id"
	sseCHeader     = "s3:x-amz-server-side-encryption-customer-algorithm"
	headerPresent  = "false" // Null: false means the key is in the request
	headerAbsent   = "true"
	kmsEncryption  = "aws:kms"
	keyARNIDMarker = ":key/"
)

// bucketPolicy denies every request without TLS or with TLS below 1.2, and
// every upload whose headers ask for encryption other than the bucket's key.
//
// A negated operator (StringNotEquals) and every …IfExists operator hold
// when the request does not carry the key, so each deny that compares a
// header also requires the header to be present (Null false): an upload
// that sends no encryption headers is not denied and gets the bucket's
// default encryption, this key.
func bucketPolicy(bucketARN, keyARN string) iamdoc.Document {
	anyone := map[string]any{"AWS": "*"}
	objects := bucketARN + "/*"
	keyNames := []string{keyARN}
	if _, id, ok := strings.Cut(keyARN, keyARNIDMarker); ok {
		keyNames = append(keyNames, id)
	}
	put := func(sid string, cond map[string]map[string]any) iamdoc.Statement {
		return iamdoc.Statement{Sid: sid, Effect: iamdoc.Deny, Principal: anyone,
			Action: []string{"s3:PutObject"}, Resource: []string{objects}, Condition: cond}
	}
	return iamdoc.New(
		iamdoc.Statement{
			Sid: "DenyInsecureTransport", Effect: iamdoc.Deny, Principal: anyone,
			Action: []string{"s3:*"}, Resource: []string{bucketARN, objects},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}},
		},
		iamdoc.Statement{
			Sid: "DenyOutdatedTLS", Effect: iamdoc.Deny, Principal: anyone,
			Action: []string{"s3:*"}, Resource: []string{bucketARN, objects},
			Condition: map[string]map[string]any{"NumericLessThan": {"s3:TlsVersion": "1.2"}},
		},
		// SSE-S3 (AES256) or DSSE named in the header.
		put("DenyOtherEncryption", map[string]map[string]any{
			"Null":            {sseHeader: headerPresent},
			"StringNotEquals": {sseHeader: kmsEncryption},
		}),
		// SSE-KMS with another key, or this key by alias.
		put("DenyOtherKeys", map[string]map[string]any{
			"Null":            {sseKeyHeader: headerPresent},
			"StringNotEquals": {sseKeyHeader: keyNames},
		}),
		// SSE-KMS without a key: S3 would use the AWS managed aws/s3 key.
		put("DenyKMSWithoutKey", map[string]map[string]any{
			"Null": {sseHeader: headerPresent, sseKeyHeader: headerAbsent},
		}),
		// SSE-C: the writer's own key, which S3 does not keep.
		put("DenyCustomerKeys", map[string]map[string]any{
			"Null": {sseCHeader: headerPresent},
		}),
	)
}

// BucketNameEnv is the environment variable a Grant puts the bucket's name
// in.
const BucketNameEnv = "BUCKET_NAME"

// Grant gives a compute component (an AppService, a ServerlessAPI) access
// to this bucket: Policy(access) on its runtime role, and the bucket's name
// in BUCKET_NAME. The bucket is reached through S3's API (and the network's
// gateway endpoint), so there is no network path to open.
func (b *SecureBucket) Grant(access Access) grant.Grant {
	return grant.Grant{
		What:        "bucket " + b.name + " " + access.String(),
		Policy:      b.Policy(access),
		Environment: map[string]pulumi.StringInput{BucketNameEnv: b.BucketName},
	}
}

// Log delivery principals.
const (
	s3LoggingService  = "logging.s3.amazonaws.com"
	elbLoggingService = "logdelivery.elasticloadbalancing.amazonaws.com"
)

// elbAccounts are the Elastic Load Balancing accounts that deliver access
// logs in the Regions that opened before August 2022; newer Regions use
// the log-delivery service principal.
var elbAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416",
	"eu-west-3": "009996457667", "eu-north-1": "897822967062", "ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887",
	"ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266", "ap-south-1": "718504428378", "sa-east-1": "507241528517",
}

// logTargetPolicy is an access-log target's policy: the TLS denies, a deny
// of uploads naming anything but SSE-S3 or naming a customer key, S3
// server access logging for this account (aws:SourceAccount), and ELB
// access logs only under AWSLogs/<this account>/ (ELB sends no source
// condition keys, so the path confines it to this account's logs).
func logTargetPolicy(bucketARN string, env awsenv.Env) iamdoc.Document {
	full := bucketPolicy(bucketARN, "")
	var out []iamdoc.Statement
	for _, st := range full.Statement {
		switch st.Sid {
		case "DenyInsecureTransport", "DenyOutdatedTLS", "DenyCustomerKeys":
			out = append(out, st)
		}
	}
	objects := bucketARN + "/*"
	ownLogs := bucketARN + "/*AWSLogs/" + env.AccountID + "/*"
	out = append(out,
		iamdoc.Statement{Sid: "DenyOtherEncryption", Effect: iamdoc.Deny, Principal: map[string]any{"AWS": "*"},
			Action: []string{"s3:PutObject"}, Resource: []string{objects},
			Condition: map[string]map[string]any{"Null": {sseHeader: headerPresent}, "StringNotEquals": {sseHeader: "AES256"}}},
		iamdoc.Statement{Sid: "S3ServerAccessLogs", Effect: iamdoc.Allow, Principal: map[string]any{"Service": s3LoggingService},
			Action: []string{"s3:PutObject"}, Resource: []string{objects},
			Condition: map[string]map[string]any{"StringEquals": {"aws:SourceAccount": env.AccountID}}},
		iamdoc.Statement{Sid: "ELBAccessLogs", Effect: iamdoc.Allow, Principal: map[string]any{"Service": elbLoggingService},
			Action: []string{"s3:PutObject"}, Resource: []string{ownLogs}},
	)
	if acct, ok := elbAccounts[env.Region]; ok {
		out = append(out, iamdoc.Statement{Sid: "ELBAccessLogsRegionalAccount", Effect: iamdoc.Allow,
			Principal: map[string]any{"AWS": fmt.Sprintf("arn:%s:iam::%s:root", env.Partition, acct)},
			Action:    []string{"s3:PutObject"}, Resource: []string{ownLogs}})
	}
	return iamdoc.New(out...)
}

// Policy returns an IAM policy document (JSON) that grants access to this
// bucket and nothing else: s3:ListBucket on the bucket, the object actions
// on bucket/*, and the KMS actions on the bucket's key, only through S3.
func (b *SecureBucket) Policy(access Access) pulumi.StringOutput {
	region := b.region
	return pulumi.All(b.BucketARN, b.KeyARN).ApplyT(func(v []any) (string, error) {
		statements, err := grantStatements(v[0].(string), v[1].(string), region, access)
		if err != nil {
			return "", err
		}
		return iamdoc.New(statements...).JSON()
	}).(pulumi.StringOutput)
}

// grantStatements are the statements Policy grants.
func grantStatements(bucketARN, keyARN, region string, access Access) ([]iamdoc.Statement, error) {
	var objectActions, keyActions []string
	list := false
	switch access {
	case Read:
		list = true
		objectActions = []string{"s3:GetObject", "s3:GetObjectVersion"}
		keyActions = []string{"kms:Decrypt"}
	case Write:
		objectActions = []string{"s3:PutObject", "s3:AbortMultipartUpload"}
		keyActions = []string{"kms:GenerateDataKey", "kms:Decrypt"}
	case ReadWrite:
		list = true
		objectActions = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}
		keyActions = []string{"kms:GenerateDataKey", "kms:Decrypt"}
	default:
		return nil, fmt.Errorf("securebucket: unknown access %d: use Read, Write or ReadWrite", access)
	}
	var out []iamdoc.Statement
	if list {
		out = append(out, iamdoc.Statement{Sid: "ListBucket", Effect: iamdoc.Allow, Action: []string{"s3:ListBucket"}, Resource: []string{bucketARN}})
	}
	return append(out,
		iamdoc.Statement{Sid: "Objects", Effect: iamdoc.Allow, Action: objectActions, Resource: []string{bucketARN + "/*"}},
		iamdoc.Statement{
			Sid: "BucketKey", Effect: iamdoc.Allow, Action: keyActions, Resource: []string{keyARN},
			Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "s3." + region + ".amazonaws.com"}},
		},
	), nil
}

// deliveryStatements let each log-delivering service check the bucket's ACL
// and write under AWSLogs/<account>/, only for this account and, when
// given, only for its source resource.
func deliveryStatements(bucketARN string, deliveries []LogDelivery, account string) []iamdoc.Statement {
	var out []iamdoc.Statement
	for _, d := range deliveries {
		sid := strings.TrimSuffix(d.Service, ".amazonaws.com")
		sid = strings.ToUpper(sid[:1]) + sid[1:]
		cond := func(extra map[string]any) map[string]map[string]any {
			eq := map[string]any{"aws:SourceAccount": account}
			for k, v := range extra {
				eq[k] = v
			}
			c := map[string]map[string]any{"StringEquals": eq}
			if d.SourceARN != "" {
				c["ArnLike"] = map[string]any{"aws:SourceArn": d.SourceARN}
			}
			return c
		}
		check := []string{"s3:GetBucketAcl"}
		if d.Service == Config {
			check = append(check, "s3:ListBucket")
		}
		out = append(out,
			iamdoc.Statement{Sid: sid + "AclCheck", Effect: iamdoc.Allow, Principal: map[string]any{"Service": d.Service},
				Action: check, Resource: []string{bucketARN}, Condition: cond(nil)},
			iamdoc.Statement{Sid: sid + "Write", Effect: iamdoc.Allow, Principal: map[string]any{"Service": d.Service},
				Action: []string{"s3:PutObject"}, Resource: []string{bucketARN + "/AWSLogs/" + account + "/*"},
				Condition: cond(map[string]any{"s3:x-amz-acl": "bucket-owner-full-control"})},
		)
	}
	return out
}

// deliveryKeyServices let each log-delivering service encrypt with the
// bucket's own key: CloudTrail only for this account's trails (by
// encryption context), Config only for this account.
func deliveryKeyServices(deliveries []LogDelivery, env awsenv.Env) []kmskey.Service {
	var out []kmskey.Service
	for _, d := range deliveries {
		switch d.Service {
		case CloudTrail:
			out = append(out,
				kmskey.Service{Sid: "CloudTrailEncryptLogs", Principal: CloudTrail, Actions: []string{"kms:GenerateDataKey*"},
					Conditions: map[string]map[string]any{
						"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": env.ARN("cloudtrail", "*", "trail/*")},
						"ArnLike":    {"aws:SourceArn": d.SourceARN},
					}},
				kmskey.Service{Sid: "CloudTrailDescribeKey", Principal: CloudTrail, Actions: []string{"kms:DescribeKey"}})
		case Config:
			out = append(out, kmskey.Service{Sid: "ConfigEncryptLogs", Principal: Config, Actions: []string{"kms:GenerateDataKey", "kms:Decrypt"}})
		}
	}
	return out
}

// after is v, depending also on every resource in rs.
func after(v pulumi.StringOutput, rs []pulumi.Resource) pulumi.StringOutput {
	ins := []any{v}
	for _, r := range rs {
		ins = append(ins, r.URN())
	}
	return pulumi.All(ins...).ApplyT(func(vals []any) string { return vals[0].(string) }).(pulumi.StringOutput)
}
