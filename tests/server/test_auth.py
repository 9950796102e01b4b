"""Authentication (401), account/cluster scoping (403) and unknown ids (404)."""

from __future__ import annotations

import secrets

import httpx
import pytest

from support.local_api import ACCOUNT_A, ACCOUNT_B, CLUSTER_A1, CLUSTER_A2, CLUSTER_B1, LocalApi
from support.secrets_scan import check

UNKNOWN = "6f1d3c1e-1111-4000-8000-000000000000"


def routes(server: LocalApi, account: str = ACCOUNT_A, cluster: str = CLUSTER_A1) -> list[tuple[str, str]]:
    base = server.tokens_path_for(account, cluster)
    return [("POST", base), ("GET", base), ("GET", f"{base}/{UNKNOWN}"), ("DELETE", f"{base}/{UNKNOWN}")]


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer two words", "Basic dXNlcjpwYXNz", "Bearer not-a-token", "Token M.V1.abc"],
)
def test_missing_or_malformed_authorization_is_401(server: LocalApi, authorization: str | None) -> None:
    client = server.client("") if authorization is None else server.client(authorization=authorization)
    for method, url in routes(server):
        response = client.request(method, url)
        assert response.status_code == 401, (method, url)
        assert response.json()["code"] == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_401_and_never_echoed(server: LocalApi) -> None:
    forged = "M.V1." + secrets.token_urlsafe(32)
    response = server.client(forged).get(server.tokens_path)
    assert response.status_code == 401
    assert response.json() == {"code": 401, "message": "The bearer token is not a valid management token."}
    check(forged not in response.text and forged[5:] not in response.text, "401 body echoes the bearer token")


def test_401_beats_400_404_and_403(server: LocalApi) -> None:
    anonymous = server.client("")
    assert anonymous.post(server.tokens_path, content=b"{not json").status_code == 401
    assert anonymous.get(server.tokens_path_for(UNKNOWN, UNKNOWN)).status_code == 401
    assert anonymous.get(server.tokens_path_for(ACCOUNT_B, CLUSTER_B1)).status_code == 401


def test_other_account_is_403(server: LocalApi, admin: httpx.Client) -> None:
    for method, url in routes(server, ACCOUNT_B, CLUSTER_B1):
        response = admin.request(method, url)
        assert response.status_code == 403, (method, url)
        assert response.json() == {"code": 403, "message": "The management token does not belong to this account."}


def test_other_cluster_of_same_account_is_403(server: LocalApi, admin: httpx.Client) -> None:
    for method, url in routes(server, ACCOUNT_A, CLUSTER_A2):
        response = admin.request(method, url)
        assert response.status_code == 403, (method, url)
        assert response.json() == {"code": 403, "message": "The management token does not belong to this cluster."}


@pytest.mark.parametrize(
    ("account", "cluster"),
    [(UNKNOWN, CLUSTER_A1), (ACCOUNT_A, UNKNOWN), (ACCOUNT_A, CLUSTER_B1), ("not-a-uuid", CLUSTER_A1)],
    ids=["unknown-account", "unknown-cluster", "cluster-of-other-account", "malformed-account"],
)
def test_unknown_account_or_cluster_is_404(server: LocalApi, admin: httpx.Client, account: str, cluster: str) -> None:
    for method, url in routes(server, account, cluster):
        response = admin.request(method, url)
        assert response.status_code == 404, (method, url)
        assert response.json()["code"] == 404


def test_rejected_requests_write_nothing(server: LocalApi, admin: httpx.Client) -> None:
    before = len(admin.get(server.tokens_path).json())
    server.client("").post(server.tokens_path, json={})
    admin.post(server.tokens_path_for(ACCOUNT_B, CLUSTER_B1), json={})
    admin.post(server.tokens_path_for(ACCOUNT_A, CLUSTER_A2), json={})
    assert len(admin.get(server.tokens_path).json()) == before
