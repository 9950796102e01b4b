"""Fault injection flags: --fail-rate, --seed, --rate-limit-per-s, --latency-ms, --garbage, --crash-after-creates."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from influxdb3_local_api.faults import FaultConfig, FaultInjectionMiddleware
from support.local_api import LocalApi, StartServer


def statuses(server: LocalApi, count: int) -> list[int]:
    client = server.client()
    return [client.get(server.tokens_path).status_code for _ in range(count)]


def test_fail_rate_one_rejects_before_any_write(start: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    failing = start(data_dir, "--fail-rate", "1.0")
    client = failing.client()
    for _ in range(3):
        response = client.post(failing.tokens_path, json={"description": "never stored"})
        assert response.status_code == 503
        assert response.json()["code"] == 503 and response.json()["message"]
    assert client.get(failing.tokens_path).status_code == 503
    assert client.get("/health").json() == {"status": "ok"}
    failing.stop()

    healthy = start(data_dir)
    tokens = healthy.client().get(healthy.tokens_path).json()
    assert [t["createdBy"] for t in tokens] == ["bootstrap"]


def test_fail_rate_with_seed_is_a_reproducible_mix(start: StartServer) -> None:
    first = statuses(start(None, "--fail-rate", "0.5", "--seed", "1"), 20)
    second = statuses(start(None, "--fail-rate", "0.5", "--seed", "1"), 20)
    assert set(first) == {200, 503}
    assert first == second


def test_rate_limit_returns_429_with_retry_after(start: StartServer) -> None:
    server = start(None, "--rate-limit-per-s", "2")
    client = server.client()
    responses = [client.get(server.tokens_path) for _ in range(8)]
    assert responses[0].status_code == 200
    limited = [r for r in responses if r.status_code == 429]
    assert limited, [r.status_code for r in responses]
    for response in limited:
        assert int(response.headers["Retry-After"]) >= 1
        assert response.json()["code"] == 429
    assert client.get("/health").status_code == 200


def test_latency_delays_api_responses(start: StartServer) -> None:
    server = start(None, "--latency-ms", "300")
    client = server.client()
    began = time.monotonic()
    assert client.get(server.tokens_path).status_code == 200
    assert time.monotonic() - began >= 0.3


# --- --garbage, --garbage-rate, --crash-after-creates -------------------------------------------


def stored_descriptions(start: StartServer, data_dir: Path) -> list[str]:
    """What a healthy restart of the same data directory lists (bootstrap admin token left out)."""
    healthy = start(data_dir)
    try:
        return [
            t["description"] for t in healthy.client().get(healthy.tokens_path).json() if t["createdBy"] != "bootstrap"
        ]
    finally:
        healthy.stop()


def test_garbage_html_answers_an_html_500_page_and_writes_nothing(start: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start(data_dir, "--garbage", "html")
    client = server.client()
    response = client.post(server.tokens_path, json={"description": "never stored"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "text/html"
    assert response.text.startswith("<html>")
    assert client.get("/health").json() == {"status": "ok"}
    server.stop()
    assert stored_descriptions(start, data_dir) == []


def test_garbage_truncated_json_cuts_the_real_answer_and_the_create_commits(start: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start(data_dir, "--garbage", "truncated-json")
    client = server.client()
    response = client.post(server.tokens_path, json={"description": "answer lost"})
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.content.startswith(b'{"id":')
    with pytest.raises(ValueError):
        json.loads(response.content)
    listed = client.get(server.tokens_path)
    assert listed.status_code == 200
    with pytest.raises(ValueError):
        json.loads(listed.content)
    server.stop()
    assert stored_descriptions(start, data_dir) == ["answer lost"]


def test_garbage_wrong_content_type_sends_the_real_answer_as_text(start: StartServer) -> None:
    server = start(None, "--garbage", "wrong-content-type")
    response = server.client().get(server.tokens_path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert [t["createdBy"] for t in json.loads(response.content)] == ["bootstrap"]


def test_garbage_rate_with_seed_mangles_a_reproducible_share(start: StartServer) -> None:
    def kinds(server: LocalApi) -> list[str]:
        client = server.client()
        return [client.get(server.tokens_path).headers["content-type"] for _ in range(20)]

    flags = ("--garbage", "html", "--garbage-rate", "0.5", "--seed", "7")
    first, second = kinds(start(None, *flags)), kinds(start(None, *flags))
    assert set(first) == {"application/json", "text/html"}
    assert first == second


def test_crash_after_creates_dies_after_the_commit_before_the_answer(start: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start(data_dir, "--crash-after-creates", "2")
    client = server.client()
    assert (
        client.post(server.tokens_path, json={"description": "one"}, headers={"Idempotency-Key": "k1"}).status_code
        == 201
    )
    with pytest.raises(httpx.TransportError):
        client.post(server.tokens_path, json={"description": "two"}, headers={"Idempotency-Key": "k2"})
    assert server.process.wait(timeout=10) == 137

    restarted = start(data_dir)
    again = restarted.client()
    listed = {t["description"]: t["id"] for t in again.get(restarted.tokens_path).json()}
    assert {"one", "two"} <= set(listed)
    response = again.post(restarted.tokens_path, json={"description": "two"}, headers={"Idempotency-Key": "k2"})
    assert response.status_code == 409
    assert response.json()["tokenId"] == listed["two"]


def test_crash_after_creates_does_not_count_replays(start: StartServer) -> None:
    server = start(None, "--crash-after-creates", "2")
    client = server.client()
    for _ in range(3):
        assert client.post(server.tokens_path, json={}, headers={"Idempotency-Key": "same"}).status_code == 201
    assert server.process.poll() is None


def test_latency_holds_back_the_answer_so_a_timed_out_create_has_committed(start: StartServer) -> None:
    # The client gives up after 1 s, 2 s before the answer: a margin for a loaded machine, where a
    # server not scheduled before the client leaves never sees the body (uvicorn drops it).
    server = start(None, "--latency-ms", "3000")
    impatient = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=1.0, trust_env=False
    )
    with impatient, pytest.raises(httpx.ReadTimeout):
        impatient.post(server.tokens_path, json={"description": "answered too late"})
    listed = server.client().get(server.tokens_path).json()  # itself answered 3 s later
    assert "answered too late" in [t["description"] for t in listed]


def test_latency_takes_the_whole_request_before_a_client_can_leave_with_it() -> None:
    """uvicorn answers an app's receive() with http.disconnect once the client has left, dropping a
    body the app had not read yet (uvicorn/protocols/http/h11_impl.py, RequestResponseCycle.receive).
    Our app authenticates (a scrypt, slow on a loaded machine) before it reads a create's body, so
    --latency-ms must take the body as the request arrives, or a client that gives up early loses
    the create itself instead of only its answer."""
    body = b'{"description": "answered too late"}'
    client_left = asyncio.Event()
    read: list[Message] = []

    async def uvicorn_receive() -> Message:
        if client_left.is_set():
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": body, "more_body": False}

    async def slow_app(scope: Scope, receive: Receive, send: Send) -> None:
        client_left.set()  # the client timed out while the app was still authenticating
        read.append(await receive())

    async def sent(_message: Message) -> None:
        return None

    scope: Scope = {"type": "http", "method": "POST", "path": "/api/v0/accounts/a/clusters/c/managementTokens"}
    middleware = FaultInjectionMiddleware(slow_app, FaultConfig(latency_ms=1))
    asyncio.run(middleware(scope, uvicorn_receive, sent))
    assert read == [{"type": "http.request", "body": body, "more_body": False}]
