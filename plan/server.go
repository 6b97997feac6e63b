package plan

import (
	"context"
	"fmt"
	"maps"
	"net"
	"slices"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// server serves the Pulumi engine's resource-monitor and engine gRPC
// services on loopback over an engine, as `pulumi preview` serves them to a
// program: a program connects to it with PULUMI_MONITOR and PULUMI_ENGINE
// (or RunInfo's addresses, in-process) and runs unmodified.
type server struct {
	pulumirpc.UnimplementedResourceMonitorServer
	pulumirpc.UnimplementedEngineServer
	e    *engine
	grpc *grpc.Server
	addr string
}

// features are the resource-monitor features the offline engine supports,
// by the names SupportsFeature asks with and as GetDeploymentInfo lists
// them.
var features = map[string]pulumirpc.ResourceMonitorFeature{
	"secrets":            pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_SECRETS,
	"resourceReferences": pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
	"aliasSpecs":         pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
	"deletedWith":        pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_DELETED_WITH,
	"transforms":         pulumirpc.ResourceMonitorFeature_RESOURCE_MONITOR_FEATURE_TRANSFORMS,
}

func serve(e *engine) (*server, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("plan: listening on loopback: %w", err)
	}
	s := &server{e: e, grpc: grpc.NewServer(grpc.MaxRecvMsgSize(256 << 20)), addr: lis.Addr().String()}
	pulumirpc.RegisterResourceMonitorServer(s.grpc, s)
	pulumirpc.RegisterEngineServer(s.grpc, s)
	// A provider plugin checks that the engine that started it is alive.
	healthpb.RegisterHealthServer(s.grpc, health.NewServer())
	e.addr = s.addr
	go func() { _ = s.grpc.Serve(lis) }()
	return s, nil
}

func (s *server) stop() { s.grpc.Stop() }

// start makes an engine for opts and serves it; stop ends both.
func start(opts Options) (e *engine, srv *server, stop func(), err error) {
	e = newEngine(opts)
	if srv, err = serve(e); err != nil {
		e.close()
		return nil, nil, nil, err
	}
	return e, srv, func() { srv.stop(); e.close() }, nil
}

// ResourceMonitor.

func (s *server) SupportsFeature(_ context.Context, req *pulumirpc.SupportsFeatureRequest) (*pulumirpc.SupportsFeatureResponse, error) {
	_, ok := features[req.GetId()]
	return &pulumirpc.SupportsFeatureResponse{HasSupport: ok}, nil
}

// GetDeploymentInfo answers in one round trip what an SDK would otherwise
// ask feature by feature (ten SupportsFeature calls for each context the
// Go SDK makes), with the run's project, stack and config.
func (s *server) GetDeploymentInfo(context.Context, *emptypb.Empty) (*pulumirpc.DeploymentInfo, error) {
	o := s.e.opts
	info := &pulumirpc.DeploymentInfo{
		Project: o.Project, Stack: o.Stack, Organization: o.Organization,
		Config: o.Config, ConfigSecretKeys: o.SecretKeys, DryRun: !o.Update,
		SupportedFeatures: slices.Sorted(maps.Values(features)),
	}
	return info, nil
}

func (s *server) RegisterResource(ctx context.Context, req *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	return s.e.register(ctx, req)
}

func (s *server) ReadResource(_ context.Context, req *pulumirpc.ReadResourceRequest) (*pulumirpc.ReadResourceResponse, error) {
	return s.e.read(req)
}

func (s *server) RegisterResourceOutputs(_ context.Context, req *pulumirpc.RegisterResourceOutputsRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, s.e.registerOutputs(req)
}

func (s *server) Invoke(_ context.Context, req *pulumirpc.ResourceInvokeRequest) (*pulumirpc.ResourceInvokeResponse, error) {
	return s.e.invoke(req)
}

func (s *server) Call(ctx context.Context, req *pulumirpc.ResourceCallRequest) (*pulumirpc.CallResponse, error) {
	// A component method goes to the component's provider, as the engine
	// sends it.
	if resp, err := s.e.call(ctx, req); resp != nil || err != nil {
		return resp, err
	}
	err := fmt.Errorf("plan: no offline answer for method call %q: its provider is not installed", req.GetTok())
	s.e.fail(err)
	return nil, status.Error(codes.Unimplemented, err.Error())
}

func (s *server) RegisterStackTransform(_ context.Context, cb *pulumirpc.Callback) (*emptypb.Empty, error) {
	s.e.addStackTransform(cb)
	return &emptypb.Empty{}, nil
}

func (s *server) SignalAndWaitForShutdown(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Engine.

func (s *server) Log(_ context.Context, req *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	s.e.log(req)
	return &emptypb.Empty{}, nil
}

func (s *server) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest) (*pulumirpc.GetRootResourceResponse, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	return &pulumirpc.GetRootResourceResponse{Urn: s.e.root}, nil
}

func (s *server) SetRootResource(_ context.Context, req *pulumirpc.SetRootResourceRequest) (*pulumirpc.SetRootResourceResponse, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	s.e.root = req.GetUrn()
	return &pulumirpc.SetRootResourceResponse{}, nil
}
