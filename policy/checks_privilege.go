package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-infra/strata/plan/model"
)

const (
	ec2InstanceType    = "aws:ec2/instance:Instance"
	launchTemplateType = "aws:ec2/launchTemplate:LaunchTemplate"
	ebsVolumeType      = "aws:ebs/volume:Volume"
)

// sensitive are actions whose resource must name what they reach: a
// wildcard in the resource's name gives every secret, database user, role,
// log group or key of the account.
var sensitive = []struct {
	action, marker, every string
}{
	{"secretsmanager:GetSecretValue", ":secret:", "every secret"},
	{"rds-db:connect", ":dbuser:", "every database user"},
	{"iam:PassRole", ":role/", "any role"},
	{"ssm:GetParameter", ":parameter/", "every parameter"},
	{"logs:PutLogEvents", ":log-group:", "every log group"},
	{"kms:Decrypt", ":key/", "every key"},
}

// wildName reports whether the name part of a sensitive resource (after
// its marker) is a wildcard where a name belongs: "*" or a name that starts
// with one, and for database users either the cluster or the user.
func wildName(marker, resource string) bool {
	if resource == "*" {
		return true
	}
	i := strings.Index(resource, marker)
	if i < 0 {
		return false
	}
	name := resource[i+len(marker):]
	switch marker {
	case ":dbuser:":
		cluster, user, _ := strings.Cut(name, "/")
		return strings.Contains(cluster, "*") || user == "" || strings.Contains(user, "*")
	case ":log-group:":
		group, _, _ := strings.Cut(name, ":")
		return group == "" || strings.HasPrefix(group, "*")
	}
	return name == "" || strings.HasPrefix(name, "*")
}

// viaServiceBound reports whether a statement limits KMS use to requests
// that AWS services make on the principal's behalf, with exact service
// names.
func viaServiceBound(st statement) bool {
	for op, kv := range st.Condition {
		if vals, ok := kv["kms:ViaService"]; ok && binding(op) && len(vals) > 0 &&
			!slices.ContainsFunc(vals, func(v string) bool { return strings.ContainsAny(v, "*?") }) {
			return true
		}
	}
	return false
}

