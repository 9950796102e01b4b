"""The TypeScript example's npm dependencies, installed once per test run, and stacks of TS programs on them.

`npm ci` installs exactly the example's package-lock.json (from the registry the first time, then from
an npm cache under ~/.cache keyed by the lockfile, so later runs download nothing); its postinstall
builds the generated SDK in sdks/influxdb3 with tsc. Every stack gets its own copy of the program's
files with node_modules and sdks linked to that one install.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional

import pytest

from support.engine import EXAMPLES, Stack
from support.once import once
from support.user_cache import project_cache
from support.vault import SECRETS_PROVIDER

EXAMPLE = EXAMPLES / "typescript"
PROGRAM_FILES = ("Pulumi.yaml", "index.ts", "package.json", "tsconfig.json")
LINKED = ("node_modules", "sdks", "package-lock.json")


def npm_cache() -> Path:
    lock = hashlib.sha256((EXAMPLE / "package-lock.json").read_bytes()).hexdigest()[:12]
    return project_cache("npm", lock)


def install_example(folder: Path) -> None:
    """Copy examples/typescript into ``folder`` and `npm ci` there."""
    shutil.copytree(EXAMPLE, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("node_modules", "bin"))
    env = {**os.environ, "npm_config_cache": str(npm_cache()), "npm_config_update_notifier": "false"}
    done = subprocess.run(
        ["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"npm ci failed in the TypeScript example:\n{done.stdout}{done.stderr}"


def installed_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/typescript with its npm dependencies installed (once per run)."""
    return once(tmp_path_factory, "typescript-example", install_example)


def link_install(installed: Path, work_dir: Path) -> None:
    """Let a TypeScript program in ``work_dir`` use the installed dependencies."""
    for name in LINKED:
        (work_dir / name).symlink_to(installed / name)


def typescript_stack(installed: Path, tmp: Path, program: Optional[str] = None) -> Stack:
    """A stack of the example (or of ``program``, the text of an index.ts) in ``tmp``, on the shared install."""
    work_dir = tmp / "typescript"
    work_dir.mkdir()
    for name in PROGRAM_FILES:
        shutil.copy(installed / name, work_dir / name)
    link_install(installed, work_dir)
    if program is not None:
        (work_dir / "index.ts").write_text(program)
    (tmp / "backend").mkdir(exist_ok=True)
    # ts-node only transpiles (@pulumi/pulumi cmd/run reads PULUMI_NODEJS_TRANSPILE_ONLY): the types are
    # held once, by tsc over the example (test_the_example_type_checks_against_the_generated_sdk), not again
    # by every engine command of every stack.
    stack = Stack(
        work_dir=work_dir, backend_dir=tmp / "backend", name="dev", extra_env={"PULUMI_NODEJS_TRANSPILE_ONLY": "true"}
    )
    stack.run("stack", "init", "dev", "--secrets-provider", SECRETS_PROVIDER).ok()  # as Stack.create: no key derivation
    return stack
