package stacks

import (
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
)

// regions are the Regions the pinned AWS provider knows: a stack file that
// names another one would fail only at deploy.
var regions = func() []string {
	var out []string
	for _, r := range []aws.Region{aws.RegionAFSouth1, aws.RegionAPEast1, aws.RegionAPNortheast1, aws.RegionAPNortheast2, aws.RegionAPNortheast3, aws.RegionAPSouth1, aws.RegionAPSouth2, aws.RegionAPSoutheast1, aws.RegionAPSoutheast2, aws.RegionAPSoutheast3, aws.RegionAPSoutheast4, aws.RegionAPSoutheast5, aws.RegionAPSoutheast7, aws.RegionCACentral, aws.RegionCAWest1, aws.RegionEUCentral1, aws.RegionEUCentral2, aws.RegionEUNorth1, aws.RegionEUSouth1, aws.RegionEUSouth2, aws.RegionEUWest1, aws.RegionEUWest2, aws.RegionEUWest3, aws.RegionILCentral1, aws.RegionMECentral1, aws.RegionMESouth1, aws.RegionMXCentral1, aws.RegionSAEast1, aws.RegionUSEast1, aws.RegionUSEast2, aws.RegionUSWest1, aws.RegionUSWest2, aws.RegionCNNorth1, aws.RegionCNNorthwest1, aws.RegionUSGovEast1, aws.RegionUSGovWest1, aws.RegionUSISOEast1, aws.RegionUSISOWest1, aws.RegionUSISOBEast1, aws.RegionEUISOEWest1} {
		out = append(out, string(r))
	}
	slices.Sort(out)
	return out
}()
