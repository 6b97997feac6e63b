package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/strata-infra/strata/internal/didyoumean"
	pulumiproject "github.com/strata-infra/strata/internal/project"
)

// StackOptions reads dir/Pulumi.yaml and dir/Pulumi.<stack>.yaml with
// Pulumi's own project and stack loaders and returns the Options to plan that
// stack. It applies the project's config the way the Pulumi CLI does: a
// stack value wins, then the project's `value`, then its `default`; a
// declared key with neither that the stack does not set is an error, and so
// is a stack value of the wrong declared type. `secure:` values are
// decrypted as the Pulumi CLI decrypts them when the stack uses the
// passphrase secrets provider (an encryptionsalt in the stack file) and
// PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE is set, and
// stay marked secret; otherwise the program sees SecretPlaceholder, marked
// secret (inside objects, SecretText), and Options.Undecrypted lists them.
//
// An error that a file is missing or does not parse is a *FileError; one
// about the config's values is not.
func StackOptions(dir, stack string) (Options, error) {
	projPath := filepath.Join(dir, "Pulumi.yaml")
	if _, err := os.Stat(projPath); err != nil {
		return Options{}, &FileError{fmt.Errorf("no Pulumi project in %s: %w", dir, err)}
	}
	if err := yamlShape(projPath, "name:, runtime:, config:, …"); err != nil {
		return Options{}, &FileError{err}
	}
	proj, err := workspace.LoadProject(projPath)
	if err != nil {
		return Options{}, &FileError{yamlError(projPath, err)}
	}
	stackPath := filepath.Join(dir, "Pulumi."+stack+".yaml")
	if _, err := os.Stat(stackPath); err != nil {
		return Options{}, &FileError{fmt.Errorf("unknown stack %q: there is no %s (stacks here: %s)",
			stack, filepath.Base(stackPath), strings.Join(Stacks(dir), ", "))}
	}
	if err := yamlShape(stackPath, "config:, encryptionsalt:, …"); err != nil {
		return Options{}, &FileError{err}
	}
	ps, err := workspace.LoadProjectStack(nil, proj, stackPath)
	if err != nil {
		return Options{}, &FileError{yamlError(stackPath, err)}
	}
	if err := stackFileKeys(stackPath); err != nil {
		return Options{}, &FileError{err}
	}

	decrypter, err := stackDecrypter(ps, filepath.Base(stackPath))
	if err != nil {
		return Options{}, &FileError{err}
	}
	opts := Options{Project: proj.Name.String(), Stack: stack, Config: map[string]string{}}
	var problems []error
	if opts.Answers, err = ReadAnswers(filepath.Join(dir, AnswersFile)); err != nil {
		problems = append(problems, err)
	}
	for key, v := range ps.Config {
		k := key.String()
		var d config.Decrypter = config.NewBlindingDecrypter()
		if decrypter != nil {
			d = decrypter
		}
		s, err := v.Value(d)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: config %q: %w", stackPath, k, err))
			continue
		}
		opts.Config[k] = s
		if v.Secure() {
			opts.SecretKeys = append(opts.SecretKeys, k)
			if decrypter == nil {
				opts.Undecrypted = append(opts.Undecrypted, k)
				if !v.Object() {
					opts.Config[k] = SecretPlaceholder
				}
			}
		}
	}
	slices.Sort(opts.Undecrypted)
	for _, name := range SortedKeys(proj.Config) {
		decl := proj.Config[name]
		k := name
		if !strings.Contains(k, ":") {
			k = proj.Name.String() + ":" + k
		}
		if _, set := opts.Config[k]; set {
			problems = append(problems, checkType(stackPath, k, decl, ps.Config))
			continue
		}
		val := decl.Value
		if val == nil {
			val = decl.Default
		}
		if val == nil {
			problems = append(problems, fmt.Errorf("stack %q is missing config %q (%s), which Pulumi.yaml declares without a default: set it in %s",
				stack, k, decl.Description, filepath.Base(stackPath)))
			continue
		}
		s, err := configString(val)
		if err != nil {
			problems = append(problems, fmt.Errorf("config %q declared in Pulumi.yaml: %w", k, err))
			continue
		}
		opts.Config[k] = s
		if decl.Secret {
			opts.SecretKeys = append(opts.SecretKeys, k)
		}
	}
	slices.Sort(opts.SecretKeys)
	if err := errors.Join(problems...); err != nil {
		return Options{}, err
	}
	opts.Region = opts.Config["aws:region"]
	return opts, nil
}

// FileError is a StackOptions error about the files themselves: a
// project or stack file that is missing or does not parse, as opposed to
// config values in them that are wrong.
type FileError struct{ Err error }

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// checkType reports a stack value that does not match the type Pulumi.yaml
// declares for it, as the CLI does.
func checkType(stackPath, key string, decl workspace.ProjectConfigType, stackConfig config.Map) error {
	if !decl.IsExplicitlyTyped() {
		return nil
	}
	for k, v := range stackConfig {
		if k.String() != key || v.Secure() {
			continue
		}
		obj, err := v.ToObject()
		if err != nil {
			return fmt.Errorf("%s: config %q: %w", stackPath, key, err)
		}
		if !workspace.ValidateConfigValue(decl.TypeName(), decl.Items, obj) {
			return fmt.Errorf("%s: config %q must be of type %s, got %v",
				filepath.Base(stackPath), key, workspace.InferFullTypeName(decl.TypeName(), decl.Items), obj)
		}
	}
	return nil
}

// configString renders a YAML value the way the CLI hands it to programs.
func configString(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int:
		return strconv.Itoa(v), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Stacks lists the stacks that have a Pulumi.<stack>.yaml in dir.
func Stacks(dir string) []string { return pulumiproject.Stacks(dir) }

// stackFileFields are the top-level keys a Pulumi stack file may hold.
var stackFileFields = []string{"config", "encryptionsalt", "encryptedkey", "secretsprovider", "environment"}

// stackFileKeys refuses a top-level key Pulumi does not read (a misspelled
// "confg:" would drop every value under it in silence), naming its line.
func stackFileKeys(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil // LoadProjectStack has judged the shape
	}
	var bad []string
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if !slices.Contains(stackFileFields, k.Value) {
			msg := fmt.Sprintf("%s:%d:%d: unknown top-level key %q", path, k.Line, k.Column, k.Value)
			if s := didyoumean.Suggest(k.Value, stackFileFields); s != "" {
				msg += fmt.Sprintf(": did you mean %q?", s)
			}
			bad = append(bad, msg+" (a stack file holds "+strings.Join(stackFileFields, ", ")+")")
		}
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, "\n"))
	}
	return nil
}
