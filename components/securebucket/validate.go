package securebucket

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/problems"
)

var (
	bucketChars  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	purposeChars = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	// reservedPrefixes and reservedSuffixes are S3's.
	reservedPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3"}
	// placeholderAccount stands in for the account ID when a generated name
	// is checked before the account is known; IDs are always 12 digits.
	placeholderAccount = "000000000000"
)

// storageClasses are the transition targets; iaClasses the ones with a
// 30-day minimum.
var (
	storageClasses = []string{StandardIA, OneZoneIA, IntelligentTiering, GlacierIR, Glacier, DeepArchive}
	iaClasses      = []string{StandardIA, OneZoneIA}
)

// BucketNameProblems returns what is wrong with an S3 bucket name, or nil.
func BucketNameProblems(name string) []string {
	var out []string
	if n := len(name); n < 3 || n > 63 {
		out = append(out, fmt.Sprintf("must be 3 to 63 characters, got %d", n))
	}
	if !bucketChars.MatchString(name) {
		out = append(out, "must be lower-case letters, digits, hyphens and dots, starting and ending with a letter or digit")
	}
	if strings.Contains(name, "..") {
		out = append(out, "must not contain two adjacent dots")
	}
	if strings.Contains(name, ".") {
		out = append(out, "must not contain dots in strata (TLS fails for dotted names with virtual-hosted addressing)")
	}
	if addr, err := netip.ParseAddr(name); err == nil && addr.Is4() {
		out = append(out, "must not be shaped like an IP address")
	}
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(name, p) {
			out = append(out, fmt.Sprintf("must not start with the reserved prefix %q", p))
		}
	}
	for _, s := range reservedSuffixes {
		if strings.HasSuffix(name, s) {
			out = append(out, fmt.Sprintf("must not end with the reserved suffix %q", s))
		}
	}
	return out
}

// bucketName is the generated name: <project>-<purpose>-<account>.
func bucketName(project, purpose, account string) string {
	p := strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(project))
	return p + "-" + purpose + "-" + account
}

// validate checks args (already defaulted).
func validate(name, project string, a Args) error {
	p := problems.For("securebucket", name)
	if a.Name != "" {
		for _, msg := range BucketNameProblems(a.Name) {
			p.Addf("Name %s, got %q", msg, a.Name)
		}
	} else {
		if !purposeChars.MatchString(a.Purpose) {
			p.Addf("Purpose must be lower-case letters, digits and hyphens, starting and ending with a letter or digit, got %q", a.Purpose)
		} else {
			generated := bucketName(project, a.Purpose, placeholderAccount)
			for _, msg := range BucketNameProblems(generated) {
				p.Addf("the generated name %s (project %q, Purpose %q, a 12-digit account ID), got %q: shorten Purpose or set Name",
					msg, project, a.Purpose, generated)
			}
		}
	}
	if a.KeepForever && len(a.LifecycleRules) > 0 {
		p.Addf("KeepForever turns lifecycle rules off, but LifecycleRules has %d: set one or the other", len(a.LifecycleRules))
	}
	if len(a.LifecycleRules) > MaxLifecycleRules {
		p.Addf("LifecycleRules must hold at most %d rules, got %d", MaxLifecycleRules, len(a.LifecycleRules))
	}
	if a.AbortIncompleteMultipartUploadDays < 1 {
		p.Addf("AbortIncompleteMultipartUploadDays must be at least 1, got %d", a.AbortIncompleteMultipartUploadDays)
	}
	if a.AccessLogBucket == nil && a.AccessLogPrefix != "" {
		p.Addf("AccessLogPrefix %q is set but AccessLogBucket is not", a.AccessLogPrefix)
	}
	CheckLogBucket(p, "AccessLogBucket", a.AccessLogBucket)
	if len(a.AccessLogPrefix) > MaxLogPrefix {
		p.Addf("AccessLogPrefix must be at most %d characters (object keys are at most 1,024 with the log's own name), got %d", MaxLogPrefix, len(a.AccessLogPrefix))
	}

	for i, d := range a.LogDeliveries {
		switch {
		case d.Service != CloudTrail && d.Service != Config:
			p.Addf("LogDeliveries[%d].Service must be %q or %q, got %q", i, CloudTrail, Config, d.Service)
		case d.Service == CloudTrail && d.SourceARN == "":
			p.Addf("LogDeliveries[%d].SourceARN is required for CloudTrail: the trail's ARN", i)
		}
		if d.SourceARN != "" && !strings.HasPrefix(d.SourceARN, "arn:") {
			p.Addf("LogDeliveries[%d].SourceARN must be an ARN, got %q", i, d.SourceARN)
		}
	}

	seen := map[string]int{}
	for i, r := range a.LifecycleRules {
		where := fmt.Sprintf("LifecycleRules[%d]", i)
		switch {
		case r.ID == "":
			p.Addf("%s.ID must be set", where)
		case len(r.ID) > maxRuleIDLength:
			p.Addf("%s.ID must be at most %d characters, got %d", where, maxRuleIDLength, len(r.ID))
		case r.ID == abortRuleID:
			p.Addf("%s.ID %q is the always-on multipart rule's: choose another", where, r.ID)
		}
		if j, dup := seen[r.ID]; dup && r.ID != "" {
			p.Addf("%s.ID %q repeats LifecycleRules[%d].ID: rule IDs must be unique", where, r.ID, j)
		}
		seen[r.ID] = i
		if len(r.Transitions) == 0 && r.ExpirationDays == 0 && len(r.NoncurrentTransitions) == 0 && r.NoncurrentExpirationDays == 0 {
			p.Addf("%s does nothing: give it a transition or an expiration", where)
		}
		checkTransitions(p, where, "Transitions", "ExpirationDays", r.Transitions, r.ExpirationDays)
		checkTransitions(p, where, "NoncurrentTransitions", "NoncurrentExpirationDays", r.NoncurrentTransitions, r.NoncurrentExpirationDays)
	}
	if a.AccessLogTarget {
		if a.KMSKeyARN != nil {
			p.Addf("AccessLogTarget and KMSKeyARN do not go together: access-log targets use SSE-S3, as S3 and ELB log delivery require")
		}
		if len(a.LogDeliveries) > 0 {
			p.Addf("AccessLogTarget and LogDeliveries do not go together: CloudTrail and Config deliver under the bucket's KMS key, which an access-log target has not")
		}
		if a.AccessLogBucket != nil {
			p.Addf("AccessLogTarget and AccessLogBucket do not go together: an access-log target does not log its own access")
		}
	}
	return p.Err()
}

