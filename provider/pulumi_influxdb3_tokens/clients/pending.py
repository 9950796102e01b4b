"""A journal of creates in flight, kept on disk until their outcome is known.

A create whose answer is lost for good (the server down past influxdb3:retryTimeout, a request
timed out after the server committed it, the engine killed) leaves a token that no state holds,
and its Idempotency-Key is the only handle on it. So the key and the exact request are written
here before the POST and kept until the outcome is known. A later create of the same request (the
next ``up``) reuses that key and body: the server replays the answer (same server process) or names
the token it made (409), which the provider revokes before minting anew. A provider whose engine has
stopped sends no create at all (``core/engine.py``): its entry waits for the next ``up``.

An answer that arrives is not the end either: the engine may die before its state records the token.
So the entry holds until the state does: it is rewritten as *answered* (the token id, no string;
``core/answered_creates.py``) and removed once a state is seen holding that token: the Python program is
handed its id, or a later run reads, diffs, updates or deletes a resource holding it. A create of the same
request that finds an answered entry nobody settled asks the server: a token revoked, expired or gone is
forgotten; a live one is reported (it may be held by no state) and kept, never revoked, since nothing proves
that no state holds it. Entries answered in this process are never looked at by its own creates.

One small JSON file per create, no token string in it; ``INFLUXDB3_TOKENS_JOURNAL_DIR`` moves the
journal (default ``~/.cache/pulumi-influxdb3-tokens/pending-creates``). Without the journal (another
machine, a wiped cache) ``influxdb3-tokens audit --stack-state`` still finds such tokens.

The server scopes a key to the token that sent it, so only the admin credential that made an entry
can settle it: another one would mint a second token and the entry would be forgotten. Each entry
records which credential made it as a fingerprint: an HMAC-SHA256 of the credential under a random
key kept in the journal directory (0600), cut to 16 hex digits, so neither the entry nor a guess of a
short credential reveals it. An entry of another credential (an admin rotated) is kept and reported
at every create of its request, never used or dropped.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from ..core import timeutil
from ..core.answered_creates import ANSWERED, answered_path, journal_directory
from ..core.errors import ConfigurationError
from ..core.notices import say
from ..settings import Connection

FINGERPRINT_KEY_FILE = ".fingerprint-key"

# The locked entry file of each create this process is running, by key.
_HELD: dict[str, int] = {}
_HELD_LOCK = threading.Lock()
# The answered entries (file names) of the creates this process saw answered: its own creates never
# report them, nor read them.
_ANSWERED_HERE: set[str] = set()


class PendingCreate(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    target: str  # hash of API URL, account and cluster
    request: str  # what the program declared: description and expiry inputs
    description: str
    expires_at: Optional[datetime]  # exactly what the first attempt sent
    credential: Optional[str] = None  # fingerprint of the admin credential that sent it (None: not recorded)


class AnsweredCreate(PendingCreate):
    """A create whose answer arrived, kept until a state is seen holding its token."""

    token_id: str


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
        self._dir = (directory or journal_directory()).expanduser()
        self._credential = connection.management_token
        self._fingerprint: Optional[str] = None

    def begin(self, request: str, description: str, fresh_expiry: Optional[datetime]) -> PendingCreate:
        """The earlier lost create of this request to retry, else a new journaled create."""
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        earlier = self._claim(request)
        if earlier is not None:
            return earlier
        entry = PendingCreate(
            key=str(uuid.uuid4()),
            target=self._target,
            request=request,
            description=description,
            expires_at=fresh_expiry,
            credential=self._own_fingerprint(),
        )
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
        """The outcome is known and no token came of it (refused, or revoked): forget the entry."""
        self._path(entry.key).unlink(missing_ok=True)
        _let_go(entry.key)

    def answered(self, entry: PendingCreate, token_id: str) -> None:
        """The create made ``token_id``: keep it as answered until a state is seen holding it.

        The answered entry is in place before the pending one goes: a process that dies between the two
        never gave the token to its engine, and the next create of the request revokes it by the kept key.
        """
        answered = AnsweredCreate(**entry.model_dump(), token_id=token_id)
        path = answered_path(self._dir, token_id)
        with _HELD_LOCK:
            _ANSWERED_HERE.add(path.name)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        _publish(path, answered.model_dump_json().encode())
        self.finish(entry)

    def answered_earlier(self, request: str) -> list[tuple[AnsweredCreate, Path]]:
        """The answered creates of this request and credential that no state was seen holding, but for
        this process's own; those whose token has expired by its recorded expiry are forgotten here."""
        found = []
        with _HELD_LOCK:  # this process's own are skipped before they are sorted: no stat of each at every create
            others = [path for path in (self._dir / ANSWERED).glob("*.json") if path.name not in _ANSWERED_HERE]
        for path in sorted(others, key=_age):
            try:
                entry = AnsweredCreate.model_validate_json(path.read_bytes())
            except (OSError, ValidationError):
                continue
            if (entry.target, entry.request) != (self._target, request) or entry.credential != self._own_fingerprint():
                continue
            if entry.expires_at is not None and entry.expires_at <= timeutil.now():
                path.unlink(missing_ok=True)
                continue
            found.append((entry, path))
        return found

    def _own_fingerprint(self) -> str:
        if self._fingerprint is None:
            key = _fingerprint_key(self._dir)
            digest = hmac.new(key, self._credential.get_secret_value().encode("utf-8", "replace"), hashlib.sha256)
            self._fingerprint = digest.hexdigest()[:16]
        return self._fingerprint

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
        if entry.credential != self._own_fingerprint():
            if entry.expires_at is None or entry.expires_at > timeutil.now():
                _report_foreign(entry, path)
            return None  # only the credential that sent its key can settle it: keep it
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


def _report_foreign(entry: PendingCreate, path: Path) -> None:
    who = (
        f"another admin credential (fingerprint {entry.credential})"
        if entry.credential
        else "an admin credential it did not record"
    )
    say(
        f"a create of this token ('{entry.description}') under {who} lost its answer and may have left a live "
        f"token that no state holds; its journal entry {path} is kept for that credential: run the update with "
        f"it to settle the entry, or look for that token with `influxctl management list` or `influxdb3-tokens "
        f"audit` and then remove the file. Minting under the current credential."
    )


def _fingerprint_key(directory: Path) -> bytes:
    """The journal's random HMAC key, made once (0600); concurrent first uses agree on one."""
    path = directory / FINGERPRINT_KEY_FILE
    if not path.exists():
        _publish_new_key(path)
    key = path.read_bytes()
    if len(key) != 32:
        raise ConfigurationError(
            f"The pending-create journal's key file {path} is damaged; remove it (it holds no secret, and entries "
            f"written with it are then kept and reported, not retried)."
        )
    return key


def _publish_new_key(path: Path) -> None:
    """Write a random key to a file of its own, then hard-link it into place: the key appears whole or not
    at all, however long the writer is held up, and when several processes publish at once the first link
    wins and the others read it."""
    temporary = _written_beside(path, os.urandom(32))
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another process published first
    finally:
        temporary.unlink(missing_ok=True)


def _publish(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all (0600)."""
    os.replace(_written_beside(path, content), path)


def _written_beside(path: Path, content: bytes) -> Path:
    """A new hidden file (0600) beside ``path`` holding ``content``, on disk."""
    temporary = path.with_name(f".{uuid.uuid4()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    return temporary


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
