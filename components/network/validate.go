package network

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/strata-infra/strata/internal/awslimits"
	"github.com/strata-infra/strata/internal/cidr"
	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/monitoring"
)

// tier is one subnet tier with its blocks, one per AZ.
type tier struct {
	field  problems.Path // the Args field, for messages
	blocks []netip.Prefix
}

// layout is the validated address plan.
type layout struct {
	vpc                       netip.Prefix
	public, private, isolated []netip.Prefix
}

// validate checks args (already defaulted) and returns the address plan.
// Every problem is reported, each naming the component, the field, the
// value given and what is allowed.
func validate(name string, a Args) (layout, error) {
	p := problems.For("network", name)
	iampolicy.CheckPolicyARN(p, problems.Field("PermissionsBoundaryARN"), a.PermissionsBoundaryARN)
	monitoring.CheckTopic(p, problems.Field("AlarmTopicARN"), a.AlarmTopicARN)
	var l layout

	if name == "" {
		p.Addf("name must not be empty")
	}
	vpc, err := cidr.Parse(a.CIDR)
	switch {
	case err != nil:
		p.Addf("%v %s", problems.Field("CIDR"), err)
	case vpc.Bits() < awslimits.MinPrefixBits || vpc.Bits() > awslimits.MaxPrefixBits:
		p.Addf("%v must be /%d to /%d, got %q", problems.Field("CIDR"), awslimits.MinPrefixBits, awslimits.MaxPrefixBits, a.CIDR)
		err = fmt.Errorf("out of range")
	}
	vpcOK := err == nil
	l.vpc = vpc

	azOK := a.AvailabilityZones >= MinAvailabilityZones && a.AvailabilityZones <= MaxAvailabilityZones
	if !azOK {
		p.Addf("%v must be %d to %d, got %d", problems.Field("AvailabilityZones"), MinAvailabilityZones, MaxAvailabilityZones, a.AvailabilityZones)
	}
	if !slices.Contains([]NATStrategy{NATSingle, NATOnePerAZ, NATNone, NATInstance}, a.NATGateways) {
		p.Addf("%v must be %q, %q, %q or %q, got %q", problems.Field("NATGateways"), NATSingle, NATOnePerAZ, NATNone, NATInstance, a.NATGateways)
	}

	explicit := [][]string{a.PublicSubnetCIDRs, a.PrivateSubnetCIDRs, a.IsolatedSubnetCIDRs}
	given := 0
	for _, e := range explicit {
		if len(e) > 0 {
			given++
		}
	}
	switch {
	case given == 0 && vpcOK && azOK:
		var carveErr error
		l.public, l.private, l.isolated, carveErr = carve(vpc, a.AvailabilityZones)
		p.Add(carveErr)
	case given > 0 && given < 3:
		p.Addf("%v, %v and %v must be given together or not at all, got %d, %d and %d blocks", problems.Field("PublicSubnetCIDRs"), problems.Field("PrivateSubnetCIDRs"), problems.Field("IsolatedSubnetCIDRs"), len(a.PublicSubnetCIDRs), len(a.PrivateSubnetCIDRs), len(a.IsolatedSubnetCIDRs))
	case given == 3:
		tiers := []*tier{
			{field: problems.Field("PublicSubnetCIDRs")}, {field: problems.Field("PrivateSubnetCIDRs")}, {field: problems.Field("IsolatedSubnetCIDRs")},
		}
		type placed struct {
			where problems.Path
			block netip.Prefix
		}
		var all []placed
		for i, t := range tiers {
			list := explicit[i]
			if azOK && len(list) != a.AvailabilityZones {
				p.Addf("%v must hold one block per AZ (%d), got %d", t.field, a.AvailabilityZones, len(list))
			}
			for j, s := range list {
				where := t.field.Index(j)
				b, err := cidr.Parse(s)
				if err != nil {
					p.Addf("%v %s", where, err)
					continue
				}
				if b.Bits() < awslimits.MinPrefixBits || b.Bits() > awslimits.MaxPrefixBits {
					p.Addf("%v must be /%d to /%d, got %q", where, awslimits.MinPrefixBits, awslimits.MaxPrefixBits, s)
				}
				if vpcOK && !cidr.Contains(vpc, b) {
					p.Addf("%v %q is not inside %v %q", where, s, problems.Field("CIDR"), a.CIDR)
				}
				for _, other := range all {
					if other.block.Overlaps(b) {
						p.Addf("%v %q overlaps %v %q", where, s, other.where, other.block)
					}
				}
				all = append(all, placed{where, b})
				t.blocks = append(t.blocks, b)
			}
		}
		l.public, l.private, l.isolated = tiers[0].blocks, tiers[1].blocks, tiers[2].blocks
	}

	if !awslimits.IsLogRetention(a.FlowLogRetentionDays) {
		p.Addf("%v must be one of %s, got %d", problems.Field("FlowLogRetentionDays"), awslimits.LogRetentionList(), a.FlowLogRetentionDays)
	}
	if !slices.Contains([]string{"ACCEPT", "REJECT", "ALL"}, a.FlowLogTrafficType) {
		p.Addf("%v must be ACCEPT, REJECT or ALL, got %q", problems.Field("FlowLogTrafficType"), a.FlowLogTrafficType)
	}
	if a.FlowLogMaxAggregationInterval != 60 && a.FlowLogMaxAggregationInterval != 600 {
		p.Addf("%v must be 60 or 600 seconds, got %d", problems.Field("FlowLogMaxAggregationInterval"), a.FlowLogMaxAggregationInterval)
	}
	return l, p.Err()
}

// carve splits vpc into the three tiers over azs AZs: the first half for the
// private tier, the third quarter for the isolated tier and the first half of
// the last quarter for the public tier, each split evenly over the AZs.
func carve(vpc netip.Prefix, azs int) (public, private, isolated []netip.Prefix, err error) {
	azBits := cidr.BitsFor(azs)
	v := vpc.Bits()
	if smallest := v + 3 + azBits; smallest > awslimits.MaxPrefixBits {
		return nil, nil, nil, fmt.Errorf("CIDR %q is too small to carve three subnet tiers over %d AZs (public subnets would be /%d, AWS allows /%d at the smallest): use a /%d or larger, or give the subnet CIDRs explicitly",
			vpc, azs, smallest, awslimits.MaxPrefixBits, awslimits.MaxPrefixBits-3-azBits)
	}
	isolatedBase, _ := cidr.Subnet(vpc, v+2, 2)
	publicBase, _ := cidr.Subnet(vpc, v+3, 6)
	for i := range azs {
		priv, _ := cidr.Subnet(vpc, v+1+azBits, i)
		iso, _ := cidr.Subnet(isolatedBase, v+2+azBits, i)
		pub, _ := cidr.Subnet(publicBase, v+3+azBits, i)
		private = append(private, priv)
		isolated = append(isolated, iso)
		public = append(public, pub)
	}
	return public, private, isolated, nil
}

// Validate reports every problem with args (nil means all defaults) for a
// Network named name, without registering anything. New runs it first.
func Validate(name string, args *Args) error {
	_, err := validate(name, args.withDefaults())
	return err
}
