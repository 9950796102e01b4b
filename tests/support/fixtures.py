"""The fixtures every suite shares, registered once as a pytest plugin (``pytest_plugins`` in tests/conftest.py).

A local Management API for one test (``local_api``) or for a whole module (``module_local_api``: its tests
make tokens of their own and change nothing server-wide, so one server serves them all, as it did when each
module started its own); the create journal in the test's own folder; the policy clock held still.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import pytest

from pulumi_influxdb3_tokens.core.answered_creates import JOURNAL_ENV
from pulumi_influxdb3_tokens.core.timeutil import FAKE_NOW_ENV
from support.local_api import CHEAP_HASH_COST, LocalApi, start_local_api

FIXED_NOW = "2027-01-01T00:00:00Z"


@contextmanager
def running_local_api(
    data_dir: Path, *args: str, hash_cost: Optional[int] = CHEAP_HASH_COST, admin_token: Optional[str] = None
) -> Iterator[LocalApi]:
    """A local Management API on a free loopback port, stopped when the block ends."""
    server = start_local_api(data_dir, *args, hash_cost=hash_cost, admin_token=admin_token)
    try:
        yield server
    finally:
        server.stop()


_ADMIN_TOKENS: dict[str, str] = {}


def admin_token_of_this_process(role: str) -> str:
    """A random admin token for each role of server (``local_api``, ``staging_api``), the same for every test
    of this process: the stack config's encrypted copy of it is then made once (support/stack_files.py).
    Two servers of one test never share one, so a credential sent to the wrong cluster is still refused."""
    return _ADMIN_TOKENS.setdefault(role, "M.V1." + secrets.token_urlsafe(32))


@pytest.fixture
def local_api(tmp_path: Path) -> Iterator[LocalApi]:
    """A fresh local Management API for this test alone."""
    with running_local_api(tmp_path / "server-data", admin_token=admin_token_of_this_process("local_api")) as server:
        yield server


@pytest.fixture
def staging_api(tmp_path: Path) -> Iterator[LocalApi]:
    """A second fresh local Management API, for a program that reaches two clusters."""
    with running_local_api(tmp_path / "staging-data", admin_token=admin_token_of_this_process("staging_api")) as server:
        yield server


@pytest.fixture(scope="module")
def module_local_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApi]:
    """One local Management API for the whole test module."""
    with running_local_api(tmp_path_factory.mktemp("server") / "data") as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_http_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a provider process does, with no HTTP client made (clients/__init__.py) and no list
    shared by earlier tests, of either transport (clients/http/listing.py, clients/influxctl/list_cache.py): a
    worker's servers may reuse a port and its admin token, so an earlier test's list could otherwise answer a read
    of this one."""
    from pulumi_influxdb3_tokens import clients
    from pulumi_influxdb3_tokens.clients.http import listing
    from pulumi_influxdb3_tokens.clients.influxctl import list_cache

    monkeypatch.setattr(clients, "_HTTP_CLIENTS", {})
    monkeypatch.setattr(listing, "SHARED", listing.ListCache())
    monkeypatch.setattr(listing, "_READS_SEEN", set())
    monkeypatch.setattr(list_cache, "SHARED", list_cache.ListCache())


@pytest.fixture
def journal_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pending creates are journaled under the test's own directory, not the user's cache."""
    directory = tmp_path / "journal"
    monkeypatch.setenv(JOURNAL_ENV, str(directory))
    return directory


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The policy rules judge expiries as on a fixed day."""
    monkeypatch.setenv(FAKE_NOW_ENV, FIXED_NOW)
