package iampolicy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/strata-infra/strata/internal/problems"
)

// ManagedPolicyARN reports whether s is the ARN of a managed policy, AWS's
// or an account's.
func ManagedPolicyARN(s string) bool { return managedPolicyARN().MatchString(s) }

// managedPolicyARN is compiled on first use: its 512-character bound makes
// a 350 KB program, which every command would otherwise build at start-up.
var managedPolicyARN = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws[a-z-]*:iam::(aws|\d{12}):policy/[\w+=,.@/-]{1,512}$`)
})

// CheckPolicyARN reports an optional field that is set but is not a
// managed policy ARN, such as a permissions boundary.
func CheckPolicyARN(p *problems.List, field problems.Path, arn string) {
	if arn != "" && !ManagedPolicyARN(arn) {
		p.Addf("%v must be a managed policy ARN (arn:aws:iam::<account>:policy/<name>), got %q", field, arn)
	}
}

// adminEquivalent are AWS managed policies known to let a principal make
// itself administrator, each with how. The list is of known paths, not
// a proof that other policies are safe.
var adminEquivalent = map[string]string{
	"AdministratorAccess":                     "allows every action on every resource",
	"IAMFullAccess":                           "allows iam:*, so the role can attach AdministratorAccess to itself",
	"AdministratorAccess-Amplify":             "can create roles, attach policies to them and pass them",
	"AdministratorAccess-AWSElasticBeanstalk": "can create roles, attach policies to them and pass them",
}

// AdminEquivalent reports how an attached managed policy lets a principal
// make itself administrator, or "" when it is not one strata knows.
func AdminEquivalent(policyARN string) string {
	_, name, ok := strings.Cut(policyARN, ":policy/")
	if !ok || !strings.Contains(policyARN, ":iam::aws:") {
		return ""
	}
	return adminEquivalent[name]
}

// AdminEquivalentNames lists the managed policies AdminEquivalent knows.
func AdminEquivalentNames() []string {
	var out []string
	for n := range adminEquivalent {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// escalating are IAM actions with which a principal can give itself, or a
// principal it controls, more permissions.
var escalating = []string{
	"iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary",
	"iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary",
	"iam:AttachGroupPolicy", "iam:PutGroupPolicy", "iam:AddUserToGroup",
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:UpdateAssumeRolePolicy",
	"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
}

// boundaryCondition reports whether a statement holds only for requests
// that set a permissions boundary (iam:PermissionsBoundary with a positive
// operator, not IfExists): on every other request it grants nothing.
func (s Statement) boundaryCondition() bool {
	for op, keys := range s.Condition {
		base, ifExists := strings.CutSuffix(op, "IfExists")
		o, known := operators[base]
		if ifExists || !known || o.negated {
			continue
		}
		for k := range keys {
			if strings.EqualFold(k, "iam:PermissionsBoundary") {
				return true
			}
		}
	}
	return false
}

// Escalation says how an Allow statement lets a principal raise its own
// permissions, or "" when it does not: it allows an action that attaches or
// writes policies, changes a boundary or a trust policy, or makes
// credentials, unless a permissions-boundary condition limits it; or it
// passes any role to any service.
func (s Statement) Escalation() string {
	if s.Effect != effectAllow {
		return ""
	}
	if !s.boundaryCondition() {
		for _, a := range escalating {
			if s.Allows(a) {
				return fmt.Sprintf("allows %s without an iam:PermissionsBoundary condition", a)
			}
		}
	}
	if s.Allows("iam:PassRole") && !s.ConditionKeys()["iam:PassedToService"] {
		for _, r := range s.Resource {
			if r == "*" || strings.HasSuffix(r, ":role/*") {
				return fmt.Sprintf("allows iam:PassRole on %s to any service", r)
			}
		}
	}
	return ""
}
