package stacks

import (
	"slices"

	"github.com/strata-infra/strata/components/network"
)

// Production is the environment name that selects the production profile.
const Production = "prod"

// Profile is everything that shapes a stack. Defaults gives the profile of an
// environment; Load overlays what the stack's config sets.
type Profile struct {
	// Environment names the environment; it is the Environment tag.
	Environment string
	// Production selects the production profile and its guard rails.
	Production bool
	// Region is the AWS Region (config aws:region).
	Region string
	// Owner and CostCenter become the Owner and CostCenter tags
	// (config strata:owner, strata:costCenter).
	Owner      string
	CostCenter string
	// Network is config strata:network.
	Network NetworkConfig
}

// NetworkConfig is the strata:network config section. Field documentation
// is on network.Args.
type NetworkConfig struct {
	CIDR                 string   `json:"cidr"`
	AvailabilityZones    int      `json:"availabilityZones"`
	NATGateways          string   `json:"natGateways"`
	PublicSubnetCIDRs    []string `json:"publicSubnetCidrs"`
	PrivateSubnetCIDRs   []string `json:"privateSubnetCidrs"`
	IsolatedSubnetCIDRs  []string `json:"isolatedSubnetCidrs"`
	FlowLogRetentionDays int      `json:"flowLogRetentionDays"`
	FlowLogTrafficType   string   `json:"flowLogTrafficType"`
	AllowedIngressCIDRs  []string `json:"allowedIngressCidrs"`
	AppPort              int      `json:"appPort"`
}

// NAT gateway settings as stack files spell them.
const (
	NATSingle = "single"
	NATPerAZ  = "perAz"
	NATNone   = "none"
)

// natStrategies maps the stack-file spelling to the component's.
var natStrategies = map[string]network.NATStrategy{
	NATSingle: network.NATSingle,
	NATPerAZ:  network.NATOnePerAZ,
	NATNone:   network.NATNone,
}

// Defaults returns the profile of environment env. This is the one place
// where production and the other environments differ.
func Defaults(env string) Profile {
	p := Profile{
		Environment: env,
		Production:  env == Production,
		Network: NetworkConfig{
			CIDR:                 network.DefaultCIDR,
			AvailabilityZones:    2,
			NATGateways:          NATSingle,
			FlowLogRetentionDays: 30,
			FlowLogTrafficType:   network.DefaultFlowLogTrafficType,
			AllowedIngressCIDRs:  slices.Clone(network.DefaultAllowedIngressCIDRs),
			AppPort:              network.DefaultAppPort,
		},
	}
	if p.Production {
		p.Network.AvailabilityZones = 3      // survive the loss of an AZ
		p.Network.NATGateways = NATPerAZ     // and keep egress while at it
		p.Network.FlowLogRetentionDays = 365 // FSBP CloudWatch.16: a year
	}
	return p
}

// NetworkArgs turns the strata:network section into network.Args.
func (p Profile) NetworkArgs() *network.Args {
	n := p.Network
	return &network.Args{
		CIDR:                 n.CIDR,
		AvailabilityZones:    n.AvailabilityZones,
		NATGateways:          natStrategies[n.NATGateways],
		PublicSubnetCIDRs:    n.PublicSubnetCIDRs,
		PrivateSubnetCIDRs:   n.PrivateSubnetCIDRs,
		IsolatedSubnetCIDRs:  n.IsolatedSubnetCIDRs,
		FlowLogRetentionDays: n.FlowLogRetentionDays,
		FlowLogTrafficType:   n.FlowLogTrafficType,
		AllowedIngressCIDRs:  n.AllowedIngressCIDRs,
		AppPort:              n.AppPort,
	}
}
