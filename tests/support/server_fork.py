"""Start the tests' local servers by forking a process that has already imported the server.

Every test process starts many servers, and each ``python -m influxdb3_local_api`` spent most of its
start-up importing FastAPI, uvicorn and pydantic. Here one ``multiprocessing`` fork server per test
process imports them once (``PRELOAD``) and forks a child per server. The fork server is started
single-threaded from the interpreter, not forked from the test process with its threads, and each
child runs the server's own ``main(argv)`` with its own environment, session and stdout/stderr files,
so a child is what ``python -m influxdb3_local_api`` would be minus the import.

What a fork cannot show, a test starts with ``exec`` instead (``LocalApi(exec_argv=True)``): the
server's argv as ``ps`` shows it, and any interpreter or source tree other than this one.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Optional

from pulumi_influxdb3_tokens.process_gc import tune_for_a_provider_process

# What the server imports at start-up and on its first request (found by diffing sys.modules).
PRELOAD = [
    "influxdb3_local_api.cli",
    "pydantic.v1",  # FastAPI imports it while building routes
    "h11",
    "uvicorn.lifespan.on",
    "uvicorn.loops.auto",
    "uvicorn.loops.asyncio",
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.protocols.websockets.auto",
    __name__,
]

# Starts nothing yet: the fork server starts with the first server, and lives as long as this process.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(PRELOAD)
_started: list[ForkedServer] = []


@atexit.register
def _kill_what_is_left() -> None:
    """SIGKILL servers a test left running; registered after multiprocessing's own exit handler, so it runs
    first, and that handler (SIGTERM, then a join with no timeout) cannot hang on a server slow to stop."""
    for server in _started:
        server.kill()
        server.wait(10)


def _serve(argv: list[str], env: dict[str, str], stdout_path: str, stderr_path: str) -> None:
    """The child: a new session (as ``start_new_session``), the given environment, output to files."""
    from influxdb3_local_api.cli import main

    # A test's server lives for one test. Building its app leaves ~10,000 objects that live as long as it does, and the
    # 21 collections CPython runs meanwhile (one per 700 new objects) free ~600: collecting as a provider process does
    # (process_gc.py) takes ~17 ms off its start-up, measured.
    tune_for_a_provider_process()
    os.setsid()
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, stdout_path), (2, stderr_path)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(target, fd)
        os.close(target)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    raise SystemExit(main(argv))


class ForkedServer:
    """A forked server with the part of ``subprocess.Popen``'s interface the harness uses."""

    def __init__(self, argv: list[str], env: dict[str, str], stdout_path: Path, stderr_path: Path) -> None:
        self._process = _CONTEXT.Process(
            target=_serve, args=(argv, env, str(stdout_path), str(stderr_path)), daemon=True
        )
        self._process.start()
        assert self._process.pid is not None
        self.pid: int = self._process.pid
        _started.append(self)

    def poll(self) -> Optional[int]:
        return self._process.exitcode

    def wait(self, timeout: Optional[float] = None) -> int:
        self._process.join(timeout)
        code = self._process.exitcode
        if code is None:
            raise subprocess.TimeoutExpired(["influxdb3_local_api (forked)"], timeout or 0.0)
        return code

    def send_signal(self, signum: int) -> None:
        if self._process.exitcode is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


__all__ = ["PRELOAD", "ForkedServer"]
