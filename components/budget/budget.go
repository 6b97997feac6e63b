package budget

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/servicetopic"
)

// Type is the component's type token. Changing it replaces the budget of
// every stack that uses it, unless an alias is added.
const Type = "strata:budget:Budget"

// budgetsPrincipal is the service that evaluates budgets and publishes
// their alerts.
const budgetsPrincipal = "budgets.amazonaws.com"

// Budget is an AWS cost budget with alerts.
type Budget struct {
	pulumi.ResourceState

	// BudgetName is the budget's name.
	BudgetName pulumi.StringOutput
	// TopicARN is the alert topic's ARN, or empty without Topic.
	TopicARN pulumi.StringOutput
}

// New validates args and creates a Budget. args is required (LimitUSD has no
// default). Nothing is registered when args are invalid; the error lists
// every problem.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Budget, error) {
	a := args.withDefaults()
	if err := validate(name, a); err != nil {
		return nil, err
	}
	b := &Budget{TopicARN: pulumi.String("").ToStringOutput()}
	if err := ctx.RegisterComponentResource(Type, name, b, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	wrap := func(what string, err error) error { return fmt.Errorf("budget %q: %s: %w", name, what, err) }

	var topics pulumi.StringArray
	if a.Topic {
		arn, err := b.topic(ctx, name, a, parent)
		if err != nil {
			return nil, wrap("creating the alert topic", err)
		}
		b.TopicARN = arn
		topics = pulumi.StringArray{arn}
	}

	var notifications budgets.BudgetNotificationArray
	for _, n := range a.Notifications {
		notifications = append(notifications, &budgets.BudgetNotificationArgs{
			NotificationType:         pulumi.String(n.Type),
			ComparisonOperator:       pulumi.String(n.Comparison),
			Threshold:                pulumi.Float64(n.Threshold),
			ThresholdType:            pulumi.String(n.ThresholdType),
			SubscriberEmailAddresses: pulumi.ToStringArray(a.EmailAddresses),
			SubscriberSnsTopicArns:   topics,
		})
	}
	var filters budgets.BudgetCostFilterArray
	if a.FilterTag.Key != "" {
		filters = budgets.BudgetCostFilterArray{&budgets.BudgetCostFilterArgs{
			Name:   pulumi.String("TagKeyValue"),
			Values: pulumi.StringArray{pulumi.String(costAllocationTagPrefix + a.FilterTag.Key + "$" + a.FilterTag.Value)},
		}}
	}
	budget, err := budgets.NewBudget(ctx, name, &budgets.BudgetArgs{
		BudgetType:    pulumi.String("COST"),
		LimitAmount:   pulumi.String(strconv.FormatFloat(a.LimitUSD, 'f', 2, 64)),
		LimitUnit:     pulumi.String("USD"),
		TimeUnit:      pulumi.String(a.TimeUnit),
		CostFilters:   filters,
		Notifications: notifications,
	}, parent)
	if err != nil {
		return nil, wrap("creating the budget", err)
	}
	b.BudgetName = budget.Name

	if err := ctx.RegisterResourceOutputs(b, pulumi.Map{"budgetName": b.BudgetName, "topicArn": b.TopicARN}); err != nil {
		return nil, wrap("registering outputs", err)
	}
	return b, nil
}

// topic creates the encrypted alert topic that only AWS Budgets, for this
// account, may publish to, and only over TLS.
func (b *Budget) topic(ctx *pulumi.Context, name string, a Args, parent pulumi.ResourceOrInvokeOption) (pulumi.StringOutput, error) {
	env, err := awsenv.Lookup(ctx, b)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return servicetopic.New(ctx, name, env, servicetopic.Args{
		Principal: budgetsPrincipal, SourceARN: env.ARN("budgets", "", "*"), Sid: "BudgetsPublish",
		KeyDescription: fmt.Sprintf("Encrypts the alerts of budget %s", name), AliasPrefix: "alias/" + name + "-budget-",
		KMSKeyARN: a.KMSKeyARN,
	}, parent)
}
