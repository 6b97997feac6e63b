package baseline

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/strata-infra/strata/internal/awslimits"
	"github.com/strata-infra/strata/internal/didyoumean"
	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/internal/problems"
)

var (
	externalIDRE = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	accountRE    = regexp.MustCompile(`^\d{12}$`)
	// roleARNRE is compiled on first use: its 512-character bound makes a
	// 350 KB program, which every command would otherwise build at start-up.
	roleARNRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)
	})
	orgIDRE    = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	nameRE     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
)

func validate(name string, a Args) error {
	p := problems.For("baseline", name)
	if !nameRE.MatchString(name) {
		p.Addf("the component name must be 1 to 64 letters, digits, _ and -, starting with a letter or digit (it names the trail and the Config recorder), got %q", name)
	}
	if !awslimits.IsLogRetention(a.TrailLogRetentionDays) {
		p.Addf("%v must be one of %s, got %d", problems.Field("TrailLogRetentionDays"), awslimits.LogRetentionList(), a.TrailLogRetentionDays)
	}
	if a.TrailRetentionDays < MinTrailRetentionDays || a.TrailRetentionDays > MaxTrailRetentionDays {
		p.Addf("%v must be %d to %d, got %d", problems.Field("TrailRetentionDays"), MinTrailRetentionDays, MaxTrailRetentionDays, a.TrailRetentionDays)
	}
	if f := a.FindingFrequency; !slices.Contains([]string{"FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"}, f) {
		p.Addf("%v must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS, got %q", problems.Field("FindingFrequency"), f)
	}
	if f := a.ConfigDeliveryFrequency; !slices.Contains([]string{"One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"}, f) {
		p.Addf("%v must be One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours, got %q", problems.Field("ConfigDeliveryFrequency"), f)
	}
	seen := map[string]int{}
	for i, r := range a.ConfigRules {
		if !slices.Contains(managedRules, r) {
			hint := ""
			if s := didyoumean.Suggest(r, managedRules); s != "" {
				hint = fmt.Sprintf(": did you mean %q?", s)
			}
			p.Addf("%v %q is not an AWS managed rule strata knows%s", problems.Field("ConfigRules").Index(i), r, hint)
		}
		if j, dup := seen[r]; dup {
			p.Addf("%v %q repeats %v", problems.Field("ConfigRules").Index(i), r, problems.Field("ConfigRules").Index(j))
		}
		seen[r] = i
	}
	if r := a.DeployRole; r != nil {
		switch {
		case r.TrustedPrincipal == "":
			p.Addf("%v is required: a 12-digit account ID or a role ARN", problems.Field("DeployRole").Child("TrustedPrincipal"))
		case !accountRE.MatchString(r.TrustedPrincipal) && !roleARNRE().MatchString(r.TrustedPrincipal):
			p.Addf("%v must be a 12-digit account ID or a role ARN (arn:aws:iam::<account>:role/<name>), got %q", problems.Field("DeployRole").Child("TrustedPrincipal"), r.TrustedPrincipal)
		}
		if n := len(r.ExternalID); n < 2 || n > 1224 || !externalIDRE.MatchString(r.ExternalID) {
			p.Addf("%v must be 2 to 1224 letters, digits and _+=,.@:/-, got %d characters%s", problems.Field("DeployRole").Child("ExternalID"), len(r.ExternalID), badChars(r.ExternalID))
		}
		if r.OrgID != "" && !orgIDRE.MatchString(r.OrgID) {
			p.Addf("%v must be an organization ID such as o-a1b2c3d4e5, got %q", problems.Field("DeployRole").Child("OrgID"), r.OrgID)
		}
		if r.MaxSessionSeconds < MinSessionSeconds || r.MaxSessionSeconds > MaxSessionSeconds {
			p.Addf("%v must be %d to %d, got %d", problems.Field("DeployRole").Child("MaxSessionSeconds"), MinSessionSeconds, MaxSessionSeconds, r.MaxSessionSeconds)
		}
		if !roleNameRE.MatchString(r.RoleName) {
			p.Addf("%v must be 1 to 64 letters, digits and _+=,.@-, got %q", problems.Field("DeployRole").Child("RoleName"), r.RoleName)
		}
		most := MaxManagedPolicies
		if a.PermissionsBoundaryARN != "" {
			most-- // the role-management policy is attached too
		}
		if n := len(r.ManagedPolicyARNs); n < 1 || n > most {
			p.Addf("%v must list 1 to %d managed policies (the role's permissions), got %d", problems.Field("DeployRole").Child("ManagedPolicyARNs"), most, n)
		}
		for i, arn := range r.ManagedPolicyARNs {
			switch how := iampolicy.AdminEquivalent(arn); {
			case !iampolicy.ManagedPolicyARN(arn):
				p.Addf("%v must be a managed policy ARN, got %q", problems.Field("DeployRole").Child("ManagedPolicyARNs").Index(i), arn)
			case how != "" && !r.AllowAdministratorAccess:
				p.Addf("%v is %s, which %s: the role could make itself administrator; list narrower policies (PowerUserAccess with %v deploys strata), or set AllowAdministratorAccess to grant it on purpose", problems.Field("DeployRole").Child("ManagedPolicyARNs").Index(i), arn[strings.LastIndex(arn, "/")+1:], how, problems.Field("PermissionsBoundaryARN"))
			}
		}
		iampolicy.CheckPolicyARN(p, problems.Field("DeployRole").Child("PermissionsBoundaryARN"), r.PermissionsBoundaryARN)
	}
	iampolicy.CheckPolicyARN(p, problems.Field("PermissionsBoundaryARN"), a.PermissionsBoundaryARN)
	return p.Err()
}

// badChars names the characters an external ID may not hold, without
// printing the (secret) value itself.
func badChars(id string) string {
	var bad []string
	for _, r := range id {
		if !externalIDRE.MatchString(string(r)) && !slices.Contains(bad, fmt.Sprintf("%q", r)) {
			bad = append(bad, fmt.Sprintf("%q", r))
		}
	}
	if len(bad) == 0 {
		return ""
	}
	return " including " + strings.Join(bad, ", ")
}

// Validate reports every problem with args for a Baseline named name,
// without registering anything. New runs it first.
func Validate(name string, args *Args) error {
	return validate(name, args.withDefaults())
}