// checkTransitions checks one chain of transitions and its expiration.
func checkTransitions(p *problems.List, rule, field, expField string, ts []Transition, expiration int) {
	lastDays, lastIA := -1, -1
	for j, t := range ts {
		where := fmt.Sprintf("%s.%s[%d]", rule, field, j)
		if !slices.Contains(storageClasses, t.StorageClass) {
			p.Addf("%s.StorageClass must be one of %s, got %q", where, strings.Join(storageClasses, ", "), t.StorageClass)
		}
		if t.Days < 0 {
			p.Addf("%s.Days must not be negative, got %d", where, t.Days)
		}
		if slices.Contains(iaClasses, t.StorageClass) && t.Days < MinIADays {
			p.Addf("%s.Days must be at least %d for %s, got %d", where, MinIADays, t.StorageClass, t.Days)
		}
		if lastDays >= 0 && t.Days <= lastDays {
			p.Addf("%s.Days must be later than the transition before it (%d days), got %d", where, lastDays, t.Days)
		}
		if lastIA >= 0 && t.Days < lastIA+MinIADays {
			p.Addf("%s.Days must be at least %d days after the IA transition at %d days, got %d", where, MinIADays, lastIA, t.Days)
		}
		if slices.Contains(iaClasses, t.StorageClass) {
			lastIA = t.Days
		}
		lastDays = max(lastDays, t.Days)
	}
	if expiration < 0 {
		p.Addf("%s.%s must not be negative, got %d", rule, expField, expiration)
	}
	if expiration > 0 && lastDays >= 0 && expiration <= lastDays {
		p.Addf("%s.%s must come after every transition (the last at %d days), got %d", rule, expField, lastDays, expiration)
	}
}

// Validate reports every problem with args (nil means all defaults) for a
// SecureBucket named name in project project, without registering anything.
// New runs it first.
func Validate(name, project string, args *Args) error {
	return validate(name, project, args.withDefaults(name))
}

// MaxLogPrefix bounds an access-log prefix: S3 keys are at most 1,024
// bytes, and the log delivery adds its own path after the prefix.
const MaxLogPrefix = 512

// CheckLogBucket reports a log target written in the program that is not
// a bucket name (an empty one included). A bucket from another resource
// is checked by AWS.
func CheckLogBucket(p *problems.List, field string, bucket pulumi.StringInput) {
	lit, ok := bucket.(pulumi.String)
	if !ok {
		return
	}
	why := slices.DeleteFunc(BucketNameProblems(string(lit)), func(w string) bool { return strings.Contains(w, "in strata") })
	if len(why) > 0 {
		p.Addf("%s %q is not a bucket name: it %s", field, string(lit), strings.Join(why, "; "))
	}
}
