package stacks

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// TestDocListsEveryKey keeps the package doc's config list true: every key
// the loader reads, and every field of each object section, and nothing
// else.
func TestDocListsEveryKey(t *testing.T) {
	raw, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start := strings.Index(doc, "// # Config")
	if start < 0 {
		t.Fatal("doc.go has no # Config section")
	}
	listed := map[string][]string{} // key -> the fields its line and continuation lines name
	var current string
	for _, line := range strings.Split(doc[start:], "\n") {
		line = strings.TrimPrefix(line, "//\t")
		if k, ok := strings.CutPrefix(line, "strata:"); ok {
			current, _, _ = strings.Cut(k, " ")
			listed[current] = nil
			line = strings.TrimPrefix(k, current)
		} else if !strings.HasPrefix(line, "    ") {
			current = ""
			continue
		}
		if current == "" {
			continue
		}
		fields := line // a continuation line lists fields only
		if _, after, ok := strings.Cut(line, "object:"); ok {
			fields = after
		} else if !strings.HasPrefix(line, "    ") {
			continue
		}
		for _, f := range strings.Split(fields, ",") {
			f = strings.TrimSpace(f)
			f, _, _ = strings.Cut(f, " ")
			if f != "" {
				listed[current] = append(listed[current], f)
			}
		}
	}
	var keys []string
	for k := range listed {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := slices.Clone(Keys)
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Errorf("doc.go lists keys %v, want the loader's %v", keys, want)
	}
	for key, fields := range sectionFields() {
		got := slices.Clone(listed[key])
		slices.Sort(got)
		if !slices.Equal(got, fields) {
			t.Errorf("doc.go lists strata:%s fields %v, want the loader's %v", key, got, fields)
		}
	}
}

// sectionFields are the fields the loader accepts in each object section,
// by their json tags, sorted.
func sectionFields() map[string][]string {
	sections := map[string]any{KeyNetwork: NetworkConfig{}, KeyBucket: BucketConfig{}, KeyBudget: BudgetConfig{},
		KeyDB: DBConfig{}, KeyApp: AppConfig{}, KeyAPI: APIConfig{}, KeyBaseline: BaselineConfig{}, KeyAlarms: AlarmsConfig{}}
	out := map[string][]string{}
	for key, v := range sections {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			out[key] = append(out[key], tag)
		}
		slices.Sort(out[key])
	}
	return out
}

// TestReadmeConfigTable keeps docs/config.md's config table true and whole: it
// is one table (a blank line would end it, and the rest would render as
// raw pipes), and its rows name every key and object field the loader
// accepts, and nothing else.
func TestReadmeConfigTable(t *testing.T) {
	raw, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	first, last := -1, -1
	for i, line := range lines {
		if strings.HasPrefix(line, "| `strata:") {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		t.Fatal("docs/config.md has no config table")
	}
	named := map[string]bool{} // "section" or "section.field"
	for i := first; i <= last; i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "|") {
			t.Errorf("docs/config.md line %d, inside the config table, is %q: the table ends there when rendered", i+1, line)
			continue
		}
		cell := strings.Split(line, "|")[1]
		section := ""
		for _, item := range strings.Split(cell, ",") {
			item = strings.Trim(strings.TrimSpace(item), "`")
			if k, ok := strings.CutPrefix(item, "strata:"); ok {
				var field string
				section, field, _ = strings.Cut(k, ".")
				if field == "" {
					named[section] = true
					continue
				}
				item = field
			} else if section == "" {
				continue // a row that is not a key, such as "(not a key)"
			}
			field, _, _ := strings.Cut(item, ".")
			named[section+"."+field] = true
		}
	}
	fields := sectionFields()
	want := map[string]bool{}
	for _, k := range Keys {
		if fs, ok := fields[k]; ok {
			for _, f := range fs {
				want[k+"."+f] = true
			}
		} else {
			want[k] = true
		}
	}
	for k := range want {
		if !named[k] {
			t.Errorf("docs/config.md's config table has no row for strata:%s", k)
		}
	}
	for k := range named {
		if !want[k] {
			t.Errorf("docs/config.md's config table names strata:%s, which the loader does not accept", k)
		}
	}
}

// TestProjectDefaultsArePulumiYAMLs: the scalar defaults stacks treats as
// "not set by the stack file" are the ones Pulumi.yaml declares.
func TestProjectDefaultsArePulumiYAMLs(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(repo, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for name, decl := range proj.Config {
		if decl.Default == nil || strings.Contains(name, ":") {
			continue
		}
		switch v := decl.Default.(type) {
		case string:
			got[name] = v
		case bool:
			got[name] = fmt.Sprint(v)
		}
	}
	if !maps.Equal(got, ProjectDefaults) {
		t.Errorf("Pulumi.yaml's scalar defaults %v, ProjectDefaults %v", got, ProjectDefaults)
	}
	// A stack silent on them is not marked as setting them.
	p, err := load("strata", "dev", func(k string) (string, bool) {
		switch k {
		case "strata:owner", "strata:costCenter":
			return "team", true
		case "aws:region":
			return "us-east-1", true
		}
		if d, ok := ProjectDefaults[strings.TrimPrefix(k, "strata:")]; ok {
			return d, true
		}
		return "", false
	}, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{KeyEnvironment, KeyAccessLogs} {
		if p.FromFile[k] {
			t.Errorf("%s is marked as set in the stack file, which is silent on it", k)
		}
	}
}

// TestReadmeIsShortAndLinksResolve: the README reads in five minutes (at
// most 250 lines), every page it links exists, and the two figures of its
// first steps are docs/performance.md's, which internal/measure writes.
func TestReadmeIsShortAndLinksResolve(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	if n := strings.Count(readme, "\n"); n > 250 {
		t.Errorf("README.md has %d lines, want at most 250: move reference material to docs/", n)
	}
	for _, m := range regexp.MustCompile(`\]\((docs/[^)#]+)\)`).FindAllStringSubmatch(readme, -1) {
		if _, err := os.Stat(filepath.Join("..", m[1])); err != nil {
			t.Errorf("the README links %s, which does not exist", m[1])
		}
	}
	perf, err := os.ReadFile("../docs/performance.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []struct{ readme, perf string }{
		{"the plan took ", "| `go run ./cmd/strata plan --stack dev`"},
		{"the tests ", "| `go test -count=1 ./...`"},
	} {
		i := strings.Index(string(perf), row.perf)
		if i < 0 {
			t.Errorf("docs/performance.md has no row %q: run go run ./internal/measure -tests", row.perf)
			continue
		}
		cells := strings.Split(string(perf)[i:strings.Index(string(perf)[i:], "\n")+i], " | ")
		if len(cells) < 2 || !strings.Contains(readme, row.readme+cells[1]) {
			t.Errorf("the README does not say %q with docs/performance.md's figure %v", row.readme, cells)
		}
	}
}
