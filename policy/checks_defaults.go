package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-infra/strata/plan/model"
)

// The checks of the defaults a component could be changed to weaken:
// access logs, tables, topics, confused deputies, secrets and log groups
// under customer keys, private functions, invoke permissions, the account
// baseline's settings, and production's protection.

const (
	loggingType     = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	tableType       = "aws:dynamodb/table:Table"
	topicType       = "aws:sns/topic:Topic"
	topicPolicyType = "aws:sns/topicPolicy:TopicPolicy"
	accountPABType  = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
	ebsDefaultType  = "aws:ebs/encryptionByDefault:EncryptionByDefault"
	featureType     = "aws:guardduty/detectorFeature:DetectorFeature"
	baselineType    = "strata:baseline:Baseline"
)

// guardDutyFeatures are the protections strata's baseline turns on.
var guardDutyFeatures = []string{"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}

// statefulTypes hold data that is lost when they are deleted.
var statefulTypes = []string{clusterType, rdsInstanceType, bucketType, bucketV1Type, tableType, keyType, logGroupType, "aws:secretsmanager/secret:Secret"}

// limitedToAccount reports whether a service statement of a resource policy
// is limited to this account: by a source condition, by an encryption
// context or caller account naming this account, or, in a bucket policy,
// by resources only under AWSLogs/<account>/. A condition counts only with
// an operator that must match (no Not..., no ...IfExists, which an absent
// key satisfies) and values that name this account: aws:SourceAccount
// equal to it, aws:SourceArn with it in the account field.
func limitedToAccount(st statement, account string) bool {
	for op, kv := range st.Condition {
		if !binding(op) {
			continue
		}
		for k, vals := range kv {
			if len(vals) == 0 {
				continue
			}
			switch {
			case k == "aws:SourceAccount" || k == "aws:SourceOwner" || k == "kms:CallerAccount":
				if !slices.ContainsFunc(vals, func(v string) bool { return v != account }) {
					return true
				}
			case k == "aws:SourceArn" || strings.HasPrefix(k, "kms:EncryptionContext:"):
				if !slices.ContainsFunc(vals, func(v string) bool { return arnAccount(v) != account }) {
					return true
				}
			case k == "aws:SourceOrgID":
				if !slices.ContainsFunc(vals, func(v string) bool { return strings.Contains(v, "*") || v == "" }) {
					return true
				}
			}
		}
	}
	if len(st.Resource) == 0 {
		return false
	}
	for _, r := range st.Resource {
		if !strings.Contains(r, "AWSLogs/"+account+"/") {
			return false
		}
	}
	return true
}

// sourceArnBound reports whether a statement requires aws:SourceArn, with a
// binding operator, naming this account.
func sourceArnBound(st statement, account string) bool {
	for op, kv := range st.Condition {
		if vals := kv["aws:SourceArn"]; binding(op) && len(vals) > 0 &&
			!slices.ContainsFunc(vals, func(v string) bool { return arnAccount(v) != account }) {
			return true
		}
	}
	return false
}

// logGroupNamed reports whether a key-policy statement for CloudWatch Logs
// names the log groups (a name or a name prefix, not log-group:*) in a
// binding kms:EncryptionContext:aws:logs:arn condition.
func logGroupNamed(st statement) bool {
	for op, kv := range st.Condition {
		if vals := kv["kms:EncryptionContext:aws:logs:arn"]; binding(op) && len(vals) > 0 &&
			!slices.ContainsFunc(vals, func(v string) bool { return wildName(":log-group:", v) }) {
			return true
		}
	}
	return false
}

// binding reports whether a condition operator must match for the
// statement to apply: not a negation, not an ...IfExists that an absent
// key satisfies.
func binding(op string) bool {
	op = strings.TrimPrefix(strings.TrimPrefix(op, "ForAnyValue:"), "ForAllValues:")
	return !strings.HasSuffix(op, "IfExists") && !strings.Contains(op, "Not") && op != "Null"
}

// arnAccount is the account field of an ARN, or "".
func arnAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

var _ = register(
	&Check{
		ID: "STRATA-ALB-008", Title: "Load balancers write access logs", Severity: Medium,
		Controls: []string{"FSBP ELB.5", "CKV_AWS_91"}, Types: []string{lbType},
		Fix:      "Give the load balancer accessLogs with enabled true and a bucket (appservice's AccessLogBucket; stacks gives the stack's log bucket).",
		Settings: []string{"appservice.AccessLogBucket"},
		eval: func(e *env) []Finding {
			return e.each([]string{lbType}, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "accessLogs.enabled") || e.str(r, "accessLogs.bucket") == "" {
					return "writes no access logs", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-S3-009", Title: "Buckets log server access", Severity: Medium,
		Controls: []string{"FSBP S3.9", "CKV_AWS_18"}, Types: append([]string{bucketType, bucketV1Type}, loggingTypes...),
		Fix:      "Give the bucket an aws:s3/bucketLoggingV2 to an access-log target (securebucket's AccessLogBucket).",
		Settings: []string{"securebucket.AccessLogBucket"},
		eval: func(e *env) []Finding {
			return e.eachBucket(loggingTypes, func(b, logging *model.Resource) string {
				switch {
				case e.accessLogTarget(b):
					return "" // a log target does not log into itself
				case logging == nil && (e.str(b, "loggings.0.targetBucket") != "" || e.str(b, "logging.targetBucket") != ""):
					return ""
				case logging == nil || e.str(logging, "targetBucket") == "":
					return "logs no server access"
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-S3-010", Title: "No production bucket can be deleted with its objects", Severity: High,
		Controls: []string{"(data loss)"}, Types: bucketTypes,
		Fix: "Leave forceDestroy false in production (securebucket's ForceDestroy).",
		eval: func(e *env) []Finding {
			if !e.opts.Production {
				return nil
			}
			return e.each(bucketTypes, func(r *model.Resource) (string, bool) {
				if e.boolean(r, "forceDestroy") {
					return "forceDestroy deletes every object with the bucket", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-DDB-001", Title: "DynamoDB tables have point-in-time recovery", Severity: Medium,
		Controls: []string{"FSBP DynamoDB.2", "CKV_AWS_28"}, Types: []string{tableType},
		Fix: "Set pointInTimeRecovery.enabled.",
		eval: func(e *env) []Finding {
			return e.each([]string{tableType}, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "pointInTimeRecovery.enabled") {
					return "has no point-in-time recovery", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-DDB-002", Title: "DynamoDB tables are encrypted with a customer-managed key", Severity: Medium,
		Controls: []string{"CKV_AWS_119"}, Types: []string{tableType},
		Fix: "Set serverSideEncryption.enabled and kmsKeyArn to a customer-managed key.",
		eval: func(e *env) []Finding {
			return e.each([]string{tableType}, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "serverSideEncryption.enabled") || e.str(r, "serverSideEncryption.kmsKeyArn") == "" {
					return "is encrypted with an AWS-owned key", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-DDB-003", Title: "DynamoDB tables are protected from deletion in production", Severity: Medium,
		Controls: []string{"FSBP DynamoDB.6"}, Types: []string{tableType},
		Fix: "Set deletionProtectionEnabled in production.",
		eval: func(e *env) []Finding {
			if !e.opts.Production {
				return nil
			}
			return e.each([]string{tableType}, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "deletionProtectionEnabled") {
					return "can be deleted", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-SNS-001", Title: "SNS topics are encrypted with a customer-managed key", Severity: Medium,
		Controls: []string{"FSBP SNS.1", "CKV_AWS_26"}, Types: []string{topicType},
		Fix: "Set kmsMasterKeyId to a customer-managed key whose policy lets the publishing service use it.",
		eval: func(e *env) []Finding {
			return e.each([]string{topicType}, func(r *model.Resource) (string, bool) {
				if k := e.str(r, "kmsMasterKeyId"); k == "" || strings.HasSuffix(k, "alias/aws/sns") {
					return "is not encrypted with a customer-managed key", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-SNS-002", Title: "SNS topics accept only TLS", Severity: Medium,
		Controls: []string{"(in transit)", "AWS SNS security best practices"}, Types: []string{topicType, topicPolicyType},
		Fix: "Give the topic a policy that denies sns:Publish to everyone when aws:SecureTransport is false.",
		eval: func(e *env) []Finding {
			policies := map[string]*model.Resource{}
			for _, tp := range e.idx.ByType(topicPolicyType) {
				policies[e.str(tp, "arn")] = tp
			}
			return e.each([]string{topicType}, func(r *model.Resource) (string, bool) {
				arn, _ := r.Outputs["arn"].(string)
				pol := policies[arn]
				if pol == nil {
					return "has no policy, so plain HTTP is allowed", false
				}
				doc, msg, unknown := e.policyAt(pol, "policy")
				if msg != "" {
					return msg, unknown
				}
				for _, st := range doc.Statement {
					if st.Effect == "Deny" && st.Public() && slices.Equal(st.Condition["Bool"]["aws:SecureTransport"], []string{"false"}) {
						return "", false
					}
				}
				return "its policy does not deny requests without TLS", false
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-012", Title: "Service principals in resource policies act only for this account", Severity: High,
		Controls: []string{"(confused deputy)", "AWS IAM cross-service confused deputy prevention"}, Types: []string{bucketPolType, topicPolicyType, keyType},
		Fix: "Add aws:SourceAccount or aws:SourceArn to each statement that allows a service principal.",
		eval: func(e *env) []Finding {
			var out []Finding
			for _, src := range []struct{ typ, path string }{{bucketPolType, "policy"}, {topicPolicyType, "policy"}, {keyType, "policy"}} {
				out = append(out, e.each([]string{src.typ}, func(r *model.Resource) (string, bool) {
					doc, msg, unknown := e.policyAt(r, src.path)
					if msg != "" {
						return msg, unknown
					}
					for _, st := range doc.Statement {
						if st.Effect != "Allow" {
							continue
						}
						for _, p := range st.Principals() {
							service, ok := strings.CutPrefix(p, "Service:")
							switch {
							case !ok:
							case !limitedToAccount(st, e.p.Account):
								return fmt.Sprintf("statement %q lets %s act for any account", st.Sid, service), false
							case src.typ == topicPolicyType && !sourceArnBound(st, e.p.Account):
								// A service that publishes to a topic sends
								// the ARN of what publishes: name it.
								return fmt.Sprintf("statement %q lets %s publish for any of its resources: add aws:SourceArn", st.Sid, service), false
							case strings.HasPrefix(service, "logs.") && src.typ == keyType && !logGroupNamed(st):
								return fmt.Sprintf("statement %q lets CloudWatch Logs use the key for any log group: name the groups in kms:EncryptionContext:aws:logs:arn", st.Sid), false
							}
						}
					}
					return "", false
				})...)
			}
			return out
		},
	},
	&Check{
		ID: "STRATA-IAM-013", Title: "Cross-account trust requires an external ID", Severity: High,
		Controls: []string{"CKV_AWS_61", "AWS IAM confused deputy (sts:ExternalId)"}, Types: []string{roleType},
		Fix: "Require sts:ExternalId (StringEquals) in every statement that trusts another account.",
		eval: func(e *env) []Finding {
			return e.eachTrustStatement(func(st statement) string {
				for _, p := range st.Principals() {
					if acct := accountOf(p); strings.HasPrefix(p, "AWS:") && acct != "" && acct != e.p.Account && len(st.Condition["StringEquals"]["sts:ExternalId"]) == 0 {
						return fmt.Sprintf("trusts account %s without sts:ExternalId", acct)
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SEC-001", Title: "RDS-managed secrets are encrypted with a customer-managed key", Severity: Medium,
		Controls: []string{"CKV_AWS_149", "FSBP SecretsManager.1"}, Types: []string{clusterType},
		Fix: "Set masterUserSecretKmsKeyId to the database's customer-managed key (auroradb does).",
		eval: func(e *env) []Finding {
			return e.each([]string{clusterType}, func(r *model.Resource) (string, bool) {
				if e.boolean(r, "manageMasterUserPassword") && e.str(r, "masterUserSecretKmsKeyId") == "" {
					return "keeps its master secret under the AWS managed key", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-LOG-003", Title: "Log groups are encrypted with a customer-managed key", Severity: Medium,
		Controls: []string{"CKV_AWS_158", "(CloudWatch log encryption)"}, Types: []string{logGroupType},
		Fix: "Set kmsKeyId to a customer-managed key whose policy lets CloudWatch Logs use it for this log group.",
		eval: func(e *env) []Finding {
			return e.each([]string{logGroupType}, func(r *model.Resource) (string, bool) {
				if e.str(r, "kmsKeyId") == "" {
					return "is encrypted with CloudWatch Logs' own key", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-LMB-005", Title: "Functions run in a VPC", Severity: Medium,
		Controls: []string{"FSBP Lambda.3", "CKV_AWS_117"}, Types: []string{functionType},
		Fix: "Give the function vpcConfig with private subnets and its own security group (serverlessapi's VpcID and SubnetIDs).",
		eval: func(e *env) []Finding {
			return e.each([]string{functionType}, func(r *model.Resource) (string, bool) {
				if len(e.list(r, "vpcConfig.subnetIds")) == 0 {
					return "runs outside any VPC", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-LMB-006", Title: "API invoke permissions name this account's API", Severity: High,
		Controls: []string{"FSBP Lambda.1", "CKV_AWS_364"}, Types: []string{permissionType},
		Fix: "Set sourceArn to this API's execution ARN (arn:aws:execute-api:<region>:<account>:<api id>/*/*).",
		eval: func(e *env) []Finding {
			return e.each([]string{permissionType}, func(r *model.Resource) (string, bool) {
				if e.str(r, "principal") != "apigateway.amazonaws.com" {
					return "", false
				}
				v, _, known := e.input(r, "sourceArn")
				if !known {
					return unknownMsg("sourceArn"), true
				}
				arn, _ := v.(string)
				parts := strings.SplitN(arn, ":", 6)
				if len(parts) != 6 || parts[4] != e.p.Account || strings.Contains(strings.Join(parts[:5], ":"), "*") {
					return fmt.Sprintf("sourceArn %q does not name this account", arn), false
				}
				if id, _, _ := strings.Cut(parts[5], "/"); id == "" || strings.Contains(id, "*") {
					return fmt.Sprintf("sourceArn %q does not name one API", arn), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ACC-006", Title: "The account blocks public S3 access", Severity: High,
		Controls: []string{"FSBP S3.1", "CIS 2.1.4"}, Types: []string{baselineType, accountPABType},
		Fix: "Keep the baseline's S3 account public access block, with all four flags true.",
		eval: func(e *env) []Finding {
			return e.eachBaselineSetting(accountPABType, "has no account-level S3 public access block", func(r *model.Resource) string {
				for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					if !e.boolean(r, f) {
						return fmt.Sprintf("%s is not true", f)
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-ACC-007", Title: "EBS volumes are encrypted by default", Severity: Medium,
		Controls: []string{"FSBP EC2.7", "CIS 2.2.1"}, Types: []string{baselineType, ebsDefaultType},
		Fix: "Keep the baseline's EBS encryption by default, enabled.",
		eval: func(e *env) []Finding {
			return e.eachBaselineSetting(ebsDefaultType, "does not encrypt new EBS volumes by default", func(r *model.Resource) string {
				if !e.boolean(r, "enabled") {
					return "is not enabled"
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-ACC-008", Title: "GuardDuty protects S3, RDS, Lambda and runtimes", Severity: Medium,
		Controls: []string{"FSBP GuardDuty.6", "FSBP GuardDuty.9", "FSBP GuardDuty.10", "FSBP GuardDuty.11"}, Types: []string{detectorType, featureType},
		Fix: "Enable the detector features " + strings.Join(guardDutyFeatures, ", ") + ".",
		eval: func(e *env) []Finding {
			on := map[string]map[string]bool{}
			for _, f := range e.idx.ByType(featureType) {
				if e.str(f, "status") == "ENABLED" {
					if on[e.str(f, "detectorId")] == nil {
						on[e.str(f, "detectorId")] = map[string]bool{}
					}
					on[e.str(f, "detectorId")][e.str(f, "name")] = true
				}
			}
			return e.each([]string{detectorType}, func(r *model.Resource) (string, bool) {
				var missing []string
				for _, f := range guardDutyFeatures {
					if !on[r.ID][f] {
						missing = append(missing, f)
					}
				}
				if len(missing) > 0 {
					return "does not enable " + strings.Join(missing, ", "), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-PROT-001", Title: "Production's stateful resources are protected", Severity: High,
		Controls: []string{"(data loss)"}, Types: statefulTypes,
		Fix: "Protect them (pulumi.Protect on the component; stacks protects every component in production).",
		eval: func(e *env) []Finding {
			if !e.opts.Production {
				return nil
			}
			return e.each(statefulTypes, func(r *model.Resource) (string, bool) {
				if !r.Protect {
					return "is not protected: a rename or a delete in code destroys its data", false
				}
				return "", false
			})
		},
	},
)

// eachBaselineSetting checks an account setting the baseline makes: each
// resource of typ must pass f; an account baseline without one fails with
// absent.
func (e *env) eachBaselineSetting(typ, absent string, f func(r *model.Resource) string) []Finding {
	out := e.each([]string{typ}, func(r *model.Resource) (string, bool) { return f(r), false })
	if len(e.idx.ByType(typ)) == 0 {
		out = append(out, e.each([]string{baselineType}, func(*model.Resource) (string, bool) { return absent, false })...)
	}
	return out
}

const (
	alarmType = "aws:cloudwatch/metricAlarm:MetricAlarm"
	apiType   = "aws:apigatewayv2/api:Api"
	natType   = "aws:ec2/natGateway:NatGateway"
)

// alarmed are the resources an alarm of the plan watches, by the values of
// its dimensions, when the alarm notifies someone.
func (e *env) alarmed() map[string]bool {
	out := map[string]bool{}
	for _, a := range e.idx.ByType(alarmType) {
		if len(e.list(a, "alarmActions")) == 0 {
			continue
		}
		dims := []any{e.inputOr(a, "dimensions")}
		for _, q := range e.list(a, "metricQueries") {
			if m, ok := q.(map[string]any); ok {
				if metric, ok := m["metric"].(map[string]any); ok {
					dims = append(dims, metric["dimensions"])
				}
			}
		}
		for _, d := range dims {
			if m, ok := d.(map[string]any); ok {
				for _, v := range m {
					out[fmt.Sprint(v)] = true
				}
			}
		}
	}
	return out
}

func (e *env) inputOr(r *model.Resource, path string) any {
	v, _, _ := e.input(r, path)
	return v
}

var _ = register(&Check{
	ID: "STRATA-MON-001", Title: "Production's services and databases have alarms that notify", Severity: Medium,
	Controls: []string{"(operations)", "AWS CloudWatch recommended alarms"}, Types: []string{lbType, ecsServiceType, clusterType, functionType, apiType, natType, alarmType},
	Fix:      "Give the component its alarms with an action: its Alarms.TopicARN (a stack's alerting topic).",
	Settings: []string{"alerting.Emails"},
	eval: func(e *env) []Finding {
		if !e.opts.Production {
			return nil
		}
		alarmed := e.alarmed()
		return e.each([]string{lbType, ecsServiceType, clusterType, functionType, apiType, natType}, func(r *model.Resource) (string, bool) {
			var key string
			switch r.Type {
			case functionType:
				key, _ = r.Outputs["name"].(string)
			case apiType, natType:
				key = r.ID
			case lbType:
				key, _ = r.Outputs["arnSuffix"].(string)
			case ecsServiceType:
				key, _ = r.Outputs["name"].(string)
			case clusterType:
				key = e.str(r, "clusterIdentifier")
			}
			if !alarmed[key] {
				return "no alarm with an action watches it", false
			}
			return "", false
		})
	},
})
