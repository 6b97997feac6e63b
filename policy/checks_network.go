package policy

import (
	"fmt"
	"slices"

	"github.com/strata-infra/strata/plan"
)

const (
	awsxVpcType   = "awsx:ec2:Vpc"
	vpcType       = "aws:ec2/vpc:Vpc"
	flowLogType   = "aws:ec2/flowLog:FlowLog"
	defaultSGType = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	subnetType    = "aws:ec2/subnet:Subnet"
	sgType        = "aws:ec2/securityGroup:SecurityGroup"
	ingressType   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	egressType    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	sgRuleType    = "aws:ec2/securityGroupRule:SecurityGroupRule"
	subnetGrpType = "aws:rds/subnetGroup:SubnetGroup"
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

// rule is a security group rule, standalone or legacy.
type rule struct {
	r        *plan.Resource
	ingress  bool
	group    string
	cidr     string
	peer     string
	from, to int
	allPorts bool
}

func (e *env) rules() []rule {
	var out []rule
	for _, typ := range []string{ingressType, egressType} {
		for _, r := range e.p.ByType(typ) {
			cidr := str(r, "cidrIpv4")
			if c := str(r, "cidrIpv6"); c != "" {
				cidr = c
			}
			proto := str(r, "ipProtocol")
			out = append(out, rule{r: r, ingress: typ == ingressType, group: str(r, "securityGroupId"), cidr: cidr,
				peer: str(r, "referencedSecurityGroupId"), from: int(number(r, "fromPort")), to: int(number(r, "toPort")),
				allPorts: proto == "-1" || proto == "all"})
		}
	}
	for _, r := range e.p.ByType(sgRuleType) {
		cidrs := list(r, "cidrBlocks")
		cidr := ""
		if len(cidrs) > 0 {
			cidr, _ = cidrs[0].(string)
		}
		out = append(out, rule{r: r, ingress: str(r, "type") == "ingress", group: str(r, "securityGroupId"), cidr: cidr,
			peer: str(r, "sourceSecurityGroupId"), from: int(number(r, "fromPort")), to: int(number(r, "toPort")),
			allPorts: str(r, "protocol") == "-1"})
	}
	return out
}

func (x rule) world() bool { return x.cidr == "0.0.0.0/0" || x.cidr == "::/0" }

func (x rule) covers(port int) bool { return x.allPorts || (x.from <= port && port <= x.to) }

// eachRule runs f over every rule, as findings on the rule resources.
func (e *env) eachRule(f func(x rule) string) []Finding {
	var out []Finding
	for _, x := range e.rules() {
		e.inspected++
		if msg := f(x); msg != "" {
			out = append(out, Finding{URN: x.r.URN, Type: x.r.Type, Name: x.r.Name, Status: StatusFail, Message: msg})
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
			for _, fl := range e.p.ByType(flowLogType) {
				if t := str(fl, "trafficType"); (t == "ALL" || t == "REJECT") && str(fl, "logDestination") != "" {
					logged[str(fl, "vpcId")] = true
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
				if len(list(d, "ingress")) > 0 || len(list(d, "egress")) > 0 {
					closed[str(d, "vpcId")] = "its default security group has rules"
				} else if _, seen := closed[str(d, "vpcId")]; !seen {
					closed[str(d, "vpcId")] = ""
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
					if boolean(r, "mapPublicIpOnLaunch") {
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
		Controls: []string{"CKV2_AWS_35", "FSBP RDS.2"}, Types: []string{subnetGrpType, awsxVpcType},
		Fix: "Build the DB subnet group from the VPC's isolated subnets (network.Network's DBSubnetGroupName).",
		eval: func(e *env) []Finding {
			isolated := map[string]bool{}
			for _, v := range e.p.ByType(awsxVpcType) {
				ids, _ := v.Outputs["isolatedSubnetIds"].([]any)
				for _, id := range ids {
					isolated[fmt.Sprint(id)] = true
				}
			}
			return e.each([]string{subnetGrpType}, func(r *plan.Resource) (string, bool) {
				ids := list(r, "subnetIds")
				if _, _, known := input(r, "subnetIds"); !known {
					return unknownMsg("the subnet group's subnets"), true
				}
				for _, id := range ids {
					if !isolated[fmt.Sprint(id)] {
						return fmt.Sprintf("subnet %v is not an isolated subnet of a VPC in this plan", id), false
					}
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-SG-001", Title: "No world ingress to SSH or RDP", Severity: Critical,
		Controls: []string{"FSBP EC2.13", "FSBP EC2.14", "CIS 5.3", "CIS 5.4", "CKV_AWS_24", "CKV_AWS_25"}, Types: []string{ingressType, sgRuleType},
		Fix: "Remove the rule; reach instances through SSM Session Manager, not open ports.",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if x.ingress && x.world() && (x.covers(22) || x.covers(3389)) {
					return fmt.Sprintf("admits %s to port 22 or 3389", x.cidr)
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-002", Title: "World ingress only on 80 and 443", Severity: High,
		Controls: []string{"FSBP EC2.18"}, Types: []string{ingressType, sgRuleType},
		Fix: "Admit the world only on 443 (and 80 for the redirect); admit other ports from a security group or a narrow CIDR.",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if x.ingress && x.world() && !(x.from == x.to && (x.from == 80 || x.from == 443) && !x.allPorts) {
					return fmt.Sprintf("admits %s to ports %d-%d", x.cidr, x.from, x.to)
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-003", Title: "No world ingress to high-risk ports", Severity: High,
		Controls: []string{"FSBP EC2.19"}, Types: []string{ingressType, sgRuleType},
		Fix: "Admit databases and admin ports only from the security group of their client (the app tier).",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if !x.ingress || !x.world() {
					return ""
				}
				for _, port := range highRiskPorts {
					if x.covers(port) {
						return fmt.Sprintf("admits %s to high-risk port %d", x.cidr, port)
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-004", Title: "No world ingress to port 80", Severity: Low,
		Controls: []string{"CKV_AWS_260", "AVD-AWS-0053"}, Types: []string{ingressType, sgRuleType},
		Fix: "Serve HTTPS only, or answer 80 with nothing but a redirect to HTTPS.",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if x.ingress && x.world() && x.covers(80) {
					return fmt.Sprintf("admits %s to port 80", x.cidr)
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-SG-005", Title: "App and database tiers are reached only by security-group reference", Severity: High,
		Controls: []string{"FSBP EC2.19", "CKV2_AWS_5"}, Types: []string{ingressType, sgRuleType, "aws:ecs/service:Service", "aws:rds/cluster:Cluster", "aws:lambda/function:Function"},
		Fix: "Replace the CIDR with referencedSecurityGroupId: the load balancer's group for the app, the app's group for the database.",
		eval: func(e *env) []Finding {
			private := map[string]bool{}
			for _, path := range []struct{ typ, path string }{
				{"aws:ecs/service:Service", "networkConfiguration.securityGroups"},
				{"aws:rds/cluster:Cluster", "vpcSecurityGroupIds"},
				{"aws:lambda/function:Function", "vpcConfig.securityGroupIds"},
			} {
				for _, r := range e.p.ByType(path.typ) {
					for _, id := range list(r, path.path) {
						private[fmt.Sprint(id)] = true
					}
				}
			}
			return e.eachRule(func(x rule) string {
				if x.ingress && private[x.group] && x.peer == "" {
					return fmt.Sprintf("admits CIDR %q into a tier that only its callers' security group should reach", x.cidr)
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
				if str(r, "description") == "" {
					return "has no description", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-SG-007", Title: "No unrestricted egress", Severity: Medium,
		Controls: []string{"CKV_AWS_382", "AVD-AWS-0104"}, Types: []string{egressType, sgRuleType},
		Fix: "Allow egress only to the ports (and peers) the tier needs, such as 443 or the database's group.",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if !x.ingress && x.world() && (x.allPorts || (x.from <= 0 && x.to >= 65535)) {
					return fmt.Sprintf("allows all traffic out to %s", x.cidr)
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
				if len(list(r, "ingress")) > 0 || len(list(r, "egress")) > 0 {
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
		for _, id := range list(lb, "securityGroups") {
			out = append(out, fmt.Sprint(id))
		}
	}
	slices.Sort(out)
	return out
}
