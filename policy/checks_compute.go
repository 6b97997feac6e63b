package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/strata-infra/strata/internal/lambdaruntime"
	"github.com/strata-infra/strata/plan/model"
)

const (
	lbType         = "aws:lb/loadBalancer:LoadBalancer"
	listenerType   = "aws:lb/listener:Listener"
	ecsServiceType = "aws:ecs/service:Service"
	ecsClusterType = "aws:ecs/cluster:Cluster"
	functionType   = "aws:lambda/function:Function"
	permissionType = "aws:lambda/permission:Permission"
	stageType      = "aws:apigatewayv2/stage:Stage"
	routeType      = "aws:apigatewayv2/route:Route"
)

// secretName looks like the name of something that must not be plain.
var secretName = regexp.MustCompile(`(?i)(password|passwd|secret|token|api_?key|private_?key|credential)`)

// containers parses a task definition's container definitions.
func (e *env) containers(r *model.Resource) ([]map[string]any, string, bool) {
	v, present, known := e.input(r, "containerDefinitions")
	if !present {
		return nil, "has no container definitions", false
	}
	if !known {
		return nil, unknownMsg("the container definitions"), true
	}
	var out []map[string]any
	if err := json.Unmarshal([]byte(fmt.Sprint(v)), &out); err != nil {
		return nil, fmt.Sprintf("container definitions do not parse: %v", err), false
	}
	return out, "", false
}

// eachContainer runs f over every container of every task definition.
func (e *env) eachContainer(f func(c map[string]any) string) []Finding {
	return e.each([]string{taskDefType}, func(r *model.Resource) (string, bool) {
		cs, msg, unknown := e.containers(r)
		if msg != "" {
			return msg, unknown
		}
		for _, c := range cs {
			if m := f(c); m != "" {
				return fmt.Sprintf("container %v %s", c["name"], m), false
			}
		}
		return "", false
	})
}

