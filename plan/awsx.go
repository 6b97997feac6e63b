package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const awsxVpcType = "awsx:ec2:Vpc"

// awsxModeledVersion is the awsx release whose VPC the expansion builds.
const awsxModeledVersion = "2.22.0"

// awsxVpcModeled are the awsx:ec2:Vpc arguments the expansion models
// exactly; any other argument set makes the plan fail naming it.
var awsxVpcModeled = []string{
	"cidrBlock", "availabilityZoneNames", "subnetStrategy", "subnetSpecs", "natGateways",
	"enableDnsHostnames", "enableDnsSupport", "instanceTenancy", "tags",
}

// vpcSubnet is one subnet awsx creates: its type, AZ and block.
type vpcSubnet struct {
	kind, name, zone, cidr string
	tags                   resource.PropertyMap
	azIndex                int
}

// expandVpc registers the children awsx v2.22.0 creates for an
// awsx:ec2:Vpc with an explicit subnet layout (every spec gives its
// cidrBlocks, subnetStrategy not Legacy), named and parented as awsx names
// them, and fills the component's outputs from them:
//
//   - aws:ec2/vpc:Vpc <name> (tags Name=<name> and the given tags), and
//     aws:ec2/internetGateway:InternetGateway <name> under it;
//   - per AZ, public subnets first, then private, then isolated: a subnet
//     <name>-<type>-<az#> under the VPC (mapPublicIpOnLaunch true for
//     public ones, before transforms; tags Name and SubnetType), a route
//     table of the same name under the subnet and an association under the
//     route table;
//   - for a public subnet, when the NAT strategy asks (Single: the first
//     AZ; OnePerAz: every AZ), an Elastic IP and a NAT gateway
//     <name>-<az#> under the subnet; a route 0.0.0.0/0 to the internet
//     gateway from public route tables, and to the NAT gateway (Single: the
//     one; OnePerAz: its AZ's) from private ones; isolated route tables get
//     no route.
//
// Each child is marked SynthesizedBy the component and goes through the
// transforms the component and its ancestors carry, and the stack's.
func (e *engine) expandVpc(ctx context.Context, vpc *Resource, in, state resource.PropertyMap) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("plan: awsx:ec2:Vpc %q: %s; the offline expansion models only an explicit layout (%s)",
			vpc.Name, fmt.Sprintf(format, args...), strings.Join(awsxVpcModeled, ", "))
	}
	for k, v := range in {
		if !v.IsNull() && !slices.Contains(awsxVpcModeled, string(k)) {
			return fail("argument %s is set", k)
		}
	}
	str := func(k string) string {
		if v, ok := in[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	if s := str("subnetStrategy"); s == "" || s == "Legacy" {
		return fail("subnetStrategy is %q (Legacy, awsx's default, allocates its own blocks)", s)
	}
	var zones []string
	if v, ok := in["availabilityZoneNames"]; ok && v.IsArray() {
		for _, z := range v.ArrayValue() {
			zones = append(zones, z.StringValue())
		}
	}
	if len(zones) == 0 {
		return fail("availabilityZoneNames is not given")
	}
	strategy := "OnePerAz" // awsx's default
	if v, ok := in["natGateways"]; ok && v.IsObject() {
		for k, x := range v.ObjectValue() {
			switch {
			case k == "strategy" && x.IsString():
				strategy = x.StringValue()
			case !x.IsNull():
				return fail("natGateways.%s is set", k)
			}
		}
	}
	subnets, err := vpcSubnets(vpc.Name, in, zones)
	if err != nil {
		return fail("%v", err)
	}
	if strategy != "None" && (!slices.ContainsFunc(subnets, func(s vpcSubnet) bool { return s.kind == "public" }) ||
		!slices.ContainsFunc(subnets, func(s vpcSubnet) bool { return s.kind == "private" })) {
		return fail("NAT strategy %s needs public and private subnets", strategy)
	}

	x := &vpcExpansion{e: e, ctx: ctx, vpc: vpc, provider: ""}
	for pkg, ref := range vpc.Providers {
		if pkg == "aws" {
			x.provider = ref + "::" + uuid(ref)
		}
	}
	sharedTags := resource.PropertyMap{"Name": resource.NewProperty(vpc.Name)}
	if v, ok := in["tags"]; ok && v.IsObject() {
		for k, t := range v.ObjectValue() {
			sharedTags[k] = t
		}
	}
	vpcProps := resource.PropertyMap{"cidrBlock": in["cidrBlock"], "tags": resource.NewProperty(sharedTags)}
	for _, k := range []resource.PropertyKey{"enableDnsHostnames", "enableDnsSupport", "instanceTenancy"} {
		if v, ok := in[k]; ok && !v.IsNull() {
			vpcProps[k] = v
		}
	}
	awsVpc, err := x.child("aws:ec2/vpc:Vpc", vpc.Name, vpc.URN, vpcProps)
	if err != nil {
		return err
	}
	igw, err := x.child("aws:ec2/internetGateway:InternetGateway", vpc.Name, awsVpc.urn,
		resource.PropertyMap{"vpcId": resource.NewProperty(awsVpc.id), "tags": resource.NewProperty(sharedTags)}, awsVpc.urn)
	if err != nil {
		return err
	}

	ids := map[string][]resource.PropertyValue{"public": {}, "private": {}, "isolated": {}}
	var refs struct{ subnets, tables, assocs, routes, nats, eips []resource.PropertyValue }
	var nats []made
	for _, s := range subnets {
		tags := sharedTags.Copy()
		for k, v := range s.tags {
			tags[k] = v
		}
		tags["Name"], tags["SubnetType"] = resource.NewProperty(s.name), resource.NewProperty(strings.ToUpper(s.kind[:1])+s.kind[1:])
		subnet, err := x.child("aws:ec2/subnet:Subnet", s.name, awsVpc.urn, resource.PropertyMap{
			"vpcId": resource.NewProperty(awsVpc.id), "availabilityZone": resource.NewProperty(s.zone),
			"mapPublicIpOnLaunch": resource.NewProperty(s.kind == "public"), "cidrBlock": resource.NewProperty(s.cidr),
			"tags": resource.NewProperty(tags),
		}, awsVpc.urn)
		if err != nil {
			return err
		}
		ids[s.kind] = append(ids[s.kind], resource.NewProperty(subnet.id))
		refs.subnets = append(refs.subnets, subnet.ref())
		tableTags := sharedTags.Copy()
		tableTags["Name"], tableTags["SubnetType"] = tags["Name"], tags["SubnetType"]
		table, err := x.child("aws:ec2/routeTable:RouteTable", s.name, subnet.urn, resource.PropertyMap{
			"vpcId": resource.NewProperty(awsVpc.id), "tags": resource.NewProperty(tableTags),
		}, subnet.urn, awsVpc.urn)
		if err != nil {
			return err
		}
		refs.tables = append(refs.tables, table.ref())
		assoc, err := x.child("aws:ec2/routeTableAssociation:RouteTableAssociation", s.name, table.urn, resource.PropertyMap{
			"routeTableId": resource.NewProperty(table.id), "subnetId": resource.NewProperty(subnet.id),
		}, table.urn, subnet.urn)
		if err != nil {
			return err
		}
		refs.assocs = append(refs.assocs, assoc.ref())
		if s.kind == "public" && wantNAT(strategy, len(nats), s.azIndex) {
			gw := fmt.Sprintf("%s-%d", vpc.Name, s.azIndex+1)
			gwTags := resource.PropertyMap{"Name": resource.NewProperty(gw)}
			if v, ok := in["tags"]; ok && v.IsObject() {
				for k, t := range v.ObjectValue() {
					gwTags[k] = t
				}
				gwTags["Name"] = resource.NewProperty(gw)
			}
			eip, err := x.child("aws:ec2/eip:Eip", gw, subnet.urn, resource.PropertyMap{"tags": resource.NewProperty(gwTags)}, subnet.urn)
			if err != nil {
				return err
			}
			nat, err := x.child("aws:ec2/natGateway:NatGateway", gw, subnet.urn, resource.PropertyMap{
				"subnetId": resource.NewProperty(subnet.id), "allocationId": resource.NewProperty(eip.id), "tags": resource.NewProperty(gwTags),
			}, subnet.urn, eip.urn)
			if err != nil {
				return err
			}
			refs.eips, refs.nats, nats = append(refs.eips, eip.ref()), append(refs.nats, nat.ref()), append(nats, nat)
		}
		var route resource.PropertyMap
		var target string
		switch {
		case s.kind == "public":
			route, target = resource.PropertyMap{"gatewayId": resource.NewProperty(igw.id)}, igw.urn
		case s.kind == "private" && strategy != "None":
			nat := nats[0]
			if strategy == "OnePerAz" {
				nat = nats[s.azIndex]
			}
			route, target = resource.PropertyMap{"natGatewayId": resource.NewProperty(nat.id)}, nat.urn
		}
		if route != nil {
			route["routeTableId"], route["destinationCidrBlock"] = resource.NewProperty(table.id), resource.NewProperty("0.0.0.0/0")
			r, err := x.child("aws:ec2/route:Route", s.name, table.urn, route, table.urn, target)
			if err != nil {
				return err
			}
			refs.routes = append(refs.routes, r.ref())
		}
	}

	state["vpcId"] = resource.NewProperty(awsVpc.id)
	state["vpc"] = awsVpc.ref()
	state["internetGateway"] = igw.ref()
	for k, v := range map[string][]resource.PropertyValue{
		"publicSubnetIds": ids["public"], "privateSubnetIds": ids["private"], "isolatedSubnetIds": ids["isolated"],
		"subnets": refs.subnets, "routeTables": refs.tables, "routeTableAssociations": refs.assocs, "routes": refs.routes,
		"natGateways": refs.nats, "eips": refs.eips, "vpcEndpoints": {}, "subnetLayout": {},
	} {
		if v == nil {
			v = []resource.PropertyValue{}
		}
		state[resource.PropertyKey(k)] = resource.NewProperty(v)
	}
	return nil
}

// wantNAT is awsx's rule for whether the public subnet of AZ azIndex gets a
// NAT gateway, given how many exist.
func wantNAT(strategy string, made, azIndex int) bool {
	switch strategy {
	case "Single":
		return made < 1
	case "OnePerAz":
		return made < azIndex+1
	}
	return false
}

// vpcSubnets lays out the subnets of an explicit layout in awsx's order:
// AZ by AZ, public before private before isolated.
func vpcSubnets(vpcName string, in resource.PropertyMap, zones []string) ([]vpcSubnet, error) {
	specs, ok := in["subnetSpecs"]
	if !ok || !specs.IsArray() || len(specs.ArrayValue()) == 0 {
		return nil, fmt.Errorf("subnetSpecs is not given")
	}
	rank := map[string]int{"public": 0, "private": 1, "isolated": 2}
	var out []vpcSubnet
	for i, spec := range specs.ArrayValue() {
		if !spec.IsObject() {
			return nil, fmt.Errorf("subnetSpecs[%d] is not known", i)
		}
		o := spec.ObjectValue()
		kind := ""
		if t, ok := o["type"]; ok && t.IsString() {
			kind = strings.ToLower(t.StringValue())
		}
		if kind == "unused" {
			continue
		}
		if _, ok := rank[kind]; !ok {
			return nil, fmt.Errorf("subnetSpecs[%d].type %q is not Public, Private or Isolated", i, kind)
		}
		for k, v := range o {
			if !v.IsNull() && !slices.Contains([]string{"type", "cidrBlocks", "name", "tags"}, string(k)) {
				return nil, fmt.Errorf("subnetSpecs[%d].%s is set", i, k)
			}
		}
		blocks, ok := o["cidrBlocks"]
		if !ok || !blocks.IsArray() || len(blocks.ArrayValue()) != len(zones) {
			return nil, fmt.Errorf("subnetSpecs[%d].cidrBlocks does not give one block per AZ", i)
		}
		specName := kind
		if n, ok := o["name"]; ok && n.IsString() {
			specName = n.StringValue()
		}
		var tags resource.PropertyMap
		if t, ok := o["tags"]; ok && t.IsObject() {
			tags = t.ObjectValue()
		}
		for az, b := range blocks.ArrayValue() {
			if !b.IsString() {
				return nil, fmt.Errorf("subnetSpecs[%d].cidrBlocks[%d] is not known", i, az)
			}
			out = append(out, vpcSubnet{kind: kind, name: fmt.Sprintf("%s-%s-%d", vpcName, specName, az+1), zone: zones[az],
				cidr: b.StringValue(), tags: tags, azIndex: az})
		}
	}
	slices.SortStableFunc(out, func(a, b vpcSubnet) int {
		if a.azIndex != b.azIndex {
			return a.azIndex - b.azIndex
		}
		return rank[a.kind] - rank[b.kind]
	})
	return out, nil
}

// vpcExpansion registers one awsx VPC's children.
type vpcExpansion struct {
	e        *engine
	ctx      context.Context
	vpc      *Resource
	provider string
}

// made is a synthesized child: its URN and ID.
type made struct{ urn, id string }

func (m made) ref() resource.PropertyValue {
	return resource.MakeCustomResourceReference(resource.URN(m.urn), resource.ID(m.id), "")
}

// child registers one child as the awsx provider would, through the
// engine's own path (transforms included).
func (x *vpcExpansion) child(typ, name, parent string, props resource.PropertyMap, deps ...string) (made, error) {
	obj, err := plugin.MarshalProperties(props, marshal)
	if err != nil {
		return made{}, err
	}
	req := &pulumirpc.RegisterResourceRequest{
		Type: typ, Name: name, Parent: parent, Custom: true, Object: obj, Provider: x.provider,
		Dependencies: slices.Compact(slices.Sorted(slices.Values(deps))), Protect: x.vpcProtect(),
	}
	r, _, err := x.e.record(x.ctx, registration{req: req, props: props, synthesizedBy: x.vpc.URN})
	if err != nil {
		return made{}, err
	}
	return made{urn: r.URN, id: r.ID}, nil
}

// vpcProtect passes the component's protection down, as the engine does
// for a component's children.
func (x *vpcExpansion) vpcProtect() *bool {
	p := x.vpc.Protect
	return &p
}
