package plan

import (
	"context"
	"slices"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// TestDeploymentInfo dials the engine as an SDK does and asks what a Go SDK
// asks first: GetDeploymentInfo must answer (an engine without it costs
// every context ten SupportsFeature round trips) with the run's project,
// stack, config and mode, and list exactly the features SupportsFeature
// grants under the names older SDKs ask with.
func TestDeploymentInfo(t *testing.T) {
	opts := Options{Project: "p", Stack: "s", Organization: "o",
		Config: map[string]string{"p:db": `{"size":"small"}`, "p:token": "x"}, SecretKeys: []string{"p:token"}}
	_, srv, stop, err := start(opts.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	conn, err := grpc.NewClient(srv.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mon := pulumirpc.NewResourceMonitorClient(conn)
	ctx := context.Background()

	info, err := mon.GetDeploymentInfo(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatalf("GetDeploymentInfo: %v", err)
	}
	if info.GetProject() != "p" || info.GetStack() != "s" || info.GetOrganization() != "o" || !info.GetDryRun() ||
		info.GetConfig()["p:db"] != `{"size":"small"}` || !slices.Equal(info.GetConfigSecretKeys(), []string{"p:token"}) {
		t.Errorf("deployment info = %v", info)
	}

	// Every name an SDK has asked SupportsFeature with, against the enum.
	names := map[string]pulumirpc.ResourceMonitorFeature{
		"secrets":            pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_SECRETS,
		"resourceReferences": pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
		"outputValues":       pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
		"deletedWith":        pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_DELETED_WITH,
		"replaceWith":        pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_REPLACE_WITH,
		"aliasSpecs":         pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
		"transforms":         pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_TRANSFORMS,
		"invokeTransforms":   pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS,
		"parameterization":   pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_PARAMETERIZATION,
		"resourceHooks":      pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_HOOKS,
		"errorHooks":         pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_ERROR_HOOKS,
	}
	var granted []pulumirpc.ResourceMonitorFeature
	for name, f := range names {
		r, err := mon.SupportsFeature(ctx, &pulumirpc.SupportsFeatureRequest{Id: name})
		if err != nil {
			t.Fatal(err)
		}
		if r.GetHasSupport() {
			granted = append(granted, f)
		}
	}
	slices.Sort(granted)
	if got := info.GetSupportedFeatures(); !slices.Equal(got, granted) {
		t.Errorf("GetDeploymentInfo lists %v, SupportsFeature grants %v", got, granted)
	}
	if !slices.Contains(granted, pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES) {
		t.Errorf("resource references are not granted: %v", granted)
	}
}
