package awsconfig

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestAWSKeysAreTheSDKs reads the config packages of both provider
// generations and requires AWSKeys to be exactly the keys they read.
func TestAWSKeysAreTheSDKs(t *testing.T) {
	key := regexp.MustCompile(`"aws:([A-Za-z0-9]+)"`)
	seen := map[string]bool{}
	for _, m := range []string{"github.com/pulumi/pulumi-aws/sdk/v6@v6.83.4", "github.com/pulumi/pulumi-aws/sdk/v7@v7.12.0"} {
		out, err := exec.Command("go", "mod", "download", "-json", m).Output()
		if err != nil {
			t.Fatalf("go mod download %s: %v", m, err)
		}
		var info struct{ Dir string }
		if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
			t.Fatalf("no source for %s: %v", m, err)
		}
		src, err := os.ReadFile(filepath.Join(info.Dir, "go", "aws", "config", "config.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range key.FindAllStringSubmatch(string(src), -1) {
			seen[k[1]] = true
		}
	}
	var want []string
	for k := range seen {
		want = append(want, k)
	}
	slices.Sort(want)
	if !slices.Equal(AWSKeys, want) {
		t.Errorf("AWSKeys = %v\nthe SDKs read %v", AWSKeys, want)
	}
}

func TestKnown(t *testing.T) {
	for key, want := range map[string][2]bool{
		"aws:region": {true, true}, "aws:regoin": {false, true}, "aws:assumeRoles": {true, true},
		"pulumi:disable-default-providers": {true, true}, "pulumi:disable-default-provider": {false, true},
		"strata:owner": {false, false}, "gcp:project": {false, false},
	} {
		if k, j := Known(key); k != want[0] || j != want[1] {
			t.Errorf("Known(%q) = %v, %v; want %v, %v", key, k, j, want[0], want[1])
		}
	}
}
