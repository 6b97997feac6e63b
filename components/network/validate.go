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
	field  string // the Args field, for messages
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
	iampolicy.CheckPolicyARN(p, "PermissionsBoundaryARN", a.PermissionsBoundaryARN)
	monitoring.CheckTopic(p, "AlarmTopicARN", a.AlarmTopicARN)
	var l layout

	if name == "" {
		p.Addf("name must not be empty")
	}
	vpc, err := cidr.Parse(a.CIDR)
	switch {
	case err != nil:
		p.Addf("CIDR %s", err)
	case vpc.Bits() < awslimits.MinPrefixBits || vpc.Bits() > awslimits.MaxPrefixBits:
		p.Addf("CIDR must be /%d to /%d, got %q", awslimits.MinPrefixBits, awslimits.MaxPrefixBits, a.CIDR)
		err = fmt.Errorf("out of range")
	}
	vpcOK := err == nil
	l.vpc = vpc

	azOK := a.AvailabilityZones >= MinAvailabilityZones && a.AvailabilityZones <= MaxAvailabilityZones
	if !azOK {
		p.Addf("AvailabilityZones must be %d to %d, got %d", MinAvailabilityZones, MaxAvailabilityZones, a.AvailabilityZones)
	}
	if !slices.Contains([]NATStrategy{NATSingle, NATOnePerAZ, NATNone, NATInstance}, a.NATGateways) {
		p.Addf("NATGateways must be %q, %q, %q or %q, got %q", NATSingle, NATOnePerAZ, NATNone, NATInstance, a.NATGateways)
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
		p.Addf("PublicSubnetCIDRs, PrivateSubnetCIDRs and IsolatedSubnetCIDRs must be given together or not at all, got %d, %d and %d blocks",
			len(a.PublicSubnetCIDRs), len(a.PrivateSubnetCIDRs), len(a.IsolatedSubnetCIDRs))
	case given == 3:
		tiers := []*tier{
			{field: "PublicSubnetCIDRs"}, {field: "PrivateSubnetCIDRs"}, {field: "IsolatedSubnetCIDRs"},
		}
		type placed struct {
			where string
			block netip.Prefix
		}
		var all []placed
		for i, t := range tiers {
			list := explicit[i]
			if azOK && len(list) != a.AvailabilityZones {
				p.Addf("%s must hold one block per AZ (%d), got %d", t.field, a.AvailabilityZones, len(list))
			}
			for j, s := range list {
				where := fmt.Sprintf("%s[%d]", t.field, j)
				b, err := cidr.Parse(s)
				if err != nil {
					p.Addf("%s %s", where, err)
					continue
				}
				if b.Bits() < awslimits.MinPrefixBits || b.Bits() > awslimits.MaxPrefixBits {
					p.Addf("%s must be /%d to /%d, got %q", where, awslimits.MinPrefixBits, awslimits.MaxPrefixBits, s)
				}
				if vpcOK && !cidr.Contains(vpc, b) {
					p.Addf("%s %q is not inside CIDR %q", where, s, a.CIDR)
				}
				for _, other := range all {
					if other.block.Overlaps(b) {
						p.Addf("%s %q overlaps %s %q", where, s, other.where, other.block)
					}
				}
				all = append(all, placed{where, b})
				t.blocks = append(t.blocks, b)
			}
		}
		l.public, l.private, l.isolated = tiers[0].blocks, tiers[1].blocks, tiers[2].blocks
	}

	if !awslimits.IsLogRetention(a.FlowLogRetentionDays) {
		p.Addf("FlowLogRetentionDays must be one of %s, got %d", awslimits.LogRetentionList(), a.FlowLogRetentionDays)
	}
	if !slices.Contains([]string{"ACCEPT", "REJECT", "ALL"}, a.FlowLogTrafficType) {
		p.Addf("FlowLogTrafficType must be ACCEPT, REJECT or ALL, got %q", a.FlowLogTrafficType)
	}
	if a.FlowLogMaxAggregationInterval != 60 && a.FlowLogMaxAggregationInterval != 600 {
		p.Addf("FlowLogMaxAggregationInterval must be 60 or 600 seconds, got %d", a.FlowLogMaxAggregationInterval)
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
