package budget

import (
	"math"
	"net/mail"
	"slices"
	"strings"

	"github.com/strata-infra/strata/internal/problems"
)

// validate checks args (already defaulted).
func validate(name string, a Args) error {
	p := problems.For("budget", name)
	if !(a.LimitUSD > 0) || math.IsInf(a.LimitUSD, 0) {
		p.Addf("%v must be above 0, got %v", problems.Field("LimitUSD"), a.LimitUSD)
	}
	units := []string{Daily, Monthly, Quarterly, Annually}
	if !slices.Contains(units, a.TimeUnit) {
		p.Addf("%v must be one of %s, got %q", problems.Field("TimeUnit"), strings.Join(units, ", "), a.TimeUnit)
	}
	if len(a.Notifications) > MaxNotifications {
		p.Addf("%v must hold at most %d, got %d", problems.Field("Notifications"), MaxNotifications, len(a.Notifications))
	}
	type identity struct {
		typ, comparison, thresholdType string
		threshold                      float64
	}
	seen := map[identity]int{}
	for i, n := range a.Notifications {
		where := problems.Field("Notifications").Index(i)
		if n.Type != Actual && n.Type != Forecasted {
			p.Addf("%v must be %s or %s, got %q", where.Child("Type"), Actual, Forecasted, n.Type)
		}
		if n.Type == Forecasted && a.TimeUnit == Daily {
			p.Addf("%v %s is not available on a %s budget", where.Child("Type"), Forecasted, Daily)
		}
		if !slices.Contains([]string{GreaterThan, LessThan, EqualTo}, n.Comparison) {
			p.Addf("%v must be %s, %s or %s, got %q", where.Child("Comparison"), GreaterThan, LessThan, EqualTo, n.Comparison)
		}
		switch n.ThresholdType {
		case Percentage:
			if !(n.Threshold > 0) || n.Threshold > MaxPercentageThreshold {
				p.Addf("%v must be above 0 and at most %d (percent), got %v", where.Child("Threshold"), MaxPercentageThreshold, n.Threshold)
			}
		case AbsoluteValue:
			if !(n.Threshold > 0) || math.IsInf(n.Threshold, 0) {
				p.Addf("%v must be above 0 (USD), got %v", where.Child("Threshold"), n.Threshold)
			}
		default:
			p.Addf("%v must be %s or %s, got %q", where.Child("ThresholdType"), Percentage, AbsoluteValue, n.ThresholdType)
		}
		key := identity{n.Type, n.Comparison, n.ThresholdType, n.Threshold}
		if j, dup := seen[key]; dup {
			p.Addf("%v repeats %v (%s %s %v %s): thresholds must differ for one type and comparison", where, problems.Field("Notifications").Index(j), n.Type, n.Comparison, n.Threshold, n.ThresholdType)
		}
		seen[key] = i
	}

	if len(a.EmailAddresses) > MaxEmailSubscribers {
		p.Addf("%v must hold at most %d, got %d", problems.Field("EmailAddresses"), MaxEmailSubscribers, len(a.EmailAddresses))
	}
	subscribers := len(a.EmailAddresses)
	if a.Topic {
		subscribers++
	}
	if len(a.Notifications) > 0 && subscribers == 0 {
		p.Addf("the notifications need a subscriber: set %v or %v", problems.Field("EmailAddresses"), problems.Field("Topic"))
	}
	if subscribers > MaxSubscribers {
		p.Addf("a notification may have at most %d subscribers (e-mails plus the topic), got %d", MaxSubscribers, subscribers)
	}
	emails := map[string]int{}
	for i, e := range a.EmailAddresses {
		if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
			p.Addf("%v must be a plain e-mail address such as ops@example.com, got %q", problems.Field("EmailAddresses").Index(i), e)
		}
		if j, dup := emails[strings.ToLower(e)]; dup {
			p.Addf("%v %q repeats %v", problems.Field("EmailAddresses").Index(i), e, problems.Field("EmailAddresses").Index(j))
		}
		emails[strings.ToLower(e)] = i
	}
	if t := a.FilterTag; t.Key != "" || t.Value != "" {
		if t.Key == "" || len(t.Key) > 128 || strings.HasPrefix(t.Key, "aws:") {
			p.Addf("%v must be a user tag key of 1 to 128 characters, got %q", problems.Field("FilterTag").Child("Key"), t.Key)
		}
		if t.Value == "" || len(t.Value) > 256 || strings.Contains(t.Value, "$") {
			p.Addf("%v must be 1 to 256 characters without $, got %q", problems.Field("FilterTag").Child("Value"), t.Value)
		}
	}
	return p.Err()
}

// Validate reports every problem with args for a Budget named name, without
// registering anything. New runs it first.
func Validate(name string, args *Args) error {
	return validate(name, args.withDefaults())
}
