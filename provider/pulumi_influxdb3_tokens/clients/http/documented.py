"""Where the documented Management API lives for a connection, and one request to it.

InfluxData's OpenAPI files (influxdata/docs-v2, ``api-docs/influxdb3/{cloud-dedicated,clustered}/management/
openapi.yml``) put the same operations under ``/api/v0/accounts/{accountId}/clusters/{clusterId}/`` for Cloud
Dedicated and under ``/api/v0/`` alone for Clustered. Every path part is percent-encoded whole: database names may
contain ``/`` ("Database names ... may contain ``/``"), which must not become a path separator.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel

from ...core.engine import require_engine
from ...core.errors import ManagementApiError, OutcomeUnknownError
from ...settings import CLUSTERED, Connection
from .pool import new_http_client, shared_http_client
from .sending import send

_R = TypeVar("_R", bound=BaseModel)
_E = TypeVar("_E", bound=ManagementApiError)


class DocumentedApi:
    """Requests to the documented Management API of one connection's cluster, over the shared pool (or through
    ``transport``, e.g. ``httpx.MockTransport``, on a pool of its own)."""

    def __init__(self, connection: Connection, transport: Optional[httpx.BaseTransport] = None) -> None:
        self.connection = connection
        if transport is None:
            self._http = shared_http_client(connection.api_url, connection.request_timeout)
        else:
            self._http = new_http_client(connection.api_url, connection.request_timeout, transport)

    def path(self, *parts: str) -> str:
        """``databases``, ``my/db`` -> ``/api/v0/accounts/A/clusters/C/databases/my%2Fdb`` (Clustered: no prefix)."""
        encoded = "/".join(quote(part, safe="") for part in parts)
        if self.connection.product == CLUSTERED:
            return f"/api/v0/{encoded}"
        account, cluster = (quote(value, safe="") for value in (self.connection.account_id, self.connection.cluster_id))
        return f"/api/v0/accounts/{account}/clusters/{cluster}/{encoded}"

    def send(
        self,
        method: str,
        *parts: str,
        before_each: Optional[Callable[[], None]] = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """The request to ``path(*parts)``, retried on connection errors, timeouts, 429 and 502-504 (``retry``).

        A POST that creates is not idempotent here (the documented API has no idempotency keys): its caller passes
        ``before_each`` to refuse a retry it cannot prove safe."""
        return send(self._http, self.connection, method, self.path(*parts), before_each, **kwargs)

    def with_ids(self, record: _R) -> _R:
        """Clustered's answers carry no account or cluster id: the connection's stand in (maybe empty). ``record``
        has ``account_id`` and ``cluster_id`` fields."""
        return record.model_copy(
            update={
                "account_id": getattr(record, "account_id", None) or self.connection.account_id,
                "cluster_id": getattr(record, "cluster_id", None) or self.connection.cluster_id,
            }
        )

    def create_once(
        self, what: str, unknown: Callable[[str], OutcomeUnknownError], *parts: str, json: Any
    ) -> httpx.Response:
        """POST a create at most once: the documented API has no idempotency key, so a create that may have reached
        the server is never sent again. Whatever leaves its outcome open (a lost answer, no usable answer, a 5xx)
        raises ``unknown(what happened)``; ``what`` ("database 'm'") names it for the engine check."""
        attempts = 0

        def first_attempt_only() -> None:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                raise unknown("its answer was lost (a timeout, a dropped connection or HTTP 429/502-504)")
            require_engine(f"the create of {what}")

        try:
            response = self.send("POST", *parts, before_each=first_attempt_only, json=json)
        except OutcomeUnknownError:
            raise
        except ManagementApiError:  # no usable answer at all: sent, or not, nobody knows
            raise unknown("it got no usable answer") from None
        if response.status_code >= 500:
            raise unknown(f"the server failed (HTTP {response.status_code})")
        return response

    def failure(self, kind: type[_E], status: int, message: str) -> _E:
        """One sentence of HTTP ``status`` as the seam's error ``kind``, the credential scrubbed from it."""
        return kind(message, status=status, secrets=self.secrets())

    def secrets(self) -> tuple[str]:
        return (self.connection.management_token.get_secret_value(),)
