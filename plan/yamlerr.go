package plan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	goyaml "github.com/goccy/go-yaml"
)

// yamlError is err, the error Pulumi's loader gave for file, or, when the
// file's YAML does not parse, where it does not: line and column of the
// problem itself with the lines before it. Pulumi's loader (yaml.v3) names
// the line a construct started on, zero-based for most errors, which is
// often a line or more before the mistake.
func yamlError(file string, err error) error {
	data, rerr := os.ReadFile(file)
	if rerr != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	var v any
	perr := goyaml.Unmarshal(data, &v)
	var ye goyaml.Error
	if perr == nil || !errors.As(perr, &ye) || ye.GetToken() == nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	pos := ye.GetToken().Position
	source := ye.FormatError(false, true)
	if _, rest, ok := strings.Cut(source, "\n"); ok {
		source = rest
	}
	return fmt.Errorf("%s:%d:%d: invalid YAML: %s\n%s", filepath.Base(file), pos.Line, pos.Column, ye.GetMessage(), strings.TrimRight(source, "\n"))
}
