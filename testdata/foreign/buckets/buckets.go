// Package buckets is a program written without strata on pulumi-aws v6's
// legacy bucket: a website bucket readable by everyone through its ACL and
// an inline policy, with no encryption, versioning or public access block.
// It is planned and checked by strata's tests; it is never deployed.
package buckets

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Program is the program's pulumi.RunFunc.
func Program(ctx *pulumi.Context) error {
	_, err := s3.NewBucket(ctx, "site", &s3.BucketArgs{
		Bucket:  pulumi.String("example-site-assets"),
		Acl:     pulumi.String("public-read"),
		Website: &s3.BucketWebsiteArgs{IndexDocument: pulumi.String("index.html")},
		Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",` +
			`"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-site-assets/*"}]}`),
	})
	return err
}
