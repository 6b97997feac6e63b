package grant

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

const (
	secretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-abc123"
	keyARN    = "arn:aws:kms:us-east-1:123456789012:key/db"
)

// TestSecretReadPolicy: two values of one secret give one secret ARN and
// one key, decryptable only through Secrets Manager in the Region.
func TestSecretReadPolicy(t *testing.T) {
	p, err := plan.Run(func(ctx *pulumi.Context) error {
		ctx.Export("policy", SecretReadPolicy("eu-west-1", []Secret{
			{Env: "DB_USER", ARN: pulumi.String(secretARN), JSONKey: "username", KMSKeyARN: pulumi.String(keyARN)},
			{Env: "DB_PASSWORD", ARN: pulumi.String(secretARN), JSONKey: "password", KMSKeyARN: pulumi.String(keyARN)},
		}))
		ctx.Export("noKey", SecretReadPolicy("eu-west-1", []Secret{{Env: "TOKEN", ARN: pulumi.String(secretARN)}}))
		return nil
	}, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pol := plantest.ParsePolicy(t, p.Outputs["policy"])
	if len(pol.Statement) != 2 {
		t.Fatalf("policy = %+v, want a read and a decrypt statement", pol)
	}
	read, decrypt := pol.Statement[0], pol.Statement[1]
	if !slices.Equal(read.Resource, []string{secretARN}) || !slices.Contains(read.Action, "secretsmanager:GetSecretValue") {
		t.Errorf("read = %+v, want GetSecretValue on the one secret", read)
	}
	if !slices.Equal(decrypt.Resource, []string{keyARN}) || decrypt.Condition["StringEquals"]["kms:ViaService"] != "secretsmanager.eu-west-1.amazonaws.com" {
		t.Errorf("decrypt = %+v, want kms:Decrypt on the key through Secrets Manager", decrypt)
	}
	if got := plantest.ParsePolicy(t, p.Outputs["noKey"]); len(got.Statement) != 1 {
		t.Errorf("a secret under the AWS managed key: policy = %+v, want no decrypt statement", got)
	}
}

func TestIsZero(t *testing.T) {
	if !(Grant{}).IsZero() {
		t.Error("the zero Grant is not zero")
	}
	if (Grant{Environment: map[string]pulumi.StringInput{"X": pulumi.String("y")}}).IsZero() {
		t.Error("a grant of settings only is zero")
	}
}
