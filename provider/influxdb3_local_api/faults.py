"""Fault injection for `/api/v0` routes: added latency, random 503s and a global rate limit.

Runs as ASGI middleware in front of routing, so a rejected request never reaches a handler
and never writes anything. Order per request: latency, then rate limit (429), then the
random failure (503).
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import error_response

API_PREFIX = "/api/v0"


@dataclass(frozen=True)
class FaultConfig:
    latency_ms: int = 0
    fail_rate: float = 0.0
    rate_limit_per_s: float | None = None
    seed: int | None = None

    @property
    def active(self) -> bool:
        return self.latency_ms > 0 or self.fail_rate > 0 or self.rate_limit_per_s is not None


class TokenBucket:
    """`rate` requests per second across all clients, with a burst of `max(1, rate)`."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._rate = rate
        self._capacity = max(1.0, rate)
        self._tokens = self._capacity
        self._clock = clock
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take one token; return 0.0 on success, else the seconds until one is available."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self._rate


class FaultInjectionMiddleware:
    def __init__(self, app: ASGIApp, config: FaultConfig) -> None:
        self.app = app
        self.config = config
        self.rng = random.Random(config.seed)
        self.bucket = TokenBucket(config.rate_limit_per_s) if config.rate_limit_per_s is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        if self.config.latency_ms > 0:
            await asyncio.sleep(self.config.latency_ms / 1000)
        if self.bucket is not None:
            wait = self.bucket.acquire()
            if wait > 0:
                retry_after = str(max(1, math.ceil(wait)))
                response = error_response(
                    429, f"Rate limit exceeded; retry after {retry_after} s.", {"Retry-After": retry_after}
                )
                await response(scope, receive, send)
                return
        if self.config.fail_rate > 0 and self.rng.random() < self.config.fail_rate:
            await error_response(503, "Service temporarily unavailable (injected fault).")(scope, receive, send)
            return
        await self.app(scope, receive, send)
