package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/strata-infra/strata/architecture"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
	"github.com/strata-infra/strata/policy"
)

const (
	sgType      = "aws:ec2/securityGroup:SecurityGroup"
	roleType    = "aws:iam/role:Role"
	policyType  = "aws:iam/rolePolicy:RolePolicy"
	listenerTyp = "aws:lb/listener:Listener"
)

// planned plans the example's prod stack from its own Pulumi.yaml and
// stack file.
func planned(t *testing.T) *plan.Plan {
	t.Helper()
	return plantest.PlanStack(t, ".", "prod", program)
}

// groups names the security groups of the plan by their child names.
func groups(t *testing.T, p *plan.Plan) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range []string{"web-alb", "web-tasks", "admin-alb", "admin-tasks", "orders"} {
		out[plantest.Find(t, p, sgType, name).ID] = name
	}
	return out
}

// TestTheDatabaseAdmitsOnlyItsGrantees: both services reach the database
// by security-group reference on 5432, and nothing else reaches it.
func TestTheDatabaseAdmitsOnlyItsGrantees(t *testing.T) {
	p := planned(t)
	var into []string
	for _, e := range plantest.SecurityGroupEdges(t, p, groups(t, p)) {
		if strings.HasPrefix(e, "orders ") {
			into = append(into, e)
		}
	}
	want := []string{"orders in 5432 from admin-tasks", "orders in 5432 from web-tasks"}
	if !slices.Equal(into, want) {
		t.Errorf("rules on the database's group = %v, want %v", into, want)
	}
}

// TestTheServicesAreApart: admin's load balancer is internal and admits
// only web, on 443, through admin.Connect; web's tasks admit only web's
// load balancer, so admin's cannot reach them; each load balancer reaches
// only its own tasks, on its own port.
func TestTheServicesAreApart(t *testing.T) {
	p := planned(t)
	for _, lb := range p.ByType("aws:lb/loadBalancer:LoadBalancer") {
		if internal := lb.Inputs["internal"] == true; internal != (lb.Name == "admin") {
			t.Errorf("load balancer %s internal = %v, want only admin's internal", lb.Name, internal)
		}
	}
	edges := plantest.SecurityGroupEdges(t, p, groups(t, p))
	want := map[string][]string{
		"web-tasks":   {"web-tasks in 8080 from web-alb", "web-tasks out 443 to 0.0.0.0/0", "web-tasks out 443 to admin-alb", "web-tasks out 5432 to orders"},
		"admin-tasks": {"admin-tasks in 9090 from admin-alb", "admin-tasks out 443 to 0.0.0.0/0", "admin-tasks out 5432 to orders"},
		"admin-alb":   {"admin-alb in 443 from web-tasks", "admin-alb out 9090 to admin-tasks"},
		"web-alb":     {"web-alb in 443 from 0.0.0.0/0", "web-alb in 80 from 0.0.0.0/0", "web-alb out 8080 to web-tasks"},
	}
	for group, rules := range want {
		var got []string
		for _, e := range edges {
			if strings.HasPrefix(e, group+" ") {
				got = append(got, e)
			}
		}
		if !slices.Equal(got, rules) {
			t.Errorf("rules on %s = %v, want %v", group, got, rules)
		}
	}
}

// TestAServiceReachesItsOwnPort: each service's load balancer forwards to
// the port its tasks admit it on and its container listens on: by
// construction, whatever the port.
func TestAServiceReachesItsOwnPort(t *testing.T) {
	p := planned(t)
	edges := plantest.SecurityGroupEdges(t, p, groups(t, p))
	for name, port := range map[string]float64{"web": 8080, "admin": 9090} {
		tg := plantest.Find(t, p, "aws:lb/targetGroup:TargetGroup", name)
		svc := plantest.Find(t, p, "aws:ecs/service:Service", name)
		container, _ := svc.Input("loadBalancers.0.containerPort")
		if tg.Inputs["port"] != port || container != port {
			t.Errorf("%s: target group port %v, container port %v, want %v", name, tg.Inputs["port"], container, port)
		}
		if in := fmt.Sprintf("%s-tasks in %v from %s-alb", name, port, name); !slices.Contains(edges, in) {
			t.Errorf("%s: edges = %v, want %q", name, edges, in)
		}
	}
}

