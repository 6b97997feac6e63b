// Package iampolicy reads IAM policy documents, in every form AWS accepts
// (a string or a list for actions, resources and principals; "*" as a
// principal), and evaluates their statements against a request the way IAM
// does, absent condition keys included. The checks and the tests share it, so
// that a policy is parsed, and its conditions understood, one way.
//
// Evaluation covers what strata's policies use: Action and NotAction,
// Resource and NotResource, Principal, and the String, Numeric, Bool, Arn
// and Null condition operators with their IfExists forms. An operator it
// does not know is an error, never a guess.
package iampolicy

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Document is a parsed IAM policy document.
type Document struct {
	Version   string
	Statement Statements
}

// Statements accepts a single statement object as well as a list.
type Statements []Statement

// UnmarshalJSON reads one statement or a list of them.
func (s *Statements) UnmarshalJSON(b []byte) error {
	var one Statement
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = Statements{one}
		return nil
	}
	var many []Statement
	err := json.Unmarshal(b, &many)
	*s = many
	return err
}

// Statement is one statement of a Document.
type Statement struct {
	Sid          string
	Effect       string
	Principal    any
	NotPrincipal any
	Action       List
	NotAction    List
	Resource     List
	NotResource  List
	Condition    map[string]map[string]List
}

// List is a string or a list of strings, as IAM accepts for actions,
// resources and condition values. Numbers and booleans in condition values
// are kept as their JSON text.
type List []string

// UnmarshalJSON reads a string, a list, or a scalar.
func (l *List) UnmarshalJSON(b []byte) error {
	var raw any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	switch v := raw.(type) {
	case nil:
		*l = nil
	case []any:
		out := make(List, len(v))
		for i, e := range v {
			out[i] = scalar(e)
		}
		*l = out
	default:
		*l = List{scalar(v)}
	}
	return nil
}

func scalar(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Parse reads a policy document.
func Parse(text string) (Document, error) {
	var d Document
	if err := json.Unmarshal([]byte(text), &d); err != nil {
		return d, fmt.Errorf("not an IAM policy document: %w", err)
	}
	return d, nil
}

// Principals lists a statement's principals as "Kind:value" (such as
// "Service:lambda.amazonaws.com" or "AWS:arn:aws:iam::1:root"), sorted, or
// ["*"] for the bare wildcard.
func (s Statement) Principals() []string { return principals(s.Principal) }

func principals(p any) []string {
	switch p := p.(type) {
	case string:
		return []string{p}
	case map[string]any:
		var out []string
		for kind, v := range p {
			switch v := v.(type) {
			case string:
				out = append(out, kind+":"+v)
			case []any:
				for _, x := range v {
					out = append(out, fmt.Sprintf("%s:%v", kind, x))
				}
			}
		}
		sort.Strings(out)
		return out
	}
	return nil
}

// Public reports whether a statement names everyone as its principal.
func (s Statement) Public() bool {
	for _, p := range s.Principals() {
		if p == "*" || strings.HasSuffix(p, ":*") {
			return true
		}
	}
	return false
}

// ConditionKeys returns the condition keys the statement tests, whatever
// the operator.
func (s Statement) ConditionKeys() map[string]bool {
	out := map[string]bool{}
	for _, kv := range s.Condition {
		for k := range kv {
			out[k] = true
		}
	}
	return out
}

// Allows reports whether the statement's actions include action, wildcards
// and NotAction considered (case-insensitively, as IAM compares actions).
func (s Statement) Allows(action string) bool {
	if len(s.NotAction) > 0 {
		return !matchAny(s.NotAction, action, true)
	}
	return matchAny(s.Action, action, true)
}

// Request is what a statement is evaluated against.
type Request struct {
	// Principal is the caller, as "Kind:value" (such as
	// "AWS:arn:aws:iam::123456789012:role/app" or
	// "Service:logging.s3.amazonaws.com").
	Principal string
	Action    string
	Resource  string
	// Context holds the request's condition keys and their values; a key
	// that is not there is absent from the request, as IAM sees it.
	Context map[string][]string
}

// Decision is the outcome of evaluating a document.
type Decision string

// A request is explicitly denied, allowed, or not allowed by anything.
const (
	Denied       Decision = "denied"
	Allowed      Decision = "allowed"
	ImplicitDeny Decision = "implicitly denied"
)

const (
	effectDeny  = "Deny"
	effectAllow = "Allow"
)

// Evaluate decides a request against the document: an explicit deny wins,
// then an allow; nothing matching is an implicit deny. It also returns the
// Sid (or index) of the statement that decided.
func (d Document) Evaluate(r Request) (Decision, string, error) {
	allowedBy := ""
	for i, st := range d.Statement {
		ok, err := st.Matches(r)
		if err != nil {
			return "", "", fmt.Errorf("statement %s: %w", name(st, i), err)
		}
		if !ok {
			continue
		}
		switch st.Effect {
		case effectDeny:
			return Denied, name(st, i), nil
		case effectAllow:
			if allowedBy == "" {
				allowedBy = name(st, i)
			}
		}
	}
	if allowedBy != "" {
		return Allowed, allowedBy, nil
	}
	return ImplicitDeny, "", nil
}

func name(st Statement, i int) string {
	if st.Sid != "" {
		return fmt.Sprintf("%q", st.Sid)
	}
	return fmt.Sprintf("%d", i)
}

// Matches reports whether the statement applies to the request: its
// principal, action, resource and every condition.
func (s Statement) Matches(r Request) (bool, error) {
	if s.Principal != nil && !principalMatches(principals(s.Principal), r.Principal) {
		return false, nil
	}
	if s.NotPrincipal != nil && principalMatches(principals(s.NotPrincipal), r.Principal) {
		return false, nil
	}
	if !s.Allows(r.Action) {
		return false, nil
	}
	switch {
	case len(s.NotResource) > 0 && matchAny(s.NotResource, r.Resource, false):
		return false, nil
	case len(s.NotResource) == 0 && len(s.Resource) > 0 && !matchAny(s.Resource, r.Resource, false):
		return false, nil
	}
	return s.conditionsHold(r.Context)
}

func principalMatches(ps []string, caller string) bool {
	for _, p := range ps {
		if p == "*" || p == "AWS:*" || p == caller {
			return true
		}
		if kind, v, ok := strings.Cut(p, ":"); ok && strings.HasPrefix(caller, kind+":") && glob(v, strings.TrimPrefix(caller, kind+":"), false) {
			return true
		}
	}
	return false
}

// conditionsHold evaluates the condition block: every operator and every key
// must hold. The block is a conjunction, so one condition that is false
// decides it even when another cannot be evaluated; only when none is false
// is such a condition an error (the first, in sorted order).
func (s Statement) conditionsHold(ctx map[string][]string) (bool, error) {
	var undecided error
	for _, op := range slices.Sorted(maps.Keys(s.Condition)) {
		keys := s.Condition[op]
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			got, present := lookup(ctx, key)
			ok, err := holds(op, got, present, keys[key])
			switch {
			case err != nil:
				if undecided == nil {
					undecided = fmt.Errorf("condition %s on %s: %w", op, key, err)
				}
			case !ok:
				return false, nil
			}
		}
	}
	if undecided != nil {
		return false, undecided
	}
	return true, nil
}

