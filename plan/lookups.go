package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/strata-infra/strata/internal/yamllist"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AnswersFile is the file beside Pulumi.yaml whose answers plan gives to
// invokes, before its own: a YAML list of token, args (those given must
// equal the call's) and result.
const AnswersFile = "strata-invokes.yaml"

// Answer is a user's answer to an invoke.
type Answer struct {
	Token string         `yaml:"token"`
	Args  map[string]any `yaml:"args"`
	// Result is what the invoke returns.
	Result map[string]any `yaml:"result"`
	// Source is where it was written (file:line).
	Source string `yaml:"-"`
}

// ReadAnswers reads an answers file; a missing file is no answers.
func ReadAnswers(path string) ([]Answer, error) {
	entries, err := yamllist.Read(path, "answers (token, args, result)")
	if err != nil {
		return nil, err
	}
	var out []Answer
	var problems []error
	for _, n := range entries {
		var a Answer
		if err := n.Decode(&a); err != nil {
			problems = append(problems, fmt.Errorf("%s:%d: %w", path, n.Line, err))
			continue
		}
		a.Source = fmt.Sprintf("%s:%d", filepath.Base(path), n.Line)
		if !strings.Contains(a.Token, ":") || a.Result == nil {
			problems = append(problems, fmt.Errorf("%s: an answer needs a token such as aws:ec2/getAmi:getAmi and a result", a.Source))
			continue
		}
		out = append(out, a)
	}
	return out, errors.Join(problems...)
}

// matches reports whether the answer is for this call: same token, and
// every argument it names equal to the call's.
func (a Answer) matches(tok string, args resource.PropertyMap) bool {
	if a.Token != tok {
		return false
	}
	for k, want := range a.Args {
		got, ok := args[resource.PropertyKey(k)]
		if !ok || !reflect.DeepEqual(normalize(plainValue(got)), normalize(want)) {
			return false
		}
	}
	return true
}

