"""A connection to the documented Management API for client tests on httpx.MockTransport (Cloud Dedicated by default,
or Clustered), with the ids the OpenAPI files' examples use and an admin credential no output may show."""

from __future__ import annotations

import json
from typing import Any, Callable

import httpx
from pydantic import SecretStr

from pulumi_influxdb3_tokens.settings import CLUSTERED, DEDICATED, Connection

ADMIN = "M.V1.admin-credential-never-shown"
ACCOUNT = "11111111-1111-4111-8111-111111111111"
CLUSTER = "33333333-3333-4333-8333-333333333333"
# Where each product's operations live (the two OpenAPI files).
PREFIX = {DEDICATED: f"/api/v0/accounts/{ACCOUNT}/clusters/{CLUSTER}", CLUSTERED: "/api/v0"}
Handler = Callable[[httpx.Request], httpx.Response]


def connection(product: str = DEDICATED, **kw: Any) -> Connection:
    return Connection(
        "http://mgmt.test",
        ACCOUNT,
        CLUSTER,
        SecretStr(ADMIN),
        request_timeout=1.0,
        retry_timeout=2.0,
        product=product,
        **kw,
    )


class Recorder:
    """An ``httpx.MockTransport`` handler: answers every request with ``answer`` and keeps what was sent."""

    def __init__(self, answer: Handler) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)

    def sent(self) -> list[tuple[str, str, Any]]:
        return [
            (r.method, r.url.raw_path.decode(), json.loads(r.content) if r.content else None) for r in self.requests
        ]


def assert_one_clean_sentence(message: str) -> None:
    """What a user reads: one sentence, no traceback, no credential."""
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert ADMIN not in message and "M.V1." not in message and "Bearer" not in message
