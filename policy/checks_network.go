package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-infra/strata/plan"
)

const (
	awsxVpcType    = "awsx:ec2:Vpc"
	vpcType        = "aws:ec2/vpc:Vpc"
	flowLogType    = "aws:ec2/flowLog:FlowLog"
	defaultSGType  = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	subnetType     = "aws:ec2/subnet:Subnet"
	sgType         = "aws:ec2/securityGroup:SecurityGroup"
	ingressType    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	egressType     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	sgRuleType     = "aws:ec2/securityGroupRule:SecurityGroupRule"
	subnetGrpType  = "aws:rds/subnetGroup:SubnetGroup"
	routeTableType = "aws:ec2/routeTable:RouteTable"
	ec2RouteType   = "aws:ec2/route:Route"
	assocType      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	mainAssocType  = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
)

var vpcTypes = []string{awsxVpcType, vpcType}

// vpcID is a VPC's ID: an awsx VPC's synthesized vpcId, or the ID.
func vpcID(r *plan.Resource) string {
	if r.Type == awsxVpcType {
		s, _ := r.Outputs["vpcId"].(string)
		return s
	}
	return r.ID
}

// rule is one security group rule in any form AWS and the provider accept:
// an aws:vpc ingress or egress rule, a legacy aws:ec2 rule, or an inline
// ingress or egress block of a security group; cidrs holds every IPv4 and
// IPv6 block it admits or allows.
type rule struct {
	r        *plan.Resource
	where    string // "" for a rule resource, "ingress[0]" for an inline block
	ingress  bool
	group    string // the group the rule belongs to
	cidrs    []string
	peer     string // a referenced security group, or "self"
	from, to int
	allPorts bool
}

// ruleTypes are the resources that carry rules.
var ruleTypes = []string{ingressType, egressType, sgRuleType, sgType}

// rulesOf reads the rules r carries, recording what it cannot read.
func (e *env) rulesOf(r *plan.Resource) []rule {
	switch r.Type {
	case ingressType, egressType:
		x := rule{r: r, ingress: r.Type == ingressType, group: e.str(r, "securityGroupId"),
			peer: e.str(r, "referencedSecurityGroupId"), from: int(e.number(r, "fromPort")), to: int(e.number(r, "toPort"))}
		for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
			if c := e.str(r, k); c != "" {
				x.cidrs = append(x.cidrs, c)
			}
		}
		x.allPorts = allProtocols(e.str(r, "ipProtocol"))
		return []rule{x}
	case sgRuleType:
		x := rule{r: r, ingress: e.str(r, "type") == "ingress", group: e.str(r, "securityGroupId"),
			peer: e.str(r, "sourceSecurityGroupId"), from: int(e.number(r, "fromPort")), to: int(e.number(r, "toPort")),
			allPorts: allProtocols(e.str(r, "protocol"))}
		if e.boolean(r, "self") {
			x.peer = "self"
		}
		x.cidrs = e.strings(r, "cidrBlocks", "ipv6CidrBlocks")
		return []rule{x}
	case sgType, defaultSGType:
		var out []rule
		for _, dir := range []string{"ingress", "egress"} {
			for i := range e.list(r, dir) {
				at := fmt.Sprintf("%s.%d", dir, i)
				x := rule{r: r, where: fmt.Sprintf("%s[%d]", dir, i), ingress: dir == "ingress", group: r.ID,
					from: int(e.number(r, at+".fromPort")), to: int(e.number(r, at+".toPort")),
					allPorts: allProtocols(e.str(r, at+".protocol"))}
				x.cidrs = e.strings(r, at+".cidrBlocks", at+".ipv6CidrBlocks")
				if groups := e.strings(r, at+".securityGroups"); len(groups) > 0 {
					x.peer = strings.Join(groups, ",")
				}
				if e.boolean(r, at+".self") {
					x.peer = "self"
				}
				out = append(out, x)
			}
		}
		return out
	}
	return nil
}

// rules are every rule of the plan, in every form.
func (e *env) rules() []rule {
	var out []rule
	for _, typ := range ruleTypes {
		for _, r := range e.p.ByType(typ) {
			out = append(out, e.rulesOf(r)...)
		}
	}
	return out
}

// strings reads the string lists at paths as one list.
func (e *env) strings(r *plan.Resource, paths ...string) []string {
	var out []string
	for _, path := range paths {
		for i, v := range e.list(r, path) {
			switch v := v.(type) {
			case string:
				out = append(out, v)
			default:
				if plan.IsUnknown(v) {
					e.undecided(r, fmt.Sprintf("%s[%d]", path, i), "is not known until deploy")
				} else if s, ok := v.(plan.Secret); ok {
					if str, ok := s.Reveal().(string); ok {
						out = append(out, str)
						continue
					}
					e.undecided(r, fmt.Sprintf("%s[%d]", path, i), "is not a string")
				} else {
					e.undecided(r, fmt.Sprintf("%s[%d]", path, i), "is not a string")
				}
			}
		}
	}
	return out
}

