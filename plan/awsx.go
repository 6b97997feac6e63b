package plan

import (
	"cmp"
	"context"
	"errors"
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

// awsxVpcModeled are the awsx:ec2:Vpc arguments the expansion models;
// any other argument set makes the plan fail naming it. awsxVpcPassed are
// those awsx passes on to its aws:ec2/vpc:Vpc.
var (
	awsxVpcPassed = []string{
		"enableDnsHostnames", "enableDnsSupport", "instanceTenancy", "assignGeneratedIpv6CidrBlock", "ipv6CidrBlock",
		"ipv6CidrBlockNetworkBorderGroup", "ipv6IpamPoolId", "ipv6NetmaskLength", "enableNetworkAddressUsageMetrics",
	}
	awsxVpcModeled = append([]string{
		"cidrBlock", "availabilityZoneNames", "numberOfAvailabilityZones", "availabilityZoneCidrMask", "subnetStrategy",
		"subnetSpecs", "natGateways", "vpcEndpointSpecs", "tags",
	}, awsxVpcPassed...)
)

// layoutNeedsKnown reports whether the awsx VPC argument k, holding an
// unknown, stops the subnets being laid out. Tags, endpoint specs and the
// arguments awsx passes to its VPC go on to the children as they are, and
// so do Elastic IP allocation IDs, which only their count shapes.
func layoutNeedsKnown(k string, v resource.PropertyValue) bool {
	if k == "tags" || k == "vpcEndpointSpecs" || slices.Contains(awsxVpcPassed, k) {
		return false
	}
	if k == "natGateways" && v.IsObject() {
		for field, fv := range v.ObjectValue() {
			if fv.ContainsUnknowns() && (field != "elasticIpAllocationIds" || !fv.IsArray()) {
				return true
			}
		}
		return false
	}
	return true
}

// vpcSubnet is one subnet awsx creates: its type, AZ and block.
type vpcSubnet struct {
	kind, name, zone, cidr string
	tags                   resource.PropertyMap
	azIndex                int
}

// expandVpc registers the children awsx v2.22.0 creates for an
// awsx:ec2:Vpc, named and parented as awsx names them, and fills the
// component's outputs from them:
//
//   - aws:ec2/vpc:Vpc <name> (the block, 10.0.0.0/16 unless given; tags
//     Name=<name> and the given tags; the DNS, tenancy and IPv6 arguments),
//     and aws:ec2/internetGateway:InternetGateway <name> under it;
//   - for each vpcEndpointSpecs entry, aws:ec2/vpcEndpoint:VpcEndpoint
//     <serviceName> under the VPC (awsx leaves them out of its
//     vpcEndpoints output);
//   - the AZs given, or the first numberOfAvailabilityZones (3) the
//     Region offers; subnets laid out by the strategy (Legacy, awsx's
//     default; Auto; Exact; or the specs' cidrBlocks); per AZ, public
//     subnets first, then private, then isolated: a subnet
//     <name>-<spec name or type>-<az#> under the VPC (mapPublicIpOnLaunch
//     true for public ones, before transforms; tags Name and SubnetType),
//     a route table of the same name under the subnet and an association
//     under the route table;
//   - for a public subnet, when the NAT strategy asks (Single: the first
//     AZ; OnePerAz: every AZ), an Elastic IP <name>-<az#> under the subnet
//     unless elasticIpAllocationIds are given, and a NAT gateway of that
//     name under the subnet; a route 0.0.0.0/0 to the internet gateway
//     from public route tables, and to the NAT gateway (Single: the one;
//     OnePerAz: its AZ's) from private ones; isolated route tables get no
//     route.
//
// Each child is marked SynthesizedBy the component and goes through the
// transforms the component and its ancestors carry, and the stack's.
func (e *engine) expandVpc(ctx context.Context, vpc *Resource, in, state resource.PropertyMap) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("plan: awsx:ec2:Vpc %q: %s", vpc.Name, fmt.Sprintf(format, args...))
	}
	var unmodeled, unknown []string
	for k, v := range in {
		switch {
		case !v.IsNull() && !slices.Contains(awsxVpcModeled, string(k)):
			unmodeled = append(unmodeled, string(k))
		case v.ContainsUnknowns() && layoutNeedsKnown(string(k), v):
			unknown = append(unknown, string(k))
		}
	}
	slices.Sort(unmodeled)
	slices.Sort(unknown)
	var problems []error
	switch {
	case len(unmodeled) == 1:
		problems = append(problems, fail("argument %s is set; the offline model of awsx %s covers %s", unmodeled[0], awsxModeledVersion, strings.Join(awsxVpcModeled, ", ")))
	case len(unmodeled) > 1:
		problems = append(problems, fail("arguments %s are set; the offline model of awsx %s covers %s", strings.Join(unmodeled, ", "), awsxModeledVersion, strings.Join(awsxVpcModeled, ", ")))
	}
	switch {
	case len(unknown) == 1:
		problems = append(problems, fail("argument %s is not known until deploy, so its subnets cannot be laid out", unknown[0]))
	case len(unknown) > 1:
		problems = append(problems, fail("arguments %s are not known until deploy, so its subnets cannot be laid out", strings.Join(unknown, ", ")))
	}
	if len(problems) > 0 {
		return errors.Join(problems...)
	}
	str := func(k string) string {
		if v, ok := in[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	num := func(k string) int {
		if v, ok := in[resource.PropertyKey(k)]; ok && v.IsNumber() {
			return int(v.NumberValue())
		}
		return 0
	}
	var zones []string
	if v, ok := in["availabilityZoneNames"]; ok && v.IsArray() {
		for _, z := range v.ArrayValue() {
			zones = append(zones, z.StringValue())
		}
	}
	switch n := num("numberOfAvailabilityZones"); {
	case len(zones) > 0 && n > 0:
		return fail("only one of [availabilityZoneNames] and [numberOfAvailabilityZones] can be specified")
	case len(zones) == 0:
		// awsx asks the provider for the Region's zones and takes the first.
		want := cmpOr(n, 3)
		region := e.regionFor(providerOf(vpc))
		offered := e.zones(region)
		if len(offered) < want {
			return fail("the configured region for this provider does not have at least %d Availability Zones", want)
		}
		zones = offered[:want]
	}
	cidrBlock := cmp.Or(str("cidrBlock"), "10.0.0.0/16")
	strategy := "OnePerAz" // awsx's default
	var allocationIDs []resource.PropertyValue
	if v, ok := in["natGateways"]; ok && v.IsObject() {
		if s, ok := v.ObjectValue()["strategy"]; ok && s.IsString() {
			strategy = s.StringValue()
		}
		if ids, ok := v.ObjectValue()["elasticIpAllocationIds"]; ok && ids.IsArray() {
			allocationIDs = ids.ArrayValue()
		}
	}
	switch strings.ToLower(strategy) {
	case "none":
		if len(allocationIDs) > 0 {
			return fail("Elastic IP allocation IDs cannot be specified when NAT Gateway strategy is '%s'", strategy)
		}
	case "single":
		if len(allocationIDs) > 1 {
			return fail("exactly one Elastic IP may be specified when NAT Gateway strategy is '%s'", strategy)
		}
	case "oneperaz":
		if len(allocationIDs) > 0 && len(allocationIDs) != len(zones) {
			return fail("the number of Elastic IPs, if specified, must match the number of availability zones for the VPC (%d) when NAT Gateway strategy is '%s'", len(zones), strategy)
		}
	default:
		return fail("unknown NatGatewayStrategy '%s'", strategy)
	}
	specs, explicit, err := awsxSpecs(in, len(zones))
	if err != nil {
		return fail("%v", err)
	}
	subnetStrategy := cmp.Or(str("subnetStrategy"), "Legacy")
	var laid []laidOut
	switch {
	case subnetStrategy == "Legacy" || (specs == nil && subnetStrategy != "Auto"):
		laid, err = legacyLayout(vpc.Name, cidrBlock, zones, specs, num("availabilityZoneCidrMask"))
	case explicit:
		laid = explicitLayout(vpc.Name, zones, specs)
	default:
		laid, err = autoLayout(vpc.Name, cidrBlock, zones, specs, num("availabilityZoneCidrMask"))
		if err == nil && subnetStrategy == "Exact" {
			err = noGaps(cidrBlock, laid)
		}
	}
	if err != nil {
		return fail("%v", err)
	}
	var subnets []vpcSubnet
	for _, l := range creationOrder(laid, len(zones)) {
		subnets = append(subnets, vpcSubnet{kind: strings.ToLower(l.kind), name: l.name, zone: l.zone, cidr: l.cidr,
			tags: resource.NewPropertyMapFromMap(l.tags), azIndex: l.azIndex})
	}
	if strings.ToLower(strategy) != "none" && (!slices.ContainsFunc(subnets, func(s vpcSubnet) bool { return s.kind == "public" }) ||
		!slices.ContainsFunc(subnets, func(s vpcSubnet) bool { return s.kind == "private" })) {
		return fail("if NAT Gateway strategy is 'OnePerAz' or 'Single', both private and public subnets must be declared")
	}
	strategy = map[string]string{"none": "None", "single": "Single", "oneperaz": "OnePerAz"}[strings.ToLower(strategy)]
	state["subnetLayout"] = resource.NewProperty(subnetLayout(laid, specs, subnetStrategy == "Legacy" || specs == nil, vpc.Name, len(zones)))

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
	vpcProps := resource.PropertyMap{"cidrBlock": resource.NewProperty(cidrBlock), "tags": resource.NewProperty(sharedTags)}
	for _, k := range awsxVpcPassed {
		if v, ok := in[resource.PropertyKey(k)]; ok && !v.IsNull() {
			vpcProps[resource.PropertyKey(k)] = v
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
	// Endpoints, named by their service, under the VPC.
	if v, ok := in["vpcEndpointSpecs"]; ok && v.IsArray() {
		for i, spec := range v.ArrayValue() {
			if !spec.IsObject() {
				return fail("vpcEndpointSpecs[%d] is not known until deploy", i)
			}
			o := spec.ObjectValue()
			service, ok := o["serviceName"]
			if !ok || !service.IsString() {
				return fail("vpcEndpointSpecs[%d].serviceName is not known until deploy", i)
			}
			props := resource.PropertyMap{"vpcId": resource.NewProperty(awsVpc.id), "serviceName": service}
			for _, k := range []resource.PropertyKey{"autoAccept", "policy", "privateDnsEnabled", "routeTableIds", "securityGroupIds", "subnetIds", "tags", "vpcEndpointType"} {
				if v, ok := o[k]; ok && !v.IsNull() {
					props[k] = v
				}
			}
			if _, err := x.child("aws:ec2/vpcEndpoint:VpcEndpoint", service.StringValue(), awsVpc.urn, props, awsVpc.urn); err != nil {
				return err
			}
		}
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
			// An Elastic IP unless the program gave allocation IDs, which
			// awsx takes by AZ.
			allocation, deps := resource.PropertyValue{}, []string{subnet.urn}
			if len(allocationIDs) == 0 {
				eip, err := x.child("aws:ec2/eip:Eip", gw, subnet.urn, resource.PropertyMap{"tags": resource.NewProperty(gwTags)}, subnet.urn)
				if err != nil {
					return err
				}
				refs.eips = append(refs.eips, eip.ref())
				allocation, deps = resource.NewProperty(eip.id), append(deps, eip.urn)
			} else if s.azIndex < len(allocationIDs) {
				allocation = allocationIDs[s.azIndex]
			}
			nat, err := x.child("aws:ec2/natGateway:NatGateway", gw, subnet.urn, resource.PropertyMap{
				"subnetId": resource.NewProperty(subnet.id), "allocationId": allocation, "tags": resource.NewProperty(gwTags),
			}, deps...)
			if err != nil {
				return err
			}
			refs.nats, nats = append(refs.nats, nat.ref()), append(nats, nat)
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
		"natGateways": refs.nats, "eips": refs.eips, "vpcEndpoints": {},
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

// providerOf is the aws provider reference a component passes its
// children.
func providerOf(vpc *Resource) string {
	if ref, ok := vpc.Providers["aws"]; ok {
		return ref
	}
	return vpc.Provider
}

// awsxSpecs reads subnetSpecs as awsx normalizes them: a size becomes its
// mask, and the specs are explicit when any gives cidrBlocks (then all
// must, one per AZ). nil when none are given.
func awsxSpecs(in resource.PropertyMap, zones int) ([]subnetSpec, bool, error) {
	v, ok := in["subnetSpecs"]
	if !ok || v.IsNull() {
		return nil, false, nil
	}
	if !v.IsArray() {
		return nil, false, fmt.Errorf("subnetSpecs is not a list")
	}
	var out []subnetSpec
	explicit := false
	var issues []string
	for i, raw := range v.ArrayValue() {
		if !raw.IsObject() {
			return nil, false, fmt.Errorf("subnetSpecs[%d] is not known until deploy", i)
		}
		o := plainMap(raw.ObjectValue())
		s := subnetSpec{}
		s.kind, _ = o["type"].(string)
		s.name, _ = o["name"].(string)
		if m, ok := o["cidrMask"].(float64); ok {
			s.cidrMask = int(m)
		}
		if size, ok := o["size"].(float64); ok {
			mask, valid := sizeToMask(uint64(size))
			switch {
			case !valid:
				issues = append(issues, fmt.Sprintf("the subnet size %v is invalid", size))
			case s.cidrMask != 0 && s.cidrMask != mask:
				issues = append(issues, fmt.Sprintf("subnet size %v does not match the expected size for a /%d subnet", size, s.cidrMask))
			default:
				s.cidrMask = mask
			}
		}
		if blocks, ok := o["cidrBlocks"].([]any); ok {
			explicit = true
			for _, b := range blocks {
				str, _ := b.(string)
				s.cidrBlocks = append(s.cidrBlocks, str)
			}
		}
		if tags, ok := o["tags"].(map[string]any); ok {
			s.tags = tags
		}
		if _, known := map[string]bool{"Public": true, "Private": true, "Isolated": true, "Unused": true}[s.kind]; !known {
			issues = append(issues, fmt.Sprintf("subnetSpecs[%d].type %q is not Public, Private, Isolated or Unused", i, s.kind))
		}
		out = append(out, s)
	}
	if explicit {
		for i, s := range out {
			switch {
			case s.cidrBlocks == nil:
				issues = append(issues, "if any subnet spec has explicit cidrBlocks, all subnets must have explicit cidrBlocks")
			case len(s.cidrBlocks) != zones:
				issues = append(issues, fmt.Sprintf("the number of CIDR blocks in subnetSpecs[%d] must match the number of availability zones (%d)", i, zones))
			}
		}
	}
	if len(issues) > 0 {
		return nil, false, fmt.Errorf("invalid subnet specifications: %s", strings.Join(issues, "; "))
	}
	return out, explicit, nil
}

// noGaps is the Exact strategy's check: the subnets, in order, fill the
// VPC's block from its first address to its last.
func noGaps(vpcCidr string, laid []laidOut) error {
	vpc, err := parseBlock(vpcCidr)
	if err != nil {
		return err
	}
	next := vpc.start()
	for _, l := range laid {
		if l.azIndex > 0 {
			break
		}
		b, err := parseBlock(l.cidr)
		if err != nil {
			return err
		}
		if b.start() != next {
			return fmt.Errorf("there are gaps in the subnet ranges before %s (%s)", l.name, l.cidr)
		}
		next = b.end() + 1
	}
	return nil
}

// subnetLayout is awsx's subnetLayout output. With the Legacy allocator or
// no specs, awsx reads it back from the subnets: the first N it laid out,
// N being the subnets per AZ (in the Legacy default, that is the first two
// AZs' private subnets, as awsx does), with an Unused spec for each gap
// between them; otherwise it is the specs as given, sizes and masks
// resolved.
func subnetLayout(laid []laidOut, specs []subnetSpec, fromSubnets bool, vpcName string, zones int) []resource.PropertyValue {
	var out []resource.PropertyValue
	add := func(kind, name string, mask int, blocks []string, tags map[string]any) {
		m := map[string]any{"type": kind}
		if name != "" {
			m["name"] = name
		}
		if mask != 0 {
			m["cidrMask"], m["size"] = mask, float64(uint64(1)<<(32-mask))
		}
		if blocks != nil {
			m["cidrBlocks"] = toAny(blocks)
		}
		if tags != nil {
			m["tags"] = tags
		}
		out = append(out, resource.NewProperty(resource.NewPropertyMapFromMap(m)))
	}
	if !fromSubnets {
		for _, s := range specs {
			add(s.kind, s.name, s.cidrMask, s.cidrBlocks, s.tags)
		}
		return out
	}
	perAZ := len(laid) / max(zones, 1)
	var prev *block
	for _, l := range laid[:perAZ] {
		b, err := parseBlock(l.cidr)
		if err != nil {
			continue
		}
		b = b.network()
		if prev != nil {
			for _, gap := range subnetGaps(*prev, b) {
				add("Unused", "", gap.mask, nil, nil)
			}
		}
		name := strings.TrimPrefix(l.name, vpcName+"-")
		if i := strings.LastIndex(name, "-"); i >= 0 && strings.Trim(name[i+1:], "0123456789") == "" {
			name = name[:i]
		}
		if name == strings.ToLower(l.kind) {
			name = ""
		}
		add(l.kind, name, b.mask, nil, l.tags)
		prev = &b
	}
	return out
}

// subnetGaps are the widest blocks that fill the space between a and b
// without touching either (awsx's findSubnetGap, with the netmask
// library's first and last usable addresses).
func subnetGaps(a, b block) []block {
	start, end := a, b
	if b.start() < a.start() {
		start, end = b, a
	}
	first := func(x block) uint32 {
		if x.mask <= 30 {
			return x.start() + 1
		}
		return x.start()
	}
	last := func(x block) uint32 {
		if x.mask <= 30 {
			return x.end() - 1
		}
		return x.end()
	}
	contains := func(x block, ip uint32) bool { return x.start() <= ip && ip <= x.end() }
	var gaps []block
	previous := a
	next := block{start.end() + 1, start.mask}
	for next.start() < end.start() {
		for next.mask > 0 {
			wider := block{next.start(), next.mask - 1}.network()
			if contains(wider, last(previous)) || contains(wider, first(end)) {
				break
			}
			next = wider
		}
		gaps = append(gaps, next)
		previous = next
		next = block{next.end() + 1, next.mask}
	}
	return gaps
}
