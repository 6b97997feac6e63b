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
// what is allowed; it is lower case with no trailing period.
func (l *List) Addf(format string, args ...any) {
	l.errs = append(l.errs, fmt.Errorf("%s: %s", l.subject, fmt.Sprintf(format, args...)))
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
func (l *List) InRange(field string, v, lo, hi float64) {
	if !(v >= lo && v <= hi) {
		l.Addf("%s must be %v to %v, got %v", field, lo, hi, v)
	}
}
