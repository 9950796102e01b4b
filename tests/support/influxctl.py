"""Set-up for tests that call the influxctl transport in-process: the stand-in on PATH, a clean environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from pulumi_influxdb3_tokens.clients import InfluxctlTokenClient, client_for
from pulumi_influxdb3_tokens.clients.influxctl import list_cache
from pulumi_influxdb3_tokens.clients.influxctl import version as influxctl_version
from pulumi_influxdb3_tokens.settings import Connection, resolve_connection
from support.local_api import LocalApi
from support.standin import STANDIN_DIR


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path, *, standin_on_path: bool) -> None:
    """No INFLUXDB3_* or INFLUXCTL_* variables, no real ~/.config/influxctl, no remembered version check,
    no list answer shared with another test (a provider process's cache lives for one command)."""
    for name in list(os.environ):
        if name.startswith(("INFLUXDB3_", "INFLUXCTL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    venv_bin = str(Path(sys.executable).parent)  # the stand-in's `env python3` finds this one
    dirs = [str(STANDIN_DIR), venv_bin] if standin_on_path else [venv_bin]
    monkeypatch.setenv("PATH", os.pathsep.join([*dirs, "/usr/bin", "/bin"]))
    monkeypatch.setattr(influxctl_version, "_CHECKED", {})
    monkeypatch.setattr(list_cache, "SHARED", list_cache.ListCache())


def stack_config(**settings: Any) -> dict[str, Any]:
    return {f"influxdb3:{key}": value for key, value in settings.items() if value is not None}


def recording_standin(monkeypatch: pytest.MonkeyPatch, home: Path, server: LocalApi) -> Path:
    """The stand-in on PATH, talking to ``server``, recording each run (INFLUXCTL_STANDIN_RECORD); the record file."""
    isolate(monkeypatch, home, standin_on_path=True)
    monkeypatch.setenv("INFLUXCTL_STANDIN_API_URL", server.url)
    record = home / "calls.jsonl"
    monkeypatch.setenv("INFLUXCTL_STANDIN_RECORD", str(record))
    return record


def connection_of(server: LocalApi, **settings: Any) -> Connection:
    """The connection to ``server``'s account and cluster with its admin token, ``settings`` on top."""
    values = {"accountId": server.account_id, "clusterId": server.cluster_id, "managementToken": server.admin_token}
    values.update(settings)
    return resolve_connection(stack_config(**values))


def connect(server: LocalApi, **settings: Any) -> InfluxctlTokenClient:
    """The influxctl client of ``server``'s account and cluster with its admin token, ``settings`` on top."""
    client = client_for(connection_of(server, **settings))
    assert isinstance(client, InfluxctlTokenClient)
    return client


def with_marker(description: str) -> str:
    """The description a create of a resource sends: the declared one carrying a new create marker
    (core/management_token/marker.py), the only proof on which a lost create's token is adopted."""
    from pulumi_influxdb3_tokens.core.management_token import marker

    return marker.marked(description, marker.new_marker())
