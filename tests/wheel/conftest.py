"""One build of the sdist and wheel for every test of the installed product."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.wheel import VERSION, build_dist


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = build_dist(tmp_path_factory.mktemp("dist"))
    assert sorted(p.name for p in built.iterdir()) == [
        f"pulumi_influxdb3_tokens-{VERSION}-py3-none-any.whl",
        f"pulumi_influxdb3_tokens-{VERSION}.tar.gz",
    ]
    return built
