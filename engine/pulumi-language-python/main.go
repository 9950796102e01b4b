// Command pulumi-language-python is a small Python language host for the Pulumi engine.
//
// Why it exists: the upstream host lives in its own, untagged Go module
// (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3), which the Go module proxy
// reachable from our machines refuses (HTTP 403 at every pseudo-version). The last sdk/v3 release
// that still carried the host inside the sdk module (v3.79.0) runs programs, but it predates
// ProgramInfo and cannot start policy packs for a v3.221+ engine. scripts/ensure-pulumi therefore
// builds this file inside the pkg/v3 tree of the pinned CLI, so it compiles against exactly the same
// sdk/v3 as the engine. It is not used when a complete upstream `pulumi` is already on PATH.
//
// It does what the upstream host does for the calls our project needs, with the SDK's own pieces:
//   - Run: the SDK's `pulumi-language-python-exec` shim (installed beside this binary) runs the program;
//   - RunPlugin: analyzer plugins (policy packs) run as `python -m pulumi.policy ENGINE DIR`,
//     other plugins as `python DIR ARGS...`;
//   - the Python interpreter and virtualenv come from the SDK's python/toolchain package (pip,
//     uv or poetry; `virtualenv` and `toolchain` runtime options, PULUMI_PYTHON_CMD).
//
//   - GeneratePackage (`pulumi package gen-sdk --language python`) through pkg/codegen/python, and
//     Link (`pulumi package add`): the SDK joins the project's requirements through the toolchain
//     (for pip, a line in requirements.txt, as upstream), shared with the Node.js host in engine/hostkit.
//
// Dependency installation is left to the project (scripts/bootstrap), so InstallDependencies only
// validates the virtualenv. Program conversion and packing answer Unimplemented.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/pkg/v3/influxdb3hostkit"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// The exec shim exits with this code after it has already shown the user an actionable error.
const exitAfterUserActionableMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	execShim      string
	root          string
	virtualenv    string
}

func main() {
	var root, virtualenv, tracing, toolchainFlag, typechecker string
	flag.StringVar(&root, "root", "", "project root (where Pulumi.yaml is)")
	flag.StringVar(&virtualenv, "virtualenv", "", "virtualenv, relative to the project root")
	flag.StringVar(&tracing, "tracing", "", "ignored: accepted for compatibility")
	flag.StringVar(&toolchainFlag, "toolchain", "", "ignored: the toolchain comes from ProgramInfo options")
	flag.StringVar(&typechecker, "typechecker", "", "ignored: type checking is not run")
	flag.Parse()

	self, err := os.Executable()
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not determine the language host's path: %w", err))
	}
	shim := filepath.Join(filepath.Dir(self), "pulumi-language-python-exec")
	if _, err := os.Stat(shim); err != nil {
		cmdutil.Exit(fmt.Errorf("missing %s beside the language host: %w", shim, err))
	}

	h := &host{execShim: shim, root: root, virtualenv: virtualenv}
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[0]
	}

	influxdb3hostkit.Serve(h.engineAddress, h)
}

func stringOption(options *structpb.Struct, key string) string {
	if options == nil {
		return ""
	}
	if v, ok := options.Fields[key]; ok {
		return v.GetStringValue()
	}
	return ""
}

