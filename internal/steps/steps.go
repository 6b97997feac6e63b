// Package steps runs a component's constructor as a sequence of named
// steps, so New reads as what it does and a failure says which step.
package steps

import "fmt"

// Step is one part of a constructor.
type Step struct {
	// What the step does, for the error: "creating the cluster".
	What string
	Run  func() error
}

// Run runs the steps in order and stops at the first failure, wrapped as
// `<kind> "<name>": <what>: <error>`.
func Run(kind, name string, steps ...Step) error {
	for _, s := range steps {
		if err := s.Run(); err != nil {
			return fmt.Errorf("%s %q: %s: %w", kind, name, s.What, err)
		}
	}
	return nil
}