// normalize makes YAML's and the plan's plain values comparable: numbers
// as float64, lists and maps recursively.
func normalize(v any) any {
	switch v := v.(type) {
	case int:
		return float64(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	}
	return v
}

// assume records that plan answered a look-up of the account's existing
// resources with a value it made up, so the plan says so.
func (e *engine) assume(tok string, args resource.PropertyMap, what string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.logs = append(e.logs, Diagnostic{Severity: "info",
		Message: fmt.Sprintf("assumed: %s(%s) answered with %s; give the real answer in %s", tok, argsText(args), what, AnswersFile)})
}

func argsText(args resource.PropertyMap) string {
	b, _ := json.Marshal(plainMap(args))
	return string(b)
}

// defaultVPCBlocks are the blocks of a default VPC and its subnets, one
// per AZ, as AWS makes them.
const defaultVPCCIDR = "172.31.0.0/16"

func defaultSubnetCIDR(i int) string { return fmt.Sprintf("172.31.%d.0/20", 16*i) }

// lookups answer the look-ups of an account's existing resources with
// well-formed values consistent with the plan's account and Region, each
// recorded as assumed; pure functions are computed.
var lookups = map[string]func(e *engine, region string, args resource.PropertyMap) (resource.PropertyMap, string){
	"aws:ec2/getAmi:getAmi": func(e *engine, region string, args resource.PropertyMap) (resource.PropertyMap, string) {
		id := "ami-" + hexID(region+argsText(args), 17)
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "imageId": id, "architecture": "x86_64", "name": "assumed-image", "ownerId": "137112412989",
			"rootDeviceName": "/dev/xvda", "rootDeviceType": "ebs", "virtualizationType": "hvm", "state": "available",
			"arn": fmt.Sprintf("arn:%s:ec2:%s::image/%s", partitionOf(region), region, id),
		}), "image " + id
	},
	"aws:ec2/getVpc:getVpc": func(e *engine, region string, args resource.PropertyMap) (resource.PropertyMap, string) {
		id := stringArg(args, "id", "vpc-"+hexID(e.opts.AccountID+region+"default", 17))
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "cidrBlock": defaultVPCCIDR, "default": true, "state": "available", "ownerId": e.opts.AccountID,
			"arn": fmt.Sprintf("arn:%s:ec2:%s:%s:vpc/%s", partitionOf(region), region, e.opts.AccountID, id),
		}), "the default VPC " + id + " " + defaultVPCCIDR
	},
	"aws:ec2/getSubnets:getSubnets": func(e *engine, region string, args resource.PropertyMap) (resource.PropertyMap, string) {
		var ids []any
		for i := range e.zones(region) {
			ids = append(ids, "subnet-"+hexID(fmt.Sprintf("%s%s-default-%d", e.opts.AccountID, region, i), 17))
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": region, "ids": ids}),
			fmt.Sprintf("the default VPC's %d subnets, one per AZ", len(ids))
	},
	"aws:ec2/getSubnet:getSubnet": func(e *engine, region string, args resource.PropertyMap) (resource.PropertyMap, string) {
		zones := e.zones(region)
		id := stringArg(args, "id", "subnet-"+hexID(fmt.Sprintf("%s%s-default-0", e.opts.AccountID, region), 17))
		i := 0
		for j := range zones {
			if id == "subnet-"+hexID(fmt.Sprintf("%s%s-default-%d", e.opts.AccountID, region, j), 17) {
				i = j
			}
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "cidrBlock": defaultSubnetCIDR(i), "availabilityZone": zones[i], "defaultForAz": true,
			"mapPublicIpOnLaunch": true, "vpcId": "vpc-" + hexID(e.opts.AccountID+region+"default", 17), "ownerId": e.opts.AccountID,
			"arn": fmt.Sprintf("arn:%s:ec2:%s:%s:subnet/%s", partitionOf(region), region, e.opts.AccountID, id),
		}), "a default subnet " + id + " " + defaultSubnetCIDR(i)
	},
	"aws:ec2/getSecurityGroup:getSecurityGroup": func(e *engine, region string, args resource.PropertyMap) (resource.PropertyMap, string) {
		id := stringArg(args, "id", "sg-"+hexID(region+argsText(args), 17))
		name := stringArg(args, "name", "default")
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "name": name, "vpcId": "vpc-" + hexID(e.opts.AccountID+region+"default", 17), "description": name,
			"arn": fmt.Sprintf("arn:%s:ec2:%s:%s:security-group/%s", partitionOf(region), region, e.opts.AccountID, id),
		}), "security group " + id
	},
	"aws:iam/getRole:getRole": func(e *engine, region string, args resource.PropertyMap) (resource.PropertyMap, string) {
		name := stringArg(args, "name", "role")
		arn := fmt.Sprintf("arn:%s:iam::%s:role/%s", partitionOf(region), e.opts.AccountID, name)
		return resource.NewPropertyMapFromMap(map[string]any{"id": name, "name": name, "arn": arn,
			"uniqueId": "AROA" + strings.ToUpper(hexID(arn, 17)), "path": "/"}), "role " + arn
	},
	"aws:iam/getPolicy:getPolicy": func(e *engine, region string, args resource.PropertyMap) (resource.PropertyMap, string) {
		arn := stringArg(args, "arn", "")
		name := stringArg(args, "name", arn[strings.LastIndex(arn, "/")+1:])
		if arn == "" {
			arn = fmt.Sprintf("arn:%s:iam::%s:policy/%s", partitionOf(region), e.opts.AccountID, name)
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": arn, "arn": arn, "name": name, "path": "/"}), "policy " + arn
	},
}

// stringArg is the string argument k, or def.
func stringArg(args resource.PropertyMap, k, def string) string {
	if v, ok := args[resource.PropertyKey(k)]; ok && v.IsString() && v.StringValue() != "" {
		return v.StringValue()
	}
	return def
}

// zones are the AZ names plan answers for region.
func (e *engine) zones(region string) []string {
	if region == e.opts.Region {
		return e.opts.AvailabilityZones
	}
	return zonesOf(region)
}

