package iampolicy

import "testing"

func TestParseAcceptsEveryFormAWSDoes(t *testing.T) {
	d, err := Parse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["a","b"],"Condition":{"NumericLessThan":{"s3:TlsVersion":1.2},"Bool":{"aws:SecureTransport":false}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Statement) != 1 {
		t.Fatalf("Parse gave %d statements, want 1", len(d.Statement))
	}
	st := d.Statement[0]
	if len(st.Action) != 1 || st.Action[0] != "s3:GetObject" || len(st.Resource) != 2 || !st.Public() {
		t.Errorf("Parse = %+v, want one action, two resources and a public principal", st)
	}
	if got := st.Condition["NumericLessThan"]["s3:TlsVersion"]; len(got) != 1 || got[0] != "1.2" {
		t.Errorf("numeric condition value = %v, want [1.2]", got)
	}
	if got := st.Condition["Bool"]["aws:SecureTransport"]; len(got) != 1 || got[0] != "false" {
		t.Errorf("bool condition value = %v, want [false]", got)
	}
}

// TestConditionOperators pins IAM's rules, absent keys above all: a negated
// or IfExists operator holds when the key is missing; Null tests presence.
func TestConditionOperators(t *testing.T) {
	const key = "s3:x-amz-server-side-encryption"
	tests := []struct {
		name    string
		op      string
		want    List
		got     []string // nil: the key is absent
		matches bool
	}{
		{"StringEquals with the key absent is false", "StringEquals", List{"aws:kms"}, nil, false},
		{"StringEquals with the value", "StringEquals", List{"aws:kms"}, []string{"aws:kms"}, true},
		{"StringEquals with one of several values", "StringEquals", List{"a", "aws:kms"}, []string{"aws:kms"}, true},
		{"StringNotEquals with the key absent is true", "StringNotEquals", List{"aws:kms"}, nil, true},
		{"StringNotEquals with the same value is false", "StringNotEquals", List{"aws:kms"}, []string{"aws:kms"}, false},
		{"StringNotEquals with another value is true", "StringNotEquals", List{"aws:kms"}, []string{"AES256"}, true},
		{"StringNotEquals with a value among several is false", "StringNotEquals", List{"a", "b"}, []string{"b"}, false},
		{"StringNotEqualsIfExists with the key absent is true", "StringNotEqualsIfExists", List{"aws:kms"}, nil, true},
		{"StringEqualsIfExists with the key absent is true", "StringEqualsIfExists", List{"aws:kms"}, nil, true},
		{"Null true with the key absent", "Null", List{"true"}, nil, true},
		{"Null false with the key absent", "Null", List{"false"}, nil, false},
		{"Null false with the key present", "Null", List{"false"}, []string{"AES256"}, true},
		{"StringLike with a wildcard", "StringLike", List{"aws:*"}, []string{"aws:kms"}, true},
		{"ArnLike with the key absent is false", "ArnLike", List{"arn:*"}, nil, false},
		{"ArnNotLike with the key absent is true", "ArnNotLike", List{"arn:*"}, nil, true},
		{"Bool ignores case", "Bool", List{"false"}, []string{"False"}, true},
		{"NumericLessThan below", "NumericLessThan", List{"1.2"}, []string{"1.1"}, true},
		{"NumericLessThan at the bound", "NumericLessThan", List{"1.2"}, []string{"1.2"}, false},
		{"NumericLessThan with the key absent is false", "NumericLessThan", List{"1.2"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := map[string][]string{}
			if tt.got != nil {
				ctx[key] = tt.got
			}
			st := Statement{Effect: "Deny", Action: List{"*"}, Condition: map[string]map[string]List{tt.op: {key: tt.want}}}
			got, err := st.Matches(Request{Action: "s3:PutObject", Context: ctx})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.matches {
				t.Errorf("%s %v on %v = %v, want %v", tt.op, []string(tt.want), tt.got, got, tt.matches)
			}
		})
	}
}

func TestUnknownOperatorIsAnError(t *testing.T) {
	st := Statement{Effect: "Deny", Action: List{"*"}, Condition: map[string]map[string]List{"ForAnyValue:StringLike": {"k": {"v"}}}}
	if _, err := st.Matches(Request{Action: "s3:PutObject"}); err == nil {
		t.Error("Matches with an unknown operator = nil error, want one")
	}
}

// TestFalseConditionDecidesBeforeAnUnknownOperator: a condition block is
// a conjunction, so a condition that is false decides it even beside one
// strata cannot evaluate, whatever order the map gives; with none false,
// the unevaluable one is an error every time.
func TestFalseConditionDecidesBeforeAnUnknownOperator(t *testing.T) {
	// One operator sorts before the unknown one, the other after it.
	for _, op := range []string{"ArnLike", "StringEquals"} {
		cond := map[string]map[string]List{
			"ForAnyValue:StringLike": {"k": {"v"}},
			op:                       {"aws:SourceAccount": {"111111111111"}},
		}
		st := Statement{Effect: "Deny", Action: List{"*"}, Condition: cond}
		for range 20 {
			ok, err := st.Matches(Request{Action: "s3:PutObject", Context: map[string][]string{"aws:SourceAccount": {"222222222222"}}})
			if ok || err != nil {
				t.Fatalf("%s false beside an unknown operator: Matches = %v, %v; want false, nil", op, ok, err)
			}
			if _, err := st.Matches(Request{Action: "s3:PutObject", Context: map[string][]string{"aws:SourceAccount": {"111111111111"}}}); err == nil {
				t.Fatalf("%s true beside an unknown operator: Matches gave no error, want the unknown operator named", op)
			}
		}
	}
}

