package plan

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AWS publishes the latest AMI IDs as public SSM parameters; plan answers
// those with an AMI ID it synthesizes, and no other parameter.
const (
	ssmGetParameter    = "aws:ssm/getParameter:getParameter"
	amiParameterPrefix = "/aws/service/ami-amazon-linux-latest/"
)

func publicAMIParameter(args resource.PropertyMap) bool {
	v, ok := args["name"]
	return ok && v.IsString() && strings.HasPrefix(v.StringValue(), amiParameterPrefix)
}

// invokes are the functions plan answers offline, by token.
var invokes = map[string]func(m *engine, region string, args resource.PropertyMap) resource.PropertyMap{
	ssmGetParameter: func(m *engine, region string, args resource.PropertyMap) resource.PropertyMap {
		name := args["name"].StringValue()
		ami := "ami-" + hexID(region+name, 17)
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": name, "name": name, "type": "String", "value": ami, "insecureValue": ami, "version": 1,
			"arn": fmt.Sprintf("arn:%s:ssm:%s::parameter%s", partitionOf(region), region, name),
		})
	},
	"aws:index/getCallerIdentity:getCallerIdentity": func(m *engine, region string, _ resource.PropertyMap) resource.PropertyMap {
		acct := m.opts.AccountID
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":        acct,
			"accountId": acct,
			"arn":       fmt.Sprintf("arn:%s:iam::%s:user/strata-plan", partitionOf(region), acct),
			"userId":    "AIDA" + strings.ToUpper(hexID(acct, 17)),
		})
	},
	"aws:index/getRegion:getRegion": func(_ *engine, region string, args resource.PropertyMap) resource.PropertyMap {
		if v, ok := args["name"]; ok && v.IsString() && v.StringValue() != "" {
			region = v.StringValue()
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":          region,
			"name":        region,
			"region":      region,
			"description": region,
			"endpoint":    "ec2." + region + ".amazonaws.com",
		})
	},
	"aws:index/getPartition:getPartition": func(_ *engine, region string, _ resource.PropertyMap) resource.PropertyMap {
		p := partitionOf(region)
		suffix := "amazonaws.com"
		if p == "aws-cn" {
			suffix = "amazonaws.com.cn"
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":               p,
			"partition":        p,
			"dnsSuffix":        suffix,
			"reverseDnsPrefix": "com.amazonaws",
		})
	},
	"aws:index/getAvailabilityZones:getAvailabilityZones": func(m *engine, region string, _ resource.PropertyMap) resource.PropertyMap {
		zones := m.opts.AvailabilityZones
		if region != m.opts.Region {
			zones = zonesOf(region)
		}
		names := make([]any, len(zones))
		ids := make([]any, len(zones))
		short := regionShort(region)
		for i, z := range zones {
			names[i] = z
			ids[i] = fmt.Sprintf("%s-az%d", short, i+1)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":         region,
			"names":      names,
			"zoneIds":    ids,
			"groupNames": []any{region},
		})
	},
}

// regionShort turns "us-east-1" into "use1", as AZ IDs spell it.
func regionShort(region string) string {
	parts := strings.Split(region, "-")
	var b strings.Builder
	for i, p := range parts {
		if i == len(parts)-1 || len(p) == 0 {
			b.WriteString(p)
			continue
		}
		if i == 0 {
			b.WriteString(p)
		} else {
			b.WriteByte(p[0])
		}
	}
	return b.String()
}
