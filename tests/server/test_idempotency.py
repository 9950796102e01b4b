"""Idempotency-Key on token creation."""

from __future__ import annotations

import uuid

import httpx

from support.local_api import LocalApi, create_token
from support.secrets_scan import check


def post(client: httpx.Client, server: LocalApi, key: str, body: dict[str, object]) -> httpx.Response:
    return client.post(server.tokens_path, json=body, headers={"Idempotency-Key": key})


def test_same_key_returns_first_result_and_creates_one_token(server: LocalApi, admin: httpx.Client) -> None:
    key = str(uuid.uuid4())
    before = len(admin.get(server.tokens_path).json())
    first = post(admin, server, key, {"description": "idempotent"})
    second = post(admin, server, key, {"description": "idempotent"})
    assert first.status_code == 201 and second.status_code == 201
    assert second.json()["id"] == first.json()["id"]
    check(second.json() == first.json(), "replayed create differs from the first response")
    assert second.headers.get("Idempotency-Replayed") == "true"
    assert len(admin.get(server.tokens_path).json()) == before + 1


def test_same_key_with_different_body_is_422(server: LocalApi, admin: httpx.Client) -> None:
    key = str(uuid.uuid4())
    first = post(admin, server, key, {"description": "one"})
    assert first.status_code == 201
    before = len(admin.get(server.tokens_path).json())
    response = post(admin, server, key, {"description": "two"})
    assert response.status_code == 422
    assert response.json() == {
        "code": 422,
        "message": f"Idempotency-Key {key} was already used with a different request body.",
        "tokenId": first.json()["id"],
    }
    assert len(admin.get(server.tokens_path).json()) == before


def test_keys_are_scoped_to_the_calling_token(server: LocalApi, admin: httpx.Client) -> None:
    key = str(uuid.uuid4())
    other = server.client(create_token(admin, server)["accessToken"])
    first = post(admin, server, key, {})
    second = post(other, server, key, {})
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


def test_invalid_key_is_400(server: LocalApi, admin: httpx.Client) -> None:
    response = post(admin, server, "k" * 256, {})
    assert response.status_code == 400
    assert response.json()["message"] == "Idempotency-Key must be 1 to 255 printable ASCII characters."
