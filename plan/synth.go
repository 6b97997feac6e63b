package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// idPrefixes are the AWS ID shapes of resources whose ID is not their name.
var idPrefixes = map[string]string{
	"aws:ec2/vpc:Vpc":                                           "vpc-",
	"aws:ec2/subnet:Subnet":                                     "subnet-",
	"aws:ec2/securityGroup:SecurityGroup":                       "sg-",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":         "sg-",
	"aws:ec2/routeTable:RouteTable":                             "rtb-",
	"aws:ec2/defaultRouteTable:DefaultRouteTable":               "rtb-",
	"aws:ec2/internetGateway:InternetGateway":                   "igw-",
	"aws:ec2/natGateway:NatGateway":                             "nat-",
	"aws:ec2/eip:Eip":                                           "eipalloc-",
	"aws:ec2/vpcEndpoint:VpcEndpoint":                           "vpce-",
	"aws:ec2/flowLog:FlowLog":                                   "fl-",
	"aws:ec2/networkAcl:NetworkAcl":                             "acl-",
	"aws:ec2/defaultNetworkAcl:DefaultNetworkAcl":               "acl-",
	"aws:ec2/instance:Instance":                                 "i-",
	"aws:ec2/launchTemplate:LaunchTemplate":                     "lt-",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   "sgr-",
	"aws:ec2/securityGroupRule:SecurityGroupRule":               "sgrule-",
}

// nameKeys are the inputs that hold a resource's physical name when it is
// not "name"; the value is the key and its prefix variant.
var nameKeys = map[string][2]string{
	"aws:s3/bucket:Bucket":                    {"bucket", "bucketPrefix"},
	"aws:s3/bucketV2:BucketV2":                {"bucket", "bucketPrefix"},
	"aws:rds/cluster:Cluster":                 {"clusterIdentifier", "clusterIdentifierPrefix"},
	"aws:rds/clusterInstance:ClusterInstance": {"identifier", "identifierPrefix"},
	"aws:ecs/taskDefinition:TaskDefinition":   {"family", ""},
}

// arnFormats build ARNs for types whose ARN is not the generic
// <service>:<region>:<account>:<kind>/<name>. %[1]s is the partition, %[2]s
// the region, %[3]s the account, %[4]s the name, %[5]s the ID and %[6]s a
// 16-digit hex string unique to the resource.
var arnFormats = map[string]string{
	"aws:iam/role:Role":                                   "arn:%[1]s:iam::%[3]s:role/%[4]s",
	"aws:iam/policy:Policy":                               "arn:%[1]s:iam::%[3]s:policy/%[4]s",
	"aws:iam/instanceProfile:InstanceProfile":             "arn:%[1]s:iam::%[3]s:instance-profile/%[4]s",
	"aws:cloudwatch/logGroup:LogGroup":                    "arn:%[1]s:logs:%[2]s:%[3]s:log-group:%[4]s",
	"aws:s3/bucket:Bucket":                                "arn:%[1]s:s3:::%[4]s",
	"aws:s3/bucketV2:BucketV2":                            "arn:%[1]s:s3:::%[4]s",
	"aws:kms/key:Key":                                     "arn:%[1]s:kms:%[2]s:%[3]s:key/%[5]s",
	"aws:kms/alias:Alias":                                 "arn:%[1]s:kms:%[2]s:%[3]s:%[4]s",
	"aws:rds/cluster:Cluster":                             "arn:%[1]s:rds:%[2]s:%[3]s:cluster:%[4]s",
	"aws:rds/clusterInstance:ClusterInstance":             "arn:%[1]s:rds:%[2]s:%[3]s:db:%[4]s",
	"aws:rds/subnetGroup:SubnetGroup":                     "arn:%[1]s:rds:%[2]s:%[3]s:subgrp:%[4]s",
	"aws:rds/clusterParameterGroup:ClusterParameterGroup": "arn:%[1]s:rds:%[2]s:%[3]s:cluster-pg:%[4]s",
	"aws:lambda/function:Function":                        "arn:%[1]s:lambda:%[2]s:%[3]s:function:%[4]s",
	"aws:sns/topic:Topic":                                 "arn:%[1]s:sns:%[2]s:%[3]s:%[4]s",
	"aws:sqs/queue:Queue":                                 "arn:%[1]s:sqs:%[2]s:%[3]s:%[4]s",
	"aws:dynamodb/table:Table":                            "arn:%[1]s:dynamodb:%[2]s:%[3]s:table/%[4]s",
	"aws:secretsmanager/secret:Secret":                    "arn:%[1]s:secretsmanager:%[2]s:%[3]s:secret:%[4]s-%.6[5]s",
	"aws:ecs/cluster:Cluster":                             "arn:%[1]s:ecs:%[2]s:%[3]s:cluster/%[4]s",
	"aws:ecs/taskDefinition:TaskDefinition":               "arn:%[1]s:ecs:%[2]s:%[3]s:task-definition/%[4]s:1",
	"aws:lb/loadBalancer:LoadBalancer":                    "arn:%[1]s:elasticloadbalancing:%[2]s:%[3]s:loadbalancer/app/%[4]s/%[6]s",
	"aws:lb/targetGroup:TargetGroup":                      "arn:%[1]s:elasticloadbalancing:%[2]s:%[3]s:targetgroup/%[4]s/%[6]s",
	"aws:lb/listener:Listener":                            "arn:%[1]s:elasticloadbalancing:%[2]s:%[3]s:listener/app/%[4]s/%[6]s",
	"aws:ecs/service:Service":                             "arn:%[1]s:ecs:%[2]s:%[3]s:service/%[4]s",
	"aws:cloudtrail/trail:Trail":                          "arn:%[1]s:cloudtrail:%[2]s:%[3]s:trail/%[4]s",
	"aws:budgets/budget:Budget":                           "arn:%[1]s:budgets::%[3]s:budget/%[4]s",
	"aws:apigatewayv2/api:Api":                            "arn:%[1]s:apigateway:%[2]s::/apis/%[5]s",
	"aws:ec2/flowLog:FlowLog":                             "arn:%[1]s:ec2:%[2]s:%[3]s:vpc-flow-log/%[5]s",
	"aws:ec2/eip:Eip":                                     "arn:%[1]s:ec2:%[2]s:%[3]s:elastic-ip/%[5]s",
	"aws:ec2/natGateway:NatGateway":                       "arn:%[1]s:ec2:%[2]s:%[3]s:natgateway/%[5]s",
}

