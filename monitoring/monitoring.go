// Package monitoring turns one list of metric definitions into both a
// component's CloudWatch alarms and its dashboard row, so the dashboard
// shows exactly what the alarms watch.
package monitoring

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sync"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/internal/problems"
)

// Metric is one CloudWatch metric of one resource.
type Metric struct {
	Namespace, Name string
	// Dimensions name the real resource (a load balancer's ARN suffix, a
	// cluster's identifier).
	Dimensions map[string]pulumi.StringInput
	// Stat is Sum, Average, Maximum, Minimum or a percentile such as p99.
	Stat string
}

// Alarm is one alarm on a metric, or on a percentage of two (Numerator
// over Of, both sums).
type Alarm struct {
	// Suffix ends the alarm's name: <component>-<Suffix>.
	Suffix      string
	Description string
	Metric      Metric
	// Of, when set, makes the alarm watch 100 × Metric / Of.
	Of *Metric
	// Comparison is a CloudWatch operator (GreaterThanThreshold, …).
	Comparison string
	Threshold  float64
	// Periods of PeriodSeconds must breach; Default: 3 of 60 s.
	Periods, PeriodSeconds int
	// MissingData is notBreaching (the metric is absent when all is well,
	// such as error counts) or breaching (absent means the resource is
	// gone, such as running tasks).
	MissingData string
	// Actions are further actions on alarm, beside the topic, such as
	// EC2's arn:aws:automate:<region>:ec2:recover. Default: none.
	Actions []pulumi.StringInput
}

// Row is a component's dashboard row: a title and the metrics it graphs,
// the alarms' metrics.
type Row struct {
	Title   string
	Metrics []Metric
}

// Create makes the alarms, named <name>-<suffix> (deterministic), each
// notifying topic when it is not nil; it returns the dashboard row of their
// metrics.
func Create(ctx *pulumi.Context, name, title string, alarms []Alarm, topic pulumi.StringInput, opts ...pulumi.ResourceOption) (Row, error) {
	row := Row{Title: title}
	for _, a := range alarms {
		periods, period := a.Periods, a.PeriodSeconds
		if periods == 0 {
			periods = 3
		}
		if period == 0 {
			period = 60
		}
		args := &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(name + "-" + a.Suffix),
			AlarmDescription:   pulumi.String(a.Description),
			ComparisonOperator: pulumi.String(a.Comparison),
			Threshold:          pulumi.Float64(a.Threshold),
			EvaluationPeriods:  pulumi.Int(periods),
			DatapointsToAlarm:  pulumi.Int(periods),
			TreatMissingData:   pulumi.String(a.MissingData),
		}
		if topic != nil {
			args.AlarmActions = pulumi.Array{topic}
			args.OkActions = pulumi.Array{topic}
		}
		if len(a.Actions) > 0 {
			actions := pulumi.Array{}
			if topic != nil {
				actions = append(actions, topic)
			}
			for _, act := range a.Actions {
				actions = append(actions, act)
			}
			args.AlarmActions = actions
		}
		if a.Of == nil {
			args.Namespace, args.MetricName = pulumi.String(a.Metric.Namespace), pulumi.String(a.Metric.Name)
			args.Dimensions = pulumi.StringMap(a.Metric.Dimensions)
			args.Period = pulumi.Int(period)
			if stat := a.Metric.Stat; len(stat) > 1 && stat[0] == 'p' {
				args.ExtendedStatistic = pulumi.String(stat)
			} else {
				args.Statistic = pulumi.String(stat)
			}
		} else {
			query := func(id string, m Metric) cloudwatch.MetricAlarmMetricQueryArgs {
				return cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(id), Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
					Namespace: pulumi.String(m.Namespace), MetricName: pulumi.String(m.Name), Dimensions: pulumi.StringMap(m.Dimensions),
					Period: pulumi.Int(period), Stat: pulumi.String("Sum"),
				}}
			}
			num, den := query("m1", a.Metric), query("m2", *a.Of)
			args.MetricQueries = cloudwatch.MetricAlarmMetricQueryArray{
				num, den,
				cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("e1"), Expression: pulumi.String("IF(m2 > 0, 100 * m1 / m2, 0)"),
					Label: pulumi.String(a.Suffix + " %"), ReturnData: pulumi.Bool(true)},
			}
		}
		if _, err := cloudwatch.NewMetricAlarm(ctx, name+"-"+a.Suffix, args, opts...); err != nil {
			return row, fmt.Errorf("alarm %s: %w", a.Suffix, err)
		}
		row.Metrics = append(row.Metrics, a.Metric)
		if a.Of != nil && !slices.ContainsFunc(row.Metrics, func(m Metric) bool { return m.Name == a.Of.Name && m.Namespace == a.Of.Namespace }) {
			row.Metrics = append(row.Metrics, *a.Of)
		}
	}
	return row, nil
}

// Body renders rows as a CloudWatch dashboard body: per row a text title
// and one graph per metric, in the Region.
func Body(region string, rows []Row) pulumi.StringOutput {
	var ins []any
	for _, r := range rows {
		for _, m := range r.Metrics {
			keys := sortedKeys(m.Dimensions)
			for _, k := range keys {
				ins = append(ins, m.Dimensions[k])
			}
		}
	}
	return pulumi.All(ins...).ApplyT(func(vals []any) (string, error) {
		type widget struct {
			Type       string         `json:"type"`
			X          int            `json:"x"`
			Y          int            `json:"y"`
			Width      int            `json:"width"`
			Height     int            `json:"height"`
			Properties map[string]any `json:"properties"`
		}
		var widgets []widget
		y, i := 0, 0
		for _, r := range rows {
			widgets = append(widgets, widget{Type: "text", X: 0, Y: y, Width: 24, Height: 1, Properties: map[string]any{"markdown": "## " + r.Title}})
			y++
			for n, m := range r.Metrics {
				metric := []any{m.Namespace, m.Name}
				for _, k := range sortedKeys(m.Dimensions) {
					metric = append(metric, k, vals[i])
					i++
				}
				metric = append(metric, map[string]any{"stat": m.Stat})
				widgets = append(widgets, widget{Type: "metric", X: (n % 4) * 6, Y: y + (n/4)*6, Width: 6, Height: 6, Properties: map[string]any{
					"title": m.Name, "region": region, "metrics": []any{metric}, "view": "timeSeries", "period": 60,
				}})
			}
			y += ((len(r.Metrics) + 3) / 4) * 6
		}
		b, err := json.Marshal(map[string]any{"widgets": widgets})
		return string(b), err
	}).(pulumi.StringOutput)
}

func sortedKeys(m map[string]pulumi.StringInput) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// topicARN is an SNS topic's ARN as AWS forms it, compiled on first use:
// its bounded repetition makes a program every command would otherwise
// build at start-up.
var topicARN = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
})

// CheckTopic reports a topic written in the program that is not an SNS
// topic ARN. A topic from another resource (an output) is checked by AWS.
func CheckTopic(p *problems.List, field problems.Path, topic pulumi.StringInput) {
	if lit, ok := topic.(pulumi.String); ok && !topicARN().MatchString(string(lit)) {
		p.Addf("%v must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got %q", field, string(lit))
	}
}
