// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi engine, for
// TypeScript and JavaScript programs.
//
// Why it exists: as for Python (engine/pulumi-language-python), the upstream host lives in its own Go
// module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which the Go module proxy
// reachable from our machines refuses (HTTP 403). scripts/ensure-pulumi builds this file inside the
// pkg/v3 tree of the pinned CLI, so it compiles against the engine's own sdk/v3 and pkg/codegen. It is
// not used when a complete upstream `pulumi` (with its own hosts) is already on PATH.
//
// What it does, with the steps of the upstream host (sdk/nodejs/cmd/pulumi-language-nodejs/main.go):
//   - Run: `node @pulumi/pulumi/cmd/run` resolved from the program's own node_modules, with the same
//     arguments (--monitor, --engine, --project, --stack, --pwd, --dry-run, --parallel, ...) and
//     environment (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT,
//     PULUMI_NODEJS_TSCONFIG_PATH); the SDK's run script loads TypeScript itself (its bundled ts-node).
//     The SDK talks to the engine's resource monitor directly: the upstream host's monitor proxy and
//     `--sync` pipes only serve the long-deprecated synchronous invokes.
//   - GetRequiredPackages: packages under node_modules whose package.json says {"pulumi": {"resource":
//     true}} (what a generated SDK, e.g. one `pulumi package add` linked, declares);
//   - InstallDependencies / GetProgramDependencies: the SDK's own npm/yarn/pnpm support (nodejs/npm);
//   - GeneratePackage (`pulumi package gen-sdk --language nodejs`) through pkg/codegen/nodejs, and Link
//     (`pulumi package add`): the SDK is added to package.json as a file: dependency.
//
// Not done: RunPlugin (Node.js policy packs and plugins), program conversion, Pack, bun, debugging.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/shlex"
	"github.com/pulumi/pulumi/pkg/v3/codegen/cgstrings"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/pkg/v3/influxdb3hostkit"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/fsutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// The SDK's run script exits with this code after it has already shown the user an actionable error.
const exitAfterUserActionableMessage = 32

// runScript is the SDK entry point that loads and runs a program (upstream defaultRunPath).
const runScript = "@pulumi/pulumi/cmd/run"

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	tracing       string
}

func main() {
	var tracing, runtime string
	flag.StringVar(&tracing, "tracing", "", "passed on to the program as --tracing")
	flag.StringVar(&runtime, "runtime", "nodejs", "only nodejs is supported")
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if runtime != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime %q: this host runs programs with node only", runtime))
	}
	h := &host{tracing: tracing}
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[0]
	}

	influxdb3hostkit.Serve(h.engineAddress, h)
}

// options are the project's `runtime: options:` that this host honours (upstream parseOptions).
type options struct {
	typescript     bool
	tsconfig       string
	nodeargs       string
	packagemanager npm.PackageManagerType
	production     bool
}

