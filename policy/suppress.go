package policy

import (
	"errors"
	"fmt"
	"github.com/strata-infra/strata/internal/yamllist"
	"strings"

	"github.com/strata-infra/strata/internal/tags"
	"github.com/strata-infra/strata/plan/model"
)

// SuppressionsFile is the file beside Pulumi.yaml that strata check reads
// suppressions from.
const SuppressionsFile = "strata-suppressions.yaml"

// Suppression accepts one check's finding on one resource, for a written
// reason. It comes from a tag strata:suppress:<CHECK-ID> on the resource
// (its value the reason) or from an entry of SuppressionsFile; free text
// anywhere else suppresses nothing.
type Suppression struct {
	Check string `json:"check" yaml:"check"`
	// Resource is a URN, "type name", or a name, as the file wrote it.
	Resource string `json:"resource" yaml:"resource"`
	Reason   string `json:"reason" yaml:"reason"`
	// Source says where it was written: the file and line, or the tag and
	// the resource that carries it.
	Source string `json:"source" yaml:"-"`
}

// minReason is the shortest reason accepted: a reason says why.
const minReason = 12

// ReadSuppressions reads a suppressions file: a YAML list of check,
// resource and reason. A check that does not exist, an empty resource or a
// reason shorter than a sentence is an error naming its line. A missing
// file is no suppressions.
func ReadSuppressions(path string) ([]Suppression, error) {
	entries, err := yamllist.Read(path, "suppressions (check, resource, reason)")
	if err != nil {
		return nil, err
	}
	var out []Suppression
	var problems []error
	for _, n := range entries {
		var s Suppression
		if err := n.Decode(&s); err != nil {
			problems = append(problems, fmt.Errorf("%s:%d: %w", path, n.Line, err))
			continue
		}
		s.Source = fmt.Sprintf("%s:%d", path, n.Line)
		switch {
		case Lookup(s.Check) == nil:
			problems = append(problems, fmt.Errorf("%s: check %q does not exist", s.Source, s.Check))
		case strings.TrimSpace(s.Resource) == "":
			problems = append(problems, fmt.Errorf("%s: %s names no resource (a URN, \"type name\" or a name)", s.Source, s.Check))
		case len(strings.TrimSpace(s.Reason)) < minReason:
			problems = append(problems, fmt.Errorf("%s: %s on %s needs a reason of a sentence, got %q", s.Source, s.Check, s.Resource, s.Reason))
		default:
			out = append(out, s)
		}
	}
	return out, errors.Join(problems...)
}

// names reports whether the suppression's Resource names r.
func (s Suppression) names(r *model.Resource) bool {
	return s.Resource == r.URN || s.Resource == r.Type+" "+r.Name || s.Resource == r.Name
}

// carrier is the resource whose tags speak for r: r itself, or for types
// that take no tags the role an attachment attaches to, the API a route
// belongs to.
func (e *env) carrier(r *model.Resource) *model.Resource {
	switch r.Type {
	case attachmentType:
		for _, role := range e.idx.ByType(roleType) {
			if want := e.str(r, "role"); want != "" && (role.ID == want || e.str(role, "name") == want) {
				return role
			}
		}
	case routeType:
		for _, api := range e.idx.ByType(apiType) {
			if want := e.str(r, "apiId"); want != "" && api.ID == want {
				return api
			}
		}
	}
	return r
}

// suppression finds what suppresses check's finding f: a tag on the
// resource (or its carrier) or an entry of the file. It returns the
// suppression and, for a check whose suppression the checker verifies,
// why it is not honoured ("" when it is).
func (e *env) suppression(check string, f Finding) (*Suppression, string) {
	r := e.idx.ByURN(f.URN)
	if r == nil || f.Status != StatusFail {
		return nil, ""
	}
	var s *Suppression
	c := e.carrier(r)
	if reason, ok := e.object(c, "tags")[tags.Suppress(check)].(string); ok {
		s = &Suppression{Check: check, Resource: r.URN, Reason: reason,
			Source: fmt.Sprintf("tag %s on %s %q", tags.Suppress(check), c.Type, c.Name)}
	}
	for i := range e.opts.Suppressions {
		if fs := &e.opts.Suppressions[i]; s == nil && fs.Check == check && fs.names(r) {
			s = fs
			e.used[fs.Source] = true
		}
	}
	if s == nil {
		return nil, ""
	}
	if verify, ok := evidence[check]; ok {
		if shown := verify(e, r); shown != "" {
			cp := *s
			cp.Reason += " (verified: " + shown + ")"
			return &cp, ""
		}
		return s, "the plan does not show what " + check + "'s suppression needs"
	}
	return s, ""
}
