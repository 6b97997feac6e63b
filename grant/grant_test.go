package grant

import (
	"slices"
	"testing"
)

const secretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-abc123"

func TestSecretStatements(t *testing.T) {
	st := secretStatements(secretARN, "arn:aws:kms:us-east-1:123456789012:key/db")
	if len(st) != 2 || st[0].Resource[0] != secretARN || st[1].Condition["StringLike"]["kms:ViaService"] != "secretsmanager.*.amazonaws.com" {
		t.Errorf("secretStatements = %+v", st)
	}
	if got := secretStatements(secretARN, ""); len(got) != 1 {
		t.Errorf("secretStatements without a key = %+v, want one statement", got)
	}
}

func TestTableStatements(t *testing.T) {
	const table = "arn:aws:dynamodb:us-east-1:123456789012:table/items"
	st := tableStatements(table)
	if len(st) != 1 || !slices.Equal(st[0].Resource, []string{table, table + "/index/*"}) {
		t.Fatalf("tableStatements = %+v", st)
	}
	for _, a := range st[0].Action {
		if a == "dynamodb:*" || a == "dynamodb:DeleteTable" || a == "dynamodb:UpdateTable" {
			t.Errorf("table grant allows %s", a)
		}
	}
}
