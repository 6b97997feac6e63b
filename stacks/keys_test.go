package stacks

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/strata-infra/strata/internal/problems"
	"github.com/strata-infra/strata/policy"
)

// TestInConfigTerms: a component's problem names the stack file's keys,
// through nested fields, indexes and the aliases, from the typed paths it
// carries; its prose is never rewritten, even where a word is a field's name.
func TestInConfigTerms(t *testing.T) {
	f := problems.Field
	for _, tt := range []struct {
		section string
		cfg     any
		subject string
		format  string
		args    []any
		want    string
	}{
		{KeyDB, DBConfig{}, "auroradb", "%v (%v) must not exceed %v (%v)", []any{f("MinACU"), 8, f("MaxACU"), 4}, "strata:db.minAcu (8) must not exceed strata:db.maxAcu (4)"},
		{KeyBucket, BucketConfig{}, "securebucket", "%v must be at least 30 for STANDARD_IA, got 10", []any{f("LifecycleRules").Index(0).Child("Transitions").Index(1).Child("Days")},
			"strata:bucket.lifecycleRules[0].transitions[1].days must be at least 30 for STANDARD_IA, got 10"},
		{KeyApp, AppConfig{}, "appservice", "%v must start with /, got %q", []any{f("HealthCheck").Child("Path"), "ping"}, `strata:app.healthCheckPath must start with /, got "ping"`},
		{KeyBudget, BudgetConfig{}, "budget", "%v must hold at most 10, got 12", []any{f("EmailAddresses")}, "strata:budget.emails must hold at most 10, got 12"},
		{KeyBaseline, BaselineConfig{}, "baseline", "%v must be a 12-digit account ID", []any{f("DeployRole").Child("TrustedPrincipal")}, "strata:baseline.deployRole.trustedPrincipal must be a 12-digit account ID"},
		// No field of the section: the section stays the subject.
		{KeyBudget, BudgetConfig{}, "budget", "a notification may have at most 11 subscribers", nil, "strata:budget: a notification may have at most 11 subscribers"},
		// An Args field with no config key keeps its Go name.
		{KeyApp, AppConfig{}, "appservice", "%v must be 1 to 100, got 101", []any{f("Alarms").Child("CPUPercent")}, "strata:app: Alarms.CPUPercent must be 1 to 100, got 101"},
		// A word in the prose that happens to be a field's name stays prose.
		{KeyApp, AppConfig{}, "appservice", "%v needs an Image, got %q", []any{f("Port"), "x"}, `strata:app.port needs an Image, got "x"`},
	} {
		list := problems.For(tt.subject, "x")
		list.Addf(tt.format, tt.args...)
		if got := inConfigTerms("strata", tt.section, reflect.TypeOf(tt.cfg), list.Err()); got != tt.want {
			t.Errorf("inConfigTerms(%q)\n got %q\nwant %q", tt.format, got, tt.want)
		}
	}
	// An error that is not a component's typed problem keeps its words.
	if got := inConfigTerms("strata", KeyDB, reflect.TypeOf(DBConfig{}), errors.New(`auroradb "main": MinACU is odd`)); got != "strata:db: MinACU is odd" {
		t.Errorf("an untyped error became %q", got)
	}
}

// Every setting a check names either maps to a key the loader accepts or
// is one the stack file cannot set; the ones it can are the ones it can.
func TestSettingKeys(t *testing.T) {
	want := map[string]string{
		"auroradb.BackupRetentionDays":          "strata:db.backupRetentionDays",
		"auroradb.AllowDeletion":                "strata:db.deletionProtection",
		"serverlessapi.Authorizer":              "strata:api.jwtIssuer",
		"baseline.DeployRole.ManagedPolicyARNs": "strata:baseline.deployRole.managedPolicyArns",
		"baseline.DisableGuardDuty":             "strata:baseline.guardDuty",
		"appservice.AccessLogBucket":            "strata:accessLogs",
		"alerting.Emails":                       "strata:alarms.emails",
	}
	for setting, key := range want {
		if got, ok := SettingKey("strata", setting); !ok || got != key {
			t.Errorf("SettingKey(%s) = %q, %v; want %q", setting, got, ok, key)
		}
	}
	for _, setting := range []string{"appservice.WritableRootFilesystem", "auroradb.Nope", "nopkg.Field", "auroradb"} {
		if got, ok := SettingKey("strata", setting); ok {
			t.Errorf("SettingKey(%s) = %q; the stack file cannot set it", setting, got)
		}
	}
	for _, c := range policy.Checks() {
		for _, s := range c.Settings {
			k, ok := SettingKey("strata", s)
			if !ok {
				t.Errorf("%s names setting %s, which no stack-file key sets", c.ID, s)
				continue
			}
			top, _, _ := strings.Cut(strings.TrimPrefix(k, "strata:"), ".")
			if !slices.Contains(Keys, top) {
				t.Errorf("%s: %s maps to %s, which the loader does not read", c.ID, s, k)
			}
		}
	}
}

// TestCheckKeysInEveryNamespace: a misspelled key is caught in aws: and
// pulumi: too, and a misspelled namespace is named with the one meant.
func TestCheckKeysInEveryNamespace(t *testing.T) {
	err := CheckKeys("strata", []string{"aws:region", "aws:regoin", "pulumi:disable-default-providers", "pulumi:disable-default-provider",
		"stata:owner", "strata:owner", "strata:ownr", "gcp:project"})
	if err == nil {
		t.Fatal("misspelled keys were accepted")
	}
	for _, want := range []string{
		`unknown key "aws:regoin": the AWS provider's namespace has no such key: did you mean "aws:region"?`,
		`unknown key "pulumi:disable-default-provider": the Pulumi engine's namespace has no such key: did you mean "pulumi:disable-default-providers"?`,
		`unknown namespace in "stata:owner": nothing in strata's program reads stata: keys: did you mean "strata:owner"?`,
		`unknown key "strata:ownr": did you mean "strata:owner"?`,
		`unknown namespace in "gcp:project": nothing in strata's program reads gcp: keys (its namespaces: strata, aws, pulumi)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	for _, ok := range []string{"aws:region", "pulumi:disable-default-providers", "strata:owner"} {
		if strings.Contains(err.Error(), `"`+ok+`"`) && !strings.Contains(err.Error(), `mean "`+ok+`"`) {
			t.Errorf("a right key %s was reported: %v", ok, err)
		}
	}
}
