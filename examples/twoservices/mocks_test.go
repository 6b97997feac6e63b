package main

// Unit tests of the program with Pulumi's own mocks, as a team that uses
// strata's components writes them: no plan, no engine, just
// pulumi.WithMocks. The README's "Testing your program" quotes this file.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/strata-infra/strata/plan"
)

// stackConfig is the stack's configuration, as `pulumi config` would pass it.
const stackConfig = `{"aws:region": "eu-west-1", "twoservices:owner": "shop-team", "twoservices:costCenter": "cc-2001",
 "twoservices:alertEmail": "shop-alerts@example.com",
 "twoservices:certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/3f0c9d1e-5b7a-4c2e-9a61-2d8e4f6b1c07"}`

// mocks is the mock most Pulumi tests start from: outputs are the inputs,
// IDs are names; it keeps what the program registered.
type mocks struct {
	mu        sync.Mutex
	resources []pulumi.MockResourceArgs
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resources = append(m.resources, args)
	return args.Name + "_id", args.Inputs, nil
}

func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	out := args.Args.Copy()
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		out["accountId"] = resource.NewProperty("123456789012")
	case "aws:index/getRegion:getRegion":
		out["name"] = resource.NewProperty("eu-west-1")
	case "aws:index/getPartition:getPartition":
		out["partition"] = resource.NewProperty("aws")
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		out["names"] = resource.NewPropertyValue([]any{"eu-west-1a", "eu-west-1b", "eu-west-1c"})
	}
	return out, nil
}

// TestOnlyTheServicesReachTheDatabase: the database's group admits the two
// services' task groups on 5432, and nothing else.
func TestOnlyTheServicesReachTheDatabase(t *testing.T) {
	t.Setenv("PULUMI_CONFIG", stackConfig)
	m := &mocks{}
	if err := pulumi.RunErr(program, pulumi.WithMocks("twoservices", "prod", m)); err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, r := range m.resources {
		if r.TypeToken == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" &&
			r.Inputs["securityGroupId"].StringValue() == "orders_id" { // IDs are names here
			rules = append(rules, fmt.Sprintf("%s on %v-%v", r.Inputs["referencedSecurityGroupId"].StringValue(),
				r.Inputs["fromPort"].NumberValue(), r.Inputs["toPort"].NumberValue()))
		}
	}
	slices.Sort(rules)
	want := []string{"admin-tasks_id on 5432-5432", "web-tasks_id on 5432-5432"}
	if !slices.Equal(rules, want) {
		t.Errorf("the database admits %v, want %v", rules, want)
	}
}

// TestWebMayTouchOnlyItsBucket: with plan.Mocks, which answers with the
// ARNs strata plan gives, web's task role is granted the uploads bucket,
// its objects and its key, and nothing else.
func TestWebMayTouchOnlyItsBucket(t *testing.T) {
	t.Setenv("PULUMI_CONFIG", stackConfig)
	m := plan.NewMocks(plan.Options{Project: "twoservices", Stack: "prod", Region: "eu-west-1"})
	if err := pulumi.RunErr(program, pulumi.WithMocks("twoservices", "prod", m)); err != nil {
		t.Fatal(err)
	}
	p := m.Plan()
	bucket, _ := p.Find("aws:s3/bucketV2:BucketV2", "uploads")
	key, _ := p.Find("aws:kms/key:Key", "uploads")
	role, _ := p.Find("aws:iam/role:Role", "web-task")
	if bucket == nil || key == nil || role == nil {
		t.Fatal("the plan has no uploads bucket, key or web task role")
	}
	allowed := []string{bucket.Outputs["arn"].(string), bucket.Outputs["arn"].(string) + "/*", key.Outputs["arn"].(string)}
	var granted []string
	for _, rp := range p.ByType("aws:iam/rolePolicy:RolePolicy") {
		if rp.Inputs["role"] != role.ID {
			continue
		}
		var doc struct{ Statement []struct{ Resource []string } }
		if err := json.Unmarshal([]byte(rp.Inputs["policy"].(string)), &doc); err != nil {
			t.Fatal(err)
		}
		for _, s := range doc.Statement {
			granted = append(granted, s.Resource...)
		}
	}
	if len(granted) == 0 {
		t.Fatal("web's task role has no policy")
	}
	for _, r := range granted {
		if !slices.Contains(allowed, r) {
			t.Errorf("web's task role is granted %s, want only %s", r, strings.Join(allowed, ", "))
		}
	}
}
