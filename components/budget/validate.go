package budget

import (
	"fmt"
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
		p.Addf("LimitUSD must be above 0, got %v", a.LimitUSD)
	}
	units := []string{Daily, Monthly, Quarterly, Annually}
	if !slices.Contains(units, a.TimeUnit) {
		p.Addf("TimeUnit must be one of %s, got %q", strings.Join(units, ", "), a.TimeUnit)
	}
	if len(a.Notifications) > MaxNotifications {
		p.Addf("Notifications must hold at most %d, got %d", MaxNotifications, len(a.Notifications))
	}
	type identity struct {
		typ, comparison, thresholdType string
		threshold                      float64
	}
	seen := map[identity]int{}
	for i, n := range a.Notifications {
		where := fmt.Sprintf("Notifications[%d]", i)
		if n.Type != Actual && n.Type != Forecasted {
			p.Addf("%s.Type must be %s or %s, got %q", where, Actual, Forecasted, n.Type)
		}
		if n.Type == Forecasted && a.TimeUnit == Daily {
			p.Addf("%s.Type %s is not available on a %s budget", where, Forecasted, Daily)
		}
		if !slices.Contains([]string{GreaterThan, LessThan, EqualTo}, n.Comparison) {
			p.Addf("%s.Comparison must be %s, %s or %s, got %q", where, GreaterThan, LessThan, EqualTo, n.Comparison)
		}
		switch n.ThresholdType {
		case Percentage:
			if !(n.Threshold > 0) || n.Threshold > MaxPercentageThreshold {
				p.Addf("%s.Threshold must be above 0 and at most %d (percent), got %v", where, MaxPercentageThreshold, n.Threshold)
			}
		case AbsoluteValue:
			if !(n.Threshold > 0) || math.IsInf(n.Threshold, 0) {
				p.Addf("%s.Threshold must be above 0 (USD), got %v", where, n.Threshold)
			}
		default:
			p.Addf("%s.ThresholdType must be %s or %s, got %q", where, Percentage, AbsoluteValue, n.ThresholdType)
		}
		key := identity{n.Type, n.Comparison, n.ThresholdType, n.Threshold}
		if j, dup := seen[key]; dup {
			p.Addf("%s repeats Notifications[%d] (%s %s %v %s): thresholds must differ for one type and comparison",
				where, j, n.Type, n.Comparison, n.Threshold, n.ThresholdType)
		}
		seen[key] = i
	}

	if len(a.EmailAddresses) > MaxEmailSubscribers {
		p.Addf("EmailAddresses must hold at most %d, got %d", MaxEmailSubscribers, len(a.EmailAddresses))
	}
	subscribers := len(a.EmailAddresses)
	if a.Topic {
		subscribers++
	}
	if len(a.Notifications) > 0 && subscribers == 0 {
		p.Addf("the notifications need a subscriber: set EmailAddresses or Topic")
	}
	if subscribers > MaxSubscribers {
		p.Addf("a notification may have at most %d subscribers (e-mails plus the topic), got %d", MaxSubscribers, subscribers)
	}
	emails := map[string]int{}
	for i, e := range a.EmailAddresses {
		if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") {
			p.Addf("EmailAddresses[%d] must be a plain e-mail address such as ops@example.com, got %q", i, e)
		}
		if j, dup := emails[strings.ToLower(e)]; dup {
			p.Addf("EmailAddresses[%d] %q repeats EmailAddresses[%d]", i, e, j)
		}
		emails[strings.ToLower(e)] = i
	}
	if t := a.FilterTag; t.Key != "" || t.Value != "" {
		if t.Key == "" || len(t.Key) > 128 || strings.HasPrefix(t.Key, "aws:") {
			p.Addf("FilterTag.Key must be a user tag key of 1 to 128 characters, got %q", t.Key)
		}
		if t.Value == "" || len(t.Value) > 256 || strings.Contains(t.Value, "$") {
			p.Addf("FilterTag.Value must be 1 to 256 characters without $, got %q", t.Value)
		}
	}
	return p.Err()
}

// Validate reports every problem with args for a Budget named name, without
// registering anything. New runs it first.
func Validate(name string, args *Args) error {
	return validate(name, args.withDefaults())
}