func parseOptions(raw *structpb.Struct) (options, error) {
	opts := options{typescript: true, packagemanager: npm.AutoPackageManager}
	m := raw.AsMap()
	var ok bool
	if v, has := m["typescript"]; has {
		if opts.typescript, ok = v.(bool); !ok {
			return opts, errors.New("the runtime option typescript must be a boolean")
		}
	}
	if v, has := m["tsconfig"]; has {
		if opts.tsconfig, ok = v.(string); !ok {
			return opts, errors.New("the runtime option tsconfig must be a string")
		}
	}
	if v, has := m["nodeargs"]; has {
		if opts.nodeargs, ok = v.(string); !ok {
			return opts, errors.New("the runtime option nodeargs must be a string")
		}
	}
	if v, has := m["production"]; has {
		if opts.production, ok = v.(bool); !ok {
			return opts, errors.New("the runtime option production must be a boolean")
		}
	}
	if v, has := m["packagemanager"]; has {
		pm, isString := v.(string)
		switch npm.PackageManagerType(pm) {
		case npm.AutoPackageManager, npm.NpmPackageManager, npm.YarnPackageManager, npm.PnpmPackageManager:
			opts.packagemanager = npm.PackageManagerType(pm)
		default:
			if !isString {
				pm = fmt.Sprint(v)
			}
			return opts, fmt.Errorf("the runtime option packagemanager must be auto, npm, yarn or pnpm, not %q", pm)
		}
	}
	return opts, nil
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (
	*pulumirpc.LanguageHandshakeResponse, error,
) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest) (
	*pulumirpc.GetRequiredPackagesResponse, error,
) {
	packages, err := packagesIn(req.GetInfo().GetProgramDirectory(), false, map[string]bool{})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// GetRequiredPlugins answers older engines, which ask for plugins rather than packages.
func (h *host) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest) (
	*pulumirpc.GetRequiredPluginsResponse, error,
) {
	packages, err := packagesIn(req.GetInfo().GetProgramDirectory(), false, map[string]bool{})
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(packages))
	for _, p := range packages {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.GetName(), Kind: p.GetKind(), Version: p.GetVersion(), Server: p.GetServer(),
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// packageJSON is the part of a package.json this host reads.
type packageJSON struct {
	Name    string                  `json:"name"`
	Version string                  `json:"version"`
	Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
}

// packagesIn walks dir for node_modules packages that need a resource plugin, following symlinks
// (`file:` dependencies are links) once each and skipping policy packs, whose plugins are not the
// program's.
func packagesIn(dir string, inNodeModules bool, seen map[string]bool) ([]*pulumirpc.PackageDependency, error) {
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	if seen[dir] {
		return nil, nil
	}
	seen[dir] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", dir, err)
	}
	var out []*pulumirpc.PackageDependency
	for _, entry := range entries {
		path := filepath.Join(dir, entry.Name())
		isDir := entry.IsDir()
		if entry.Type()&fs.ModeSymlink != 0 {
			info, err := os.Stat(path)
			if err != nil {
				continue // a dangling link is not a package
			}
			isDir = info.IsDir()
		}
		switch {
		case isDir:
			if pack, err := workspace.DetectPolicyPackPathAt(path); err != nil || pack != "" {
				continue
			}
			more, err := packagesIn(path, inNodeModules || filepath.Base(dir) == "node_modules", seen)
			if err != nil {
				return nil, err
			}
			out = append(out, more...)
		case inNodeModules && entry.Name() == "package.json":
			dep, err := packageOf(path)
			if err != nil {
				return nil, err
			}
			if dep != nil {
				out = append(out, dep)
			}
		}
	}
	return out, nil
}

// packageOf reads one package.json: the plugin it needs, or nil (upstream getPackageInfo).
func packageOf(path string) (*pulumirpc.PackageDependency, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var info packageJSON
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %w", path, err)
	}
	if !info.Pulumi.Resource {
		return nil, nil
	}
	name := info.Pulumi.Name
	if name == "" {
		if !strings.HasPrefix(info.Name, "@pulumi/") {
			return nil, fmt.Errorf("%s needs the plugin's name in its \"pulumi\" section", path)
		}
		name = strings.TrimPrefix(info.Name, "@pulumi/")
	}
	v := info.Pulumi.Version
	if v == "" {
		v = info.Version
	}
	if v != "" && !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: v, Server: info.Pulumi.Server}
	if p := info.Pulumi.Parameterization; p != nil {
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
	}
	return dep, nil
}

