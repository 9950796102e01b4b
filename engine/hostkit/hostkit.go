// Package influxdb3hostkit holds what our two language hosts (engine/pulumi-language-python and
// engine/pulumi-language-nodejs) do alike: serving the engine, generating an SDK from a schema (GeneratePackage) and
// loading the packages `pulumi package add` links into a program (Link). scripts/ensure-pulumi copies
// it into the pinned pkg/v3 tree as github.com/pulumi/pulumi/pkg/v3/influxdb3hostkit, so both hosts
// bind schemas with exactly the engine's own pkg/codegen/schema. The steps are those of the upstream
// hosts (sdk/{nodejs,python}/cmd/pulumi-language-*/main.go, GeneratePackage and Link).
package influxdb3hostkit

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// Serve runs a language host the way the engine starts one: it prints the port of its gRPC server on
// stdout, serves until the engine is gone (watchEngine) or, when its address was given, stops answering
// health checks, and exits the process on a failure to serve.
func Serve(engineAddress string, host pulumirpc.LanguageRuntimeServer) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cancelChannel := make(chan bool)
	go func() { <-ctx.Done(); close(cancelChannel) }()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start the health check: %w", err))
		}
	}
	watchEngine(cancel)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

// How often a host checks that the engine that started it still runs, and how long it then gives its calls
// in flight (their contexts end with the engine's connection, which stops the program they run) to end.
const (
	engineCheckEvery = 500 * time.Millisecond
	stopGrace        = 3 * time.Second
)

// watchEngine stops the host once the process that started it (the engine) is gone. The health check above
// asks the engine only every five minutes, as the upstream hosts do, so a host whose `pulumi` CLI was killed
// would live on that long. A process whose parent dies is handed to another (init or a subreaper), so a
// changed parent pid means the engine is gone: the server stops (its Run calls have already ended with the
// engine's connection) and, should a call hang, the process exits after stopGrace.
func watchEngine(cancel context.CancelFunc) {
	engine := os.Getppid()
	if engine <= 1 {
		return // started by init: no engine to outlive
	}
	go func() {
		ticker := time.NewTicker(engineCheckEvery)
		defer ticker.Stop()
		for range ticker.C {
			if os.Getppid() != engine {
				cancel()
				time.AfterFunc(stopGrace, func() { os.Exit(1) })
				return
			}
		}
	}()
}

// Generator turns a bound package into files (relative path: contents), e.g. pkg/codegen/nodejs.
type Generator func(pkg *schema.Package, extraFiles map[string][]byte, loader schema.ReferenceLoader) (
	map[string][]byte, error)

// GeneratePackage binds the request's schema, runs generate and writes its files under the request's
// directory. Schema errors come back as diagnostics, as the engine expects.
func GeneratePackage(req *pulumirpc.GeneratePackageRequest, generate Generator) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	cached := schema.NewCachedLoader(loader)

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, fmt.Errorf("the schema is not valid JSON: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, cached, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, err
	}
	rpcDiags := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
	}
	files, err := generate(pkg, req.GetExtraFiles(), cached)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		out := filepath.Join(req.GetDirectory(), name)
		if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
			return nil, fmt.Errorf("could not create the folder of %s: %w", out, err)
		}
		if err := os.WriteFile(out, data, 0o600); err != nil {
			return nil, fmt.Errorf("could not write %s: %w", out, err)
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
}

// ProgramDependencies answers GetProgramDependencies with what a toolchain listed.
func ProgramDependencies(deps []plugin.DependencyInfo) *pulumirpc.GetProgramDependenciesResponse {
	out := make([]*pulumirpc.DependencyInfo, 0, len(deps))
	for _, d := range deps {
		out = append(out, &pulumirpc.DependencyInfo{Name: d.Name, Version: d.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: out}
}

// Linked is one package of a Link request: its bound schema and the SDK's path relative to the program.
type Linked struct {
	Package *schema.Package
	Path    string
}

// LoadLinked loads the schema of every package a Link request names (the engine serves them through the
// request's loader), with the given language sections decoded.
func LoadLinked(ctx context.Context, req *pulumirpc.LinkRequest, languages map[string]schema.Language) ([]Linked, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	cached := schema.NewCachedLoader(loader)

	out := make([]Linked, 0, len(req.GetPackages()))
	for _, dep := range req.GetPackages() {
		desc := &schema.PackageDescriptor{Name: dep.GetPackage().GetName(), DownloadURL: dep.GetPackage().GetServer()}
		if v, err := semver.New(dep.GetPackage().GetVersion()); err == nil {
			desc.Version = v
		}
		if p := dep.GetPackage().GetParameterization(); p != nil {
			desc.Parameterization = &schema.ParameterizationDescriptor{Name: p.GetName(), Value: p.GetValue()}
			if v, err := semver.New(p.GetVersion()); err == nil {
				desc.Parameterization.Version = *v
			}
		}
		ref, err := schema.LoadPackageReferenceV2(ctx, cached, desc)
		if err != nil {
			return nil, fmt.Errorf("could not load the schema of package %s: %w", desc.Name, err)
		}
		pkg, err := ref.Definition()
		if err != nil {
			return nil, err
		}
		if err := pkg.ImportLanguages(languages); err != nil {
			return nil, err
		}
		out = append(out, Linked{Package: pkg, Path: dep.GetPath()})
	}
	return out, nil
}
