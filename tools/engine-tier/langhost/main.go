// Command pulumi-language-nodejs is the engine tier's own, minimal Node.js language host.
//
// The Pulumi engine starts a language host as `pulumi-language-nodejs [flags] <engine-address>`
// (sdk/go/common/resource/plugin/langruntime_plugin.go, NewLanguageRuntime/buildArgsForNewPlugin;
// flags from plugin.go buildPluginArguments: --logtostderr, -v=N, --tracing <url>), reads the
// gRPC port from the first line of its stdout and then calls the LanguageRuntime service
// (proto/go/language_grpc.pb.go). This host implements the part of that service the engine
// needs for preview/up/refresh/destroy/import and policy packs:
//
//   - Run: `node [nodeargs] <@pulumi/pulumi>/cmd/run --monitor … <program>` with the stack's
//     config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS (read by @pulumi/pulumi runtime/config.js)
//     and PULUMI_NODEJS_TYPESCRIPT / PULUMI_NODEJS_TSCONFIG_PATH from the runtime options (read by
//     cmd/run/run.js; PULUMI_NODEJS_TRANSPILE_ONLY passes through from the environment).
//   - RunPlugin: policy packs (kind "analyzer") through <@pulumi/pulumi>/cmd/run-policy-pack, whose
//     output is streamed back as the engine's client expects (langruntime_plugin.go RunPlugin).
//   - GetRequiredPlugins/GetRequiredPackages: the resource plugins named by node_modules packages
//     whose package.json has `"pulumi": {"resource": true, …}`.
//   - GetPluginInfo, Handshake, InstallDependencies, GetProgramDependencies, About,
//     RuntimeOptionsPrompts, Cancel: small answers. Everything else is Unimplemented.
//
// It is not a port of Pulumi's own host: no code generation, packing, linking, debugger support
// or dependency installation.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is what GetPluginInfo reports; build-cli.sh sets it with -ldflags "-X main.version=…".
var version = "3.248.0"

// bailExitCode is the exit code @pulumi/pulumi's cmd/run (index.js,
// nodeJSProcessExitedAfterLoggingUserActionableMessage) uses once it has logged the error itself.
const bailExitCode = 32

func main() {
	flags := flag.NewFlagSet("pulumi-language-nodejs", flag.ContinueOnError)
	tracing := flags.String("tracing", "", "emit tracing to a Zipkin-compatible endpoint")
	flags.Bool("logtostderr", false, "log to stderr (accepted, unused)")
	flags.Bool("logflow", false, "flow logging to child processes (accepted, unused)")
	flags.Int("v", 0, "log verbosity (accepted, unused)")
	flags.String("root", "", "project root (accepted, unused)")
	flags.Bool("typescript", true, "accepted for compatibility; use runtime options instead")
	flags.String("tsconfig", "", "accepted for compatibility; use runtime options instead")
	flags.String("nodeargs", "", "accepted for compatibility; use runtime options instead")
	if err := flags.Parse(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(2)
	}
	engine := ""
	if flags.NArg() > 0 {
		engine = flags.Arg(flags.NArg() - 1)
	}

	host := &langhost{engineAddress: engine, tracing: *tracing, procs: map[*os.Process]struct{}{}}
	// Listen on a kernel-chosen loopback port, as the engine's own plugins do
	// (sdk/go/common/util/rpcutil/serve.go), with the same generous message limit.
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not listen: %v\n", err)
		os.Exit(1)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	pulumirpc.RegisterLanguageRuntimeServer(srv, host)
	healthpb.RegisterHealthServer(srv, health.NewServer())

	// The engine reads exactly one line from stdout: the port.
	fmt.Printf("%d\n", lis.Addr().(*net.TCPAddr).Port)

	if err := srv.Serve(lis); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

type langhost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
	procs         map[*os.Process]struct{}
}

// ---- helpers -------------------------------------------------------------------------------

// option reads a runtime option (Pulumi.yaml `runtime.options`), tolerating strings for bools.
func option(info *pulumirpc.ProgramInfo, key string) (*structpb.Value, bool) {
	if info == nil || info.GetOptions() == nil {
		return nil, false
	}
	v, ok := info.GetOptions().GetFields()[key]
	return v, ok
}

