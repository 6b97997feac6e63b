package plan

import (
	"errors"
	"fmt"
	yamlv3 "gopkg.in/yaml.v3"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

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

// yamlShape finds what Pulumi's loaders report without a position: bytes
// that are not UTF-8, aliases that expand beyond what parsers accept, and
// a document that is not a mapping of keys. Each names the file's line and
// column; nil when the file has none of them.
func yamlShape(file, what string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	base := filepath.Base(file)
	if !utf8.Valid(data) {
		line, col := 1, 1
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				return fmt.Errorf("%s:%d:%d: invalid YAML: byte 0x%02x is not UTF-8 (save the file as UTF-8)", base, line, col, data[i])
			}
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i += size
		}
	}
	var v any
	if err := yamlv3.Unmarshal(data, &v); err != nil && strings.Contains(err.Error(), "excessive aliasing") {
		line := 1 + strings.Count(string(data[:max(0, strings.Index(string(data), "*"))]), "\n")
		return fmt.Errorf("%s:%d:1: invalid YAML: its aliases (*name) expand into more values than a config file can hold, from the first alias on", base, line)
	}
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(data, &doc); err != nil {
		return nil // the loader's own error has the position
	}
	if len(doc.Content) > 0 && doc.Content[0].Kind != yamlv3.MappingNode {
		n := doc.Content[0]
		kind := map[yamlv3.Kind]string{yamlv3.SequenceNode: "a list", yamlv3.ScalarNode: "a single value", yamlv3.AliasNode: "an alias"}[n.Kind]
		return fmt.Errorf("%s:%d:%d: %s must be a mapping of keys (%s), got %s", base, n.Line, n.Column, base, what, kind)
	}
	return nil
}
