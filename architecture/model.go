// Package architecture reads a model.Plan as an architecture: the network
// with its Availability Zones, tiers, subnets and NAT, the load balancers,
// services, functions, APIs, databases and their instances, tables,
// buckets, keys and topics, the account baseline, and who can reach whom.
// It is what `strata plan` summarizes and what `strata diagram` draws, in
// DOT and Mermaid, and in SVG and PNG through Graphviz's dot.
//
// The model is read from the AWS resources the plan holds, not from
// strata's components, so it draws any Go Pulumi program strata can plan;
// each element is named after the component that owns it (the nearest
// component ancestor), as a person names it.
package architecture

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/strata-infra/strata/internal/awsread"
	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/plan/model"
)

// Kind is what an element of the architecture is.
type Kind string

// The kinds of element.
const (
	Internet     Kind = "internet"
	Clients      Kind = "clients"
	LoadBalancer Kind = "loadbalancer"
	Service      Kind = "service"
	Function     Kind = "function"
	API          Kind = "api"
	Database     Kind = "database"
	Instance     Kind = "instance"
	Server       Kind = "server" // an EC2 instance that is not a NAT
	Table        Kind = "table"
	Bucket       Kind = "bucket"
	Keys         Kind = "keys"
	Topic        Kind = "topic"
	Logs         Kind = "logs"
	Budget       Kind = "budget"
	Subnet       Kind = "subnet"
	NAT          Kind = "nat"
	Endpoint     Kind = "endpoint"
	Control      Kind = "control" // a part of the account baseline
)

// Tiers of a subnet, from the internet inwards.
const (
	Public   = "public"
	Private  = "private"
	Isolated = "isolated"
)

// Node is one element.
type Node struct {
	// ID is stable and safe as a DOT or Mermaid identifier.
	ID   string
	Kind Kind
	// Name is the owning component's name (or the resource's).
	Name string
	// Facts are short facts about it, most telling first.
	Facts []string
	// AZ is the Availability Zone of a subnet, NAT or database instance.
	AZ string
	// Tier is a subnet's tier, or the tier a node runs in.
	Tier string
	// InVPC places the node inside the VPC.
	InVPC bool
	// Baseline places the node in the account baseline.
	Baseline bool
	// URNs are the resources the node stands for.
	URNs []string
	// component is the URN of the component that owns the node.
	component string
}

// EdgeKind says what an edge means.
type EdgeKind string

// The kinds of edge.
const (
	// Reach is network reachability a security group admits.
	Reach EdgeKind = "reach"
	// Invoke is a service calling another (API Gateway to Lambda).
	Invoke EdgeKind = "invoke"
	// Grant is an IAM permission of a runtime role on a resource.
	Grant EdgeKind = "grant"
	// Route is a subnet's route out (to a NAT).
	Route EdgeKind = "route"
	// LogsTo and AlarmsTo are where logs and alarms go.
	LogsTo   EdgeKind = "logs"
	AlarmsTo EdgeKind = "alarms"
	// Part links a database to its instances.
	Part EdgeKind = "part"
)

// Edge is a relation between two nodes.
type Edge struct {
	From, To string
	Kind     EdgeKind
	Label    string
}

// Model is a plan read as an architecture.
type Model struct {
	Project, Stack, Account, Region string
	// VPC is the network, when the plan has one.
	VPC *VPC
	// Nodes are every element, ordered by kind and name.
	Nodes []*Node
	// Edges are ordered by source, target and label.
	Edges []Edge
}

// VPC is the network.
type VPC struct {
	Name, CIDR string
	// AZs are the Availability Zones the subnets use, sorted.
	AZs []string
	// Facts are where the network's flow logs and alarms go.
	Facts []string
	// component is the URN of the component that owns the VPC.
	component string
}

// kindNames are the kinds as a person says them.
var kindNames = map[Kind]string{
	LoadBalancer: "load balancer", Service: "service", Function: "function", API: "API",
	Database: "database", Instance: "instance", Server: "server", Table: "table", Bucket: "bucket", Topic: "topic",
	Budget: "budget", Subnet: "subnet", NAT: "NAT", Endpoint: "endpoint",
}

// Label is the node as a person names it: "service web", "Internet".
func (n *Node) Label() string {
	if k := kindNames[n.Kind]; k != "" {
		return k + " " + n.Name
	}
	return n.Name
}

