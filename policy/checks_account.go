package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/strata-infra/strata/plan/model"
)

const (
	trailType    = "aws:cloudtrail/trail:Trail"
	detectorType = "aws:guardduty/detector:Detector"
	recorderType = "aws:cfg/recorder:Recorder"
	statusType   = "aws:cfg/recorderStatus:RecorderStatus"
	channelType  = "aws:cfg/deliveryChannel:DeliveryChannel"
)

// CostTags are the tags every resource carries.
var CostTags = []string{"Project", "Environment", "ManagedBy", "Owner", "CostCenter"}

var _ = register(
	&Check{
		ID: "STRATA-ACC-001", Title: "Trails cover every Region, with log file validation", Severity: High,
		Controls: []string{"FSBP CloudTrail.1", "FSBP CloudTrail.4", "CIS 3.1", "CIS 3.2"}, Types: []string{trailType},
		Fix: "Set isMultiRegionTrail, includeGlobalServiceEvents and enableLogFileValidation, and record management events.",
		eval: func(e *env) []Finding {
			return e.each([]string{trailType}, func(r *model.Resource) (string, bool) {
				switch {
				case !e.boolean(r, "isMultiRegionTrail") || !e.boolean(r, "includeGlobalServiceEvents"):
					return "does not cover every Region and global services", false
				case !e.boolean(r, "enableLogFileValidation"):
					return "does not validate its log files", false
				case e.str(r, "eventSelectors.0.readWriteType") != "All" && len(e.list(r, "advancedEventSelectors")) == 0:
					return "does not record read and write management events", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ACC-002", Title: "Trails are encrypted with a customer-managed key", Severity: High,
		Controls: []string{"FSBP CloudTrail.2", "CIS 3.5"}, Types: []string{trailType},
		Fix: "Set kmsKeyId (the baseline uses its log bucket's key).",
		eval: func(e *env) []Finding {
			return e.each([]string{trailType}, func(r *model.Resource) (string, bool) {
				if e.str(r, "kmsKeyId") == "" {
					return "is encrypted only with S3's key", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ACC-003", Title: "Trails deliver to CloudWatch Logs", Severity: Medium,
		Controls: []string{"FSBP CloudTrail.5"}, Types: []string{trailType},
		Fix: "Set cloudWatchLogsGroupArn and cloudWatchLogsRoleArn.",
		eval: func(e *env) []Finding {
			return e.each([]string{trailType}, func(r *model.Resource) (string, bool) {
				if e.str(r, "cloudWatchLogsGroupArn") == "" || e.str(r, "cloudWatchLogsRoleArn") == "" {
					return "does not deliver to CloudWatch Logs", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ACC-004", Title: "GuardDuty is enabled", Severity: High,
		Controls: []string{"FSBP GuardDuty.1"}, Types: []string{detectorType},
		Fix: "Set enable on the detector.",
		eval: func(e *env) []Finding {
			return e.each([]string{detectorType}, func(r *model.Resource) (string, bool) {
				if v, has, _ := e.input(r, "enable"); has && v == false {
					return "is suspended", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-ACC-005", Title: "Config records every resource, delivers and is on", Severity: High,
		Controls: []string{"FSBP Config.1", "CIS 3.3"}, Types: []string{recorderType, statusType, channelType},
		Fix: "Record allSupported with includeGlobalResourceTypes, add a delivery channel and enable the recorder.",
		eval: func(e *env) []Finding {
			enabled := map[string]bool{}
			for _, s := range e.idx.ByType(statusType) {
				enabled[e.str(s, "name")] = e.boolean(s, "isEnabled")
			}
			channels := len(e.idx.ByType(channelType))
			return e.each([]string{recorderType}, func(r *model.Resource) (string, bool) {
				switch {
				case !e.boolean(r, "recordingGroup.allSupported") || !e.boolean(r, "recordingGroup.includeGlobalResourceTypes"):
					return "does not record every resource type, global ones included", false
				case channels == 0:
					return "has no delivery channel", false
				case !enabled[e.str(r, "name")]:
					return "is not enabled", false
				}
				return "", false
			})
		},
	},
	&Check{
		ID: "STRATA-TAG-001", Title: "Every resource carries the cost tags", Severity: Low,
		Controls: []string{"(cost allocation)"}, Types: []string{"aws:* that take tags"},
		Fix: "Create AWS resources with a provider whose defaultTags hold " + strings.Join(CostTags, ", ") + " (stacks does).",
		eval: func(e *env) []Finding {
			var out []Finding
			for _, r := range e.p.Resources {
				// Only types whose Args take tags can carry them (taggable.go,
				// generated from the provider's SDKs).
				if !r.Custom || r.Read || !taggable[r.Type] {
					continue
				}
				if f := e.judge(r, func() (string, bool) { return e.missingTags(r), false }); f != nil {
					out = append(out, *f)
				}
			}
			return out
		},
	},
)

// missingTags names the cost tags r carries neither itself nor through its
// provider's default tags (a default provider's come from aws:defaultTags).
func (e *env) missingTags(r *model.Resource) string {
	have := map[string]bool{}
	if prov := e.idx.ByURN(r.Provider); prov != nil {
		for k := range e.object(prov, "defaultTags.tags") {
			have[k] = true
		}
	} else if raw := e.p.Config["aws:defaultTags"]; raw != "" {
		var d struct{ Tags map[string]any }
		if json.Unmarshal([]byte(raw), &d) == nil {
			for k := range d.Tags {
				have[k] = true
			}
		}
	}
	for k := range e.object(r, "tags") {
		have[k] = true
	}
	var missing []string
	for _, t := range CostTags {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "lacks the tags " + strings.Join(missing, ", ")
}

// evidence are the checks whose suppression the checker verifies: a
// suppression of one of them (a tag or a file entry, see suppress.go) is
// honoured only when the plan shows what its function describes, which
// the report gives beside the reason; "" means the evidence does not hold.
var evidence = map[string]func(e *env, r *model.Resource) string{
	"STRATA-SG-004": func(e *env, r *model.Resource) string {
		if !slices.Contains(e.groupsOfLoadBalancers(), e.str(r, "securityGroupId")) {
			return ""
		}
		if e.httpOnlyRedirects() {
			return "the rule is on a load balancer's group, and every HTTP listener of the plan redirects to HTTPS"
		}
		if !e.opts.Production {
			return "the rule is on a load balancer's group, outside production"
		}
		return ""
	},
	"STRATA-ALB-007": func(e *env, r *model.Resource) string {
		// Verified, not assumed: the load balancer has groups, and what
		// they admit from the world is 443 and 80 alone.
		groups := e.list(r, "securityGroups")
		if len(groups) == 0 {
			return ""
		}
		for _, id := range groups {
			for _, x := range e.rules() {
				if x.Ingress && x.Group == fmt.Sprint(id) && x.World() != "" && (x.AllPorts || !(x.From == x.To && (x.From == 80 || x.From == 443))) {
					return ""
				}
			}
		}
		return "its security groups admit the world on 443 and 80 only"
	},
	"STRATA-ALB-001": func(e *env, r *model.Resource) string {
		if e.opts.Production {
			return ""
		}
		return "the stack is not production"
	},
	"STRATA-IAM-006": func(e *env, r *model.Resource) string {
		doc, msg, _ := e.trustStatements(r)
		if msg != "" || e.number(r, "maxSessionDuration") > 3600 {
			return ""
		}
		for _, st := range doc.Statement {
			for _, p := range st.Principals() {
				if strings.HasPrefix(p, "AWS:") && st.Condition["StringEquals"]["sts:ExternalId"] == nil {
					return ""
				}
			}
		}
		return "every account principal it trusts must give sts:ExternalId, for sessions of at most an hour"
	},
	"STRATA-S3-003": func(e *env, r *model.Resource) string {
		if e.accessLogTarget(r) {
			return "the bucket encrypts with SSE-S3 and its policy lets only S3 server access logging or ELB log delivery write to it"
		}
		return ""
	},
	"STRATA-API-003": func(e *env, r *model.Resource) string {
		api := e.str(r, "apiId")
		for _, s := range e.idx.ByType(stageType) {
			if e.str(s, "apiId") == api && e.str(s, "accessLogSettings.destinationArn") != "" && e.number(s, "defaultRouteSettings.throttlingRateLimit") > 0 {
				return "its API's stage throttles and logs every request"
			}
		}
		return ""
	},
}

// httpOnlyRedirects reports whether every HTTP listener redirects to HTTPS.
func (e *env) httpOnlyRedirects() bool {
	any := false
	for _, l := range e.idx.ByType(listenerType) {
		if e.listenerProtocol(l) == "HTTP" {
			any = true
			if e.str(l, "defaultActions.0.type") != "redirect" || e.str(l, "defaultActions.0.redirect.protocol") != "HTTPS" {
				return false
			}
		}
	}
	return any
}

// accessLogTarget reports whether a bucket is an access-log target: it
// encrypts with SSE-S3 and its policy lets S3 server access logging or
// ELB log delivery write to it.
func (e *env) accessLogTarget(b *model.Resource) bool {
	sse := e.sideOf(sseTypes...)[b.ID]
	pol := e.sideOf(bucketPolType)[b.ID]
	if sse == nil || pol == nil || e.str(sse, "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm") != "AES256" {
		return false
	}
	doc, msg, _ := e.policyAt(pol, "policy")
	if msg != "" {
		return false
	}
	for _, st := range doc.Statement {
		for _, p := range st.Principals() {
			if st.Effect == "Allow" && (p == "Service:logging.s3.amazonaws.com" || p == "Service:logdelivery.elasticloadbalancing.amazonaws.com") {
				return true
			}
		}
	}
	return false
}
