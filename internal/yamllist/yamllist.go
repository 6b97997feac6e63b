// Package yamllist reads the small YAML files of lists strata keeps beside
// Pulumi.yaml (suppressions, invoke answers): each entry with its line.
package yamllist

import (
	"errors"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// Read returns the entries of the list in the file at path, or none when
// there is no file; what says what the list holds, for the error when the
// file is not a list.
func Read(path, what string) ([]*yaml.Node, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	if doc.Content[0].Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: want a list of %s", path, doc.Content[0].Line, what)
	}
	return doc.Content[0].Content, nil
}
