package awsread

import "github.com/strata-infra/strata/plan/model"

// The bucket types of both provider generations, and their companions:
// pulumi-aws v6 has the legacy aws:s3/bucket:Bucket (its settings inline)
// and BucketV2 with companions suffixed V2; v7's aws:s3/bucket:Bucket is
// v6's BucketV2, with unsuffixed companions.
var (
	BucketTypes     = []string{"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"}
	SSETypes        = []string{"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"}
	VersioningTypes = []string{"aws:s3/bucketVersioningV2:BucketVersioningV2", "aws:s3/bucketVersioning:BucketVersioning"}
	LifecycleTypes  = []string{"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"}
	LoggingTypes    = []string{"aws:s3/bucketLoggingV2:BucketLoggingV2", "aws:s3/bucketLogging:BucketLogging"}
	ACLTypes        = []string{"aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"}
)

// Buckets are the plan's buckets of either generation.
func Buckets(p *model.Plan) []*model.Resource {
	var out []*model.Resource
	for _, t := range BucketTypes {
		out = append(out, p.ByType(t)...)
	}
	return out
}

// Companion is the resource of one of types that configures the bucket
// named name, or nil.
func Companion(p *model.Plan, name string, types []string) *model.Resource {
	for _, t := range types {
		for _, r := range p.ByType(t) {
			if b, _ := reveal(r.Inputs["bucket"]).(string); b == name {
				return r
			}
		}
	}
	return nil
}

// Versioned reports whether the bucket named name, b, keeps versions: by a
// versioning companion of either generation, or inline (v6's legacy
// versioning.enabled, BucketV2's deprecated versionings[0].enabled).
func Versioned(p *model.Plan, b *model.Resource, name string) bool {
	if v := Companion(p, name, VersioningTypes); v != nil {
		s, _ := v.Input("versioningConfiguration.status")
		return reveal(s) == "Enabled"
	}
	for _, path := range []string{"versioning.enabled", "versionings.0.enabled"} {
		if v, _ := b.Input(path); reveal(v) == true {
			return true
		}
	}
	return false
}
