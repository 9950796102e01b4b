"""Issue 17 (3): the REST client never takes a replayed create answer for a fresh token without checking it.

The local server marks an answer it replays for a reused Idempotency-Key with ``Idempotency-Replayed:
true``. Such an answer is as old as the first create, so the client reads the token back: a token
since revoked or expired is refused in one sentence, and ``mint`` makes a new one instead.
"""

from __future__ import annotations

import json

import httpx
import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.clients.http import HttpTokenClient
from pulumi_influxdb3_tokens.core.errors import LostAnswerError
from pulumi_influxdb3_tokens.core.management_token.models import TokenInputs
from pulumi_influxdb3_tokens.settings import Connection
from support.local_api import LocalApi

ADMIN = "M.V1.admin-credential-never-shown"
OLD = "M.V1.replayed-token-string-never-shown"
NEW = "M.V1.fresh-token-string-never-shown"


# Each client journals its pending creates in the test's own folder (support/fixtures.py).
pytestmark = pytest.mark.usefixtures("journal_dir")


def record(token_id: str, revoked_at: str | None = None, expires_at: str | None = None) -> dict[str, object]:
    return {
        "id": token_id,
        "accountId": "a",
        "clusterId": "c",
        "description": "d",
        "tokenPrefix": "M.V1.xx",
        "createdAt": "2026-11-26T07:00:00Z",
        "expiresAt": expires_at,
        "revokedAt": revoked_at,
        "createdBy": "admin",
    }


class Server:
    """Replays the answer of token `old` for the first key it sees; a create with another key mints `new`."""

    def __init__(self, old: dict[str, object]) -> None:
        self.old = old
        self.first_key: str | None = None
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path.rsplit('/', 1)[-1]}")
        if request.method == "POST":
            key = request.headers["Idempotency-Key"]
            self.first_key = self.first_key or key
            if key == self.first_key:
                return httpx.Response(
                    201, json={**record("old"), "accessToken": OLD}, headers={"Idempotency-Replayed": "true"}
                )
            return httpx.Response(201, json={**record("new"), "accessToken": NEW})
        if request.method == "GET":
            return httpx.Response(200, json=self.old)
        return httpx.Response(204)


def client(server: Server) -> HttpTokenClient:
    connection = Connection("http://mgmt.test", "a", "c", SecretStr(ADMIN), request_timeout=1.0, retry_timeout=0.3)
    return HttpTokenClient(connection, transport=httpx.MockTransport(server))


@pytest.mark.parametrize(
    "dead",
    [record("old", revoked_at="2026-11-26T08:00:00Z"), record("old", expires_at="2026-11-27T00:00:00Z")],
    ids=["revoked", "expired"],
)
def test_a_replayed_answer_whose_token_is_dead_is_refused_in_one_sentence(dead: dict[str, object]):
    server = Server(dead)
    with pytest.raises(LostAnswerError) as refused:
        client(server).create("d", None, idempotency_key="key-1")
    message = str(refused.value)
    assert message == (
        "The server replayed the answer of an earlier create with Idempotency-Key key-1, but its token old has "
        "since been revoked or has expired, so it is not used as a new token."
    )
    assert OLD not in message and ADMIN not in message
    assert server.requests == ["POST managementTokens", "GET old"]


def test_mint_makes_a_new_token_instead_of_keeping_a_dead_replayed_one(capsys: pytest.CaptureFixture[str]):
    server = Server(record("old", revoked_at="2026-11-26T08:00:00Z"))
    minted = client(server).mint(TokenInputs(description="d"))
    assert minted.id == "new" and minted.access_token.get_secret_value() == NEW
    assert "made old, now revoked or expired; minting a new one." in capsys.readouterr().err


def test_a_replayed_answer_whose_token_is_live_is_kept():
    server = Server(record("old"))
    created = client(server).create("d", None, idempotency_key="key-1")
    assert created.id == "old" and created.access_token.get_secret_value() == OLD
    assert json.dumps(server.requests) == json.dumps(["POST managementTokens", "GET old"])


def test_against_the_local_server_a_revoked_tokens_key_never_gives_it_back(local_api: LocalApi):
    connection = Connection(
        local_api.url, local_api.account_id, local_api.cluster_id, SecretStr(local_api.admin_token), retry_timeout=5.0
    )
    http = HttpTokenClient(connection)
    first = http.create("replayed after revoke", None, idempotency_key="the-same-key")
    assert http.revoke(first.id)
    with pytest.raises(LostAnswerError) as refused:
        http.create("replayed after revoke", None, idempotency_key="the-same-key")
    assert refused.value.token_id == first.id and "(HTTP 409)" in str(refused.value)
    assert first.access_token.get_secret_value() not in str(refused.value)
