"""Issue 17 (3): a create replayed by its Idempotency-Key never hands back a token that is now dead.

The server caches the first answer of a create for its key. Once that token is revoked or has
expired, the same key gets a 409 conflict in the error shape (`code`, `message`, `tokenId`), never
the cached answer as if it were a fresh, usable token.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from influxdb3_local_api import routes
from influxdb3_local_api.app import create_app
from influxdb3_local_api.bootstrap import BootstrapOptions, bootstrap
from influxdb3_local_api.settings import Settings
from influxdb3_local_api.store import Store
from influxdb3_local_api.timefmt import utc_now
from support.local_api import ACCOUNT_A, CLUSTER_A1, LocalApi
from support.times import in_days

ADMIN = "M.V1.replay-test-admin-token-0123456789abcdef"
TOKENS = f"/api/v0/accounts/{ACCOUNT_A}/clusters/{CLUSTER_A1}/managementTokens"


def test_a_replay_of_a_revoked_tokens_create_is_a_conflict(server: LocalApi, admin: httpx.Client) -> None:
    key = str(uuid.uuid4())
    body = {"description": "replay after revoke"}
    first = admin.post(server.tokens_path, json=body, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    token_id = first.json()["id"]
    assert admin.delete(f"{server.tokens_path}/{token_id}").status_code == 204

    again = admin.post(server.tokens_path, json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 409
    assert "Idempotency-Replayed" not in again.headers
    assert again.json() == {
        "code": 409,
        "message": f"Idempotency-Key {key} was already used for token {token_id}, which has since been revoked "
        "or has expired; send a new key to create a new token.",
        "tokenId": token_id,
    }
    assert first.json()["accessToken"] not in again.text


@contextmanager
def serving(data_dir: Path) -> Iterator[TestClient]:
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir)
    bootstrap(store, data_dir, "http://testserver", BootstrapOptions(ACCOUNT_A, CLUSTER_A1, ADMIN))
    store.close()
    with TestClient(create_app(Settings(data_dir=data_dir))) as test_client:
        test_client.headers["Authorization"] = f"Bearer {ADMIN}"
        yield test_client


def test_a_replay_of_an_expired_tokens_create_is_a_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = str(uuid.uuid4())
    body = {"description": "replay after expiry", "expiresAt": in_days(1)}
    with serving(tmp_path / "data") as http:
        first = http.post(TOKENS, json=body, headers={"Idempotency-Key": key})
        assert first.status_code == 201
        replayed = http.post(TOKENS, json=body, headers={"Idempotency-Key": key})
        assert replayed.status_code == 201 and replayed.headers["Idempotency-Replayed"] == "true"

        two_days_on = utc_now() + timedelta(days=2)  # the token's expiry has passed, by the routes' clock
        monkeypatch.setattr(routes, "utc_now", lambda: two_days_on)
        again = http.post(TOKENS, json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 409
    assert again.json()["tokenId"] == first.json()["id"]
    assert "revoked or has expired" in again.json()["message"]
