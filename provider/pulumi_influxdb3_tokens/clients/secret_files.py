"""Where the temporary influxctl profile (it holds the admin token) lives, and how it never outlives us.

Each run's ``config.toml`` goes into a 0700 folder of its own inside a per-user runtime directory:
``$XDG_RUNTIME_DIR/pulumi-influxdb3-tokens`` when XDG_RUNTIME_DIR is set and private (on systemd
machines a tmpfs, RAM-backed, owned by the user and removed at logout), else a 0700
``pulumi-influxdb3-tokens-<uid>`` under the temporary directory. A folder is named after the
machine and the process that made it, with that process's start time where the OS tells it
(``influxctl-<host>-<pid>-<start>-<random>``; Linux: /proc/<pid>/stat field 22, proc(5)), so one left
behind by a provider that was killed (SIGKILL runs no cleanup) is removed once its owner is proved
gone: no process has its id, or the process that has it started at another time (the id was reused).
A live owner's folder is never touched. Every provider process looks once, when it makes its first
client of any transport (:func:`remove_stale_once`, from ``clients.client_for``), so a profile left
behind is removed by the next provider on the machine whichever transport it uses.

This module is the transports' common ground (the HTTP transport never loads the influxctl one).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import shutil
import socket
import stat
import tempfile
import threading
from pathlib import Path
from typing import Iterator, Optional

from ..core import engine
from ..core.errors import ConfigurationError

RUNTIME_NAME = "pulumi-influxdb3-tokens"
_CLEANED: set[str] = set()
_CLEANED_LOCK = threading.Lock()


def _host_tag() -> str:
    """Tells this machine's folders from another's that share the directory (a mounted /tmp)."""
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _private(path: Path) -> bool:
    """A real directory (no symlink), ours, that nobody else may enter."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    return info.st_uid == os.getuid() and not stat.S_IMODE(info.st_mode) & 0o077


def _temporary_runtime_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"{RUNTIME_NAME}-{os.getuid()}"


def _runtime_path() -> Path:
    xdg = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    if xdg and Path(xdg).is_absolute() and _private(Path(xdg)):
        return Path(xdg) / RUNTIME_NAME
    return _temporary_runtime_dir()


def runtime_dir() -> Path:
    """The per-user directory for the temporary profiles, created 0700; refused when it is not private."""
    directory = _runtime_path()
    with contextlib.suppress(FileExistsError):
        directory.mkdir(mode=0o700)
    if not _private(directory):
        raise ConfigurationError(
            f"The directory {directory}, where the provider keeps influxctl's temporary profile, is not a private "
            f"directory of yours (a symlink, another user's, or readable by others); remove it and run again."
        )
    return directory


# influxctl-<host>-<pid>-[<start>-]<random>: folders written before the start time was recorded have none.
_FOLDER = re.compile(r"^influxctl-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-(?:(?P<start>[0-9]+)-)?")


def _alive(pid: int) -> bool:
    """Whether a process with that id runs; anything short of proof of death counts as alive."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def start_time(pid: int) -> Optional[str]:
    """When process ``pid`` started, in clock ticks since boot (/proc/<pid>/stat field 22); None where unknown.

    The command name (field 2) is in parentheses and may hold spaces or ")", so fields count from the last ")".
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[19] if len(fields) > 19 and fields[19].isdigit() else None


def _owner_gone(pid: int, start: Optional[str]) -> bool:
    """Proof that the process that wrote a folder has ended: its id is free, or taken by a later process."""
    if not _alive(pid):
        return True
    if start is None:
        return False
    now = start_time(pid)
    return now is not None and now != start


def remove_stale(directory: Path) -> list[Path]:
    """Remove the folders of this machine's provider processes that are proved gone (one listing); returns them."""
    removed = []
    host = _host_tag()
    for entry in sorted(directory.iterdir()):
        match = _FOLDER.match(entry.name)
        if match is None or match["host"] != host or not _owner_gone(int(match["pid"]), match["start"]):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _clean_once(directory: Path) -> None:
    with _CLEANED_LOCK:
        if str(directory) in _CLEANED:
            return
        _CLEANED.add(str(directory))
    if _private(directory):
        with contextlib.suppress(OSError):
            remove_stale(directory)


def remove_stale_once() -> None:
    """Remove stale temporary profiles, the first time this process asks: in the runtime directory in use and
    in the temporary directory's (used when XDG_RUNTIME_DIR was not set), where they exist and are private.
    Never creates a directory and never fails: it is housekeeping at the start of every transport."""
    for directory in dict.fromkeys((_runtime_path(), _temporary_runtime_dir())):
        _clean_once(directory)


def _runtime_dir_cleaned() -> Path:
    """The runtime directory, its stale folders removed the first time this process uses it."""
    directory = runtime_dir()
    _clean_once(directory)
    return directory


@functools.lru_cache(maxsize=4)
def _own_start_time(pid: int) -> Optional[str]:
    return start_time(pid)


def _folder_prefix() -> str:
    pid = os.getpid()  # asked each time: a forked child is another owner
    start = _own_start_time(pid)
    return f"influxctl-{_host_tag()}-{pid}-" + (f"{start}-" if start else "")


def remove_own() -> None:
    """Remove this process's folders now: the engine watchdog (core/engine.py) ends the process without running
    ``private_file``'s cleanup, and a profile holding the admin token must not wait for the next provider."""
    directory = _runtime_path()
    if not directory.is_dir():
        return
    prefix = _folder_prefix()
    for entry in directory.iterdir():
        if entry.name.startswith(prefix):
            shutil.rmtree(entry, ignore_errors=True)


engine.when_gone(remove_own)


@contextlib.contextmanager
def private_file(name: str, content: str) -> Iterator[Path]:
    """A 0600 file holding ``content`` in a 0700 folder of this process, removed with its folder on exit."""
    folder = Path(tempfile.mkdtemp(prefix=_folder_prefix(), dir=_runtime_dir_cleaned()))
    try:
        path = folder / name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
