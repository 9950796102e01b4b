"""Fixtures for end-to-end tests: a fresh local Management API and stacks on the real engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional

import pytest

from support.engine import Stack, engine_bin
from support.local_api import LocalApi, start_local_api

pytestmark = pytest.mark.engine


@pytest.fixture(scope="session", autouse=True)
def _engine_ready() -> Path:
    return engine_bin()


@pytest.fixture
def local_api(tmp_path: Path) -> Iterator[LocalApi]:
    server = start_local_api(tmp_path / "server-data")
    yield server
    server.stop()


@pytest.fixture
def make_stack(tmp_path: Path, local_api: LocalApi) -> Callable[..., Stack]:
    """A stack of the `tokens` test program, configured through stack config (token as a secret)."""

    def make(spec: Mapping[str, Any], program: str = "tokens", via: str = "config",
             extra_env: Optional[dict[str, str]] = None) -> Stack:
        stack = Stack.create(program, tmp_path, spec=spec, extra_env=dict(extra_env or {}))
        if via == "config":
            stack.config_set("influxdb3:apiUrl", local_api.url)
            stack.config_set("influxdb3:accountId", local_api.account_id)
            stack.config_set("influxdb3:clusterId", local_api.cluster_id)
            stack.config_set("influxdb3:managementToken", local_api.admin_token, secret=True)
        else:
            stack.extra_env.update(local_api.env())
        stack.config_set("influxdb3:retryTimeout", "20")
        return stack

    return make
