package architecture

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
	"github.com/strata-infra/strata/testdata/foreign/database"
	"github.com/strata-infra/strata/testdata/foreign/loadbalancers"
	"github.com/strata-infra/strata/testdata/foreign/webserver"
)

// readForeign plans a program written without strata and reads it.
func readForeign(t *testing.T, program pulumi.RunFunc) *Model {
	t.Helper()
	p, err := plan.Run(program, plan.Options{Project: "foreign", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	return Read(p)
}

// facts lists a model's nodes as "kind name: facts" and edges as
// "from -> to (label)", for assertions.
func facts(m *Model) (nodes, edges []string) {
	for _, n := range m.Nodes {
		nodes = append(nodes, string(n.Kind)+" "+n.Name+": "+strings.Join(n.Facts, ", "))
	}
	for _, e := range m.Edges {
		edges = append(edges, m.Node(e.From).Label()+" -> "+m.Node(e.To).Label()+" ("+e.Label+")")
	}
	return nodes, edges
}

// TestForeignLoadBalancers: an ALB in front of a server and an NLB, in a
// plain VPC written without strata: each load balancer is named by its
// type, the subnets are public because they route to the internet
// gateway, and the reach edges come from an inline rule and a legacy one.
func TestForeignLoadBalancers(t *testing.T) {
	nodes, edges := facts(readForeign(t, loadbalancers.Program))
	for _, want := range []string{
		"loadbalancer web: internet-facing ALB", "loadbalancer mqtt: internet-facing NLB",
		"server web: EC2 t3.small", "subnet public-us-east-1a: public, 10.1.0.0/24",
	} {
		if !slices.ContainsFunc(nodes, func(n string) bool { return strings.HasPrefix(n, want) }) {
			t.Errorf("no node %q in %v", want, nodes)
		}
	}
	for _, want := range []string{"Internet -> load balancer web (TCP 443)", "load balancer web -> server web (TCP 8080)"} {
		if !slices.Contains(edges, want) {
			t.Errorf("no edge %q in %v", want, edges)
		}
	}
}

// TestForeignSubnetsAndDatabases: a subnet that routes to an internet
// gateway is public whatever it is called; a database whose subnets the
// plan does not hold is drawn with no tier rather than as isolated.
func TestForeignSubnetsAndDatabases(t *testing.T) {
	nodes, edges := facts(readForeign(t, webserver.Program))
	if !slices.ContainsFunc(nodes, func(n string) bool { return strings.HasPrefix(n, "subnet public: public") }) {
		t.Errorf("the subnet routing to the internet gateway is not public: %v", nodes)
	}
	if !slices.ContainsFunc(edges, func(e string) bool {
		return strings.HasPrefix(e, "Internet -> server web (") && strings.Contains(e, "TCP 22,") && strings.Contains(e, "TCP 3389")
	}) {
		t.Errorf("the inline SSH rule and the legacy RDP rule draw no reach edge from the Internet: %v", edges)
	}
	m := readForeign(t, database.Program)
	for _, n := range m.OfKind(Database) {
		if n.Tier != "" || !slices.Contains(n.Facts, "publicly accessible") {
			t.Errorf("database %s: tier %q, facts %v; want no tier (its subnets are not in the plan) and publicly accessible", n.Name, n.Tier, n.Facts)
		}
	}
	if len(m.OfKind(Database)) != 1 {
		t.Errorf("%d databases, want the RDS instance", len(m.OfKind(Database)))
	}
}

// TestV7BucketsAreDrawn: a pulumi-aws v7 plan's buckets are drawn, with
// versioning read from v7's unsuffixed companion.
func TestV7BucketsAreDrawn(t *testing.T) {
	p := plantest.Load(t, "../testdata/v7/buckets.json")
	nodes, _ := facts(Read(p))
	for _, want := range []string{"bucket assets: S3, versioned", "bucket site: S3"} {
		if !slices.Contains(nodes, want) {
			t.Errorf("no node %q in %v", want, nodes)
		}
	}
}

// TestGrantsFromEveryPolicyForm: a grant edge from a role's inline policy
// and from a managed policy attached to it, read with the one IAM parser
// (which takes Action and Resource as a string or a list).
func TestGrantsFromEveryPolicyForm(t *testing.T) {
	p, err := plan.Run(grantProgram, plan.Options{Project: "foreign", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	_, edges := facts(Read(p))
	if !slices.Contains(edges, "function worker -> bucket reports (IAM s3)") {
		t.Errorf("no grant edge from the function's inline policy to its bucket: %v", edges)
	}
	if !slices.Contains(edges, "function worker -> table jobs (IAM dynamodb)") {
		t.Errorf("no grant edge from the managed policy attached to the role: %v", edges)
	}
}
