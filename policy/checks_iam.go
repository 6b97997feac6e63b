package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/plan/model"
)

const (
	roleType       = "aws:iam/role:Role"
	rolePolicyType = "aws:iam/rolePolicy:RolePolicy"
	attachmentType = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	userPolicyType = "aws:iam/userPolicy:UserPolicy"
	groupPolType   = "aws:iam/groupPolicy:GroupPolicy"
	iamPolicyType  = "aws:iam/policy:Policy"
	taskDefType    = "aws:ecs/taskDefinition:TaskDefinition"
)

// starOnly are actions AWS's service authorization reference lists with
// no resource type: they work only with "Resource": "*", and a statement
// that names an ARN for them grants nothing.
var starOnly = []string{
	"ecr:GetAuthorizationToken",
	"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
	"ec2:DescribeNetworkInterfaces",
	"logs:DescribeLogGroups",
}

func wildcardAction(a string) bool { return a == "*" || strings.HasSuffix(a, ":*") }

// trustStatements reads a role's trust policy.
func (e *env) trustStatements(r *model.Resource) (document, string, bool) {
	return e.policyAt(r, "assumeRolePolicy")
}

// eachTrustStatement calls f for every Allow statement of every role's
// trust policy; a role fails with the first problem f names.
func (e *env) eachTrustStatement(f func(st statement) string) []Finding {
	return e.each([]string{roleType}, func(r *model.Resource) (string, bool) {
		doc, msg, unknown := e.trustStatements(r)
		if msg != "" {
			return msg, unknown
		}
		for _, st := range doc.Statement {
			if st.Effect != "Allow" {
				continue
			}
			if m := f(st); m != "" {
				return m, false
			}
		}
		return "", false
	})
}

// accountOf returns the account in an IAM principal ARN, or "".
func accountOf(principal string) string {
	arn := strings.TrimPrefix(principal, "AWS:")
	if parts := strings.Split(arn, ":"); len(parts) >= 5 && parts[0] == "arn" {
		return parts[4]
	}
	if len(arn) == 12 && strings.Trim(arn, "0123456789") == "" {
		return arn
	}
	return ""
}

