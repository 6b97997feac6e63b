// Package iamdoc builds IAM policy documents from typed Go values, so that no
// policy is ever assembled as a string.
package iamdoc

import (
	"encoding/json"
	"fmt"
)

// Version is the only IAM policy language version strata writes.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document. Action and Resource are always
// lists; Principal is a map such as {"Service": "x.amazonaws.com"}.
type Statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]any            `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// Allow and Deny are the two statement effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// New returns a document of the given statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON marshals the document.
func (d Document) JSON() (string, error) {
	for i, s := range d.Statement {
		if len(s.Action) == 0 {
			return "", fmt.Errorf("iam policy statement %d (%q) has no action", i, s.Sid)
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// ServiceTrust is a trust policy that lets one AWS service principal assume
// a role, only on behalf of the given account (aws:SourceAccount), and, when
// sourceArn is not empty, only for matching resources (aws:SourceArn).
func ServiceTrust(service, account, sourceArn string) Document {
	cond := map[string]map[string]any{
		"StringEquals": {"aws:SourceAccount": account},
	}
	if sourceArn != "" {
		cond["ArnLike"] = map[string]any{"aws:SourceArn": sourceArn}
	}
	return New(Statement{
		Sid:       "AllowServiceAssumeRole",
		Effect:    Allow,
		Principal: map[string]any{"Service": service},
		Action:    []string{"sts:AssumeRole"},
		Condition: cond,
	})
}
