package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/plan"
	"github.com/strata-infra/strata/plan/plantest"
	"github.com/strata-infra/strata/testdata/foreign/buckets"
	"github.com/strata-infra/strata/testdata/foreign/database"
	"github.com/strata-infra/strata/testdata/foreign/iamusers"
	"github.com/strata-infra/strata/testdata/foreign/loadbalancers"
	"github.com/strata-infra/strata/testdata/foreign/outputtags"
	"github.com/strata-infra/strata/testdata/foreign/webserver"
)

// foreign are programs written the way teams write Pulumi Go without
// strata (testdata/foreign), planned with the plan engine.
var foreign = map[string]pulumi.RunFunc{
	"webserver": webserver.Program, "database": database.Program, "iamusers": iamusers.Program,
	"buckets": buckets.Program, "outputtags": outputtags.Program, "loadbalancers": loadbalancers.Program,
}

// findingsOf plans a foreign program and lists its findings at or above
// min as "CHECK type name status".
func findingsOf(t *testing.T, name string, min Severity) []string {
	t.Helper()
	p, err := plan.Run(foreign[name], plan.Options{Project: name, Stack: "dev"})
	if err != nil {
		t.Fatalf("planning %s: %v", name, err)
	}
	rank := map[Severity]int{Critical: 4, High: 3, Medium: 2, Low: 1}
	var out []string
	for _, r := range Evaluate(p, Options{}).Results {
		if rank[r.Check.Severity] < rank[min] {
			continue
		}
		for _, f := range r.Findings {
			typ := f.Type[strings.LastIndex(f.Type, ":")+1:]
			out = append(out, fmt.Sprintf("%s %s %s %s", f.Check, typ, f.Name, f.Status))
		}
	}
	slices.Sort(out)
	return out
}

// want are every finding of each foreign program, at every severity, as
// "CHECK type name status": what a reviewer reading the program expects.
var want = map[string][]string{
	"buckets": {
		"STRATA-S3-001 Bucket site fail",
		"STRATA-S3-002 Bucket site fail",
		"STRATA-S3-003 Bucket site fail",
		"STRATA-S3-004 Bucket site fail",
		"STRATA-S3-005 Bucket site fail",
		"STRATA-S3-006 Bucket site fail",
		"STRATA-S3-007 Bucket site fail",
		"STRATA-S3-009 Bucket site fail",
		"STRATA-TAG-001 Bucket site fail",
	},
	"database": {
		"STRATA-RDS-001 Instance orders fail",
		"STRATA-RDS-002 Instance orders fail",
		"STRATA-RDS-004 Instance orders fail",
		"STRATA-RDS-006 Instance orders fail",
		"STRATA-RDS-007 Instance orders fail",
		"STRATA-RDS-008 Instance orders fail",
		"STRATA-TAG-001 Instance orders fail",
		"STRATA-TAG-001 SubnetGroup db fail",
		"STRATA-VPC-004 SubnetGroup db unknown",
	},
	"iamusers": {
		"STRATA-IAM-001 GroupPolicy ops fail",
		"STRATA-IAM-001 Role worker fail",
		"STRATA-IAM-001 UserPolicy ci fail",
		"STRATA-IAM-002 GroupPolicy ops fail",
		"STRATA-IAM-002 Role worker fail",
		"STRATA-IAM-002 UserPolicy ci fail",
		"STRATA-IAM-003 GroupPolicy ops fail",
		"STRATA-IAM-003 Role worker fail",
		"STRATA-IAM-003 UserPolicy ci fail",
		"STRATA-IAM-004 Role admin fail",
		"STRATA-IAM-005 Role admin fail",
		"STRATA-IAM-005 Role worker fail",
		"STRATA-IAM-009 GroupPolicy ops fail",
		"STRATA-IAM-009 Role worker fail",
		"STRATA-IAM-009 UserPolicy ci fail",
		"STRATA-IAM-010 GroupPolicy ops fail",
		"STRATA-IAM-010 Role admin fail",
		"STRATA-IAM-010 Role worker fail",
		"STRATA-IAM-010 UserPolicy ci fail",
		"STRATA-IAM-014 GroupPolicy ops fail",
		"STRATA-IAM-014 Role worker fail",
		"STRATA-IAM-014 UserPolicy ci fail",
		"STRATA-IAM-015 GroupPolicy ops fail",
		"STRATA-IAM-015 Role worker fail",
		"STRATA-IAM-015 UserPolicy ci fail",
		"STRATA-TAG-001 Role admin fail",
		"STRATA-TAG-001 Role worker fail",
		"STRATA-TAG-001 User ci fail",
	},
	"loadbalancers": {
		"STRATA-ALB-003 LoadBalancer web fail",
		"STRATA-ALB-007 LoadBalancer mqtt fail",
		"STRATA-ALB-007 LoadBalancer web fail",
		"STRATA-ALB-008 LoadBalancer mqtt fail",
		"STRATA-ALB-008 LoadBalancer web fail",
		"STRATA-EC2-001 Instance web fail",
		"STRATA-EC2-002 Instance web fail",
		"STRATA-SG-008 SecurityGroup alb fail",
		"STRATA-TAG-001 Instance web fail",
		"STRATA-TAG-001 InternetGateway gw fail",
		"STRATA-TAG-001 LoadBalancer mqtt fail",
		"STRATA-TAG-001 LoadBalancer web fail",
		"STRATA-TAG-001 RouteTable public fail",
		"STRATA-TAG-001 SecurityGroup alb fail",
		"STRATA-TAG-001 SecurityGroup web fail",
		"STRATA-TAG-001 Subnet public-us-east-1a fail",
		"STRATA-TAG-001 Subnet public-us-east-1b fail",
		"STRATA-TAG-001 Vpc main fail",
		"STRATA-VPC-001 Vpc main fail",
		"STRATA-VPC-002 Vpc main fail",
	},
	"outputtags": {
		"STRATA-S3-001 BucketV2 data fail",
		"STRATA-S3-002 BucketV2 data fail",
		"STRATA-S3-003 BucketV2 data fail",
		"STRATA-S3-004 BucketV2 data fail",
		"STRATA-S3-005 BucketV2 data fail",
		"STRATA-S3-006 BucketV2 data fail",
		"STRATA-S3-009 BucketV2 data fail",
		"STRATA-TAG-001 BucketV2 data unknown",
		"STRATA-TAG-001 Parameter owner fail",
	},
	"webserver": {
		"STRATA-EC2-001 Instance web fail",
		"STRATA-EC2-002 Instance web fail",
		"STRATA-SG-001 SecurityGroup web fail",
		"STRATA-SG-001 SecurityGroupRule rdp fail",
		"STRATA-SG-002 SecurityGroup web fail",
		"STRATA-SG-002 SecurityGroupRule mysql-v6 fail",
		"STRATA-SG-002 SecurityGroupRule rdp fail",
		"STRATA-SG-003 SecurityGroup web fail",
		"STRATA-SG-003 SecurityGroupRule mysql-v6 fail",
		"STRATA-SG-003 SecurityGroupRule rdp fail",
		"STRATA-SG-007 SecurityGroup web fail",
		"STRATA-SG-008 SecurityGroup web fail",
		"STRATA-TAG-001 Instance web fail",
		"STRATA-TAG-001 InternetGateway gw fail",
		"STRATA-TAG-001 RouteTable public fail",
		"STRATA-TAG-001 SecurityGroup admin fail",
		"STRATA-TAG-001 SecurityGroup web fail",
		"STRATA-TAG-001 Subnet public fail",
		"STRATA-TAG-001 Vpc main fail",
		"STRATA-VPC-001 Vpc main fail",
		"STRATA-VPC-002 Vpc main fail",
		"STRATA-VPC-003 Subnet public fail",
	},
}

