package budget

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

func run(t *testing.T, args *Args) (*plan.Plan, error) {
	t.Helper()
	return plan.Run(func(ctx *pulumi.Context) error {
		b, err := New(ctx, "monthly", args)
		if err != nil {
			return err
		}
		ctx.Export("topicArn", b.TopicARN)
		return nil
	}, plan.Options{})
}

func emails(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("ops%d@example.com", i)
	}
	return out
}

func TestValidation(t *testing.T) {
	ok := func(a Args) Args {
		if a.LimitUSD == 0 {
			a.LimitUSD = 100
		}
		if a.EmailAddresses == nil && !a.Topic {
			a.EmailAddresses = []string{"ops@example.com"}
		}
		return a
	}
	n := func(typ, cmp string, threshold float64) Notification {
		return Notification{Type: typ, Comparison: cmp, Threshold: threshold}
	}
	tests := []struct {
		name string
		args Args
		want []string
	}{
		{name: "the smallest budget", args: ok(Args{LimitUSD: 0.01})},
		{name: "a budget of 0", args: Args{LimitUSD: 0, EmailAddresses: []string{"ops@example.com"}}, want: []string{"LimitUSD must be above 0, got 0"}},
		{name: "a negative budget", args: Args{LimitUSD: -5, EmailAddresses: []string{"ops@example.com"}}, want: []string{"LimitUSD must be above 0, got -5"}},
		{name: "an unknown period", args: ok(Args{TimeUnit: "WEEKLY"}), want: []string{"TimeUnit must be one of", `"WEEKLY"`}},
		{name: "FORECASTED on a DAILY budget", args: ok(Args{TimeUnit: Daily}), want: []string{"Notifications[0].Type FORECASTED is not available on a DAILY budget"}},
		{name: "ACTUAL on a DAILY budget", args: ok(Args{TimeUnit: Daily, Notifications: []Notification{n(Actual, GreaterThan, 100)}})},
		{name: "ten notifications", args: ok(Args{Notifications: tenNotifications()})},
		{name: "eleven notifications", args: ok(Args{Notifications: append(tenNotifications(), n(Actual, GreaterThan, 110))}), want: []string{"Notifications must hold at most 10, got 11"}},
		{name: "two thresholds of one type and comparison", args: ok(Args{Notifications: []Notification{n(Actual, GreaterThan, 80), n(Actual, GreaterThan, 100)}})},
		{name: "a repeated threshold", args: ok(Args{Notifications: []Notification{n(Actual, GreaterThan, 80), n(Forecasted, GreaterThan, 80), n(Actual, GreaterThan, 80)}}),
			want: []string{"Notifications[2] repeats Notifications[0] (ACTUAL GREATER_THAN 80 PERCENTAGE)"}},
		{name: "a 0 % threshold", args: ok(Args{Notifications: []Notification{n(Actual, GreaterThan, 0)}}), want: []string{"Notifications[0].Threshold must be above 0", "got 0"}},
		{name: "the largest percentage", args: ok(Args{Notifications: []Notification{n(Actual, GreaterThan, 1_000_000)}})},
		{name: "a percentage too large", args: ok(Args{Notifications: []Notification{n(Actual, GreaterThan, 1_000_001)}}), want: []string{"at most 1000000 (percent)"}},
		{name: "an absolute threshold", args: ok(Args{Notifications: []Notification{{Type: Actual, Comparison: GreaterThan, Threshold: 5000, ThresholdType: AbsoluteValue}}})},
		{name: "an unknown threshold type", args: ok(Args{Notifications: []Notification{{Type: Actual, Comparison: GreaterThan, Threshold: 5, ThresholdType: "RATIO"}}}), want: []string{"ThresholdType must be", `"RATIO"`}},
		{name: "an unknown notification type", args: ok(Args{Notifications: []Notification{n("PREDICTED", GreaterThan, 5)}}), want: []string{"Notifications[0].Type must be", `"PREDICTED"`}},
		{name: "an unknown comparison", args: ok(Args{Notifications: []Notification{n(Actual, "ABOVE", 5)}}), want: []string{"Notifications[0].Comparison must be", `"ABOVE"`}},
		{name: "no subscriber", args: Args{LimitUSD: 100}, want: []string{"need a subscriber: set EmailAddresses or Topic"}},
		{name: "no notifications need no subscriber", args: Args{LimitUSD: 100, Notifications: []Notification{}}},
		{name: "ten e-mails", args: ok(Args{EmailAddresses: emails(10)})},
		{name: "ten e-mails and the topic", args: ok(Args{EmailAddresses: emails(10), Topic: true})},
		{name: "eleven e-mails", args: ok(Args{EmailAddresses: emails(11)}), want: []string{"EmailAddresses must hold at most 10, got 11"}},
		{name: "twelve e-mails", args: ok(Args{EmailAddresses: emails(12)}), want: []string{"EmailAddresses must hold at most 10, got 12", "at most 11 subscribers", "got 12"}},
		{name: "a malformed e-mail", args: ok(Args{EmailAddresses: []string{"ops@example.com", "ops-at-example.com"}}), want: []string{`EmailAddresses[1] must be a plain e-mail address`, `"ops-at-example.com"`}},
		{name: "an e-mail with a display name", args: ok(Args{EmailAddresses: []string{"Ops <ops@example.com>"}}), want: []string{"EmailAddresses[0]"}},
		{name: "an e-mail without a domain dot", args: ok(Args{EmailAddresses: []string{"ops@localhost"}}), want: []string{"EmailAddresses[0]"}},
		{name: "a repeated e-mail", args: ok(Args{EmailAddresses: []string{"ops@example.com", "OPS@example.com"}}), want: []string{`EmailAddresses[1] "OPS@example.com" repeats EmailAddresses[0]`}},
		{name: "a tag filter", args: ok(Args{FilterTag: Tag{Key: "Environment", Value: "dev"}})},
		{name: "a tag filter without a value", args: ok(Args{FilterTag: Tag{Key: "Environment"}}), want: []string{"FilterTag.Value must be 1 to 256 characters"}},
		{name: "an AWS tag", args: ok(Args{FilterTag: Tag{Key: "aws:createdBy", Value: "x"}}), want: []string{"FilterTag.Key must be a user tag key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := run(t, &tt.args)
			if tt.want != nil {
				tt.want = append(tt.want, `budget "monthly"`)
			}
			plantest.ExpectProblems(t, p, err, tt.want...)
		})
	}
}

