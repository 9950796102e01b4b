"""Fault injection for `/api/v0` routes: latency, random 503s, a rate limit, garbage and a crash.

Runs as ASGI middleware in front of routing. Latency delays every answer (the handler has already
run; the request body is taken as it arrives, so a client that leaves meanwhile loses only the
answer). Then, per request: rate limit (429), then the random failure (503); a request rejected by
those never reaches a handler and never writes anything. Then garbage: an HTML error page instead
of any handler, or the handler's real answer mangled (JSON cut in half, or sent as text/plain), so
a create mangled that way HAS committed and its answer is lost. Last, `crash_after_creates`: the
process dies (os._exit, like kill -9) right after the N-th create committed, before its answer leaves.
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, error_response

API_PREFIX = "/api/v0"
GARBAGE_MODES = ("html", "truncated-json", "wrong-content-type")
CRASH_EXIT_STATUS = 137  # what a shell reports for a process killed by SIGKILL

HTML_ERROR_PAGE = (
    b"<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n"
    b"<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class FaultConfig:
    latency_ms: int = 0
    fail_rate: float = 0.0
    rate_limit_per_s: float | None = None
    seed: int | None = None
    garbage: str | None = None  # one of GARBAGE_MODES
    garbage_rate: float = 1.0
    crash_after_creates: int | None = None

    @property
    def active(self) -> bool:
        return (
            self.latency_ms > 0
            or self.fail_rate > 0
            or self.rate_limit_per_s is not None
            or self.garbage is not None
            or self.crash_after_creates is not None
        )


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
        # Its own generator, so adding garbage does not change which requests --fail-rate picks.
        self.garbage_rng = random.Random(None if config.seed is None else config.seed + 1)
        self.creates = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        if self.config.latency_ms > 0:
            receive = await _taken_whole(receive)
            send = self._late(send)
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
        if self.config.crash_after_creates is not None and scope.get("method") == "POST":
            send = self._crash_after_commit(send)
        garbage = self.config.garbage
        if garbage is None or self.garbage_rng.random() >= self.config.garbage_rate:
            await self.app(scope, receive, send)
        elif garbage == "html":
            await _send_html_error(send)
        else:
            await self.app(scope, receive, _Mangler(send, garbage))

    def _late(self, send: Send) -> Send:
        """Hold the answer back, not the request: a create commits at once and answers late, as a
        slow server or network does (and a client that gave up meanwhile has lost that answer)."""

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(self.config.latency_ms / 1000)
            await send(message)

        return sending

    def _crash_after_commit(self, send: Send) -> Send:
        """Die when a create's 201 is about to leave: the token is stored, its answer is lost."""

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 201:
                replayed = any(name.lower() == b"idempotency-replayed" for name, _ in message.get("headers", []))
                if not replayed:
                    self.creates += 1
                    if self.creates >= (self.config.crash_after_creates or 0):
                        os._exit(CRASH_EXIT_STATUS)
            await send(message)

        return sending


async def _taken_whole(receive: Receive) -> Receive:
    """Take the request body as it arrives and replay it to the app.

    uvicorn answers receive() with http.disconnect once the client has left, dropping a body not
    read yet, and the app authenticates (a scrypt) before it reads one: without this, a client that
    gives up while its answer is held back could take the request with it, not only the answer.
    An error while taking it (the body limit's 413) is raised where the app reads: its handler answers.
    """
    taken: list[Message] = []
    failure: ApiError | None = None
    try:
        while not taken or (taken[-1]["type"] == "http.request" and taken[-1].get("more_body", False)):
            taken.append(await receive())
    except ApiError as err:
        failure = err

    async def replay() -> Message:
        if taken:
            return taken.pop(0)
        if failure is not None:
            raise failure
        return await receive()

    return replay


async def _send_html_error(send: Send) -> None:
    """What a proxy in front of a broken backend answers: an HTML 500 page."""
    headers = [(b"content-type", b"text/html"), (b"content-length", str(len(HTML_ERROR_PAGE)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": HTML_ERROR_PAGE})


class _Mangler:
    """Collects the handler's answer and sends it cut in half or labelled text/plain."""

    def __init__(self, send: Send, mode: str) -> None:
        self._send = send
        self._mode = mode
        self._start: Message | None = None
        self._body = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._start = message
            return
        if message["type"] != "http.response.body" or self._start is None:
            await self._send(message)
            return
        self._body += message.get("body", b"")
        if message.get("more_body", False):
            return
        body = self._body[: len(self._body) // 2] if self._mode == "truncated-json" else self._body
        headers = [
            (k, v) for k, v in self._start.get("headers", []) if k.lower() not in (b"content-length", b"content-type")
        ]
        content_type = b"application/json" if self._mode == "truncated-json" else b"text/plain; charset=utf-8"
        headers += [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        await self._send({**self._start, "headers": headers})
        await self._send({"type": "http.response.body", "body": body})
