"""Create, list, get and revoke management tokens over HTTP."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import httpx

from support.local_api import LocalApi, create_token
from support.secrets_scan import check

RFC3339_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
READ_FIELDS = {
    "id",
    "accountId",
    "clusterId",
    "description",
    "tokenPrefix",
    "createdAt",
    "expiresAt",
    "revokedAt",
    "createdBy",
}


def bootstrap_token_id(admin: httpx.Client, server: LocalApi) -> str:
    tokens = admin.get(server.tokens_path).json()
    return next(t["id"] for t in tokens if t["createdBy"] == "bootstrap")


def test_create_returns_token_once_with_documented_shape(server: LocalApi, admin: httpx.Client) -> None:
    body = create_token(admin, server, description="ci deployer")
    assert set(body) == READ_FIELDS | {"accessToken"}
    token = body["accessToken"]
    check(re.fullmatch(r"M\.V1\.[A-Za-z0-9_-]{43}", token) is not None, "accessToken has the wrong format")
    check(body["tokenPrefix"] == token[:12], "tokenPrefix is not the first 12 characters of accessToken")
    assert len(body["tokenPrefix"]) == 12 and body["tokenPrefix"].startswith("M.V1.")
    assert body["accountId"] == server.bootstrap["accountId"]
    assert body["clusterId"] == server.bootstrap["clusterId"]
    assert body["description"] == "ci deployer"
    assert RFC3339_Z.match(body["createdAt"])
    assert body["expiresAt"] is None and body["revokedAt"] is None
    assert body["createdBy"] == bootstrap_token_id(admin, server)


def test_new_token_authenticates_and_is_recorded_as_creator(server: LocalApi, admin: httpx.Client) -> None:
    parent = create_token(admin, server, description="parent")
    as_parent = server.client(parent["accessToken"])
    assert as_parent.get(server.tokens_path).status_code == 200
    child = create_token(as_parent, server, description="child")
    assert child["createdBy"] == parent["id"]


def test_empty_body_creates_token_without_description(server: LocalApi, admin: httpx.Client) -> None:
    response = admin.post(server.tokens_path)
    assert response.status_code == 201
    assert response.json()["description"] == ""


def test_expires_at_is_normalised_to_utc(server: LocalApi, admin: httpx.Client) -> None:
    body = create_token(admin, server, expiresAt="2099-06-01T12:30:00.123456+02:00")
    assert body["expiresAt"] == "2099-06-01T10:30:00Z"
    assert admin.get(f"{server.tokens_path}/{body['id']}").json()["expiresAt"] == "2099-06-01T10:30:00Z"


def test_list_includes_revoked_tokens_and_never_access_tokens(server: LocalApi, admin: httpx.Client) -> None:
    kept = create_token(admin, server, description="kept")
    revoked = create_token(admin, server, description="to revoke")
    assert admin.delete(f"{server.tokens_path}/{revoked['id']}").status_code == 204

    response = admin.get(server.tokens_path)
    assert response.status_code == 200
    listed = {t["id"]: t for t in response.json()}
    assert kept["id"] in listed and revoked["id"] in listed
    assert listed[revoked["id"]]["revokedAt"] is not None
    assert listed[kept["id"]]["revokedAt"] is None
    assert all(set(t) == READ_FIELDS for t in listed.values())
    leaked = kept["accessToken"] in response.text or revoked["accessToken"] in response.text
    check(not leaked, "list response contains an access token")


def test_get_one_token(server: LocalApi, admin: httpx.Client) -> None:
    created = create_token(admin, server, description="get me")
    response = admin.get(f"{server.tokens_path}/{created['id']}")
    assert response.status_code == 200
    expected = {k: v for k, v in created.items() if k != "accessToken"}
    assert response.json() == expected


def test_get_and_delete_unknown_token_are_404(server: LocalApi, admin: httpx.Client) -> None:
    for token_id in ("6f1d3c1e-0000-4000-8000-000000000000", "not-a-uuid"):
        for method in ("GET", "DELETE"):
            response = admin.request(method, f"{server.tokens_path}/{token_id}")
            assert response.status_code == 404
            assert response.json() == {"code": 404, "message": "Management token not found."}


def test_revoke_is_idempotent_and_revoked_token_gets_401(server: LocalApi, admin: httpx.Client) -> None:
    created = create_token(admin, server, description="short-lived")
    url = f"{server.tokens_path}/{created['id']}"
    first = admin.delete(url)
    assert first.status_code == 204 and first.content == b""
    revoked_at = admin.get(url).json()["revokedAt"]
    assert RFC3339_Z.match(revoked_at)

    time.sleep(1.05)  # a second revoke must keep the first timestamp, not write a new one
    assert admin.delete(url).status_code == 204
    assert admin.get(url).json()["revokedAt"] == revoked_at

    response = server.client(created["accessToken"]).get(server.tokens_path)
    assert response.status_code == 401
    assert response.json() == {"code": 401, "message": "The bearer token has been revoked."}


def test_expired_bearer_token_gets_401(server: LocalApi, admin: httpx.Client) -> None:
    expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=2)
    created = create_token(admin, server, expiresAt=expires.strftime("%Y-%m-%dT%H:%M:%SZ"))
    client = server.client(created["accessToken"])
    assert client.get(server.tokens_path).status_code == 200

    time.sleep(max(0.0, (expires - datetime.now(timezone.utc)).total_seconds()) + 0.2)
    response = client.get(server.tokens_path)
    assert response.status_code == 401
    assert response.json() == {"code": 401, "message": "The bearer token has expired."}