func tenNotifications() []Notification {
	out := make([]Notification, 10)
	for i := range out {
		out[i] = Notification{Type: Actual, Comparison: GreaterThan, Threshold: float64(10 * (i + 1))}
	}
	return out
}

func TestDefaults(t *testing.T) {
	p, err := run(t, &Args{LimitUSD: 250, EmailAddresses: []string{"ops@example.com"}, Topic: true, FilterTag: Tag{"Environment", "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	comp := plantest.Find(t, p, Type, "monthly")
	for _, r := range p.Registered() {
		if r != comp && r.Parent != comp.URN {
			t.Errorf("%s %q is not a child of the budget", r.Type, r.Name)
		}
	}
	b := plantest.Find(t, p, "aws:budgets/budget:Budget", "monthly")
	for path, want := range map[string]any{
		"budgetType":                                 "COST",
		"limitAmount":                                "250.00",
		"limitUnit":                                  "USD",
		"timeUnit":                                   "MONTHLY",
		"costFilters.0.name":                         "TagKeyValue",
		"costFilters.0.values.0":                     "user:Environment$dev",
		"notifications.0.notificationType":           "FORECASTED",
		"notifications.0.comparisonOperator":         "GREATER_THAN",
		"notifications.0.threshold":                  80.0,
		"notifications.0.thresholdType":              "PERCENTAGE",
		"notifications.1.notificationType":           "ACTUAL",
		"notifications.1.threshold":                  100.0,
		"notifications.1.subscriberEmailAddresses.0": "ops@example.com",
		"notifications.1.subscriberSnsTopicArns.0":   p.Outputs["topicArn"],
	} {
		if got, _ := b.Input(path); got != want {
			t.Errorf("budget %s = %v, want %v", path, got, want)
		}
	}
	if ns, _ := b.Input("notifications"); len(ns.([]any)) != 2 {
		t.Errorf("budget has %d notifications, want 2", len(ns.([]any)))
	}

	// The topic is encrypted with a key budgets may use, and only budgets
	// of this account may publish, over TLS.
	topic := plantest.Find(t, p, "aws:sns/topic:Topic", "monthly")
	key := plantest.Find(t, p, "aws:kms/key:Key", "monthly")
	if got, _ := topic.Inputs["kmsMasterKeyId"].(string); !strings.HasSuffix(got, ":key/"+key.ID) {
		t.Errorf("topic key = %v, want key %s", got, key.ID)
	}
	kp := plantest.ParsePolicy(t, key.Inputs["policy"])
	if len(kp.Statement) != 2 || kp.Statement[1].Principal["Service"] != "budgets.amazonaws.com" ||
		kp.Statement[1].Condition["StringEquals"]["aws:SourceAccount"] != plan.DefaultAccountID {
		t.Errorf("key policy = %+v, want the root and budgets scoped to the account", kp)
	}
	allow := plantest.StatementAt(t, plantest.Find(t, p, "aws:sns/topicPolicy:TopicPolicy", "monthly").Inputs["policy"], 0)
	if allow.Effect != "Allow" || allow.Principal["Service"] != "budgets.amazonaws.com" || !slices.Equal(allow.Action, []string{"sns:Publish"}) ||
		!slices.Equal(allow.Resource, []string{p.Outputs["topicArn"].(string)}) || allow.Condition["StringEquals"]["aws:SourceAccount"] != plan.DefaultAccountID {
		t.Errorf("topic policy allow = %+v", allow)
	}
	if deny := plantest.StatementAt(t, plantest.Find(t, p, "aws:sns/topicPolicy:TopicPolicy", "monthly").Inputs["policy"], 1); deny.Effect != "Deny" || deny.Condition["Bool"]["aws:SecureTransport"] != "false" {
		t.Errorf("topic policy deny = %+v, want a deny without TLS", deny)
	}
}

func TestEmailOnly(t *testing.T) {
	p, err := run(t, &Args{LimitUSD: 10, EmailAddresses: []string{"ops@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"aws:sns/topic:Topic", "aws:kms/key:Key"} {
		if n := len(p.ByType(typ)); n != 0 {
			t.Errorf("an e-mail-only budget created %d %s", n, typ)
		}
	}
	b := plantest.One(t, p, "aws:budgets/budget:Budget")
	if _, ok := b.Input("costFilters.0"); ok {
		t.Errorf("budget without FilterTag has cost filters: %v", b.Inputs["costFilters"])
	}
}