// TestForeignPrograms: each program written without strata gets exactly
// the findings its weaknesses call for: SSH from the world inline, RDP
// through a legacy rule's second CIDR, MySQL open over IPv6, a public and
// unencrypted RDS instance with its password in code, admin policies
// inline on a user, a group and a role and attached by managedPolicyArns,
// a public-read legacy bucket; tags that are not known are undecided, and
// a subnet group of subnets the plan does not hold cannot be decided.
func TestForeignPrograms(t *testing.T) {
	for name := range foreign {
		t.Run(name, func(t *testing.T) {
			got := findingsOf(t, name, Low)
			if !slices.Equal(got, want[name]) {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want[name], "\n"))
			}
		})
	}
}

// TestForeignWeaknessesAreHighOrCritical: every weakness the issue names
// is reported at high or critical severity, on the resource that has it.
func TestForeignWeaknessesAreHighOrCritical(t *testing.T) {
	for name, findings := range map[string][]string{
		"webserver": {"STRATA-SG-001 SecurityGroup web fail", "STRATA-SG-001 SecurityGroupRule rdp fail", "STRATA-SG-003 SecurityGroupRule mysql-v6 fail"},
		"database":  {"STRATA-RDS-001 Instance orders fail", "STRATA-RDS-002 Instance orders fail", "STRATA-RDS-008 Instance orders fail"},
		"iamusers":  {"STRATA-IAM-001 UserPolicy ci fail", "STRATA-IAM-001 GroupPolicy ops fail", "STRATA-IAM-001 Role worker fail", "STRATA-IAM-004 Role admin fail"},
		"buckets":   {"STRATA-S3-001 Bucket site fail", "STRATA-S3-007 Bucket site fail"},
	} {
		got := findingsOf(t, name, High)
		for _, f := range findings {
			if !slices.Contains(got, f) {
				t.Errorf("%s: no high or critical finding %q; got %v", name, f, got)
			}
		}
	}
}

