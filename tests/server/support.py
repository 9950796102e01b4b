"""Helpers that run the local Management API as a real subprocess on a loopback port.

Token strings must never be printed: helpers keep stdout lines in memory and failure messages
only include stderr, which the server never writes tokens to.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

LISTENING = "influxdb3-local-api listening on "
START_TIMEOUT_S = 20.0

ACCOUNT_A = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e0001"
CLUSTER_A1 = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e00a1"
CLUSTER_A2 = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e00a2"
ACCOUNT_B = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e0002"
CLUSTER_B1 = "0a4f43a0-5c1e-4b55-9f0c-9d1a6f2e00b1"


@dataclass
class Server:
    """A running `python -m influxdb3_local_api` process."""

    proc: subprocess.Popen[str]
    url: str
    data_dir: Path
    startup_lines: list[str] = field(repr=False)  # stdout before "listening"
    stderr_path: Path
    _clients: list[httpx.Client] = field(default_factory=list, repr=False)

    @property
    def bootstrap(self) -> dict[str, Any]:
        return json.loads((self.data_dir / "bootstrap.json").read_text())

    @property
    def admin_token(self) -> str:
        return self.bootstrap["managementToken"]

    def tokens_path(self, account_id: str | None = None, cluster_id: str | None = None) -> str:
        boot = self.bootstrap
        return (
            f"/api/v0/accounts/{account_id or boot['accountId']}"
            f"/clusters/{cluster_id or boot['clusterId']}/managementTokens"
        )

    def client(self, token: str | None = None, *, authorization: str | None = None) -> httpx.Client:
        """An httpx client for this server.

        It sends `Bearer <token>` (default: the bootstrap token); `token=""` sends no Authorization
        header and `authorization` sends that exact header value instead.
        """
        headers = {}
        if authorization is not None:
            headers["Authorization"] = authorization
        elif token != "":
            headers["Authorization"] = f"Bearer {token or self.admin_token}"
        client = httpx.Client(base_url=self.url, headers=headers, timeout=10.0, trust_env=False)
        self._clients.append(client)
        return client

    def stop(self) -> None:
        """Graceful stop (SIGTERM)."""
        self._close_clients()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def kill(self) -> None:
        """Hard stop (SIGKILL), as after a crash."""
        self._close_clients()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def _close_clients(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()


StartServer = Callable[..., Server]
"""The `start` fixture: `start(data_dir=None, *flags) -> Server`."""


def _drain(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def start_server(data_dir: Path, *args: str) -> Server:
    """Start the server on a free port and wait for its "listening on" line."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    stderr_path = data_dir.parent / f"{data_dir.name}.{time.monotonic_ns()}.stderr"
    with stderr_path.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "influxdb3_local_api", "--port", "0", "--data-dir", str(data_dir), *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_drain, args=(proc.stdout, lines), daemon=True).start()
    startup: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line is None:
            proc.kill()
            proc.wait(timeout=10)
            raise AssertionError(f"server did not start; stderr:\n{stderr_path.read_text()}")
        if line.startswith(LISTENING):
            return Server(proc, line.removeprefix(LISTENING).strip(), data_dir, startup, stderr_path)
        startup.append(line)


def admin_token_file(directory: Path, token: str) -> str:
    """A 0600 file holding `token`, for `--admin-token-file` (argv would show the token to `ps`)."""
    path = directory / f"admin-token-{time.monotonic_ns()}"
    path.write_text(token + "\n")
    path.chmod(0o600)
    return str(path)


def create_token(client: httpx.Client, server: Server, **body: Any) -> dict[str, Any]:
    """POST a token and return the 201 body."""
    response = client.post(server.tokens_path(), json=body)
    assert response.status_code == 201, response.text
    return response.json()


def check(condition: bool, message: str) -> None:
    """Assert without pytest's introspection, which would print the (possibly secret) operands."""
    if not condition:
        raise AssertionError(message)
