package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	awsxec2 "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ec2"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/strata-infra/strata/components/network"
	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
	"github.com/strata-infra/strata/stacks"
)

var (
	plans   = map[string]*plan.Plan{}
	plansMu sync.Mutex
)

// stackPlan plans a checked-in stack once per test binary.
func stackPlan(t *testing.T, stack string) *plan.Plan {
	t.Helper()
	plansMu.Lock()
	defer plansMu.Unlock()
	if p, ok := plans[stack]; ok {
		return p
	}
	plans[stack] = plantest.PlanStack(t, "..", stack, stacks.Deploy)
	return plans[stack]
}

func TestCheckedInStacksHaveNoFindings(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		rep := Evaluate(stackPlan(t, stack), Options{Production: stack == "prod"})
		for _, f := range rep.Failures() {
			t.Errorf("%s: %s fails %s: %s", stack, f.URN, f.Check, f.Message)
		}
		suppressed := 0
		for _, r := range rep.Results {
			for _, f := range r.Findings {
				if f.Suppressed {
					suppressed++
					if f.Justification == "" {
						t.Errorf("%s: %s is suppressed without a justification", stack, f.Check)
					}
				}
				if f.Status == StatusUnknown {
					t.Errorf("%s: %s cannot decide %s: %s", stack, f.Check, f.URN, f.Message)
				}
			}
		}
		if suppressed == 0 {
			t.Errorf("%s: no finding is suppressed; the by-design ones must be listed, not dropped", stack)
		}
	}
}

func TestChecksAreWellFormed(t *testing.T) {
	checks := Checks()
	if len(checks) < 40 {
		t.Errorf("%d checks, want at least 40", len(checks))
	}
	seen := map[string]bool{}
	controls := map[string]bool{}
	for _, c := range checks {
		if seen[c.ID] {
			t.Errorf("check ID %s repeats", c.ID)
		}
		seen[c.ID] = true
		if !strings.HasPrefix(c.ID, "STRATA-") || c.Title == "" || c.Fix == "" || len(c.Controls) == 0 || len(c.Types) == 0 || c.eval == nil {
			t.Errorf("check %+v is incomplete", c)
		}
		if !slices.Contains([]Severity{Critical, High, Medium, Low}, c.Severity) {
			t.Errorf("check %s severity %q", c.ID, c.Severity)
		}
		for _, ctl := range c.Controls {
			controls[ctl] = true
		}
	}
	if len(controls) < 40 {
		t.Errorf("the checks map to %d controls, want at least 40", len(controls))
	}
}

// clone deep-copies a plan so a test can break it.
func clone(p *plan.Plan) *plan.Plan {
	q := *p
	q.Resources = make([]*plan.Resource, len(p.Resources))
	for i, r := range p.Resources {
		c := *r
		c.Inputs, _ = deep(r.Inputs).(map[string]any)
		c.Outputs, _ = deep(r.Outputs).(map[string]any)
		q.Resources[i] = &c
	}
	return &q
}

func deep(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deep(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deep(e)
		}
		return out
	}
	return v
}

