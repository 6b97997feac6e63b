package plan

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
)

// componentPlugin is a component provider plugin plan started to construct
// remote components, as the Pulumi engine starts one.
type componentPlugin struct {
	cmd    *exec.Cmd
	conn   *grpc.ClientConn
	client pulumirpc.ResourceProviderClient
}

// plugins are the component providers plan started, by package.
type plugins struct {
	mu      sync.Mutex
	started map[string]*componentPlugin
	missing map[string]bool
}

// findPlugin is where Pulumi finds a resource plugin: its plugin directory
// (PULUMI_HOME, else ~/.pulumi, /plugins/resource-<pkg>-v<version>/), then
// pulumi-resource-<pkg> on PATH. "" when it is in neither.
func findPlugin(pkg, version string) string {
	bin := "pulumi-resource-" + pkg
	home := os.Getenv("PULUMI_HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = filepath.Join(h, ".pulumi")
		}
	}
	if home != "" && version != "" {
		p := filepath.Join(home, "plugins", "resource-"+pkg+"-v"+strings.TrimPrefix(version, "v"), bin)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	if p, err := exec.LookPath(bin); err == nil {
		return p
	}
	return ""
}

// plugin starts (once) the provider of pkg and configures it, or returns
// nil when it is not installed.
func (e *engine) plugin(ctx context.Context, pkg, version string) (*componentPlugin, error) {
	e.plugins.mu.Lock()
	defer e.plugins.mu.Unlock()
	if p, ok := e.plugins.started[pkg]; ok {
		return p, nil
	}
	if e.plugins.missing[pkg] {
		return nil, nil
	}
	path := findPlugin(pkg, version)
	if path == "" {
		if e.plugins.missing == nil {
			e.plugins.missing = map[string]bool{}
		}
		e.plugins.missing[pkg] = true
		return nil, nil
	}
	// As the engine does: the plugin gets the engine's address, and prints
	// the port it serves on as its first line.
	cmd := exec.Command(path, e.addr)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("plan: starting the %s provider %s: %w", pkg, path, err)
	}
	port := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		port <- strings.TrimSpace(line)
	}()
	var addr string
	select {
	case p := <-port:
		if _, err := strconv.Atoi(p); err != nil {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("plan: the %s provider %s did not print its port, but %q", pkg, path, p)
		}
		addr = "127.0.0.1:" + p
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("plan: the %s provider %s printed no port in 30 s", pkg, path)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	p := &componentPlugin{cmd: cmd, conn: conn, client: pulumirpc.NewResourceProviderClient(conn)}
	if _, err := p.client.Configure(ctx, &pulumirpc.ConfigureRequest{Args: &structpb.Struct{},
		AcceptSecrets: true, AcceptResources: true}); err != nil {
		p.stop()
		return nil, fmt.Errorf("plan: configuring the %s provider: %w", pkg, err)
	}
	if e.plugins.started == nil {
		e.plugins.started = map[string]*componentPlugin{}
	}
	e.plugins.started[pkg] = p
	return p, nil
}

func (p *componentPlugin) stop() {
	_ = p.conn.Close()
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
		}
	}
}

// stopPlugins ends every plugin plan started.
func (e *engine) stopPlugins() {
	e.plugins.mu.Lock()
	defer e.plugins.mu.Unlock()
	for _, p := range e.plugins.started {
		p.stop()
	}
	e.plugins.started = nil
}

// construct has the component's provider construct it, as the engine does:
// Construct with plan's own monitor, through which the provider registers
// the component and its children like any program; it returns nil when no
// provider for the package is installed.
func (e *engine) construct(ctx context.Context, req *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	pkg, _, _ := strings.Cut(req.GetType(), ":")
	p, err := e.plugin(ctx, pkg, req.GetVersion())
	if err != nil || p == nil {
		return nil, err
	}
	urn := e.urn(req.GetParent(), req.GetType(), req.GetName())
	e.mu.Lock()
	e.parents[urn] = req.GetParent()
	e.transforms[urn] = req.GetTransforms()
	e.mu.Unlock()
	deps := map[string]*pulumirpc.ConstructRequest_PropertyDependencies{}
	for k, v := range req.GetPropertyDependencies() {
		deps[k] = &pulumirpc.ConstructRequest_PropertyDependencies{Urns: v.GetUrns()}
	}
	resp, err := p.client.Construct(ctx, &pulumirpc.ConstructRequest{
		Project: e.opts.Project, Stack: e.opts.Stack, Organization: e.opts.Organization, Config: e.opts.Config,
		ConfigSecretKeys: e.opts.SecretKeys, DryRun: !e.opts.Update, Parallel: 1, MonitorEndpoint: e.addr,
		Type: req.GetType(), Name: req.GetName(), Parent: req.GetParent(), Inputs: req.GetObject(), InputDependencies: deps,
		Providers: req.GetProviders(), Dependencies: req.GetDependencies(), Protect: req.Protect, Aliases: req.GetAliases(),
		AdditionalSecretOutputs: req.GetAdditionalSecretOutputs(), IgnoreChanges: req.GetIgnoreChanges(),
		ReplaceOnChanges: req.GetReplaceOnChanges(), RetainOnDelete: req.RetainOnDelete, DeletedWith: req.GetDeletedWith(),
		AcceptsOutputValues: false,
	})
	if err != nil {
		return nil, fmt.Errorf("plan: the %s provider could not construct %s %q: %w", pkg, req.GetType(), req.GetName(), err)
	}
	// The provider registered the component as a local one: the plan
	// records it as the remote component the program asked for.
	e.recorder.mu.Lock()
	for _, r := range e.resources {
		if r.URN == resp.GetUrn() {
			r.Remote = true
		}
	}
	e.recorder.mu.Unlock()
	return &pulumirpc.RegisterResourceResponse{Urn: resp.GetUrn(), Object: resp.GetState()}, nil
}

// call sends a component method to its provider (nil, nil when it is not
// installed).
func (e *engine) call(ctx context.Context, req *pulumirpc.ResourceCallRequest) (*pulumirpc.CallResponse, error) {
	pkg, _, _ := strings.Cut(req.GetTok(), ":")
	p, err := e.plugin(ctx, pkg, req.GetVersion())
	if err != nil || p == nil {
		return nil, err
	}
	deps := map[string]*pulumirpc.CallRequest_ArgumentDependencies{}
	for k, v := range req.GetArgDependencies() {
		deps[k] = &pulumirpc.CallRequest_ArgumentDependencies{Urns: v.GetUrns()}
	}
	return p.client.Call(ctx, &pulumirpc.CallRequest{Tok: req.GetTok(), Args: req.GetArgs(), ArgDependencies: deps,
		Project: e.opts.Project, Stack: e.opts.Stack, Organization: e.opts.Organization, Config: e.opts.Config,
		ConfigSecretKeys: e.opts.SecretKeys, DryRun: !e.opts.Update, Parallel: 1, MonitorEndpoint: e.addr})
}
