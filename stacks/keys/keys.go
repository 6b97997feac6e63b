// Package keys is what a tool that reads a saved plan of strata's program
// needs to know of its stack files, without linking the program (package
// stacks links every component and the Pulumi and AWS SDKs): the keys of
// the project namespace, which environment a stack is, and which key sets
// each component setting a check names.
//
// Package stacks is the source of all three: TestKeysAreStacks holds
// Project and EnvironmentOf to it, and writes settings.go from
// stacks.SettingKey (go test ./stacks -run TestKeysAreStacks -update).
package keys

import "slices"

// Environment is the key that names a stack's environment; Production is
// the environment production's rules apply to (stacks.KeyEnvironment,
// stacks.Production).
const (
	Environment = "environment"
	Production  = "prod"
)

// Project are the keys strata reads in its project namespace (stacks.Keys).
var Project = []string{"environment", "owner", "costCenter", "network", "bucket", "budget", "db", "app", "api", "baseline", "alarms", "deployExternalId", "permissionsBoundary", "accessLogs"}

// EnvironmentOf is the stack's environment: the project's environment key
// when set, else the stack's name (stacks.EnvironmentOf).
func EnvironmentOf(project, stack string, config map[string]string) string {
	if env := config[project+":"+Environment]; env != "" {
		return env
	}
	return stack
}

// IsProjectKey says whether strata reads key (without namespace) in its
// project namespace.
func IsProjectKey(key string) bool { return slices.Contains(Project, key) }

// SettingKey is the stack-file key of the project namespace ns that sets a
// component setting a check names (auroradb.BackupRetentionDays →
// strata:db.backupRetentionDays), or false when no key sets it
// (stacks.SettingKey, for every setting of strata's checks).
func SettingKey(ns, setting string) (string, bool) {
	k, ok := settings[setting]
	if !ok {
		return "", false
	}
	return ns + ":" + k, true
}
