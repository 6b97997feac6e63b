package stacks

import (
	"errors"
	"reflect"
	"regexp"
	"strings"

	"github.com/strata-infra/strata/internal/problems"
)

// A component reports a problem with the Go fields of its Args, as its Go
// callers wrote them; a stack file's author wrote config keys. keyOf maps
// the one to the other through the config section's struct: a field path
// the struct has (by Go name, through nested structs, slices and pointers)
// becomes the section's key path by the json tags; fieldAliases name the
// few Args fields whose config key differs.
var fieldAliases = map[string]map[string]string{
	KeyApp:    {"HealthCheck.Path": "healthCheckPath"},
	KeyAPI:    {"Authorizer": "jwtIssuer"},
	KeyBudget: {"EmailAddresses": "emails", "LimitAmount": "limitUsd"},
	KeyDB:     {"AllowDeletion": "deletionProtection"},
	KeyBaseline: {
		"DisableCloudTrail": "cloudTrail", "DisableGuardDuty": "guardDuty", "DisableConfig": "config",
		"DisableEBSEncryption": "ebsEncryption", "DisableAccessAnalyzer": "accessAnalyzer",
	},
}

// sectionOf is the config section that configures each component package,
// with its config struct.
var sectionOf = map[string]struct {
	key string
	cfg reflect.Type
}{
	"network":       {KeyNetwork, reflect.TypeFor[NetworkConfig]()},
	"securebucket":  {KeyBucket, reflect.TypeFor[BucketConfig]()},
	"budget":        {KeyBudget, reflect.TypeFor[BudgetConfig]()},
	"auroradb":      {KeyDB, reflect.TypeFor[DBConfig]()},
	"appservice":    {KeyApp, reflect.TypeFor[AppConfig]()},
	"serverlessapi": {KeyAPI, reflect.TypeFor[APIConfig]()},
	"baseline":      {KeyBaseline, reflect.TypeFor[BaselineConfig]()},
	"alerting":      {KeyAlarms, reflect.TypeFor[AlarmsConfig]()},
}

// stackWide are the component fields stacks sets from a key of its own
// rather than from the component's section.
var stackWide = map[string]string{
	"appservice.AccessLogBucket":           KeyAccessLogs,
	"securebucket.AccessLogBucket":         KeyAccessLogs,
	"baseline.DeployRole.ExternalID":       KeyDeployExternalID,
	"appservice.PermissionsBoundaryARN":    KeyPermissionsBoundary,
	"serverlessapi.PermissionsBoundaryARN": KeyPermissionsBoundary,
	"network.PermissionsBoundaryARN":       KeyPermissionsBoundary,
	"baseline.PermissionsBoundaryARN":      KeyPermissionsBoundary,
}

// SettingKey is the stack-file key of the project namespace ns that sets a
// component's Args field, named package.Field as policy checks name their
// Settings (auroradb.BackupRetentionDays → strata:db.backupRetentionDays),
// or false when the stack file cannot set it.
func SettingKey(ns, setting string) (string, bool) {
	if k, ok := stackWide[setting]; ok {
		return ns + ":" + k, true
	}
	pkg, field, ok := strings.Cut(setting, ".")
	sec, known := sectionOf[pkg]
	if !ok || !known {
		return "", false
	}
	k, ok := keyPath(sec.cfg, field, fieldAliases[sec.key])
	if !ok {
		return "", false
	}
	return ns + ":" + sec.key + "." + k, true
}

var (
	segmentRE = regexp.MustCompile(`^([A-Za-z0-9]+)((?:\[\d+\])?)$`)
	// componentRE is the subject a component's problems start with.
	componentRE = regexp.MustCompile(`^[a-z]+ "[^"]*": `)
)

// inConfigTerms renders one of a component's problems about config section
// (of the project namespace ns) in the stack file's keys: each field the
// problem names (a typed problems.Path) that the section's config struct
// has becomes its key, so `auroradb "main": MinACU (8) must not exceed
// MaxACU (4)` reads `strata:db.minAcu (8) must not exceed strata:db.maxAcu
// (4)`. A problem that names no field of the section, or that is not a
// component's typed problem, keeps the section as its subject.
func inConfigTerms(ns, section string, cfg reflect.Type, err error) string {
	pkg := ""
	for name, sec := range sectionOf {
		if sec.key == section {
			pkg = name
		}
	}
	var prob *problems.Problem
	if !errors.As(err, &prob) {
		return ns + ":" + section + ": " + componentRE.ReplaceAllString(err.Error(), "")
	}
	msg, named := prob.Render(func(p problems.Path) (string, bool) {
		if k, ok := stackWide[pkg+"."+p.String()]; ok {
			return ns + ":" + k, true
		}
		if k, ok := keyPath(cfg, p.String(), fieldAliases[section]); ok {
			return ns + ":" + section + "." + k, true
		}
		return "", false
	})
	if !named {
		return ns + ":" + section + ": " + msg
	}
	return msg
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
