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
			p.Addf("%v %s, got %q", problems.Field("Name"), msg, a.Name)
		}
	} else {
		if !purposeChars.MatchString(a.Purpose) {
			p.Addf("%v must be lower-case letters, digits and hyphens, starting and ending with a letter or digit, got %q", problems.Field("Purpose"), a.Purpose)
		} else {
			generated := bucketName(project, a.Purpose, placeholderAccount)
			for _, msg := range BucketNameProblems(generated) {
				p.Addf("the generated name %s (project %q, %v %q, a 12-digit account ID), got %q: shorten %v or set %v", msg, project, problems.Field("Purpose"), a.Purpose, generated, problems.Field("Purpose"), problems.Field("Name"))
			}
		}
	}
	if a.KeepForever && len(a.LifecycleRules) > 0 {
		p.Addf("%v turns lifecycle rules off, but %v has %d: set one or the other", problems.Field("KeepForever"), problems.Field("LifecycleRules"), len(a.LifecycleRules))
	}
	if len(a.LifecycleRules) > MaxLifecycleRules {
		p.Addf("%v must hold at most %d rules, got %d", problems.Field("LifecycleRules"), MaxLifecycleRules, len(a.LifecycleRules))
	}
	if a.AbortIncompleteMultipartUploadDays < 1 {
		p.Addf("%v must be at least 1, got %d", problems.Field("AbortIncompleteMultipartUploadDays"), a.AbortIncompleteMultipartUploadDays)
	}
	if a.AccessLogBucket == nil && a.AccessLogPrefix != "" {
		p.Addf("%v %q is set but %v is not", problems.Field("AccessLogPrefix"), a.AccessLogPrefix, problems.Field("AccessLogBucket"))
	}
	CheckLogBucket(p, problems.Field("AccessLogBucket"), a.AccessLogBucket)
	if len(a.AccessLogPrefix) > MaxLogPrefix {
		p.Addf("%v must be at most %d characters (object keys are at most 1,024 with the log's own name), got %d", problems.Field("AccessLogPrefix"), MaxLogPrefix, len(a.AccessLogPrefix))
	}

	for i, d := range a.LogDeliveries {
		switch {
		case d.Service != CloudTrail && d.Service != Config:
			p.Addf("%v must be %q or %q, got %q", problems.Field("LogDeliveries").Index(i).Child("Service"), CloudTrail, Config, d.Service)
		case d.Service == CloudTrail && d.SourceARN == "":
			p.Addf("%v is required for CloudTrail: the trail's ARN", problems.Field("LogDeliveries").Index(i).Child("SourceARN"))
		}
		if d.SourceARN != "" && !strings.HasPrefix(d.SourceARN, "arn:") {
			p.Addf("%v must be an ARN, got %q", problems.Field("LogDeliveries").Index(i).Child("SourceARN"), d.SourceARN)
		}
	}

	seen := map[string]int{}
	for i, r := range a.LifecycleRules {
		where := problems.Field("LifecycleRules").Index(i)
		switch {
		case r.ID == "":
			p.Addf("%v must be set", where.Child("ID"))
		case len(r.ID) > maxRuleIDLength:
			p.Addf("%v must be at most %d characters, got %d", where.Child("ID"), maxRuleIDLength, len(r.ID))
		case r.ID == abortRuleID:
			p.Addf("%v %q is the always-on multipart rule's: choose another", where.Child("ID"), r.ID)
		}
		if j, dup := seen[r.ID]; dup && r.ID != "" {
			p.Addf("%v %q repeats %v: rule IDs must be unique", where.Child("ID"), r.ID, problems.Field("LifecycleRules").Index(j).Child("ID"))
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
			p.Addf("%v and %v do not go together: access-log targets use SSE-S3, as S3 and ELB log delivery require", problems.Field("AccessLogTarget"), problems.Field("KMSKeyARN"))
		}
		if len(a.LogDeliveries) > 0 {
			p.Addf("%v and %v do not go together: CloudTrail and Config deliver under the bucket's KMS key, which an access-log target has not", problems.Field("AccessLogTarget"), problems.Field("LogDeliveries"))
		}
		if a.AccessLogBucket != nil {
			p.Addf("%v and %v do not go together: an access-log target does not log its own access", problems.Field("AccessLogTarget"), problems.Field("AccessLogBucket"))
		}
	}
	return p.Err()
}

// checkTransitions checks one chain of transitions and its expiration.
func checkTransitions(p *problems.List, rule problems.Path, field, expField string, ts []Transition, expiration int) {
	lastDays, lastIA := -1, -1
	for j, t := range ts {
		where := rule.Child(field).Index(j)
		if !slices.Contains(storageClasses, t.StorageClass) {
			p.Addf("%v must be one of %s, got %q", where.Child("StorageClass"), strings.Join(storageClasses, ", "), t.StorageClass)
		}
		if t.Days < 0 {
			p.Addf("%v must not be negative, got %d", where.Child("Days"), t.Days)
		}
		if slices.Contains(iaClasses, t.StorageClass) && t.Days < MinIADays {
			p.Addf("%v must be at least %d for %s, got %d", where.Child("Days"), MinIADays, t.StorageClass, t.Days)
		}
		if lastDays >= 0 && t.Days <= lastDays {
			p.Addf("%v must be later than the transition before it (%d days), got %d", where.Child("Days"), lastDays, t.Days)
		}
		if lastIA >= 0 && t.Days < lastIA+MinIADays {
			p.Addf("%v must be at least %d days after the IA transition at %d days, got %d", where.Child("Days"), MinIADays, lastIA, t.Days)
		}
		if slices.Contains(iaClasses, t.StorageClass) {
			lastIA = t.Days
		}
		lastDays = max(lastDays, t.Days)
	}
	if expiration < 0 {
		p.Addf("%v must not be negative, got %d", rule.Child(expField), expiration)
	}
	if expiration > 0 && lastDays >= 0 && expiration <= lastDays {
		p.Addf("%v must come after every transition (the last at %d days), got %d", rule.Child(expField), lastDays, expiration)
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
func CheckLogBucket(p *problems.List, field problems.Path, bucket pulumi.StringInput) {
	lit, ok := bucket.(pulumi.String)
	if !ok {
		return
	}
	why := slices.DeleteFunc(BucketNameProblems(string(lit)), func(w string) bool { return strings.Contains(w, "in strata") })
	if len(why) > 0 {
		p.Addf("%v %q is not a bucket name: it %s", field, string(lit), strings.Join(why, "; "))
	}
}
