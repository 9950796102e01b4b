"""Run ``influxdb3-local-api`` as a real subprocess on a free loopback port."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import httpx

READY_PREFIX = "influxdb3-local-api listening on "


@dataclass
class LocalApi:
    """A running server and the credentials it bootstrapped."""

    data_dir: Path
    extra_args: list[str] = field(default_factory=list)
    pythonpath: Optional[Path] = None  # run the server from this source tree instead of the installed one
    python: str = sys.executable  # the interpreter whose installed package serves (e.g. a fresh wheel install)
    process: Optional[subprocess.Popen[str]] = None
    url: str = ""
    port: int = 0
    output: list[str] = field(default_factory=list)

    def start(self, timeout: float = 30.0) -> "LocalApi":
        args = [self.python, "-m", "influxdb3_local_api", "--host", "127.0.0.1", "--data-dir", str(self.data_dir)]
        args += ["--port", str(self.port), *self.extra_args]
        self.output = []
        env = dict(os.environ)
        if self.pythonpath is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.pythonpath), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
        )
        ready = threading.Event()

        def pump() -> None:
            assert self.process and self.process.stdout
            for line in self.process.stdout:
                self.output.append(line)
                if line.startswith(READY_PREFIX):
                    self.url = line[len(READY_PREFIX):].strip()
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError("influxdb3-local-api did not start:\n" + "".join(self.output))
        self.port = int(self.url.rsplit(":", 1)[1])  # restarts keep the port
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def restart(self, extra_args: Optional[list[str]] = None) -> "LocalApi":
        self.stop()
        if extra_args is not None:
            self.extra_args = extra_args
        return self.start()

    @property
    def bootstrap(self) -> dict[str, Any]:
        return json.loads((self.data_dir / "bootstrap.json").read_text())

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
        return f"/api/v0/accounts/{self.account_id}/clusters/{self.cluster_id}/managementTokens"

    def client(self, token: Optional[str] = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token or self.admin_token}"}, timeout=10
        )

    def list_tokens(self) -> list[dict[str, Any]]:
        with self.client() as http:
            response = http.get(self.tokens_path)
            response.raise_for_status()
            return list(response.json())

    def live_tokens(self) -> list[dict[str, Any]]:
        now = time.time()
        return [
            t
            for t in self.list_tokens()
            if t["revokedAt"] is None and (t["expiresAt"] is None or _epoch(t["expiresAt"]) > now)
            and t["createdBy"] != "bootstrap"
            and t["description"] != "bootstrap admin token"
        ]

    def mint(self, description: str = "", expires_at: Optional[str] = None) -> dict[str, Any]:
        body: dict[str, Any] = {"description": description}
        if expires_at:
            body["expiresAt"] = expires_at
        with self.client() as http:
            response = http.post(self.tokens_path, json=body)
            response.raise_for_status()
            return dict(response.json())

    def revoke(self, token_id: str) -> None:
        with self.client() as http:
            http.delete(f"{self.tokens_path}/{token_id}").raise_for_status()

    def authenticates(self, token: str) -> bool:
        with self.client(token) as http:
            return http.get(self.tokens_path).status_code == 200

    def env(self) -> dict[str, str]:
        return {
            "INFLUXDB3_API_URL": self.url,
            "INFLUXDB3_ACCOUNT_ID": self.account_id,
            "INFLUXDB3_CLUSTER_ID": self.cluster_id,
            "INFLUXDB3_MANAGEMENT_TOKEN": self.admin_token,
        }


def _epoch(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def start_local_api(data_dir: Path, *extra: str, python: str = sys.executable) -> LocalApi:
    data_dir.mkdir(parents=True, exist_ok=True)
    return LocalApi(data_dir=data_dir, extra_args=list(extra), python=python).start()


__all__ = ["LocalApi", "start_local_api"]
