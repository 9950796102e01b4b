"""Fixtures for the local Management API tests (each server its own process, at its default hash cost)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.documented_api import PRODUCTS, Documented
from support.fixtures import running_local_api
from support.local_api import (
    ACCOUNT_A,
    ACCOUNT_B,
    CLUSTER_A1,
    CLUSTER_A2,
    CLUSTER_B1,
    LocalApi,
    StartServer,
    start_local_api,
)


@pytest.fixture
def start(tmp_path: Path) -> Iterator[StartServer]:
    """Factory fixture: `start(data_dir, *flags, exec_argv=False)`; every server it started is stopped afterwards."""
    servers: list[LocalApi] = []

    def _start(data_dir: Path | None = None, *args: str, exec_argv: bool = False) -> LocalApi:
        data_dir = data_dir or tmp_path / f"data{len(servers)}"
        server = start_local_api(data_dir, *args, exec_argv=exec_argv, hash_cost=None)
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def server() -> Iterator[LocalApi]:
    """One shared server: account A with clusters A1 (bootstrap) and A2, and account B with B1."""
    with (
        tempfile.TemporaryDirectory(prefix="influxdb3-local-api-") as tmp,
        running_local_api(
            Path(tmp) / "data",
            "--account-id",
            ACCOUNT_A,
            "--cluster-id",
            CLUSTER_A1,
            "--extra-account",
            f"{ACCOUNT_A}:{CLUSTER_A2}",
            "--extra-account",
            f"{ACCOUNT_B}:{CLUSTER_B1}",
            hash_cost=None,
        ) as running,
    ):
        yield running


@pytest.fixture(scope="session", params=PRODUCTS)
def documented(request: pytest.FixtureRequest) -> Iterator[Documented]:
    """One server per product (`--product dedicated`, `--product clustered`), its documented API's client."""
    product = str(request.param)
    with (
        tempfile.TemporaryDirectory(prefix=f"influxdb3-local-api-{product}-") as tmp,
        running_local_api(Path(tmp) / "data", "--product", product, hash_cost=None) as running,
    ):
        yield Documented(running, product)


@pytest.fixture
def admin(server: LocalApi) -> httpx.Client:
    """Client authenticated with the shared server's bootstrap admin token."""
    return server.client()
