"""A bounded in-memory cache of bearer strings that already passed the scrypt check.

Verifying a presented token costs one scrypt (tens of ms) and every request carries one, so
without a cache a burst of requests queues behind the hashing. The cache maps a keyed hash
(HMAC-SHA256 under a random per-process key) of the presented string to the token's id: it
never holds a plaintext, and its keys are useless outside this process. It only answers
"which token is this string"; whether that token is still revoked-free and unexpired is read
from the database on every request by the caller.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict

DEFAULT_MAX_ENTRIES = 4096


class VerifiedTokens:
    """Thread-safe LRU map: keyed hash of a presented bearer string -> management token id."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._key = secrets.token_bytes(32)
        self._max = max_entries
        self._ids: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, presented: str) -> bytes:
        return hmac.new(self._key, presented.encode("utf-8"), hashlib.sha256).digest()

    def get(self, presented: str) -> str | None:
        """The id of the token this exact string was verified as, if it is cached."""
        digest = self._digest(presented)
        with self._lock:
            token_id = self._ids.get(digest)
            if token_id is not None:
                self._ids.move_to_end(digest)
            return token_id

    def put(self, presented: str, token_id: str) -> None:
        """Remember a string that matched `token_id`'s stored scrypt hash."""
        digest = self._digest(presented)
        with self._lock:
            self._ids[digest] = token_id
            self._ids.move_to_end(digest)
            while len(self._ids) > self._max:
                self._ids.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._ids)