// partitionOf is the partition a region belongs to.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// synthesize returns the ID and output state plan gives a registration:
// its inputs, plus the ID, physical name and ARN a real provider would add.
func (m *engine) synthesize(r *Resource, inputs resource.PropertyMap, providerRef, readID string) (string, resource.PropertyMap) {
	state := inputs.Copy()
	switch {
	case strings.HasPrefix(r.Type, "pulumi:providers:"):
		return uuid(r.URN), state
	case !r.Custom:
		return "", state
	}
	if r.Read && readID != "" {
		return readID, state
	}

	name := m.physicalName(r, state)
	id := name
	if prefix, ok := idPrefixes[r.Type]; ok {
		id = prefix + hexID(r.URN, 17)
	} else if r.Type == "aws:kms/key:Key" || r.Type == "aws:apigatewayv2/api:Api" {
		id = hexID(r.URN, 10)
		if r.Type == "aws:kms/key:Key" {
			id = uuid(r.URN)
		}
	}
	region := m.regionFor(providerRef)
	if r.Type == "aws:ec2/instance:Instance" {
		state["primaryNetworkInterfaceId"] = resource.NewProperty("eni-" + hexID(r.URN+"#eni", 17))
	}
	if r.Type == "aws:ec2/eip:Eip" {
		state["allocationId"] = resource.NewProperty(id)
		n, _ := strconv.ParseUint(hexID(r.URN, 4), 16, 16)
		state["publicIp"] = resource.NewProperty(fmt.Sprintf("198.51.100.%d", n%254+1))
	}
	arn := m.arn(r.Type, region, name, id, hexID(r.URN, 16))
	state["arn"] = resource.NewProperty(arn)
	if strings.HasPrefix(r.Type, "aws:lb/") {
		// An ELB resource's ID is its ARN.
		id = arn
		if i := strings.Index(arn, ":loadbalancer/"); i > 0 {
			state["arnSuffix"] = resource.NewProperty(arn[i+len(":loadbalancer/"):])
			n, _ := strconv.ParseUint(hexID(r.URN, 8), 16, 32)
			state["dnsName"] = resource.NewProperty(fmt.Sprintf("%s-%d.%s.elb.amazonaws.com", name, n, region))
		} else if i := strings.Index(arn, ":targetgroup/"); i > 0 {
			state["arnSuffix"] = resource.NewProperty(arn[i+1:])
		}
	}
	if r.Type == "aws:apigatewayv2/api:Api" {
		state["executionArn"] = resource.NewProperty(fmt.Sprintf("arn:%s:execute-api:%s:%s:%s", partitionOf(region), region, m.opts.AccountID, id))
		state["apiEndpoint"] = resource.NewProperty(fmt.Sprintf("https://%s.execute-api.%s.amazonaws.com", id, region))
	}
	if r.Type == "aws:kms/key:Key" {
		state["keyId"] = resource.NewProperty(id)
	}
	if r.Type == "aws:lambda/function:Function" {
		state["invokeArn"] = resource.NewProperty(fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations",
			partitionOf(region), region, arn))
	}
	if r.Type == "aws:rds/cluster:Cluster" {
		m.rdsCluster(r, state, name, region)
	}
	return id, state
}

