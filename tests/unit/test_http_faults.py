"""The REST transport against a misbehaving server (httpx.MockTransport): lost answers, garbage."""

from __future__ import annotations

import json
from typing import Callable

import httpx
import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.clients.http import MAX_LOST_ANSWERS, HttpTokenClient
from pulumi_influxdb3_tokens.core.errors import LostAnswerError, ManagementApiError, OutcomeUnknownError
from pulumi_influxdb3_tokens.core.management_token.models import CreatedToken, TokenInputs
from pulumi_influxdb3_tokens.settings import Connection

ADMIN = "M.V1.admin-credential-never-shown"
ACCESS = "M.V1.fresh-token-string-never-shown"
URL = "http://mgmt.test"
Handler = Callable[[httpx.Request], httpx.Response]


def created_body(token_id: str) -> dict[str, object]:
    return {
        "id": token_id,
        "accountId": "a",
        "clusterId": "c",
        "description": "d",
        "tokenPrefix": "M.V1.fr",
        "createdAt": "2026-11-26T07:00:00Z",
        "expiresAt": None,
        "revokedAt": None,
        "createdBy": "admin",
        "accessToken": ACCESS,
    }


# Each client journals its pending creates in the test's own folder (support/fixtures.py).
pytestmark = pytest.mark.usefixtures("journal_dir")


def connection(retry_timeout: float = 0.3) -> Connection:
    return Connection(URL, "a", "c", SecretStr(ADMIN), request_timeout=1.0, retry_timeout=retry_timeout)


def client_for(handler: Handler, retry_timeout: float = 0.3) -> HttpTokenClient:
    return HttpTokenClient(connection(retry_timeout), transport=httpx.MockTransport(handler))


def assert_one_clean_sentence(message: str) -> None:
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert ADMIN not in message and ACCESS not in message and "M.V1." not in message


def test_a_409_naming_a_token_is_a_lost_answer_with_that_id():
    def handler(request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        return httpx.Response(
            409, json={"code": 409, "message": f"Idempotency-Key {key} was already used.", "tokenId": "tok-lost"}
        )

    with pytest.raises(LostAnswerError) as raised:
        client_for(handler).create("d", None, "key-1")
    assert raised.value.token_id == "tok-lost"
    assert "tok-lost" in str(raised.value) and "(HTTP 409)" in str(raised.value)
    assert_one_clean_sentence(str(raised.value))


def test_a_409_without_a_token_id_stays_a_plain_refusal():
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json={"code": 409, "message": "Conflict."})

    with pytest.raises(ManagementApiError) as raised:
        client_for(handler).create("d", None, "key-1")
    assert not isinstance(raised.value, LostAnswerError)


def test_the_provider_revokes_the_lost_token_and_mints_a_fresh_one(capsys: pytest.CaptureFixture[str]):
    """The server restarted after committing our first attempt: it answers 409 for that key."""
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.headers.get("Idempotency-Key", request.url.path)))
        if request.method == "DELETE":
            return httpx.Response(204)
        if len([s for s in seen if s[0] == "POST"]) == 1:
            return httpx.Response(409, json={"code": 409, "message": "used", "tokenId": "tok-lost"})
        return httpx.Response(201, json=created_body("tok-new"))

    created = client_for(handler).mint(TokenInputs(description="d"))
    assert isinstance(created, CreatedToken) and created.id == "tok-new"
    posts = [key for method, key in seen if method == "POST"]
    assert len(posts) == 2 and posts[0] != posts[1]  # the fresh mint has a fresh key
    assert ("DELETE", "/api/v0/accounts/a/clusters/c/managementTokens/tok-lost") in seen
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "revoked it" in err and "tok-lost" in err
    assert ACCESS not in err and ADMIN not in err


