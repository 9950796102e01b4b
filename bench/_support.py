"""Shared plumbing of the benchmarks: the venv, local servers from any git revision, timing, tables.

Only the standard library is imported at module level, so a bench script can call
`enter_venv()` before anything from the project's virtualenv is needed.
"""

from __future__ import annotations

import io
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
READY_PREFIX = "influxdb3-local-api listening on "
SERVER_PACKAGE = "provider/influxdb3_local_api"


def enter_venv() -> None:
    """Re-run the calling script under .venv's Python, after scripts/bootstrap made it current."""
    if Path(sys.prefix).resolve() == (ROOT / ".venv").resolve():
        return
    subprocess.run([str(ROOT / "scripts" / "bootstrap")], check=True)
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])


def log(message: str) -> None:
    """Progress goes to stderr; stdout carries only the tables and the summary."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- servers -------------------------------------------------------------------------------------


def export_server_source(revision: str, dest: Path) -> Path:
    """Unpack `provider/influxdb3_local_api` as committed at `revision`; return a PYTHONPATH entry."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, SERVER_PACKAGE],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise SystemExit(f"bench: cannot read the server at git revision {revision!r}: {archive.stderr.decode().strip()}")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "provider"


@dataclass
class Server:
    """A local Management API server subprocess on a free loopback port."""

    data_dir: Path
    flags: list[str]
    pythonpath: Path | None = None  # None: the working tree's server, as installed in .venv
    process: subprocess.Popen[str] | None = None
    url: str = ""
    output: list[str] = field(default_factory=list)

    def start(self, timeout: float = 60.0) -> Server:
        env = dict(os.environ)
        if self.pythonpath is not None:
            env["PYTHONPATH"] = os.pathsep.join([str(self.pythonpath), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        args = [str(VENV_PYTHON), "-m", "influxdb3_local_api", "--host", "127.0.0.1", "--port", "0"]
        args += ["--data-dir", str(self.data_dir), *self.flags]
        self.process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True
        )
        ready = threading.Event()

        def pump() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line)
                if line.startswith(READY_PREFIX):
                    self.url = line[len(READY_PREFIX):].strip()
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise SystemExit("bench: the local server did not start:\n" + "".join(self.output))
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    @property
    def bootstrap(self) -> dict[str, Any]:
        return dict(json.loads((self.data_dir / "bootstrap.json").read_text()))

    @property
    def tokens_path(self) -> str:
        boot = self.bootstrap
        return f"/api/v0/accounts/{boot['accountId']}/clusters/{boot['clusterId']}/managementTokens"

    def env(self) -> dict[str, str]:
        """The provider's settings for this server (INFLUXDB3_*)."""
        boot = self.bootstrap
        return {
            "INFLUXDB3_API_URL": self.url,
            "INFLUXDB3_ACCOUNT_ID": boot["accountId"],
            "INFLUXDB3_CLUSTER_ID": boot["clusterId"],
            "INFLUXDB3_MANAGEMENT_TOKEN": boot["managementToken"],
        }


@contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def running_server(tmp: Path, name: str, flags: Sequence[str], revision: str | None = None) -> Iterator[Server]:
    """A server of the working tree (revision None) or of a git revision, stopped on exit."""
    pythonpath = None if revision is None else export_server_source(revision, tmp / f"src-{name}")
    server = Server(tmp / f"data-{name}", list(flags), pythonpath).start()
    try:
        yield server
    finally:
        server.stop()


# --- measuring and printing ------------------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def ratio(a: float, b: float) -> str:
    if b <= 0:
        return "n/a"
    value = a / b
    return f"{value:.1f}x" if value >= 0.995 else f"{value:.2f}x"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, so the output pastes into RESULTS.md as it is."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine_line() -> str:
    """Where and when: cores, memory, Python, date (UTC) and the exact command."""
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join([os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    return (
        f"machine: {os.cpu_count()} cores, {mem_gb:.0f} GiB, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {now}; command: {command}"
    )


def closed_port_url() -> str:
    """A loopback URL nothing listens on (a port the kernel just handed out and took back)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
