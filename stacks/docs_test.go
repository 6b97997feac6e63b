package stacks

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
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
	sections := map[string]any{KeyNetwork: NetworkConfig{}, KeyBucket: BucketConfig{}, KeyBudget: BudgetConfig{},
		KeyDB: DBConfig{}, KeyApp: AppConfig{}, KeyAPI: APIConfig{}, KeyBaseline: BaselineConfig{}}
	for key, v := range sections {
		var fields []string
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			fields = append(fields, tag)
		}
		slices.Sort(fields)
		got := slices.Clone(listed[key])
		slices.Sort(got)
		if !slices.Equal(got, fields) {
			t.Errorf("doc.go lists strata:%s fields %v, want the loader's %v", key, got, fields)
		}
	}
}
