package securebucket

import (
	"cmp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Storage classes a lifecycle transition may move objects to.
const (
	StandardIA         = "STANDARD_IA"
	OneZoneIA          = "ONEZONE_IA"
	IntelligentTiering = "INTELLIGENT_TIERING"
	GlacierIR          = "GLACIER_IR"
	Glacier            = "GLACIER"
	DeepArchive        = "DEEP_ARCHIVE"
)

// Defaults and limits.
const (
	// DefaultAbortIncompleteMultipartUploadDays is when unfinished multipart
	// uploads, which are billed but invisible, are removed.
	DefaultAbortIncompleteMultipartUploadDays = 7
	// MinIADays is how long objects must sit before moving to an IA class,
	// and how long after an IA transition the next transition may come.
	MinIADays = 30
	// MaxLifecycleRules is S3's limit per bucket.
	MaxLifecycleRules = 1000
	// maxRuleIDLength is S3's limit on a rule ID.
	maxRuleIDLength = 255
)

// Transition moves objects to StorageClass Days days after creation (or,
// for noncurrent transitions, after they became noncurrent).
type Transition struct {
	Days         int    `json:"days"`
	StorageClass string `json:"storageClass"`
}

// LifecycleRule is one lifecycle rule. Zero values mean "no such action".
type LifecycleRule struct {
	// ID names the rule: unique in the bucket, 1-255 characters. Required.
	ID string `json:"id"`
	// Prefix limits the rule to keys that start with it. Default: the whole
	// bucket.
	Prefix string `json:"prefix"`
	// Transitions, in increasing Days: to an IA class no sooner than 30 days,
	// and any transition after an IA one at least 30 days later.
	Transitions []Transition `json:"transitions"`
	// ExpirationDays deletes current versions (leaving a noncurrent version)
	// after this many days; it must come after every transition.
	ExpirationDays int `json:"expirationDays"`
	// NoncurrentTransitions follow the same rules, counted from when a
	// version became noncurrent.
	NoncurrentTransitions []Transition `json:"noncurrentTransitions"`
	// NoncurrentExpirationDays permanently deletes noncurrent versions after
	// this many days; it must come after every noncurrent transition.
	NoncurrentExpirationDays int `json:"noncurrentExpirationDays"`
}

// DefaultLifecycleRules are the seed's: Standard-IA at 90 days, Glacier at
// 180, expiration at 365, and noncurrent versions expire after 30 days.
func DefaultLifecycleRules() []LifecycleRule {
	return []LifecycleRule{{
		ID:                       "archive-then-expire",
		Transitions:              []Transition{{Days: 90, StorageClass: StandardIA}, {Days: 180, StorageClass: Glacier}},
		ExpirationDays:           365,
		NoncurrentExpirationDays: 30,
	}}
}

// Services that can deliver logs into a bucket.
const (
	CloudTrail = "cloudtrail.amazonaws.com"
	Config     = "config.amazonaws.com"
)

// LogDelivery lets an AWS service write its logs into the bucket, under
// AWSLogs/<account>/, encrypted with the bucket's key.
type LogDelivery struct {
	// Service is CloudTrail or Config. Required.
	Service string
	// SourceARN limits delivery to the matching resources (aws:SourceArn),
	// such as one trail's ARN. Required for CloudTrail.
	// Default: any resource of the service in this account.
	SourceARN string
}

// Access is what a grant lets a principal do with the bucket.
type Access int

// The kinds of access Policy grants.
const (
	// Read lists the bucket and reads objects and their versions.
	Read Access = iota + 1
	// Write puts objects (and aborts its own multipart uploads).
	Write
	// ReadWrite is Read and Write plus deleting objects.
	ReadWrite
)

func (a Access) String() string {
	switch a {
	case Read:
		return "read"
	case Write:
		return "write"
	case ReadWrite:
		return "read-write"
	}
	return "unknown access"
}

// Args configure a SecureBucket. The zero value is valid: a bucket named
// <project>-<component name>-<account ID> with its own key and the seed's
// lifecycle.
type Args struct {
	// Name is the bucket's full name, for a bucket that must have a given
	// name. It must follow S3's naming rules, and strata also rejects dots
	// (TLS breaks with virtual-hosted addressing).
	// Default: <project>-<Purpose>-<account ID>, globally unique.
	Name string

	// Purpose is the middle part of the generated name: lower-case letters,
	// digits and hyphens. Default: the component's name.
	Purpose string

	// KMSKeyARN is an existing customer-managed key to encrypt with.
	// Default: the component creates its own key (rotated yearly, 30-day
	// deletion window, a policy naming only the account root).
	KMSKeyARN pulumi.StringInput

	// LifecycleRules replace the default rules, at most 1000.
	// Default: DefaultLifecycleRules().
	LifecycleRules []LifecycleRule

	// KeepForever turns off every rule that moves or deletes data, for a
	// bucket whose data must never expire; incomplete multipart uploads are
	// still aborted. It cannot be combined with LifecycleRules.
	// Default: false.
	KeepForever bool

	// AbortIncompleteMultipartUploadDays removes unfinished multipart
	// uploads after this many days, at least 1. This rule is always on.
	// Default: DefaultAbortIncompleteMultipartUploadDays (7).
	AbortIncompleteMultipartUploadDays int

	// AccessLogBucket turns on server access logging to this bucket (by
	// name). The target must use SSE-S3 and allow the logging service to
	// write (S3 cannot deliver access logs to an SSE-KMS bucket).
	// Default: no access logging.
	AccessLogBucket pulumi.StringInput

	// AccessLogPrefix is the key prefix of the access logs.
	// Default: "<bucket name>/".
	AccessLogPrefix string

	// ForceDestroy lets the bucket be deleted with objects still in it, so a
	// non-production stack can be destroyed cleanly. Default: false.
	ForceDestroy bool

	// LogDeliveries let AWS services (CloudTrail, Config) write logs into
	// the bucket: the bucket policy allows each one, for this account only,
	// and the bucket's own key lets it encrypt them (with KMSKeyARN, that
	// key's policy must). Default: none.
	LogDeliveries []LogDelivery

	// AccessLogTarget makes the bucket the target of access logs: S3
	// server access logs (logging.s3.amazonaws.com) and load balancer
	// access logs (ELB log delivery), each allowed only for this account.
	// Both services require SSE-S3 on their target, so the bucket encrypts
	// with SSE-S3 and has no key; uploads naming other encryption are still
	// denied. Not with KMSKeyARN or LogDeliveries. Default: false.
	AccessLogTarget bool
}

func (a *Args) withDefaults(name string) Args {
	var out Args
	if a != nil {
		out = *a
	}
	out.Purpose = cmp.Or(out.Purpose, name)
	if out.LifecycleRules == nil && !out.KeepForever {
		out.LifecycleRules = DefaultLifecycleRules()
	}
	out.AbortIncompleteMultipartUploadDays = cmp.Or(out.AbortIncompleteMultipartUploadDays, DefaultAbortIncompleteMultipartUploadDays)
	return out
}
