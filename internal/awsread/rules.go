package awsread

import (
	"fmt"
	"strings"

	"github.com/strata-infra/strata/plan/model"
)

// The resource types that carry security-group rules.
const (
	IngressType   = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	EgressType    = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	RuleType      = "aws:ec2/securityGroupRule:SecurityGroupRule"
	GroupType     = "aws:ec2/securityGroup:SecurityGroup"
	DefaultGroup  = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	anyProtocol   = "-1"
	anyProtocolV2 = "all"
)

// RuleTypes are the resource types that carry rules.
var RuleTypes = []string{IngressType, EgressType, RuleType, GroupType, DefaultGroup}

// Rule is one security-group rule in any form AWS and the provider accept:
// an aws:vpc ingress or egress rule, a legacy aws:ec2 rule (one for all
// its CIDRs), or an inline ingress or egress block of a security group.
type Rule struct {
	Resource *model.Resource
	// Where is "" for a rule resource and "ingress[0]" for an inline block.
	Where   string
	Ingress bool
	// Group is the security group the rule belongs to.
	Group string
	// CIDRs are every IPv4 and IPv6 block it admits or allows.
	CIDRs []string
	// Peers are referenced security groups ("self" for the group itself).
	Peers    []string
	Protocol string
	From, To int
	AllPorts bool
}

// World is the rule's CIDR that is the whole Internet, or "".
func (x Rule) World() string {
	for _, c := range x.CIDRs {
		if c == "0.0.0.0/0" || c == "::/0" {
			return c
		}
	}
	return ""
}

// Covers reports whether the rule opens port.
func (x Rule) Covers(port int) bool { return x.AllPorts || (x.From <= port && port <= x.To) }

// Ports says which ports the rule opens: "every port", "port 443",
// "ports 1024-2048".
func (x Rule) Ports() string {
	switch {
	case x.AllPorts:
		return "every port"
	case x.From == x.To:
		return fmt.Sprintf("port %d", x.From)
	}
	return fmt.Sprintf("ports %d-%d", x.From, x.To)
}

// RulesOf reads the rules r carries, and what it could not read (values
// not known until deploy or not of the shape AWS takes), as messages.
func RulesOf(r *model.Resource) ([]Rule, []string) {
	rd := &reader{r: r}
	switch r.Type {
	case IngressType, EgressType:
		x := Rule{Resource: r, Ingress: r.Type == IngressType, Group: rd.str("securityGroupId"),
			Protocol: rd.str("ipProtocol"), From: int(rd.num("fromPort")), To: int(rd.num("toPort"))}
		for _, k := range []string{"cidrIpv4", "cidrIpv6"} {
			if c := rd.str(k); c != "" {
				x.CIDRs = append(x.CIDRs, c)
			}
		}
		if p := rd.str("referencedSecurityGroupId"); p != "" {
			x.Peers = []string{p}
		}
		x.AllPorts = allProtocols(x.Protocol)
		return []Rule{x}, rd.undecided
	case RuleType:
		x := Rule{Resource: r, Ingress: rd.str("type") == "ingress", Group: rd.str("securityGroupId"),
			Protocol: rd.str("protocol"), From: int(rd.num("fromPort")), To: int(rd.num("toPort"))}
		x.AllPorts = allProtocols(x.Protocol)
		x.CIDRs = rd.strs("cidrBlocks", "ipv6CidrBlocks")
		if p := rd.str("sourceSecurityGroupId"); p != "" {
			x.Peers = []string{p}
		}
		if rd.boolean("self") {
			x.Peers = append(x.Peers, "self")
		}
		return []Rule{x}, rd.undecided
	case GroupType, DefaultGroup:
		var out []Rule
		for _, dir := range []string{"ingress", "egress"} {
			for i := range rd.list(dir) {
				at := fmt.Sprintf("%s.%d.", dir, i)
				x := Rule{Resource: r, Where: fmt.Sprintf("%s[%d]", dir, i), Ingress: dir == "ingress", Group: r.ID,
					Protocol: rd.str(at + "protocol"), From: int(rd.num(at + "fromPort")), To: int(rd.num(at + "toPort"))}
				x.AllPorts = allProtocols(x.Protocol)
				x.CIDRs = rd.strs(at+"cidrBlocks", at+"ipv6CidrBlocks")
				x.Peers = rd.strs(at + "securityGroups")
				if rd.boolean(at + "self") {
					x.Peers = append(x.Peers, "self")
				}
				out = append(out, x)
			}
		}
		return out, rd.undecided
	}
	return nil, nil
}

// Rules are every rule of the plan, in every form, and what could not be
// read.
func Rules(p *model.Plan) ([]Rule, []string) {
	var out []Rule
	var undecided []string
	for _, typ := range RuleTypes {
		for _, r := range p.ByType(typ) {
			rs, u := RulesOf(r)
			out, undecided = append(out, rs...), append(undecided, u...)
		}
	}
	return out, undecided
}

func allProtocols(p string) bool { return p == anyProtocol || strings.EqualFold(p, anyProtocolV2) }

// reader reads one resource's inputs, remembering what it could not read.
type reader struct {
	r         *model.Resource
	undecided []string
}

func (rd *reader) at(path string) any {
	v, present := rd.r.Input(path)
	v = reveal(v)
	if present && model.IsUnknown(v) {
		rd.undecided = append(rd.undecided, fmt.Sprintf("%s of %s %q is not known until deploy", path, rd.r.Type, rd.r.Name))
		return nil
	}
	return v
}

func (rd *reader) wrong(path string, v any, shape string) {
	rd.undecided = append(rd.undecided, fmt.Sprintf("%s of %s %q is %v, not %s", path, rd.r.Type, rd.r.Name, v, shape))
}

func (rd *reader) str(path string) string {
	switch v := rd.at(path).(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		rd.wrong(path, v, "a string")
		return ""
	}
}

func (rd *reader) num(path string) float64 {
	switch v := rd.at(path).(type) {
	case nil:
		return 0
	case float64:
		return v
	default:
		rd.wrong(path, v, "a number")
		return 0
	}
}

func (rd *reader) boolean(path string) bool {
	switch v := rd.at(path).(type) {
	case nil:
		return false
	case bool:
		return v
	default:
		rd.wrong(path, v, "a boolean")
		return false
	}
}

func (rd *reader) list(path string) []any {
	switch v := rd.at(path).(type) {
	case nil:
		return nil
	case []any:
		return v
	default:
		rd.wrong(path, v, "a list")
		return nil
	}
}

// strs reads the string lists at paths as one list.
func (rd *reader) strs(paths ...string) []string {
	var out []string
	for _, path := range paths {
		for i, v := range rd.list(path) {
			v = reveal(v)
			switch s, ok := v.(string); {
			case ok:
				out = append(out, s)
			case model.IsUnknown(v):
				rd.undecided = append(rd.undecided, fmt.Sprintf("%s[%d] of %s %q is not known until deploy", path, i, rd.r.Type, rd.r.Name))
			default:
				rd.wrong(fmt.Sprintf("%s[%d]", path, i), v, "a string")
			}
		}
	}
	return out
}