// TestTheReportNamesWhatNoCheckRead: a plan's resources of types no check
// reads are listed, never passed in silence; so is a resource without a
// type.
func TestTheReportNamesWhatNoCheckRead(t *testing.T) {
	p, err := plan.Run(foreign["webserver"], plan.Options{Project: "webserver", Stack: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	p.Resources = append(p.Resources, &plan.Resource{Name: "mystery", Custom: true})
	rep := Evaluate(p, Options{})
	for typ, n := range map[string]int{"aws:ec2/internetGateway:InternetGateway": 1, "(untyped)": 1} {
		if rep.Uninspected[typ] != n {
			t.Errorf("uninspected %s = %d, want %d (all: %v)", typ, rep.Uninspected[typ], n, rep.Uninspected)
		}
	}
	for _, typ := range []string{"aws:ec2/securityGroup:SecurityGroup", "aws:ec2/vpc:Vpc", "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/instance:Instance"} {
		if _, listed := rep.Uninspected[typ]; listed {
			t.Errorf("%s is listed as uninspected, but checks read it", typ)
		}
	}
	var text strings.Builder
	rep.Text(&text)
	if !strings.Contains(text.String(), "Not inspected by any check:") || !strings.Contains(text.String(), "aws:ec2/internetGateway:InternetGateway (1)") {
		t.Errorf("the text report does not list what no check read:\n%s", text.String())
	}
}

// awsTagValue is what AWS accepts in a tag value.
var awsTagValue = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$`)

// TestStrataSuppressesOnlyByTagsAWSAccepts: every suppression strata's
// components write is a tag naming a check that exists, with a reason AWS
// accepts as a tag value; strata's stacks use no other suppression.
func TestStrataSuppressesOnlyByTagsAWSAccepts(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		p := stackPlan(t, stack)
		found := 0
		for _, r := range p.Resources {
			m, _ := r.Inputs["tags"].(map[string]any)
			for k, v := range m {
				id, ok := strings.CutPrefix(k, "strata:suppress:")
				if !ok {
					continue
				}
				found++
				if Lookup(id) == nil {
					t.Errorf("%s: %s %q suppresses %s, which does not exist", stack, r.Type, r.Name, id)
				}
				if s, _ := v.(string); !awsTagValue.MatchString(s) || len(s) < minReason {
					t.Errorf("%s: %s %q: reason %q is not a tag value AWS accepts, or not a reason", stack, r.Type, r.Name, v)
				}
			}
		}
		rep := Evaluate(p, Options{Production: stack == "prod"})
		for _, res := range rep.Results {
			for _, f := range res.Findings {
				if f.Suppressed && !strings.HasPrefix(f.SuppressedBy, "tag strata:suppress:"+f.Check+" ") {
					t.Errorf("%s: %s on %s suppressed by %q, want its tag", stack, f.Check, f.Name, f.SuppressedBy)
				}
			}
		}
		if found == 0 {
			t.Errorf("%s: no suppression tag at all", stack)
		}
	}
}

// TestListenerProtocolDefaults: a listener that names no protocol has its
// load balancer's default: HTTP on an application load balancer, which
// ALB-001 fails when it does not redirect.
func TestListenerProtocolDefaults(t *testing.T) {
	p := clone(stackPlan(t, "prod"))
	l := find(t, p, listenerType, "web-http")
	delete(l.Inputs, "protocol")
	set(t, l, "defaultActions", []any{map[string]any{"type": "forward"}})
	if fails := EvaluateChecks(p, Options{Production: true}, Lookup("STRATA-ALB-001")).Failures(); len(fails) != 1 {
		t.Errorf("a forwarding listener with no protocol gave %d failures, want 1 (HTTP is the default)", len(fails))
	}
}

// TestV7Buckets: a plan of a pulumi-aws v7 program (testdata/v7), whose
// bucket is aws:s3/bucket:Bucket with unsuffixed companions, is checked
// like a v6 one: the private, encrypted, versioned bucket passes what its
// companions decide; the public one fails.
func TestV7Buckets(t *testing.T) {
	p := plantest.Load(t, "../testdata/v7/buckets.json")
	rep := Evaluate(p, Options{})
	failed := map[string][]string{}
	for _, res := range rep.Results {
		for _, f := range res.Findings {
			failed[f.Name] = append(failed[f.Name], f.Check)
		}
	}
	for _, c := range []string{"STRATA-S3-001", "STRATA-S3-003", "STRATA-S3-004", "STRATA-TAG-001"} {
		if slices.Contains(failed["assets"], c) {
			t.Errorf("the private, encrypted, versioned v7 bucket fails %s", c)
		}
	}
	for _, c := range []string{"STRATA-S3-001", "STRATA-S3-003", "STRATA-S3-004", "STRATA-S3-007"} {
		if !slices.Contains(failed["site"], c) {
			t.Errorf("the public v7 bucket does not fail %s: %v", c, failed["site"])
		}
	}
}

// TestAnUnconstructedComponentIsUninspected: a remote component whose
// provider did not run is listed as not inspected, never passed.
func TestAnUnconstructedComponentIsUninspected(t *testing.T) {
	p := &plan.Plan{Project: "p", Stack: "dev", Resources: []*plan.Resource{
		{Type: "eks:index:Cluster", Name: "main", URN: "urn:pulumi:dev::p::eks:index:Cluster::main", Remote: true}}}
	if rep := Evaluate(p, Options{}); rep.Uninspected["eks:index:Cluster (not constructed)"] != 1 {
		t.Errorf("uninspected = %v, want the component", rep.Uninspected)
	}
}
