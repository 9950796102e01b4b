"""The one harness that runs ``influxdb3-local-api`` for tests: its own process on a free loopback port.

Every suite starts its servers here (server tests over HTTP, provider and unit tests, the engine
tests, the wheel test, the benchmarks). A server is a fork of a process that has already imported it
(support/server_fork.py), or, for another interpreter or source tree or when a test reads its argv,
``python -m influxdb3_local_api`` itself. Token strings must never be printed: stdout and stderr go to
files beside the data directory, and failure messages only quote stderr, which the server never
writes a token to.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Optional, Union

import httpx

from support.ports import free_ports
from support.server_fork import ForkedServer

READY_PREFIX = "influxdb3-local-api listening on "
START_TIMEOUT_S = 30.0
# scrypt's cost for the tokens of servers that tests of the provider, the engine and the clients start
# (--token-hash-cost): the server's own tests and the installed wheel keep its default, 16384. At the
# default every create and every token's first request costs a server ~50 ms of CPU, and a run makes
# many of both on two cores.
CHEAP_HASH_COST = 16

# Well-known ids for servers started with several accounts and clusters (--account-id, --extra-account).
ACCOUNT_A = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e0001"
CLUSTER_A1 = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e00a1"
CLUSTER_A2 = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e00a2"
ACCOUNT_B = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e0002"
CLUSTER_B1 = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e00b1"


@dataclass
class LocalApi:
    """A running server and the credentials it bootstrapped."""

    data_dir: Path
    extra_args: list[str] = field(default_factory=list)
    pythonpath: Optional[Path] = None  # run the server from this source tree instead of the installed one
    python: str = sys.executable  # the interpreter whose installed package serves (e.g. a fresh wheel install)
    exec_argv: bool = False  # run `python -m influxdb3_local_api`, not a fork of a preloaded one
    hash_cost: Optional[int] = CHEAP_HASH_COST  # --token-hash-cost; None: the server's default
    given_admin_token: Optional[str] = None  # bootstrap this admin token (INFLUXDB3_LOCAL_ADMIN_TOKEN), not a new one
    process: Union[subprocess.Popen[bytes], ForkedServer, None] = None
    url: str = ""
    port: int = 0  # 0: a free port of this test process's on the first start; restarts keep the port
    stdout_path: Optional[Path] = None
    stderr_path: Optional[Path] = None
    clients: list[httpx.Client] = field(default_factory=list, repr=False)  # closed by stop() and kill()

    def start(self, timeout: float = START_TIMEOUT_S) -> LocalApi:
        """Start on ``port``, or on the first start on a port of this process's (support/ports.py)."""
        if self.port:
            return self._start_on(self.port, timeout)
        for attempt, port in enumerate(free_ports()):
            try:
                return self._start_on(port, timeout)
            except AssertionError:
                # Another run on this machine may have bound the port since it was probed.
                if "Address already in use" not in self.stderr or attempt == 4:
                    raise
        raise AssertionError("no free port for influxdb3-local-api in this test process's slice")

    def _start_on(self, port: int, timeout: float) -> LocalApi:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)  # the server makes data_dir itself, 0700
        flags = ["--host", "127.0.0.1", "--data-dir", str(self.data_dir), "--port", str(port), *self.extra_args]
        if self.hash_cost is not None:
            flags += ["--token-hash-cost", str(self.hash_cost)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if self.given_admin_token is not None:
            env["INFLUXDB3_LOCAL_ADMIN_TOKEN"] = self.given_admin_token
        if self.pythonpath is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.pythonpath), env.get("PYTHONPATH")]))
        self.url = ""
        run = f"{self.data_dir.name}.{time.monotonic_ns()}"
        self.stdout_path = self.data_dir.parent / f"{run}.stdout"
        self.stderr_path = self.data_dir.parent / f"{run}.stderr"
        if self.exec_argv or self.python != sys.executable or self.pythonpath is not None:
            with self.stdout_path.open("w") as stdout, self.stderr_path.open("w") as stderr:
                self.process = subprocess.Popen(
                    [self.python, "-m", "influxdb3_local_api", *flags],
                    stdout=stdout,
                    stderr=stderr,
                    env=env,
                    start_new_session=True,
                )
        else:
            self.process = ForkedServer(flags, env, self.stdout_path, self.stderr_path)
        deadline = time.monotonic() + timeout
        while not self.url and time.monotonic() < deadline:
            ready = [line for line in self.output if line.startswith(READY_PREFIX)]
            if ready:
                self.url = ready[0][len(READY_PREFIX) :].strip()
            elif self.process.poll() is not None:
                break
            else:
                time.sleep(0.01)
        if not self.url:
            self.kill()
            raise AssertionError(f"influxdb3-local-api did not start; stderr:\n{self.stderr}")
        self.port = int(self.url.rsplit(":", 1)[1])
        return self

    @property
    def output(self) -> list[str]:
        """Stdout lines of the current run, so far."""
        if self.stdout_path is None or not self.stdout_path.exists():
            return []
        return self.stdout_path.read_text().splitlines()

    @property
    def startup_lines(self) -> list[str]:
        """Stdout before the "listening on" line."""
        lines = self.output
        ready = next((i for i, line in enumerate(lines) if line.startswith(READY_PREFIX)), len(lines))
        return lines[:ready]

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text() if self.stderr_path and self.stderr_path.exists() else ""

    def stop(self) -> None:
        """Graceful stop (SIGTERM)."""
        self._close_clients()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        self._close_clients()
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def restart(self, extra_args: Optional[list[str]] = None) -> LocalApi:
        self.stop()
        if extra_args is not None:
            self.extra_args = extra_args
        return self.start()

    def _close_clients(self) -> None:
        for client in self.clients:
            client.close()
        self.clients.clear()

    # --- what it bootstrapped ---------------------------------------------------------------------

    @property
    def bootstrap(self) -> dict[str, Any]:
        return dict(json.loads((self.data_dir / "bootstrap.json").read_text()))

    @property
    def admin_token(self) -> str:
        return str(self.bootstrap["managementToken"])

    @property
    def account_id(self) -> str:
        return str(self.bootstrap["accountId"])

    @property
    def cluster_id(self) -> str:
        return str(self.bootstrap["clusterId"])

    @property
    def tokens_path(self) -> str:
        """The bootstrapped cluster's management tokens route."""
        return self.tokens_path_for()

    def tokens_path_for(self, account_id: Optional[str] = None, cluster_id: Optional[str] = None) -> str:
        account, cluster = account_id or self.account_id, cluster_id or self.cluster_id
        return f"/api/v0/accounts/{account}/clusters/{cluster}/managementTokens"

    def env(self) -> dict[str, str]:
        """The provider's settings for this server, as INFLUXDB3_* environment variables."""
        return {
            "INFLUXDB3_API_URL": self.url,
            "INFLUXDB3_ACCOUNT_ID": self.account_id,
            "INFLUXDB3_CLUSTER_ID": self.cluster_id,
            "INFLUXDB3_MANAGEMENT_TOKEN": self.admin_token,
        }

    # --- talking to it ----------------------------------------------------------------------------

    def client(self, token: Optional[str] = None, *, authorization: Optional[str] = None) -> httpx.Client:
        """An httpx client for this server, closed when the server stops.

        It sends ``Bearer <token>`` (default: the bootstrap admin token); ``token=""`` sends no
        Authorization header and ``authorization`` sends that exact header value instead.
        """
        client = self._new_client(token, authorization)
        self.clients.append(client)
        return client

    def _new_client(self, token: Optional[str] = None, authorization: Optional[str] = None) -> httpx.Client:
        headers = {}
        if authorization is not None:
            headers["Authorization"] = authorization
        elif token != "":
            headers["Authorization"] = f"Bearer {token or self.admin_token}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=10.0, trust_env=False)

    def list_tokens(self) -> list[dict[str, Any]]:
        with self._new_client() as http:
            response = http.get(self.tokens_path)
            response.raise_for_status()
            return list(response.json())

    def live_tokens(self) -> list[dict[str, Any]]:
        """Tokens neither revoked nor expired, the bootstrap admin token left out."""
        now = time.time()
        return [
            t
            for t in self.list_tokens()
            if t["revokedAt"] is None
            and (t["expiresAt"] is None or _epoch(t["expiresAt"]) > now)
            and t["createdBy"] != "bootstrap"
            and t["description"] != "bootstrap admin token"
        ]

    def live_ids(self) -> set[str]:
        """The ids of :meth:`live_tokens`."""
        return {t["id"] for t in self.live_tokens()}

    def unrevoked_ids(self) -> set[str]:
        """The ids of every token not revoked, the bootstrap admin token and expired ones included."""
        return {t["id"] for t in self.list_tokens() if t["revokedAt"] is None}

    def mint(self, description: str = "", expires_at: Optional[str] = None) -> dict[str, Any]:
        body: dict[str, Any] = {"description": description}
        if expires_at:
            body["expiresAt"] = expires_at
        with self._new_client() as http:
            response = http.post(self.tokens_path, json=body)
            response.raise_for_status()
            return dict(response.json())

    def revoke(self, token_id: str) -> None:
        with self._new_client() as http:
            http.delete(f"{self.tokens_path}/{token_id}").raise_for_status()

    def authenticates(self, token: str) -> bool:
        with self._new_client(token) as http:
            return http.get(self.tokens_path).status_code == 200


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def start_local_api(
    data_dir: Path,
    *extra: str,
    python: str = sys.executable,
    exec_argv: bool = False,
    hash_cost: Optional[int] = CHEAP_HASH_COST,
    admin_token: Optional[str] = None,
) -> LocalApi:
    """Start a server on a free port with these extra flags and wait until it listens."""
    server = LocalApi(
        data_dir, list(extra), python=python, exec_argv=exec_argv, hash_cost=hash_cost, given_admin_token=admin_token
    )
    return server.start()


