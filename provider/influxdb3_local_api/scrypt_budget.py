"""A token bucket for scrypt checks that fail: unauthenticated callers cannot buy unbounded CPU.

Only a bearer string whose first 12 characters equal a stored token's prefix reaches a scrypt
check, and prefixes are public (listings, audit output). Every check takes one unit before it
runs; a check that succeeds gives it back, so the bucket drains only through failures. When it is
empty, strings not verified before are answered 429 with Retry-After until it refills; callers
whose strings were verified earlier (verified.py) are not affected.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

DEFAULT_FAILURES_PER_S = 5.0
DEFAULT_BURST = 20


class ScryptBudget:
    def __init__(
        self,
        per_second: float = DEFAULT_FAILURES_PER_S,
        burst: int = DEFAULT_BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("per_second must be > 0 and burst >= 1")
        self._rate = per_second
        self._burst = float(burst)
        self._clock = clock
        self._units = float(burst)
        self._at = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._units = min(self._burst, self._units + (now - self._at) * self._rate)
        self._at = now

    def take(self) -> int | None:
        """Take a unit for one check: None when taken, else the whole seconds until one is free."""
        with self._lock:
            self._refill()
            if self._units >= 1:
                self._units -= 1
                return None
            return max(1, math.ceil((1 - self._units) / self._rate))

    def give_back(self) -> None:
        """The check succeeded: it was no attack, so it costs nothing."""
        with self._lock:
            self._units = min(self._burst, self._units + 1)
