package components_test

// These tests run every component the way a library user unit-tests a
// program: under Pulumi's own mock monitor (pulumi.WithMocks), first with
// the echo mock most Pulumi tests start from, then with strata's
// plan.Mocks, then with every output a provider computes left out, empty or
// unknown.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/components/alerting"
	"github.com/strata-infra/strata/components/appservice"
	"github.com/strata-infra/strata/components/auroradb"
	"github.com/strata-infra/strata/components/baseline"
	"github.com/strata-infra/strata/components/budget"
	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/components/securebucket"
	"github.com/strata-infra/strata/components/serverlessapi"
	"github.com/strata-infra/strata/grant"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

// registered is one resource a mock was asked for.
type registered struct {
	typ, name string
	custom    bool
	inputs    resource.PropertyMap
}

// echo is the mock most Pulumi unit tests start from: a resource's outputs
// are its inputs, its ID its name; an invoke answers with its arguments,
// plus the caller identity, Region, partition and availability zones. It
// records what the program registered.
type echo struct {
	mu  sync.Mutex
	got []registered
}

func (m *echo) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.got = append(m.got, registered{a.TypeToken, a.Name, a.Custom, a.Inputs})
	m.mu.Unlock()
	return a.Name + "_id", a.Inputs, nil
}

func (m *echo) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	out := a.Args.Copy()
	switch a.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		out["accountId"] = resource.NewProperty("123456789012")
	case "aws:index/getRegion:getRegion":
		out["name"] = resource.NewProperty("us-east-1")
	case "aws:index/getPartition:getPartition":
		out["partition"] = resource.NewProperty("aws")
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		out["names"] = resource.NewProperty([]resource.PropertyValue{
			resource.NewProperty("us-east-1a"), resource.NewProperty("us-east-1b"), resource.NewProperty("us-east-1c")})
	}
	return out, nil
}

// find is the one recorded resource of type typ named name.
func (m *echo) find(t *testing.T, typ, name string) registered {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	var names []string
	for _, r := range m.got {
		if r.typ == typ && r.name == name {
			return r
		}
		if r.typ == typ {
			names = append(names, r.name)
		}
	}
	t.Fatalf("no %s %q registered; there are %v", typ, name, names)
	return registered{}
}

func (m *echo) all(typ string) []registered {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []registered
	for _, r := range m.got {
		if r.typ == typ {
			out = append(out, r)
		}
	}
	return out
}