// TestEachTaskRoleHoldsOnlyItsGrants: web's task role may use the bucket
// and nothing else; admin's may connect to the database as admin_app and
// nothing else; no other role reaches the bucket.
func TestEachTaskRoleHoldsOnlyItsGrants(t *testing.T) {
	p := planned(t)
	bucket := plantest.Find(t, p, "aws:s3/bucketV2:BucketV2", "uploads").Outputs["arn"].(string)
	taskRole := map[string]string{}
	for _, svc := range []string{"web", "admin"} {
		taskRole[plantest.Find(t, p, roleType, svc+"-task").ID] = svc
	}
	actions := map[string][]string{}
	for _, pol := range p.ByType(policyType) {
		owner := taskRole[pol.Inputs["role"].(string)]
		for _, st := range plantest.ParsePolicy(t, pol.Inputs["policy"]).Statement {
			for _, r := range st.Resource {
				if strings.HasPrefix(r, bucket) && owner != "web" && !strings.HasSuffix(pol.Name, "-execution") {
					t.Errorf("policy %s of a role other than web's task role reaches the bucket", pol.Name)
				}
			}
			if owner != "" {
				actions[owner] = append(actions[owner], st.Action...)
			}
		}
	}
	for _, a := range actions["web"] {
		if !strings.HasPrefix(a, "s3:") && !strings.HasPrefix(a, "kms:") {
			t.Errorf("web's task role holds %s, want only the bucket's actions", a)
		}
	}
	if !slices.Equal(actions["admin"], []string{"rds-db:connect"}) {
		t.Errorf("admin's task role holds %v, want only rds-db:connect", actions["admin"])
	}
	admin := plantest.Find(t, p, policyType, "admin-task-0")
	if pol := plantest.ParsePolicy(t, admin.Inputs["policy"]); !strings.HasSuffix(pol.Statement[0].Resource[0], "/admin_app") {
		t.Errorf("admin connects as %v, want admin_app", pol.Statement[0].Resource)
	}
}

// TestTheExampleMeetsTheProductionChecklist runs strata check's checks
// with production options over the example's plan.
func TestTheExampleMeetsTheProductionChecklist(t *testing.T) {
	rep := policy.Evaluate(planned(t), policy.Options{Production: true})
	for _, f := range rep.Failures() {
		t.Errorf("%s fails %s: %s", f.URN, f.Check, f.Message)
	}
}

// TestTheDiagramShowsTheComposition: the architecture model reads a program
// composed another way (no stacks profile): two services, each behind its
// own load balancer on its own port, both reaching the database on 5432,
// admin's load balancer reached only by web.
func TestTheDiagramShowsTheComposition(t *testing.T) {
	m := architecture.Read(planned(t))
	var reach []string
	for _, e := range m.Edges {
		if e.Kind == architecture.Reach {
			reach = append(reach, m.Node(e.From).Label()+" → "+m.Node(e.To).Label()+" ("+e.Label+")")
		}
	}
	got := strings.Join(reach, "\n")
	for _, want := range []string{
		"load balancer web → service web (TCP 8080)",
		"load balancer admin → service admin (TCP 9090)",
		"service web → database orders (TCP 5432)",
		"service admin → database orders (TCP 5432)",
		"service web → load balancer admin (TCP 443)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the diagram lacks %q; it has:\n%s", want, got)
		}
	}
	for _, e := range m.Edges {
		if e.To == "loadbalancer_admin" && e.Kind == architecture.Reach && e.From != "service_web" {
			t.Errorf("admin's internal load balancer is reached from %s", m.Node(e.From).Label())
		}
		if e.From == "internet" && e.To != "loadbalancer_web" {
			t.Errorf("the internet reaches %s", m.Node(e.To).Label())
		}
	}
}
