"""Where the temporary influxctl profile (it holds the admin token) lives, and how it never outlives us.

Each run's ``config.toml`` goes into a 0700 folder of its own inside a per-user runtime directory:
``$XDG_RUNTIME_DIR/pulumi-influxdb3-tokens`` when XDG_RUNTIME_DIR is set and private (on systemd
machines a tmpfs, RAM-backed, owned by the user and removed at logout), else a 0700
``pulumi-influxdb3-tokens-<uid>`` under the temporary directory. A folder is named after the
machine and the process that made it (``influxctl-<host>-<pid>-<random>``), so one left behind by a
provider that was killed (SIGKILL runs no cleanup) is removed by the next provider process on the
same machine, once it has proved that process dead; a live process's folder is never touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import stat
import tempfile
import threading
from pathlib import Path
from typing import Iterator

from ...core.errors import ConfigurationError

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


def runtime_dir() -> Path:
    """The per-user directory for the temporary profiles, created 0700; refused when it is not private."""
    xdg = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    if xdg and Path(xdg).is_absolute() and _private(Path(xdg)):
        directory = Path(xdg) / RUNTIME_NAME
    else:
        directory = Path(tempfile.gettempdir()) / f"{RUNTIME_NAME}-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        directory.mkdir(mode=0o700)
    if not _private(directory):
        raise ConfigurationError(
            f"The directory {directory}, where the provider keeps influxctl's temporary profile, is not a private "
            f"directory of yours (a symlink, another user's, or readable by others); remove it and run again."
        )
    return directory


_FOLDER = re.compile(r"^influxctl-(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-")


def _alive(pid: int) -> bool:
    """Whether a process with that id runs; anything short of proof of death counts as alive."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale(directory: Path) -> list[Path]:
    """Remove the folders of this machine's provider processes that are proved dead; returns them."""
    removed = []
    host = _host_tag()
    for entry in sorted(directory.iterdir()):
        match = _FOLDER.match(entry.name)
        if match is None or match["host"] != host:
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or _alive(pid):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _runtime_dir_cleaned() -> Path:
    """The runtime directory, its stale folders removed the first time this process uses it."""
    directory = runtime_dir()
    with _CLEANED_LOCK:
        if str(directory) not in _CLEANED:
            _CLEANED.add(str(directory))
            remove_stale(directory)
    return directory


@contextlib.contextmanager
def private_file(name: str, content: str) -> Iterator[Path]:
    """A 0600 file holding ``content`` in a 0700 folder of this process, removed with its folder on exit."""
    folder = Path(tempfile.mkdtemp(prefix=f"influxctl-{_host_tag()}-{os.getpid()}-", dir=_runtime_dir_cleaned()))
    try:
        path = folder / name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
