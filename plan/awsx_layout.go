package plan

import (
	"fmt"
	"math/bits"
	"net/netip"
	"slices"
	"strings"
)

// This file lays out an awsx:ec2:Vpc's subnets as awsx v2.22.0 does
// (awsx/ec2/subnetDistributorLegacy.ts, subnetDistributorNew.ts and
// vpc.ts, read and written anew): the Legacy allocator, awsx's default,
// with and without subnet specs; the Auto (and Exact) allocator; and an
// explicit layout of cidrBlocks.

// block is an IPv4 block as awsx's Legacy allocator writes it: an address
// that need not be the network's first, and a mask (10.0.128.32/17).
type block struct {
	addr uint32
	mask int
}

func parseBlock(s string) (block, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return block{}, fmt.Errorf("%q is not an IPv4 CIDR block", s)
	}
	a := p.Addr().As4()
	return block{addr: uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]), mask: p.Bits()}, nil
}

func (b block) String() string {
	return fmt.Sprintf("%d.%d.%d.%d/%d", b.addr>>24, b.addr>>16&255, b.addr>>8&255, b.addr&255, b.mask)
}

func maskBits(mask int) uint32 {
	if mask <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - mask)
}

// start and end are the block's network and broadcast addresses.
func (b block) start() uint32 { return b.addr & maskBits(b.mask) }
func (b block) end() uint32   { return b.start() | ^maskBits(b.mask) }

// network is the block with its address made its network's.
func (b block) network() block { return block{b.start(), b.mask} }

// size is the number of addresses in the block.
func (b block) size() uint64 { return uint64(1) << (32 - b.mask) }

// subnet is awsx's cidrSubnetV4: the netNum-th block of newBits more bits,
// counted from the block's address as written.
func subnet(b block, newBits, netNum int) (block, error) {
	mask := b.mask + newBits
	if mask > 32 {
		return block{}, fmt.Errorf("requested %d new bits, but only %d are available", newBits, 32-b.mask)
	}
	return block{addr: b.addr + uint32(uint64(1)<<(32-mask)*uint64(netNum)), mask: mask}, nil
}

func overlapping(a, b block) bool { return a.start() <= b.end() && b.start() <= a.end() }

// nextBlock is the first block of mask after prev (awsx's nextBlock).
func nextBlock(prev block, mask int) block {
	return block{addr: block{prev.end(), mask}.end() + 1, mask: mask}
}

func nextPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// newBitsFor is awsx's newBits: the bits that split a block count ways.
func newBitsFor(count int) int {
	if count <= 1 {
		return 0
	}
	return bits.Len(uint(count - 1))
}

// subnetSpec is one spec of an awsx VPC, normalized (size made cidrMask).
type subnetSpec struct {
	kind       string // Public, Private, Isolated, Unused
	name       string
	cidrMask   int // 0: not given
	cidrBlocks []string
	tags       map[string]any
}

// laidOut is one subnet awsx creates.
type laidOut struct {
	kind, name, zone, cidr string
	azIndex                int
	tags                   map[string]any
}

func (s subnetSpec) specName() string {
	if s.name != "" {
		return s.name
	}
	return strings.ToLower(s.kind)
}

// legacyLayout is awsx's Legacy allocator.
func legacyLayout(vpcName, vpcCidr string, zones []string, specs []subnetSpec, azCidrMask int) ([]laidOut, error) {
	vpc, err := parseBlock(vpcCidr)
	if err != nil {
		return nil, err
	}
	perAZ := bits.Len(uint(nextPow2(len(zones)))) - 1
	if azCidrMask != 0 {
		perAZ = azCidrMask - vpc.mask
	}
	bases := make([]block, len(zones))
	for i := range zones {
		if bases[i], err = subnet(vpc, perAZ, i); err != nil {
			return nil, err
		}
	}
	var out []laidOut
	if specs == nil {
		var publics []laidOut
		for i, z := range zones {
			private, err := subnet(bases[i], 1, 0)
			if err != nil {
				return nil, err
			}
			split, _ := subnet(private, 0, 1)
			public, err := subnet(split, 1, 0)
			if err != nil {
				return nil, err
			}
			out = append(out, laidOut{kind: "Private", name: fmt.Sprintf("%s-private-%d", vpcName, i+1), zone: z, cidr: private.String(), azIndex: i})
			publics = append(publics, laidOut{kind: "Public", name: fmt.Sprintf("%s-public-%d", vpcName, i+1), zone: z, cidr: public.String(), azIndex: i})
		}
		return append(out, publics...), nil
	}
	baseMask := bases[0].mask
	perSubnet := 1
	if len(specs) == 1 {
		perSubnet = 0
	}
	of := func(kind string) []subnetSpec {
		var r []subnetSpec
		for _, s := range specs {
			if strings.EqualFold(s.kind, kind) {
				r = append(r, s)
			}
		}
		return r
	}
	kinds := []struct {
		kind    string
		minMask int
		specs   []subnetSpec
	}{{"Private", 19, of("private")}, {"Public", 20, of("public")}, {"Isolated", 24, of("isolated")}}
	for i, z := range zones {
		current := block{bases[i].start() - 1, 32}
		var last *block
		for _, k := range kinds {
			base, split := bases[i], bases[i]
			if last != nil {
				base = *last
				split, _ = subnet(*last, 0, 1)
			}
			for j, s := range k.specs {
				mask := s.cidrMask
				if mask == 0 {
					mask = max(baseMask+perSubnet, k.minMask)
				}
				from := split
				if k.kind == "Private" {
					from = bases[i]
				}
				next, err := subnet(from, mask-base.mask, j)
				if err != nil {
					return nil, err
				}
				if overlapping(current, next) {
					next = nextBlock(current, mask)
				}
				out = append(out, laidOut{kind: k.kind, name: fmt.Sprintf("%s-%s-%d", vpcName, s.specName(), i+1), zone: z,
					cidr: next.String(), azIndex: i, tags: s.tags})
				current = next
			}
			if len(k.specs) > 0 {
				l := current
				last = &l
			}
		}
	}
	return out, nil
}

