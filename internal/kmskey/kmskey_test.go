package kmskey

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/strata-infra/strata/internal/awsenv"
)

func TestPolicy(t *testing.T) {
	acct := awsenv.Env{AccountID: "123456789012", Partition: "aws", Region: "us-east-1"}
	s, err := Policy(acct, []Service{{
		Principal: "budgets.amazonaws.com",
		Actions:   []string{"kms:GenerateDataKey*", "kms:Decrypt"},
	}, {
		Principal:  "logs.amazonaws.com",
		Actions:    []string{"kms:Encrypt*"},
		Conditions: map[string]map[string]any{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Sid       string
			Principal map[string]any
			Action    []string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Statement) != 3 {
		t.Fatalf("Policy has %d statements, want 3: %s", len(doc.Statement), s)
	}
	if got := doc.Statement[0].Principal["AWS"]; got != "arn:aws:iam::123456789012:root" {
		t.Errorf("first principal = %v, want the account root", got)
	}
	for _, st := range doc.Statement {
		for _, p := range st.Principal {
			if p == "*" {
				t.Errorf("statement %s has a wildcard principal", st.Sid)
			}
		}
	}
	for _, st := range doc.Statement[1:] {
		if st.Condition["StringEquals"]["aws:SourceAccount"] != "123456789012" {
			t.Errorf("statement %s is not scoped to the account: %v", st.Sid, st.Condition)
		}
	}
	if doc.Statement[1].Sid != "AllowBudgets" || !strings.HasPrefix(doc.Statement[2].Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"], "arn:aws:logs:") {
		t.Errorf("statements = %+v", doc.Statement)
	}
}

func TestPolicyRejectsUnscopedService(t *testing.T) {
	acct := awsenv.Env{AccountID: "123456789012", Partition: "aws"}
	if _, err := Policy(acct, []Service{{Principal: "x.amazonaws.com", Actions: []string{"kms:Decrypt"}, NoSourceAccount: true}}); err == nil {
		t.Error("Policy() of a service with no condition = nil error")
	}
	if _, err := Policy(acct, []Service{{Principal: "x.amazonaws.com"}}); err == nil {
		t.Error("Policy() of a service with no actions = nil error")
	}
}

func TestSidOf(t *testing.T) {
	for in, want := range map[string]string{"budgets.amazonaws.com": "Budgets", "vpc-flow-logs.amazonaws.com": "VpcFlowLogs", "s3": "S3"} {
		if got := sidOf(in); got != want {
			t.Errorf("sidOf(%q) = %q, want %q", in, got, want)
		}
	}
}
