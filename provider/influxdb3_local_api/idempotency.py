"""Idempotency-Key support for token creation.

The database maps each key to the token it created plus a hash of the request, so a reused
key is recognised across restarts. The plaintext access token of the first response lives
only in this process's memory (for 24 h): after a restart a replay cannot show it again.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from datetime import datetime

from .models import CreatedManagementToken
from .store import IdempotencyKey
from .timefmt import format_rfc3339

REPLAY_TTL_SECONDS = 24 * 3600
MAX_KEY_LENGTH = 255
IDEMPOTENCY_KEY_PATTERN = r"^[ -~]{1,255}$"  # what valid_key() accepts, for the OpenAPI document


def valid_key(key: str) -> bool:
    """1 to 255 printable ASCII characters."""
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


def request_hash(description: str, expires_at: datetime | None) -> str:
    """Hash of the normalised request, to tell a retry from a different request reusing a key."""
    canonical = {"description": description, "expiresAt": None if expires_at is None else format_rfc3339(expires_at)}
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode("utf-8")).hexdigest()


class ReplayCache:
    """In-memory, thread-safe map from idempotency key to the first create response."""

    def __init__(self, ttl_seconds: float = REPLAY_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[IdempotencyKey, tuple[float, CreatedManagementToken]] = {}
        self._lock = threading.Lock()

    def put(self, key: IdempotencyKey, response: CreatedManagementToken) -> None:
        with self._lock:
            now = self._clock()
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            self._entries[key] = (now + self._ttl, response)

    def get(self, key: IdempotencyKey) -> CreatedManagementToken | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= self._clock():
                return None
            return entry[1]