// allProtocols is the protocol AWS reads as every protocol and port.
func allProtocols(p string) bool { return p == "-1" || strings.EqualFold(p, "all") }

// world is the rule's CIDR that is the whole Internet, or "".
func (x rule) world() string {
	for _, c := range x.cidrs {
		if c == "0.0.0.0/0" || c == "::/0" {
			return c
		}
	}
	return ""
}

// ports says which ports the rule opens.
func (x rule) ports() string {
	if x.allPorts {
		return "every port"
	}
	if x.from == x.to {
		return fmt.Sprintf("port %d", x.from)
	}
	return fmt.Sprintf("ports %d-%d", x.from, x.to)
}

func (x rule) covers(port int) bool { return x.allPorts || (x.from <= port && port <= x.to) }

// name is where the rule is: its resource, and its block for inline rules.
func (x rule) name() string {
	if x.where == "" {
		return ""
	}
	return x.where + " "
}

// eachRule judges every resource that carries rules: f is given each of
// its rules and names what is wrong with one, or "".
func (e *env) eachRule(f func(x rule) string) []Finding {
	var out []Finding
	for _, typ := range ruleTypes {
		for _, r := range e.p.ByType(typ) {
			if typ == sgType && len(e.p.ByType(typ)) > 0 {
				if _, present := r.Input("ingress"); !present {
					if _, present := r.Input("egress"); !present {
						continue // no inline rules: nothing to judge here
					}
				}
			}
			fd := e.judge(r, func() (string, bool) {
				var problems []string
				for _, x := range e.rulesOf(r) {
					if msg := f(x); msg != "" {
						problems = append(problems, x.name()+msg)
					}
				}
				return strings.Join(problems, "; "), false
			})
			if fd != nil {
				out = append(out, *fd)
			}
		}
	}
	return out
}

// routeTargets are the keys of a route that send traffic out of the VPC to
// the Internet, directly or through something that forwards it.
var routeTargets = []struct{ key, what string }{
	{"gatewayId", "a gateway"}, {"natGatewayId", "a NAT gateway"}, {"egressOnlyGatewayId", "an egress-only gateway"},
	{"instanceId", "an instance"}, {"networkInterfaceId", "a network interface"},
}

// tableEgress is what the route table id sends out: a description of its
// route to the Internet, or "", and why that cannot be decided.
func (e *env) tableEgress(id string) (out, undecided string) {
	var routes []map[string]any
	for _, t := range e.p.ByType(routeTableType) {
		if t.ID == id {
			for _, rt := range e.list(t, "routes") {
				if m, ok := rt.(map[string]any); ok {
					routes = append(routes, m)
				}
			}
		}
	}
	for _, r := range e.p.ByType(ec2RouteType) {
		if e.str(r, "routeTableId") == id {
			routes = append(routes, r.Inputs)
		}
	}
	for _, rt := range routes {
		for _, t := range routeTargets {
			v, ok := rt[t.key]
			if !ok || v == nil || v == "" {
				continue
			}
			target, known := v.(string)
			if !known {
				return "", fmt.Sprintf("route table %s routes to %s not known until deploy", id, t.what)
			}
			if t.key == "gatewayId" && !strings.HasPrefix(target, "igw-") {
				continue // a virtual private gateway or a local route
			}
			return fmt.Sprintf("%s (%s) through route table %s", t.what, target, id), ""
		}
	}
	return "", ""
}

// subnetEgress is how subnet id reaches the Internet, read from the route
// tables the plan holds: its associated table, else its VPC's main one
// (AWS's, which routes only inside the VPC, unless the plan replaces it).
func (e *env) subnetEgress(id string) (out, undecided string) {
	var subnet *plan.Resource
	for _, s := range e.p.ByType(subnetType) {
		if s.ID == id {
			subnet = s
		}
	}
	if subnet == nil {
		return "", fmt.Sprintf("subnet %s is not in the plan, so its routes are not known", id)
	}
	for _, a := range e.p.ByType(assocType) {
		if e.str(a, "subnetId") == id {
			return e.tableEgress(e.str(a, "routeTableId"))
		}
	}
	vpc := e.str(subnet, "vpcId")
	for _, m := range e.p.ByType(mainAssocType) {
		if e.str(m, "vpcId") == vpc {
			return e.tableEgress(e.str(m, "routeTableId"))
		}
	}
	return "", ""
}

// highRiskPorts are FSBP EC2.19's.
var highRiskPorts = []int{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}

