"""A journal of creates in flight, kept on disk until their outcome is known.

A create whose answer is lost for good (the server down past influxdb3:retryTimeout, a request
timed out after the server committed it, the engine killed) leaves a token that no state holds,
and its Idempotency-Key is the only handle on it. So the key and the exact request are written
here before the POST and removed once the answer arrives or the server refuses. A later create of
the same request (the next ``up``) reuses that key and body: the server replays the answer (same
server process) or names the token it made (409), which the provider revokes before minting anew.

One small JSON file per create, no token string in it; ``INFLUXDB3_TOKENS_JOURNAL_DIR`` moves the
journal (default ``~/.cache/pulumi-influxdb3-tokens/pending-creates``). Without the journal (another
machine, a wiped cache) ``influxdb3-tokens audit --stack-state`` still finds such tokens.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from ..core import timeutil
from ..settings import Connection

JOURNAL_ENV = "INFLUXDB3_TOKENS_JOURNAL_DIR"
DEFAULT_JOURNAL = Path("~/.cache/pulumi-influxdb3-tokens/pending-creates")

# The locked entry file of each create this process is running, by key.
_HELD: dict[str, int] = {}
_HELD_LOCK = threading.Lock()


class PendingCreate(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    target: str  # hash of API URL, account and cluster
    request: str  # what the program declared: description and expiry inputs
    description: str
    expires_at: Optional[datetime]  # exactly what the first attempt sent


def _target(connection: Connection) -> str:
    text = "\n".join((connection.api_url, connection.account_id, connection.cluster_id))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Journal:
    """The pending creates for one cluster.

    A create holds an exclusive ``flock`` on its entry while it runs, so no other create (thread,
    process or concurrent ``up``) sends the same key at the same time; the kernel drops the lock
    when the process dies, which leaves the entry free for the next ``up``.
    """

    def __init__(self, connection: Connection, directory: Optional[Path] = None) -> None:
        self._target = _target(connection)
        self._dir = (directory or Path(os.environ.get(JOURNAL_ENV) or DEFAULT_JOURNAL)).expanduser()

    def begin(self, request: str, description: str, fresh_expiry: Optional[datetime]) -> PendingCreate:
        """The earlier lost create of this request to retry, else a new journaled create."""
        earlier = self._claim(request)
        if earlier is not None:
            return earlier
        entry = PendingCreate(
            key=str(uuid.uuid4()),
            target=self._target,
            request=request,
            description=description,
            expires_at=fresh_expiry,
        )
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self._dir / f".{entry.key}.tmp"
        fd = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)  # before the entry is visible under its final name
        os.write(fd, entry.model_dump_json().encode())
        os.fsync(fd)
        os.replace(temporary, self._path(entry.key))
        _hold(entry.key, fd)
        return entry

    def release(self, entry: PendingCreate) -> None:
        """The outcome is still unknown: keep the entry for the next create of the request."""
        _let_go(entry.key)

    def finish(self, entry: PendingCreate) -> None:
        """The outcome is known (answered, refused or revoked): forget the entry."""
        self._path(entry.key).unlink(missing_ok=True)
        _let_go(entry.key)

    def _claim(self, request: str) -> Optional[PendingCreate]:
        if not self._dir.is_dir():
            return None
        for path in sorted(self._dir.glob("*.json"), key=_age):
            try:
                fd = os.open(path, os.O_RDWR)
            except OSError:
                continue  # finished meanwhile
            entry = self._locked_entry(fd, path, request)
            if entry is None:
                os.close(fd)
                continue
            _hold(entry.key, fd)
            return entry
        return None

    def _locked_entry(self, fd: int, path: Path, request: str) -> Optional[PendingCreate]:
        """The entry when it is ours to retry and nobody else holds it, else None.

        Whose entry it is is read before locking it: a create that locked every entry it looked at
        would, for that instant, make a concurrent create of another request skip its own entry
        and mint under a new key, leaving the token of the lost create in no state. Entries are
        written once (temporary file, then rename), so reading one unlocked is safe.
        """
        try:
            entry = PendingCreate.model_validate_json(os.pread(fd, 1 << 16, 0))
        except (OSError, ValidationError):
            return None
        if entry.target != self._target or entry.request != request:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return None  # another create of the same request is using this key right now
        try:
            if os.fstat(fd).st_ino != path.stat().st_ino:
                return None  # finished and removed between our open and our lock
        except OSError:
            return None
        if entry.expires_at is not None and entry.expires_at <= timeutil.now():
            path.unlink(missing_ok=True)  # whatever it made has expired: nothing to recover
            return None
        return entry

    def _path(self, key: str) -> Path:
        return self._dir / f"{key}.json"


def _hold(key: str, fd: int) -> None:
    with _HELD_LOCK:
        _HELD[key] = fd


def _let_go(key: str) -> None:
    with _HELD_LOCK:
        fd = _HELD.pop(key, None)
    if fd is not None:
        os.close(fd)  # drops the flock


def _age(path: Path) -> float:
    """Oldest first; a file another process just removed sorts first and is skipped when read."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
