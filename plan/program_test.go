package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

const programDir = "testdata/program"

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// built builds the test program once per test binary and returns it with
// its stack's options.
func built(t *testing.T) (string, Options) {
	t.Helper()
	buildOnce.Do(func() { buildBin, buildErr = Build(context.Background(), programDir) })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	opts, err := StackOptions(programDir, "test")
	if err != nil {
		t.Fatal(err)
	}
	return buildBin, opts
}

// TestRunProgram builds the program in testdata/program, which strata did
// not write for itself, and plans it through the engine's gRPC server, as a
// Pulumi language host would run it: its own Pulumi.yaml and stack file,
// its transforms, its awsx VPC's children, its warnings and its exports.
func TestRunProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	bin, opts := built(t)
	p, err := RunProgram(bin, programDir, opts, 0)
	if err != nil {
		t.Fatal(err)
	}
	counts := p.CountByType()
	for typ, want := range map[string]int{
		"pulumi:providers:aws": 1, "awsx:ec2:Vpc": 1, "aws:ec2/vpc:Vpc": 1, "aws:ec2/subnet:Subnet": 4,
		"aws:ec2/natGateway:NatGateway": 1, "aws:ec2/eip:Eip": 1, "aws:ec2/securityGroup:SecurityGroup": 1, "aws:s3/bucketV2:BucketV2": 1,
	} {
		if counts[typ] != want {
			t.Errorf("%d %s, want %d", counts[typ], typ, want)
		}
	}
	for _, s := range p.ByType("aws:ec2/subnet:Subnet") {
		if s.Inputs["mapPublicIpOnLaunch"] != false {
			t.Errorf("subnet %s maps public IPs: the program's transform was not applied", s.Name)
		}
	}
	sg, err := p.Find("aws:ec2/securityGroup:SecurityGroup", "web")
	if err != nil {
		t.Fatal(err)
	}
	if sg.Inputs["vpcId"] != p.Outputs["vpcId"] || !strings.HasPrefix(sg.Inputs["vpcId"].(string), "vpc-") {
		t.Errorf("security group VPC = %v, want the awsx VPC's ID %v", sg.Inputs["vpcId"], p.Outputs["vpcId"])
	}
	if _, ok := p.Outputs["apiKey"].(Secret); !ok {
		t.Errorf("apiKey output = %#v, want a secret", p.Outputs["apiKey"])
	}
	warned := false
	for _, d := range p.Diagnostics {
		warned = warned || (d.Severity == "warning" && strings.Contains(d.Message, "no lifecycle"))
	}
	if !warned {
		t.Errorf("diagnostics = %+v, want the program's warning", p.Diagnostics)
	}

	// A saved plan loads back with its secrets and unknowns.
	var saved bytes.Buffer
	if err := json.NewEncoder(&saved).Encode(p); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(&saved)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Resources) != len(p.Resources) || !reflect.DeepEqual(loaded.URNs(), p.URNs()) {
		t.Errorf("a saved plan loads %d resources, want %d", len(loaded.Resources), len(p.Resources))
	}
	if _, ok := loaded.Outputs["apiKey"].(Secret); !ok {
		t.Errorf("a loaded plan's apiKey = %#v, want a secret again", loaded.Outputs["apiKey"])
	}
}

// TestRunProgramFailures: a program that fails reports the error it
// logged; one that does not finish in time is stopped.
func TestRunProgramFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	bin, opts := built(t)
	delete(opts.Config, "edge:team")
	if _, err := RunProgram(bin, programDir, opts, 0); err == nil || !strings.Contains(err.Error(), "edge:team") {
		t.Errorf("a program missing config: error = %v, want the program's own message naming edge:team", err)
	}
	if _, err := Build(context.Background(), "testdata/no-such-program"); err == nil {
		t.Error("building a folder with no program succeeded")
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildBin != "" {
		_ = os.RemoveAll(filepath.Dir(buildBin))
	}
	os.Exit(code)
}
