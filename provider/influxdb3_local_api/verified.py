"""Bounded in-memory caches of bearer strings that passed, or failed, the scrypt check.

Verifying a presented token costs one scrypt (tens of ms) and every request carries one, so
without a cache a burst of requests queues behind the hashing. The cache maps a keyed hash
(HMAC-SHA256 under a random per-process key) of the presented string to the token's id: it
never holds a plaintext, and its keys are useless outside this process. It only answers
"which token is this string"; whether that token is still revoked-free and unexpired is read
from the database on every request by the caller. Its twin, RejectedStrings, remembers strings
that matched nothing, so repeating a wrong guess costs no second scrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict

DEFAULT_MAX_ENTRIES = 4096


class _PresentedStrings:
    """Thread-safe LRU map from the keyed hash of a presented bearer string to a value."""

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._key = secrets.token_bytes(32)
        self._max = max_entries
        self._values: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, presented: str) -> bytes:
        return hmac.new(self._key, presented.encode("utf-8"), hashlib.sha256).digest()

    def _get(self, presented: str) -> str | None:
        digest = self._digest(presented)
        with self._lock:
            value = self._values.get(digest)
            if value is not None:
                self._values.move_to_end(digest)
            return value

    def _put(self, presented: str, value: str) -> None:
        digest = self._digest(presented)
        with self._lock:
            self._values[digest] = value
            self._values.move_to_end(digest)
            while len(self._values) > self._max:
                self._values.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)


class VerifiedTokens(_PresentedStrings):
    """Keyed hash of a presented bearer string -> the id of the management token it matched."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        super().__init__(max_entries)

    def get(self, presented: str) -> str | None:
        """The id of the token this exact string was verified as, if it is cached."""
        return self._get(presented)

    def put(self, presented: str, token_id: str) -> None:
        """Remember a string that matched `token_id`'s stored scrypt hash."""
        self._put(presented, token_id)


class RejectedStrings(_PresentedStrings):
    """Keyed hashes of bearer strings that matched no stored hash, so a repeat costs no scrypt.

    Sound because a string that failed can only start to match if it is imported as an admin token,
    which happens at a server start, when this in-memory set is new.
    """

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        super().__init__(max_entries)

    def __contains__(self, presented: object) -> bool:
        return isinstance(presented, str) and self._get(presented) is not None

    def add(self, presented: str) -> None:
        self._put(presented, "")
