package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestBuildID: a version names a build; so does a clean commit; modified
// sources or no record name none, and are not compared.
func TestBuildID(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tt := range []struct {
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		{"v1.4.0", vcs("abc", "true"), "v1.4.0"},
		{"(devel)", vcs("abc", "false"), "abc"},
		{"(devel)", vcs("abc", "true"), ""},
		{"(devel)", nil, ""},
	} {
		bi := &debug.BuildInfo{Main: debug.Module{Version: tt.version}, Settings: tt.settings}
		if got := buildID(bi); got != tt.want {
			t.Errorf("buildID(%s, %v) = %q, want %q", tt.version, tt.settings, got, tt.want)
		}
	}
	if err := SameBuild("v1.4.0", "v1.3.0"); err == nil || !strings.Contains(err.Error(), "strata is build v1.4.0 but its engine is build v1.3.0") {
		t.Errorf("two versions: %v", err)
	}
	for _, pair := range [][2]string{{"v1.4.0", "v1.4.0"}, {"", "v1.3.0"}, {"abc", ""}} {
		if err := SameBuild(pair[0], pair[1]); err != nil {
			t.Errorf("SameBuild(%q, %q) = %v, want nil", pair[0], pair[1], err)
		}
	}
}