// autoLayout is awsx's Auto allocator (and Exact's, which also refuses
// gaps): each AZ's block split into the specs in order.
func autoLayout(vpcName, vpcCidr string, zones []string, specs []subnetSpec, azCidrMask int) ([]laidOut, error) {
	vpc, err := parseBlock(vpcCidr)
	if err != nil {
		return nil, err
	}
	vpc = vpc.network()
	azMask := vpc.mask + newBitsFor(len(zones))
	if azCidrMask != 0 {
		azMask = azCidrMask
	}
	if specs == nil {
		if azMask > 26 {
			return nil, fmt.Errorf("automatic subnet creation requires a VPC with at least /26 available per AZ, but only /%d is available", azMask)
		}
		top := max(azMask, 16)
		specs = []subnetSpec{{kind: "Private", cidrMask: top + 1}, {kind: "Public", cidrMask: top + 2}}
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("no subnets specified")
	}
	defaultMask := azMask + newBitsFor(len(specs))
	var total uint64
	for _, s := range specs {
		total += block{vpc.addr, cmpOr(s.cidrMask, defaultMask)}.size()
	}
	az := block{vpc.start(), azMask}.network()
	if total > az.size() {
		return nil, fmt.Errorf("subnets are too large for VPC. VPC has %d addresses, but subnets require %d addresses", az.size(), total)
	}
	var out []laidOut
	for i, z := range zones {
		var current *block
		for _, s := range specs {
			mask := cmpOr(s.cidrMask, defaultMask)
			var next block
			if current == nil {
				next = block{az.start(), mask}.network()
			} else {
				next = block{current.end(), mask}.network()
				next = block{next.end() + 1, mask}
			}
			current = &next
			out = append(out, laidOut{kind: s.kind, name: fmt.Sprintf("%s-%s-%d", vpcName, s.specName(), i+1), zone: z,
				cidr: next.String(), azIndex: i, tags: s.tags})
		}
		az = block{az.end() + 1, az.mask}
	}
	return out, nil
}

// explicitLayout is each spec's given block per AZ.
func explicitLayout(vpcName string, zones []string, specs []subnetSpec) []laidOut {
	var out []laidOut
	for i, z := range zones {
		for _, s := range specs {
			out = append(out, laidOut{kind: s.kind, name: fmt.Sprintf("%s-%s-%d", vpcName, s.specName(), i+1), zone: z,
				cidr: s.cidrBlocks[i], azIndex: i, tags: s.tags})
		}
	}
	return out
}

func cmpOr(v, def int) int {
	if v != 0 {
		return v
	}
	return def
}

// kindRank orders subnets in an AZ as awsx creates them: public, private,
// isolated.
var kindRank = map[string]int{"public": 0, "private": 1, "isolated": 2}

// creationOrder is awsx's: AZ by AZ, public before private before
// isolated, Unused left out.
func creationOrder(subnets []laidOut, zones int) []laidOut {
	var out []laidOut
	for i := range zones {
		var az []laidOut
		for _, s := range subnets {
			if s.azIndex == i && !strings.EqualFold(s.kind, "unused") {
				az = append(az, s)
			}
		}
		slices.SortStableFunc(az, func(a, b laidOut) int { return kindRank[strings.ToLower(a.kind)] - kindRank[strings.ToLower(b.kind)] })
		out = append(out, az...)
	}
	return out
}

// validSizes are the subnet sizes awsx accepts, indexed by mask.
func sizeToMask(size uint64) (int, bool) {
	for mask := 0; mask <= 30; mask++ {
		if uint64(1)<<(32-mask) == size {
			return mask, true
		}
	}
	return 0, false
}
