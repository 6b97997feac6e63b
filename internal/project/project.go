// Package project finds a Pulumi project and its stacks on disk, as the
// pulumi command does, with the standard library only.
package project

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Find is dir when it holds a Pulumi.yaml, else the nearest folder above
// it that does, as pulumi looks for its project; dir itself when none
// does, so an error names the folder the user is in.
func Find(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "Pulumi.yaml")); err == nil {
			if d == abs {
				return dir
			}
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// Stacks lists the stacks that have a Pulumi.<stack>.yaml in dir.
func Stacks(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var out []string
	for _, m := range matches {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	slices.Sort(out)
	return out
}