// find returns a resource or fails.
func find(t *testing.T, p *plan.Plan, typ, name string) *plan.Resource {
	t.Helper()
	r, err := p.Find(typ, name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// set sets an input at a dotted path (a nil value deletes it).
func set(t *testing.T, r *plan.Resource, path string, v any) string {
	t.Helper()
	parts := strings.Split(path, ".")
	m := r.Inputs
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	if v == nil {
		delete(m, parts[len(parts)-1])
	} else {
		m[parts[len(parts)-1]] = v
	}
	return r.URN
}

// edit rewrites a JSON input (a policy or container definitions).
func edit[T any](t *testing.T, r *plan.Resource, key string, f func(*T)) string {
	t.Helper()
	var doc T
	raw := r.Inputs[key]
	if s, ok := raw.(plan.Secret); ok {
		raw = s.Reveal()
	}
	if err := json.Unmarshal([]byte(raw.(string)), &doc); err != nil {
		t.Fatal(err)
	}
	f(&doc)
	b, _ := json.Marshal(doc)
	r.Inputs[key] = string(b)
	return r.URN
}

type policyDoc struct {
	Version   string
	Statement []map[string]any
}

func addStatement(t *testing.T, r *plan.Resource, key string, st map[string]any) string {
	return edit(t, r, key, func(d *policyDoc) { d.Statement = append(d.Statement, st) })
}

// add puts a new resource into the plan.
func add(p *plan.Plan, typ, name string, inputs map[string]any) string {
	r := &plan.Resource{Type: typ, Name: name, URN: "urn:test::" + typ + "::" + name, Custom: true, Inputs: inputs, ID: name}
	p.Resources = append(p.Resources, r)
	return r.URN
}

func drop(p *plan.Plan, typ string) {
	p.Resources = slices.DeleteFunc(p.Resources, func(r *plan.Resource) bool { return r.Type == typ })
}

func container(t *testing.T, p *plan.Plan, f func(c map[string]any)) string {
	return edit(t, find(t, p, taskDefType, stacks.AppName), "containerDefinitions", func(cs *[]map[string]any) { f((*cs)[0]) })
}

func world(group string, port float64, ingress bool) map[string]any {
	return map[string]any{"securityGroupId": group, "cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": port, "toPort": port, "description": "test"}
}

// failingCases break one check each; they return the URN it must report.
var failingCases = map[string]func(t *testing.T, p *plan.Plan) string{
	"STRATA-VPC-001": func(t *testing.T, p *plan.Plan) string {
		drop(p, flowLogType)
		return find(t, p, awsxVpcType, stacks.NetworkName).URN
	},
	"STRATA-VPC-002": func(t *testing.T, p *plan.Plan) string {
		set(t, find(t, p, defaultSGType, "main-default"), "ingress", []any{map[string]any{"fromPort": 0.0}})
		return find(t, p, awsxVpcType, stacks.NetworkName).URN
	},
	"STRATA-VPC-003": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, subnetType, stacks.NetworkName+"-public-1"), "mapPublicIpOnLaunch", true)
	},
	"STRATA-VPC-004": func(t *testing.T, p *plan.Plan) string {
		priv := find(t, p, awsxVpcType, stacks.NetworkName).Outputs["privateSubnetIds"]
		return set(t, find(t, p, subnetGrpType, "main-db"), "subnetIds", priv)
	},
	"STRATA-SG-001": func(t *testing.T, p *plan.Plan) string {
		return add(p, ingressType, "ssh", world(find(t, p, sgType, stacks.AppName+"-tasks").ID, 22, true))
	},
	"STRATA-SG-002": func(t *testing.T, p *plan.Plan) string {
		return add(p, ingressType, "alt-https", world(find(t, p, sgType, stacks.AppName+"-alb").ID, 8443, true))
	},
	"STRATA-SG-003": func(t *testing.T, p *plan.Plan) string {
		return add(p, ingressType, "postgres", world(find(t, p, sgType, stacks.DBName).ID, 5432, true))
	},
	"STRATA-SG-004": func(t *testing.T, p *plan.Plan) string {
		return add(p, ingressType, "app-http", world(find(t, p, sgType, stacks.AppName+"-tasks").ID, 80, true))
	},
	"STRATA-SG-005": func(t *testing.T, p *plan.Plan) string {
		r := find(t, p, ingressType, stacks.DBName+"-from-"+stacks.AppName)
		set(t, r, "referencedSecurityGroupId", nil)
		return set(t, r, "cidrIpv4", "10.0.0.0/8")
	},
	"STRATA-SG-006": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, sgType, stacks.AppName+"-tasks"), "description", nil)
	},
	"STRATA-SG-007": func(t *testing.T, p *plan.Plan) string {
		return add(p, egressType, "all-out", map[string]any{"securityGroupId": "sg-x", "cidrIpv4": "0.0.0.0/0", "ipProtocol": "-1", "description": "test"})
	},
	"STRATA-SG-008": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, sgType, stacks.DBName), "ingress", []any{map[string]any{"fromPort": 5432.0}})
	},
	"STRATA-IAM-010": func(t *testing.T, p *plan.Plan) string {
		return add(p, attachmentType, "iam-full", map[string]any{"role": find(t, p, roleType, stacks.AppName+"-task").ID, "policyArn": "arn:aws:iam::aws:policy/IAMFullAccess"})
	},
	"STRATA-IAM-011": func(t *testing.T, p *plan.Plan) string {
		return addStatement(t, find(t, p, rolePolicyType, stacks.NetworkName+"-flow-logs"), "policy", map[string]any{
			"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:*"})
	},
	"STRATA-ALB-008": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, lbType, stacks.AppName), "accessLogs", nil)
	},
	"STRATA-S3-009": func(t *testing.T, p *plan.Plan) string {
		drop(p, loggingType)
		return find(t, p, bucketType, stacks.BucketName).URN
	},
	"STRATA-S3-010": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, bucketType, stacks.BucketName), "forceDestroy", true)
	},
	"STRATA-DDB-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, tableType, stacks.APIName), "pointInTimeRecovery.enabled", false)
	},
	"STRATA-DDB-002": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, tableType, stacks.APIName), "serverSideEncryption", nil)
	},
	"STRATA-DDB-003": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, tableType, stacks.APIName), "deletionProtectionEnabled", false)
	},
	"STRATA-SNS-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, topicType, stacks.BudgetName), "kmsMasterKeyId", nil)
	},
	"STRATA-SNS-002": func(t *testing.T, p *plan.Plan) string {
		edit(t, find(t, p, topicPolicyType, stacks.BudgetName), "policy", func(d *policyDoc) {
			d.Statement = slices.DeleteFunc(d.Statement, func(st map[string]any) bool { return st["Effect"] == "Deny" })
		})
		return find(t, p, topicType, stacks.BudgetName).URN
	},
	"STRATA-IAM-012": func(t *testing.T, p *plan.Plan) string {
		return edit(t, find(t, p, topicPolicyType, stacks.BudgetName), "policy", func(d *policyDoc) {
			for _, st := range d.Statement {
				delete(st, "Condition")
			}
		})
	},
	"STRATA-IAM-013": func(t *testing.T, p *plan.Plan) string {
		return add(p, roleType, "deploy", map[string]any{"assumeRolePolicy": `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`})
	},
	"STRATA-SEC-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, clusterType, stacks.DBName), "masterUserSecretKmsKeyId", nil)
	},
	"STRATA-LOG-003": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, logGroupType, stacks.AppName), "kmsKeyId", nil)
	},
	"STRATA-LMB-005": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, functionType, stacks.APIName), "vpcConfig", nil)
	},
	"STRATA-LMB-006": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, permissionType, stacks.APIName), "sourceArn", "arn:aws:execute-api:us-east-1:*:*/*/*")
	},
	"STRATA-ACC-006": func(t *testing.T, p *plan.Plan) string {
		return set(t, plantest.One(t, p, accountPABType), "restrictPublicBuckets", false)
	},
	"STRATA-ACC-007": func(t *testing.T, p *plan.Plan) string {
		drop(p, ebsDefaultType)
		return plantest.One(t, p, baselineType).URN
	},
	"STRATA-ACC-008": func(t *testing.T, p *plan.Plan) string {
		p.Resources = slices.DeleteFunc(p.Resources, func(r *plan.Resource) bool {
			return r.Type == featureType && r.Inputs["name"] == "RDS_LOGIN_EVENTS"
		})
		return plantest.One(t, p, detectorType).URN
	},
	"STRATA-PROT-001": func(t *testing.T, p *plan.Plan) string {
		r := find(t, p, clusterType, stacks.DBName)
		r.Protect = false
		return r.URN
	},
	"STRATA-MON-001": func(t *testing.T, p *plan.Plan) string {
		for _, a := range p.ByType(alarmType) {
			if strings.HasPrefix(a.Name, stacks.DBName+"-") {
				set(t, a, "alarmActions", nil)
			}
		}
		return find(t, p, clusterType, stacks.DBName).URN
	},
	"STRATA-IAM-001": func(t *testing.T, p *plan.Plan) string {
		return addStatement(t, find(t, p, rolePolicyType, "web-execution"), "policy", map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"})
	},
	"STRATA-IAM-002": func(t *testing.T, p *plan.Plan) string {
		return addStatement(t, find(t, p, rolePolicyType, "web-execution"), "policy", map[string]any{"Effect": "Allow", "Action": []any{"s3:*"}, "Resource": []any{"arn:aws:s3:::x"}})
	},
	"STRATA-IAM-003": func(t *testing.T, p *plan.Plan) string {
		return addStatement(t, find(t, p, rolePolicyType, "web-execution"), "policy", map[string]any{"Effect": "Allow", "Action": []any{"s3:GetObject"}, "Resource": "*"})
	},
	"STRATA-IAM-004": func(t *testing.T, p *plan.Plan) string {
		return add(p, attachmentType, "admin", map[string]any{"role": "x", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
	},
	"STRATA-IAM-005": func(t *testing.T, p *plan.Plan) string {
		return edit(t, find(t, p, roleType, "web-task"), "assumeRolePolicy", func(d *policyDoc) { delete(d.Statement[0], "Condition") })
	},
	"STRATA-IAM-006": func(t *testing.T, p *plan.Plan) string {
		return add(p, roleType, "partner", map[string]any{"assumeRolePolicy": `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}]}`})
	},
	"STRATA-IAM-007": func(t *testing.T, p *plan.Plan) string {
		r := find(t, p, taskDefType, stacks.AppName)
		return set(t, r, "taskRoleArn", r.Inputs["executionRoleArn"])
	},
	"STRATA-IAM-008": func(t *testing.T, p *plan.Plan) string {
		role := find(t, p, roleType, "web-task")
		add(p, attachmentType, "web-task-managed", map[string]any{"role": role.ID, "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
		return role.URN
	},
	"STRATA-IAM-009": func(t *testing.T, p *plan.Plan) string {
		return addStatement(t, find(t, p, rolePolicyType, "web-execution"), "policy", map[string]any{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
	},
	"STRATA-IAM-014": func(t *testing.T, p *plan.Plan) string {
		// The execution role reading every secret of the account.
		return addStatement(t, find(t, p, rolePolicyType, "web-execution"), "policy", map[string]any{"Effect": "Allow",
			"Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:*"})
	},
	"STRATA-IAM-015": func(t *testing.T, p *plan.Plan) string {
		// kms:ViaService matched by a wildcard.
		return edit(t, find(t, p, rolePolicyType, "web-execution"), "policy", func(d *policyDoc) {
			for _, st := range d.Statement {
				if st["Sid"] == "DecryptSecrets" {
					st["Condition"] = map[string]any{"StringLike": map[string]any{"kms:ViaService": "*.amazonaws.com"}}
				}
			}
		})
	},
	"STRATA-EC2-001": func(t *testing.T, p *plan.Plan) string {
		return add(p, ec2InstanceType, "bastion", map[string]any{"instanceType": "t4g.nano", "rootBlockDevice": map[string]any{"encrypted": true}})
	},
	"STRATA-EC2-002": func(t *testing.T, p *plan.Plan) string {
		drop(p, ebsDefaultType)
		return add(p, ec2InstanceType, "bastion", map[string]any{"instanceType": "t4g.nano",
			"metadataOptions": map[string]any{"httpTokens": "required"}, "rootBlockDevice": map[string]any{"encrypted": false}})
	},
	"STRATA-EC2-003": func(t *testing.T, p *plan.Plan) string {
		// A NAT instance in the load balancer's group, which admits the world.
		return add(p, ec2InstanceType, "nat", map[string]any{"instanceType": "t4g.nano", "sourceDestCheck": false,
			"vpcSecurityGroupIds": []any{find(t, p, sgType, stacks.AppName+"-alb").ID},
			"metadataOptions":     map[string]any{"httpTokens": "required"}, "rootBlockDevice": map[string]any{"encrypted": true}})
	},
	"STRATA-EC2-004": func(t *testing.T, p *plan.Plan) string {
		// A hardened NAT instance, in production.
		inst := add(p, ec2InstanceType, "nat", map[string]any{"instanceType": "t4g.nano", "sourceDestCheck": false,
			"metadataOptions": map[string]any{"httpTokens": "required"}, "rootBlockDevice": map[string]any{"encrypted": true}})
		id := p.Resources[len(p.Resources)-1].ID
		add(p, alarmType, "nat-recover", map[string]any{"metricName": "StatusCheckFailed_System", "dimensions": map[string]any{"InstanceId": id},
			"alarmActions": []any{"arn:aws:automate:us-east-1:ec2:recover"}})
		return inst
	},
	"STRATA-EC2-005": func(t *testing.T, p *plan.Plan) string {
		// A NAT instance whose only alarm notifies, and never recovers it.
		inst := add(p, ec2InstanceType, "nat", map[string]any{"instanceType": "t4g.nano", "sourceDestCheck": false,
			"metadataOptions": map[string]any{"httpTokens": "required"}, "rootBlockDevice": map[string]any{"encrypted": true}})
		id := p.Resources[len(p.Resources)-1].ID
		add(p, alarmType, "nat-notify", map[string]any{"metricName": "StatusCheckFailed_System", "dimensions": map[string]any{"InstanceId": id},
			"alarmActions": []any{"arn:aws:sns:us-east-1:123456789012:alarms"}})
		return inst
	},
	"STRATA-SG-009": func(t *testing.T, p *plan.Plan) string {
		// A consumer's egress to 0.0.0.0/0 on the database port.
		r := world(find(t, p, sgType, stacks.AppName+"-tasks").ID, 5432, false)
		return add(p, egressType, "db-anywhere", r)
	},
	"STRATA-S3-012": func(t *testing.T, p *plan.Plan) string {
		// The load balancer's logs sent to the data bucket, which is SSE-KMS.
		r := find(t, p, lbType, stacks.AppName)
		data := find(t, p, bucketType, stacks.BucketName)
		return set(t, r, "accessLogs", map[string]any{"enabled": true, "bucket": data.ID})
	},
	"STRATA-S3-011": func(t *testing.T, p *plan.Plan) string {
		// The ELB log account allowed to write anywhere in the log bucket.
		return edit(t, find(t, p, bucketPolType, "access-logs"), "policy", func(d *policyDoc) {
			for _, st := range d.Statement {
				if st["Sid"] == "ELBAccessLogsRegionalAccount" {
					st["Resource"] = "arn:aws:s3:::strata-access-logs-prod-123456789012/*"
				}
			}
		})
	},
	"STRATA-ALB-001": func(t *testing.T, p *plan.Plan) string {
		r := find(t, p, listenerType, "web-http")
		return set(t, r, "defaultActions", []any{map[string]any{"type": "forward", "targetGroupArn": "x"}})
	},
	"STRATA-ALB-002": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, listenerType, "web-https"), "sslPolicy", "ELBSecurityPolicy-2016-08")
	},
	"STRATA-ALB-003": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, lbType, stacks.AppName), "dropInvalidHeaderFields", false)
	},
	"STRATA-ALB-004": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, lbType, stacks.AppName), "enableDeletionProtection", false)
	},
	"STRATA-ALB-005": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, lbType, stacks.AppName), "desyncMitigationMode", "monitor")
	},
	"STRATA-ALB-006": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, lbType, stacks.AppName), "subnets", []any{"subnet-1"})
	},
	"STRATA-ALB-007": func(t *testing.T, p *plan.Plan) string {
		add(p, ingressType, "alb-admin", world(find(t, p, sgType, stacks.AppName+"-alb").ID, 8080, true))
		return find(t, p, lbType, stacks.AppName).URN
	},
	"STRATA-ECS-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, ecsServiceType, stacks.AppName), "networkConfiguration.assignPublicIp", true)
	},
	"STRATA-ECS-002": func(t *testing.T, p *plan.Plan) string {
		return container(t, p, func(c map[string]any) { c["privileged"] = true })
	},
	"STRATA-ECS-003": func(t *testing.T, p *plan.Plan) string {
		return container(t, p, func(c map[string]any) { c["readonlyRootFilesystem"] = false })
	},
	"STRATA-ECS-004": func(t *testing.T, p *plan.Plan) string {
		return container(t, p, func(c map[string]any) {
			c["environment"] = append(c["environment"].([]any), map[string]any{"name": "DB_PASSWORD", "value": "hunter2"})
		})
	},
	"STRATA-ECS-005": func(t *testing.T, p *plan.Plan) string {
		return container(t, p, func(c map[string]any) { delete(c, "logConfiguration") })
	},
	"STRATA-ECS-006": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, ecsServiceType, stacks.AppName), "platformVersion", "1.3.0")
	},
	"STRATA-ECS-007": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, ecsClusterType, stacks.AppName), "settings", []any{})
	},
	"STRATA-ECS-008": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, taskDefType, stacks.AppName), "networkMode", "bridge")
	},
	"STRATA-LMB-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, permissionType, stacks.APIName), "sourceArn", nil)
	},
	"STRATA-LMB-002": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, functionType, stacks.APIName), "runtime", "nodejs16.x")
	},
	"STRATA-LMB-003": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, functionType, stacks.APIName), "tracingConfig.mode", "PassThrough")
	},
	"STRATA-LMB-004": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, functionType, stacks.APIName), "vpcConfig.subnetIds", []any{"subnet-1"})
	},
	"STRATA-API-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, stageType, stacks.APIName), "accessLogSettings", nil)
	},
	"STRATA-API-002": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, stageType, stacks.APIName), "defaultRouteSettings.throttlingBurstLimit", 0.0)
	},
	"STRATA-API-003": func(t *testing.T, p *plan.Plan) string {
		set(t, find(t, p, stageType, stacks.APIName), "accessLogSettings", nil) // no longer compensated
		return find(t, p, routeType, stacks.APIName+"-default").URN
	},
	"STRATA-RDS-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, clusterType, stacks.DBName), "storageEncrypted", false)
	},
	"STRATA-RDS-002": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, instanceType, stacks.DBName+"-1"), "publiclyAccessible", true)
	},
	"STRATA-RDS-003": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, clusterType, stacks.DBName), "deletionProtection", false)
	},
	"STRATA-RDS-004": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, clusterType, stacks.DBName), "backupRetentionPeriod", 1.0)
	},
	"STRATA-RDS-005": func(t *testing.T, p *plan.Plan) string {
		set(t, find(t, p, paramGroupType, stacks.DBName), "parameters", []any{map[string]any{"name": "rds.force_ssl", "value": "0"}})
		return find(t, p, clusterType, stacks.DBName).URN
	},
	"STRATA-RDS-006": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, clusterType, stacks.DBName), "enabledCloudwatchLogsExports", []any{})
	},
	"STRATA-RDS-007": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, clusterType, stacks.DBName), "iamDatabaseAuthenticationEnabled", false)
	},
	"STRATA-RDS-008": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, clusterType, stacks.DBName), "masterPassword", plan.Secret{})
	},
	"STRATA-RDS-009": func(t *testing.T, p *plan.Plan) string {
		p.Resources = slices.DeleteFunc(p.Resources, func(r *plan.Resource) bool { return r.Type == instanceType && r.Name == stacks.DBName+"-2" })
		return find(t, p, clusterType, stacks.DBName).URN
	},
	"STRATA-RDS-010": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, clusterType, stacks.DBName), "masterUsername", "postgres")
	},
	"STRATA-RDS-011": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, instanceType, stacks.DBName+"-1"), "performanceInsightsEnabled", false)
	},
	"STRATA-RDS-012": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, clusterType, stacks.DBName), "copyTagsToSnapshot", false)
	},
	"STRATA-KMS-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, keyType, stacks.BucketName), "enableKeyRotation", false)
	},
	"STRATA-KMS-002": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, keyType, stacks.BucketName), "deletionWindowInDays", 7.0)
	},
	"STRATA-KMS-003": func(t *testing.T, p *plan.Plan) string {
		return addStatement(t, find(t, p, keyType, stacks.BucketName), "policy", map[string]any{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"})
	},
	"STRATA-KMS-004": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, keyType, stacks.BucketName), "description", nil)
	},
	"STRATA-S3-001": func(t *testing.T, p *plan.Plan) string {
		set(t, find(t, p, pabType, stacks.BucketName), "restrictPublicBuckets", false)
		return find(t, p, bucketType, stacks.BucketName).URN
	},
	"STRATA-S3-002": func(t *testing.T, p *plan.Plan) string {
		edit(t, find(t, p, bucketPolType, stacks.BucketName), "policy", func(d *policyDoc) {
			d.Statement = slices.DeleteFunc(d.Statement, func(st map[string]any) bool { return st["Sid"] == "DenyInsecureTransport" })
		})
		return find(t, p, bucketType, stacks.BucketName).URN
	},
	"STRATA-S3-003": func(t *testing.T, p *plan.Plan) string {
		set(t, find(t, p, sseType, stacks.BucketName), "rules", []any{map[string]any{"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "AES256"}}})
		return find(t, p, bucketType, stacks.BucketName).URN
	},
	"STRATA-S3-004": func(t *testing.T, p *plan.Plan) string {
		set(t, find(t, p, versioningType, stacks.BucketName), "versioningConfiguration.status", "Suspended")
		return find(t, p, bucketType, stacks.BucketName).URN
	},
	"STRATA-S3-005": func(t *testing.T, p *plan.Plan) string {
		r := find(t, p, lifecycleType, stacks.BucketName)
		set(t, r, "rules", r.Inputs["rules"].([]any)[1:])
		return find(t, p, bucketType, stacks.BucketName).URN
	},
	"STRATA-S3-006": func(t *testing.T, p *plan.Plan) string {
		set(t, find(t, p, ownershipType, stacks.BucketName), "rule.objectOwnership", "ObjectWriter")
		return find(t, p, bucketType, stacks.BucketName).URN
	},
	"STRATA-S3-007": func(t *testing.T, p *plan.Plan) string {
		return addStatement(t, find(t, p, bucketPolType, stacks.BucketName), "policy", map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"})
	},
	"STRATA-S3-008": func(t *testing.T, p *plan.Plan) string {
		// The deny as it stood before: a negated IfExists operator holds
		// when the header is absent.
		addStatement(t, find(t, p, bucketPolType, stacks.BucketName), "policy", map[string]any{
			"Sid": "DenyOtherEncryption", "Effect": "Deny", "Principal": map[string]any{"AWS": "*"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::*/*",
			"Condition": map[string]any{"StringNotEqualsIfExists": map[string]any{"s3:x-amz-server-side-encryption": "aws:kms"}},
		})
		return find(t, p, bucketType, stacks.BucketName).URN
	},
	"STRATA-LOG-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, logGroupType, stacks.AppName), "retentionInDays", nil)
	},
	"STRATA-LOG-002": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, logGroupType, stacks.AppName), "retentionInDays", 30.0)
	},
	"STRATA-ACC-001": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, trailType, stacks.BaselineName), "isMultiRegionTrail", false)
	},
	"STRATA-ACC-002": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, trailType, stacks.BaselineName), "kmsKeyId", nil)
	},
	"STRATA-ACC-003": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, trailType, stacks.BaselineName), "cloudWatchLogsRoleArn", nil)
	},
	"STRATA-ACC-004": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, detectorType, stacks.BaselineName), "enable", false)
	},
	"STRATA-ACC-005": func(t *testing.T, p *plan.Plan) string {
		return set(t, find(t, p, recorderType, stacks.BaselineName), "recordingGroup.includeGlobalResourceTypes", false)
	},
	"STRATA-TAG-001": func(t *testing.T, p *plan.Plan) string {
		for _, prov := range p.ByType("pulumi:providers:aws") {
			set(t, prov, "defaultTags.tags.Owner", nil)
		}
		return find(t, p, bucketType, stacks.BucketName).URN
	},
}

func TestEveryCheckHasAFailingCase(t *testing.T) {
	base := stackPlan(t, "prod")
	opts := Options{Production: true}
	for _, c := range Checks() {
		t.Run(c.ID, func(t *testing.T) {
			breakIt, ok := failingCases[c.ID]
			if !ok {
				t.Fatalf("check %s has no failing case", c.ID)
			}
			if fails := EvaluateChecks(base, opts, c).Failures(); len(fails) > 0 {
				t.Fatalf("%s fails the unbroken prod plan: %+v", c.ID, fails[0])
			}
			broken := clone(base)
			urn := breakIt(t, broken)
			fails := EvaluateChecks(broken, opts, c).Failures()
			for _, f := range fails {
				if f.URN == urn && f.Check == c.ID {
					if f.Message == "" {
						t.Errorf("%s reports %s without a message", c.ID, urn)
					}
					return
				}
			}
			t.Errorf("%s does not report %s; it reports %+v", c.ID, urn, fails)
		})
	}
	for id := range failingCases {
		if Lookup(id) == nil {
			t.Errorf("failing case for unknown check %s", id)
		}
	}
}

func TestUnknownValuesAreUndecided(t *testing.T) {
	p := clone(stackPlan(t, "prod"))
	set(t, find(t, p, lbType, stacks.AppName), "subnets", plan.Unknown{})
	rep := EvaluateChecks(p, Options{}, Lookup("STRATA-ALB-006"))
	if len(rep.Failures()) != 0 || len(rep.Results[0].Findings) != 1 || rep.Results[0].Findings[0].Status != StatusUnknown {
		t.Fatalf("an unknown value gave %+v, want one undecided finding", rep.Results[0])
	}
	if rep.Results[0].Outcome() != "unknown" || !strings.Contains(rep.Results[0].Findings[0].Message, "not known until deploy") {
		t.Errorf("outcome %s, finding %+v", rep.Results[0].Outcome(), rep.Results[0].Findings[0])
	}
}

func TestSuppressionsDependOnThePlan(t *testing.T) {
	// In prod, a plain-HTTP listener is not excused, even by a suppression
	// tag: ALB-001's suppression needs a non-production stack.
	p := clone(stackPlan(t, "prod"))
	l := find(t, p, listenerType, "web-http")
	set(t, l, "defaultActions", []any{map[string]any{"type": "forward"}})
	set(t, l, "tags.strata:suppress:STRATA-ALB-001", "plain HTTP on purpose")
	fails := EvaluateChecks(p, Options{Production: true}, Lookup("STRATA-ALB-001")).Failures()
	if len(fails) != 1 || !strings.Contains(fails[0].Message, "not honoured") {
		t.Errorf("prod plain HTTP with a suppression tag gave %+v, want 1 failure saying the suppression is not honoured", fails)
	}
	// A warning tag, free text, suppresses nothing.
	set(t, l, "tags", map[string]any{"strata:warning": "plain HTTP, on purpose, suppress STRATA-ALB-001"})
	if fails := EvaluateChecks(p, Options{}, Lookup("STRATA-ALB-001")).Failures(); len(fails) != 1 {
		t.Errorf("a free-text tag suppressed ALB-001: %d failures, want 1", len(fails))
	}
	// The dev stack's plain HTTP is suppressed by its listener's tag, with
	// the reason and the evidence.
	dev := Evaluate(stackPlan(t, "dev"), Options{})
	for _, r := range dev.Results {
		if r.Check.ID == "STRATA-ALB-001" {
			if len(r.Findings) != 1 || !r.Findings[0].Suppressed || !strings.Contains(r.Findings[0].Justification, "verified: the stack is not production") ||
				!strings.Contains(r.Findings[0].SuppressedBy, "tag strata:suppress:STRATA-ALB-001 on aws:lb/listener:Listener") {
				t.Errorf("dev ALB-001 = %+v, want a suppressed finding with its reason, evidence and source", r.Findings)
			}
		}
	}
}

// TestSuppressionsFile: entries of strata-suppressions.yaml suppress the
// finding they name, with their reason and line; a bad entry is refused
// naming its line; an entry that matches nothing is listed as unused.
func TestSuppressionsFile(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/" + SuppressionsFile
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("- check: STRATA-SG-003\n  resource: postgres\n  reason: the office reaches the database during the migration week\n" +
		"- check: STRATA-S3-004\n  resource: aws:s3/bucketV2:BucketV2 nothing\n  reason: a bucket that does not exist any more\n")
	sup, err := ReadSuppressions(path)
	if err != nil || len(sup) != 2 {
		t.Fatalf("ReadSuppressions = %v, %v", sup, err)
	}
	p := clone(stackPlan(t, "prod"))
	failingCases["STRATA-SG-003"](t, p)
	rep := EvaluateChecks(p, Options{Production: true, Suppressions: sup}, Lookup("STRATA-SG-003"), Lookup("STRATA-S3-004"))
	if len(rep.Failures()) != 0 {
		t.Errorf("the suppressed finding still fails: %+v", rep.Failures())
	}
	f := rep.Results[0].Findings[0]
	if !f.Suppressed || f.SuppressedBy != path+":1" || !strings.Contains(f.Justification, "migration week") {
		t.Errorf("finding = %+v, want it suppressed by %s:1 with the reason", f, path)
	}
	if len(rep.Unused) != 1 || rep.Unused[0].Source != path+":4" {
		t.Errorf("unused = %+v, want the entry on line 4", rep.Unused)
	}
	for entry, want := range map[string]string{
		"- check: STRATA-NOPE-1\n  resource: x\n  reason: because it is fine really\n": "does not exist",
		"- check: STRATA-SG-003\n  resource: x\n  reason: ok\n":                        "needs a reason",
		"- check: STRATA-SG-003\n  reason: because it is fine really\n":                "names no resource",
		"check: STRATA-SG-003\n": "want a list",
	} {
		write(entry)
		if _, err := ReadSuppressions(path); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path+":") {
			t.Errorf("ReadSuppressions(%q) error = %v, want %q with the line", entry, err, want)
		}
	}
}

func TestSARIFValidates(t *testing.T) {
	compiler := jsonschema.NewCompiler()
	compiler.Draft = jsonschema.Draft4
	f, err := os.Open("testdata/sarif-2.1.0-rtm.5.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const id = "https://raw.githubusercontent.com/schemastore/schemastore/master/src/schemas/json/sarif-2.1.0-rtm.5.json"
	if err := compiler.AddResource(id, f); err != nil {
		t.Fatal(err)
	}
	schema, err := compiler.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	broken := clone(stackPlan(t, "prod"))
	failingCases["STRATA-SG-003"](t, broken)
	set(t, find(t, broken, lbType, stacks.AppName), "subnets", plan.Unknown{})
	for name, rep := range map[string]Report{
		"prod":   Evaluate(stackPlan(t, "prod"), Options{Production: true}),
		"broken": Evaluate(broken, Options{Production: true}),
	} {
		var buf bytes.Buffer
		if err := rep.SARIF(&buf); err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s SARIF does not validate: %v", name, err)
		}
		var log struct {
			Runs []struct {
				Tool struct {
					Driver struct{ Rules []struct{ ID string } }
				}
				Results []struct {
					RuleID, Kind, Level string
					Suppressions        []struct{ Justification string }
				}
			}
		}
		_ = json.Unmarshal(buf.Bytes(), &log)
		if got := len(log.Runs[0].Tool.Driver.Rules); got != len(Checks()) {
			t.Errorf("%s SARIF has %d rules, want one per check", name, got)
		}
		var failing, suppressed, review int
		for _, r := range log.Runs[0].Results {
			switch {
			case len(r.Suppressions) > 0:
				suppressed++
			case r.Kind == "review":
				review++
			default:
				failing++
			}
		}
		if suppressed == 0 || (name == "broken") != (failing > 0 && review > 0) {
			t.Errorf("%s SARIF results: %d failing, %d suppressed, %d to review", name, failing, suppressed, review)
		}
	}
}

func TestREADMEListsEveryCheck(t *testing.T) {
	readme, err := os.ReadFile("../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Checks() {
		if !strings.Contains(string(readme), "`"+c.ID+"` | "+c.Title+" |") {
			t.Errorf("docs/checks.md's table of checks lacks %s (%s)", c.ID, c.Title)
		}
	}
}

func BenchmarkCheckProd(b *testing.B) {
	opts, err := plan.StackOptions("..", "prod")
	if err != nil {
		b.Fatal(err)
	}
	p, err := plan.Run(stacks.Deploy, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if rep := Evaluate(p, Options{Production: true}); len(rep.Failures()) != 0 {
			b.Fatal("prod has findings")
		}
	}
}

// TestEscalationPaths: an inline policy that writes role policies fails
// STRATA-IAM-010; the deploy role's admin-equivalent policy is suppressed
// only when granted on purpose; PowerUserAccess with the boundary's
// role-management policy passes.
func TestEscalationPaths(t *testing.T) {
	check := Lookup("STRATA-IAM-010")
	inline := clone(stackPlan(t, "prod"))
	urn := addStatement(t, find(t, inline, rolePolicyType, stacks.AppName+"-task-0"), "policy",
		map[string]any{"Effect": "Allow", "Action": []any{"iam:PutRolePolicy"}, "Resource": "*"})
	if fails := EvaluateChecks(inline, Options{Production: true}, check).Failures(); len(fails) != 1 || fails[0].URN != urn {
		t.Errorf("an inline iam:PutRolePolicy: failures = %+v, want one for %s", fails, urn)
	}

	deployRole := func(policies string, optIn bool) *plan.Plan {
		t.Helper()
		opts, err := plan.StackOptions("..", "prod")
		if err != nil {
			t.Fatal(err)
		}
		opts.Config["strata:permissionsBoundary"] = "arn:aws:iam::123456789012:policy/strata-workload-boundary"
		opts.Config["strata:deployExternalId"] = "ci-deploy-7f3a"
		opts.SecretKeys = append(opts.SecretKeys, "strata:deployExternalId")
		opts.Config["strata:baseline"] = fmt.Sprintf(`{"deployRole":{"trustedPrincipal":"210987654321","managedPolicyArns":%s,"allowAdministratorAccess":%v}}`, policies, optIn)
		p, err := plan.Run(stacks.Deploy, opts)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	powerUser := EvaluateChecks(deployRole(`["arn:aws:iam::aws:policy/PowerUserAccess"]`, false), Options{Production: true}, check)
	if n := len(powerUser.Results[0].Findings); n != 0 || powerUser.Results[0].Inspected == 0 {
		t.Errorf("PowerUserAccess with the boundary policy: %d findings over %d resources, want none over some", n, powerUser.Results[0].Inspected)
	}
	onPurpose := EvaluateChecks(deployRole(`["arn:aws:iam::aws:policy/PowerUserAccess","arn:aws:iam::aws:policy/IAMFullAccess"]`, true), Options{Production: true}, check)
	findings := onPurpose.Results[0].Findings
	if len(findings) != 1 || !findings[0].Suppressed || !strings.Contains(findings[0].Message, "IAMFullAccess") {
		t.Errorf("IAMFullAccess granted on purpose: findings = %+v, want one, suppressed", findings)
	}
}

// TestPublicIPsOnLaunchFromTransforms: STRATA-VPC-003 reads the subnets
// awsx would create, transforms applied: without the Network's transform,
// or with one that turns public IPs on, the public subnets fail.
func TestPublicIPsOnLaunchFromTransforms(t *testing.T) {
	check := Lookup("STRATA-VPC-003")
	on := func(_ context.Context, a *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
		if a.Type == "aws:ec2/subnet:Subnet" {
			a.Props["mapPublicIpOnLaunch"] = pulumi.Bool(true)
			return &pulumi.ResourceTransformResult{Props: a.Props, Opts: a.Opts}
		}
		return nil
	}
	for _, tt := range []struct {
		name       string
		transforms []pulumi.ResourceTransform
		fails      int
	}{
		{"with network.NoPublicIPOnLaunch", []pulumi.ResourceTransform{network.NoPublicIPOnLaunch}, 0},
		{"without a transform", nil, 2},
		{"with a transform that turns public IPs on", []pulumi.ResourceTransform{on}, 6},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := plan.Run(func(ctx *pulumi.Context) error {
				strategy := awsxec2.SubnetAllocationStrategyAuto
				_, err := awsxec2.NewVpc(ctx, "v", &awsxec2.VpcArgs{
					CidrBlock: pulumi.StringRef("10.0.0.0/16"), AvailabilityZoneNames: []string{"us-east-1a", "us-east-1b"}, SubnetStrategy: &strategy,
					SubnetSpecs: []awsxec2.SubnetSpecArgs{
						{Type: awsxec2.SubnetTypePublic, CidrBlocks: []string{"10.0.0.0/20", "10.0.16.0/20"}},
						{Type: awsxec2.SubnetTypePrivate, CidrBlocks: []string{"10.0.32.0/20", "10.0.48.0/20"}},
						{Type: awsxec2.SubnetTypeIsolated, CidrBlocks: []string{"10.0.64.0/20", "10.0.80.0/20"}},
					},
					NatGateways: &awsxec2.NatGatewayConfigurationArgs{Strategy: awsxec2.NatGatewayStrategySingle},
				}, pulumi.Transforms(tt.transforms))
				return err
			}, plan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(EvaluateChecks(p, Options{}, check).Failures()); got != tt.fails {
				t.Errorf("%d subnets fail STRATA-VPC-003, want %d", got, tt.fails)
			}
		})
	}
}

// TestCostTagsReachAWSXChildren: STRATA-TAG-001 inspects what awsx creates
// too: a NAT gateway whose provider carries no tags fails it.
func TestCostTagsReachAWSXChildren(t *testing.T) {
	p := clone(stackPlan(t, "prod"))
	nat := find(t, p, "aws:ec2/natGateway:NatGateway", stacks.NetworkName+"-1")
	if nat.SynthesizedBy == "" {
		t.Fatal("the NAT gateway is not marked synthesized")
	}
	nat.Provider = ""
	fails := EvaluateChecks(p, Options{Production: true}, Lookup("STRATA-TAG-001")).Failures()
	if len(fails) != 1 || fails[0].URN != nat.URN {
		t.Errorf("failures = %+v, want the NAT gateway's", fails)
	}
}

// TestEveryWeakeningIsReported: each weakening of a secure default the
// issue measured (one at a time, on the prod plan) is reported by strata
// check, by the check named.
func TestEveryWeakeningIsReported(t *testing.T) {
	withoutStatement := func(typ, name, sid string) func(t *testing.T, p *plan.Plan) {
		return func(t *testing.T, p *plan.Plan) {
			edit(t, find(t, p, typ, name), "policy", func(d *policyDoc) {
				d.Statement = slices.DeleteFunc(d.Statement, func(st map[string]any) bool { return st["Sid"] == sid })
			})
		}
	}
	for _, tt := range []struct {
		name   string
		check  string
		weaken func(t *testing.T, p *plan.Plan)
	}{
		{"PITR off", "STRATA-DDB-001", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-DDB-001"](t, p) }},
		{"the table under an AWS-owned key", "STRATA-DDB-002", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-DDB-002"](t, p) }},
		{"table deletion protection off", "STRATA-DDB-003", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-DDB-003"](t, p) }},
		{"the data bucket's forceDestroy on", "STRATA-S3-010", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-S3-010"](t, p) }},
		{"the prod protect option removed", "STRATA-PROT-001", func(t *testing.T, p *plan.Plan) {
			for _, r := range p.Resources {
				r.Protect = false
			}
		}},
		{"the budget topic unencrypted", "STRATA-SNS-001", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-SNS-001"](t, p) }},
		{"the topic's TLS deny removed", "STRATA-SNS-002", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-SNS-002"](t, p) }},
		{"the topic's aws:SourceAccount removed", "STRATA-IAM-012", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-IAM-012"](t, p) }},
		{"Config delivery without aws:SourceAccount", "STRATA-IAM-012", func(t *testing.T, p *plan.Plan) {
			edit(t, find(t, p, bucketPolType, stacks.BaselineName+"-logs"), "policy", func(d *policyDoc) {
				for _, st := range d.Statement {
					if strings.HasPrefix(fmt.Sprint(st["Sid"]), "Config") {
						delete(st, "Condition")
					}
				}
			})
		}},
		{"the deploy role's external ID removed", "STRATA-IAM-013", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-IAM-013"](t, p) }},
		{"the RDS secret under the AWS managed key", "STRATA-SEC-001", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-SEC-001"](t, p) }},
		{"the database's log group unencrypted", "STRATA-LOG-003", func(t *testing.T, p *plan.Plan) {
			set(t, find(t, p, logGroupType, stacks.DBName), "kmsKeyId", nil)
		}},
		{"the function out of the VPC", "STRATA-LMB-005", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-LMB-005"](t, p) }},
		{"SourceArn widened to any API of any account", "STRATA-LMB-006", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-LMB-006"](t, p) }},
		{"the bucket's TLS 1.2 deny removed", "STRATA-S3-002", withoutStatement(bucketPolType, stacks.BucketName, "DenyOutdatedTLS")},
		{"the no-TLS deny narrowed to one principal", "STRATA-S3-002", func(t *testing.T, p *plan.Plan) {
			edit(t, find(t, p, bucketPolType, stacks.BucketName), "policy", func(d *policyDoc) {
				for _, st := range d.Statement {
					if st["Sid"] == "DenyInsecureTransport" {
						st["Principal"] = map[string]any{"AWS": "arn:aws:iam::123456789012:role/one"}
					}
				}
			})
		}},
		{"the account S3 public access block weakened", "STRATA-ACC-006", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-ACC-006"](t, p) }},
		{"EBS default encryption off", "STRATA-ACC-007", func(t *testing.T, p *plan.Plan) {
			set(t, plantest.One(t, p, ebsDefaultType), "enabled", false)
		}},
		{"a GuardDuty protection dropped", "STRATA-ACC-008", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-ACC-008"](t, p) }},
		{"public subnets mapping public IPs", "STRATA-VPC-003", func(t *testing.T, p *plan.Plan) { failingCases["STRATA-VPC-003"](t, p) }},
		{"the API's alarms without actions", "STRATA-MON-001", func(t *testing.T, p *plan.Plan) {
			for _, a := range p.ByType(alarmType) {
				if strings.HasPrefix(a.Name, stacks.APIName+"-") {
					set(t, a, "alarmActions", nil)
				}
			}
		}},
		{"a NAT gateway's alarms without actions", "STRATA-MON-001", func(t *testing.T, p *plan.Plan) {
			for _, a := range p.ByType(alarmType) {
				if strings.HasPrefix(a.Name, stacks.NetworkName+"-nat-2-") {
					set(t, a, "alarmActions", nil)
				}
			}
		}},
		{"KMS rotation raised to 2,560 days", "STRATA-KMS-001", func(t *testing.T, p *plan.Plan) {
			set(t, find(t, p, keyType, stacks.BucketName), "rotationPeriodInDays", 2560.0)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := clone(stackPlan(t, "prod"))
			tt.weaken(t, p)
			for _, f := range Evaluate(p, Options{Production: true}).Failures() {
				if f.Check == tt.check {
					return
				}
			}
			t.Errorf("%s does not report it", tt.check)
		})
	}
}

// TestPolicyReadsPlansNotComponents: the checks import no component, so
// they judge what a plan holds, whatever program made it.
func TestPolicyReadsPlansNotComponents(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "/strata/components/") || strings.HasSuffix(dep, "/strata/stacks") {
			t.Errorf("policy depends on %s", dep)
		}
	}
}
