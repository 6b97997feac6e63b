package cli

import (
	"fmt"
	"runtime/debug"
)

// BuildEnv is the variable through which strata tells its engine which
// build it is, so that a strata and an engine of two versions refuse to
// run together (an engine of another version may take other flags, or
// check differently) instead of mixing in silence.
const BuildEnv = "STRATA_BUILD"

// BuildID names this binary's build: its module version when installed at
// a version, else the commit it was built from when the build recorded one
// and the checkout was clean; "" when it cannot tell (a build of modified
// sources, or one without version control information), and then no
// comparison is made.
func BuildID() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	return buildID(bi)
}

func buildID(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" || modified != "false" {
		return ""
	}
	return rev
}

// SameBuild refuses an engine of another build than the strata that ran
// it; either side unknown passes.
func SameBuild(strata, engine string) error {
	if strata == "" || engine == "" || strata == engine {
		return nil
	}
	return fmt.Errorf("strata is build %s but its engine is build %s: install both from one version (go install github.com/strata-infra/strata/cmd/...@VERSION)", strata, engine)
}
