"""scripts/ensure-pulumi's YAML host step, on stand-in executables (no Go build, no network).

Documented facts these tests hold:
- The engine runs a language host found beside `pulumi` (bundled) or on PATH, and warns
  "using pulumi-language-yaml from $PATH" when it is only on PATH (pulumi/pulumi
  sdk/go/common/workspace/plugins.go, getPluginInfoAndPath: ambient and bundled paths).
- `go` refuses a module whose go.mod asks for a newer Go when GOTOOLCHAIN=local (go.dev/doc/toolchain);
  pulumi-yaml v1.25.0's go.mod says `go 1.24.7`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "ensure-pulumi"
ENGINE_FILES = (
    "pulumi",
    "pulumi-language-python",
    "pulumi-language-python-exec",
    "pulumi-resource-pulumi-python",
    "pulumi-language-nodejs",
)
# Our hosts' sources, in the order scripts/ensure-pulumi hashes them into the cache key.
HOST_SOURCES = ("hostkit/hostkit.go", "pulumi-language-nodejs/main.go", "pulumi-language-python/main.go")
FAKE_PULUMI = '#!/bin/sh\n[ "$1" = version ] && echo v3.274.1\nexit 0\n'


def executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def engine_dir(folder: Path, with_yaml: bool = False) -> Path:
    for name in ENGINE_FILES:
        executable(folder / name, FAKE_PULUMI if name == "pulumi" else "#!/bin/sh\nexit 0\n")
    if with_yaml:
        executable(folder / "pulumi-language-yaml")
    return folder


def cached_yaml_host(cache: Path) -> Path:
    folder = cache / "pulumi-influxdb3-tokens" / "yaml" / "pulumi-yaml-v1.25.0" / "bin"
    executable(folder / "pulumi-language-yaml")
    (folder / ".complete").touch()
    return folder


def run(path: list[Path], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "GO"))}
    env.update(PATH=os.pathsep.join([*map(str, path), "/usr/bin", "/bin"]), XDG_CACHE_HOME=str(cache))
    return subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False)


def lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_yaml_host_beside_the_users_engine_is_reused_and_only_the_engine_folder_is_printed(tmp_path: Path):
    engine = engine_dir(tmp_path / "engine", with_yaml=True)
    done = run([engine], tmp_path / "cache")
    assert lines(done) == [str(engine)]
    assert "reusing pulumi-language-yaml beside the engine" in done.stderr


def test_a_yaml_host_on_path_is_reused(tmp_path: Path):
    engine = engine_dir(tmp_path / "engine")
    elsewhere = executable(tmp_path / "tools" / "pulumi-language-yaml").parent
    done = run([engine, elsewhere], tmp_path / "cache")
    assert lines(done) == [str(engine)]
    assert f"reusing pulumi-language-yaml on PATH at {elsewhere}/pulumi-language-yaml" in done.stderr


def test_the_cached_host_is_printed_as_its_own_line_when_the_engine_folder_is_the_users(tmp_path: Path):
    engine = engine_dir(tmp_path / "engine")
    yaml_bin = cached_yaml_host(tmp_path / "cache")
    done = run([engine], tmp_path / "cache")
    assert lines(done) == [str(yaml_bin), str(engine)]  # every line goes on PATH, the engine's last
    assert not (engine / "pulumi-language-yaml").exists()  # a user's engine folder is never written to


def test_the_cached_host_is_linked_beside_our_own_cached_engine(tmp_path: Path):
    cache = tmp_path / "cache"
    sources = b"".join((REPO / "engine" / name).read_bytes() for name in HOST_SOURCES)
    host_hash = hashlib.sha256(sources).hexdigest()[:12]
    engine = cache / "pulumi-influxdb3-tokens" / "engine" / f"pulumi-v3.274.1_langhost-{host_hash}" / "bin"
    engine_dir(engine)
    (engine / ".complete").touch()
    yaml_bin = cached_yaml_host(cache)
    done = run([], cache)
    assert lines(done) == [str(engine)]
    assert (engine / "pulumi-language-yaml").resolve() == (yaml_bin / "pulumi-language-yaml").resolve()
    assert lines(run([], cache)) == [str(engine)]  # the next run finds it beside the engine
    assert "reusing pulumi-language-yaml beside the engine" in run([], cache).stderr


def test_an_engine_on_path_without_the_nodejs_host_is_not_reused(tmp_path: Path):
    engine = engine_dir(tmp_path / "engine", with_yaml=True)
    (engine / "pulumi-language-nodejs").unlink()
    done = run([engine], tmp_path / "cache")  # no Go on PATH: our own build cannot start
    assert done.returncode == 1 and done.stdout == ""
    assert "lacks the Python or Node.js host; using our own build" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("ensure-pulumi: Go was not found on PATH")


@pytest.mark.parametrize("go_version", ["go1.22.0", "go1.24.6"])
def test_a_go_older_than_the_modules_go_mod_fails_with_one_sentence(tmp_path: Path, go_version: str):
    engine = engine_dir(tmp_path / "engine")
    module = tmp_path / "modcache" / "pulumi-yaml@v1.25.0"
    module.mkdir(parents=True)
    (module / "go.mod").write_text("module github.com/pulumi/pulumi-yaml\n\ngo 1.24.7\n")
    download = f'{{\\n\\t"Path": "github.com/pulumi/pulumi-yaml",\\n\\t"Dir": "{module}",\\n\\t"Sum": "h1:x"\\n}}\\n'
    go = executable(
        tmp_path / "go" / "go",
        f"""#!/bin/sh
case "$1 $2" in
  "mod download") printf '{download}' ;;
  "env GOVERSION") echo {go_version} ;;
  *) echo "unexpected go $*" >&2; exit 2 ;;
esac
""",
    ).parent
    done = run([engine, go], tmp_path / "cache")
    assert done.returncode == 1 and done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        f"ensure-pulumi: pulumi-yaml v1.25.0 needs Go 1.24.7 or newer (its go.mod) and this Go is "
        f"{go_version[2:]}; install a newer Go."
    )