var _ = register(
	&Check{
		ID: "STRATA-IAM-001", Title: "No policy allows every action on every resource", Severity: Critical,
		Controls: []string{"FSBP IAM.1", "CIS 1.15", "CKV_AWS_62", "CKV_AWS_274"}, Types: identityTypes,
		Fix: "Grant the actions the principal needs on the resources it needs (strata's grant package does).",
		eval: func(e *env) []Finding {
			return e.eachIdentityStatement(func(st statement) string {
				if slices.Contains(st.Action, "*") && slices.Contains(st.Resource, "*") {
					return fmt.Sprintf("statement %q allows * on *", st.Sid)
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-002", Title: "No service-wide wildcard actions", Severity: High,
		Controls: []string{"FSBP IAM.21", "CKV_AWS_63"}, Types: identityTypes,
		Fix: "List the actions instead of service:*.",
		eval: func(e *env) []Finding {
			return e.eachIdentityStatement(func(st statement) string {
				for _, a := range st.Action {
					if wildcardAction(a) {
						return fmt.Sprintf("statement %q allows %s", st.Sid, a)
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-003", Title: "Policies are scoped to resources where AWS allows it", Severity: Medium,
		Controls: []string{"CKV_AWS_355", "CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290"}, Types: identityTypes,
		Fix: "Name the bucket, key, secret, log group or table ARN instead of *.",
		eval: func(e *env) []Finding {
			return e.eachIdentityStatement(func(st statement) string {
				if !slices.Contains(st.Resource, "*") {
					return ""
				}
				for _, a := range st.Action {
					if !slices.Contains(starOnly, a) {
						return fmt.Sprintf("statement %q allows %s on *, though AWS can scope it", st.Sid, a)
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-010", Title: "No role can make itself administrator", Severity: Critical,
		Controls: []string{"FSBP IAM.1", "CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_289"}, Types: append(slices.Clone(identityTypes), attachmentTypes...),
		Fix: "Limit role and policy writes with an iam:PermissionsBoundary condition, pass roles only to named services (iam:PassedToService), and attach no admin-equivalent managed policy (IAMFullAccess, …).",
		eval: func(e *env) []Finding {
			out := e.eachIdentityStatement(func(st statement) string {
				if how := st.Escalation(); how != "" {
					return fmt.Sprintf("statement %q %s", st.Sid, how)
				}
				return ""
			})
			return append(out, e.eachAttachment(func(arn string) string {
				if how := iampolicy.AdminEquivalent(arn); how != "" {
					return fmt.Sprintf("attaches %s, which %s", arn, how)
				}
				return ""
			})...)
		},
	},
	&Check{
		ID: "STRATA-IAM-011", Title: "Actions that work only on * are granted on *", Severity: Low,
		Controls: []string{"(correctness)", "AWS service authorization reference"}, Types: identityTypes,
		Fix: "Grant the action on \"*\" in a statement of its own: AWS lists no resource type for it, so an ARN grants nothing.",
		eval: func(e *env) []Finding {
			return e.eachIdentityStatement(func(st statement) string {
				if slices.Contains(st.Resource, "*") {
					return ""
				}
				for _, a := range st.Action {
					if slices.Contains(starOnly, a) {
						return fmt.Sprintf("statement %q grants %s on %v, which AWS allows only on *: it grants nothing", st.Sid, a, []string(st.Resource))
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-004", Title: "No AdministratorAccess", Severity: Critical,
		Controls: []string{"FSBP IAM.1", "CKV_AWS_274"}, Types: append(slices.Clone(attachmentTypes), roleType),
		Fix:      "Attach narrower managed policies; AdministratorAccess only as a deliberate, reviewed exception.",
		Settings: []string{"baseline.DeployRole.ManagedPolicyARNs"},
		eval: func(e *env) []Finding {
			return e.eachAttachment(func(arn string) string {
				if strings.HasSuffix(arn, ":policy/AdministratorAccess") {
					return "attaches AdministratorAccess"
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-005", Title: "Trust policies name their principal and limit it with conditions", Severity: High,
		Controls: []string{"CKV_AWS_60", "CKV_AWS_61"}, Types: []string{roleType},
		Fix: "Trust one service with aws:SourceAccount (or aws:SourceArn), or one account with sts:ExternalId; never *.",
		eval: func(e *env) []Finding {
			return e.eachTrustStatement(func(st statement) string {
				if st.Public() {
					return fmt.Sprintf("statement %q trusts everyone", st.Sid)
				}
				cond := st.ConditionKeys()
				for _, p := range st.Principals() {
					switch {
					case strings.HasPrefix(p, "Service:") && !cond["aws:SourceAccount"] && !cond["aws:SourceArn"]:
						return fmt.Sprintf("trusts %s without aws:SourceAccount or aws:SourceArn", p)
					case strings.HasPrefix(p, "AWS:") && !cond["sts:ExternalId"] && !cond["aws:PrincipalOrgID"]:
						return fmt.Sprintf("trusts %s without sts:ExternalId or aws:PrincipalOrgID", p)
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-006", Title: "No trust to another account", Severity: Medium,
		Controls: []string{"CKV_AWS_61"}, Types: []string{roleType},
		Fix:      "Trust only this account's principals, or review the cross-account trust and suppress it with a justification.",
		Settings: []string{"baseline.DeployRole.TrustedPrincipal"},
		eval: func(e *env) []Finding {
			return e.eachTrustStatement(func(st statement) string {
				for _, p := range st.Principals() {
					if acct := accountOf(p); strings.HasPrefix(p, "AWS:") && acct != "" && acct != e.p.Account {
						return fmt.Sprintf("trusts account %s", acct)
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-007", Title: "ECS tasks have separate execution and task roles", Severity: Medium,
		Controls: []string{"CKV_AWS_249"}, Types: []string{taskDefType},
		Fix: "Give the task definition its own task role, distinct from the execution role.",
		eval: func(e *env) []Finding {
			return e.each([]string{taskDefType}, func(r *model.Resource) (string, bool) {
				exec, task := e.str(r, "executionRoleArn"), e.str(r, "taskRoleArn")
				if task == "" || exec == task {
					return "the application runs with the execution role's permissions", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-008", Title: "One policy style per role", Severity: Low,
		Controls: []string{"AWSGuard iam-role-no-policy-management-conflicts"}, Types: []string{roleType, rolePolicyType, attachmentType},
		Fix: "Use either inline role policies or attached managed policies on a role, not both.",
		eval: func(e *env) []Finding {
			inline, attached := map[string]bool{}, map[string]bool{}
			for _, rp := range e.idx.ByType(rolePolicyType) {
				inline[e.str(rp, "role")] = true
			}
			for _, att := range e.idx.ByType(attachmentType) {
				attached[e.str(att, "role")] = true
			}
			return e.each([]string{roleType}, func(r *model.Resource) (string, bool) {
				if inline[r.ID] && attached[r.ID] {
					return "has both inline and attached policies", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-009", Title: "No decrypting with every KMS key", Severity: High,
		Controls: []string{"FSBP KMS.1", "FSBP KMS.2"}, Types: identityTypes,
		Fix: "Allow kms:Decrypt on the key ARN, ideally with kms:ViaService.",
		eval: func(e *env) []Finding {
			return e.eachIdentityStatement(func(st statement) string {
				if !slices.Contains(st.Resource, "*") {
					return ""
				}
				for _, a := range st.Action {
					if a == "kms:Decrypt" || a == "kms:*" || a == "*" {
						return fmt.Sprintf("statement %q allows %s on every key", st.Sid, a)
					}
				}
				return ""
			})
		},
	},
)