func optionBool(info *pulumirpc.ProgramInfo, key string, def bool) bool {
	v, ok := option(info, key)
	if !ok {
		return def
	}
	switch k := v.GetKind().(type) {
	case *structpb.Value_BoolValue:
		return k.BoolValue
	case *structpb.Value_StringValue:
		if b, err := strconv.ParseBool(k.StringValue); err == nil {
			return b
		}
	}
	return def
}

func optionString(info *pulumirpc.ProgramInfo, key string) string {
	v, ok := option(info, key)
	if !ok {
		return ""
	}
	if s, ok := v.GetKind().(*structpb.Value_StringValue); ok {
		return s.StringValue
	}
	return ""
}

// findUp looks for rel in dir and its ancestors and returns the first existing path.
func findUp(dir, rel string) (string, bool) {
	if dir == "" {
		return "", false
	}
	dir, _ = filepath.Abs(dir)
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// sdkScript finds <node_modules>/@pulumi/pulumi/<script> from the first of dirs that has it, as
// Node's own module resolution would from that directory.
func sdkScript(script string, dirs ...string) (string, error) {
	for _, d := range dirs {
		if p, ok := findUp(d, filepath.Join("node_modules", "@pulumi", "pulumi", script)); ok {
			return p, nil
		}
	}
	return "", fmt.Errorf("could not find node_modules/@pulumi/pulumi/%s above %s; "+
		"run `npm install` in the project", script, strings.Join(dirs, ", "))
}

func nodeExecutable() (string, error) {
	p, err := exec.LookPath("node")
	if err != nil {
		return "", errors.New("could not find `node` on PATH")
	}
	return p, nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

func (h *langhost) track(p *os.Process, add bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if add {
		h.procs[p] = struct{}{}
	} else {
		delete(h.procs, p)
	}
}

func exitCode(err error) (int, bool) {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), true
	}
	return 0, false
}

// ---- LanguageRuntime ---------------------------------------------------------------------

