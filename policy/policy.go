// Package policy is strata's security checklist as code: checks that run
// over a model.Plan, offline, in `go test` and from `strata check`.
//
// Each check has a stable ID, a title, a severity, the controls it maps to
// (AWS Foundational Security Best Practices, CIS, checkov and trivy IDs),
// the resource types it inspects and how to fix what it finds. Checks read
// what the plan really holds: inputs, parsed policy documents, listener
// actions, container definitions, and outputs plan synthesized to join
// resources. A value that is unknown at plan time makes a check say so
// (StatusUnknown) instead of passing. Findings that are correct by design
// are suppressed in code with a written justification, and reported as
// suppressed, never dropped.
package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/strata-infra/strata/internal/iampolicy"
	"github.com/strata-infra/strata/plan/model"
)

// Severity ranks a check.
type Severity string

// The severities, from worst.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Status is what a finding says about a resource.
type Status string

// A finding fails a check, or the check cannot decide.
const (
	StatusFail    Status = "fail"
	StatusUnknown Status = "unknown"
)

// Check is one rule of the checklist.
type Check struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// Controls are the standard IDs the check maps to.
	Controls []string `json:"controls"`
	// Types are the resource types the check inspects.
	Types []string `json:"types"`
	// Fix says what to change when the check fails.
	Fix string `json:"fix"`
	// Settings are the component Args fields that decide what the check
	// inspects, as package.Field (auroradb.BackupRetentionDays): where a
	// caller of strata's components makes the fix. Report.Where puts them
	// in another caller's terms, such as a stack file's config keys.
	Settings []string `json:"settings,omitempty"`
	eval     func(e *env) []Finding
}

