"""What the server's speed-ups must keep true: TCP_NODELAY on accepted connections, a verified-token
cache that never vouches for a revoked, expired or forged string and holds no plaintext, and create
locks per Idempotency-Key. No timings here: bench/ measures them."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import httpx

from influxdb3_local_api.cli import bind_socket
from influxdb3_local_api.keyed_lock import KeyedLock
from influxdb3_local_api.verified import VerifiedTokens
from support.local_api import LocalApi, create_token
from support.secrets_scan import check


def test_accepted_connections_have_nagle_off() -> None:
    """asyncio sets TCP_NODELAY only when the listening socket says IPPROTO_TCP; without it every
    small response waits for the client's delayed ACK."""

    async def accepted_nodelay() -> int:
        listener = bind_socket("127.0.0.1", 0)
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connect(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)
        async with server:
            _reader, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            value = await asyncio.wait_for(seen, 10)
            writer.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0


# --- the verified-token cache: fast repeat requests, never a stale answer -------------------------


def _use(server: LocalApi, token: str) -> httpx.Response:
    return server.client(token).get(server.tokens_path)


def test_revoked_token_is_rejected_right_after_revocation(server: LocalApi, admin: httpx.Client) -> None:
    created = create_token(admin, server, description="revoked while cached")
    assert _use(server, created["accessToken"]).status_code == 200  # verified, now cached
    assert _use(server, created["accessToken"]).status_code == 200
    assert admin.delete(f"{server.tokens_path}/{created['id']}").status_code == 204
    response = _use(server, created["accessToken"])
    assert response.status_code == 401
    assert response.json()["message"] == "The bearer token has been revoked."


def test_expired_token_is_rejected_once_its_time_passes(server: LocalApi, admin: httpx.Client) -> None:
    expires = datetime.now(timezone.utc) + timedelta(seconds=2)
    created = create_token(admin, server, expiresAt=expires.isoformat().replace("+00:00", "Z"))
    assert _use(server, created["accessToken"]).status_code == 200  # verified, now cached
    time.sleep(max(0.0, (expires - datetime.now(timezone.utc)).total_seconds()) + 0.2)
    response = _use(server, created["accessToken"])
    assert response.status_code == 401
    assert response.json()["message"] == "The bearer token has expired."


def test_a_cached_token_does_not_vouch_for_a_string_sharing_its_prefix(server: LocalApi, admin: httpx.Client) -> None:
    token = create_token(admin, server)["accessToken"]
    assert _use(server, token).status_code == 200
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert _use(server, forged).status_code == 401
    assert _use(server, token).status_code == 200


def test_cache_holds_no_plaintext_and_its_keys_differ_per_process() -> None:
    token = "M.V1." + secrets.token_urlsafe(32)
    cache, other = VerifiedTokens(), VerifiedTokens()
    cache.put(token, "token-id")
    other.put(token, "token-id")
    assert cache.get(token) == "token-id" and cache.get(token + "x") is None
    held = _held(cache)
    for part in (token, token[5:], token.encode(), token[5:].encode(), hashlib.sha256(token.encode()).digest()):
        check(not any(_contains(item, part) for item in held), "the verified-token cache holds the token")
    shared = {item for item in held if isinstance(item, bytes)} & {
        item for item in _held(other) if isinstance(item, bytes)
    }
    check(not shared, "two processes' caches share their key or their keyed hashes")


def test_cache_is_bounded() -> None:
    cache = VerifiedTokens(max_entries=2)
    for name in ("a", "b", "c"):
        cache.put(f"M.V1.{name}", name)
    assert len(cache) == 2 and cache.get("M.V1.a") is None and cache.get("M.V1.c") == "c"


def _held(obj: object) -> list[object]:
    """Everything an object holds, through its attributes and the keys and values of its mappings."""
    held: list[object] = []
    pending: list[object] = list(vars(obj).values())
    while pending:
        item = pending.pop()
        held.append(item)
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
    return held


def _contains(item: object, part: str | bytes) -> bool:
    if isinstance(item, str) and isinstance(part, str):
        return part in item
    if isinstance(item, bytes) and isinstance(part, bytes):
        return part in item
    return False


# --- creates: atomic per Idempotency-Key, concurrent otherwise ------------------------------------


def _post_together(server: LocalApi, keys: list[str]) -> list[httpx.Response]:
    """POST one create per key, all released at the same moment from their own connections."""
    barrier = threading.Barrier(len(keys))

    def post(key: str) -> httpx.Response:
        client = server.client()
        barrier.wait()
        return client.post(server.tokens_path, json={"description": "race"}, headers={"Idempotency-Key": key})

    with ThreadPoolExecutor(len(keys)) as pool:
        return list(pool.map(post, keys))


def test_concurrent_creates_with_one_key_create_exactly_one_token(server: LocalApi, admin: httpx.Client) -> None:
    before = len(admin.get(server.tokens_path).json())
    responses = _post_together(server, [str(uuid.uuid4())] * 6)
    assert [r.status_code for r in responses] == [201] * 6
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(admin.get(server.tokens_path).json()) == before + 1


def test_concurrent_creates_with_different_keys_all_succeed(server: LocalApi, admin: httpx.Client) -> None:
    before = len(admin.get(server.tokens_path).json())
    responses = _post_together(server, [str(uuid.uuid4()) for _ in range(6)])
    assert [r.status_code for r in responses] == [201] * 6
    assert len({r.json()["id"] for r in responses}) == 6
    assert len(admin.get(server.tokens_path).json()) == before + 6


def test_keyed_lock_forgets_keys_nobody_holds() -> None:
    locks = KeyedLock()
    with locks.hold("a"), locks.hold("b"):
        assert len(locks) == 2
    assert len(locks) == 0
