"""The processes a `pulumi` CLI started, read from /proc: for the tests that SIGKILL the CLI.

The CLI runs in a session of its own (``start_new_session=True``); the processes it starts keep that session
though the engine puts each in a process group of its own, so the session names them all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Callable, Optional

PROC = Path("/proc")


def _stat_fields(pid: int) -> Optional[list[str]]:
    """/proc/<pid>/stat from field 3 (the state) on; the command name may hold spaces and parens."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return stat[stat.rfind(")") + 1 :].split()


def session_of(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[3]) if fields else None


def running(pid: int) -> bool:
    """Still running: neither gone nor a zombie (ended, waiting for its parent to reap it)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def session_processes(session: int) -> dict[int, str]:
    """The running processes of ``session``, by pid, each with its command line."""
    found: dict[int, str] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and session_of(int(entry.name)) == session and running(int(entry.name)):
            with contextlib.suppress(OSError):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    return found


def kill_session(session: int) -> None:
    """SIGKILL what is left of the processes the killed CLI started (its session)."""
    for entry in PROC.iterdir():
        if entry.name.isdigit() and session_of(int(entry.name)) == session:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGKILL)


def until(what: str, done: Callable[[], bool], seconds: float) -> None:
    """A bounded wait for ``done``; fails naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"not within {seconds:g} s: {what}"
        time.sleep(0.1)
