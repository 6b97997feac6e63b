package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-infra/strata/internal/awsread"
	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/plan/model"
)

const (
	clusterType     = "aws:rds/cluster:Cluster"
	instanceType    = "aws:rds/clusterInstance:ClusterInstance"
	rdsInstanceType = "aws:rds/instance:Instance"
	paramGroupType  = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
	keyType         = "aws:kms/key:Key"
	bucketType      = "aws:s3/bucketV2:BucketV2"
	bucketV1Type    = "aws:s3/bucket:Bucket" // v6's legacy bucket, v7's only one
	pabType         = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	bucketPolType   = "aws:s3/bucketPolicy:BucketPolicy"
	sseType         = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	versioningType  = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	lifecycleType   = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	ownershipType   = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	logGroupType    = "aws:cloudwatch/logGroup:LogGroup"
	minBackupDays   = 7
	prodLogDays     = 365
	keyWindowDays   = 30
	defaultRDSAdmin = "postgres"
)

// dbTypes are the databases RDS runs: Aurora clusters and RDS instances.
var dbTypes = []string{clusterType, rdsInstanceType}

// The bucket types of both provider generations, and their companions:
// pulumi-aws v6 has the legacy aws:s3/bucket:Bucket (settings inline) and
// BucketV2 with companions suffixed V2; v7's aws:s3/bucket:Bucket is v6's
// BucketV2, with companions unsuffixed. Each check reads a bucket's
// companion of either generation, and the inline form when there is none.
var (
	bucketTypes     = awsread.BucketTypes
	sseTypes        = awsread.SSETypes
	versioningTypes = awsread.VersioningTypes
	lifecycleTypes  = awsread.LifecycleTypes
	loggingTypes    = awsread.LoggingTypes
	aclTypes        = awsread.ACLTypes
)

// sideOf indexes a bucket's side resources of the given types by bucket
// name.
func (e *env) sideOf(types ...string) map[string]*model.Resource {
	out := map[string]*model.Resource{}
	for _, typ := range types {
		for _, r := range e.idx.ByType(typ) {
			out[e.str(r, "bucket")] = r
		}
	}
	return out
}

// eachBucket runs f for every bucket, of either generation, with its side
// resource of one of types (nil when it has none).
func (e *env) eachBucket(types []string, f func(b, side *model.Resource) string) []Finding {
	sides := e.sideOf(types...)
	return e.each(bucketTypes, func(b *model.Resource) (string, bool) {
		return f(b, sides[b.ID]), false
	})
}

// inlineSSE reads a bucket's inline default encryption (v6's legacy
// bucket: serverSideEncryptionConfiguration.rule; BucketV2's deprecated
// serverSideEncryptionConfigurations[0].rules[0]): its rule path, or "".
func (e *env) inlineSSE(b *model.Resource) string {
	for _, path := range []string{"serverSideEncryptionConfiguration.rule", "serverSideEncryptionConfigurations.0.rules.0"} {
		if _, ok := b.Input(path); ok {
			return path
		}
	}
	return ""
}

// instancesOf counts each cluster's instances by cluster ID.
func (e *env) instancesOf() map[string]int {
	out := map[string]int{}
	for _, i := range e.idx.ByType(instanceType) {
		out[e.str(i, "clusterIdentifier")]++
	}
	return out
}