// rdsCluster adds an Aurora cluster's endpoints and, when RDS manages the
// master password, the Secrets Manager secret it keeps it in.
func (m *engine) rdsCluster(r *Resource, state resource.PropertyMap, name, region string) {
	host := fmt.Sprintf("%s.cluster-%s.%s.rds.amazonaws.com", name, hexID(m.opts.AccountID+region, 12), region)
	state["endpoint"] = resource.NewProperty(host)
	state["readerEndpoint"] = resource.NewProperty(strings.Replace(host, ".cluster-", ".cluster-ro-", 1))
	// The resource ID IAM database authentication names (rds-db:connect).
	state["clusterResourceId"] = resource.NewProperty("cluster-" + strings.ToUpper(hexID(r.URN+"#resource", 26)))
	if v, ok := state["manageMasterUserPassword"]; ok && v.IsBool() && v.BoolValue() {
		secret := map[string]any{
			"secretArn": fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:rds!cluster-%s-%s",
				partitionOf(region), region, m.opts.AccountID, uuid(r.URN), hexID(r.URN+"#secret", 6)),
			"secretStatus": "active",
		}
		if k, ok := state["masterUserSecretKmsKeyId"]; ok && k.IsString() {
			secret["kmsKeyId"] = k.StringValue()
		}
		state["masterUserSecrets"] = resource.NewProperty([]resource.PropertyValue{
			resource.NewProperty(resource.NewPropertyMapFromMap(secret)),
		})
	}
}

// physicalName returns the resource's name as AWS would know it, adding an
// autoname (logical name plus a random-looking suffix) when none was given.
func (m *engine) physicalName(r *Resource, state resource.PropertyMap) string {
	keys, ok := nameKeys[r.Type]
	if !ok {
		keys = [2]string{"name", "namePrefix"}
	}
	key, prefixKey := resource.PropertyKey(keys[0]), resource.PropertyKey(keys[1])
	if v, ok := state[key]; ok && v.IsString() && v.StringValue() != "" {
		return v.StringValue()
	}
	var name string
	if v, ok := state[prefixKey]; ok && prefixKey != "" && v.IsString() {
		name = v.StringValue() + hexID(r.URN, 8)
	} else {
		name = r.Name + "-" + hexID(r.URN, 7)
	}
	if strings.HasPrefix(r.Type, "aws:rds/") || strings.HasPrefix(r.Type, "aws:s3/") {
		name = strings.ToLower(name)
	}
	state[key] = resource.NewProperty(name)
	return name
}

// arn builds the resource's ARN.
func (m *engine) arn(typ, region, name, id, unique string) string {
	partition := partitionOf(region)
	if f, ok := arnFormats[typ]; ok {
		return fmt.Sprintf(f, partition, region, m.opts.AccountID, name, id, unique)
	}
	module, member := splitToken(typ)
	service, _, _ := strings.Cut(module, "/")
	kind := kebab(member)
	ref := name
	if service == "ec2" || typ == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" ||
		typ == "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule" {
		service, ref = "ec2", id
		if strings.HasPrefix(typ, "aws:vpc/") {
			kind = "security-group-rule"
		}
	}
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s/%s", partition, service, region, m.opts.AccountID, kind, ref)
}

// splitToken splits "aws:ec2/vpc:Vpc" into "ec2/vpc" and "Vpc".
func splitToken(typ string) (module, member string) {
	parts := strings.SplitN(typ, ":", 3)
	if len(parts) != 3 {
		return "", typ
	}
	return parts[1], parts[2]
}

// kebab turns "SecurityGroup" into "security-group".
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hexID is a stable hex string derived from seed.
func hexID(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])[:n]
}

// uuid is a stable UUID-shaped string derived from seed.
func uuid(seed string) string {
	h := hexID(seed, 32)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func parseStringList(raw string) []string {
	raw = strings.Trim(strings.TrimSpace(raw), "[]")
	var out []string
	for _, s := range strings.Split(raw, ",") {
		if s = strings.Trim(strings.TrimSpace(s), `"`); s != "" {
			out = append(out, s)
		}
	}
	return out
}
