package architecture_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/strata-infra/strata/architecture"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
	"github.com/strata-infra/strata/stacks"
)

var (
	plansMu sync.Mutex
	plans   = map[string]*plan.Plan{}
)

// planOf plans one of the repository's stacks from its stack file, once.
func planOf(t testing.TB, stack string) *plan.Plan {
	t.Helper()
	plansMu.Lock()
	defer plansMu.Unlock()
	if p := plans[stack]; p != nil {
		return p
	}
	plans[stack] = plantest.PlanStack(t, "..", stack, stacks.Deploy)
	return plans[stack]
}

// planWith plans a stack with a config key replaced.
func planWith(t testing.TB, stack, key, value string) *plan.Plan {
	t.Helper()
	opts, err := plan.StackOptions("..", stack)
	if err != nil {
		t.Fatal(err)
	}
	opts.Config[key] = value
	p, err := plan.Run(stacks.Deploy, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// edges are a model's edges as "from -> to [kind] label" lines.
func edges(m *architecture.Model) []string {
	var out []string
	for _, e := range m.Edges {
		out = append(out, fmt.Sprintf("%s -> %s [%s] %s", e.From, e.To, e.Kind, e.Label))
	}
	return out
}

func TestReadProd(t *testing.T) {
	m := architecture.Read(planOf(t, "prod"))
	if m.VPC == nil || m.VPC.CIDR != "10.20.0.0/16" || strings.Join(m.VPC.AZs, ",") != "us-east-1a,us-east-1b,us-east-1c" {
		t.Fatalf("VPC = %+v", m.VPC)
	}
	// Three tiers in every AZ, each subnet in its AZ's column.
	got := map[string]int{}
	for _, s := range m.OfKind(architecture.Subnet) {
		got[s.AZ+" "+s.Tier]++
	}
	for _, az := range m.VPC.AZs {
		for _, tier := range []string{architecture.Public, architecture.Private, architecture.Isolated} {
			if got[az+" "+tier] != 1 {
				t.Errorf("%s has %d %s subnets, want 1", az, got[az+" "+tier], tier)
			}
		}
	}
	// One NAT gateway per AZ, and each private subnet routes to its own AZ's.
	nats := m.OfKind(architecture.NAT)
	if len(nats) != 3 {
		t.Fatalf("NATs = %d, want 3", len(nats))
	}
	for _, e := range m.Edges {
		if e.Kind == architecture.Route {
			from, to := m.Node(e.From), m.Node(e.To)
			if from.Tier != architecture.Private || to.Kind != architecture.NAT || from.AZ != to.AZ {
				t.Errorf("route %s (%s %s) -> %s (%s): want a private subnet to its own AZ's NAT", from.Name, from.Tier, from.AZ, to.Name, to.AZ)
			}
		}
	}
	all := strings.Join(edges(m), "\n")
	for _, want := range []string{
		"internet -> loadbalancer_web [reach] TCP 80, TCP 443",
		"loadbalancer_web -> service_web [reach] TCP 8080",
		"service_web -> database_main [reach] TCP 5432",
		"service_web -> bucket_data [grant] IAM s3",
		"internet -> api_api [reach] HTTPS 443",
		"api_api -> function_api [invoke] invoke",
		"function_api -> table_api [grant] IAM dynamodb",
		"database_main -> instance_main_1 [part] ",
		"database_main -> instance_main_2 [part] ",
		"service_web -> topic_alarms [alarms] 7 alarms",
		"control_CloudTrail -> bucket_baseline_logs [logs] trail",
		"subnet_main_private_1 -> nat_main_1 [route] 0.0.0.0/0",
	} {
		if !strings.Contains(all+"\n", want+"\n") && !strings.Contains(all, want) {
			t.Errorf("edges lack %q:\n%s", want, all)
		}
	}
	// Nothing but the load balancer and the API is reached from the internet.
	for _, e := range m.Edges {
		if e.From == "internet" && e.To != "loadbalancer_web" && e.To != "api_api" {
			t.Errorf("the internet reaches %s (%s)", e.To, e.Label)
		}
	}
	instances := m.OfKind(architecture.Instance)
	if len(instances) != 2 || instances[0].AZ == instances[1].AZ {
		t.Errorf("database instances = %+v, want two in two AZs", instances)
	}
	for _, want := range []string{"service_web", "loadbalancer_web", "function_api", "database_main", "table_api", "bucket_data", "bucket_access_logs", "bucket_baseline_logs", "keys_KMS_keys", "topic_alarms", "budget_monthly", "control_CloudTrail", "control_GuardDuty", "control_AWS_Config"} {
		if m.Node(want) == nil {
			t.Errorf("the model has no %s", want)
		}
	}
	if db := m.Node("database_main"); strings.Join(db.Facts, "|") != "Aurora postgresql 16.6|1-16 ACU|deletion-protected" {
		t.Errorf("database facts = %q", db.Facts)
	}
}

// Dev's one NAT (an instance) serves both private subnets, as one NAT
// gateway does, and the baseline is absent.
func TestReadDevNAT(t *testing.T) {
	m := architecture.Read(planWith(t, "dev", "strata:network", `{"cidr": "10.10.0.0/16", "natGateways": "single"}`))
	nats := m.OfKind(architecture.NAT)
	if len(nats) != 1 {
		t.Fatalf("dev NATs = %d, want 1", len(nats))
	}
	routes := 0
	for _, e := range m.Edges {
		if e.Kind == architecture.Route && e.To == nats[0].ID {
			routes++
		}
	}
	if routes != 2 {
		t.Errorf("private subnets routing to the one NAT = %d, want 2", routes)
	}
	if len(m.OfKind(architecture.Control)) != 0 {
		t.Errorf("dev has no baseline, got %d controls", len(m.OfKind(architecture.Control)))
	}

	m = architecture.Read(planWith(t, "dev", "strata:network", `{"cidr": "10.10.0.0/16", "natGateways": "instance"}`))
	nats = m.OfKind(architecture.NAT)
	if len(nats) != 1 || !strings.HasPrefix(nats[0].Facts[0], "NAT instance") || nats[0].AZ == "" {
		t.Fatalf("a NAT instance reads as %+v", nats)
	}
	routes = 0
	for _, e := range m.Edges {
		if e.Kind == architecture.Route && e.To == nats[0].ID {
			routes++
		}
	}
	if routes != 2 {
		t.Errorf("private subnets routing to the NAT instance = %d, want 2", routes)
	}
}
