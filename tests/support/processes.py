"""The processes a `pulumi` CLI started, read from /proc: for the tests that SIGKILL the CLI.

The CLI runs in a session of its own (``start_new_session=True``); the processes it starts keep that session
though the engine puts each in a process group of its own, so the session names them all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Callable, Mapping, Optional

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


def up_with_a_create_in_flight(
    argv: list[str], cwd: Path, env: Mapping[str, str], journal: Path
) -> subprocess.Popen[bytes]:
    """Start ``pulumi up`` (``argv``) in a session of its own and return once a create of it is in flight: its
    pending-create journal entry is written, which happens before the request is sent. The caller kills it."""
    up = subprocess.Popen(
        argv, cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        until("a create's journal entry is written", lambda: any(journal.glob("*.json")) or up.poll() is not None, 120)
        assert up.poll() is None, "the up ended before its create was journaled"
    except BaseException:
        kill_session(up.pid)
        raise
    return up
