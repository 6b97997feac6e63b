package cidr

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "10.0.0.0/16", want: "10.0.0.0/16"},
		{in: "0.0.0.0/0", want: "0.0.0.0/0"},
		{in: "10.0.1.5/16", wantErr: `did you mean "10.0.0.0/16"`},
		{in: "10.0.300.0/24", wantErr: "not an IPv4 block in a.b.c.d/n form"},
		{in: "10.0.0.0", wantErr: "not an IPv4 block in a.b.c.d/n form"},
		{in: "10.0.0.0/33", wantErr: "not an IPv4 block in a.b.c.d/n form"},
		{in: "fd00::/8", wantErr: "not an IPv4 block in a.b.c.d/n form"},
		{in: "", wantErr: "not an IPv4 block in a.b.c.d/n form"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("Parse(%q) = %v, %v, want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestSubnet(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	tests := []struct {
		bits, index int
		want        string
		wantErr     bool
	}{
		{bits: 24, index: 0, want: "10.0.0.0/24"},
		{bits: 24, index: 255, want: "10.0.255.0/24"},
		{bits: 24, index: 256, wantErr: true},
		{bits: 18, index: 3, want: "10.0.192.0/18"},
		{bits: 16, index: 0, want: "10.0.0.0/16"},
		{bits: 15, index: 0, wantErr: true},
		{bits: 24, index: -1, wantErr: true},
	}
	for _, tt := range tests {
		got, err := Subnet(vpc, tt.bits, tt.index)
		if (err != nil) != tt.wantErr {
			t.Errorf("Subnet(%s, %d, %d) error = %v, want error %v", vpc, tt.bits, tt.index, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && got.String() != tt.want {
			t.Errorf("Subnet(%s, %d, %d) = %s, want %s", vpc, tt.bits, tt.index, got, tt.want)
		}
	}
}

func TestContains(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	tests := []struct {
		in   string
		want bool
	}{
		{"10.0.1.0/24", true},
		{"10.0.0.0/16", true},
		{"10.0.0.0/15", false},
		{"10.1.0.0/24", false},
	}
	for _, tt := range tests {
		if got := Contains(vpc, netip.MustParsePrefix(tt.in)); got != tt.want {
			t.Errorf("Contains(%s, %s) = %v, want %v", vpc, tt.in, got, tt.want)
		}
	}
}

func TestBitsForAndUsable(t *testing.T) {
	for n, want := range map[int]int{1: 0, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3} {
		if got := BitsFor(n); got != want {
			t.Errorf("BitsFor(%d) = %d, want %d", n, got, want)
		}
	}
	if got := Usable(netip.MustParsePrefix("10.0.0.0/28")); got != 11 {
		t.Errorf("Usable(/28) = %d, want 11", got)
	}
}

func TestUnion(t *testing.T) {
	for _, tc := range []struct {
		blocks []string
		want   string
	}{
		{[]string{"0.0.0.0/1", "128.0.0.0/1"}, "0.0.0.0/0"},
		{[]string{"0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"}, "0.0.0.0/0"},
		{[]string{"0.0.0.0/1", "128.0.0.0/2"}, ""},
		{[]string{"10.0.0.0/8", "0.0.0.0/0"}, "0.0.0.0/0"},
		{[]string{"0.0.0.0/1", "128.0.0.0/1", "::/1"}, "0.0.0.0/0"},
		{[]string{"::/1", "8000::/1"}, "::/0"},
		{[]string{"10.0.0.0/16", "10.1.0.0/16"}, ""},
		{nil, ""},
	} {
		var ps []netip.Prefix
		for _, b := range tc.blocks {
			ps = append(ps, netip.MustParsePrefix(b))
		}
		if got := Union(ps); got != tc.want {
			t.Errorf("Union(%v) = %q, want %q", tc.blocks, got, tc.want)
		}
	}
}
