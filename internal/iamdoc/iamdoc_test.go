package iamdoc

import (
	"encoding/json"
	"testing"
)

func TestServiceTrust(t *testing.T) {
	s, err := ServiceTrust("vpc-flow-logs.amazonaws.com", "123456789012", "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*").JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Effect    string
			Principal map[string]string
			Action    []string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != Version || len(doc.Statement) != 1 {
		t.Fatalf("ServiceTrust = %s, want one statement of version %s", s, Version)
	}
	st := doc.Statement[0]
	if st.Principal["Service"] != "vpc-flow-logs.amazonaws.com" || st.Action[0] != "sts:AssumeRole" {
		t.Errorf("ServiceTrust principal/action = %v %v", st.Principal, st.Action)
	}
	if got := st.Condition["StringEquals"]["aws:SourceAccount"]; got != "123456789012" {
		t.Errorf("aws:SourceAccount = %q, want 123456789012", got)
	}
	if got := st.Condition["ArnLike"]["aws:SourceArn"]; got == "" {
		t.Errorf("aws:SourceArn missing in %s", s)
	}
}

func TestJSONRejectsEmptyAction(t *testing.T) {
	if _, err := New(Statement{Sid: "x", Effect: Allow}).JSON(); err == nil {
		t.Fatal("JSON() of a statement without actions = nil error, want an error")
	}
}
