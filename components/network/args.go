package network

import (
	"cmp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// NATStrategy says how many NAT gateways give the private subnets their
// outbound route.
type NATStrategy string

// The NAT strategies awsx supports.
const (
	// NATSingle is one NAT gateway for the whole VPC: cheapest, but the
	// private subnets of every AZ lose egress if its AZ fails.
	NATSingle NATStrategy = "Single"
	// NATOnePerAZ is one NAT gateway in each AZ: what production needs.
	NATOnePerAZ NATStrategy = "OnePerAz"
	// NATNone is no NAT gateway: private subnets have no route out.
	NATNone NATStrategy = "None"
	// NATInstance is one small EC2 instance (t4g.nano) in the first public
	// subnet doing NAT for HTTPS and HTTP only, instead of NAT gateways:
	// about 7 USD a month instead of 36, for a non-production network.
	// Its risks: one instance in one AZ (if it or its AZ fails, the
	// private subnets lose egress until it is back), bandwidth of a
	// t4g.nano, and egress limited to 443 and 80.
	NATInstance NATStrategy = "Instance"
)

// NATInstanceType is the NAT instance's type: Graviton, the smallest.
const NATInstanceType = "t4g.nano"

// natInstanceAMI is the public SSM parameter of the latest Amazon Linux
// 2023 AMI for arm64.
const natInstanceAMI = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"

// Defaults for Args fields left at their zero value.
const (
	DefaultCIDR                          = "10.0.0.0/16"
	DefaultAvailabilityZones             = 2
	DefaultNATGateways                   = NATSingle
	DefaultFlowLogRetentionDays          = 365
	DefaultFlowLogTrafficType            = "ALL"
	DefaultFlowLogMaxAggregationInterval = 600
)

// Limits the validation enforces.
const (
	MinAvailabilityZones = 2 // ALB and RDS subnet groups need two AZs
	MaxAvailabilityZones = 6 // no AWS Region has more
)

// Args configure a Network. The zero value is a valid, secure and cheap
// network: 10.0.0.0/16 over two AZs with one NAT gateway.
type Args struct {
	// CIDR is the VPC's IPv4 block, canonical, from /16 to /28.
	// Default: DefaultCIDR (10.0.0.0/16).
	CIDR string

	// AvailabilityZones is how many AZs the subnets span, from 2 to 6; the
	// first ones the Region offers without opting in.
	// Default: DefaultAvailabilityZones (2).
	AvailabilityZones int

	// NATGateways is the NAT strategy: NATSingle, NATOnePerAZ or NATNone.
	// Default: NATSingle.
	NATGateways NATStrategy

	// PublicSubnetCIDRs, PrivateSubnetCIDRs and IsolatedSubnetCIDRs are
	// explicit subnet blocks, one per AZ in AZ order. Give all three or none;
	// each must be canonical, /16 to /28, inside CIDR, and overlap no other.
	// Default: carved from CIDR: the first half split over the AZs for the
	// private (application) tier, the third quarter for the isolated
	// (database) tier, and half of the last quarter for the public tier; the
	// rest is left free.
	PublicSubnetCIDRs   []string
	PrivateSubnetCIDRs  []string
	IsolatedSubnetCIDRs []string

	// FlowLogRetentionDays is how long VPC flow logs are kept, one of
	// CloudWatch Logs' retention values. Flow logs are always on.
	// Default: DefaultFlowLogRetentionDays (365, FSBP CloudWatch.16).
	FlowLogRetentionDays int

	// FlowLogTrafficType is the traffic the flow logs capture: ACCEPT,
	// REJECT or ALL. Default: DefaultFlowLogTrafficType (ALL).
	FlowLogTrafficType string

	// FlowLogMaxAggregationInterval is the flow-log aggregation window in
	// seconds, 60 or 600. Default: DefaultFlowLogMaxAggregationInterval (600,
	// fewer and cheaper log records).
	FlowLogMaxAggregationInterval int

	// PermissionsBoundaryARN is the permissions boundary, a managed policy
	// ARN, of every role the component creates (the flow-log role), for accounts
	// whose deploy role may create roles only under a boundary. Default: no
	// boundary.
	PermissionsBoundaryARN string

	// AlarmTopicARN is notified when a NAT gateway's alarm fires (port
	// allocation errors, dropped packets) and recovers. Default: none: the
	// alarms have no actions.
	AlarmTopicARN pulumi.StringInput
}

// withDefaults returns a copy of args with every zero field defaulted.
func (a *Args) withDefaults() Args {
	var out Args
	if a != nil {
		out = *a
	}
	out.CIDR = cmp.Or(out.CIDR, DefaultCIDR)
	out.AvailabilityZones = cmp.Or(out.AvailabilityZones, DefaultAvailabilityZones)
	out.NATGateways = cmp.Or(out.NATGateways, DefaultNATGateways)
	out.FlowLogRetentionDays = cmp.Or(out.FlowLogRetentionDays, DefaultFlowLogRetentionDays)
	out.FlowLogTrafficType = cmp.Or(out.FlowLogTrafficType, DefaultFlowLogTrafficType)
	out.FlowLogMaxAggregationInterval = cmp.Or(out.FlowLogMaxAggregationInterval, DefaultFlowLogMaxAggregationInterval)
	return out
}
