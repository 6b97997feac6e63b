package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/strata-infra/strata/internal/tags"
	"github.com/strata-infra/strata/plan"
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
			return e.each([]string{trailType}, func(r *plan.Resource) (string, bool) {
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
			return e.each([]string{trailType}, func(r *plan.Resource) (string, bool) {
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
			return e.each([]string{trailType}, func(r *plan.Resource) (string, bool) {
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
			return e.each([]string{detectorType}, func(r *plan.Resource) (string, bool) {
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
			for _, s := range e.p.ByType(statusType) {
				enabled[e.str(s, "name")] = e.boolean(s, "isEnabled")
			}
			channels := len(e.p.ByType(channelType))
			return e.each([]string{recorderType}, func(r *plan.Resource) (string, bool) {
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
func (e *env) missingTags(r *plan.Resource) string {
	have := map[string]bool{}
	if prov := e.p.ByURN(r.Provider); prov != nil {
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

// suppression marks findings that are correct by design.
type suppression struct {
	check string
	// match returns the justification when the finding is correct by design.
	match func(e *env, r *plan.Resource) string
}

var suppressions = []suppression{
	{"STRATA-SG-004", func(e *env, r *plan.Resource) string {
		if !slices.Contains(e.groupsOfLoadBalancers(), e.str(r, "securityGroupId")) {
			return ""
		}
		if e.httpOnlyRedirects() {
			return "The load balancer's port 80 answers only with a 301 redirect to HTTPS (FSBP ELB.1); closing it would break http:// links."
		}
		if !e.opts.Production && e.httpWarned() {
			return "Outside production without a certificate, the load balancer serves plain HTTP on 80: chosen by the stack and marked with strata:warning."
		}
		return ""
	}},
	{"STRATA-ALB-007", func(e *env, r *plan.Resource) string {
		// Verified, not assumed: the load balancer has groups, and what
		// they admit from the world is 443 and 80 alone.
		groups := e.list(r, "securityGroups")
		if len(groups) == 0 {
			return ""
		}
		for _, id := range groups {
			for _, x := range e.rules() {
				if x.ingress && x.group == fmt.Sprint(id) && x.world() != "" && (x.allPorts || !(x.from == x.to && (x.from == 80 || x.from == 443))) {
					return ""
				}
			}
		}
		return "The load balancer is the application's public entry point: internet-facing by design, admitting the world only on 443 and 80, and reaching only the app port."
	}},
	{"STRATA-ALB-001", func(e *env, r *plan.Resource) string {
		if _, warned := r.Input("tags." + tags.Warning); warned && !e.opts.Production {
			return "A non-production stack without a certificate serves plain HTTP by choice; the listener is marked with strata:warning and production requires a certificate."
		}
		return ""
	}},
	{"STRATA-IAM-006", func(e *env, r *plan.Resource) string {
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
		return "The cross-account deploy role is trusted by one named account or role by design, only with sts:ExternalId and for one-hour sessions (CKV_AWS_61)."
	}},
	{"STRATA-IAM-010", func(e *env, r *plan.Resource) string {
		if r.Type != attachmentType {
			return ""
		}
		for _, role := range e.p.ByType(roleType) {
			if role.ID == e.str(r, "role") || e.str(role, "name") == e.str(r, "role") {
				if w := e.str(role, "tags."+tags.Warning); strings.Contains(w, "administrator") {
					return "Granted on purpose (AllowAdministratorAccess): the role carries a strata:warning tag saying so, and strata plan lists it."
				}
			}
		}
		return ""
	}},
	{"STRATA-S3-003", func(e *env, r *plan.Resource) string {
		if e.accessLogTarget(r) {
			return "An access-log target encrypts with SSE-S3: S3 server access logging and ELB access logs cannot deliver to an SSE-KMS bucket (AWS documents both); it holds only access logs, and its policy denies other encryption."
		}
		return ""
	}},
	{"STRATA-API-003", func(e *env, r *plan.Resource) string {
		api := e.str(r, "apiId")
		for _, s := range e.p.ByType(stageType) {
			if e.str(s, "apiId") == api && e.str(s, "accessLogSettings.destinationArn") != "" && e.number(s, "defaultRouteSettings.throttlingRateLimit") > 0 {
				return "A public API is the stack's documented choice (set strata:api.jwtIssuer to require a JWT); its stage throttles and logs every request."
			}
		}
		return ""
	}},
}

// suppressed returns the justification of a finding that is correct by
// design, or "".
func suppressed(e *env, check string, f Finding) string {
	r := e.p.ByURN(f.URN)
	if r == nil || f.Status != StatusFail {
		return ""
	}
	for _, s := range suppressions {
		if s.check == check {
			if why := s.match(e, r); why != "" {
				return why
			}
		}
	}
	return ""
}

// httpOnlyRedirects reports whether every HTTP listener redirects to HTTPS.
func (e *env) httpOnlyRedirects() bool {
	any := false
	for _, l := range e.p.ByType(listenerType) {
		if e.str(l, "protocol") == "HTTP" {
			any = true
			if e.str(l, "defaultActions.0.type") != "redirect" || e.str(l, "defaultActions.0.redirect.protocol") != "HTTPS" {
				return false
			}
		}
	}
	return any
}

// httpWarned reports whether a plain-HTTP listener carries strata:warning.
func (e *env) httpWarned() bool {
	for _, l := range e.p.ByType(listenerType) {
		if _, ok := l.Input("tags." + tags.Warning); ok && e.str(l, "protocol") == "HTTP" {
			return true
		}
	}
	return false
}

// accessLogTarget reports whether a bucket is an access-log target: it
// encrypts with SSE-S3 and its policy lets S3 server access logging or
// ELB log delivery write to it.
func (e *env) accessLogTarget(b *plan.Resource) bool {
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