// typical composes every component as a team would: a network, a
// database both services reach (web with the password, admin as an IAM
// user), a data bucket web writes, an access-log bucket, a serverless API
// reading the bucket, alarms, a budget and the account baseline.
func typical(ctx *pulumi.Context) error {
	alarms, err := alerting.New(ctx, "alarms", &alerting.Args{Emails: []string{"oncall@example.com"}})
	if err != nil {
		return err
	}
	net, err := network.New(ctx, "shop", &network.Args{CIDR: "10.30.0.0/16", AvailabilityZones: 3,
		NATGateways: network.NATOnePerAZ, AlarmTopicARN: alarms.TopicARN})
	if err != nil {
		return err
	}
	db, err := auroradb.New(ctx, "orders", &auroradb.Args{VpcID: net.VpcID, SubnetGroupName: net.DBSubnetGroupName,
		AvailabilityZones: net.AvailabilityZones, Instances: 2, MaxACU: 8, Alarms: auroradb.Alarms{TopicARN: alarms.TopicARN}})
	if err != nil {
		return err
	}
	logs, err := securebucket.New(ctx, "access-logs", &securebucket.Args{AccessLogTarget: true})
	if err != nil {
		return err
	}
	data, err := securebucket.New(ctx, "data", &securebucket.Args{AccessLogBucket: logs.BucketName})
	if err != nil {
		return err
	}
	admin, err := appservice.New(ctx, "admin", &appservice.Args{
		VpcID: net.VpcID, PrivateSubnetIDs: net.PrivateSubnetIDs, Internal: true, AllowedIngressCIDRs: []string{net.CIDR},
		Image: "public.ecr.aws/nginx/nginx:1.27", Port: 9090,
		Grants: []grant.Grant{db.Connect(&auroradb.ConnectOptions{IAMUser: "admin_app"})},
	})
	if err != nil {
		return err
	}
	web, err := appservice.New(ctx, "web", &appservice.Args{
		VpcID: net.VpcID, PublicSubnetIDs: net.PublicSubnetIDs, PrivateSubnetIDs: net.PrivateSubnetIDs,
		Image: "public.ecr.aws/nginx/nginx:1.27", Port: 8080, AccessLogBucket: logs.BucketName,
		CertificateARN: pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/3f0c9d1e-5b7a-4c2e-9a61-2d8e4f6b1c07"),
		Alarms:         appservice.Alarms{TopicARN: alarms.TopicARN},
		Grants:         []grant.Grant{db.Connect(nil), data.Grant(securebucket.ReadWrite), admin.Connect(nil)},
	})
	if err != nil {
		return err
	}
	api, err := serverlessapi.New(ctx, "items", &serverlessapi.Args{
		Code: pulumi.NewFileArchive("serverlessapi/testdata/handler"), VpcID: net.VpcID, SubnetIDs: net.PrivateSubnetIDs,
		Table:  &serverlessapi.Table{HashKey: serverlessapi.Key{Name: "id"}},
		Grants: []grant.Grant{data.Grant(securebucket.Read)},
		Alarms: serverlessapi.Alarms{TopicARN: alarms.TopicARN},
	})
	if err != nil {
		return err
	}
	if _, err := budget.New(ctx, "monthly", &budget.Args{LimitUSD: 500, EmailAddresses: []string{"finance@example.com"}, Topic: true,
		FilterTag: budget.Tag{Key: "Environment", Value: ctx.Stack()}}); err != nil {
		return err
	}
	if _, err := baseline.New(ctx, "baseline", &baseline.Args{DeployRole: &baseline.DeployRole{
		TrustedPrincipal: "210987654321", ExternalID: "ci-deploys-shop", ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/PowerUserAccess"}}}); err != nil {
		return err
	}
	if _, err := alarms.Dashboard(ctx, net.Dashboard, db.Dashboard, web.Dashboard, admin.Dashboard, api.Dashboard); err != nil {
		return err
	}
	ctx.Export("url", web.URL)
	return nil
}

// minimal makes each component with as little as it accepts.
func minimal(ctx *pulumi.Context) error {
	net, err := network.New(ctx, "net", nil)
	if err != nil {
		return err
	}
	db, err := auroradb.New(ctx, "db", &auroradb.Args{VpcID: net.VpcID, SubnetGroupName: net.DBSubnetGroupName})
	if err != nil {
		return err
	}
	bucket, err := securebucket.New(ctx, "bucket", nil)
	if err != nil {
		return err
	}
	if _, err := appservice.New(ctx, "app", &appservice.Args{VpcID: net.VpcID, PublicSubnetIDs: net.PublicSubnetIDs,
		PrivateSubnetIDs: net.PrivateSubnetIDs, Image: "public.ecr.aws/nginx/nginx:1.27",
		Grants: []grant.Grant{db.Connect(nil), bucket.Grant(securebucket.ReadWrite)}}); err != nil {
		return err
	}
	if _, err := serverlessapi.New(ctx, "api", &serverlessapi.Args{Code: pulumi.NewFileArchive("serverlessapi/testdata/handler")}); err != nil {
		return err
	}
	if _, err := alerting.New(ctx, "alarms", nil); err != nil {
		return err
	}
	if _, err := budget.New(ctx, "budget", &budget.Args{LimitUSD: 100, EmailAddresses: []string{"finance@example.com"}}); err != nil {
		return err
	}
	_, err = baseline.New(ctx, "baseline", nil)
	return err
}

// lean is a non-production composition: a NAT instance instead of
// gateways, a service on Fargate Spot above one on-demand task.
func lean(ctx *pulumi.Context) error {
	net, err := network.New(ctx, "lean", &network.Args{NATGateways: network.NATInstance})
	if err != nil {
		return err
	}
	_, err = appservice.New(ctx, "spot", &appservice.Args{VpcID: net.VpcID, PublicSubnetIDs: net.PublicSubnetIDs,
		PrivateSubnetIDs: net.PrivateSubnetIDs, Image: "public.ecr.aws/nginx/nginx:1.27", Architecture: appservice.X86_64,
		Capacity: &appservice.Capacity{OnDemandBase: 1, OnDemandWeight: 1, SpotWeight: 2}})
	return err
}

var programs = map[string]pulumi.RunFunc{"typical": typical, "minimal": minimal}

// TestLeanUnderPulumiMocks: the non-production choices (a NAT instance, a
// Spot strategy) build under Pulumi's echo mock and under plan.Mocks, and
// the strategy and the instance's recovery alarm are what registers.
func TestLeanUnderPulumiMocks(t *testing.T) {
	e := &echo{}
	if err := pulumi.RunErr(lean, pulumi.WithMocks("shop", "dev", e)); err != nil {
		t.Fatalf("under the echo mock: %v", err)
	}
	if len(e.all("aws:ec2/instance:Instance")) != 1 || len(e.all("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")) != 1 {
		t.Errorf("the echo mock saw %d instances and %d provider associations, want 1 each",
			len(e.all("aws:ec2/instance:Instance")), len(e.all("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")))
	}
	m := plan.NewMocks(plan.Options{Project: "shop", Stack: "dev"})
	if err := pulumi.RunErr(lean, m.RunOption()); err != nil {
		t.Fatalf("under plan.Mocks: %v", err)
	}
	if err := m.Err(); err != nil {
		t.Fatal(err)
	}
	p := m.Plan()
	svc := plantest.One(t, p, "aws:ecs/service:Service")
	if _, ok := svc.Inputs["launchType"]; ok || len(svc.Inputs["capacityProviderStrategies"].([]any)) != 2 {
		t.Errorf("the Spot service registered launch type %v and strategy %v", svc.Inputs["launchType"], svc.Inputs["capacityProviderStrategies"])
	}
	alarm := plantest.Find(t, p, "aws:cloudwatch/metricAlarm:MetricAlarm", "lean-nat-instance-system-check")
	if acts := alarm.Inputs["alarmActions"].([]any); len(acts) != 1 || acts[0] != "arn:aws:automate:us-east-1:ec2:recover" {
		t.Errorf("recovery alarm actions %v", acts)
	}
}

// componentTypes are every exported component's type token.
var componentTypes = []string{alerting.Type, appservice.Type, auroradb.Type, baseline.Type, budget.Type,
	network.Type, securebucket.Type, serverlessapi.Type}

// TestEveryComponentUnderTheEchoMock: with Pulumi's mock monitor and the
// echo mock, every component builds, and what a user asserts on is there:
// the database admits the service's group on 5432 and nothing else, and
// the service's task definition carries the grants' settings.
func TestEveryComponentUnderTheEchoMock(t *testing.T) {
	for name, program := range programs {
		t.Run(name, func(t *testing.T) {
			m := &echo{}
			if err := pulumi.RunErr(program, pulumi.WithMocks("shop", "dev", m)); err != nil {
				t.Fatalf("under the echo mock: %v", err)
			}
			for _, typ := range componentTypes {
				if len(m.all(typ)) == 0 {
					t.Errorf("no %s registered", typ)
				}
			}
			if len(m.all("aws:ecs/service:Service")) == 0 || len(m.all("aws:rds/cluster:Cluster")) != 1 {
				t.Fatalf("the program registered no service or database: %d resources", len(m.got))
			}
		})
	}
	m := &echo{}
	if err := pulumi.RunErr(typical, pulumi.WithMocks("shop", "dev", m)); err != nil {
		t.Fatal(err)
	}
	// IDs are names + "_id" under this mock, so group IDs name their group.
	var into []string
	for _, r := range m.all("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if r.inputs["securityGroupId"].V == "orders_id" {
			into = append(into, fmt.Sprintf("%v %v-%v from %v", r.inputs["ipProtocol"].V, r.inputs["fromPort"].V,
				r.inputs["toPort"].V, r.inputs["referencedSecurityGroupId"].V))
		}
	}
	slices.Sort(into)
	if want := []string{"tcp 5432-5432 from admin-tasks_id", "tcp 5432-5432 from web-tasks_id"}; !slices.Equal(into, want) {
		t.Errorf("ingress on the database's group = %v, want %v", into, want)
	}
	env := containerEnv(t, m.find(t, "aws:ecs/taskDefinition:TaskDefinition", "web").inputs)
	for _, k := range []string{"DB_HOST", "DB_PORT", "DB_NAME", "BUCKET_NAME", "DB_USER", "DB_PASSWORD"} {
		if _, ok := env[k]; !ok {
			t.Errorf("web's container has no %s; it has %v", k, env)
		}
	}
	if env["DB_PORT"] != "5432" {
		t.Errorf("DB_PORT = %q, want 5432", env["DB_PORT"])
	}
	// admin.Connect: web's tasks reach admin's internal load balancer on
	// plain HTTP (no certificate), and only web, by reference.
	var intoAdmin []string
	for _, r := range m.all("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		if r.inputs["securityGroupId"].V == "admin-alb_id" && r.inputs["referencedSecurityGroupId"].V != nil {
			intoAdmin = append(intoAdmin, fmt.Sprintf("%v from %v", r.inputs["fromPort"].V, r.inputs["referencedSecurityGroupId"].V))
		}
	}
	if want := []string{"80 from web-tasks_id"}; !slices.Equal(intoAdmin, want) {
		t.Errorf("admin's load balancer admits groups %v, want %v", intoAdmin, want)
	}
	if _, ok := env["ADMIN_URL"]; !ok {
		t.Errorf("web's container has no ADMIN_URL; it has %v", env)
	}
}