// policyDocument computes aws:iam/getPolicyDocument as the provider does:
// a JSON policy (Version 2012-10-17 unless given, Id from policyId) of the
// statements in order, each with Sid, Effect (Allow unless given),
// Action/NotAction, Resource/NotResource, Principal/NotPrincipal (by type)
// and Condition (by test and variable), one value as a string and several
// as a sorted list; json indented, minifiedJson not.
func policyDocument(args resource.PropertyMap) (resource.PropertyMap, error) {
	in := plainMap(args)
	if _, ok := in["sourcePolicyDocuments"]; ok {
		return nil, errors.New("sourcePolicyDocuments and overridePolicyDocuments are not computed offline")
	}
	if _, ok := in["overridePolicyDocuments"]; ok {
		return nil, errors.New("sourcePolicyDocuments and overridePolicyDocuments are not computed offline")
	}
	doc := orderedDoc{Version: "2012-10-17"}
	if v, _ := in["version"].(string); v != "" {
		doc.Version = v
	}
	doc.ID, _ = in["policyId"].(string)
	stmts, _ := in["statements"].([]any)
	for i, raw := range stmts {
		s, ok := raw.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("statements[%d] is not known", i)
		}
		st := orderedStatement{Effect: "Allow"}
		st.Sid, _ = s["sid"].(string)
		if e, _ := s["effect"].(string); e != "" {
			st.Effect = e
		}
		st.Action, st.NotAction = oneOrMany(s["actions"]), oneOrMany(s["notActions"])
		st.Resource, st.NotResource = oneOrMany(s["resources"]), oneOrMany(s["notResources"])
		st.Principal, st.NotPrincipal = principalsOf(s["principals"]), principalsOf(s["notPrincipals"])
		if conds, _ := s["conditions"].([]any); len(conds) > 0 {
			st.Condition = map[string]map[string]any{}
			for _, c := range conds {
				m, _ := c.(map[string]any)
				test, _ := m["test"].(string)
				variable, _ := m["variable"].(string)
				if st.Condition[test] == nil {
					st.Condition[test] = map[string]any{}
				}
				st.Condition[test][variable] = oneOrMany(m["values"])
			}
		}
		doc.Statement = append(doc.Statement, st)
	}
	pretty, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	minified, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	out := resource.NewPropertyMapFromMap(map[string]any{"id": hexID(string(minified), 10), "json": string(pretty), "minifiedJson": string(minified)})
	for k, v := range args {
		if _, set := out[k]; !set {
			out[k] = v
		}
	}
	return out, nil
}

type orderedDoc struct {
	Version   string             `json:"Version,omitempty"`
	ID        string             `json:"Id,omitempty"`
	Statement []orderedStatement `json:"Statement"`
}

type orderedStatement struct {
	Sid          string                    `json:"Sid,omitempty"`
	Effect       string                    `json:"Effect"`
	Action       any                       `json:"Action,omitempty"`
	NotAction    any                       `json:"NotAction,omitempty"`
	Resource     any                       `json:"Resource,omitempty"`
	NotResource  any                       `json:"NotResource,omitempty"`
	Principal    any                       `json:"Principal,omitempty"`
	NotPrincipal any                       `json:"NotPrincipal,omitempty"`
	Condition    map[string]map[string]any `json:"Condition,omitempty"`
}

// oneOrMany is a list of strings as IAM writes it: nil when empty, the
// string when one, the sorted list when several.
func oneOrMany(v any) any {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	slices.Sort(out)
	return out
}

// principalsOf turns [{type, identifiers}] into IAM's Principal: "*" for
// type * with identifier *, else a map by type.
func principalsOf(v any) any {
	list, _ := v.([]any)
	if len(list) == 0 {
		return nil
	}
	out := map[string]any{}
	for _, e := range list {
		m, _ := e.(map[string]any)
		typ, _ := m["type"].(string)
		ids := oneOrMany(m["identifiers"])
		if typ == "*" && ids == "*" {
			return "*"
		}
		if prev, ok := out[typ]; ok {
			merged := append(anyStrings(prev), anyStrings(ids)...)
			ids = oneOrMany(toAny(merged))
		}
		out[typ] = ids
	}
	return out
}

func anyStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	}
	return nil
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, e := range s {
		out[i] = e
	}
	return out
}

// parseARN computes aws:index/getArn: an ARN's parts.
func parseARN(args resource.PropertyMap) (resource.PropertyMap, error) {
	arn := stringArg(args, "arn", "")
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return nil, fmt.Errorf("%q is not an ARN", arn)
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": arn, "arn": arn, "partition": parts[1], "service": parts[2],
		"region": parts[3], "account": parts[4], "resource": parts[5]}), nil
}
