package stacks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/strata-infra/strata/plan"
)

// TestOneKeyNeverFightsTheProfile: setting one key of a section to a valid
// value, beside what the checked-in stack file already sets, plans in dev
// and in prod, whatever the profile's defaults for the other keys are. The
// values are the ones that used to collide with a profile default (dev's
// auto-pause, the ACU and task bounds, the Fargate CPU and memory pairs)
// and each key's extremes.
func TestOneKeyNeverFightsTheProfile(t *testing.T) {
	type set struct {
		section, field string
		value          any
	}
	var cases []set
	for _, v := range []any{0, 0.5, 1, 8, 64, 256} {
		cases = append(cases, set{KeyDB, "minAcu", v})
	}
	for _, v := range []any{1, 8, 64, 256} {
		cases = append(cases, set{KeyDB, "maxAcu", v})
	}
	for _, v := range []any{300, 86400} {
		cases = append(cases, set{KeyDB, "autoPauseSeconds", v})
	}
	for _, v := range []any{256, 512, 1024, 2048, 4096, 8192, 16384} {
		cases = append(cases, set{KeyApp, "cpu", v})
	}
	for _, v := range []any{512, 1024, 3072, 8192, 30720, 61440, 122880} {
		cases = append(cases, set{KeyApp, "memory", v})
	}
	for _, v := range []any{2, 10, 50} {
		cases = append(cases, set{KeyApp, "minTasks", v}, set{KeyApp, "maxTasks", v})
	}
	cases = append(cases, set{KeyDB, "instances", 3}, set{KeyDB, "backupRetentionDays", 35}, set{KeyAPI, "reservedConcurrency", 10},
		set{KeyAPI, "timeoutSeconds", 900}, set{KeyAPI, "memoryMb", 10240})
	for _, stack := range []string{"dev", "prod"} {
		for _, c := range cases {
			name := fmt.Sprintf("%s %s.%s=%v", stack, c.section, c.field, c.value)
			t.Run(name, func(t *testing.T) {
				opts, err := plan.StackOptions(repo, stack)
				if err != nil {
					t.Fatal(err)
				}
				k := opts.Project + ":" + c.section
				section := map[string]any{}
				if raw, ok := opts.Config[k]; ok {
					if err := json.Unmarshal([]byte(raw), &section); err != nil {
						t.Fatal(err)
					}
				}
				section[c.field] = c.value
				raw, _ := json.Marshal(section)
				opts.Config[k] = string(raw)
				if _, err := plan.Run(Deploy, opts); err != nil {
					t.Errorf("%s: %s alone is refused:\n%v", stack, raw, err)
				}
			})
		}
	}
}

// TestTwoKeysThatContradictAreStillRefused: compose gives way only to what
// the file set; two keys the file set that contradict each other are
// refused, naming both values.
func TestTwoKeysThatContradictAreStillRefused(t *testing.T) {
	for _, tt := range []struct{ section, raw, want string }{
		{"strata:db", `{"minAcu":8,"maxAcu":4}`, "strata:db.minAcu (8) must not exceed strata:db.maxAcu (4)"},
		{"strata:db", `{"minAcu":1,"autoPauseSeconds":300}`, "strata:db.autoPauseSeconds (300) only applies with strata:db.minAcu 0"},
		{"strata:app", `{"cpu":1024,"memory":512}`, "strata:app.memory 512 is not valid with strata:app.cpu 1024"},
		{"strata:app", `{"minTasks":5,"maxTasks":2}`, "strata:app.maxTasks (2) must not be below strata:app.minTasks (5)"},
	} {
		_, err := planStack(t, "dev", map[string]string{tt.section: tt.raw})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %s: error %v, want %q", tt.section, tt.raw, err, tt.want)
		}
	}
}

// TestProductionMisspelled: an environment that reads as production but
// is not "prod" would quietly plan the non-production profile.
func TestProductionMisspelled(t *testing.T) {
	for _, env := range []string{"production", "prd", "live"} {
		_, err := planStack(t, "dev", map[string]string{"strata:environment": env})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf(`strata:environment is %q`, env)) || !strings.Contains(err.Error(), `did you mean "prod"?`) {
			t.Errorf("environment %q: error %v, want the suggestion of prod", env, err)
		}
	}
}
