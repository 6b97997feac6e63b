// Package awsconfig knows the config keys of the AWS provider (the aws:
// namespace of a stack file) and of Pulumi itself (pulumi:), so a stack
// file's misspelled key is caught in every namespace, not only the
// project's.
package awsconfig

import "slices"

// AWSKeys are the keys pulumi-aws v6.83.4 and v7.12.0 read, without the
// aws: prefix, as their Go SDKs' config packages name them
// (TestAWSKeysAreTheSDKs keeps this list equal to theirs).
var AWSKeys = []string{
	"accessKey",
	"allowedAccountIds",
	"assumeRole",
	"assumeRoleWithWebIdentity",
	"assumeRoles",
	"customCaBundle",
	"defaultTags",
	"ec2MetadataServiceEndpoint",
	"ec2MetadataServiceEndpointMode",
	"endpoints",
	"forbiddenAccountIds",
	"httpProxy",
	"httpsProxy",
	"ignoreTags",
	"insecure",
	"maxRetries",
	"noProxy",
	"profile",
	"region",
	"retryMode",
	"s3UsEast1RegionalEndpoint",
	"s3UsePathStyle",
	"secretKey",
	"sharedConfigFiles",
	"sharedCredentialsFiles",
	"skipCredentialsValidation",
	"skipMetadataApiCheck",
	"skipRegionValidation",
	"skipRequestingAccountId",
	"stsRegion",
	"token",
	"tokenBucketRateLimiterCapacity",
	"useDualstackEndpoint",
	"useFipsEndpoint",
}

// PulumiKeys are the pulumi: keys the engine reads from a stack's config.
var PulumiKeys = []string{"disable-default-providers", "tags"}

// Known says whether key ("aws:region") is one of namespace's keys, for
// the aws and pulumi namespaces; other namespaces are not judged here.
func Known(key string) (known, judged bool) {
	switch {
	case len(key) > 4 && key[:4] == "aws:":
		return slices.Contains(AWSKeys, key[4:]), true
	case len(key) > 7 && key[:7] == "pulumi:":
		return slices.Contains(PulumiKeys, key[7:]), true
	}
	return false, false
}