def test_a_garbled_create_answer_is_asked_for_again_with_the_same_key():
    keys: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        body = json.dumps(created_body("tok-1")).encode()
        if len(keys) == 1:
            return httpx.Response(201, content=body[: len(body) // 2], headers={"content-type": "application/json"})
        return httpx.Response(201, content=body, headers={"content-type": "application/json"})

    created = client_for(handler).create("d", None, "key-1")
    assert created.id == "tok-1" and keys == ["key-1", "key-1"]


@pytest.mark.parametrize(
    ("status", "content_type", "cut", "expected"),
    [
        (201, "application/json", True, "not a valid management token response (body: Invalid JSON"),
        (201, "text/plain", False, "with 'text/plain' instead of JSON"),
    ],
    ids=["truncated-json", "wrong-content-type"],
)
def test_a_create_answer_that_stays_garbled_is_one_sentence_naming_the_orphan_hunt(status, content_type, cut, expected):
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.dumps(created_body("tok-1")).encode()
        return httpx.Response(
            status, content=body[: len(body) // 2] if cut else body, headers={"content-type": content_type}
        )

    with pytest.raises(ManagementApiError) as raised:
        client_for(handler).create("d", None, "key-1")
    message = str(raised.value)
    assert expected in message
    assert "may have created the token" in message and "influxdb3-tokens audit --stack-state" in message
    assert_one_clean_sentence(message)


def test_an_html_error_page_is_one_sentence_naming_the_content_type():
    page = "<html><body><h1>500 Internal Server Error</h1>Bearer " + ADMIN + "</body></html>"

    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text=page, headers={"content-type": "text/html"})

    with pytest.raises(ManagementApiError) as raised:
        client_for(handler).list()
    message = str(raised.value)
    assert message == (
        "Could not list management tokens: the server failed: it answered with 'text/html' instead of JSON (HTTP 500)."
    )


def test_a_list_with_the_wrong_content_type_names_it():
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="[]", headers={"content-type": "text/plain"})

    with pytest.raises(ManagementApiError) as raised:
        client_for(handler).list()
    assert "with 'text/plain' instead of JSON" in str(raised.value)
    assert_one_clean_sentence(str(raised.value))


def test_a_create_that_never_reaches_an_answer_says_where_its_token_may_be():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(ManagementApiError) as raised:
        client_for(handler).create("d", None, "key-1")
    message = str(raised.value)
    assert "cannot reach the Management API (ConnectError)" in message
    assert "may have created the token" in message and "pulumi stack export" in message
    assert_one_clean_sentence(message)


# --- the journal of pending creates: a lost answer recovered by the next create ---------------


def test_a_create_lost_past_the_retry_window_is_recovered_by_the_next_create(journal_dir, capsys):
    """First `up`: the server is gone (outcome unknown, key kept). Next `up`: the server is back,
    remembers the key (409 naming the token): that token is revoked, a fresh one minted, journal empty."""
    posted: list[tuple[str, bytes]] = []
    revoked: list[str] = []
    server_up = False

    def handler(request: httpx.Request) -> httpx.Response:
        if not server_up:
            raise httpx.ConnectError("connection refused", request=request)
        if request.method == "DELETE":
            revoked.append(request.url.path.rsplit("/", 1)[1])
            return httpx.Response(204)
        posted.append((request.headers["Idempotency-Key"], request.content))
        if len(posted) == 1:
            return httpx.Response(409, json={"code": 409, "message": "used", "tokenId": "tok-lost"})
        return httpx.Response(201, json=created_body("tok-new"))

    client = client_for(handler)
    inputs = TokenInputs(description="d", expires_in="30d")
    with pytest.raises(OutcomeUnknownError):
        client.mint(inputs)
    [kept] = list(journal_dir.glob("*.json"))

    server_up = True
    created = client.mint(inputs)
    assert created.id == "tok-new" and revoked == ["tok-lost"]
    assert posted[0][0] == kept.stem  # the lost create's key was asked again
    assert posted[1][0] != kept.stem
    assert list(journal_dir.glob("*.json")) == []
    assert "tok-lost" in capsys.readouterr().err


def test_recovery_from_lost_answers_is_bounded(capsys):
    revoked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            revoked.append(request.url.path)
            return httpx.Response(204)
        return httpx.Response(409, json={"code": 409, "message": "used", "tokenId": f"tok-{len(revoked)}"})

    with pytest.raises(LostAnswerError) as raised:
        client_for(handler).mint(TokenInputs(description="d"))
    assert len(revoked) == MAX_LOST_ANSWERS and raised.value.token_id == f"tok-{MAX_LOST_ANSWERS}"
    assert capsys.readouterr().err.count("revoked it") == MAX_LOST_ANSWERS


def test_a_server_error_answering_a_create_keeps_its_key_for_the_next_create(tmp_path):
    """A 500 may come after the token was stored (a proxy, a crash in the handler): the outcome is
    unknown, so the journal keeps the key and the next create of the same request re-asks with it."""
    keys: list[str] = []

    def failing(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        return httpx.Response(500, text="<html>500 Internal Server Error</html>", headers={"content-type": "text/html"})

    def replaying(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        return httpx.Response(201, json=created_body("tok-1"))

    inputs = TokenInputs.model_validate({"description": "d"})
    first = client_for(failing)
    with pytest.raises(OutcomeUnknownError) as raised:
        first.mint(inputs)
    assert "(HTTP 500)" in str(raised.value)
    assert_one_clean_sentence(str(raised.value))
    created = client_for(replaying).mint(inputs)
    assert created.id == "tok-1" and keys[0] == keys[-1]
