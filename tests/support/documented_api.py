"""A connection to the documented Management API for client tests on httpx.MockTransport (Cloud Dedicated by default,
or Clustered), with the ids the OpenAPI files' examples use and an admin credential no output may show."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from pulumi_influxdb3_tokens.settings import DEDICATED, Connection

ADMIN = "M.V1.admin-credential-never-shown"
ACCOUNT = "11111111-1111-4111-8111-111111111111"
CLUSTER = "33333333-3333-4333-8333-333333333333"


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
