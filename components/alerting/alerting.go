package alerting

import (
	"fmt"
	"net/mail"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/awsenv"
	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/internal/servicetopic"
	"github.com/strata-infra/strata/monitoring"
)

// Type is the component's type token.
const Type = "strata:alerting:Alerting"

// MaxEmails is how many e-mail subscribers the topic takes.
const MaxEmails = 10

// Args configure an Alerting.
type Args struct {
	// Emails subscribe to every alarm, at most MaxEmails, each confirmed by
	// its owner. Default: none.
	Emails []string
}

// Alerting is a stack's alarm topic and dashboard.
type Alerting struct {
	pulumi.ResourceState

	// TopicARN is the topic alarms notify: pass it as each component's
	// Alarms.TopicARN.
	TopicARN pulumi.StringOutput
	name     string
	region   string
}

var dashboardNameRE = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// Validate reports every problem with args.
func Validate(name string, args *Args) error {
	p := problems.For("alerting", name)
	if args == nil {
		return nil
	}
	if n := len(args.Emails); n > MaxEmails {
		p.Addf("%v must list at most %d addresses, got %d", problems.Field("Emails"), MaxEmails, n)
	}
	for i, e := range args.Emails {
		if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e {
			p.Addf("%v must be an e-mail address such as ops@example.com, got %q", problems.Field("Emails").Index(i), e)
		}
	}
	return p.Err()
}

// New validates args and makes the topic, its subscriptions and, with
// rows, the dashboard. Nothing is registered when args are invalid.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Alerting, error) {
	if err := Validate(name, args); err != nil {
		return nil, err
	}
	var a Args
	if args != nil {
		a = *args
	}
	al := &Alerting{name: name}
	if err := ctx.RegisterComponentResource(Type, name, al, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(al)
	wrap := func(what string, err error) error { return fmt.Errorf("alerting %q: %s: %w", name, what, err) }
	env, err := awsenv.Lookup(ctx, al)
	if err != nil {
		return nil, wrap("reading the environment", err)
	}
	al.region = env.Region
	al.TopicARN, err = servicetopic.New(ctx, name, env, servicetopic.Args{
		Principal: "cloudwatch.amazonaws.com", SourceARN: env.ARN("cloudwatch", env.Region, "alarm:*"), Sid: "CloudWatchAlarmsPublish",
		KeyDescription: fmt.Sprintf("Encrypts the alarm notifications of %s", name), AliasPrefix: "alias/" + name + "-alarms-",
	}, parent)
	if err != nil {
		return nil, wrap("creating the topic", err)
	}
	for i, e := range a.Emails {
		if _, err := sns.NewTopicSubscription(ctx, fmt.Sprintf("%s-email-%d", name, i), &sns.TopicSubscriptionArgs{
			Topic: al.TopicARN, Protocol: pulumi.String("email"), Endpoint: pulumi.String(e),
		}, parent); err != nil {
			return nil, wrap("subscribing "+e, err)
		}
	}
	if err := ctx.RegisterResourceOutputs(al, pulumi.Map{"topicArn": al.TopicARN}); err != nil {
		return nil, wrap("registering outputs", err)
	}
	return al, nil
}

// Dashboard makes the stack's dashboard, <project>-<stack>, of the rows
// the components give (their Dashboard fields): one row each, a graph per
// metric their alarms watch. It returns the dashboard's name.
func (a *Alerting) Dashboard(ctx *pulumi.Context, rows ...monitoring.Row) (pulumi.StringOutput, error) {
	dash, err := cloudwatch.NewDashboard(ctx, a.name, &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(dashboardNameRE.ReplaceAllString(ctx.Project()+"-"+ctx.Stack(), "-")),
		DashboardBody: monitoring.Body(a.region, rows),
	}, pulumi.Parent(a))
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("alerting %q: creating the dashboard: %w", a.name, err)
	}
	return dash.DashboardName, nil
}
