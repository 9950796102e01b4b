"""Drive the real ``pulumi`` CLI against a ``file://`` backend in a temp dir.

Every command's output is kept in ``Stack.log`` so tests can prove no secret was printed, and the
raw backend files can be scanned (``pulumi stack export`` decrypts secrets, so it proves nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

import pytest

from pulumi_influxdb3_tokens.core.answered_creates import JOURNAL_ENV
from support import stack_files
from support.local_api import LocalApi
from support.once import once
from support.vault import SECRETS_PROVIDER, vault_env

REPO = Path(__file__).resolve().parents[2]
PROGRAMS = REPO / "tests" / "e2e" / "programs"
EXAMPLES = REPO / "examples"
_ENGINE_PATH: list[Path] = []


def engine_path() -> list[Path]:
    """The folders scripts/ensure-pulumi prints for PATH (cached after the first build): the engine's
    last, and before it the YAML host's when that cannot sit beside the engine."""
    if not _ENGINE_PATH:
        _ENGINE_PATH.extend(Path(line) for line in _ensure_pulumi().splitlines())
    return _ENGINE_PATH


def engine_path_for_run(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """``engine_path()``, with scripts/ensure-pulumi run by one process of the run: two concurrent cold
    builds would delete each other's work folder, so xdist workers wait for the first one's answer."""
    if not _ENGINE_PATH:
        folder = once(tmp_path_factory, "ensure-pulumi", lambda out: (out / "path").write_text(_ensure_pulumi()))
        _ENGINE_PATH.extend(Path(line) for line in (folder / "path").read_text().splitlines())
    return _ENGINE_PATH


def _ensure_pulumi() -> str:
    done = subprocess.run([str(REPO / "scripts" / "ensure-pulumi")], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/ensure-pulumi failed:\n{done.stderr[-4000:]}")
    return done.stdout.strip()


def engine_bin() -> Path:
    """The folder with pulumi and its Python host."""
    return engine_path()[-1]


def engine_env(backend_dir: Path, passphrase: str) -> dict[str, str]:
    """The environment the project always runs the engine with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "INFLUXDB3_"))}
    venv_bin = str(Path(sys.executable).parent)
    env.update(
        PATH=os.pathsep.join([*map(str, engine_path()), venv_bin, env.get("PATH", "")]),
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
        PULUMI_CONFIG_PASSPHRASE=passphrase,  # stacks made with Stack.create use the Vault stand-in instead
        **vault_env(),
        PULUMI_BACKEND_URL=backend_dir.as_uri(),
        PULUMI_HOME=str(backend_dir / ".pulumi-home"),
        PULUMI_PYTHON_CMD=sys.executable,
        PYTHONUNBUFFERED="1",
        NO_COLOR="1",
    )
    return env


@dataclass
class Result:
    args: list[str]
    returncode: int
    output: str  # stdout and stderr together, as a user sees them
    stdout: str = ""

    def ok(self) -> "Result":
        assert self.returncode == 0, f"pulumi {' '.join(self.args)} failed ({self.returncode}):\n{self.output}"
        return self


@dataclass
class Stack:
    """One stack of one program, copied into a temp dir."""

    work_dir: Path
    backend_dir: Path
    name: str = "test"
    passphrase: str = "correct horse battery staple"
    extra_env: dict[str, str] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    spec_defaults: dict[str, Any] = field(default_factory=dict)  # merged into every spec.json written

    @classmethod
    def create(
        cls, program: str, tmp: Path, spec: Optional[Mapping[str, Any]] = None, source: Optional[Path] = None, **kw: Any
    ) -> "Stack":
        """Copy ``source`` (default: the test program of that name) into ``tmp`` and init a stack."""
        work_dir = tmp / program
        shutil.copytree(source or PROGRAMS / program, work_dir)
        (tmp / "backend").mkdir(exist_ok=True)
        # Pending creates are journaled beside the stack, not in the user's cache, unless the caller names a place.
        kw["extra_env"] = {JOURNAL_ENV: str(tmp / "journal"), **kw.get("extra_env", {})}
        stack = cls(work_dir=work_dir, backend_dir=tmp / "backend", **kw)
        if spec is not None:
            stack.write_spec(spec)
        stack_files.init_stack(work_dir, stack.backend_dir, stack.name, stack._run_stack_init)
        return stack

    def _run_stack_init(self, work_dir: Path, backend_dir: Path) -> None:
        """``pulumi stack init`` of this stack's name, with the Vault stand-in's secrets provider, for a project
        and backend folder."""
        Stack(work_dir=work_dir, backend_dir=backend_dir, name=self.name, passphrase=self.passphrase).run(
            "stack", "init", self.name, "--secrets-provider", SECRETS_PROVIDER
        ).ok()

    def write_spec(self, spec: Mapping[str, Any]) -> None:
        """The test programs read what to declare from spec.json beside them."""
        (self.work_dir / "spec.json").write_text(json.dumps({**self.spec_defaults, **spec}, indent=2))

    def env(self, extra: Optional[Mapping[str, str]] = None) -> dict[str, str]:
        env = engine_env(self.backend_dir, self.passphrase)
        env.update(self.extra_env)
        env.update(extra or {})
        return env

    def run(
        self,
        *args: str,
        stdin: Optional[str] = None,
        env: Optional[Mapping[str, str]] = None,
        timeout: float = 600,
        record: bool = True,
    ) -> Result:
        argv = ["pulumi", *args]
        if args and args[0] in ("up", "preview", "refresh", "destroy"):
            argv += ["--non-interactive", "--stack", self.name]
        done = subprocess.run(
            argv,
            cwd=self.work_dir,
            env=self.env(env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        output = done.stdout + done.stderr
        if record:  # only commands whose output a secret may never appear in
            self.log.append(f"$ {' '.join(argv)}\n{output}")
        return Result(list(args), done.returncode, output, done.stdout)

    def config_set(self, key: str, value: str, secret: bool = False) -> None:
        # The value goes through stdin, never argv, so it cannot show in the process list.
        flags = ["--secret"] if secret else ["--plaintext"]

        def run_set() -> None:
            self.run("config", "set", *flags, "--stack", self.name, key, stdin=value).ok()

        if secret:
            stack_files.set_secret(self.work_dir, self.name, key, value, run_set)
        else:
            run_set()

    def config_set_plain(self, values: Mapping[str, str]) -> None:
        """Settings that are not secrets, written into ``Pulumi.<stack>.yaml`` (support/stack_files.py)."""
        stack_files.write_plain_settings(self.work_dir, self.name, values)

    def connect_to(
        self,
        server: LocalApi,
        *,
        namespace: str = "influxdb3",
        over_http: bool = True,
        plain: Optional[Mapping[str, str]] = None,
    ) -> None:
        """The stack config (under ``namespace``) that reaches ``server``: its ids (and URL, over HTTP) and
        ``plain`` in the settings file, the admin token as a secret."""
        ids = {f"{namespace}:accountId": server.account_id, f"{namespace}:clusterId": server.cluster_id}
        url = {f"{namespace}:apiUrl": server.url} if over_http else {}
        self.config_set_plain({**url, **ids, **(plain or {})})
        self.config_set(f"{namespace}:managementToken", server.admin_token, secret=True)

    def up(self, *extra: str, env: Optional[Mapping[str, str]] = None) -> Result:
        return self.run("up", "--yes", "--skip-preview", *extra, env=env)

    def preview(self, *extra: str, env: Optional[Mapping[str, str]] = None) -> Result:
        return self.run("preview", "--diff", *extra, env=env)

    def refresh(self, *extra: str, env: Optional[Mapping[str, str]] = None) -> Result:
        return self.run("refresh", "--yes", "--skip-preview", *extra, env=env)

    def destroy(self, *extra: str, env: Optional[Mapping[str, str]] = None) -> Result:
        return self.run("destroy", "--yes", "--skip-preview", *extra, env=env)

    def outputs(self) -> dict[str, Any]:
        return dict(json.loads(self.run("stack", "output", "--json", "--stack", self.name).ok().stdout or "{}"))

    def secret_outputs(self) -> dict[str, Any]:
        """Decrypted outputs; kept out of the log, which tests scan for secrets."""
        args = ("stack", "output", "--json", "--show-secrets", "--stack", self.name)
        return dict(json.loads(self.run(*args, record=False).ok().stdout or "{}"))

    def export(self) -> dict[str, Any]:
        """Decrypted state (``stack export`` decrypts); kept out of the log."""
        return dict(json.loads(self.run("stack", "export", "--stack", self.name, record=False).ok().stdout))

    def resources(self, type_suffix: str = "ManagementToken") -> list[dict[str, Any]]:
        deployment = self.export()["deployment"]
        return [r for r in deployment.get("resources", []) if r["type"].endswith(type_suffix)]

    def raw_backend_files(self) -> Iterator[tuple[Path, bytes]]:
        """Every file the backend wrote: stack JSON, history, backups, locks."""
        for path in sorted(self.backend_dir.rglob("*")):
            if path.is_file() and ".pulumi-home" not in path.parts:
                yield path, path.read_bytes()

    def all_output(self) -> str:
        return "\n".join(self.log)