var _ = register(
	&Check{
		ID: "STRATA-ALB-001", Title: "HTTP redirects to HTTPS", Severity: High,
		Controls: []string{"FSBP ELB.1", "CKV2_AWS_20", "AVD-AWS-0054"}, Types: []string{listenerType},
		Fix:      "Give the load balancer a certificate: port 80 then answers with a 301 to HTTPS.",
		Settings: []string{"appservice.CertificateARN"},
		eval: func(e *env) []Finding {
			return e.each([]string{listenerType}, func(r *model.Resource) (string, bool) {
				if e.listenerProtocol(r) != "HTTP" {
					return "", false
				}
				if e.str(r, "defaultActions.0.type") != "redirect" || e.str(r, "defaultActions.0.redirect.protocol") != "HTTPS" {
					return "serves plain HTTP instead of redirecting to HTTPS", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ALB-002", Title: "HTTPS listeners use a TLS 1.3 policy", Severity: High,
		Controls: []string{"FSBP ELB.17", "CKV_AWS_103", "AVD-AWS-0047"}, Types: []string{listenerType},
		Fix: "Set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 or stricter.",
		eval: func(e *env) []Finding {
			return e.each([]string{listenerType}, func(r *model.Resource) (string, bool) {
				if p := e.listenerProtocol(r); p == "HTTPS" || p == "TLS" {
					if policy := e.str(r, "sslPolicy"); !strings.HasPrefix(policy, "ELBSecurityPolicy-TLS13-") {
						return fmt.Sprintf("uses TLS policy %q (empty means AWS's TLS 1.0 default)", policy), false
					}
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ALB-003", Title: "Load balancers drop invalid header fields", Severity: Medium,
		Controls: []string{"FSBP ELB.4", "CKV_AWS_131"}, Types: []string{lbType},
		Fix: "Set dropInvalidHeaderFields to true.",
		eval: func(e *env) []Finding {
			return e.each([]string{lbType}, func(r *model.Resource) (string, bool) {
				if e.str(r, "loadBalancerType") != "network" && !e.boolean(r, "dropInvalidHeaderFields") {
					return "passes invalid header fields to the targets", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ALB-004", Title: "Load balancers are protected from deletion in production", Severity: Medium,
		Controls: []string{"FSBP ELB.6", "CKV_AWS_150"}, Types: []string{lbType},
		Fix: "Set enableDeletionProtection (the prod profile does).",
		eval: func(e *env) []Finding {
			if !e.opts.Production {
				return nil
			}
			return e.each([]string{lbType}, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "enableDeletionProtection") {
					return "can be deleted in production", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ALB-005", Title: "Desync mitigation is defensive or strictest", Severity: Low,
		Controls: []string{"FSBP ELB.12"}, Types: []string{lbType},
		Fix: "Set desyncMitigationMode to defensive or strictest.",
		eval: func(e *env) []Finding {
			return e.each([]string{lbType}, func(r *model.Resource) (string, bool) {
				if m := e.str(r, "desyncMitigationMode"); m == "monitor" {
					return "only monitors HTTP desync attacks", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ALB-006", Title: "Load balancers span two or more Availability Zones", Severity: Medium,
		Controls: []string{"FSBP ELB.13"}, Types: []string{lbType},
		Fix:      "Place the load balancer in subnets of at least two AZs.",
		Settings: []string{"network.AvailabilityZones"},
		eval: func(e *env) []Finding {
			return e.each([]string{lbType}, func(r *model.Resource) (string, bool) {
				if _, _, known := e.input(r, "subnets"); !known {
					return unknownMsg("the load balancer's subnets"), true
				}
				if n := len(e.list(r, "subnets")); n < 2 {
					return fmt.Sprintf("is in %d subnet(s)", n), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ALB-007", Title: "Load balancers are internal", Severity: Low,
		Controls: []string{"AVD-AWS-0053"}, Types: []string{lbType},
		Fix: "Make the load balancer internal unless it is the public entry point.",
		eval: func(e *env) []Finding {
			return e.each([]string{lbType}, func(r *model.Resource) (string, bool) {
				if !e.boolean(r, "internal") {
					return "is internet-facing", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ECS-001", Title: "ECS services assign no public IP", Severity: High,
		Controls: []string{"FSBP ECS.2", "CKV_AWS_333"}, Types: []string{ecsServiceType},
		Fix: "Set networkConfiguration.assignPublicIp to false and use private subnets.",
		eval: func(e *env) []Finding {
			return e.each([]string{ecsServiceType}, func(r *model.Resource) (string, bool) {
				if e.boolean(r, "networkConfiguration.assignPublicIp") {
					return "gives its tasks public IPs", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ECS-002", Title: "Containers are not privileged", Severity: High,
		Controls: []string{"FSBP ECS.4", "CKV_AWS_334"}, Types: []string{taskDefType},
		Fix: "Remove privileged: true.",
		eval: func(e *env) []Finding {
			return e.eachContainer(func(c map[string]any) string {
				if c["privileged"] == true {
					return "is privileged"
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-ECS-003", Title: "Containers have a read-only root filesystem", Severity: High,
		Controls: []string{"FSBP ECS.5", "CKV_AWS_336"}, Types: []string{taskDefType},
		Fix: "Set readonlyRootFilesystem and mount a scratch volume where the app must write.",
		eval: func(e *env) []Finding {
			return e.eachContainer(func(c map[string]any) string {
				if c["readonlyRootFilesystem"] != true {
					return "can write to its root filesystem"
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-ECS-004", Title: "Secrets reach containers through valueFrom, never the environment", Severity: High,
		Controls: []string{"FSBP ECS.8", "AVD-AWS-0036"}, Types: []string{taskDefType},
		Fix: "Move the value to Secrets Manager and pass it as a secret with valueFrom.",
		eval: func(e *env) []Finding {
			return e.eachContainer(func(c map[string]any) string {
				env, _ := c["environment"].([]any)
				for _, kv := range env {
					if m, _ := kv.(map[string]any); secretName.MatchString(fmt.Sprint(m["name"])) {
						return fmt.Sprintf("has %v in plain environment", m["name"])
					}
				}
				secrets, _ := c["secrets"].([]any)
				for _, s := range secrets {
					if m, _ := s.(map[string]any); !strings.HasPrefix(fmt.Sprint(m["valueFrom"]), "arn:") {
						return fmt.Sprintf("takes secret %v from %v, not an ARN", m["name"], m["valueFrom"])
					}
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-ECS-005", Title: "Containers log", Severity: Medium,
		Controls: []string{"FSBP ECS.9"}, Types: []string{taskDefType},
		Fix: "Configure a log driver (awslogs) for every container.",
		eval: func(e *env) []Finding {
			return e.eachContainer(func(c map[string]any) string {
				if lc, _ := c["logConfiguration"].(map[string]any); lc["logDriver"] == nil || lc["logDriver"] == "" {
					return "has no log configuration"
				}
				return ""
			})
		},
	},
	&Check{
		ID: "STRATA-ECS-006", Title: "Fargate services run on the latest platform", Severity: Low,
		Controls: []string{"FSBP ECS.10", "CKV_AWS_332"}, Types: []string{ecsServiceType},
		Fix: "Set platformVersion to LATEST.",
		eval: func(e *env) []Finding {
			return e.each([]string{ecsServiceType}, func(r *model.Resource) (string, bool) {
				if v := e.str(r, "platformVersion"); e.str(r, "launchType") == "FARGATE" && v != "" && v != "LATEST" {
					return fmt.Sprintf("pins platform %s", v), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ECS-007", Title: "ECS clusters have Container Insights", Severity: Low,
		Controls: []string{"FSBP ECS.12", "CKV_AWS_65"}, Types: []string{ecsClusterType},
		Fix: "Add the setting containerInsights = enabled.",
		eval: func(e *env) []Finding {
			return e.each([]string{ecsClusterType}, func(r *model.Resource) (string, bool) {
				for _, s := range e.list(r, "settings") {
					if m, _ := s.(map[string]any); m["name"] == "containerInsights" && (m["value"] == "enabled" || m["value"] == "enhanced") {
						return "", false
					}
				}
				return "has no Container Insights", false
			})
		},
	},
	&Check{
		ID: "STRATA-ECS-008", Title: "Tasks use awsvpc networking", Severity: Medium,
		Controls: []string{"FSBP ECS.17"}, Types: []string{taskDefType},
		Fix: "Set networkMode to awsvpc (Fargate requires it).",
		eval: func(e *env) []Finding {
			return e.each([]string{taskDefType}, func(r *model.Resource) (string, bool) {
				if m := e.str(r, "networkMode"); m != "awsvpc" {
					return fmt.Sprintf("uses network mode %q", m), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-LMB-001", Title: "Functions are invoked only by named principals limited to a source", Severity: Critical,
		Controls: []string{"FSBP Lambda.1", "CKV_AWS_301", "CKV_AWS_364", "AVD-AWS-0067"}, Types: []string{permissionType},
		Fix: "Name the service principal and set sourceArn to the calling resource (the API's execution ARN).",
		eval: func(e *env) []Finding {
			return e.each([]string{permissionType}, func(r *model.Resource) (string, bool) {
				principal, source := e.str(r, "principal"), e.str(r, "sourceArn")
				switch {
				case principal == "*":
					return "lets anyone invoke the function", false
				case strings.HasSuffix(principal, ".amazonaws.com") && (source == "" || source == "*"):
					return fmt.Sprintf("lets %s invoke the function for any source", principal), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-LMB-002", Title: "Functions use a supported runtime", Severity: High,
		Controls: []string{"FSBP Lambda.2", "CKV_AWS_363"}, Types: []string{functionType},
		Fix:      "Move to the runtime the message names.",
		Settings: []string{"serverlessapi.Runtime"},
		eval: func(e *env) []Finding {
			return e.each([]string{functionType}, func(r *model.Resource) (string, bool) {
				if rt := e.str(r, "runtime"); rt != "" {
					return lambdaruntime.Problem(rt), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-LMB-003", Title: "Functions trace with X-Ray", Severity: Low,
		Controls: []string{"CKV_AWS_50", "AVD-AWS-0066"}, Types: []string{functionType},
		Fix: "Set tracingConfig.mode to Active.",
		eval: func(e *env) []Finding {
			return e.each([]string{functionType}, func(r *model.Resource) (string, bool) {
				if e.str(r, "tracingConfig.mode") != "Active" {
					return "does not trace with X-Ray", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-LMB-004", Title: "Functions in a VPC span two or more subnets", Severity: Medium,
		Controls: []string{"FSBP Lambda.5"}, Types: []string{functionType},
		Fix:      "Give vpcConfig subnets in at least two AZs.",
		Settings: []string{"network.AvailabilityZones"},
		eval: func(e *env) []Finding {
			return e.each([]string{functionType}, func(r *model.Resource) (string, bool) {
				if _, present, known := e.input(r, "vpcConfig.subnetIds"); !present {
					return "", false
				} else if !known {
					return unknownMsg("the function's subnets"), true
				}
				if n := len(e.list(r, "vpcConfig.subnetIds")); n < 2 {
					return fmt.Sprintf("runs in %d subnet(s)", n), false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-API-001", Title: "API stages write access logs", Severity: Medium,
		Controls: []string{"FSBP APIGateway.9", "CKV_AWS_76", "AVD-AWS-0001"}, Types: []string{stageType},
		Fix: "Set accessLogSettings with a destination log group and a format.",
		eval: func(e *env) []Finding {
			return e.each([]string{stageType}, func(r *model.Resource) (string, bool) {
				if e.str(r, "accessLogSettings.destinationArn") == "" || e.str(r, "accessLogSettings.format") == "" {
					return "writes no access log", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-API-002", Title: "API stages throttle", Severity: Low,
		Controls: []string{"(good practice)"}, Types: []string{stageType},
		Fix:      "Set defaultRouteSettings throttling burst and rate limits.",
		Settings: []string{"serverlessapi.ThrottlingBurst", "serverlessapi.ThrottlingRate"},
		eval: func(e *env) []Finding {
			return e.each([]string{stageType}, func(r *model.Resource) (string, bool) {
				if e.number(r, "defaultRouteSettings.throttlingBurstLimit") <= 0 || e.number(r, "defaultRouteSettings.throttlingRateLimit") <= 0 {
					return "does not throttle its default route", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-API-003", Title: "API routes declare authorization", Severity: Low,
		Controls: []string{"FSBP APIGateway.8", "CKV_AWS_309"}, Types: []string{routeType},
		Fix:      "Require an authorizer (strata:api.jwtIssuer), or keep the API public on purpose.",
		Settings: []string{"serverlessapi.Authorizer"},
		eval: func(e *env) []Finding {
			return e.each([]string{routeType}, func(r *model.Resource) (string, bool) {
				if t := e.str(r, "authorizationType"); t == "" || t == "NONE" {
					return "is open to anyone", false
				}
				return "", false
			})
		},
	},
)

// listenerProtocol is a listener's protocol as AWS applies it: the one it
// names, else its load balancer's default (HTTP for an application load
// balancer, TCP for a network one, GENEVE for a gateway one); a load
// balancer the plan does not hold leaves it undecided.
func (e *env) listenerProtocol(l *model.Resource) string {
	if p := e.str(l, "protocol"); p != "" {
		return p
	}
	arn := e.str(l, "loadBalancerArn")
	for _, lb := range e.idx.ByType(lbType) {
		if lb.ID == arn || lb.Outputs["arn"] == arn {
			switch e.str(lb, "loadBalancerType") {
			case "network":
				return "TCP"
			case "gateway":
				return "GENEVE"
			}
			return "HTTP"
		}
	}
	e.undecided(l, "protocol", "is not set, and its load balancer is not in the plan")
	return ""
}
