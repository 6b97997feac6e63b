// Package cidr holds the small pieces of IPv4 CIDR arithmetic that strata's
// components validate and carve subnets with.
package cidr

import (
	"fmt"
	"net/netip"
	"strings"
)

// Parse parses s as an IPv4 CIDR block. It rejects what the AWS provider
// rejects: anything that is not IPv4 and blocks that are not canonical
// (host bits set, as in 10.0.1.5/16); for those the error suggests the
// canonical form.
func Parse(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 block in a.b.c.d/n form (%s)", s, reason(err))
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 block in a.b.c.d/n form", s)
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("%q is not canonical: did you mean %q", s, m.String())
	}
	return p, nil
}

// reason keeps the last, most specific part of a netip parse error.
func reason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// Contains reports whether inner lies wholly inside outer.
func Contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// Subnet returns the index-th block of prefix length bits inside parent, the
// way Terraform's cidrsubnet numbers them.
func Subnet(parent netip.Prefix, bits, index int) (netip.Prefix, error) {
	if bits < parent.Bits() || bits > 32 {
		return netip.Prefix{}, fmt.Errorf("cannot carve a /%d out of %s", bits, parent)
	}
	count := uint64(1) << uint(bits-parent.Bits())
	if index < 0 || uint64(index) >= count {
		return netip.Prefix{}, fmt.Errorf("%s holds %d blocks of /%d, index %d is out of range", parent, count, bits, index)
	}
	base := parent.Addr().As4()
	n := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	n += uint32(index) << uint(32-bits)
	addr := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	return netip.PrefixFrom(addr, bits), nil
}

// BitsFor returns the number of bits needed to number n blocks.
func BitsFor(n int) int {
	b := 0
	for (1 << b) < n {
		b++
	}
	return b
}

// Usable returns how many addresses AWS lets you use in a subnet: it
// reserves five in every subnet.
func Usable(p netip.Prefix) int {
	return 1<<(32-p.Bits()) - 5
}

// Union says which whole address space the blocks cover together:
// "0.0.0.0/0" when the IPv4 ones cover every IPv4 address (0.0.0.0/1 and
// 128.0.0.0/1 do), "::/0" for IPv6, or "" when neither is covered.
func Union(blocks []netip.Prefix) string {
	for _, all := range []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")} {
		if covered(all, blocks) {
			return all.String()
		}
	}
	return ""
}

// covered says whether the blocks cover p: one contains it, or they cover
// both its halves. It descends only where a block overlaps.
func covered(p netip.Prefix, blocks []netip.Prefix) bool {
	overlaps := false
	for _, b := range blocks {
		if b.Addr().Is4() != p.Addr().Is4() {
			continue
		}
		if Contains(b, p) {
			return true
		}
		if b.Overlaps(p) {
			overlaps = true
		}
	}
	if !overlaps || p.Bits() == p.Addr().BitLen() {
		return false
	}
	lo, hi := halves(p)
	return covered(lo, blocks) && covered(hi, blocks)
}

// halves splits p into its two blocks one bit longer, either family.
func halves(p netip.Prefix) (netip.Prefix, netip.Prefix) {
	bits := p.Bits()
	b := p.Masked().Addr().AsSlice()
	lo := netip.PrefixFrom(p.Masked().Addr(), bits+1)
	b[bits/8] |= 0x80 >> uint(bits%8)
	addr, _ := netip.AddrFromSlice(b)
	return lo, netip.PrefixFrom(addr, bits+1)
}
