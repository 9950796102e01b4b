"""One pool of connections per provider process and API URL, and the TLS it speaks (or never loads)."""

from __future__ import annotations

import ssl
import threading
from typing import Optional

import httpx

# One httpx client per provider process (and per API URL), built lazily: the provider object is
# shared by up to four engine worker threads and must stay picklable.
_CLIENTS: dict[tuple[str, float], httpx.Client] = {}
_CLIENTS_LOCK = threading.Lock()


LIMITS = httpx.Limits(max_connections=8, max_keepalive_connections=4)


def new_http_client(
    api_url: str, request_timeout: float, transport: Optional[httpx.BaseTransport] = None
) -> httpx.Client:
    return httpx.Client(
        base_url=api_url,
        timeout=httpx.Timeout(request_timeout, connect=min(request_timeout, 5.0)),
        limits=LIMITS,
        headers={"Accept": "application/json", "User-Agent": "pulumi-influxdb3-tokens"},
        transport=transport or _plain_http_transport(api_url),
    )


def _plain_http_transport(api_url: str) -> Optional[httpx.BaseTransport]:
    """For an ``http://`` API URL, a transport that never loads the CA bundle; ``None`` (httpx's own) otherwise.

    httpx builds a verifying TLS context for every client, loading certifi's bundle (once per
    provider process) even when every request is plain HTTP. Requests only go to paths under the base
    URL and redirects are not followed, so such a client never speaks TLS; should it ever try, the
    context it holds trusts no certificate and the handshake fails. Proxies from the environment keep
    httpx's verifying context.
    """
    if not api_url.startswith("http://"):
        return None
    trusts_nothing = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies hostnames and certificates, trusts no CA
    return httpx.HTTPTransport(verify=trusts_nothing, limits=LIMITS)


def shared_http_client(api_url: str, request_timeout: float) -> httpx.Client:
    key = (api_url, request_timeout)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = new_http_client(api_url, request_timeout)
            _CLIENTS[key] = client
        return client
