// Package grant holds the permissions strata's compute components (an
// AppService's task role, a ServerlessAPI's function role) accept: each one
// an IAM policy document scoped to one resource. There is no way to grant a
// free-form policy.
package grant

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/internal/iamdoc"
)

// Grant is one permission, scoped to one resource. Make grants with
// Bucket, SecretRead and Table.
type Grant struct {
	what   string
	policy pulumi.StringInput
}

// What says what the grant allows, for error messages.
func (g Grant) What() string { return g.what }

// Policy is the grant's IAM policy document (JSON), or nil for the zero
// Grant, which grants nothing and is refused by the components.
func (g Grant) Policy() pulumi.StringInput { return g.policy }

// Bucket lets the holder read, write or read-write one SecureBucket: its
// objects, s3:ListBucket on the bucket for reads, and its key only through
// S3.
func Bucket(b *securebucket.SecureBucket, access securebucket.Access) Grant {
	return Grant{what: "bucket " + access.String(), policy: b.Policy(access)}
}

// SecretRead lets the holder read one Secrets Manager secret at run time,
// and decrypt it with keyARN (when not nil) only through Secrets Manager.
func SecretRead(secretARN, keyARN pulumi.StringInput) Grant {
	policy := pulumi.All(secretARN, optional(keyARN)).ApplyT(func(v []any) (string, error) {
		return iamdoc.New(secretStatements(v[0].(string), v[1].(string))...).JSON()
	}).(pulumi.StringOutput)
	return Grant{what: "secret read", policy: policy}
}

// Table lets the holder read and write the items of one DynamoDB table and
// query its indexes; it cannot change or delete the table.
func Table(tableARN pulumi.StringInput) Grant {
	policy := tableARN.ToStringOutput().ApplyT(func(arn string) (string, error) {
		return iamdoc.New(tableStatements(arn)...).JSON()
	}).(pulumi.StringOutput)
	return Grant{what: "table read-write", policy: policy}
}

// tableStatements read and write one table's items and query its indexes.
func tableStatements(tableARN string) []iamdoc.Statement {
	return []iamdoc.Statement{{
		Sid: "ReadWriteItems", Effect: iamdoc.Allow,
		Action: []string{
			"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
			"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
			"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
		},
		Resource: []string{tableARN, tableARN + "/index/*"},
	}}
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
