"""Fixtures for end-to-end tests: a fresh local Management API and stacks on the real engine.

Every test that uses ``make_stack`` runs twice, unless it parametrizes ``transport`` itself: over the
``http`` transport (``apiUrl`` set) and over the ``influxctl`` transport (no ``apiUrl``, the stand-in
``influxctl`` from tests/standin first on PATH, so the provider picks influxctl by itself). Tests
marked ``http_only`` run once, over HTTP: they assert what only the HTTP transport shows, or what
happens above the transport while another test pins the influxctl part (the mark's reason, or the
module docstring, names it).

``face`` picks the class the `tokens` program declares: the dynamic resource (default) or the
plugin's ``influxdb3:index:ManagementToken``, or both side by side in one stack
(``support.faces.BOTH_IN_ONE_STACK``). A module that parametrizes ``face`` over both faces, or runs
them in one stack, holds both faces to the same contract.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Optional

import pytest

from support.engine import Stack, engine_path_for_run
from support.faces import spec_defaults
from support.local_api import LocalApi
from support.standin import standin_env

pytestmark = pytest.mark.engine

TRANSPORTS = ("http", "influxctl")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "http_only: runs once, over HTTP: what only HTTP shows, or what is decided above the transport"
    )


@pytest.fixture(scope="session", autouse=True)
def _engine_ready(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return engine_path_for_run(tmp_path_factory)[-1]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test that uses ``transport`` runs over both transports, or over HTTP alone when marked
    ``http_only``, unless it parametrizes ``transport`` itself."""
    if "transport" not in metafunc.fixturenames or _parametrizes(metafunc, "transport"):
        return
    only_http = metafunc.definition.get_closest_marker("http_only") is not None
    metafunc.parametrize("transport", ["http"] if only_http else list(TRANSPORTS), indirect=True)


def _parametrizes(metafunc: pytest.Metafunc, name: str) -> bool:
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs["argnames"]
        if name in ([n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)):
            return True
    return False


@pytest.fixture
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def face() -> str:
    return "dynamic"


@pytest.fixture
def make_stack(tmp_path: Path, transport: str, local_api: LocalApi, face: str) -> Callable[..., Stack]:
    """A stack of the `tokens` test program, configured through stack config (token as a secret),
    the environment (``via="env"``) or not at all (``via="none"``)."""
    # ``transport`` comes before ``local_api``: an http_only test skips its influxctl run before a
    # server is started for it.

    def make(
        spec: Mapping[str, Any],
        program: str = "tokens",
        via: str = "config",
        extra_env: Optional[dict[str, str]] = None,
    ) -> Stack:
        stack = Stack.create(program, tmp_path, extra_env=extra_env or {}, spec_defaults=spec_defaults(face))
        stack.write_spec(spec)
        if transport == "influxctl":
            stack.extra_env.update(standin_env(local_api, stack.backend_dir))
        plain = {"influxdb3:retryTimeout": "20"}
        if via == "config":
            stack.connect_to(local_api, over_http=transport == "http", plain=plain)
            return stack
        if via == "env":
            env = local_api.env()
            if transport != "http":
                del env["INFLUXDB3_API_URL"]
            stack.extra_env.update(env)
        stack.config_set_plain(plain)
        return stack

    return make
