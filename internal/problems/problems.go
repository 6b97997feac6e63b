// Package problems collects validation problems so that every one of them is
// reported at once, each on its own line and each naming its subject.
package problems

import (
	"errors"
	"fmt"
)

// List collects problems about one subject, such as `network "main"` or
// `config`.
type List struct {
	subject string
	errs    []error
}

// For starts a list for a component of the given kind and name, so that each
// line reads `network "main": CIDR ...`.
func For(kind, name string) *List {
	return &List{subject: fmt.Sprintf("%s %q", kind, name)}
}

// About starts a list whose lines are prefixed with subject as it is.
func About(subject string) *List {
	return &List{subject: subject}
}

// Addf records one problem. The message names the field, the value given and
// what is allowed; it is lower case with no trailing period. A field is
// named by a Path argument (Field("MinACU"), printed with %v), so that a
// caller that knows the field under another name, such as a stack file's
// config key, can render the problem in its own terms (Problem.Render).
func (l *List) Addf(format string, args ...any) {
	l.errs = append(l.errs, &Problem{Subject: l.subject, format: format, args: args})
}

// Path is a field path of what was validated: Field("Secrets").Index(1).
// Child("Name") prints as Secrets[1].Name.
type Path struct{ s string }

// Field starts a path at a top-level field.
func Field(name string) Path { return Path{name} }

// Child is the path of field name inside p.
func (p Path) Child(name string) Path { return Path{p.s + "." + name} }

// Index is the path of element i of the list at p.
func (p Path) Index(i int) Path { return Path{fmt.Sprintf("%s[%d]", p.s, i)} }

// String is the path as Go callers write it.
func (p Path) String() string { return p.s }

// Problem is one recorded problem: its subject, and its message with the
// field paths it names kept as values.
type Problem struct {
	Subject string
	format  string
	args    []any
}

func (p *Problem) Error() string { return p.Subject + ": " + p.Message() }

// Message is the problem without its subject, fields as Go callers name
// them.
func (p *Problem) Message() string { return fmt.Sprintf(p.format, p.args...) }

// Paths are the fields the problem names.
func (p *Problem) Paths() []Path {
	var out []Path
	for _, a := range p.args {
		if path, ok := a.(Path); ok {
			out = append(out, path)
		}
	}
	return out
}

// Render is the message with each field named by name, which reports
// false to keep a field's Go path; named says whether any field was
// renamed.
func (p *Problem) Render(name func(Path) (string, bool)) (msg string, named bool) {
	args := make([]any, len(p.args))
	for i, a := range p.args {
		args[i] = a
		if path, ok := a.(Path); ok {
			if n, ok := name(path); ok {
				args[i], named = n, true
			}
		}
	}
	return fmt.Sprintf(p.format, args...), named
}

// Add records err as a problem of this subject; a nil err is ignored.
func (l *List) Add(err error) {
	if err != nil {
		l.errs = append(l.errs, fmt.Errorf("%s: %w", l.subject, err))
	}
}

// Len is the number of problems recorded.
func (l *List) Len() int { return len(l.errs) }

// Err joins the problems, or returns nil when there are none.
func (l *List) Err() error { return errors.Join(l.errs...) }

// InRange records a problem when v, the value of field, lies outside lo to
// hi inclusive (a NaN lies outside every range).
func (l *List) InRange(field Path, v, lo, hi float64) {
	if !(v >= lo && v <= hi) {
		l.Addf("%v must be %v to %v, got %v", field, lo, hi, v)
	}
}
