"""Shared plumbing of the benchmarks: the venv, local servers from any git revision, timing, tables.

Only the standard library is imported at module level, so a bench script can call
`enter_venv()` before anything from the project's virtualenv is needed.
"""

from __future__ import annotations

import io
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from support.local_api import LocalApi as Server
    from support.wheel import Installed

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
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


def export_tree(revision: str, dest: Path, *paths: str) -> Path:
    """Unpack the repository (or only `paths`) as committed at `revision` into `dest`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, *paths],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise SystemExit(f"bench: cannot read git revision {revision!r}: {archive.stderr.decode().strip()}")
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def export_server_source(revision: str, dest: Path) -> Path:
    """Unpack `provider/influxdb3_local_api` as committed at `revision`; return a PYTHONPATH entry."""
    return export_tree(revision, dest, SERVER_PACKAGE) / "provider"


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
    sys.path.insert(0, str(ROOT / "tests"))  # tests/support holds the one server runner
    from support.local_api import LocalApi

    pythonpath = None if revision is None else export_server_source(revision, tmp / f"src-{name}")
    # The server's default hash cost: the revisions compared may predate --token-hash-cost.
    server = LocalApi(tmp / f"data-{name}", list(flags), pythonpath=pythonpath, hash_cost=None).start(timeout=60)
    try:
        yield server
    finally:
        server.stop()


# --- what the programs and providers run on ------------------------------------------------------


def install_wheel(tmp: Path, revision: str | None = None) -> Installed:
    """The wheel built from the working tree (or as committed at `revision`), in a fresh virtualenv."""
    from support.wheel import Installed, build_dist

    name = revision or "working-tree"
    source = ROOT if revision is None else export_tree(revision, tmp / f"src-{name}")
    installed = Installed.create(tmp / f"venv-{name}", build_dist(tmp / f"dist-{name}", source))
    installed.pip_install("pulumi-influxdb3-tokens", cwd=tmp)
    return installed


def installed_python_env(tmp: Path, revision: str | None = None) -> tuple[dict[str, str], str]:
    """Build the wheel (of the working tree, or as committed at `revision`) and install it into a
    fresh virtualenv, as a user's `pip install` would.

    Returns the environment that makes the engine run programs and providers on that install (its
    Python, its `pulumi-resource-influxdb3`, the engine first on PATH, not the checkout's .venv),
    and a line saying what was installed. The checkout's .venv also holds the test tools, and
    some of them change what the product imports: httpx loads its command-line module when click,
    pygments and rich are importable (~0.15 s in every provider process here).
    """
    from support.engine import engine_path

    installed = install_wheel(tmp, revision)
    path = [*map(str, engine_path()), *installed.env()["PATH"].split(os.pathsep)]
    env = {
        "PATH": os.pathsep.join(path),
        "PULUMI_PYTHON_CMD": installed.python,
        "VIRTUAL_ENV": str(installed.root),
        "PYTHONNOUSERSITE": "1",
    }
    listing = installed.run(installed.python, "-m", "pip", "list", "--format=freeze", cwd=tmp).stdout.split()
    count = len(listing)
    of = f"the wheel of {revision}" if revision else "the wheel"
    return env, f"{of} installed into a fresh virtualenv ({count} distributions, constraints.txt)"


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
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
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
