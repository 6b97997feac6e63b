package stacks

import (
	"reflect"
	"regexp"
	"strings"
)

// A component reports a problem with the Go fields of its Args, as its Go
// callers wrote them; a stack file's author wrote config keys. keyOf maps
// the one to the other through the config section's struct: a field path
// the struct has (by Go name, through nested structs, slices and pointers)
// becomes the section's key path by the json tags; fieldAliases name the
// few Args fields whose config key differs.
var fieldAliases = map[string]map[string]string{
	KeyApp:    {"HealthCheck.Path": "healthCheckPath"},
	KeyBudget: {"EmailAddresses": "emails", "LimitAmount": "limitUsd"},
	KeyDB:     {"AllowDeletion": "deletionProtection"},
}

var (
	// fieldPathRE is a Go field path such as LifecycleRules[0].Transitions[0].Days.
	fieldPathRE = regexp.MustCompile(`\b[A-Z][A-Za-z0-9]*(?:\[\d+\])?(?:\.[A-Z][A-Za-z0-9]*(?:\[\d+\])?)*\b`)
	segmentRE   = regexp.MustCompile(`^([A-Za-z0-9]+)((?:\[\d+\])?)$`)
	// componentRE is the subject a component's problems start with.
	componentRE = regexp.MustCompile(`^[a-z]+ "[^"]*": `)
)

// inConfigTerms rewrites one of a component's problems about config
// section (of the project namespace ns) into the stack file's keys:
// `auroradb "main": MinACU (8) must not exceed MaxACU (4)` becomes
// `strata:db.minAcu (8) must not exceed strata:db.maxAcu (4)`. A message
// that names no field of the section keeps the section as its subject.
func inConfigTerms(ns, section string, cfg reflect.Type, msg string) string {
	msg = componentRE.ReplaceAllString(msg, "")
	prefix := ns + ":" + section + "."
	named := false
	out := fieldPathRE.ReplaceAllStringFunc(msg, func(path string) string {
		if k, ok := keyPath(cfg, path, fieldAliases[section]); ok {
			named = true
			return prefix + k
		}
		return path
	})
	if !named {
		return ns + ":" + section + ": " + out
	}
	return out
}

// keyPath maps a Go field path of the config struct t to its json key
// path, or reports false when t has no such field.
func keyPath(t reflect.Type, path string, aliases map[string]string) (string, bool) {
	for goPath, key := range aliases {
		if path == goPath || strings.HasPrefix(path, goPath+".") || strings.HasPrefix(path, goPath+"[") {
			return key + strings.TrimPrefix(path, goPath), true
		}
	}
	var out []string
	for _, seg := range strings.Split(path, ".") {
		m := segmentRE.FindStringSubmatch(seg)
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if m == nil || t.Kind() != reflect.Struct {
			return "", false
		}
		f, ok := t.FieldByName(m[1])
		if !ok || !f.IsExported() {
			return "", false
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "" || tag == "-" {
			return "", false
		}
		out = append(out, tag+m[2])
		t = f.Type
	}
	return strings.Join(out, "."), true
}
