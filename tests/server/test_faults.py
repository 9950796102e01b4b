"""Fault injection flags: --fail-rate, --seed, --rate-limit-per-s, --latency-ms."""

from __future__ import annotations

import time
from pathlib import Path

from .support import Server, StartServer


def statuses(server: Server, count: int) -> list[int]:
    client = server.client()
    return [client.get(server.tokens_path()).status_code for _ in range(count)]


def test_fail_rate_one_rejects_before_any_write(start: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    failing = start(data_dir, "--fail-rate", "1.0")
    client = failing.client()
    for _ in range(3):
        response = client.post(failing.tokens_path(), json={"description": "never stored"})
        assert response.status_code == 503
        assert response.json()["code"] == 503 and response.json()["message"]
    assert client.get(failing.tokens_path()).status_code == 503
    assert client.get("/health").json() == {"status": "ok"}
    failing.stop()

    healthy = start(data_dir)
    tokens = healthy.client().get(healthy.tokens_path()).json()
    assert [t["createdBy"] for t in tokens] == ["bootstrap"]


def test_fail_rate_with_seed_is_a_reproducible_mix(start: StartServer) -> None:
    first = statuses(start(None, "--fail-rate", "0.5", "--seed", "1"), 20)
    second = statuses(start(None, "--fail-rate", "0.5", "--seed", "1"), 20)
    assert set(first) == {200, 503}
    assert first == second


def test_rate_limit_returns_429_with_retry_after(start: StartServer) -> None:
    server = start(None, "--rate-limit-per-s", "2")
    client = server.client()
    responses = [client.get(server.tokens_path()) for _ in range(8)]
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
    assert client.get(server.tokens_path()).status_code == 200
    assert time.monotonic() - began >= 0.3
