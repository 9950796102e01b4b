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

import hashlib
import os
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from . import timeutil
from .settings import Connection

JOURNAL_ENV = "INFLUXDB3_TOKENS_JOURNAL_DIR"
DEFAULT_JOURNAL = Path("~/.cache/pulumi-influxdb3-tokens/pending-creates")

# Keys a create in this process is using: two creates of the same request never share one.
_CLAIMED: set[str] = set()
_CLAIMED_LOCK = threading.Lock()


class PendingCreate(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    target: str  # hash of API URL, account and cluster
    request: str  # what the program declared: description and expiry inputs
    description: str
    expires_at: Optional[datetime]  # exactly what the first attempt sent


class NoJournal:
    """For a transport without Idempotency-Keys (influxctl): a fresh key per create, nothing kept."""

    def begin(self, request: str, description: str, fresh_expiry: Optional[datetime]) -> PendingCreate:
        return PendingCreate(key=str(uuid.uuid4()), target="", request=request, description=description,
                             expires_at=fresh_expiry)

    def release(self, entry: PendingCreate) -> None:
        pass

    def finish(self, entry: PendingCreate) -> None:
        pass


def _target(connection: Connection) -> str:
    text = "\n".join((connection.api_url, connection.account_id, connection.cluster_id))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Journal:
    """The pending creates for one cluster."""

    def __init__(self, connection: Connection, directory: Optional[Path] = None) -> None:
        self._target = _target(connection)
        self._dir = (directory or Path(os.environ.get(JOURNAL_ENV) or DEFAULT_JOURNAL)).expanduser()

    def begin(self, request: str, description: str, fresh_expiry: Optional[datetime]) -> PendingCreate:
        """The earlier lost create of this request to retry, else a new journaled create."""
        earlier = self._claim(request)
        if earlier is not None:
            return earlier
        entry = PendingCreate(
            key=str(uuid.uuid4()), target=self._target, request=request,
            description=description, expires_at=fresh_expiry,
        )
        with _CLAIMED_LOCK:
            _CLAIMED.add(entry.key)
        self._write(entry)
        return entry

    def release(self, entry: PendingCreate) -> None:
        """The outcome is still unknown: keep the entry for the next create of the request."""
        with _CLAIMED_LOCK:
            _CLAIMED.discard(entry.key)

    def finish(self, entry: PendingCreate) -> None:
        """The outcome is known (answered, refused or revoked): forget the entry."""
        self._path(entry.key).unlink(missing_ok=True)
        self.release(entry)

    def _claim(self, request: str) -> Optional[PendingCreate]:
        if not self._dir.is_dir():
            return None
        for path in sorted(self._dir.glob("*.json"), key=_age):
            try:
                entry = PendingCreate.model_validate_json(path.read_bytes())
            except (OSError, ValidationError):
                continue
            if entry.target != self._target or entry.request != request:
                continue
            if entry.expires_at is not None and entry.expires_at <= timeutil.now():
                path.unlink(missing_ok=True)  # whatever it made has expired: nothing to recover
                continue
            with _CLAIMED_LOCK:
                if entry.key in _CLAIMED:
                    continue
                _CLAIMED.add(entry.key)
            return entry
        return None

    def _path(self, key: str) -> Path:
        return self._dir / f"{key}.json"

    def _write(self, entry: PendingCreate) -> None:
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self._dir / f".{entry.key}.tmp"
        with open(temporary, "w", encoding="utf-8") as out:
            out.write(entry.model_dump_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self._path(entry.key))


def _age(path: Path) -> float:
    """Oldest first; a file another process just removed sorts first and is skipped when read."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