def refused_start(data_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run a server that is expected to refuse to start, and what it exited with and said."""
    argv = [sys.executable, "-m", "influxdb3_local_api", "--port", "0", "--data-dir", str(data_dir), *extra]
    return subprocess.run(argv, capture_output=True, text=True, timeout=START_TIMEOUT_S)


StartServer = Callable[..., LocalApi]
"""The server tests' ``start`` fixture: ``start(data_dir=None, *flags, exec_argv=False) -> LocalApi``."""


def admin_token_file(directory: Path, token: str) -> str:
    """A 0600 file holding ``token``, for ``--admin-token-file`` (argv would show the token to ``ps``)."""
    path = directory / f"admin-token-{time.monotonic_ns()}"
    path.write_text(token + "\n")
    path.chmod(0o600)
    return str(path)


def create_token(client: httpx.Client, server: LocalApi, **body: Any) -> dict[str, Any]:
    """POST a token to the bootstrapped cluster and return the 201 body."""
    response = client.post(server.tokens_path, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


__all__ = [
    "ACCOUNT_A",
    "ACCOUNT_B",
    "CLUSTER_A1",
    "CLUSTER_A2",
    "CLUSTER_B1",
    "LocalApi",
    "StartServer",
    "admin_token_file",
    "create_token",
    "start_local_api",
]
