// Package plantest holds test helpers over a plan.Plan.
package plantest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/plan"
)

// Find returns the resource of type typ named name, failing the test with
// the names of that type the plan holds when there is none.
func Find(t testing.TB, p *plan.Plan, typ, name string) *plan.Resource {
	t.Helper()
	r, err := p.Find(typ, name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// One returns the only resource of type typ, failing the test when there is
// not exactly one.
func One(t testing.TB, p *plan.Plan, typ string) *plan.Resource {
	t.Helper()
	rs := p.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("plan has %d resources of type %s, want 1", len(rs), typ)
	}
	return rs[0]
}

// ExpectProblems checks the outcome of planning a component with some args.
// With no want, err must be nil. Otherwise err must mention every want, and
// the plan must hold nothing but the stack and providers: invalid args
// register nothing.
func ExpectProblems(t testing.TB, p *plan.Plan, err error, want ...string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("error = %v, want nil", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("error = nil, want one mentioning %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error = %v\nwant it to mention %q", err, w)
		}
	}
	if p == nil {
		return
	}
	for _, r := range p.Resources {
		if !strings.HasPrefix(r.Type, "pulumi:providers:") && r.Type != plan.RootStackType {
			t.Errorf("invalid args registered %s %q; want nothing registered", r.Type, r.Name)
		}
	}
}

// Policy is a parsed IAM policy document, for assertions.
type Policy struct {
	Version   string
	Statement []Statement
}

// Statement is one statement of a Policy. strata always writes Action and
// Resource as lists.
type Statement struct {
	Sid       string
	Effect    string
	Principal map[string]any
	Action    []string
	Resource  []string
	Condition map[string]map[string]any
}

// ParsePolicy parses an IAM policy document recorded as an input (a JSON
// string), failing the test when it is not one.
func ParsePolicy(t testing.TB, v any) Policy {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("policy = %#v, want a JSON string", v)
	}
	var p Policy
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		t.Fatalf("policy %s: %v", s, err)
	}
	return p
}

// SecurityGroupEdges lists every standalone security group rule of the
// plan as "<group> <in|out> <port> <from|to> <peer>", with groups and
// peers named by names (a security group ID to a short name; CIDR blocks
// stay as they are), sorted. A rule on a group names does not hold is
// named by its ID.
func SecurityGroupEdges(t testing.TB, p *plan.Plan, names map[string]string) []string {
	t.Helper()
	name := func(id any) string {
		s := fmt.Sprint(id)
		if n, ok := names[s]; ok {
			return n
		}
		return s
	}
	var out []string
	for _, typ := range []string{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"} {
		dir, prep := "in", "from"
		if strings.Contains(typ, "Egress") {
			dir, prep = "out", "to"
		}
		for _, r := range p.ByType(typ) {
			if r.Inputs["fromPort"] != r.Inputs["toPort"] || r.Inputs["ipProtocol"] != "tcp" {
				t.Errorf("rule %q opens %v-%v/%v, want one TCP port", r.Name, r.Inputs["fromPort"], r.Inputs["toPort"], r.Inputs["ipProtocol"])
			}
			if d, _ := r.Inputs["description"].(string); d == "" {
				t.Errorf("rule %q has no description", r.Name)
			}
			peer, ok := r.Inputs["referencedSecurityGroupId"]
			if !ok {
				peer = r.Inputs["cidrIpv4"]
			}
			out = append(out, fmt.Sprintf("%s %s %v %s %s", name(r.Inputs["securityGroupId"]), dir, r.Inputs["fromPort"], prep, name(peer)))
		}
	}
	sort.Strings(out)
	return out
}

// StatementAt parses the policy document v and returns its statement i,
// failing the test with the document when it has fewer: a test that
// expected a statement fails, rather than panics.
func StatementAt(t testing.TB, v any, i int) Statement {
	t.Helper()
	p := ParsePolicy(t, v)
	if i >= len(p.Statement) {
		t.Fatalf("policy has %d statements, want statement %d: %v", len(p.Statement), i, v)
	}
	return p.Statement[i]
}

// PassphraseStack is the text of a stack file as `pulumi stack init` and
// `pulumi config set [--secret]` write it under the passphrase secrets
// provider: an encryptionsalt for phrase, the plain config values, and the
// secret ones encrypted with Pulumi's own crypter.
func PassphraseStack(t testing.TB, phrase string, plain, secret map[string]string) string {
	t.Helper()
	ctx := context.Background()
	salt := []byte("strata-test-salt")
	crypter := config.NewSymmetricCrypterFromPassphrase(phrase, salt)
	check, err := crypter.EncryptValue(ctx, "pulumi")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("encryptionsalt: v1:" + base64.StdEncoding.EncodeToString(salt) + ":" + check + "\nconfig:\n")
	for _, k := range plan.SortedKeys(plain) {
		b.WriteString("  " + k + ": " + plain[k] + "\n")
	}
	for _, k := range plan.SortedKeys(secret) {
		enc, err := crypter.EncryptValue(ctx, secret[k])
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("  " + k + ":\n    secure: " + enc + "\n")
	}
	return b.String()
}

// PlanStack plans program with the stack file dir/Pulumi.<stack>.yaml, as
// strata plan --stack does, failing the test on any error.
func PlanStack(t testing.TB, dir, stack string, program pulumi.RunFunc) *plan.Plan {
	t.Helper()
	opts, err := plan.StackOptions(dir, stack)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Run(program, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Load reads a plan saved as JSON (strata plan --json, or a fixture such
// as testdata/v7/buckets.json), failing the test when it does not read.
func Load(t testing.TB, path string) *plan.Plan {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := plan.Load(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}