func (h *langhost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *langhost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

type pulumiPackageJSON struct {
	Name         string            `json:"name"`
	Version      string            `json:"version"`
	Dependencies map[string]string `json:"dependencies"`
	DevDeps      map[string]string `json:"devDependencies"`
	Pulumi       *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*pulumiPackageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p pulumiPackageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// resourcePlugins lists the resource plugins the packages in the program's node_modules declare
// (top level and one @scope level, which is where npm puts the provider SDKs).
func resourcePlugins(info *pulumirpc.ProgramInfo, pwd string) ([]*pulumirpc.PackageDependency, error) {
	start := pwd
	if info != nil && info.GetProgramDirectory() != "" {
		start = info.GetProgramDirectory()
	}
	nm, ok := findUp(start, "node_modules")
	if !ok {
		return nil, nil
	}
	var dirs []string
	entries, err := os.ReadDir(nm)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if strings.HasPrefix(name, "@") {
			sub, err := os.ReadDir(filepath.Join(nm, name))
			if err != nil {
				continue
			}
			for _, s := range sub {
				dirs = append(dirs, filepath.Join(nm, name, s.Name()))
			}
			continue
		}
		dirs = append(dirs, filepath.Join(nm, name))
	}
	seen := map[string]bool{}
	var out []*pulumirpc.PackageDependency
	for _, d := range dirs {
		p, err := readPackageJSON(filepath.Join(d, "package.json"))
		if err != nil || p.Pulumi == nil || !p.Pulumi.Resource {
			continue
		}
		name := p.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(filepath.Base(d), "pulumi-")
		}
		ver := p.Pulumi.Version
		if ver == "" {
			ver = p.Version
		}
		ver = strings.TrimPrefix(ver, "v")
		if ver != "" {
			ver = "v" + ver
		}
		key := name + "@" + ver
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, &pulumirpc.PackageDependency{
			Name: name, Kind: "resource", Version: ver, Server: p.Pulumi.Server,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (h *langhost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	pkgs, err := resourcePlugins(req.GetInfo(), "")
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func (h *langhost) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	pkgs, err := resourcePlugins(req.GetInfo(), req.GetPwd()) //nolint:staticcheck // Pwd is the old field
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(pkgs))
	for _, p := range pkgs {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// programArgument is the program operand for cmd/run: "." lets run.js pick the entry point from
// package.json, which it does relative to its working directory.
func programArgument(info *pulumirpc.ProgramInfo, pwd, legacy string) string {
	progDir, entry := pwd, legacy
	if info != nil {
		if info.GetProgramDirectory() != "" {
			progDir = info.GetProgramDirectory()
		}
		if info.GetEntryPoint() != "" {
			entry = info.GetEntryPoint()
		}
	}
	if entry == "" {
		entry = "."
	}
	if entry == "." && filepath.Clean(progDir) == filepath.Clean(pwd) {
		return "."
	}
	return filepath.Join(progDir, entry)
}

func (h *langhost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	pwd := req.GetPwd()
	if pwd == "" && info != nil {
		pwd = info.GetProgramDirectory()
	}
	if pwd == "" {
		pwd, _ = os.Getwd()
	}
	node, err := nodeExecutable()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	searchFrom := []string{pwd}
	if info != nil {
		searchFrom = append([]string{info.GetProgramDirectory(), info.GetRootDirectory()}, searchFrom...)
	}
	runScript, err := sdkScript("cmd/run", searchFrom...)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := strings.Fields(optionString(info, "nodeargs"))
	args = append(args, runScript,
		"--monitor="+req.GetMonitorAddress(),
		"--project="+req.GetProject(),
		"--stack="+req.GetStack(),
		"--pwd="+pwd,
	)
	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()
	if engine != "" {
		args = append(args, "--engine="+engine)
	}
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	if info != nil && info.GetRootDirectory() != "" {
		args = append(args, "--root-directory="+info.GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 1 {
		args = append(args, "--parallel="+strconv.Itoa(int(req.GetParallel())))
	}
	if h.tracing != "" {
		args = append(args, "--tracing="+h.tracing)
	}
	args = append(args, programArgument(info, pwd, req.GetProgram())) //nolint:staticcheck
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secrets),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(optionBool(info, "typescript", true)),
	)
	if ts := optionString(info, "tsconfig"); ts != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+ts)
	}

	cmd := exec.Command(node, args...)
	cmd.Dir = pwd
	cmd.Env = env
	cmd.Stdout = os.Stdout // the engine relays our stdout/stderr as diagnostics
	stderrTail := &tail{max: 8 << 10}
	cmd.Stderr = io.MultiWriter(os.Stderr, stderrTail)
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	h.track(cmd.Process, true)
	defer h.track(cmd.Process, false)

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = cmd.Process.Signal(syscall.SIGINT)
		err = <-done
	}
	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	code, ok := exitCode(err)
	if !ok {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("running the program failed: %v", err)}, nil
	}
	if code == bailExitCode {
		// The SDK already reported the error through the engine; it asks us to stop quietly.
		return &pulumirpc.RunResponse{Bail: true}, nil
	}
	msg := fmt.Sprintf("Program exited with non-zero exit code: %d", code)
	if t := stderrTail.String(); t != "" {
		msg += "\n" + t
	}
	return &pulumirpc.RunResponse{Error: msg}, nil
}