// python resolves the interpreter for a program the way the upstream host does: from the
// `toolchain` and `virtualenv` runtime options, relative to the project root.
func (h *host) python(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, error) {
	root, programDir, venv := h.root, "", h.virtualenv
	var tc string
	if info != nil {
		root, programDir = info.RootDirectory, info.ProgramDirectory
		if v := stringOption(info.Options, "virtualenv"); v != "" {
			venv = v
		}
		tc = stringOption(info.Options, "toolchain")
	}
	if programDir == "" {
		programDir = root
	}
	opts := toolchain.PythonOptions{Root: root, ProgramDir: programDir, Virtualenv: venv}
	switch strings.ToLower(tc) {
	case "", "auto":
		opts.Toolchain = toolchain.Auto
	case "pip":
		opts.Toolchain = toolchain.Pip
	case "uv":
		opts.Toolchain = toolchain.Uv
	case "poetry":
		opts.Toolchain = toolchain.Poetry
	default:
		return nil, fmt.Errorf("unknown Python toolchain %q in the runtime options", tc)
	}
	return toolchain.ResolveToolchain(opts)
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (
	*pulumirpc.LanguageHandshakeResponse, error,
) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	if req.GetRootDirectory() != "" {
		h.root = req.GetRootDirectory()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Dynamic providers and policy packs need no plugin packages.
func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (
	*pulumirpc.GetRequiredPluginsResponse, error,
) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (
	*pulumirpc.GetRequiredPackagesResponse, error,
) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (
	*pulumirpc.GetProgramDependenciesResponse, error,
) {
	tc, err := h.python(req.GetInfo())
	if err != nil {
		return nil, err
	}
	deps, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	return influxdb3hostkit.ProgramDependencies(deps), nil
}

// About answers with the interpreter's path and version, from one run of it. The engine asks on every
// `up` and `destroy`; the toolchain's About would also run `pip --version`, for a toolchain version
// this host does not report.
func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, err := h.python(req.GetInfo())
	if err != nil {
		return nil, err
	}
	cmd, err := tc.Command(ctx, "-c", "import platform, sys; print(sys.executable); print(platform.python_version())")
	if err != nil {
		return nil, err
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("could not run the Python interpreter %s: %w", cmd.Path, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return nil, fmt.Errorf("unexpected answer from the Python interpreter %s: %q", cmd.Path, out)
	}
	return &pulumirpc.AboutResponse{Executable: strings.TrimSpace(lines[0]), Version: strings.TrimSpace(lines[1])}, nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, _, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	tc, err := h.python(req.GetInfo())
	if err != nil {
		return err
	}
	if err := tc.ValidateVenv(server.Context()); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Python dependencies are installed by the project (scripts/bootstrap); nothing to do.")
	return closer.Close()
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	program := req.GetProgram()
	if info != nil && info.ProgramDirectory != "" {
		program = filepath.Join(info.ProgramDirectory, info.EntryPoint)
	}
	if program == "" {
		program = "."
	}
	args := []string{h.execShim}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", fmt.Sprint(req.GetDryRun()))
	add("parallel", fmt.Sprint(req.GetParallel()))
	add("organization", req.GetOrganization())
	if info != nil {
		add("root_directory", info.RootDirectory)
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	tc, err := h.python(info)
	if err != nil {
		return nil, err
	}
	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return nil, err
	}
	configMap := req.GetConfig()
	if configMap == nil {
		configMap = map[string]string{}
	}
	config, err := json.Marshal(configMap)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	if err := cmd.Run(); err != nil {
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if status, ok := exitErr.Sys().(syscall.WaitStatus); ok && status.ExitStatus() == exitAfterUserActionableMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the Python program: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	info := req.GetInfo()
	dir := req.GetProgram()
	if info != nil && info.ProgramDirectory != "" {
		dir = info.ProgramDirectory
	}
	if dir == "" {
		return errors.New("RunPlugin needs the plugin's program directory")
	}
	tc, err := h.python(info)
	if err != nil {
		return err
	}
	var cmd *exec.Cmd
	if req.GetKind() == "analyzer" {
		// A policy pack: pulumi.policy connects it to the engine, whose address is the first argument.
		cmd, err = tc.ModuleCommand(server.Context(), "pulumi.policy", append(req.GetArgs(), dir)...)
	} else {
		cmd, err = tc.Command(server.Context(), append([]string{"-u", dir}, req.GetArgs()...)...)
	}
	if err != nil {
		return err
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	cmd.Dir = req.GetPwd()
	env := req.GetEnv()
	if cmd.Env != nil { // the toolchain activated a virtualenv: keep its PATH and VIRTUAL_ENV
		env = append(append([]string{}, env...), cmd.Env...)
	}
	// pulumi-policy writes the pack's port to stdout without flushing it, and stdout is a pipe here: unbuffered,
	// or the engine waits for the port forever (hidden wherever PYTHONUNBUFFERED is already set).
	cmd.Env = append(env, "PYTHONUNBUFFERED=1")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return server.Send(&pulumirpc.RunPluginResponse{
				Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(exitErr.ExitCode())},
			})
		}
		return fmt.Errorf("could not run the Python plugin in %s: %w", dir, err)
	}
	return closer.Close()
}

func (h *host) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest) (
	*pulumirpc.GeneratePackageResponse, error,
) {
	return influxdb3hostkit.GeneratePackage(req, func(pkg *schema.Package, extra map[string][]byte,
		loader schema.ReferenceLoader,
	) (map[string][]byte, error) {
		return python.GeneratePackage("pulumi-language-python", pkg, extra, loader)
	})
}

// Link adds generated SDKs to the program's requirements (upstream Link: the schema's
// language.python.packageName, else pulumi_NAME).
func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	linked, err := influxdb3hostkit.LoadLinked(ctx, req, map[string]schema.Language{"python": python.Importer})
	if err != nil {
		return nil, err
	}
	packages := map[string]string{}
	var b strings.Builder
	b.WriteString("You can import the SDK in your Python code with:\n\n")
	for _, l := range linked {
		name := python.PyPack(l.Package.Namespace, l.Package.Name)
		if info, ok := l.Package.Language["python"].(python.PackageInfo); ok && info.PackageName != "" {
			name = info.PackageName
		}
		packages[name] = l.Path
		fmt.Fprintf(&b, "  import %s as %s\n", name, strings.ReplaceAll(l.Package.Name, "-", "_"))
	}
	tc, err := h.python(req.GetInfo())
	if err != nil {
		return nil, err
	}
	if err := tc.LinkPackages(ctx, packages); err != nil {
		return nil, fmt.Errorf("could not add the SDK to the project's requirements: %w", err)
	}
	return &pulumirpc.LinkResponse{ImportInstructions: b.String()}, nil
}
