package appservice

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/internal/iamdoc"
)

// Grant is one permission of the application's task role, scoped to one
// resource. Make grants with BucketAccess and SecretRead; there is no way
// to grant a free-form policy.
type Grant struct {
	what   string
	policy pulumi.StringInput
}

// BucketAccess lets the application read, write or read-write one
// SecureBucket: its objects, s3:ListBucket on the bucket for reads, and its
// key only through S3.
func BucketAccess(b *securebucket.SecureBucket, access securebucket.Access) Grant {
	return Grant{what: "bucket " + access.String(), policy: b.Policy(access)}
}

// SecretRead lets the application read one Secrets Manager secret at run
// time, and decrypt it with keyARN (when not nil) only through Secrets
// Manager.
func SecretRead(secretARN, keyARN pulumi.StringInput) Grant {
	policy := pulumi.All(secretARN, optional(keyARN)).ApplyT(func(v []any) (string, error) {
		return iamdoc.New(secretStatements(v[0].(string), v[1].(string))...).JSON()
	}).(pulumi.StringOutput)
	return Grant{what: "secret read", policy: policy}
}

// secretStatements read one secret and decrypt it through Secrets Manager.
func secretStatements(secretARN, keyARN string) []iamdoc.Statement {
	out := []iamdoc.Statement{{
		Sid: "ReadSecret", Effect: iamdoc.Allow,
		Action:   []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
		Resource: []string{secretARN},
	}}
	if keyARN != "" {
		out = append(out, iamdoc.Statement{
			Sid: "DecryptSecret", Effect: iamdoc.Allow,
			Action: []string{"kms:Decrypt"}, Resource: []string{keyARN},
			Condition: map[string]map[string]any{"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}},
		})
	}
	return out
}

// optional turns a nil input into an empty string.
func optional(in pulumi.StringInput) pulumi.StringInput {
	if in == nil {
		return pulumi.String("")
	}
	return in
}
