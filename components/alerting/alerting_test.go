package alerting

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/monitoring"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
)

func run(t *testing.T, args *Args, rows ...monitoring.Row) (*plan.Plan, error) {
	t.Helper()
	return plan.Run(func(ctx *pulumi.Context) error {
		a, err := New(ctx, "alarms", args)
		if err != nil {
			return err
		}
		ctx.Export("topic", a.TopicARN)
		if len(rows) > 0 {
			name, err := a.Dashboard(ctx, rows...)
			if err != nil {
				return err
			}
			ctx.Export("dashboard", name)
		}
		return nil
	}, plan.Options{Project: "shop", Stack: "prod"})
}

// TestTopic: encrypted with its own key, publishable only by CloudWatch of
// this account for its alarms, only over TLS, e-mailing its subscribers.
func TestTopic(t *testing.T) {
	p, err := run(t, &Args{Emails: []string{"oncall@example.com", "ops@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	topic := plantest.One(t, p, "aws:sns/topic:Topic")
	key := plantest.One(t, p, "aws:kms/key:Key")
	if topic.Inputs["kmsMasterKeyId"] != key.Outputs["arn"] {
		t.Errorf("topic key = %v, want its own key %v", topic.Inputs["kmsMasterKeyId"], key.Outputs["arn"])
	}
	if n := len(p.ByType("aws:sns/topicSubscription:TopicSubscription")); n != 2 {
		t.Errorf("%d subscriptions, want 2", n)
	}
	doc, err := iampolicy.Parse(plantest.One(t, p, "aws:sns/topicPolicy:TopicPolicy").Inputs["policy"].(string))
	if err != nil {
		t.Fatal(err)
	}
	arn := p.Outputs["topic"].(string)
	alarm := "arn:aws:cloudwatch:us-east-1:" + plan.DefaultAccountID + ":alarm:web-cpu"
	for _, tt := range []struct {
		name      string
		principal string
		ctx       map[string][]string
		want      iampolicy.Decision
	}{
		{"CloudWatch for an alarm of this account", "Service:cloudwatch.amazonaws.com",
			map[string][]string{"aws:SecureTransport": {"true"}, "aws:SourceAccount": {plan.DefaultAccountID}, "aws:SourceArn": {alarm}}, iampolicy.Allowed},
		{"CloudWatch for another account", "Service:cloudwatch.amazonaws.com",
			map[string][]string{"aws:SecureTransport": {"true"}, "aws:SourceAccount": {"210987654321"}, "aws:SourceArn": {alarm}}, iampolicy.ImplicitDeny},
		{"another service", "Service:events.amazonaws.com",
			map[string][]string{"aws:SecureTransport": {"true"}, "aws:SourceAccount": {plan.DefaultAccountID}}, iampolicy.ImplicitDeny},
		{"CloudWatch without TLS", "Service:cloudwatch.amazonaws.com",
			map[string][]string{"aws:SecureTransport": {"false"}, "aws:SourceAccount": {plan.DefaultAccountID}, "aws:SourceArn": {alarm}}, iampolicy.Denied},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, by, err := doc.Evaluate(iampolicy.Request{Principal: tt.principal, Action: "sns:Publish", Resource: arn, Context: tt.ctx})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Publish = %s (by %s), want %s", got, by, tt.want)
			}
		})
	}
}

// TestDashboard: the body is CloudWatch dashboard JSON whose graphs name
// the rows' metrics with their resources' dimensions.
func TestDashboard(t *testing.T) {
	rows := []monitoring.Row{{Title: "Service web", Metrics: []monitoring.Metric{
		{Namespace: "AWS/ApplicationELB", Name: "RequestCount", Dimensions: map[string]pulumi.StringInput{"LoadBalancer": pulumi.String("app/web/0123")}, Stat: "Sum"},
		{Namespace: "AWS/ECS", Name: "CPUUtilization", Dimensions: map[string]pulumi.StringInput{"ClusterName": pulumi.String("web"), "ServiceName": pulumi.String("web-svc")}, Stat: "Average"},
	}}}
	p, err := run(t, nil, rows...)
	if err != nil {
		t.Fatal(err)
	}
	dash := plantest.One(t, p, "aws:cloudwatch/dashboard:Dashboard")
	if dash.Inputs["dashboardName"] != "shop-prod" {
		t.Errorf("dashboard name = %v, want shop-prod", dash.Inputs["dashboardName"])
	}
	var body struct {
		Widgets []struct {
			Type       string
			Properties struct {
				Markdown string
				Region   string
				Metrics  [][]any
			}
		}
	}
	if err := json.Unmarshal([]byte(dash.Inputs["dashboardBody"].(string)), &body); err != nil {
		t.Fatalf("dashboard body does not parse: %v", err)
	}
	if len(body.Widgets) != 3 || body.Widgets[0].Type != "text" || !strings.Contains(body.Widgets[0].Properties.Markdown, "Service web") {
		t.Fatalf("widgets = %+v, want a title and two graphs", body.Widgets)
	}
	cpu := body.Widgets[2].Properties
	if cpu.Region != "us-east-1" || len(cpu.Metrics) != 1 || cpu.Metrics[0][0] != "AWS/ECS" || cpu.Metrics[0][3] != "web" || cpu.Metrics[0][5] != "web-svc" {
		t.Errorf("CPU graph = %+v, want AWS/ECS CPUUtilization of cluster web, service web-svc", cpu)
	}
}

func TestValidation(t *testing.T) {
	emails := make([]string, 11)
	for i := range emails {
		emails[i] = "a@example.com"
	}
	for _, tt := range []struct {
		args Args
		want string
	}{
		{Args{Emails: []string{"not an address"}}, `Emails[0] must be an e-mail address such as ops@example.com, got "not an address"`},
		{Args{Emails: emails}, "Emails must list at most 10 addresses, got 11"},
	} {
		p, err := run(t, &tt.args)
		plantest.ExpectProblems(t, p, err, tt.want, `alerting "alarms"`)
	}
}