var _ = register(
	&Check{
		ID: "STRATA-RDS-001", Title: "Databases are encrypted with a customer-managed key", Severity: Critical,
		Controls: []string{"FSBP RDS.27", "CKV_AWS_96", "CKV_AWS_327"}, Types: dbTypes,
		Fix: "Set storageEncrypted and kmsKeyId to a customer-managed key (auroradb does).",
		eval: func(e *env) []Finding {
			return e.each(dbTypes, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "storageEncrypted") || e.str(r, "kmsKeyId") == "" {
					return "storage is not encrypted with a customer-managed key", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-002", Title: "Database instances are not publicly accessible", Severity: Critical,
		Controls: []string{"FSBP RDS.2", "CIS 2.2.3", "CKV_AWS_17"}, Types: []string{instanceType, rdsInstanceType},
		Fix: "Set publiclyAccessible to false and use isolated subnets.",
		eval: func(e *env) []Finding {
			return e.each([]string{instanceType, rdsInstanceType}, func(r *model.Resource) (string, bool) {
				if e.boolean(r, "publiclyAccessible") {
					return "is publicly accessible", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-003", Title: "Databases are protected from deletion in production", Severity: High,
		Controls: []string{"FSBP RDS.7", "CKV_AWS_139"}, Types: dbTypes,
		Fix:      "Set deletionProtection with a final snapshot (the prod profile does).",
		Settings: []string{"auroradb.AllowDeletion"},
		eval: func(e *env) []Finding {
			if !e.opts.Production {
				return nil
			}
			return e.each(dbTypes, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "deletionProtection") || e.boolean(r, "skipFinalSnapshot") {
					return "can be deleted, or deleted without a final snapshot, in production", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-004", Title: "Backups are kept at least 7 days", Severity: Medium,
		Controls: []string{"CKV_AWS_133", "AVD-AWS-0077"}, Types: dbTypes,
		Fix:      "Set backupRetentionPeriod to 7 or more.",
		Settings: []string{"auroradb.BackupRetentionDays"},
		eval: func(e *env) []Finding {
			return e.each(dbTypes, func(r *model.Resource) (string, bool) {
				if d := e.number(r, "backupRetentionPeriod"); d < minBackupDays {
					return fmt.Sprintf("keeps backups %v days", d), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-005", Title: "Databases require TLS", Severity: High,
		Controls: []string{"(in transit)", "CKV2_AWS_69"}, Types: []string{clusterType, paramGroupType},
		Fix: "Use a cluster parameter group with rds.force_ssl = 1.",
		eval: func(e *env) []Finding {
			groups := e.byID(paramGroupType)
			return e.each([]string{clusterType}, func(r *model.Resource) (string, bool) {
				g := groups[e.str(r, "dbClusterParameterGroupName")]
				if g == nil {
					return "uses no parameter group of this plan, so TLS is not required", false
				}
				for _, p := range e.list(g, "parameters") {
					if m, _ := p.(map[string]any); m["name"] == "rds.force_ssl" && m["value"] == "1" {
						return "", false
					}
				}
				return "its parameter group does not set rds.force_ssl = 1", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-006", Title: "Database logs go to CloudWatch", Severity: Medium,
		Controls: []string{"FSBP RDS.37", "CKV_AWS_324"}, Types: dbTypes,
		Fix: "Export the postgresql log (enabledCloudwatchLogsExports).",
		eval: func(e *env) []Finding {
			return e.each(dbTypes, func(r *model.Resource) (string, bool) {
				if len(e.list(r, "enabledCloudwatchLogsExports")) == 0 {
					return "exports no logs", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-007", Title: "Databases accept IAM authentication", Severity: Medium,
		Controls: []string{"FSBP RDS.12", "CKV_AWS_162"}, Types: dbTypes,
		Fix: "Set iamDatabaseAuthenticationEnabled.",
		eval: func(e *env) []Finding {
			return e.each(dbTypes, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "iamDatabaseAuthenticationEnabled") {
					return "does not accept IAM authentication", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-008", Title: "No master password in code, config or state", Severity: Critical,
		Controls: []string{"(secrets)", "FSBP SecretsManager.1"}, Types: dbTypes,
		Fix: "Set manageMasterUserPassword and drop masterPassword: RDS keeps and rotates it in Secrets Manager.",
		eval: func(e *env) []Finding {
			return e.each(dbTypes, func(r *model.Resource) (string, bool) {
				for _, k := range []string{"masterPassword", "password"} {
					if _, has, _ := e.input(r, k); has {
						return fmt.Sprintf("has a %s input, which lands in state", k), false
					}
				}
				if !e.boolean(r, "manageMasterUserPassword") {
					return "does not let RDS manage the master password", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-009", Title: "Production databases have a standby in another AZ", Severity: Medium,
		Controls: []string{"FSBP RDS.15"}, Types: []string{clusterType, instanceType},
		Fix:      "Run two or more instances (the prod profile does).",
		Settings: []string{"auroradb.Instances"},
		eval: func(e *env) []Finding {
			if !e.opts.Production {
				return nil
			}
			counts := e.instancesOf()
			return e.each([]string{clusterType}, func(r *model.Resource) (string, bool) {
				if n := counts[r.ID]; n < 2 {
					return fmt.Sprintf("has %d instance(s)", n), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-010", Title: "Databases use a custom admin username", Severity: Low,
		Controls: []string{"FSBP RDS.24"}, Types: []string{clusterType},
		Fix: "Choose a master username other than postgres.",
		eval: func(e *env) []Finding {
			return e.each([]string{clusterType}, func(r *model.Resource) (string, bool) {
				if u := e.str(r, "masterUsername"); u == "" || strings.EqualFold(u, defaultRDSAdmin) || strings.EqualFold(u, "admin") {
					return fmt.Sprintf("uses the default admin name %q", u), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-011", Title: "Performance Insights is on and encrypted", Severity: Low,
		Controls: []string{"CKV_AWS_353", "CKV_AWS_354"}, Types: []string{instanceType},
		Fix: "Set performanceInsightsEnabled with performanceInsightsKmsKeyId.",
		eval: func(e *env) []Finding {
			return e.each([]string{instanceType}, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "performanceInsightsEnabled") || e.str(r, "performanceInsightsKmsKeyId") == "" {
					return "has no encrypted Performance Insights", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-RDS-012", Title: "Snapshots carry the database's tags", Severity: Low,
		Controls: []string{"FSBP RDS.16"}, Types: []string{clusterType},
		Fix: "Set copyTagsToSnapshot.",
		eval: func(e *env) []Finding {
			return e.each([]string{clusterType}, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "copyTagsToSnapshot") {
					return "does not copy tags to snapshots", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-KMS-001", Title: "KMS keys rotate at least yearly", Severity: Medium,
		Controls: []string{"FSBP KMS.4", "CIS 3.6", "CKV_AWS_7"}, Types: []string{keyType},
		Fix: "Set enableKeyRotation.",
		eval: func(e *env) []Finding {
			return e.each([]string{keyType}, func(r *model.Resource) (string, bool) {
				if e.str(r, "customerMasterKeySpec") != "" && e.str(r, "customerMasterKeySpec") != "SYMMETRIC_DEFAULT" {
					return "", false // only symmetric keys rotate
				}
				if !e.boolean(r, "enableKeyRotation") {
					return "does not rotate", false
				}
				if days := e.number(r, "rotationPeriodInDays"); days > 365 {
					return fmt.Sprintf("rotates every %v days, more than a year", days), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-KMS-002", Title: "KMS keys wait 30 days before deletion", Severity: Low,
		Controls: []string{"FSBP KMS.3"}, Types: []string{keyType},
		Fix: "Set deletionWindowInDays to 30.",
		eval: func(e *env) []Finding {
			return e.each([]string{keyType}, func(r *model.Resource) (string, bool) {
				if d := e.number(r, "deletionWindowInDays"); d < keyWindowDays {
					return fmt.Sprintf("can be deleted after %v days", d), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-KMS-003", Title: "Key policies name their principals", Severity: Critical,
		Controls: []string{"FSBP KMS.5", "CKV_AWS_33"}, Types: []string{keyType},
		Fix: "Name the account root and the service principals that use the key; no *.",
		eval: func(e *env) []Finding {
			return e.each([]string{keyType}, func(r *model.Resource) (string, bool) {
				doc, msg, unknown := e.policyAt(r, "policy")
				if msg != "" {
					return msg, unknown
				}
				if len(doc.Statement) == 0 {
					return "has no explicit key policy", false
				}
				for _, st := range doc.Statement {
					if st.Effect == "Allow" && st.Public() {
						return fmt.Sprintf("statement %q allows everyone", st.Sid), false
					}
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-KMS-004", Title: "KMS keys are enabled and described", Severity: Low,
		Controls: []string{"CKV_AWS_227"}, Types: []string{keyType},
		Fix: "Give the key a description; leave it enabled.",
		eval: func(e *env) []Finding {
			return e.each([]string{keyType}, func(r *model.Resource) (string, bool) {
				if v, has, _ := e.input(r, "isEnabled"); has && v == false {
					return "is disabled", false
				}
				if e.str(r, "description") == "" {
					return "has no description", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-S3-001", Title: "Buckets block public access", Severity: High,
		Controls: []string{"FSBP S3.8", "FSBP S3.1", "CIS 2.1.4"}, Types: []string{bucketType, bucketV1Type, pabType},
		Fix: "Add a public access block with all four flags (securebucket does).",
		eval: func(e *env) []Finding {
			return e.eachBucket([]string{pabType}, func(_, pab *model.Resource) string {
				if pab == nil {
					return "has no public access block"
				}
				for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					if !e.boolean(pab, f) {
						return fmt.Sprintf("its public access block leaves %s off", f)
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-S3-002", Title: "Buckets refuse requests without TLS 1.2 or later", Severity: High,
		Controls: []string{"FSBP S3.5", "CIS 2.1.1"}, Types: []string{bucketType, bucketV1Type, bucketPolType},
		Fix: "Deny s3:* on the bucket and its objects to every principal when aws:SecureTransport is false, and when s3:TlsVersion is below 1.2.",
		eval: func(e *env) []Finding {
			return e.eachBucket([]string{bucketPolType}, func(b, pol *model.Resource) string {
				path := "policy"
				if pol == nil {
					if _, inline := b.Input("policy"); !inline {
						return "has no bucket policy, so plain HTTP is allowed"
					}
					pol = b
				}
				doc, msg, _ := e.policyAt(pol, path)
				if msg != "" {
					return msg
				}
				arn, _ := b.Outputs["arn"].(string)
				everywhere := func(st statement) bool {
					return st.Effect == "Deny" && st.Public() && slices.Contains(st.Action, "s3:*") &&
						(arn == "" || (slices.Contains(st.Resource, arn) && slices.Contains(st.Resource, arn+"/*")))
				}
				plain, old := false, false
				for _, st := range doc.Statement {
					plain = plain || (everywhere(st) && slices.Equal(st.Condition["Bool"]["aws:SecureTransport"], iampolicy.List{"false"}))
					old = old || (everywhere(st) && slices.Equal(st.Condition["NumericLessThan"]["s3:TlsVersion"], iampolicy.List{"1.2"}))
				}
				switch {
				case !plain:
					return "its policy does not deny every request without TLS, from everyone, on the bucket and its objects"
				case !old:
					return "its policy does not deny every request over TLS below 1.2, from everyone, on the bucket and its objects"
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-S3-003", Title: "Buckets encrypt with a customer-managed key and a bucket key", Severity: High,
		Controls: []string{"FSBP S3.17", "CKV_AWS_145"}, Types: append([]string{bucketType, bucketV1Type}, sseTypes...),
		Fix: "Default-encrypt with aws:kms, a customer-managed key and bucketKeyEnabled.",
		eval: func(e *env) []Finding {
			return e.eachBucket(sseTypes, func(b, sse *model.Resource) string {
				rule := "rules.0"
				if sse == nil {
					if rule = e.inlineSSE(b); rule == "" {
						return "has no default encryption with a customer-managed key"
					}
					sse = b
				}
				switch {
				case e.str(sse, rule+".applyServerSideEncryptionByDefault.sseAlgorithm") != "aws:kms" ||
					e.str(sse, rule+".applyServerSideEncryptionByDefault.kmsMasterKeyId") == "":
					return "does not default to SSE-KMS with a customer-managed key"
				case !e.boolean(sse, rule+".bucketKeyEnabled"):
					return "has no bucket key (every object costs a KMS request)"
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-S3-012", Title: "Access logs go to buckets their service can write (SSE-S3)", Severity: High,
		Controls: []string{"AWS ELB access logs: SSE-S3 only", "AWS S3 server access logging: no SSE-KMS target"},
		Types:    append(append([]string{lbType, bucketType, bucketV1Type}, loggingTypes...), sseTypes...),
		Fix:      "Send access logs to a bucket that default-encrypts with SSE-S3 (AES256), such as securebucket's AccessLogTarget.",
		eval: func(e *env) []Finding {
			sses := e.sideOf(sseTypes...)
			// kms says whether the plan's bucket named name default-encrypts
			// with SSE-KMS; buckets outside the plan are not judged.
			kms := func(name string) bool {
				for _, b := range awsread.Buckets(e.p) {
					if b.ID != name {
						continue
					}
					sse, rule := sses[b.ID], "rules.0"
					if sse == nil {
						if rule = e.inlineSSE(b); rule == "" {
							return false
						}
						sse = b
					}
					return strings.HasPrefix(e.str(sse, rule+".applyServerSideEncryptionByDefault.sseAlgorithm"), "aws:kms")
				}
				return false
			}
			types := append([]string{lbType}, loggingTypes...)
			out := e.each(types, func(r *model.Resource) (string, bool) {
				target, what := e.str(r, "targetBucket"), "S3 server access logs"
				if r.Type == lbType {
					if !e.boolean(r, "accessLogs.enabled") {
						return "", false
					}
					target, what = e.str(r, "accessLogs.bucket"), "load balancer access logs"
				}
				if target != "" && kms(target) {
					return fmt.Sprintf("delivers %s to bucket %s, which defaults to SSE-KMS: the log service cannot write there and the logs are lost", what, target), false
				}
				return "", false
			})
			out = append(out, e.each([]string{bucketType, bucketV1Type}, func(b *model.Resource) (string, bool) {
				for _, path := range []string{"logging.targetBucket", "loggings.0.targetBucket"} {
					if t, ok := b.Input(path); ok && kms(fmt.Sprint(t)) {
						return fmt.Sprintf("delivers S3 server access logs to bucket %v, which defaults to SSE-KMS: the logs are lost", t), false
					}
				}
				return "", false
			})...)
			return out
		},
	},
	&Check{
		ID: "STRATA-S3-004", Title: "Buckets are versioned", Severity: Medium,
		Controls: []string{"FSBP S3.14", "CKV_AWS_21"}, Types: append([]string{bucketType, bucketV1Type}, versioningTypes...),
		Fix: "Enable versioning.",
		eval: func(e *env) []Finding {
			return e.eachBucket(versioningTypes, func(b, v *model.Resource) string {
				switch {
				case v != nil && e.str(v, "versioningConfiguration.status") == "Enabled",
					v == nil && (e.boolean(b, "versioning.enabled") || e.boolean(b, "versionings.0.enabled")):
					return ""
				}
				return "is not versioned"
			})
		},
	},
	&Check{
		ID: "STRATA-S3-005", Title: "Buckets have a lifecycle that aborts unfinished uploads", Severity: Low,
		Controls: []string{"FSBP S3.13", "FSBP S3.10", "CKV_AWS_300"}, Types: append([]string{bucketType, bucketV1Type}, lifecycleTypes...),
		Fix:      "Add a lifecycle configuration with abortIncompleteMultipartUpload.",
		Settings: []string{"securebucket.AbortIncompleteMultipartUploadDays"},
		eval: func(e *env) []Finding {
			return e.eachBucket(lifecycleTypes, func(b, lc *model.Resource) string {
				if lc == nil {
					for _, rule := range e.list(b, "lifecycleRules") {
						if m, _ := rule.(map[string]any); m["abortIncompleteMultipartUploadDays"] != nil && m["enabled"] == true {
							return ""
						}
					}
					return "has no lifecycle configuration that aborts unfinished uploads"
				}
				for _, rule := range e.list(lc, "rules") {
					if m, _ := rule.(map[string]any); m["abortIncompleteMultipartUpload"] != nil && m["status"] == "Enabled" {
						return ""
					}
				}
				return "its lifecycle never aborts unfinished multipart uploads"
			})
		},
	},
	&Check{
		ID: "STRATA-S3-006", Title: "Bucket ACLs are disabled", Severity: Medium,
		Controls: []string{"FSBP S3.12"}, Types: append([]string{bucketType, bucketV1Type, ownershipType}, aclTypes...),
		Fix: "Set object ownership to BucketOwnerEnforced.",
		eval: func(e *env) []Finding {
			acls := e.sideOf(aclTypes...)
			return e.eachBucket([]string{ownershipType}, func(b, o *model.Resource) string {
				if o != nil && e.str(o, "rule.objectOwnership") == "BucketOwnerEnforced" {
					return ""
				}
				acl := e.str(b, "acl")
				if a := acls[b.ID]; a != nil {
					acl = e.str(a, "acl")
				}
				if acl != "" && acl != "private" {
					return fmt.Sprintf("still honours ACLs, and its ACL is %s", acl)
				}
				return "still honours ACLs"
			})
		},
	},
	&Check{
		ID: "STRATA-S3-007", Title: "Bucket policies allow no one at large", Severity: Critical,
		Controls: []string{"FSBP S3.2", "FSBP S3.3", "FSBP S3.6"}, Types: []string{bucketPolType, bucketType, bucketV1Type},
		Fix: "Grant named principals; keep Principal * for Deny statements only.",
		eval: func(e *env) []Finding {
			return e.each([]string{bucketPolType, bucketType, bucketV1Type}, func(r *model.Resource) (string, bool) {
				doc, msg, unknown := e.policyAt(r, "policy")
				if msg != "" {
					return msg, unknown
				}
				for _, st := range doc.Statement {
					if st.Effect == "Allow" && st.Public() {
						return fmt.Sprintf("statement %q allows everyone", st.Sid), false
					}
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-S3-008", Title: "Bucket policies let uploads rely on default encryption", Severity: High,
		Controls: []string{"(availability)", "FSBP S3.17"}, Types: []string{bucketType, bucketV1Type, bucketPolType},
		Fix: "Guard each deny that compares an encryption header with a Null condition on that header, so only a header naming something else is denied.",
		eval: func(e *env) []Finding {
			return e.eachBucket([]string{bucketPolType}, func(b, pol *model.Resource) string {
				if pol == nil {
					return ""
				}
				doc, msg, _ := e.policyAt(pol, "policy")
				if msg != "" {
					return msg
				}
				arn, _ := b.Outputs["arn"].(string)
				if arn == "" {
					arn = "arn:aws:s3:::" + b.ID
				}
				// What an AWS SDK sends by default: TLS, and no encryption
				// headers at all.
				got, by, err := doc.Evaluate(iampolicy.Request{
					Principal: "AWS:arn:aws:iam::" + e.p.Account + ":role/writer",
					Action:    "s3:PutObject", Resource: arn + "/object",
					Context: map[string][]string{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.3"}},
				})
				switch {
				case err != nil:
					return "its policy cannot be evaluated: " + err.Error()
				case got == iampolicy.Denied:
					return fmt.Sprintf("statement %s denies a PutObject over TLS that sends no encryption headers (the AWS SDKs' default): writers that rely on the bucket's default encryption fail", by)
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-LOG-001", Title: "Log groups keep logs for a finite time", Severity: Medium,
		Controls: []string{"CKV_AWS_66"}, Types: []string{logGroupType},
		Fix:      "Set retentionInDays.",
		Settings: []string{"network.FlowLogRetentionDays", "auroradb.LogRetentionDays", "baseline.TrailLogRetentionDays"},
		eval: func(e *env) []Finding {
			return e.each([]string{logGroupType}, func(r *model.Resource) (string, bool) {
				if e.number(r, "retentionInDays") <= 0 {
					return "keeps logs forever", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-LOG-002", Title: "Production logs are kept a year or more", Severity: Low,
		Controls: []string{"FSBP CloudWatch.16"}, Types: []string{logGroupType},
		Fix:      "Set retentionInDays to 365 or more in production (the prod profile does).",
		Settings: []string{"network.FlowLogRetentionDays", "auroradb.LogRetentionDays", "baseline.TrailLogRetentionDays"},
		eval: func(e *env) []Finding {
			if !e.opts.Production {
				return nil
			}
			return e.each([]string{logGroupType}, func(r *model.Resource) (string, bool) {
				if d := e.number(r, "retentionInDays"); d < prodLogDays {
					return fmt.Sprintf("keeps logs %v days", d), false
				}
				return "", false
			})
		},
	},
)
