package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-infra/strata/internal/awsread"
	"github.com/strata-infra/strata/plan/model"
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
)

var vpcTypes = []string{awsxVpcType, vpcType}

// vpcID is a VPC's ID: an awsx VPC's synthesized vpcId, or the ID.
func vpcID(r *model.Resource) string {
	if r.Type == awsxVpcType {
		s, _ := r.Outputs["vpcId"].(string)
		return s
	}
	return r.ID
}

// rule is one security-group rule in any form AWS and the provider accept,
// as awsread reads it for every tool.
type rule = awsread.Rule

// ruleTypes are the resources that carry rules.
var ruleTypes = awsread.RuleTypes

// rulesOf reads the rules r carries, recording what it cannot read.
func (e *env) rulesOf(r *model.Resource) []rule {
	rules, undecided := awsread.RulesOf(r)
	e.reads = append(e.reads, undecided...)
	return rules
}

// rules are every rule of the plan, in every form.
func (e *env) rules() []rule {
	rules, undecided := awsread.Rules(e.p)
	e.reads = append(e.reads, undecided...)
	return rules
}

// strings reads the string lists at paths as one list.
func (e *env) strings(r *model.Resource, paths ...string) []string {
	var out []string
	for _, path := range paths {
		for i, v := range e.list(r, path) {
			for {
				s, ok := v.(model.Secret)
				if !ok {
					break
				}
				v = s.Reveal()
			}
			switch s, ok := v.(string); {
			case ok:
				out = append(out, s)
			case model.IsUnknown(v):
				e.undecided(r, fmt.Sprintf("%s[%d]", path, i), "is not known until deploy")
			default:
				e.undecided(r, fmt.Sprintf("%s[%d]", path, i), "is not a string")
			}
		}
	}
	return out
}

// where is where rule x is in its resource: "" or "ingress[0] ".
func where(x rule) string {
	if x.Where == "" {
		return ""
	}
	return x.Where + " "
}

// eachRule judges every resource that carries rules: f is given each of
// its rules and names what is wrong with one, or "".
func (e *env) eachRule(f func(x rule) string) []Finding {
	var out []Finding
	for _, typ := range ruleTypes {
		for _, r := range e.idx.ByType(typ) {
			if typ == sgType && len(e.idx.ByType(typ)) > 0 {
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
						problems = append(problems, where(x)+msg)
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

// highRiskPorts are FSBP EC2.19's.
var highRiskPorts = []int{20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300}

var _ = register(
	&Check{
		ID: "STRATA-VPC-001", Title: "Flow logs on every VPC", Severity: Medium,
		Controls: []string{"FSBP EC2.6", "CIS 3.7", "CKV2_AWS_11"}, Types: []string{awsxVpcType, vpcType, flowLogType},
		Fix: "Give the VPC an aws:ec2/flowLog:FlowLog of traffic ALL or REJECT to a destination (network.New does).",
		eval: func(e *env) []Finding {
			logged := map[string]bool{}
			for _, fl := range e.idx.ByType(flowLogType) {
				if t := e.str(fl, "trafficType"); (t == "ALL" || t == "REJECT") && e.str(fl, "logDestination") != "" {
					logged[e.str(fl, "vpcId")] = true
				}
			}
			return e.each(vpcTypes, func(r *model.Resource) (string, bool) {
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
			for _, d := range e.idx.ByType(defaultSGType) {
				if len(e.list(d, "ingress")) > 0 || len(e.list(d, "egress")) > 0 {
					closed[e.str(d, "vpcId")] = "its default security group has rules"
				} else if _, seen := closed[e.str(d, "vpcId")]; !seen {
					closed[e.str(d, "vpcId")] = ""
				}
			}
			return e.each(vpcTypes, func(r *model.Resource) (string, bool) {
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
			return e.each([]string{subnetType, awsxVpcType}, func(r *model.Resource) (string, bool) {
				if r.Type == subnetType {
					if e.boolean(r, "mapPublicIpOnLaunch") {
						return "the subnet gives every instance launched in it a public IPv4 address", false
					}
					return "", false
				}
				// An awsx VPC is decided by the subnets plan synthesized for it,
				// transforms applied; without them there is nothing to read.
				for _, sub := range e.idx.ByType(subnetType) {
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
			return e.each([]string{subnetGrpType}, func(r *model.Resource) (string, bool) {
				ids := e.strings(r, "subnetIds")
				var problems, undecided []string
				for _, id := range ids {
					switch out := awsread.SubnetEgress(e.p, id); {
					case out.Undecided != "":
						undecided = append(undecided, out.Undecided)
					case out.Kind != "":
						problems = append(problems, fmt.Sprintf("subnet %s routes to %s", id, out.Via))
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
				if w := x.World(); x.Ingress && w != "" && (x.Covers(22) || x.Covers(3389)) {
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
				if w := x.World(); x.Ingress && w != "" && !(x.From == x.To && (x.From == 80 || x.From == 443) && !x.AllPorts) {
					return fmt.Sprintf("admits %s to %s", w, x.Ports())
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
				w := x.World()
				if !x.Ingress || w == "" {
					return ""
				}
				for _, port := range highRiskPorts {
					if x.Covers(port) {
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
				if w := x.World(); x.Ingress && w != "" && x.Covers(80) {
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
				for _, r := range e.idx.ByType(path.typ) {
					for _, id := range e.list(r, path.path) {
						private[fmt.Sprint(id)] = true
					}
				}
			}
			return e.eachRule(func(x rule) string {
				if x.Ingress && private[x.Group] && len(x.CIDRs) > 0 {
					return fmt.Sprintf("admits %s into a tier that only its callers' security group should reach", strings.Join(x.CIDRs, ", "))
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
			return e.each([]string{sgType, ingressType, egressType, sgRuleType}, func(r *model.Resource) (string, bool) {
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
				if w := x.World(); !x.Ingress && w != "" && (x.AllPorts || (x.From <= 0 && x.To >= 65535)) {
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
			return e.each([]string{sgType}, func(r *model.Resource) (string, bool) {
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
	for _, lb := range e.idx.ByType(lbType) {
		for _, id := range e.list(lb, "securityGroups") {
			out = append(out, fmt.Sprint(id))
		}
	}
	slices.Sort(out)
	return out
}
