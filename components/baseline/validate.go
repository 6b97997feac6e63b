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
		p.Addf("TrailLogRetentionDays must be one of %s, got %d", awslimits.LogRetentionList(), a.TrailLogRetentionDays)
	}
	if a.TrailRetentionDays < MinTrailRetentionDays || a.TrailRetentionDays > MaxTrailRetentionDays {
		p.Addf("TrailRetentionDays must be %d to %d, got %d", MinTrailRetentionDays, MaxTrailRetentionDays, a.TrailRetentionDays)
	}
	if f := a.FindingFrequency; !slices.Contains([]string{"FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"}, f) {
		p.Addf("FindingFrequency must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS, got %q", f)
	}
	if f := a.ConfigDeliveryFrequency; !slices.Contains([]string{"One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"}, f) {
		p.Addf("ConfigDeliveryFrequency must be One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours, got %q", f)
	}
	seen := map[string]int{}
	for i, r := range a.ConfigRules {
		if !slices.Contains(managedRules, r) {
			hint := ""
			if s := didyoumean.Suggest(r, managedRules); s != "" {
				hint = fmt.Sprintf(": did you mean %q?", s)
			}
			p.Addf("ConfigRules[%d] %q is not an AWS managed rule strata knows%s", i, r, hint)
		}
		if j, dup := seen[r]; dup {
			p.Addf("ConfigRules[%d] %q repeats ConfigRules[%d]", i, r, j)
		}
		seen[r] = i
	}
	if r := a.DeployRole; r != nil {
		switch {
		case r.TrustedPrincipal == "":
			p.Addf("DeployRole.TrustedPrincipal is required: a 12-digit account ID or a role ARN")
		case !accountRE.MatchString(r.TrustedPrincipal) && !roleARNRE().MatchString(r.TrustedPrincipal):
			p.Addf("DeployRole.TrustedPrincipal must be a 12-digit account ID or a role ARN (arn:aws:iam::<account>:role/<name>), got %q", r.TrustedPrincipal)
		}
		if n := len(r.ExternalID); n < 2 || n > 1224 || !externalIDRE.MatchString(r.ExternalID) {
			p.Addf("DeployRole.ExternalID must be 2 to 1224 letters, digits and _+=,.@:/-, got %d characters%s", len(r.ExternalID), badChars(r.ExternalID))
		}
		if r.OrgID != "" && !orgIDRE.MatchString(r.OrgID) {
			p.Addf("DeployRole.OrgID must be an organization ID such as o-a1b2c3d4e5, got %q", r.OrgID)
		}
		if r.MaxSessionSeconds < MinSessionSeconds || r.MaxSessionSeconds > MaxSessionSeconds {
			p.Addf("DeployRole.MaxSessionSeconds must be %d to %d, got %d", MinSessionSeconds, MaxSessionSeconds, r.MaxSessionSeconds)
		}
		if !roleNameRE.MatchString(r.RoleName) {
			p.Addf("DeployRole.RoleName must be 1 to 64 letters, digits and _+=,.@-, got %q", r.RoleName)
		}
		most := MaxManagedPolicies
		if a.PermissionsBoundaryARN != "" {
			most-- // the role-management policy is attached too
		}
		if n := len(r.ManagedPolicyARNs); n < 1 || n > most {
			p.Addf("DeployRole.ManagedPolicyARNs must list 1 to %d managed policies (the role's permissions), got %d", most, n)
		}
		for i, arn := range r.ManagedPolicyARNs {
			switch how := iampolicy.AdminEquivalent(arn); {
			case !iampolicy.ManagedPolicyARN(arn):
				p.Addf("DeployRole.ManagedPolicyARNs[%d] must be a managed policy ARN, got %q", i, arn)
			case how != "" && !r.AllowAdministratorAccess:
				p.Addf("DeployRole.ManagedPolicyARNs[%d] is %s, which %s: the role could make itself administrator; list narrower policies (PowerUserAccess with PermissionsBoundaryARN deploys strata), or set AllowAdministratorAccess to grant it on purpose",
					i, arn[strings.LastIndex(arn, "/")+1:], how)
			}
		}
		iampolicy.CheckPolicyARN(p, "DeployRole.PermissionsBoundaryARN", r.PermissionsBoundaryARN)
	}
	iampolicy.CheckPolicyARN(p, "PermissionsBoundaryARN", a.PermissionsBoundaryARN)
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
