// Package awslimits keeps AWS's hard limits that more than one component
// validates, each in one named table that is easy to update when AWS changes
// it (see shared/reference/aws-limits.md).
package awslimits

import (
	"slices"
	"strconv"
	"strings"
)

// LogRetentionDays are the retention periods CloudWatch Logs accepts. strata
// never leaves retention unset (which means forever).
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// IsLogRetention reports whether days is a retention CloudWatch Logs accepts.
func IsLogRetention(days int) bool {
	return slices.Contains(LogRetentionDays, days)
}

// LogRetentionList is LogRetentionDays for error messages.
func LogRetentionList() string {
	s := make([]string, len(LogRetentionDays))
	for i, d := range LogRetentionDays {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, ", ")
}

// Subnet and VPC netmask limits for IPv4.
const (
	MinPrefixBits = 16 // the largest block a VPC or subnet may have
	MaxPrefixBits = 28 // the smallest
)