// Finding is one resource a check fails, or cannot decide.
type Finding struct {
	Check   string `json:"check"`
	URN     string `json:"urn"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Status  Status `json:"status"`
	Message string `json:"message"`
	// Suppressed findings were accepted by a suppression: Justification is
	// its reason (and, for checks whose suppressions are verified, the
	// evidence), SuppressedBy where it was written.
	Suppressed    bool   `json:"suppressed,omitempty"`
	Justification string `json:"justification,omitempty"`
	SuppressedBy  string `json:"suppressedBy,omitempty"`
}

// Result is one check's outcome.
type Result struct {
	Check *Check `json:"check"`
	// Inspected is how many resources the check looked at; 0 means the
	// check does not apply to this stack.
	Inspected int       `json:"inspected"`
	Findings  []Finding `json:"findings"`
}

// Outcome summarizes a result: "pass", "fail", "unknown", "suppressed" or
// "n/a".
func (r Result) Outcome() string {
	outcome := "pass"
	if r.Inspected == 0 {
		outcome = "n/a"
	}
	for _, f := range r.Findings {
		switch {
		case f.Suppressed:
			if outcome == "pass" || outcome == "n/a" {
				outcome = "suppressed"
			}
		case f.Status == StatusFail:
			return "fail"
		case f.Status == StatusUnknown:
			outcome = "unknown"
		}
	}
	return outcome
}

// Report is a checked plan.
type Report struct {
	Project    string   `json:"project"`
	Stack      string   `json:"stack"`
	Production bool     `json:"production"`
	Resources  int      `json:"resources"`
	Results    []Result `json:"results"`
	// Uninspected counts, by type, the resources of the plan that no check
	// reads: nothing said about them is a pass. "(untyped)" counts
	// resources a saved plan gives no type.
	Uninspected map[string]int `json:"uninspected,omitempty"`
	// Unused are the file's suppressions that matched no finding: stale
	// entries to remove.
	Unused []Suppression `json:"unusedSuppressions,omitempty"`
	// Where names, by check ID, where the user makes each check's fix in
	// their own terms (set by InTermsOf); a check absent here is fixed at
	// its Settings.
	Where map[string][]string `json:"where,omitempty"`
}

// InTermsOf records where the user makes each check's fix: name maps one
// of a check's Settings to what the user writes (a config key), or
// reports false when the user cannot set it.
func (r *Report) InTermsOf(name func(setting string) (string, bool)) {
	r.Where = map[string][]string{}
	for _, res := range r.Results {
		var where []string
		for _, s := range res.Check.Settings {
			if k, ok := name(s); ok && !slices.Contains(where, k) {
				where = append(where, k)
			}
		}
		if len(where) > 0 {
			r.Where[res.Check.ID] = where
		}
	}
}

// settings is where the check's fix is made, in the report's terms.
func (r Report) settings(c *Check) []string {
	if r.Where != nil {
		return r.Where[c.ID]
	}
	return c.Settings
}

// Failures are the unsuppressed failing findings.
func (r Report) Failures() []Finding {
	var out []Finding
	for _, res := range r.Results {
		for _, f := range res.Findings {
			if !f.Suppressed && f.Status == StatusFail {
				out = append(out, f)
			}
		}
	}
	return out
}

// Options say what the plan is.
type Options struct {
	// Production applies the checks that hold only in production (deletion
	// protection, a year of logs, two database instances).
	Production bool
	// Suppressions are the entries of a suppressions file
	// (ReadSuppressions); tags on resources suppress too.
	Suppressions []Suppression
}

// Checks returns every check, ordered by ID.
func Checks() []*Check {
	out := slices.Clone(all)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the check with the given ID, or nil.
func Lookup(id string) *Check {
	for _, c := range all {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Evaluate runs every check over p.
func Evaluate(p *model.Plan, opts Options) Report {
	return EvaluateChecks(p, opts, Checks()...)
}

// EvaluateChecks runs the given checks over p.
func EvaluateChecks(p *model.Plan, opts Options, checks ...*Check) Report {
	e := &env{p: p, idx: model.NewIndex(p), opts: opts, used: map[string]bool{}}
	rep := Report{Project: p.Project, Stack: p.Stack, Production: opts.Production, Resources: len(p.Resources)}
	for _, c := range checks {
		e.start()
		findings := c.eval(e)
		for i := range findings {
			findings[i].Check = c.ID
			switch s, refused := e.suppression(c.ID, findings[i]); {
			case s == nil:
			case refused != "":
				findings[i].Message += fmt.Sprintf(" (suppressed by %s, not honoured: %s)", s.Source, refused)
			default:
				findings[i].Suppressed, findings[i].Justification, findings[i].SuppressedBy = true, s.Reason, s.Source
			}
		}
		rep.Results = append(rep.Results, Result{Check: c, Inspected: e.inspected, Findings: findings})
	}
	rep.Uninspected = uninspected(p, e.idx, checks)
	for _, s := range opts.Suppressions {
		if !e.used[s.Source] {
			rep.Unused = append(rep.Unused, s)
		}
	}
	return rep
}

// uninspected counts the plan's resources whose type no check reads:
// custom resources other than providers (components are read through
// their children), and any resource without a type.
func uninspected(p *model.Plan, idx *model.Index, checks []*Check) map[string]int {
	read := map[string]bool{}
	for _, c := range checks {
		for _, t := range c.Types {
			read[t] = true
		}
	}
	out := map[string]int{}
	for _, r := range p.Resources {
		switch {
		case r.Type == "":
			out["(untyped)"]++
		case r.Remote && len(idx.Children(r.URN)) == 0:
			// A component whose provider did not run: what it creates was
			// never seen.
			out[r.Type+" (not constructed)"]++
		case r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") && !read[r.Type]:
			out[r.Type]++
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// env is what a check sees: the plan, the options, and the one reader of
// the plan's values, which remembers every value it could not read.
type env struct {
	p         *model.Plan
	idx       *model.Index // p's lookups
	opts      Options
	inspected int
	// undecided are the values read since the check started (context) and
	// since it began judging the current resource (reads) that were not
	// known, or not of the shape AWS takes: a check that read one cannot
	// pass or fail the resource, only say it cannot decide.
	context, reads []string
	// used are the file suppressions that matched, by source.
	used map[string]bool
	// parsed are the policy documents read so far, by their JSON: many
	// checks read the same policies, which are parsed once. Checks only
	// read them.
	parsed map[string]parsedDoc
}

type parsedDoc struct {
	doc document
	err error
}

// start begins a check: nothing read yet.
func (e *env) start() { e.inspected, e.context, e.reads = 0, nil, nil }

// judge runs f on r and turns what it says into a finding, or none: a
// non-empty message fails r, unknown marks it undecided, and so does any
// value f (or the check before it) could not read, whatever f said.
func (e *env) judge(r *model.Resource, f func() (msg string, unknown bool)) *Finding {
	e.context = append(e.context, e.reads...)
	e.reads = nil
	e.inspected++
	msg, unknown := f()
	undecided := slices.Concat(e.context, e.reads)
	e.reads = nil
	if len(undecided) > 0 && !unknown {
		slices.Sort(undecided)
		why := "cannot decide at plan time: " + strings.Join(slices.Compact(undecided), "; ")
		if msg != "" {
			why += " (with what is known: " + msg + ")"
		}
		msg, unknown = why, true
	}
	if msg == "" {
		return nil
	}
	status := StatusFail
	if unknown {
		status = StatusUnknown
	}
	return &Finding{URN: r.URN, Type: r.Type, Name: r.Name, Status: status, Message: msg}
}

// each judges every resource of the given types with f.
func (e *env) each(types []string, f func(r *model.Resource) (msg string, unknown bool)) []Finding {
	var out []Finding
	for _, typ := range types {
		for _, r := range e.idx.ByType(typ) {
			if fd := e.judge(r, func() (string, bool) { return f(r) }); fd != nil {
				out = append(out, *fd)
			}
		}
	}
	return out
}

// undecided records that the value at path of r could not be read.
func (e *env) undecided(r *model.Resource, path, why string) {
	e.reads = append(e.reads, fmt.Sprintf("%s of %s %q %s", path, r.Type, r.Name, why))
}

// input returns the input at path with secrets revealed, and whether it is
// there and known; an unknown value is recorded as undecided.
func (e *env) input(r *model.Resource, path string) (v any, present, known bool) {
	v, present = r.Input(path)
	if !present {
		v, present = partlyUnknown(r, path)
	}
	for {
		s, ok := v.(model.Secret)
		if !ok {
			break
		}
		v = s.Reveal()
	}
	known = present && !model.IsUnknown(v)
	if present && !known {
		e.undecided(r, path, "is not known until deploy")
	}
	return v, present, known
}

// partlyUnknown reports a path whose prefix is unknown (or secret and
// unknown) as present and unknown: "defaultTags.tags" of a provider whose
// defaultTags is an output.
func partlyUnknown(r *model.Resource, path string) (any, bool) {
	parts := strings.Split(path, ".")
	for i := len(parts) - 1; i > 0; i-- {
		if v, ok := r.Input(strings.Join(parts[:i], ".")); ok {
			for {
				s, isSecret := v.(model.Secret)
				if !isSecret {
					break
				}
				v = s.Reveal()
			}
			if model.IsUnknown(v) {
				return model.Unknown{}, true
			}
			return nil, false
		}
	}
	return nil, false
}

// typed reads the input at path as a T: absent gives T's zero value, a
// value of another shape is undecided (and gives the zero value too).
func typed[T any](e *env, r *model.Resource, path, shape string) T {
	var zero T
	v, present, known := e.input(r, path)
	if !present || !known || v == nil {
		return zero
	}
	t, ok := v.(T)
	if !ok {
		e.undecided(r, path, fmt.Sprintf("is %v, not %s", v, shape))
		return zero
	}
	return t
}

// str returns the string input at path ("" when absent).
func (e *env) str(r *model.Resource, path string) string {
	return typed[string](e, r, path, "a string")
}

// boolean returns the bool input at path (false when absent).
func (e *env) boolean(r *model.Resource, path string) bool {
	return typed[bool](e, r, path, "a boolean")
}

// number returns the numeric input at path (0 when absent).
func (e *env) number(r *model.Resource, path string) float64 {
	return typed[float64](e, r, path, "a number")
}

// list returns the list input at path.
func (e *env) list(r *model.Resource, path string) []any { return typed[[]any](e, r, path, "a list") }

// object returns the object input at path.
func (e *env) object(r *model.Resource, path string) map[string]any {
	return typed[map[string]any](e, r, path, "an object")
}

// unknownMsg is the message of a check that cannot decide.
func unknownMsg(what string) string {
	return fmt.Sprintf("cannot decide at plan time: %s is not known until deploy", what)
}

// document and statement are IAM policy documents as iampolicy parses
// them: one parser for the checks, the tests and the components.
type (
	document  = iampolicy.Document
	statement = iampolicy.Statement
)

// policyAt parses the policy document at an input, or reports why not.
func (e *env) policyAt(r *model.Resource, path string) (doc document, msg string, unknown bool) {
	v, present, known := e.input(r, path)
	switch {
	case !present:
		return doc, "", false
	case !known:
		return doc, unknownMsg(path), true
	}
	s, ok := v.(string)
	if m, isObject := v.(map[string]any); isObject {
		// The provider accepts a document as an object and encodes it.
		if containsUnknown(m) {
			e.undecided(r, path, "holds values not known until deploy")
			return doc, unknownMsg(path), true
		}
		b, err := json.Marshal(m)
		if err != nil {
			return doc, fmt.Sprintf("%s does not encode as JSON: %v", path, err), false
		}
		s, ok = string(b), true
	}
	if !ok {
		return doc, fmt.Sprintf("%s is not a JSON policy document", path), false
	}
	pd, seen := e.parsed[s]
	if !seen {
		pd.doc, pd.err = iampolicy.Parse(s)
		if e.parsed == nil {
			e.parsed = map[string]parsedDoc{}
		}
		e.parsed[s] = pd
	}
	if pd.err != nil {
		return pd.doc, fmt.Sprintf("%s does not parse: %v", path, pd.err), false
	}
	return pd.doc, "", false
}

// identityPolicies are the inputs that hold IAM identity policies: every
// place AWS and the provider accept one, inline on a role included.
var identityPolicies = []struct{ typ, path string }{
	{"aws:iam/rolePolicy:RolePolicy", "policy"},
	{"aws:iam/policy:Policy", "policy"},
	{"aws:iam/userPolicy:UserPolicy", "policy"},
	{"aws:iam/groupPolicy:GroupPolicy", "policy"},
	{"aws:iam/role:Role", "inlinePolicies"},
}

// identityTypes are the types identityPolicies names.
var identityTypes = func() []string {
	var out []string
	for _, ip := range identityPolicies {
		out = append(out, ip.typ)
	}
	return out
}()

// attachmentTypes attach a managed policy to a role, user or group;
// managedPolicyArns on a role does too.
var attachmentTypes = []string{
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
	"aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment",
}

// eachIdentityStatement calls f for every Allow statement of every identity
// policy in the plan; a resource fails with every problem f names.
func (e *env) eachIdentityStatement(f func(st statement) string) []Finding {
	var out []Finding
	for _, ip := range identityPolicies {
		out = append(out, e.each([]string{ip.typ}, func(r *model.Resource) (string, bool) {
			paths := []string{ip.path}
			if ip.path == "inlinePolicies" {
				paths = nil
				for i := range e.list(r, "inlinePolicies") {
					paths = append(paths, fmt.Sprintf("inlinePolicies.%d.policy", i))
				}
			}
			var problems []string
			for _, path := range paths {
				doc, msg, unknown := e.policyAt(r, path)
				if msg != "" {
					return msg, unknown
				}
				for _, st := range doc.Statement {
					if st.Effect != "Allow" {
						continue
					}
					if m := f(st); m != "" {
						problems = append(problems, m)
					}
				}
			}
			return strings.Join(problems, "; "), false
		})...)
	}
	return out
}

// eachAttachment calls f for every managed policy ARN attached to a role,
// user or group, by an attachment resource or a role's managedPolicyArns.
func (e *env) eachAttachment(f func(arn string) string) []Finding {
	out := e.each(attachmentTypes, func(r *model.Resource) (string, bool) {
		return f(e.str(r, "policyArn")), false
	})
	return append(out, e.each([]string{"aws:iam/role:Role"}, func(r *model.Resource) (string, bool) {
		var problems []string
		for _, arn := range e.strings(r, "managedPolicyArns") {
			if m := f(arn); m != "" {
				problems = append(problems, m)
			}
		}
		return strings.Join(problems, "; "), false
	})...)
}

// containsUnknown reports whether v holds an unknown value anywhere.
func containsUnknown(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			if containsUnknown(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if containsUnknown(e) {
				return true
			}
		}
	case model.Secret:
		return containsUnknown(v.Reveal())
	}
	return model.IsUnknown(v)
}

// byID indexes resources of a type by their plan ID.
func (e *env) byID(typ string) map[string]*model.Resource {
	out := map[string]*model.Resource{}
	for _, r := range e.idx.ByType(typ) {
		out[r.ID] = r
	}
	return out
}

// all holds every check; the checks_*.go files add to it.
var all []*Check

func register(cs ...*Check) struct{} {
	all = append(all, cs...)
	return struct{}{}
}

//go:generate go run ./internal/gentaggable taggable.go
