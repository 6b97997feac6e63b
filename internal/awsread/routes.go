// Package awsread reads what AWS resources in a plan mean, for every form
// AWS and the provider accept, so that policy, cost and architecture ask
// one reader: here, where a subnet's traffic goes.
package awsread

import (
	"fmt"
	"strings"

	"github.com/strata-infra/strata/plan/model"
)

const (
	subnetType     = "aws:ec2/subnet:Subnet"
	routeTableType = "aws:ec2/routeTable:RouteTable"
	routeType      = "aws:ec2/route:Route"
	assocType      = "aws:ec2/routeTableAssociation:RouteTableAssociation"
	mainAssocType  = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
)

// Egress is where a subnet's route table sends traffic for the Internet.
type Egress struct {
	// Kind is "internet" (an internet or egress-only gateway), "nat" (a
	// NAT gateway, instance or network interface), or "" (no such route:
	// the subnet is isolated).
	Kind string
	// Via names the route's target and table, for messages.
	Via string
	// Target is the ID the route names.
	Target string
	// Undecided says why the plan cannot tell (a subnet it does not hold,
	// a target not known until deploy); Kind is then meaningless.
	Undecided string
}

// Tier is the subnet tier an egress makes: public, private or isolated.
func (e Egress) Tier() string {
	switch e.Kind {
	case "internet":
		return "public"
	case "nat":
		return "private"
	}
	return "isolated"
}

// targets are the keys of a route that send traffic out of the VPC.
var targets = []struct{ key, kind, what string }{
	{"gatewayId", "internet", "an internet gateway"}, {"egressOnlyGatewayId", "internet", "an egress-only gateway"},
	{"natGatewayId", "nat", "a NAT gateway"}, {"instanceId", "nat", "an instance"}, {"networkInterfaceId", "nat", "a network interface"},
}

// TableEgress reads the route table id's routes: inline on the table and
// standalone aws:ec2/route resources.
func TableEgress(p *model.Plan, id string) Egress {
	var routes []map[string]any
	for _, t := range p.ByType(routeTableType) {
		if t.ID == id {
			list, _ := reveal(t.Inputs["routes"]).([]any)
			for _, rt := range list {
				if m, ok := reveal(rt).(map[string]any); ok {
					routes = append(routes, m)
				}
			}
		}
	}
	for _, r := range p.ByType(routeType) {
		if s, _ := reveal(r.Inputs["routeTableId"]).(string); s == id {
			routes = append(routes, r.Inputs)
		}
	}
	found := Egress{}
	for _, rt := range routes {
		for _, t := range targets {
			v := reveal(rt[t.key])
			if v == nil || v == "" {
				continue
			}
			target, known := v.(string)
			if !known {
				return Egress{Undecided: fmt.Sprintf("route table %s routes to %s not known until deploy", id, t.what)}
			}
			if t.key == "gatewayId" && !strings.HasPrefix(target, "igw-") {
				continue // a virtual private gateway, or the local route
			}
			e := Egress{Kind: t.kind, Target: target, Via: fmt.Sprintf("%s (%s) through route table %s", t.what, target, id)}
			if e.Kind == "internet" || found.Kind == "" {
				found = e
			}
		}
	}
	return found
}

// SubnetEgress reads where subnet id sends traffic for the Internet: its
// associated route table, else its VPC's main one (AWS's own routes only
// inside the VPC, unless the plan replaces it).
func SubnetEgress(p *model.Plan, id string) Egress {
	var subnet *model.Resource
	for _, s := range p.ByType(subnetType) {
		if s.ID == id {
			subnet = s
		}
	}
	if subnet == nil {
		return Egress{Undecided: fmt.Sprintf("subnet %s is not in the plan, so its routes are not known", id)}
	}
	for _, a := range p.ByType(assocType) {
		if s, _ := reveal(a.Inputs["subnetId"]).(string); s == id {
			t, ok := reveal(a.Inputs["routeTableId"]).(string)
			if !ok {
				return Egress{Undecided: fmt.Sprintf("the route table of subnet %s is not known until deploy", id)}
			}
			return TableEgress(p, t)
		}
	}
	vpc, _ := reveal(subnet.Inputs["vpcId"]).(string)
	for _, m := range p.ByType(mainAssocType) {
		if s, _ := reveal(m.Inputs["vpcId"]).(string); s == vpc {
			t, _ := reveal(m.Inputs["routeTableId"]).(string)
			return TableEgress(p, t)
		}
	}
	return Egress{}
}

// reveal is a value with its secret wrapper removed.
func reveal(v any) any {
	for {
		s, ok := v.(model.Secret)
		if !ok {
			return v
		}
		v = s.Reveal()
	}
}
