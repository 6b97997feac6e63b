// Package securebucket provides SecureBucket (type token
// strata:securebucket:SecureBucket): an S3 bucket that is private,
// versioned, encrypted with a customer-managed KMS key and reachable only
// over TLS 1.2 or later, with a lifecycle that keeps its cost down.
//
// A compute component is granted access with Grant(access) (Read, Write or
// ReadWrite) in its Grants: the IAM policy Policy(access) returns, scoped to
// this bucket, its objects and its key (only through S3), on the
// component's role, and the bucket's name in BUCKET_NAME.
//
// # Defaults
//
// Always on, not configurable:
//   - SSE-KMS default encryption with a customer-managed key and a bucket key
//     (FSBP S3.17); the component's own key is symmetric, rotated every 365
//     days, has a 30-day deletion window and a policy that names only the
//     account root (FSBP KMS.4/KMS.5).
//   - All four public-access-block flags (FSBP S3.1/S3.8) and ACLs disabled
//     with BucketOwnerEnforced (FSBP S3.12).
//   - Versioning (FSBP S3.14).
//   - A bucket policy of denies only: any request without TLS
//     (aws:SecureTransport false, FSBP S3.5), any TLS below 1.2, and any
//     upload whose headers ask for encryption other than SSE-KMS with this
//     bucket's key.
//
// What a writer may send with PutObject:
//   - no encryption headers (what the AWS SDKs send by default): the object
//     gets the bucket's default encryption, this key;
//   - x-amz-server-side-encryption: aws:kms with
//     x-amz-server-side-encryption-aws-kms-key-id naming this key by its
//     ARN or its key ID.
//
// Denied: AES256 (SSE-S3), aws:kms:dsse, another key, this key by an alias,
// aws:kms without a key ID (S3 would use the AWS managed aws/s3 key), and
// customer-provided keys (SSE-C). Each deny that compares a header also
// requires the header to be present (a Null condition), because IAM treats
// a negated or …IfExists operator on a missing header as true.
//   - A rule that aborts incomplete multipart uploads (FSBP S3.13).
//
// An access-log target (AccessLogTarget) is the exception to SSE-KMS: S3
// server access logging and ELB access logs can only deliver to an SSE-S3
// bucket, so such a bucket encrypts with SSE-S3, has no key, denies uploads
// naming other encryption, and admits logging.s3.amazonaws.com for this
// account (aws:SourceAccount) and ELB log delivery only under
// AWSLogs/<this account>/. strata check suppresses STRATA-S3-003 for it,
// saying why.
//
// Knobs and their defaults:
//   - Name: <project>-<Purpose>-<account ID>; Purpose defaults to the
//     component's name. Names follow S3's rules; strata also rejects dots.
//   - KMSKeyARN: the component creates its own key.
//   - LifecycleRules: DefaultLifecycleRules(), the seed's Standard-IA at 90
//     days, Glacier at 180, expiration at 365 and noncurrent versions expiring
//     after 30; KeepForever turns off every rule that moves or deletes data.
//   - AbortIncompleteMultipartUploadDays: 7.
//   - AccessLogBucket: no server access logging (stacks gives every bucket
//     the stack's log bucket). AccessLogTarget: false.
//   - ForceDestroy: false (a non-production stack may set it to be
//     destroyed cleanly). Protection is the caller's: pass pulumi.Protect to
//     protect the bucket and its key.
//
// # Resources
//
// For a SecureBucket named N:
//   - aws:kms/key:Key "N" and aws:kms/alias:Alias "N" (alias/N-…), unless
//     KMSKeyARN is given
//   - aws:s3/bucketV2:BucketV2 "N"
//   - aws:s3/bucketVersioningV2:BucketVersioningV2 "N"
//   - aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2 "N"
//   - aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock "N"
//   - aws:s3/bucketOwnershipControls:BucketOwnershipControls "N"
//   - aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2 "N"
//   - aws:s3/bucketPolicy:BucketPolicy "N"
//   - aws:s3/bucketLoggingV2:BucketLoggingV2 "N", with AccessLogBucket
//
// Renaming a SecureBucket replaces the bucket and its data: add an alias
// (pulumi.Aliases) instead.
//
// Cost tags (Project, Environment, Owner, CostCenter, ManagedBy) come from
// the provider you pass: make it with package awsprovider, whose default
// tags reach every resource the component creates.
package securebucket
