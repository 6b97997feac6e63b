package didyoumean

import "testing"

func TestSuggest(t *testing.T) {
	keys := []string{"cidr", "availabilityZones", "natGateways", "publicSubnetCidrs"}
	tests := []struct{ given, want string }{
		{"cidrr", "cidr"},
		{"CIDR", "cidr"},
		{"availabilityZone", "availabilityZones"},
		{"natGateway", "natGateways"},
		{"flavour", ""},
		{"public", "publicSubnetCidrs"},
		{"natGatewaysPerAz", "natGateways"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.given, keys); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.given, got, tt.want)
		}
	}
}

func TestSuggestTheWordOfACamelCaseName(t *testing.T) {
	known := []string{"trustedPrincipal", "orgId", "managedPolicyArns", "roleName"}
	if got := Suggest("principal", known); got != "trustedPrincipal" {
		t.Errorf("Suggest(principal) = %q", got)
	}
	if got := Suggest("name", []string{"roleName", "databaseName"}); got != "" {
		t.Errorf("Suggest(name) among two = %q, want none", got)
	}
}
