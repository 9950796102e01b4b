"""One request to the Management API, retried within bounded time, every failure one sentence with no secret.

Shared by every REST client (management tokens on our server's extension, and the documented API's databases and
database tokens): what is retried is ``retry``'s choice; the caller decides what an answer means.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import httpx
import tenacity

from ...core.errors import ManagementApiError
from ...settings import Connection
from .retry import MAX_ATTEMPTS, RETRYABLE_STATUS, RetryableStatus, backoff


def send(
    http: httpx.Client,
    connection: Connection,
    method: str,
    path: str,
    before_each: Optional[Callable[[], None]] = None,
    **kwargs: Any,
) -> httpx.Response:
    """The request, retried; ``before_each`` runs before every attempt and may refuse it by raising."""
    credential = connection.management_token.get_secret_value()
    headers = {"Authorization": f"Bearer {credential}"}
    headers.update(kwargs.pop("headers", {}))
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type((httpx.TransportError, RetryableStatus)),
        wait=backoff,
        stop=tenacity.stop_after_delay(connection.retry_timeout) | tenacity.stop_after_attempt(MAX_ATTEMPTS),
        reraise=True,
    )
    what = f"{method} {connection.api_url}{path}"
    try:
        for attempt in retrying:
            with attempt:
                if before_each is not None:
                    before_each()
                response = http.request(method, path, headers=headers, **kwargs)
                if response.status_code in RETRYABLE_STATUS:
                    raise RetryableStatus(response)
        return response
    except RetryableStatus as final:
        tries = retrying.statistics.get("attempt_number", 1)
        status = final.response.status_code
        raise ManagementApiError(
            f"{what} kept failing after {tries} attempts; the Management API is "
            f"{'rate limiting' if status == 429 else 'unavailable'} (HTTP {status}).",
            status=status,
            secrets=(credential,),
        ) from None
    except httpx.TimeoutException as timeout:
        tries = retrying.statistics.get("attempt_number", 1)
        raise ManagementApiError(
            f"{what} got no answer within {connection.request_timeout:g} s "
            f"({type(timeout).__name__}, {tries} attempts); raise influxdb3:requestTimeout "
            f"or check the server's latency.",
            secrets=(credential,),
        ) from None
    except httpx.TransportError as failure:
        tries = retrying.statistics.get("attempt_number", 1)
        raise ManagementApiError(
            f"{what} failed after {tries} attempts: cannot reach the Management API "
            f"({type(failure).__name__}); check influxdb3:apiUrl and that the server is running.",
            secrets=(credential,),
        ) from None