// containerEnv is the first container's environment and secrets by name
// (a secret's value is its valueFrom).
func containerEnv(t *testing.T, inputs resource.PropertyMap) map[string]string {
	t.Helper()
	raw, ok := inputs["containerDefinitions"]
	if !ok || !raw.IsString() {
		t.Fatalf("containerDefinitions = %v, want a JSON string", raw)
	}
	var defs []struct {
		Environment []struct{ Name, Value string }
		Secrets     []struct{ Name, ValueFrom string }
	}
	if err := json.Unmarshal([]byte(raw.StringValue()), &defs); err != nil || len(defs) == 0 {
		t.Fatalf("containerDefinitions %q: %v", raw.StringValue(), err)
	}
	env := map[string]string{}
	for _, e := range defs[0].Environment {
		env[e.Name] = e.Value
	}
	for _, s := range defs[0].Secrets {
		env[s.Name] = s.ValueFrom
	}
	return env
}

// TestEveryComponentUnderStrataMocks: plan.Mocks under Pulumi's mock
// monitor gives the values strata plan gives, so a test can assert on
// real-looking ARNs: the settings name the cluster's endpoint and the
// secret RDS keeps, and the task role may touch only its bucket.
func TestEveryComponentUnderStrataMocks(t *testing.T) {
	for name, program := range programs {
		t.Run(name, func(t *testing.T) {
			m := plan.NewMocks(plan.Options{Project: "shop", Stack: "dev"})
			if err := pulumi.RunErr(program, m.RunOption()); err != nil {
				t.Fatalf("under plan.Mocks: %v", err)
			}
			if err := m.Err(); err != nil {
				t.Fatal(err)
			}
			// Every component registered, with children of its own.
			p := m.Plan()
			for _, typ := range componentTypes {
				cs := p.ByType(typ)
				if len(cs) == 0 {
					t.Errorf("no %s registered", typ)
				}
				for _, c := range cs {
					if len(p.Children(c.URN)) == 0 {
						t.Errorf("%s %q has no children", typ, c.Name)
					}
				}
			}
		})
	}
	m := plan.NewMocks(plan.Options{Project: "shop", Stack: "dev"})
	if err := pulumi.RunErr(typical, m.RunOption()); err != nil {
		t.Fatal(err)
	}
	p := m.Plan()
	// The mock monitor saw what the plan engine registers for the same
	// program: every URN, no more.
	run, err := plan.Run(typical, plan.Options{Project: "shop", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	var mocked, planned []string
	for _, r := range p.Resources {
		mocked = append(mocked, r.URN)
	}
	for _, r := range run.Resources {
		// Run reads awsx's children back through getResource, for which
		// the engine registers the pulumi package's default provider;
		// Pulumi's mock monitor answers getResource itself.
		if r.Type != "pulumi:providers:pulumi" {
			planned = append(planned, r.URN)
		}
	}
	if !slices.Equal(mocked, planned) {
		t.Errorf("under plan.Mocks %d URNs, under plan.Run %d; they differ", len(mocked), len(planned))
	}
	td, err := p.Find("aws:ecs/taskDefinition:TaskDefinition", "web")
	if err != nil {
		t.Fatal(err)
	}
	env := containerEnv(t, resource.NewPropertyMapFromMap(td.Inputs))
	cluster, err := p.Find("aws:rds/cluster:Cluster", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if env["DB_HOST"] != cluster.Outputs["endpoint"] || !strings.HasSuffix(env["DB_HOST"], ".rds.amazonaws.com") {
		t.Errorf("DB_HOST = %q, want the cluster's endpoint %v", env["DB_HOST"], cluster.Outputs["endpoint"])
	}
	if !strings.HasPrefix(env["DB_PASSWORD"], "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-") ||
		!strings.HasSuffix(env["DB_PASSWORD"], ":password::") {
		t.Errorf("DB_PASSWORD comes from %q, want the password key of the secret RDS keeps", env["DB_PASSWORD"])
	}
	bucket, err := p.Find("aws:s3/bucketV2:BucketV2", "data")
	if err != nil {
		t.Fatal(err)
	}
	if env["BUCKET_NAME"] != bucket.Inputs["bucket"] && env["BUCKET_NAME"] != bucket.Outputs["bucket"] {
		t.Errorf("BUCKET_NAME = %q, want the bucket's name", env["BUCKET_NAME"])
	}
	arn, _ := bucket.Outputs["arn"].(string)
	if !strings.HasPrefix(arn, "arn:aws:s3:::") {
		t.Fatalf("the bucket's ARN is %q, want an S3 ARN", arn)
	}
	role, err := p.Find("aws:iam/role:Role", "web-task")
	if err != nil {
		t.Fatal(err)
	}
	policies := 0
	for _, rp := range p.ByType("aws:iam/rolePolicy:RolePolicy") {
		if rp.Inputs["role"] != role.ID {
			continue
		}
		policies++
		doc, _ := rp.Inputs["policy"].(string)
		var policy struct{ Statement []struct{ Resource []string } }
		if err := json.Unmarshal([]byte(doc), &policy); err != nil {
			t.Fatalf("%s: %v", rp.Name, err)
		}
		for _, s := range policy.Statement {
			for _, r := range s.Resource {
				if r != arn && r != arn+"/*" && !strings.HasPrefix(r, "arn:aws:kms:us-east-1:123456789012:key/") {
					t.Errorf("%s grants on %s, want only bucket %s and its key", rp.Name, r, arn)
				}
			}
		}
	}
	if policies == 0 {
		t.Errorf("no policy on the task role %s", role.ID)
	}
}

// mode is what the sweep does to an output a provider computes.
type mode string

const (
	absent  mode = "absent"  // the mock leaves it out
	null    mode = "null"    // the mock returns null
	empty   mode = "empty"   // "", [], {}, 0 or false
	unknown mode = "unknown" // not known, as in a preview
)

// sweeping answers as plan.Mocks does, then does m to every output plan
// synthesized beyond the inputs (or made other than its input, as awsx's
// natGateways), or only to key of resources of type typ
// when typ is set; it records which (type, output) pairs it met.
type sweeping struct {
	*plan.Mocks
	m        mode
	typ, key string
	mu       sync.Mutex
	computed map[[2]string]bool
}

func (s *sweeping) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id, state, err := s.Mocks.NewResource(a)
	if err != nil {
		return id, state, err
	}
	for k, v := range state {
		if in, ok := a.Inputs[k]; (ok && in.DeepEquals(v)) || (s.typ != "" && (s.typ != a.TypeToken || s.key != string(k))) {
			continue
		}
		s.mu.Lock()
		s.computed[[2]string{a.TypeToken, string(k)}] = true
		s.mu.Unlock()
		switch s.m {
		case absent:
			delete(state, k)
		case null:
			state[k] = resource.NewNullProperty()
		case unknown:
			state[k] = resource.MakeComputed(resource.NewProperty(""))
		case empty:
			state[k] = emptyLike(v)
		}
	}
	return id, state, nil
}

func emptyLike(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsArray():
		return resource.NewProperty([]resource.PropertyValue{})
	case v.IsObject():
		return resource.NewProperty(resource.PropertyMap{})
	case v.IsNumber():
		return resource.NewProperty(0.0)
	case v.IsBool():
		return resource.NewProperty(false)
	}
	return resource.NewProperty("")
}

func preview(info *pulumi.RunInfo) { info.DryRun = true }

// TestNoComponentTrustsAComputedOutput sweeps every output a provider
// computes (every output plan.Mocks gives beyond a resource's inputs: IDs
// aside, ARNs, names, endpoints, RDS's secret, awsx's subnets and NAT
// gateways) through absent, null, empty and unknown, all at once and then
// one at a time, in an update and in a preview: no component panics or
// fails.
func TestNoComponentTrustsAComputedOutput(t *testing.T) {
	seen := map[[2]string]bool{}
	for _, m := range []mode{absent, null, empty, unknown} {
		for name, program := range programs {
			for _, dry := range []bool{false, true} {
				s := &sweeping{Mocks: plan.NewMocks(plan.Options{Project: "shop", Stack: "dev"}), m: m, computed: seen}
				opts := []pulumi.RunOption{s.RunOption(), func(info *pulumi.RunInfo) { info.Mocks = s }}
				if dry {
					opts = append(opts, preview)
				}
				if err := pulumi.RunErr(program, opts...); err != nil {
					t.Errorf("%s with every computed output %s (preview %v): %v", name, m, dry, err)
				}
			}
		}
	}
	t.Logf("the sweep met %d (type, output) pairs", len(seen))
	if len(seen) < 40 {
		t.Fatalf("the sweep met %d computed outputs, want the program's dozens: %v", len(seen), seen)
	}
	if !seen[[2]string{"aws:rds/cluster:Cluster", "masterUserSecrets"}] || !seen[[2]string{"awsx:ec2:Vpc", "natGateways"}] {
		t.Errorf("the sweep missed RDS's secret or awsx's NAT gateways: %v", seen)
	}
	if testing.Short() {
		return
	}
	for pair := range seen {
		for _, m := range []mode{empty, unknown} {
			s := &sweeping{Mocks: plan.NewMocks(plan.Options{Project: "shop", Stack: "dev"}), m: m, typ: pair[0], key: pair[1],
				computed: map[[2]string]bool{}}
			if err := pulumi.RunErr(typical, s.RunOption(), func(info *pulumi.RunInfo) { info.Mocks = s }); err != nil {
				t.Errorf("%s.%s %s: %v", pair[0], pair[1], m, err)
			}
		}
	}
}