// RunPlugin runs a plugin written in Node: a policy pack (kind "analyzer", through
// @pulumi/pulumi/cmd/run-policy-pack, as `<engine-address> <program>`; the pack prints its own
// port) or another plugin program (run with node directly). Output is streamed as it comes and
// the exit code is the last message (sdk/go/common/resource/plugin/langruntime_plugin.go).
func (h *langhost) RunPlugin(
	req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	info := req.GetInfo()
	progDir := req.GetPwd()
	entry := "."
	if info != nil {
		if info.GetProgramDirectory() != "" {
			progDir = info.GetProgramDirectory()
		}
		if info.GetEntryPoint() != "" {
			entry = info.GetEntryPoint()
		}
	}
	node, err := nodeExecutable()
	if err != nil {
		return err
	}
	args := strings.Fields(optionString(info, "nodeargs"))
	switch req.GetKind() {
	case "analyzer":
		script, err := sdkScript("cmd/run-policy-pack", progDir, req.GetPwd())
		if err != nil {
			return err
		}
		args = append(args, script)
		args = append(args, req.GetArgs()...)
		// run-policy-pack resolves the pack relative to its cwd and reads ./tsconfig.json: run it
		// in the pack's directory so the pack's own tsconfig applies.
		args = append(args, "--pwd="+progDir, filepath.Join(progDir, entry))
	default:
		args = append(args, filepath.Join(progDir, entry))
		args = append(args, req.GetArgs()...)
	}

	cmd := exec.CommandContext(stream.Context(), node, args...)
	cmd.Dir = req.GetPwd()
	if cmd.Dir == "" {
		cmd.Dir = progDir
	}
	if len(req.GetEnv()) > 0 {
		cmd.Env = req.GetEnv()
	} else {
		cmd.Env = os.Environ()
	}
	if req.GetKind() != "analyzer" {
		cmd.Env = append(cmd.Env, "PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(optionBool(info, "typescript", true)))
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start node: %w", err)
	}
	h.track(cmd.Process, true)
	defer h.track(cmd.Process, false)

	var sendMu sync.Mutex
	send := func(r *pulumirpc.RunPluginResponse) error {
		sendMu.Lock()
		defer sendMu.Unlock()
		return stream.Send(r)
	}
	var wg sync.WaitGroup
	pump := func(r io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
		defer wg.Done()
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadBytes('\n')
			if len(line) > 0 {
				if send(wrap(bytes.Clone(line))) != nil {
					_, _ = io.Copy(io.Discard, br)
					return
				}
			}
			if err != nil {
				return
			}
		}
	}
	wg.Add(2)
	go pump(stdout, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go pump(stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	wg.Wait()
	werr := cmd.Wait()
	code := 0
	if werr != nil {
		c, ok := exitCode(werr)
		if !ok {
			return werr
		}
		code = c
	}
	return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

// InstallDependencies installs nothing: the engine tier runs against an installed node_modules.
func (h *langhost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := req.GetDirectory() //nolint:staticcheck
	if req.GetInfo() != nil && req.GetInfo().GetRootDirectory() != "" {
		dir = req.GetInfo().GetRootDirectory()
	}
	if _, ok := findUp(dir, filepath.Join("node_modules", "@pulumi", "pulumi", "package.json")); ok {
		return nil
	}
	return stream.Send(&pulumirpc.InstallDependenciesResponse{
		Stderr: []byte("pulumi-language-nodejs (engine tier): dependencies are not installed; run `npm ci`\n"),
	})
}

func (h *langhost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *langhost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := nodeExecutable()
	if err != nil {
		return &pulumirpc.AboutResponse{}, nil
	}
	out, err := exec.Command(node, "--version").Output()
	ver := ""
	if err == nil {
		ver = strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: ver}, nil
}

func (h *langhost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	root := req.GetPwd() //nolint:staticcheck
	if req.GetInfo() != nil && req.GetInfo().GetRootDirectory() != "" {
		root = req.GetInfo().GetRootDirectory()
	}
	pj, ok := findUp(root, "package.json")
	if !ok {
		return &pulumirpc.GetProgramDependenciesResponse{}, nil
	}
	p, err := readPackageJSON(pj)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for n := range p.Dependencies {
		names[n] = true
	}
	if req.GetTransitiveDependencies() {
		for n := range p.DevDeps {
			names[n] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var deps []*pulumirpc.DependencyInfo
	for _, n := range sorted {
		ver := p.Dependencies[n]
		if ver == "" {
			ver = p.DevDeps[n]
		}
		if inst, ok := findUp(filepath.Dir(pj), filepath.Join("node_modules", n, "package.json")); ok {
			if ip, err := readPackageJSON(inst); err == nil && ip.Version != "" {
				ver = ip.Version
			}
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: n, Version: ver})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// Cancel asks running programs and plugins to stop (SIGINT, which the Node SDK handles).
func (h *langhost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for p := range h.procs {
		_ = p.Signal(syscall.SIGINT)
	}
	return &emptypb.Empty{}, nil
}
