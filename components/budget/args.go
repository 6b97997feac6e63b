package budget

import (
	"cmp"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Notification types, comparisons, threshold types and time units, as AWS
// Budgets spells them.
const (
	Actual     = "ACTUAL"
	Forecasted = "FORECASTED"

	GreaterThan = "GREATER_THAN"
	LessThan    = "LESS_THAN"
	EqualTo     = "EQUAL_TO"

	Percentage    = "PERCENTAGE"
	AbsoluteValue = "ABSOLUTE_VALUE"

	Daily     = "DAILY"
	Monthly   = "MONTHLY"
	Quarterly = "QUARTERLY"
	Annually  = "ANNUALLY"
)

// Limits AWS Budgets enforces.
const (
	MaxNotifications        = 10
	MaxSubscribers          = 11
	MaxEmailSubscribers     = 10
	MaxPercentageThreshold  = 1_000_000
	DefaultTimeUnit         = Monthly
	costAllocationTagPrefix = "user:"
)

// Notification is one alert of the budget.
type Notification struct {
	// Type is ACTUAL (spend so far) or FORECASTED (spend AWS predicts by the
	// end of the period; not on DAILY budgets). Required.
	Type string `json:"type"`
	// Comparison is GREATER_THAN, LESS_THAN or EQUAL_TO. Required.
	Comparison string `json:"comparison"`
	// Threshold is a percentage of the limit (above 0, up to 1,000,000) or,
	// with ABSOLUTE_VALUE, an amount in USD above 0. Required.
	Threshold float64 `json:"threshold"`
	// ThresholdType is PERCENTAGE or ABSOLUTE_VALUE. Default: PERCENTAGE.
	ThresholdType string `json:"thresholdType"`
}

// DefaultNotifications are the seed's: a forecast above 80 % and actual
// spend above 100 % of the limit.
func DefaultNotifications() []Notification {
	return []Notification{
		{Type: Forecasted, Comparison: GreaterThan, Threshold: 80, ThresholdType: Percentage},
		{Type: Actual, Comparison: GreaterThan, Threshold: 100, ThresholdType: Percentage},
	}
}

// Tag is a cost-allocation tag the budget is filtered on.
type Tag struct {
	Key, Value string
}

// Args configure a Budget.
type Args struct {
	// LimitUSD is the budgeted amount per period in USD, above 0. Required.
	LimitUSD float64

	// TimeUnit is the budget's period: DAILY, MONTHLY, QUARTERLY or
	// ANNUALLY. Default: DefaultTimeUnit (MONTHLY).
	TimeUnit string

	// Notifications are the alerts, at most 10; two with the same Type and
	// Comparison need different thresholds. Default: DefaultNotifications().
	Notifications []Notification

	// EmailAddresses receive every notification, at most 10.
	// Default: none.
	EmailAddresses []string

	// Topic creates an SNS topic that receives every notification, encrypted
	// with a customer-managed key and publishable only by AWS Budgets for
	// this account. Subscribe chat or paging integrations to it.
	// Default: false.
	Topic bool

	// KMSKeyARN is an existing key for the topic; its policy must let
	// budgets.amazonaws.com use it. Default: the component creates one.
	KMSKeyARN pulumi.StringInput

	// FilterTag limits the budget to costs carrying this cost-allocation tag
	// (activate the tag in the billing console first). Default: the whole
	// account's costs.
	FilterTag Tag
}

func (a *Args) withDefaults() Args {
	var out Args
	if a != nil {
		out = *a
	}
	out.TimeUnit = cmp.Or(out.TimeUnit, DefaultTimeUnit)
	if out.Notifications == nil {
		out.Notifications = DefaultNotifications()
	}
	ns := make([]Notification, len(out.Notifications))
	for i, n := range out.Notifications {
		if n.ThresholdType == "" {
			n.ThresholdType = Percentage
		}
		ns[i] = n
	}
	out.Notifications = ns
	return out
}
