"""One build of the sdist and wheel for every test of the installed product, in the whole run."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.engine import engine_path_for_run
from support.once import once
from support.wheel import DISTRIBUTION, VERSION, Installed, build_dist


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built by the first xdist worker that needs it; the others install from the same folder.
    built = once(tmp_path_factory, "dist", build_dist)
    assert sorted(p.name for p in built.iterdir() if p.name != ".done") == [
        f"pulumi_influxdb3_tokens-{VERSION}-py3-none-any.whl",
        f"pulumi_influxdb3_tokens-{VERSION}.tar.gz",
    ]
    return built


@pytest.fixture(scope="session")
def engine_ready(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The engine's PATH folders, asked of scripts/ensure-pulumi once in the run."""
    return engine_path_for_run(tmp_path_factory)


@pytest.fixture(scope="session")
def product(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The package with its ``[server]`` extra, installed from our build into one virtualenv for the whole run, as
    a user's project would have it: for tests that run the docs' recipes and must not change the install (a test
    that installs or removes packages makes its own ``Installed``)."""

    def install(folder: Path) -> None:
        installed = Installed.create_by_uv(folder / "venv", dist)
        installed.uv_install(f"{DISTRIBUTION}[server]=={VERSION}", cwd=folder)

    return Installed(root=once(tmp_path_factory, "product", install) / "venv", dist=dist)
