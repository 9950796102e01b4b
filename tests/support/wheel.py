"""The built distribution installed into a fresh virtualenv: nothing of the checkout on its path.

The virtualenv has no .pth into the checkout and no system site-packages; commands run with its
``bin`` first on PATH, without the checkout's ``.venv`` and without PYTHON* or project variables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

from pulumi_influxdb3_tokens.version import __version__
from support.engine import REPO, Stack, engine_path
from support.local_api import LocalApi

VERSION = __version__  # pyproject.toml reads it from the package (a dynamic version)
DISTRIBUTION = "pulumi-influxdb3-tokens"
CONSTRAINTS = REPO / "constraints.txt"
LOWEST_CONSTRAINTS = REPO / "constraints-lowest.txt"
PACK_REQUIREMENTS = REPO / "provider" / "pulumi_influxdb3_tokens" / "policy" / "pack" / "requirements.txt"
UV = Path(sys.executable).with_name("uv")  # the test extra's, beside this run's Python


def uv_venv(root: Path) -> None:
    """``uv venv --seed`` of this run's Python at ``root``: pip in it, no system site-packages."""
    argv = [str(UV), "venv", "--quiet", "--seed", "--clear", "--python", sys.executable, str(root)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"uv venv failed:\n{done.stderr[-3000:]}"


def build_dist(out: Path, source: Path = REPO) -> Path:
    """``python -m build``: the sdist, then the wheel from that sdist, into ``out``."""
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"python -m build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return out


@dataclass
class Installed:
    """A fresh virtualenv that installs from ``dist`` (our build) and PyPI."""

    root: Path
    dist: Path

    @classmethod
    def create(cls, root: Path, dist: Path) -> Installed:
        """``python -m venv``, as the docs' recipes make one (pip by ensurepip: ~3 s of CPU)."""
        venv.EnvBuilder(with_pip=True, clear=True).create(root)  # no system site-packages
        return cls(root=root, dist=dist)

    @classmethod
    def create_by_uv(cls, root: Path, dist: Path) -> Installed:
        """A virtualenv of this run's Python with pip in it, as ``create`` makes, by ``uv venv --seed`` (~0.15 s
        of CPU instead of ensurepip's ~3 s): for the virtualenvs ``uv_install`` fills, where no documented
        command makes the virtualenv."""
        uv_venv(root)
        return cls(root=root, dist=dist)

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    @property
    def python(self) -> str:
        return str(self.bin / "python")

    def env(self) -> dict[str, str]:
        """A user's environment for this install: its bin first, no checkout, no project settings."""
        # PYTEST_: the outer run's options (PYTEST_ADDOPTS) and xdist's worker variables are not the user's.
        project = ("PULUMI_", "INFLUXDB3_", "PYTHON", "PYTEST_", "VIRTUAL_ENV")
        env = {k: v for k, v in os.environ.items() if not k.startswith(project)}
        checkout_bin = str(Path(sys.executable).parent)
        path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != checkout_bin]
        env.update(PATH=os.pathsep.join([str(self.bin), *path]), VIRTUAL_ENV=str(self.root), PYTHONNOUSERSITE="1")
        return env

    def run(self, *args: str, cwd: Path, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            list(args), cwd=cwd, env=self.env(), capture_output=True, text=True, timeout=timeout, check=False
        )
        if check:
            assert done.returncode == 0, f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        return done

    def pip_install(self, *args: str, cwd: Path, constraints: Path = CONSTRAINTS) -> None:
        """pip install from our dist folder and PyPI, at the versions ``constraints`` pins."""
        self.run(
            self.python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *self._sources(constraints),
            *args,
            cwd=cwd,
        )

    def uv_install(self, *args: str, cwd: Path, constraints: Path = CONSTRAINTS) -> None:
        """What ``pip_install`` installs, by uv (the test extra's, beside this run's Python): for the virtualenvs
        tests share as fixtures, where no documented pip command is under test. The same distributions from our
        dist folder and PyPI at the same pins, in seconds instead of pip's ~10 s of CPU; bytecode is compiled
        when first imported, as the environment keeps it."""
        self.run(
            str(UV),
            "pip",
            "install",
            "--quiet",
            "--python",
            self.python,
            *self._sources(constraints),
            *args,
            cwd=cwd,
        )

    def _sources(self, constraints: Path) -> list[str]:
        """Where both installers take packages from: our dist folder, then PyPI, at the versions ``constraints``
        pins (pip's and uv's flags are the same)."""
        return ["--find-links", str(self.dist), "-c", str(constraints)]

    def package_file(self, cwd: Path) -> Path:
        """Where this install imports the package from (``-P``: not from the working directory)."""
        code = "import pulumi_influxdb3_tokens as p; print(p.__file__)"
        return Path(self.run(self.python, "-P", "-c", code, cwd=cwd).stdout.strip())


def installed_stack(installed: Installed, program: Path, tmp_path: Path, server: LocalApi) -> Stack:
    """A stack of ``program`` whose engine runs the install's Python, with the server's settings."""
    stack = Stack.create(program.name, tmp_path, source=program, extra_env=server.env())
    engine_and_install = [*map(str, engine_path()), *installed.env()["PATH"].split(os.pathsep)]
    stack.extra_env.update(
        PATH=os.pathsep.join(engine_and_install),
        PULUMI_PYTHON_CMD=installed.python,
        VIRTUAL_ENV=str(installed.root),
        PYTHONNOUSERSITE="1",
    )
    return stack