var _ = register(
	&Check{
		ID: "STRATA-VPC-001", Title: "Flow logs on every VPC", Severity: Medium,
		Controls: []string{"FSBP EC2.6", "CIS 3.7", "CKV2_AWS_11"}, Types: []string{awsxVpcType, vpcType, flowLogType},
		Fix: "Give the VPC an aws:ec2/flowLog:FlowLog of traffic ALL or REJECT to a destination (network.New does).",
		eval: func(e *env) []Finding {
			logged := map[string]bool{}
			for _, fl := range e.p.ByType(flowLogType) {
				if t := e.str(fl, "trafficType"); (t == "ALL" || t == "REJECT") && e.str(fl, "logDestination") != "" {
					logged[e.str(fl, "vpcId")] = true
				}
			}
			return e.each(vpcTypes, func(r *plan.Resource) (string, bool) {
				if id := vpcID(r); id == "" {
					return unknownMsg("the VPC's ID"), true
				} else if !logged[id] {
					return "no flow log captures this VPC's ALL or REJECT traffic", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-VPC-002", Title: "The default security group allows nothing", Severity: Medium,
		Controls: []string{"FSBP EC2.2", "CIS 5.5", "CKV2_AWS_12"}, Types: []string{awsxVpcType, vpcType, defaultSGType},
		Fix: "Manage the VPC's aws:ec2/defaultSecurityGroup:DefaultSecurityGroup with no ingress and no egress.",
		eval: func(e *env) []Finding {
			closed := map[string]string{}
			for _, d := range e.p.ByType(defaultSGType) {
				if len(e.list(d, "ingress")) > 0 || len(e.list(d, "egress")) > 0 {
					closed[e.str(d, "vpcId")] = "its default security group has rules"
				} else if _, seen := closed[e.str(d, "vpcId")]; !seen {
					closed[e.str(d, "vpcId")] = ""
				}
			}
			return e.each(vpcTypes, func(r *plan.Resource) (string, bool) {
				msg, managed := closed[vpcID(r)]
				if !managed {
					return "its default security group is not managed, so it keeps AWS's rules", false
				}
				return msg, false
			})
		},
	},
	&Check{
		ID: "STRATA-VPC-003", Title: "No public IPv4 address on launch", Severity: Medium,
		Controls: []string{"FSBP EC2.15", "CKV_AWS_130"}, Types: []string{subnetType, awsxVpcType},
		Fix: "Set mapPublicIpOnLaunch to false; for an awsx VPC, pass the transform network.NoPublicIPOnLaunch.",
		eval: func(e *env) []Finding {
			return e.each([]string{subnetType, awsxVpcType}, func(r *plan.Resource) (string, bool) {
				if r.Type == subnetType {
					if e.boolean(r, "mapPublicIpOnLaunch") {
						return "the subnet gives every instance launched in it a public IPv4 address", false
					}
					return "", false
				}
				// An awsx VPC is decided by the subnets plan synthesized for it,
				// transforms applied; without them there is nothing to read.
				for _, sub := range e.p.ByType(subnetType) {
					if sub.SynthesizedBy == r.URN {
						return "", false
					}
				}
				return "its subnets are not in the plan (awsx creates them), so whether they map public IPs is not known", true
			})
		},
	},
	&Check{
		ID: "STRATA-VPC-004", Title: "Database subnets have no route to the internet", Severity: High,
		Controls: []string{"CKV2_AWS_35", "FSBP RDS.2"}, Types: []string{subnetGrpType, routeTableType, ec2RouteType, assocType},
		Fix: "Build the DB subnet group from subnets whose route table has no route to an internet, NAT or egress-only gateway, instance or interface (network.Network's DBSubnetGroupName).",
		eval: func(e *env) []Finding {
			return e.each([]string{subnetGrpType}, func(r *plan.Resource) (string, bool) {
				ids := e.strings(r, "subnetIds")
				var problems, undecided []string
				for _, id := range ids {
					switch out, why := e.subnetEgress(id); {
					case why != "":
						undecided = append(undecided, why)
					case out != "":
						problems = append(problems, fmt.Sprintf("subnet %s routes to %s", id, out))
					}
				}
				if len(problems) > 0 {
					return strings.Join(problems, "; "), false
				}
				if len(undecided) > 0 {
					return "cannot decide at plan time: " + strings.Join(undecided, "; "), true
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-SG-001", Title: "No world ingress to SSH or RDP", Severity: Critical,
		Controls: []string{"FSBP EC2.13", "FSBP EC2.14", "CIS 5.3", "CIS 5.4", "CKV_AWS_24", "CKV_AWS_25"}, Types: []string{ingressType, sgRuleType, sgType},
		Fix: "Remove the rule; reach instances through SSM Session Manager, not open ports.",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if w := x.world(); x.ingress && w != "" && (x.covers(22) || x.covers(3389)) {
					return fmt.Sprintf("admits %s to port 22 or 3389", w)
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-002", Title: "World ingress only on 80 and 443", Severity: High,
		Controls: []string{"FSBP EC2.18"}, Types: []string{ingressType, sgRuleType, sgType},
		Fix: "Admit the world only on 443 (and 80 for the redirect); admit other ports from a security group or a narrow CIDR.",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if w := x.world(); x.ingress && w != "" && !(x.from == x.to && (x.from == 80 || x.from == 443) && !x.allPorts) {
					return fmt.Sprintf("admits %s to %s", w, x.ports())
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-003", Title: "No world ingress to high-risk ports", Severity: High,
		Controls: []string{"FSBP EC2.19"}, Types: []string{ingressType, sgRuleType, sgType},
		Fix: "Admit databases and admin ports only from the security group of their client (the app tier).",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				w := x.world()
				if !x.ingress || w == "" {
					return ""
				}
				for _, port := range highRiskPorts {
					if x.covers(port) {
						return fmt.Sprintf("admits %s to high-risk port %d", w, port)
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-004", Title: "No world ingress to port 80", Severity: Low,
		Controls: []string{"CKV_AWS_260", "AVD-AWS-0053"}, Types: []string{ingressType, sgRuleType, sgType},
		Fix: "Serve HTTPS only, or answer 80 with nothing but a redirect to HTTPS.",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if w := x.world(); x.ingress && w != "" && x.covers(80) {
					return fmt.Sprintf("admits %s to port 80", w)
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-005", Title: "App and database tiers are reached only by security-group reference", Severity: High,
		Controls: []string{"FSBP EC2.19", "CKV2_AWS_5"}, Types: []string{ingressType, sgRuleType, sgType, "aws:ecs/service:Service", "aws:rds/cluster:Cluster", "aws:lambda/function:Function"},
		Fix: "Replace the CIDR with referencedSecurityGroupId: the load balancer's group for the app, the app's group for the database.",
		eval: func(e *env) []Finding {
			private := map[string]bool{}
			for _, path := range []struct{ typ, path string }{
				{"aws:ecs/service:Service", "networkConfiguration.securityGroups"},
				{"aws:rds/cluster:Cluster", "vpcSecurityGroupIds"},
				{"aws:lambda/function:Function", "vpcConfig.securityGroupIds"},
			} {
				for _, r := range e.p.ByType(path.typ) {
					for _, id := range e.list(r, path.path) {
						private[fmt.Sprint(id)] = true
					}
				}
			}
			return e.eachRule(func(x rule) string {
				if x.ingress && private[x.group] && len(x.cidrs) > 0 {
					return fmt.Sprintf("admits %s into a tier that only its callers' security group should reach", strings.Join(x.cidrs, ", "))
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-006", Title: "Every security group and rule is described", Severity: Low,
		Controls: []string{"CKV_AWS_23", "AVD-AWS-0099", "AVD-AWS-0124"}, Types: []string{sgType, ingressType, egressType, sgRuleType},
		Fix: "Give the group or rule a description that says what it admits and why.",
		eval: func(e *env) []Finding {
			return e.each([]string{sgType, ingressType, egressType, sgRuleType}, func(r *plan.Resource) (string, bool) {
				if e.str(r, "description") == "" {
					return "has no description", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-SG-007", Title: "No unrestricted egress", Severity: Medium,
		Controls: []string{"CKV_AWS_382", "AVD-AWS-0104"}, Types: []string{egressType, sgRuleType, sgType},
		Fix: "Allow egress only to the ports (and peers) the tier needs, such as 443 or the database's group.",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if w := x.world(); !x.ingress && w != "" && (x.allPorts || (x.from <= 0 && x.to >= 65535)) {
					return fmt.Sprintf("allows all traffic out to %s", w)
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-008", Title: "Security groups use standalone rule resources only", Severity: Low,
		Controls: []string{"AWSGuard security-group-no-rule-management-conflicts"}, Types: []string{sgType},
		Fix: "Move inline ingress and egress blocks into aws:vpc security group rule resources.",
		eval: func(e *env) []Finding {
			return e.each([]string{sgType}, func(r *plan.Resource) (string, bool) {
				if len(e.list(r, "ingress")) > 0 || len(e.list(r, "egress")) > 0 {
					return "declares inline rules, which conflict with standalone rule resources", false
				}
				return "", false
			})
		},
	},
)

// groupsOfLoadBalancers are the security groups load balancers use.
func (e *env) groupsOfLoadBalancers() []string {
	var out []string
	for _, lb := range e.p.ByType(lbType) {
		for _, id := range e.list(lb, "securityGroups") {
			out = append(out, fmt.Sprint(id))
		}
	}
	slices.Sort(out)
	return out
}
