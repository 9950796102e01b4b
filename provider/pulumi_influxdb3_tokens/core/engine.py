"""Whether the Pulumi engine that started this provider still runs.

When the ``pulumi`` CLI is killed, its provider processes live on: nothing tells them, and a create
they send then makes a token whose answer reaches no state. So a provider records its engine at its
first call (``record``) and refuses to send a create once that process is gone (``require_engine``).

The engine is the nearest ancestor that is neither a shell nor a language host: it starts the plugin
directly, but the dynamic provider through ``pulumi-resource-pulumi-python``, a ``/bin/sh`` script that
runs ``python -m pulumi.dynamic`` without ``exec``, and that shell outlives a killed engine; and a Pulumi
YAML program's host (``pulumi-language-yaml``) starts a plugin of its own to read its schema, and outlives
the engine too (its health check asks the engine every five minutes). On Linux the engine is known by pid
and start time (``/proc/<pid>/stat``, field 22), so a reused pid is not taken for it, and a zombie (an
engine killed but not yet reaped) counts as gone. Without ``/proc`` only the direct parent is compared,
which tells a killed engine from a live one for the plugin alone.

A provider process then ends itself once its engine is gone (``watch``): nothing else would end it, and it
would only hold its journal entries' locks and refuse every create. Ending it loses nothing: a create's
journal entry is written before its request is sent and is settled by the next ``pulumi up``, as after a
SIGKILL of the provider. What a ``finally`` would have removed (influxctl's temporary profile, which holds the
admin token) is removed first (``when_gone``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .errors import InfluxDB3TokensError

PROC = Path("/proc")
# What a process runs when it is a shell (the basename of /proc/<pid>/exe): never the engine.
SHELLS = frozenset({"sh", "dash", "bash", "ash", "ksh", "mksh", "zsh", "busybox"})
# ...nor is a language host (pulumi-language-yaml, -python, -nodejs: the engine starts them, they start plugins).
LANGUAGE_HOST_PREFIX = "pulumi-language-"
# How often a provider's watchdog asks whether its engine still runs, and the status it exits with when not.
WATCH_EVERY_S = 0.5
EXIT_ENGINE_GONE = 1


class EngineGoneError(InfluxDB3TokensError):
    """The engine that started this provider has stopped: a create was not sent."""


@dataclass(frozen=True)
class _Process:
    pid: int
    started: Optional[str]  # /proc start time in clock ticks; None without /proc


_ENGINE: Optional[_Process] = None
_WATCHING = False
_WHEN_GONE: list[Callable[[], None]] = []
_LOCK = threading.Lock()


def _stat(pid: int) -> Optional[tuple[str, list[str]]]:
    """(state, fields from field 3 on) of /proc/<pid>/stat; the command name may hold spaces and parens."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    rest = text[text.rfind(")") + 1 :].split()
    return (rest[0], rest) if len(rest) > 19 else None


def _parent(pid: int) -> Optional[int]:
    stat = _stat(pid)
    return int(stat[1][1]) if stat else None


def _between(pid: int) -> bool:
    """A process between the engine and its provider: a shell or a language host."""
    try:
        name = Path(os.readlink(PROC / str(pid) / "exe")).name
    except OSError:
        return False
    return name in SHELLS or name.startswith(LANGUAGE_HOST_PREFIX)


def _engine_now() -> _Process:
    if not PROC.is_dir():
        return _Process(os.getppid(), None)
    pid = os.getppid()
    while pid > 1 and _between(pid):
        pid = _parent(pid) or 1
    stat = _stat(pid)
    return _Process(pid, stat[1][19] if stat else None)


def record() -> None:
    """Remember the engine, once per process: call it at the provider's first use, never at a check."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            _ENGINE = _engine_now()


def engine_alive() -> bool:
    """The recorded engine still runs (True when none was recorded: no engine started this process)."""
    engine = _ENGINE
    if engine is None:
        return True
    if engine.started is None:
        return os.getppid() == engine.pid
    stat = _stat(engine.pid)
    return stat is not None and stat[0] != "Z" and stat[1][19] == engine.started


def watch() -> None:
    """End this process once its recorded engine is gone (a daemon thread, once per process). Only a provider
    process calls it, after ``record``: a program or a test that imports the faces is never ended by it."""
    global _WATCHING
    with _LOCK:
        if _WATCHING or _ENGINE is None:
            return
        _WATCHING = True
    threading.Thread(target=_end_with_engine, name="influxdb3-engine-watch", daemon=True).start()


def when_gone(cleanup: Callable[[], None]) -> None:
    """Run ``cleanup`` before the watchdog ends this process: what a ``finally`` would have removed (a file holding
    a secret) must not stay behind because the process ends in the middle of a call."""
    with _LOCK:
        _WHEN_GONE.append(cleanup)


def _end_with_engine() -> None:
    while engine_alive():
        time.sleep(WATCH_EVERY_S)
    with _LOCK:
        cleanups = list(_WHEN_GONE)
    for cleanup in cleanups:
        with contextlib.suppress(Exception):  # ending the process matters more than one cleanup's failure
            cleanup()
    os._exit(EXIT_ENGINE_GONE)  # nothing else to run: the journal is built to survive a killed process


def require_engine(action: str) -> None:
    """Refuse to send ``action`` (a create) when the engine that would record its answer has stopped."""
    if not engine_alive():
        raise EngineGoneError(
            f"The Pulumi engine that started this provider has stopped, so {action} was not sent; "
            f"the next `pulumi up` finishes it."
        )