// Node returns the node with the given ID, or nil.
func (m *Model) Node(id string) *Node {
	for _, n := range m.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// OfKind returns the nodes of a kind, in order.
func (m *Model) OfKind(k Kind) []*Node {
	var out []*Node
	for _, n := range m.Nodes {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}

// builder reads a plan into a model.
type builder struct {
	p      *model.Plan
	idx    *model.Index // p's lookups
	m      *Model
	byURN  map[string]*model.Resource
	ids    map[string]bool
	subnet map[string]*Node // by subnet ID
	sgUser map[string][]*Node
	byRole map[string]*Node // runtime role name -> the node it runs
	byARN  map[string]*Node // resource ARN or name -> node
	edges  map[Edge]bool
}

// Read reads a plan as an architecture.
func Read(p *model.Plan) *Model {
	b := &builder{
		p:      p,
		idx:    model.NewIndex(p),
		m:      &Model{Project: p.Project, Stack: p.Stack, Account: p.Account, Region: p.Region},
		byURN:  map[string]*model.Resource{},
		ids:    map[string]bool{},
		subnet: map[string]*Node{},
		sgUser: map[string][]*Node{},
		byRole: map[string]*Node{},
		byARN:  map[string]*Node{},
		edges:  map[Edge]bool{},
	}
	for _, r := range p.Resources {
		b.byURN[r.URN] = r
	}
	b.network()
	b.loadBalancers()
	b.services()
	b.functions()
	b.apis()
	b.databases()
	b.tables()
	b.buckets()
	b.keys()
	b.topics()
	b.budgets()
	b.baseline()
	b.reach()
	b.grants()
	b.logsAndAlarms()

	order := map[Kind]int{}
	for i, k := range []Kind{Internet, Clients, Subnet, NAT, Endpoint, LoadBalancer, Service, Function, API, Database, Instance, Table, Bucket, Keys, Topic, Logs, Budget, Control} {
		order[k] = i
	}
	slices.SortStableFunc(b.m.Nodes, func(x, y *Node) int {
		return cmp.Or(cmp.Compare(order[x.Kind], order[y.Kind]), cmp.Compare(x.AZ, y.AZ), cmp.Compare(tierOrder(x.Tier), tierOrder(y.Tier)), cmp.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
	})
	merged := map[Edge][]string{}
	for e := range b.edges {
		key := Edge{From: e.From, To: e.To, Kind: e.Kind}
		merged[key] = append(merged[key], e.Label)
	}
	for e, labels := range merged {
		slices.SortFunc(labels, natural)
		e.Label = strings.Join(slices.Compact(labels), ", ")
		b.m.Edges = append(b.m.Edges, e)
	}
	slices.SortFunc(b.m.Edges, func(x, y Edge) int {
		return cmp.Or(cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Label, y.Label))
	})
	return b.m
}

// natural orders labels with their numbers as numbers: TCP 80 before TCP 443.
func natural(a, b string) int {
	na, pa := trailingNumber(a)
	nb, pb := trailingNumber(b)
	if pa == pb && na >= 0 && nb >= 0 {
		return cmp.Compare(na, nb)
	}
	return cmp.Compare(a, b)
}

// trailingNumber splits "TCP 443" into 443 and "TCP "; -1 when the label
// does not end in a number.
func trailingNumber(s string) (int, string) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(s[i:])
	if err != nil {
		return -1, s
	}
	return n, s[:i]
}

func tierOrder(t string) int {
	return map[string]int{Public: 1, Private: 2, Isolated: 3}[t]
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// add adds a node with an ID made of its kind and name.
func (b *builder) add(n *Node, rs ...*model.Resource) *Node {
	base := string(n.Kind) + "_" + strings.Trim(unsafeID.ReplaceAllString(n.Name, "_"), "_")
	id := base
	for i := 2; b.ids[id]; i++ {
		id = base + "_" + strconv.Itoa(i)
	}
	b.ids[id] = true
	n.ID = id
	for _, r := range rs {
		n.URNs = append(n.URNs, r.URN)
	}
	if len(rs) > 0 {
		n.component = b.ownerURN(rs[0])
	}
	b.m.Nodes = append(b.m.Nodes, n)
	return n
}

func (b *builder) edge(from, to *Node, kind EdgeKind, label string) {
	if from == nil || to == nil || from == to {
		return
	}
	b.edges[Edge{From: from.ID, To: to.ID, Kind: kind, Label: label}] = true
}

// component is the component a resource belongs to: its nearest
// component ancestor below the stack, strata's own before another's (an
// awsx VPC's children belong to strata's Network), or nil.
func (b *builder) component(r *model.Resource) *model.Resource {
	var found *model.Resource
	for p := b.byURN[r.Parent]; p != nil; p = b.byURN[p.Parent] {
		if !p.Custom && !strings.HasPrefix(p.Type, "pulumi:") {
			found = p
			if strings.HasPrefix(p.Type, "strata:") {
				return p
			}
		}
	}
	return found
}

// owner is the name of the component a resource belongs to, or its own.
func (b *builder) owner(r *model.Resource) string {
	if c := b.component(r); c != nil {
		return c.Name
	}
	return r.Name
}

// ownerURN is the URN of the component a resource belongs to, or its own.
func (b *builder) ownerURN(r *model.Resource) string {
	if c := b.component(r); c != nil {
		return c.URN
	}
	return r.URN
}

// internet is the one internet node.
func (b *builder) internet() *Node {
	if n := b.m.Node("internet"); n != nil {
		return n
	}
	n := &Node{ID: "internet", Kind: Internet, Name: "Internet"}
	b.ids[n.ID] = true
	b.m.Nodes = append(b.m.Nodes, n)
	return n
}

func (b *builder) network() {
	for _, v := range b.idx.ByType("aws:ec2/vpc:Vpc") {
		if b.m.VPC == nil {
			b.m.VPC = &VPC{Name: b.owner(v), CIDR: str(v, "cidrBlock"), component: b.ownerURN(v)}
		}
	}
	azs := map[string]bool{}
	for _, s := range b.idx.ByType("aws:ec2/subnet:Subnet") {
		// The tier is what the routes make it, not what a tag says.
		tier := awsread.SubnetEgress(b.p, s.ID).Tier()
		az := str(s, "availabilityZone")
		azs[az] = true
		n := b.add(&Node{Kind: Subnet, Name: s.Name, AZ: az, Tier: tier, InVPC: true, Facts: []string{tier, str(s, "cidrBlock")}}, s)
		b.subnet[s.ID] = n
	}
	if b.m.VPC != nil {
		b.m.VPC.AZs = slices.Sorted(mapKeys(azs))
	}
	natByID := map[string]*Node{}
	for _, g := range b.idx.ByType("aws:ec2/natGateway:NatGateway") {
		sn := b.subnet[str(g, "subnetId")]
		n := &Node{Kind: NAT, Name: g.Name, InVPC: true, Tier: Public, Facts: []string{"NAT gateway"}}
		if sn != nil {
			n.AZ = sn.AZ
		}
		natByID[g.ID] = b.add(n, g)
	}
	for _, i := range b.idx.ByType("aws:ec2/instance:Instance") {
		if v, ok := i.Inputs["sourceDestCheck"].(bool); !ok || v {
			sn := b.subnet[str(i, "subnetId")]
			n := &Node{Kind: Server, Name: b.owner(i), InVPC: true, Facts: []string{"EC2 " + str(i, "instanceType")}}
			if sn != nil {
				n.AZ, n.Tier = sn.AZ, sn.Tier
			}
			b.uses(b.add(n, i), append(strs(i, "vpcSecurityGroupIds"), strs(i, "securityGroups")...))
			continue
		}
		sn := b.subnet[str(i, "subnetId")]
		n := &Node{Kind: NAT, Name: i.Name, InVPC: true, Tier: Public, Facts: []string{"NAT instance " + str(i, "instanceType")}}
		if sn != nil {
			n.AZ = sn.AZ
		}
		natByID[i.ID] = b.add(n, i)
		b.uses(natByID[i.ID], append(strs(i, "vpcSecurityGroupIds"), strs(i, "securityGroups")...))
		// Routes name a NAT instance by its network interface.
		if eni, _ := i.Outputs["primaryNetworkInterfaceId"].(string); eni != "" {
			natByID[eni] = natByID[i.ID]
		}
	}
	// Private subnets route to their NAT through their route table.
	tableSubnets := map[string][]*Node{}
	for _, a := range b.idx.ByType("aws:ec2/routeTableAssociation:RouteTableAssociation") {
		if sn := b.subnet[str(a, "subnetId")]; sn != nil {
			tableSubnets[str(a, "routeTableId")] = append(tableSubnets[str(a, "routeTableId")], sn)
		}
	}
	for _, r := range b.idx.ByType("aws:ec2/route:Route") {
		nat := natByID[cmp.Or(str(r, "natGatewayId"), str(r, "networkInterfaceId"), str(r, "instanceId"))]
		for _, sn := range tableSubnets[str(r, "routeTableId")] {
			b.edge(sn, nat, Route, str(r, "destinationCidrBlock"))
		}
	}
	for _, e := range b.idx.ByType("aws:ec2/vpcEndpoint:VpcEndpoint") {
		service := str(e, "serviceName")
		service = service[strings.LastIndex(service, ".")+1:]
		b.add(&Node{Kind: Endpoint, Name: service, InVPC: true, Facts: []string{str(e, "vpcEndpointType") + " endpoint"}}, e)
	}
}

// tierOf is the tier of the subnets named, when they share one.
func (b *builder) tierOf(ids []string) string {
	tier := ""
	for _, id := range ids {
		if sn := b.subnet[id]; sn != nil {
			if tier != "" && tier != sn.Tier {
				return ""
			}
			tier = sn.Tier
		}
	}
	return tier
}

func (b *builder) uses(n *Node, sgs []string) {
	for _, sg := range sgs {
		b.sgUser[sg] = append(b.sgUser[sg], n)
	}
}

func (b *builder) loadBalancers() {
	// A listener belongs to the load balancer its ARN names; one whose ARN
	// is not known yet, to the load balancer of the same owner.
	byARN, byOwner := map[string][]*model.Resource{}, map[string][]*model.Resource{}
	for _, l := range b.idx.ByType("aws:lb/listener:Listener") {
		if arn := str(l, "loadBalancerArn"); arn != "" {
			byARN[arn] = append(byARN[arn], l)
		} else {
			byOwner[b.owner(l)] = append(byOwner[b.owner(l)], l)
		}
	}
	for _, lb := range b.idx.ByType("aws:lb/loadBalancer:LoadBalancer") {
		scheme := "internet-facing"
		if boolean(lb, "internal") {
			scheme = "internal"
		}
		var ports []string
		for _, l := range append(slices.Clip(byARN[lb.ID]), byOwner[b.owner(lb)]...) {
			ports = append(ports, fmt.Sprintf("%s %v", str(l, "protocol"), num(l, "port")))
		}
		sort.Strings(ports)
		kind := map[string]string{"network": "NLB", "gateway": "GWLB"}[str(lb, "loadBalancerType")]
		facts := []string{scheme + " " + cmp.Or(kind, "ALB")}
		if len(ports) > 0 {
			facts = append(facts, strings.Join(ports, ", "))
		}
		n := b.add(&Node{Kind: LoadBalancer, Name: b.owner(lb), InVPC: true, Tier: b.tierOf(strs(lb, "subnets")), Facts: facts}, lb)
		b.uses(n, strs(lb, "securityGroups"))
		b.byARN[lb.ID] = n
	}
}

func (b *builder) services() {
	taskDefs := map[string][]*model.Resource{} // by ARN
	for _, td := range b.idx.ByType("aws:ecs/taskDefinition:TaskDefinition") {
		if arn, _ := td.Outputs["arn"].(string); arn != "" {
			taskDefs[arn] = append(taskDefs[arn], td)
		}
	}
	// A scalable target's resource ID is service/<cluster>/<service>.
	targets := map[string][]*model.Resource{} // by the service's name
	for _, t := range b.idx.ByType("aws:appautoscaling/target:Target") {
		id := str(t, "resourceId")
		svc := id[strings.LastIndex(id, "/")+1:]
		targets[svc] = append(targets[svc], t)
	}
	for _, s := range b.idx.ByType("aws:ecs/service:Service") {
		name := b.owner(s)
		var facts, roles []string // the task role and the execution role
		for _, td := range taskDefs[str(s, "taskDefinition")] {
			facts = append(facts, fmt.Sprintf("Fargate %s CPU / %s MiB %s", str(td, "cpu"), str(td, "memory"), str(td, "runtimePlatform", "cpuArchitecture")))
			roles = append(roles, roleName(str(td, "taskRoleArn")), roleName(str(td, "executionRoleArn")))
		}
		tasks := fmt.Sprintf("%v tasks", num(s, "desiredCount"))
		if svcName, _ := s.Outputs["name"].(string); svcName != "" {
			for _, t := range targets[svcName] {
				if strings.Contains(str(t, "resourceId"), "/") {
					tasks = fmt.Sprintf("%v-%v tasks", num(t, "minCapacity"), num(t, "maxCapacity"))
				}
			}
		}
		facts = append(facts, tasks+capacityOf(s))
		for _, lb := range list(s, "loadBalancers") {
			if m, ok := lb.(map[string]any); ok {
				facts = append(facts, fmt.Sprintf("port %v", m["containerPort"]))
			}
		}
		n := b.add(&Node{Kind: Service, Name: name, InVPC: true, Tier: b.tierOf(strs(s, "networkConfiguration", "subnets")), Facts: facts}, s)
		b.uses(n, strs(s, "networkConfiguration", "securityGroups"))
		for _, role := range roles {
			if role != "" {
				b.byRole[role] = n
			}
		}
	}
}

func (b *builder) functions() {
	for _, f := range b.idx.ByType("aws:lambda/function:Function") {
		facts := []string{fmt.Sprintf("Lambda %s %v MB", cmp.Or(str(f, "runtime"), "image"), num(f, "memorySize"))}
		subnets := strs(f, "vpcConfig", "subnetIds")
		n := b.add(&Node{Kind: Function, Name: b.owner(f), InVPC: len(subnets) > 0, Tier: b.tierOf(subnets), Facts: facts}, f)
		b.uses(n, strs(f, "vpcConfig", "securityGroupIds"))
		b.byRole[roleName(str(f, "role"))] = n
		if arn, _ := f.Outputs["arn"].(string); arn != "" {
			b.byARN[arn] = n
		}
	}
}

func (b *builder) apis() {
	for _, a := range b.idx.ByType("aws:apigatewayv2/api:Api") {
		facts := []string{cmp.Or(str(a, "protocolType"), "HTTP") + " API"}
		for _, s := range b.idx.ByType("aws:apigatewayv2/stage:Stage") {
			if str(s, "apiId") == a.ID {
				if burst := num(s, "defaultRouteSettings", "throttlingBurstLimit"); burst != nil {
					facts = append(facts, fmt.Sprintf("throttle %v/%v", burst, num(s, "defaultRouteSettings", "throttlingRateLimit")))
				}
			}
		}
		open := false
		for _, r := range b.idx.ByType("aws:apigatewayv2/route:Route") {
			if str(r, "apiId") == a.ID && cmp.Or(str(r, "authorizationType"), "NONE") == "NONE" {
				open = true
			}
		}
		if open {
			facts = append(facts, "open routes")
		} else {
			facts = append(facts, "JWT on every route")
		}
		n := b.add(&Node{Kind: API, Name: b.owner(a), Facts: facts}, a)
		b.edge(b.internet(), n, Reach, "HTTPS 443")
		for _, i := range b.idx.ByType("aws:apigatewayv2/integration:Integration") {
			if str(i, "apiId") != a.ID {
				continue
			}
			for arn, fn := range b.byARN {
				if fn.Kind == Function && strings.Contains(str(i, "integrationUri"), arn) {
					b.edge(n, fn, Invoke, "invoke")
				}
			}
		}
	}
}

func (b *builder) databases() {
	for _, c := range b.idx.ByType("aws:rds/cluster:Cluster") {
		facts := []string{fmt.Sprintf("Aurora %s %s", strings.TrimPrefix(str(c, "engine"), "aurora-"), str(c, "engineVersion"))}
		if min := num(c, "serverlessv2ScalingConfiguration", "minCapacity"); min != nil {
			facts = append(facts, fmt.Sprintf("%v-%v ACU", min, num(c, "serverlessv2ScalingConfiguration", "maxCapacity")))
		}
		switch {
		case boolean(c, "deletionProtection") && c.Protect:
			facts = append(facts, "deletion-protected")
		case boolean(c, "deletionProtection"):
			facts = append(facts, "deletion protection")
		}
		n := b.add(&Node{Kind: Database, Name: b.owner(c), InVPC: true, Tier: b.groupTier(str(c, "dbSubnetGroupName")), Facts: facts}, c)
		b.uses(n, strs(c, "vpcSecurityGroupIds"))
		if id, _ := c.Outputs["clusterResourceId"].(string); id != "" {
			b.byARN["dbuser:"+id] = n
		}
		var instances []*model.Resource
		for _, i := range b.idx.ByType("aws:rds/clusterInstance:ClusterInstance") {
			if str(i, "clusterIdentifier") == c.ID {
				instances = append(instances, i)
			}
		}
		for _, i := range instances {
			// Which instance writes is decided by RDS at creation and after
			// each failover, not by the plan: only a lone instance is
			// known to be the writer; the others show their failover tier.
			role := "writer"
			if len(instances) > 1 {
				role = fmt.Sprintf("failover tier %v", num(i, "promotionTier"))
			}
			in := b.add(&Node{Kind: Instance, Name: i.Name, InVPC: true, Tier: n.Tier, AZ: str(i, "availabilityZone"), Facts: []string{str(i, "instanceClass"), role}}, i)
			b.edge(n, in, Part, "")
		}
	}
	for _, i := range b.idx.ByType("aws:rds/instance:Instance") {
		facts := []string{fmt.Sprintf("RDS %s %s", str(i, "engine"), str(i, "engineVersion")), str(i, "instanceClass")}
		if boolean(i, "publiclyAccessible") {
			facts = append(facts, "publicly accessible")
		}
		n := b.add(&Node{Kind: Database, Name: b.owner(i), InVPC: true, Tier: b.groupTier(str(i, "dbSubnetGroupName")), Facts: facts}, i)
		b.uses(n, strs(i, "vpcSecurityGroupIds"))
	}
}

// groupTier is the tier of a DB subnet group's subnets, read from their
// routes, or "" when the plan cannot tell (a group or subnets it does not
// hold, or subnets of different tiers).
func (b *builder) groupTier(name string) string {
	for _, g := range b.idx.ByType("aws:rds/subnetGroup:SubnetGroup") {
		if g.ID == name || str(g, "name") == name {
			ids := strs(g, "subnetIds")
			for _, id := range ids {
				if b.subnet[id] == nil {
					return ""
				}
			}
			return b.tierOf(ids)
		}
	}
	return ""
}

func (b *builder) tables() {
	for _, t := range b.idx.ByType("aws:dynamodb/table:Table") {
		facts := []string{"DynamoDB " + strings.ToLower(cmp.Or(str(t, "billingMode"), "PROVISIONED"))}
		if boolean(t, "pointInTimeRecovery", "enabled") {
			facts = append(facts, "point-in-time recovery")
		}
		n := b.add(&Node{Kind: Table, Name: b.owner(t), Facts: facts}, t)
		if arn, _ := t.Outputs["arn"].(string); arn != "" {
			b.byARN[arn] = n
		}
	}
}

func (b *builder) buckets() {
	// Buckets of either provider generation, with their companions.
	for _, bk := range awsread.Buckets(b.p) {
		name := cmp.Or(str(bk, "bucket"), bk.ID)
		facts := []string{"S3"}
		if awsread.Versioned(b.p, bk, name) {
			facts = append(facts, "versioned")
		}
		if lc := awsread.Companion(b.p, name, awsread.LifecycleTypes); lc != nil {
			facts = append(facts, lifecycle(lc))
		}
		n := b.add(&Node{Kind: Bucket, Name: b.owner(bk), Facts: facts}, bk)
		b.byARN["arn:aws:s3:::"+name] = n
	}
}

// lifecycle summarizes a bucket's lifecycle rules: where objects move and
// when they expire.
func lifecycle(lc *model.Resource) string {
	var parts []string
	for _, r := range list(lc, "rules") {
		rule, _ := r.(map[string]any)
		for _, t := range anyList(rule["transitions"]) {
			if m, ok := t.(map[string]any); ok {
				parts = append(parts, fmt.Sprintf("%v d→%v", m["days"], m["storageClass"]))
			}
		}
		if e, ok := rule["expiration"].(map[string]any); ok && e["days"] != nil {
			parts = append(parts, fmt.Sprintf("expire %v d", e["days"]))
		}
	}
	if len(parts) == 0 {
		return "kept until deleted"
	}
	return strings.Join(parts, ", ")
}

func (b *builder) keys() {
	keys := b.idx.ByType("aws:kms/key:Key")
	if len(keys) == 0 {
		return
	}
	rotating := 0
	var rs []*model.Resource
	for _, k := range keys {
		if boolean(k, "enableKeyRotation") {
			rotating++
		}
		rs = append(rs, k)
	}
	b.add(&Node{Kind: Keys, Name: "KMS keys", Facts: []string{fmt.Sprintf("%d customer-managed", len(keys)), fmt.Sprintf("%d rotating", rotating)}}, rs...)
}

func (b *builder) topics() {
	for _, t := range b.idx.ByType("aws:sns/topic:Topic") {
		arn, _ := t.Outputs["arn"].(string)
		subs := map[string]int{}
		for _, s := range b.idx.ByType("aws:sns/topicSubscription:TopicSubscription") {
			if str(s, "topic") == arn {
				subs[str(s, "protocol")]++
			}
		}
		facts := []string{"SNS"}
		for _, proto := range slices.Sorted(mapKeys(subs)) {
			facts = append(facts, fmt.Sprintf("%d %s", subs[proto], proto))
		}
		n := b.add(&Node{Kind: Topic, Name: b.owner(t), Facts: facts}, t)
		if arn != "" {
			b.byARN[arn] = n
		}
	}
}

func (b *builder) budgets() {
	for _, bg := range b.idx.ByType("aws:budgets/budget:Budget") {
		n := b.add(&Node{Kind: Budget, Name: b.owner(bg), Facts: []string{fmt.Sprintf("%s %s %s", str(bg, "limitAmount"), str(bg, "limitUnit"), strings.ToLower(str(bg, "timeUnit")))}}, bg)
		for _, sub := range list(bg, "notifications") {
			m, _ := sub.(map[string]any)
			for _, arn := range anyList(m["subscriberSnsTopicArns"]) {
				if s, ok := arn.(string); ok {
					b.edge(n, b.byARN[s], AlarmsTo, "alerts")
				}
			}
		}
	}
}

func (b *builder) baseline() {
	parts := []struct {
		typ, name, fact string
	}{
		{"aws:cloudtrail/trail:Trail", "CloudTrail", "every Region"},
		{"aws:guardduty/detector:Detector", "GuardDuty", ""},
		{"aws:cfg/recorder:Recorder", "AWS Config", ""},
		{"aws:accessanalyzer/analyzer:Analyzer", "Access Analyzer", ""},
		{"aws:ebs/encryptionByDefault:EncryptionByDefault", "EBS encryption", "by default"},
		{"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "S3 public access block", "account-wide"},
	}
	for _, part := range parts {
		rs := b.idx.ByType(part.typ)
		if len(rs) == 0 {
			continue
		}
		fact := part.fact
		switch part.typ {
		case "aws:cfg/recorder:Recorder":
			fact = fmt.Sprintf("%d rules", len(b.idx.ByType("aws:cfg/rule:Rule")))
		case "aws:guardduty/detector:Detector":
			fact = fmt.Sprintf("%d protections", len(b.idx.ByType("aws:guardduty/detectorFeature:DetectorFeature")))
		case "aws:cloudtrail/trail:Trail":
			if !boolean(rs[0], "isMultiRegionTrail") {
				fact = "this Region"
			}
		}
		n := b.add(&Node{Kind: Control, Name: part.name, Baseline: true, Facts: []string{fact}}, rs...)
		if part.typ == "aws:cloudtrail/trail:Trail" {
			for _, bk := range b.m.OfKind(Bucket) {
				if arn := "arn:aws:s3:::" + str(rs[0], "s3BucketName"); b.byARN[arn] == bk {
					b.edge(n, bk, LogsTo, "trail")
				}
			}
		}
	}
}

// reach draws who can reach whom: every ingress rule from a security group
// or an address range to the nodes using the rule's group.
func (b *builder) reach() {
	// Every ingress rule, in every form (standalone, legacy, inline).
	rules, _ := awsread.Rules(b.p)
	for _, x := range rules {
		if !x.Ingress {
			continue
		}
		label := ports(x)
		targets := b.sgUser[x.Group]
		var sources []*Node
		for _, peer := range x.Peers {
			if peer == "self" {
				peer = x.Group
			}
			sources = append(sources, b.sgUser[peer]...)
		}
		for _, c := range x.CIDRs {
			if c == "0.0.0.0/0" || c == "::/0" {
				sources = append(sources, b.internet())
			} else if sn := b.subnetWithCIDR(c); sn != nil {
				sources = append(sources, sn)
			} else {
				sources = append(sources, b.clients(c))
			}
		}
		for _, s := range sources {
			for _, t := range targets {
				b.edge(s, t, Reach, label)
			}
		}
	}
}

// subnetWithCIDR is the plan's subnet whose block is exactly cidr.
func (b *builder) subnetWithCIDR(cidr string) *Node {
	for _, n := range b.m.OfKind(Subnet) {
		if len(n.Facts) > 1 && n.Facts[1] == cidr {
			return n
		}
	}
	return nil
}

// clients is the node for an address range that may reach something.
func (b *builder) clients(cidr string) *Node {
	name := cidr
	if b.m.VPC != nil && cidr == b.m.VPC.CIDR {
		name = "the VPC " + cidr
	}
	for _, n := range b.m.OfKind(Clients) {
		if n.Name == name {
			return n
		}
	}
	return b.add(&Node{Kind: Clients, Name: name, Facts: []string{"clients"}})
}

// ports is a rule's protocol and ports as a label.
func ports(x awsread.Rule) string {
	proto := strings.ToUpper(x.Protocol)
	switch {
	case x.AllPorts:
		return "all traffic"
	case proto == "6":
		proto = "TCP"
	case proto == "17":
		proto = "UDP"
	}
	if x.From == x.To {
		return fmt.Sprintf("%s %d", proto, x.From)
	}
	return fmt.Sprintf("%s %d-%d", proto, x.From, x.To)
}

// grants draws the IAM permissions of runtime roles on resources the model
// holds: a service's bucket, a function's table, IAM database users and the
// database secret.
func (b *builder) grants() {
	// A role's policies wherever they live: RolePolicy, the role's inline
	// policies, and managed policies of the plan attached to it.
	policies := map[string][]string{} // role name -> policy documents
	for _, rp := range b.idx.ByType("aws:iam/rolePolicy:RolePolicy") {
		policies[str(rp, "role")] = append(policies[str(rp, "role")], str(rp, "policy"))
	}
	for _, r := range b.idx.ByType("aws:iam/role:Role") {
		for i := range list(r, "inlinePolicies") {
			if doc, ok := r.Input(fmt.Sprintf("inlinePolicies.%d.policy", i)); ok {
				if doc, ok := doc.(string); ok {
					policies[r.ID] = append(policies[r.ID], doc)
				}
			}
		}
	}
	managed := map[string]string{} // policy ARN -> document
	for _, mp := range b.idx.ByType("aws:iam/policy:Policy") {
		if arn, _ := mp.Outputs["arn"].(string); arn != "" {
			managed[arn] = str(mp, "policy")
		}
	}
	for _, a := range b.idx.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if doc, ok := managed[str(a, "policyArn")]; ok {
			policies[str(a, "role")] = append(policies[str(a, "role")], doc)
		}
	}
	for role, docs := range policies {
		user := b.byRole[role]
		if user == nil {
			continue
		}
		found := map[*Node]map[string]bool{}
		for _, doc := range docs {
			parsed, err := iampolicy.Parse(doc)
			if err != nil {
				continue
			}
			for _, st := range parsed.Statement {
				if st.Effect != "Allow" {
					continue
				}
				for _, res := range st.Resource {
					target := b.resourceNode(res)
					if target == nil || target == user {
						continue
					}
					if found[target] == nil {
						found[target] = map[string]bool{}
					}
					for _, a := range st.Action {
						service, _, _ := strings.Cut(a, ":")
						found[target][service] = true
					}
				}
			}
		}
		for target, services := range found {
			b.edge(user, target, Grant, "IAM "+strings.Join(slices.Sorted(mapKeys(services)), ", "))
		}
	}
}

// resourceNode is the node an IAM resource ARN names, or nil.
func (b *builder) resourceNode(arn string) *Node {
	switch {
	case strings.HasPrefix(arn, "arn:aws:s3:::"):
		name, _, _ := strings.Cut(strings.TrimPrefix(arn, "arn:aws:s3:::"), "/")
		return b.byARN["arn:aws:s3:::"+name]
	case strings.Contains(arn, ":dynamodb:"):
		table, _, _ := strings.Cut(arn, "/index/")
		return b.byARN[table]
	case strings.Contains(arn, ":rds-db:"):
		if _, rest, ok := strings.Cut(arn, ":dbuser:"); ok {
			id, _, _ := strings.Cut(rest, "/")
			return b.byARN["dbuser:"+id]
		}
	case strings.Contains(arn, ":secretsmanager:") && strings.Contains(arn, ":secret:rds!cluster"):
		// The secret RDS manages for a cluster: reading it is reaching the
		// database's master credentials.
		dbs := b.m.OfKind(Database)
		if len(dbs) == 1 {
			return dbs[0]
		}
	}
	return nil
}

// logsAndAlarms draws where each component's logs and alarms go: from
// the component's main node (its service, function or database before its
// load balancer) to CloudWatch Logs and to the alarm topic; the network's
// own go in the VPC's facts.
func (b *builder) logsAndAlarms() {
	main := map[string]*Node{} // component URN -> its main node
	rank := map[Kind]int{Service: 1, Function: 2, Database: 3, Table: 4, API: 5, LoadBalancer: 6, Bucket: 7, Topic: 8, Budget: 9, Control: 10}
	for _, n := range b.m.Nodes {
		if rank[n.Kind] == 0 || n.component == "" {
			continue
		}
		if cur := main[n.component]; cur == nil || rank[n.Kind] < rank[cur.Kind] {
			main[n.component] = n
		}
	}
	vpc := b.m.VPC
	groups := b.idx.ByType("aws:cloudwatch/logGroup:LogGroup")
	var logs *Node
	if len(groups) > 0 {
		logs = b.add(&Node{Kind: Logs, Name: "CloudWatch Logs", Facts: []string{fmt.Sprintf("%d log groups", len(groups))}}, groups...)
		logs.component = ""
	}
	retention := map[string][]string{}
	for _, g := range groups {
		days := "never expire"
		if d := num(g, "retentionInDays"); d != nil {
			days = fmt.Sprintf("%v d", d)
		}
		retention[b.ownerURN(g)] = append(retention[b.ownerURN(g)], days)
	}
	for owner, days := range retention {
		slices.Sort(days)
		label := "logs " + strings.Join(slices.Compact(days), ", ")
		switch {
		case main[owner] != nil:
			b.edge(main[owner], logs, LogsTo, label)
		case vpc != nil && owner == vpc.component:
			vpc.Facts = append(vpc.Facts, "flow "+label+" → CloudWatch Logs")
		}
	}
	alarms := map[string]map[*Node]int{}
	for _, a := range b.idx.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		for _, arn := range strs(a, "alarmActions") {
			if t := b.byARN[arn]; t != nil {
				owner := b.ownerURN(a)
				if alarms[owner] == nil {
					alarms[owner] = map[*Node]int{}
				}
				alarms[owner][t]++
			}
		}
	}
	for owner, topics := range alarms {
		for t, count := range topics {
			label := fmt.Sprintf("%d alarms", count)
			switch {
			case main[owner] != nil:
				b.edge(main[owner], t, AlarmsTo, label)
			case vpc != nil && owner == vpc.component:
				vpc.Facts = append(vpc.Facts, label+" → "+t.Name)
			}
		}
	}
	if vpc != nil {
		slices.Sort(vpc.Facts)
	}
}

// roleName is the name in a role ARN.
func roleName(arn string) string {
	_, name, ok := strings.Cut(arn, ":role/")
	if !ok {
		return arn
	}
	return name[strings.LastIndex(name, "/")+1:]
}

// value is the input at a path of keys.
func value(r *model.Resource, path ...string) any {
	var v any = r.Inputs
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(r *model.Resource, path ...string) string {
	switch v := value(r, path...).(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func num(r *model.Resource, path ...string) any {
	if v, ok := value(r, path...).(float64); ok {
		return v
	}
	return nil
}

func boolean(r *model.Resource, path ...string) bool {
	v, _ := value(r, path...).(bool)
	return v
}

func list(r *model.Resource, path ...string) []any { return anyList(value(r, path...)) }

func anyList(v any) []any {
	l, _ := v.([]any)
	return l
}

func strs(r *model.Resource, path ...string) []string { return stringList(value(r, path...)) }

func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// capacityOf says where a service's tasks run when its capacity-provider
// strategy puts any on Fargate Spot: " on Spot" for all of them, or the
// on-demand base and the weights.
func capacityOf(s *model.Resource) string {
	var onBase, onWeight, spotBase, spotWeight float64
	for _, e := range list(s, "capacityProviderStrategies") {
		m, _ := e.(map[string]any)
		base, _ := m["base"].(float64)
		weight, _ := m["weight"].(float64)
		if m["capacityProvider"] == "FARGATE_SPOT" {
			spotBase, spotWeight = spotBase+base, spotWeight+weight
		} else {
			onBase, onWeight = onBase+base, onWeight+weight
		}
	}
	switch {
	case spotBase+spotWeight == 0:
		return ""
	case onBase+onWeight == 0:
		return " on Spot"
	}
	return fmt.Sprintf(", %v on-demand then %v:%v on Spot", onBase, onWeight, spotWeight)
}