// lookup finds a condition key; IAM compares key names case-insensitively.
func lookup(ctx map[string][]string, key string) ([]string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// holds evaluates one operator on one key.
//
// IAM's rules for a key the request does not carry: Null tests presence
// itself; an IfExists operator is true; a negated operator (StringNotEquals,
// ArnNotLike, …) is true, since nothing matches; every other operator is
// false.
func holds(op string, got []string, present bool, want List) (bool, error) {
	if op == "Null" {
		if len(want) != 1 || (want[0] != "true" && want[0] != "false") {
			return false, fmt.Errorf("the Null operator takes true or false, got %v", []string(want))
		}
		return (want[0] == "true") == !present, nil
	}
	base, ifExists := strings.CutSuffix(op, "IfExists")
	o, ok := operators[base]
	if !ok {
		return false, fmt.Errorf("unknown condition operator %q", op)
	}
	if !present {
		return ifExists || o.negated, nil
	}
	// A single-valued key: true when the value matches any wanted value
	// (for a negated operator: matches none of them).
	for _, g := range got {
		matched := false
		for _, w := range want {
			m, err := o.cmp(g, w)
			if err != nil {
				return false, err
			}
			if m {
				matched = true
				break
			}
		}
		if o.negated == matched {
			return false, nil
		}
	}
	return true, nil
}

type comparer func(got, want string) (bool, error)

type operator struct {
	cmp     comparer
	negated bool
}

var (
	equal     comparer = func(g, w string) (bool, error) { return g == w, nil }
	equalFold comparer = func(g, w string) (bool, error) { return strings.EqualFold(g, w), nil }
	like      comparer = func(g, w string) (bool, error) { return glob(w, g, false), nil }
	numEqual           = numeric(func(a, b float64) bool { return a == b })
)

// operators are the condition operators evaluated, without IfExists.
var operators = map[string]operator{
	"StringEquals":              {equal, false},
	"StringNotEquals":           {equal, true},
	"StringEqualsIgnoreCase":    {equalFold, false},
	"StringNotEqualsIgnoreCase": {equalFold, true},
	"StringLike":                {like, false},
	"StringNotLike":             {like, true},
	"ArnEquals":                 {like, false},
	"ArnLike":                   {like, false},
	"ArnNotEquals":              {like, true},
	"ArnNotLike":                {like, true},
	"Bool":                      {equalFold, false},
	"NumericEquals":             {numEqual, false},
	"NumericNotEquals":          {numEqual, true},
	"NumericLessThan":           {numeric(func(a, b float64) bool { return a < b }), false},
	"NumericLessThanEquals":     {numeric(func(a, b float64) bool { return a <= b }), false},
	"NumericGreaterThan":        {numeric(func(a, b float64) bool { return a > b }), false},
	"NumericGreaterThanEquals":  {numeric(func(a, b float64) bool { return a >= b }), false},
}

func numeric(f func(a, b float64) bool) comparer {
	return func(g, w string) (bool, error) {
		var a, b float64
		if _, err := fmt.Sscan(g, &a); err != nil {
			return false, nil // a value that is not a number matches nothing
		}
		if _, err := fmt.Sscan(w, &b); err != nil {
			return false, fmt.Errorf("%q is not a number", w)
		}
		return f(a, b), nil
	}
}

func matchAny(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if glob(p, s, fold) {
			return true
		}
	}
	return false
}

// glob matches s against an IAM pattern, where * is any run of characters
// and ? any one character.
func glob(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	// Iterative wildcard matching with backtracking on the last *.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