func TestEvaluateDenyWins(t *testing.T) {
	d, err := Parse(`{"Statement":[
		{"Sid":"Write","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/app"},"Action":["s3:Put*"],"Resource":"arn:aws:s3:::b/*"},
		{"Sid":"NoHTTP","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Principal: "AWS:arn:aws:iam::1:role/app", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k",
		Context: map[string][]string{"aws:SecureTransport": {"true"}}}
	for _, tt := range []struct {
		name   string
		change func(r *Request)
		want   Decision
		by     string
	}{
		{"over TLS the allow decides", func(*Request) {}, Allowed, `"Write"`},
		{"without TLS the deny wins", func(r *Request) { r.Context = map[string][]string{"aws:SecureTransport": {"false"}} }, Denied, `"NoHTTP"`},
		{"another principal is not allowed", func(r *Request) { r.Principal = "AWS:arn:aws:iam::2:role/x" }, ImplicitDeny, ""},
		{"another bucket is not allowed", func(r *Request) { r.Resource = "arn:aws:s3:::c/k" }, ImplicitDeny, ""},
		{"actions compare without case", func(r *Request) { r.Action = "S3:putobject" }, Allowed, `"Write"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := req
			tt.change(&r)
			got, by, err := d.Evaluate(r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || by != tt.by {
				t.Errorf("Evaluate = %s by %s, want %s by %s", got, by, tt.want, tt.by)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	for _, tt := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", true},
		{"*b*", "aaa", false},
	} {
		if got := glob(tt.pattern, tt.s, false); got != tt.want {
			t.Errorf("glob(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestEscalation(t *testing.T) {
	boundary := map[string]map[string]List{"StringEquals": {"iam:PermissionsBoundary": {"arn:aws:iam::1:policy/b"}}}
	for _, tt := range []struct {
		name      string
		st        Statement
		escalates bool
	}{
		{"iam:* on *", Statement{Effect: "Allow", Action: List{"iam:*"}, Resource: List{"*"}}, true},
		{"* on *", Statement{Effect: "Allow", Action: List{"*"}, Resource: List{"*"}}, true},
		{"PutRolePolicy", Statement{Effect: "Allow", Action: List{"iam:PutRolePolicy"}, Resource: List{"arn:aws:iam::1:role/*"}}, true},
		{"attaching with a boundary condition", Statement{Effect: "Allow", Action: List{"iam:AttachRolePolicy", "iam:CreateRole"}, Resource: List{"*"}, Condition: boundary}, false},
		{"a boundary condition under IfExists does not limit", Statement{Effect: "Allow", Action: List{"iam:AttachRolePolicy"}, Resource: List{"*"},
			Condition: map[string]map[string]List{"StringEqualsIfExists": {"iam:PermissionsBoundary": {"x"}}}}, true},
		{"a new policy version", Statement{Effect: "Allow", Action: List{"iam:CreatePolicyVersion"}, Resource: List{"*"}}, true},
		{"NotAction that leaves IAM in", Statement{Effect: "Allow", NotAction: List{"s3:*"}, Resource: List{"*"}}, true},
		{"NotAction that leaves IAM out (PowerUserAccess)", Statement{Effect: "Allow", NotAction: List{"iam:*", "organizations:*", "account:*"}, Resource: List{"*"}}, false},
		{"reading roles", Statement{Effect: "Allow", Action: List{"iam:GetRole", "iam:ListRolePolicies"}, Resource: List{"*"}}, false},
		{"passing any role to any service", Statement{Effect: "Allow", Action: List{"iam:PassRole"}, Resource: List{"*"}}, true},
		{"passing roles to named services", Statement{Effect: "Allow", Action: List{"iam:PassRole"}, Resource: List{"*"},
			Condition: map[string]map[string]List{"StringEquals": {"iam:PassedToService": {"lambda.amazonaws.com"}}}}, false},
		{"a deny", Statement{Effect: "Deny", Action: List{"iam:*"}, Resource: List{"*"}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.st.Escalation(); (got != "") != tt.escalates {
				t.Errorf("Escalation() = %q, want escalation %v", got, tt.escalates)
			}
		})
	}
}

func TestAdminEquivalent(t *testing.T) {
	for arn, want := range map[string]bool{
		"arn:aws:iam::aws:policy/AdministratorAccess":        true,
		"arn:aws:iam::aws:policy/IAMFullAccess":              true,
		"arn:aws:iam::aws:policy/PowerUserAccess":            false,
		"arn:aws:iam::123456789012:policy/IAMFullAccess":     false, // an account's own policy of that name is not AWS's
		"arn:aws-us-gov:iam::aws:policy/AdministratorAccess": true,
	} {
		if got := AdminEquivalent(arn) != ""; got != want {
			t.Errorf("AdminEquivalent(%q) = %v, want %v", arn, got, want)
		}
	}
}
