package stacks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/strata-infra/strata/plan/plantest"
)

// TestAlarmsAndDashboard: each stack's alarms notify its one encrypted
// alarm topic, cover every component the issue names, and its one
// dashboard graphs only metrics the alarms watch, of resources the stack
// itself makes.
func TestAlarmsAndDashboard(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			p, err := planStack(t, stack, nil)
			if err != nil {
				t.Fatal(err)
			}
			topic, err := p.Find("aws:sns/topic:Topic", AlertingName)
			if err != nil {
				t.Fatal(err)
			}
			if k, _ := topic.Inputs["kmsMasterKeyId"].(string); !strings.HasPrefix(k, "arn:aws:kms:") {
				t.Errorf("alarm topic key = %v, want a customer-managed key's ARN", topic.Inputs["kmsMasterKeyId"])
			}
			if p.Outputs["alarmTopicArn"] != topic.Outputs["arn"] {
				t.Errorf("alarmTopicArn export = %v, want the topic's ARN %v", p.Outputs["alarmTopicArn"], topic.Outputs["arn"])
			}

			// known are the identifiers of the stack's own resources: IDs and
			// every string output (names, ARN suffixes).
			known := map[string]bool{}
			for _, r := range p.Resources {
				known[r.ID] = true
				for _, v := range r.Outputs {
					if s, ok := v.(string); ok {
						known[s] = true
					}
				}
			}
			// watched are the metrics the alarms watch, as namespace, name and
			// dimensions.
			watched := map[string]bool{}
			metric := func(ns, name any, dims map[string]any) string {
				keys := slices.Sorted(func(yield func(string) bool) {
					for k := range dims {
						if !yield(k) {
							return
						}
					}
				})
				s := fmt.Sprint(ns, " ", name)
				for _, k := range keys {
					s += fmt.Sprint(" ", k, "=", dims[k])
				}
				return s
			}
			alarms := p.ByType("aws:cloudwatch/metricAlarm:MetricAlarm")
			names := map[string]bool{}
			for _, a := range alarms {
				names[a.Name] = true
				if got, _ := a.Inputs["alarmActions"].([]any); len(got) == 0 || got[0] != topic.Outputs["arn"] ||
					(len(got) > 1 && !(len(got) == 2 && strings.HasPrefix(a.Name, NetworkName+"-nat-instance-") && strings.HasPrefix(fmt.Sprint(got[1]), "arn:aws:automate:"))) {
					t.Errorf("alarm %s actions %v, want the alarm topic (and an EC2 action on the NAT instance's)", a.Name, got)
				}
				if got, _ := a.Inputs["okActions"].([]any); len(got) != 1 || got[0] != topic.Outputs["arn"] {
					t.Errorf("alarm %s OK actions %v, want the alarm topic", a.Name, got)
				}
				if a.Inputs["treatMissingData"] == nil {
					t.Errorf("alarm %s does not say how to treat missing data", a.Name)
				}
				if dims, ok := a.Inputs["dimensions"].(map[string]any); ok {
					watched[metric(a.Inputs["namespace"], a.Inputs["metricName"], dims)] = true
				}
				queries, _ := a.Inputs["metricQueries"].([]any)
				for _, q := range queries {
					if m, ok := q.(map[string]any)["metric"].(map[string]any); ok {
						dims, _ := m["dimensions"].(map[string]any)
						watched[metric(m["namespace"], m["metricName"], dims)] = true
					}
				}
			}
			for _, want := range []string{AppName + "-lb-5xx", AppName + "-running-tasks", APIName + "-api-5xx", APIName + "-function-duration",
				DBName + "-acu", DBName + "-free-local-storage-1", map[string]string{"prod": NetworkName + "-nat-1-port-allocation", "dev": NetworkName + "-nat-instance-system-check"}[stack]} {
				if !names[want] {
					t.Errorf("no alarm %s", want)
				}
			}
			if wantLag := stack == "prod"; names[DBName+"-replica-lag"] != wantLag {
				t.Errorf("replica-lag alarm present = %v, want %v (prod has readers)", !wantLag, wantLag)
			}

			// Outside production the alarms notify without a dashboard.
			if stack != "prod" {
				if n := len(p.ByType("aws:cloudwatch/dashboard:Dashboard")); n != 0 {
					t.Errorf("%s has %d dashboards, want none outside production", stack, n)
				}
				return
			}
			dash := plantest.One(t, p, "aws:cloudwatch/dashboard:Dashboard")
			var body struct {
				Widgets []struct {
					Type       string
					Properties struct{ Metrics [][]any }
				}
			}
			if err := json.Unmarshal([]byte(dash.Inputs["dashboardBody"].(string)), &body); err != nil {
				t.Fatalf("dashboard body does not parse: %v", err)
			}
			graphs := 0
			for _, w := range body.Widgets {
				for _, m := range w.Properties.Metrics {
					graphs++
					dims := map[string]any{}
					for i := 2; i+1 < len(m); i += 2 {
						dims[fmt.Sprint(m[i])] = m[i+1]
						if s, _ := m[i+1].(string); !known[s] && s != "$default" && s != "GetItem" && s != "PutItem" {
							t.Errorf("dashboard graphs %v: %s=%v is no resource of the stack", m[:2], m[i], m[i+1])
						}
					}
					if key := metric(m[0], m[1], dims); !watched[key] {
						t.Errorf("dashboard graphs %s, which no alarm watches", key)
					}
				}
			}
			t.Logf("%d alarms, %d graphs", len(names), graphs)
			if graphs < len(names)/2 {
				t.Errorf("the dashboard has %d graphs for %d alarms", graphs, len(names))
			}
		})
	}
}