var _ = register(
	&Check{
		ID: "STRATA-IAM-014", Title: "Sensitive actions name the resources they reach", Severity: High,
		Controls: []string{"FSBP IAM.21", "CKV_AWS_355", "(least privilege)"}, Types: identityTypes,
		Fix: "Name the secret, database user, role, parameter, log group or key: the ARN strata's grants give, not a wildcard.",
		eval: func(e *env) []Finding {
			return e.eachIdentityStatement(func(st statement) string {
				for _, s := range sensitive {
					if !st.Allows(s.action) {
						continue
					}
					for _, r := range st.Resource {
						if wildName(s.marker, r) {
							return fmt.Sprintf("statement %q allows %s on %s: %s", st.Sid, s.action, r, s.every)
						}
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-IAM-015", Title: "Keys decrypt only through the service that needs them", Severity: Medium,
		Controls: []string{"(least privilege)", "AWS KMS kms:ViaService"}, Types: identityTypes,
		Fix: "Add kms:ViaService (StringEquals, exact service endpoints such as secretsmanager.<region>.amazonaws.com) to statements that let a role decrypt.",
		eval: func(e *env) []Finding {
			return e.eachIdentityStatement(func(st statement) string {
				if (st.Allows("kms:Decrypt") || st.Allows("kms:GenerateDataKey")) && !viaServiceBound(st) {
					return fmt.Sprintf("statement %q lets the role use the key directly, not only through a named service", st.Sid)
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-EC2-001", Title: "Instances require IMDSv2", Severity: High,
		Controls: []string{"FSBP EC2.8", "CKV_AWS_79", "AVD-AWS-0028"}, Types: []string{ec2InstanceType, launchTemplateType},
		Fix: "Set metadataOptions.httpTokens to required (or httpEndpoint to disabled).",
		eval: func(e *env) []Finding {
			return e.each([]string{ec2InstanceType, launchTemplateType}, func(r *model.Resource) (string, bool) {
				if e.str(r, "metadataOptions.httpTokens") == "required" || e.str(r, "metadataOptions.httpEndpoint") == "disabled" {
					return "", false
				}
				return "allows IMDSv1: a server-side request forgery can read the instance role's credentials", false
			})
		},
	},
	&Check{
		ID: "STRATA-EC2-002", Title: "Instance volumes are encrypted", Severity: High,
		Controls: []string{"FSBP EC2.3", "CKV_AWS_8", "CKV_AWS_3"}, Types: []string{ec2InstanceType, ebsVolumeType, ebsDefaultType},
		Fix: "Set encrypted on the root and EBS block devices (or turn on EBS encryption by default for the account).",
		eval: func(e *env) []Finding {
			byDefault := false
			for _, d := range e.idx.ByType(ebsDefaultType) {
				if v, present, _ := e.input(d, "enabled"); !present || v == true {
					byDefault = true
				}
			}
			return e.each([]string{ec2InstanceType, ebsVolumeType}, func(r *model.Resource) (string, bool) {
				if byDefault {
					return "", false
				}
				if r.Type == ebsVolumeType {
					if !e.boolean(r, "encrypted") {
						return "the volume is not encrypted", false
					}
					return "", false
				}
				if !e.boolean(r, "rootBlockDevice.encrypted") {
					return "its root volume is not encrypted", false
				}
				for i := range e.list(r, "ebsBlockDevices") {
					if !e.boolean(r, fmt.Sprintf("ebsBlockDevices.%d.encrypted", i)) {
						return fmt.Sprintf("EBS volume %d is not encrypted", i), false
					}
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-EC2-003", Title: "No instance forwards traffic for the whole Internet", Severity: Critical,
		Controls: []string{"(open proxy)", "FSBP EC2.18"}, Types: []string{ec2InstanceType, ingressType, sgRuleType, sgType},
		Fix: "Admit only the private subnets (or their groups) to a NAT instance, never 0.0.0.0/0.",
		eval: func(e *env) []Finding {
			rules := e.rules()
			return e.each([]string{ec2InstanceType}, func(r *model.Resource) (string, bool) {
				if v, present, known := e.input(r, "sourceDestCheck"); !present || !known || v != false {
					return "", false
				}
				groups := append(e.strings(r, "vpcSecurityGroupIds"), e.strings(r, "securityGroups")...)
				for _, x := range rules {
					if w := x.World(); x.Ingress && w != "" && slices.Contains(groups, x.Group) {
						return fmt.Sprintf("forwards traffic (sourceDestCheck off) and its group %s admits %s on %s: an open proxy", x.Group, w, x.Ports()), false
					}
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-EC2-004", Title: "No NAT instance in production", Severity: High,
		Controls: []string{"(availability)", "AWS NAT gateway vs NAT instance comparison"}, Types: []string{ec2InstanceType},
		Fix: "Use NAT gateways in production (strata:network.natGateways perAz); a NAT instance is one host in one AZ that you patch.",
		eval: func(e *env) []Finding {
			if !e.opts.Production {
				return nil
			}
			return e.each([]string{ec2InstanceType}, func(r *model.Resource) (string, bool) {
				if v, present, known := e.input(r, "sourceDestCheck"); present && known && v == false {
					return "forwards traffic (sourceDestCheck off) in production: one instance in one AZ is the way out of every private subnet", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-EC2-005", Title: "Forwarding instances recover and alarm on failed status checks", Severity: Medium,
		Controls: []string{"(availability)", "AWS EC2 recover and reboot alarm actions"}, Types: []string{ec2InstanceType, alarmType},
		Fix: "Alarm on StatusCheckFailed_System with the ec2:recover action (and StatusCheckFailed_Instance with ec2:reboot); keep maintenanceOptions.autoRecovery at default.",
		eval: func(e *env) []Finding {
			return e.each([]string{ec2InstanceType}, func(r *model.Resource) (string, bool) {
				if v, present, known := e.input(r, "sourceDestCheck"); !present || !known || v != false {
					return "", false
				}
				if e.str(r, "maintenanceOptions.autoRecovery") == "disabled" {
					return "forwards traffic for other hosts with automatic recovery disabled", false
				}
				recovers := false
				for _, a := range e.idx.ByType(alarmType) {
					if id, _, _ := e.input(a, "dimensions.InstanceId"); id == nil || id != r.ID {
						continue
					}
					if m := e.str(a, "metricName"); m != "StatusCheckFailed_System" && m != "StatusCheckFailed" {
						continue
					}
					for _, act := range e.strings(a, "alarmActions") {
						if strings.HasPrefix(act, "arn:") && strings.HasSuffix(act, ":ec2:recover") {
							recovers = true
						}
					}
				}
				if !recovers {
					return "forwards traffic for other hosts but no alarm recovers it when its system status check fails: its subnets lose their way out unnoticed", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-SG-009", Title: "Egress to the Internet only on 443 and 80", Severity: Medium,
		Controls: []string{"CKV_AWS_382", "(least reach)"}, Types: []string{egressType, sgRuleType, sgType},
		Fix: "Reach databases and other tiers by security-group reference; keep egress to 0.0.0.0/0 to 443 (and 80).",
		eval: func(e *env) []Finding {
			return e.eachRule(func(x rule) string {
				if w := x.World(); !x.Ingress && w != "" && !x.AllPorts && !(x.From == x.To && (x.From == 443 || x.From == 80)) {
					return fmt.Sprintf("allows %s out to %s", x.Ports(), w)
				}
				return ""
			})
		},
	},
)

var _ = register(&Check{
	ID: "STRATA-S3-011", Title: "Log delivery writes only under AWSLogs/<account>/", Severity: High,
	Controls: []string{"(least privilege)", "AWS ELB access logs bucket policy"}, Types: []string{bucketPolType},
	Fix: "Limit the load balancers' log delivery (and any other account) to the bucket's AWSLogs/<account>/ keys.",
	eval: func(e *env) []Finding {
		return e.each([]string{bucketPolType}, func(r *model.Resource) (string, bool) {
			doc, msg, unknown := e.policyAt(r, "policy")
			if msg != "" {
				return msg, unknown
			}
			for _, st := range doc.Statement {
				if st.Effect != "Allow" || !st.Allows("s3:PutObject") {
					continue
				}
				for _, p := range st.Principals() {
					acct := accountOf(p)
					foreign := strings.HasPrefix(p, "AWS:") && acct != "" && acct != e.p.Account
					if p != "Service:logdelivery.elasticloadbalancing.amazonaws.com" && !foreign {
						continue
					}
					for _, res := range st.Resource {
						if !strings.Contains(res, "AWSLogs/"+e.p.Account+"/") {
							return fmt.Sprintf("statement %q lets %s write %s, beyond AWSLogs/%s/", st.Sid, strings.TrimPrefix(strings.TrimPrefix(p, "AWS:"), "Service:"), res, e.p.Account), false
						}
					}
				}
			}
			return "", false
		})
	},
})