// locateRunScript resolves the SDK's run script from the program's folder, as node would.
func locateRunScript(node, programDir string) (string, error) {
	script := fmt.Sprintf(`try { console.log(require.resolve(%q)) } catch (e) {`+
		` console.error(e.code === "MODULE_NOT_FOUND" ? "The @pulumi/pulumi package is not installed in %s; run npm install there." : e.message);`+
		` process.exit(1) }`, runScript, programDir)
	cmd := exec.Command(node, "-e", script)
	cmd.Dir = programDir
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return "", errors.New(strings.TrimSpace(string(exitErr.Stderr)))
		}
		return "", fmt.Errorf("could not run node: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// configJSON is the program's config in the key form the SDK reads (upstream constructConfig).
func configJSON(req *pulumirpc.RunRequest) (string, string, error) {
	cfg := make(map[string]string, len(req.GetConfig()))
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return "", "", err
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	c, err := json.Marshal(cfg)
	if err != nil {
		return "", "", err
	}
	s, err := json.Marshal(secretKeys)
	return string(c), string(s), err
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "node was not found on PATH; install Node.js 18 or newer."}, nil
	}
	opts, err := parseOptions(info.GetOptions())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	run, err := locateRunScript(node, info.GetProgramDirectory())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cfg, secretKeys, err := configJSON(req)
	if err != nil {
		return nil, fmt.Errorf("could not serialize the configuration: %w", err)
	}

	args, err := shlex.Split(opts.nodeargs)
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("the runtime option nodeargs cannot be parsed: %v", err)}, nil
	}
	args = append(args, run)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", info.GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), "PULUMI_CONFIG="+cfg, "PULUMI_CONFIG_SECRET_KEYS="+secretKeys)
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Env = env
	// node may switch its own stdout/stderr to non-blocking mode; wrapping keeps ours untouched
	cmd.Stdout, cmd.Stderr = struct{ *os.File }{os.Stdout}, struct{ *os.File }{os.Stderr}
	if err := cmd.Run(); err != nil {
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitAfterUserActionableMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the Node.js program: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	opts, err := parseOptions(req.GetInfo().GetOptions())
	if err != nil {
		return err
	}
	dir := req.GetInfo().GetProgramDirectory()
	if root, err := npm.FindWorkspaceRoot(dir); err == nil {
		fmt.Fprintf(stdout, "Detected workspace root at %s\n", root)
		dir = root
	} else if !errors.Is(err, npm.ErrNotInWorkspace) {
		return fmt.Errorf("could not look for an npm workspace above %s: %w", dir, err)
	}
	fmt.Fprintln(stdout, "Installing dependencies...")
	if _, err := npm.Install(server.Context(), opts.packagemanager, dir, opts.production, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Finished installing dependencies")
	return closer.Close()
}

func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest) (
	*pulumirpc.GetProgramDependenciesResponse, error,
) {
	opts, err := parseOptions(req.GetInfo().GetOptions())
	if err != nil {
		return nil, err
	}
	dir := req.GetInfo().GetProgramDirectory()
	pm, err := npm.ResolvePackageManager(opts.packagemanager, dir)
	if err != nil {
		return nil, err
	}
	deps, err := pm.ListPackages(ctx, dir, req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	return influxdb3hostkit.ProgramDependencies(deps), nil
}

func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node was not found on PATH")
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("could not ask node for its version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

func (h *host) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest) (
	*pulumirpc.GeneratePackageResponse, error,
) {
	return influxdb3hostkit.GeneratePackage(req, func(pkg *schema.Package, extra map[string][]byte,
		loader schema.ReferenceLoader,
	) (map[string][]byte, error) {
		return nodejs.GeneratePackage("pulumi-language-nodejs", pkg, extra, req.GetLocalDependencies(), req.GetLocal(), loader)
	})
}

// npmName is the package's npm name: the schema's language.nodejs.packageName, else @pulumi/NAME.
func npmName(pkg *schema.Package) string {
	if info, ok := pkg.Language["nodejs"].(nodejs.NodePackageInfo); ok && info.PackageName != "" {
		return info.PackageName
	}
	if pkg.Namespace != "" {
		return "@" + pkg.Namespace + "/" + pkg.Name
	}
	return "@pulumi/" + pkg.Name
}

func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	info := req.GetInfo()
	opts, err := parseOptions(info.GetOptions())
	if err != nil {
		return nil, err
	}
	dir := info.GetProgramDirectory()
	pm, err := npm.ResolvePackageManager(opts.packagemanager, dir)
	if err != nil {
		return nil, err
	}
	linked, err := influxdb3hostkit.LoadLinked(ctx, req, map[string]schema.Language{"nodejs": nodejs.Importer})
	if err != nil {
		return nil, err
	}
	typescript := opts.typescript || opts.tsconfig != ""
	if _, err := fsutil.Searchup(dir, "tsconfig.json"); err == nil {
		typescript = true
	}
	language := "JavaScript"
	if typescript {
		language = "TypeScript"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "You can import the SDK in your %s code with:\n\n", language)
	for _, l := range linked {
		name := npmName(l.Package)
		if err := pm.Link(ctx, dir, name, l.Path); err != nil {
			return nil, err
		}
		if typescript {
			fmt.Fprintf(&b, "  import * as %s from \"%s\";\n", cgstrings.Camel(l.Package.Name), name)
		} else {
			fmt.Fprintf(&b, "  const %s = require(\"%s\");\n", cgstrings.Camel(l.Package.Name), name)
		}
	}
	return &pulumirpc.LinkResponse{ImportInstructions: b.String()}, nil
}
