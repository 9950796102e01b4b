"""The HTTP client of database tokens (clients/http/database_tokens.py) against httpx.MockTransport: the exact
requests on both products, and what a lost create answer leads to.

Documented facts (InfluxData's docs-v2): api-docs/influxdb3/cloud-dedicated/management/openapi.yml puts database
tokens at ``/accounts/{accountId}/clusters/{clusterId}/tokens`` and ``.../tokens/{tokenId}`` under the server
``https://{baseurl}/api/v0``; api-docs/influxdb3/clustered/management/openapi.yml at ``/tokens`` and
``/tokens/{tokenId}`` under the same server, and its answers name no account or cluster. Both: GET lists or reads,
POST creates (``accessToken`` only in its answer: "you can't recover a lost token"), PATCH updates description and
permissions (its body has ``minProperties: 1``; the example "Update Permissions Only" sends permissions alone),
DELETE answers 204; errors are ``{code, message}``. The admin guide's tokens/database/create.md sends
``expirationType`` (``datetime`` with ``expiresAt``, or ``noExpiration``). Neither names an idempotency key.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional

import httpx
import pytest

from pulumi_influxdb3_tokens.clients import database_token_client_for
from pulumi_influxdb3_tokens.clients.http.database_tokens import HttpDatabaseTokenClient
from pulumi_influxdb3_tokens.clients.influxctl.database_tokens import InfluxctlDatabaseTokenClient
from pulumi_influxdb3_tokens.clients.lost_creates import MAX_LOST_CREATES
from pulumi_influxdb3_tokens.core import engine, timeutil
from pulumi_influxdb3_tokens.core.database_token.models import DatabaseTokenInputs
from pulumi_influxdb3_tokens.core.engine import EngineGoneError
from pulumi_influxdb3_tokens.core.errors import ManagementApiError, TokenNotFoundError
from pulumi_influxdb3_tokens.core.notices import told_to
from pulumi_influxdb3_tokens.settings import CLUSTERED, DEDICATED, INFLUXCTL
from support.documented_api import ACCOUNT, ADMIN, CLUSTER, connection

SECRET = "apiv1_Zq8xN2pLr5Tv9Kw3Hy7Bm4Cd6Fg1Js0QaWe3Rt"
MARKER = "0123456789"
DEDICATED_BASE = f"/api/v0/accounts/{ACCOUNT}/clusters/{CLUSTER}/tokens"
Handler = Callable[[httpx.Request], httpx.Response]


def client_for(handler: Handler, product: str = DEDICATED) -> HttpDatabaseTokenClient:
    return HttpDatabaseTokenClient(connection(product), transport=httpx.MockTransport(handler))


def body(token_id: str, description: str = f"ingest [pulumi:{MARKER}]", **kw: Any) -> dict[str, Any]:
    return {
        "id": token_id,
        "description": description,
        "permissions": [{"action": "write", "resource": "sensors"}],
        "createdAt": "2030-01-01T00:00:00.000Z",
        **kw,
    }


def inputs(**kw: Any) -> DatabaseTokenInputs:
    base: dict[str, Any] = {
        "description": "ingest",
        "permissions": [{"action": "write", "resource": "sensors"}],
        "create_marker": MARKER,
    }
    return DatabaseTokenInputs.model_validate({**base, **kw})


def assert_one_clean_sentence(message: str) -> None:
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert ADMIN not in message and SECRET not in message and "M.V1." not in message and "apiv1_" not in message


class Server:
    """A scripted cluster: ``posts`` answers each create in turn (a status, or an exception to raise), ``listed``
    is what GET /tokens shows; every request is recorded."""

    def __init__(self, posts: list[Any], listed: Optional[list[dict[str, Any]]] = None) -> None:
        self.posts = posts
        self.listed = listed or []
        self.requests: list[tuple[str, str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        content = json.loads(request.content) if request.content else None
        self.requests.append((request.method, request.url.path, content))
        assert request.headers["Authorization"] == f"Bearer {ADMIN}"
        if request.method == "POST":
            answer = self.posts.pop(0)
            if isinstance(answer, Exception):
                raise answer
            if answer == 200:
                asked = {"expiresAt": content["expiresAt"]} if "expiresAt" in content else {}
                return httpx.Response(200, json=body("tok-new", content["description"], accessToken=SECRET, **asked))
            if answer == "garbled":
                return httpx.Response(200, content=f'{{"id": "tok-g", "accessToken": "{SECRET}"', headers=_json())
            return httpx.Response(answer, json={"code": answer, "message": "internal server error"})
        if request.method == "GET":
            return httpx.Response(200, json=self.listed)
        if request.method == "DELETE":
            return httpx.Response(204)
        raise AssertionError(request.method)

    def calls(self, method: str) -> list[tuple[str, str, Any]]:
        return [r for r in self.requests if r[0] == method]


def _json() -> dict[str, str]:
    return {"content-type": "application/json"}


# --- the requests, on both products ----------------------------------------------------------------


@pytest.mark.parametrize(("product", "base"), [(DEDICATED, DEDICATED_BASE), (CLUSTERED, "/api/v0/tokens")])
def test_each_operation_sends_the_documented_request(product: str, base: str):
    seen: list[tuple[str, str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, json.loads(request.content) if request.content else None))
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.method == "GET" and request.url.path == base:
            return httpx.Response(200, json=[body("tok-1")])
        extra = {"accessToken": SECRET, "expiresAt": "2031-01-01T00:00:00Z"} if request.method == "POST" else {}
        return httpx.Response(200, json=body("tok-1", **extra))

    client = client_for(handler, product)
    created = client.mint(inputs(expires_at="2031-01-01T00:00:00Z"))
    assert created.access_token.get_secret_value() == SECRET
    # Clustered's answers name no account or cluster: the connection's stand in (as a Database's do).
    assert (created.account_id, created.cluster_id) == (ACCOUNT, CLUSTER)
    client.mint(inputs(create_marker=None))
    assert client.get("tok-1").id == "tok-1"
    assert [record.id for record in client.list()] == ["tok-1"]
    client.update("tok-1", "ingest [pulumi:0123456789]", [{"action": "read", "resource": "a/b"}])
    client.update("tok-1", None, [{"action": "read", "resource": "a/b"}])  # None: the description is left
    assert client.revoke("tok-1") is True
    assert seen == [
        (
            "POST",
            base,
            {
                "description": f"ingest [pulumi:{MARKER}]",
                "permissions": [{"action": "write", "resource": "sensors"}],
                "expirationType": "datetime",
                "expiresAt": "2031-01-01T00:00:00Z",
            },
        ),
        (
            "POST",
            base,
            {
                "description": "ingest",
                "permissions": [{"action": "write", "resource": "sensors"}],
                "expirationType": "noExpiration",
            },
        ),
        ("GET", f"{base}/tok-1", None),
        ("GET", base, None),
        (
            "PATCH",
            f"{base}/tok-1",
            {"description": "ingest [pulumi:0123456789]", "permissions": [{"action": "read", "resource": "a/b"}]},
        ),
        ("PATCH", f"{base}/tok-1", {"permissions": [{"action": "read", "resource": "a/b"}]}),
        ("DELETE", f"{base}/tok-1", None),
    ]


def test_a_missing_token_is_not_found_and_its_revoke_is_success():
    client = client_for(lambda request: httpx.Response(404, json={"code": 404, "message": "not found"}))
    with pytest.raises(TokenNotFoundError, match=r"^Database token tok-1 does not exist \(HTTP 404\)\.$"):
        client.get("tok-1")
    assert client.revoke("tok-1") is False
    with pytest.raises(TokenNotFoundError) as gone:
        client.update("tok-1", "d", [])
    assert_one_clean_sentence(str(gone.value))


def test_an_error_answer_is_one_sentence_with_its_message():
    """Errors are ``{code, message}``: the message is named, nothing else; a refused create is not retried."""
    server = Server(posts=[400])
    server_message = {"code": 400, "message": "bad request"}

    def handler(request: httpx.Request) -> httpx.Response:
        server(request)
        return httpx.Response(400, json=server_message)

    with pytest.raises(ManagementApiError) as refused:
        client_for(handler).mint(inputs())
    assert (
        str(refused.value)
        == "Could not create a database token: the server refused the request: bad request (HTTP 400)."
    )
    assert len(server.calls("POST")) == 1 and server.calls("GET") == []


# --- a lost create answer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lost",
    [
        httpx.ReadTimeout("timed out", request=None),  # type: ignore[arg-type]
        httpx.RemoteProtocolError("server disconnected", request=None),  # type: ignore[arg-type]
        503,
        500,
        "garbled",
    ],
    ids=["timeout", "dropped", "503", "500", "garbled"],
)
def test_a_lost_create_revokes_what_carries_the_marker_then_mints_again(lost: Any):
    """No idempotency key exists, so the POST is sent once; the token a lost answer made is useless (its string was
    only in that answer) and provably ours by its marker: revoked, then minted again, told to the user."""
    listed = [
        body("tok-lost"),  # made by the lost create: carries this resource's marker
        body("tok-held"),  # the resource's current token (a rotation): carries it too, never revoked
        body("tok-old", revokedAt="2030-01-01T00:00:00Z"),  # already revoked
        body("tok-other", "ingest [pulumi:9876543210]"),  # another resource's
        body("tok-hand", "ingest"),  # a colleague's, same description, unmarked
    ]
    server = Server(posts=[lost, 200], listed=listed)
    lines: list[str] = []
    with told_to(lines.append):
        created = client_for(server).mint(inputs(), held=["tok-held"])
    assert created.id == "tok-new"
    assert [r[0] for r in server.requests] == ["POST", "GET", "DELETE", "POST"]
    assert server.calls("DELETE") == [("DELETE", f"{DEDICATED_BASE}/tok-lost", None)]
    assert len(lines) == 1 and lines[0].startswith("DatabaseToken: a create of this database token lost its answer (")
    assert "revoked what it made (tok-lost)" in lines[0] and "minting again (2 of 4)" in lines[0]
    assert SECRET not in lines[0] and ADMIN not in lines[0]


def test_lost_creates_are_bounded_and_counted():
    server = Server(posts=[503] * (MAX_LOST_CREATES + 1), listed=[body("tok-lost")])
    lines: list[str] = []
    with told_to(lines.append), pytest.raises(ManagementApiError) as failed:
        client_for(server).mint(inputs())
    assert len(server.calls("POST")) == MAX_LOST_CREATES + 1
    assert len(server.calls("DELETE")) == MAX_LOST_CREATES + 1  # each round revokes what carries the marker
    assert [line.split("minting again ")[1] for line in lines] == ["(2 of 4).", "(3 of 4).", "(4 of 4)."]
    assert_one_clean_sentence(str(failed.value))
    assert "4 creates in a row lost their answers" in str(failed.value)


def test_without_a_marker_a_lost_create_names_the_candidates_and_touches_nothing():
    """mark_description false: nothing proves which token a lost create made, so none is revoked or adopted."""
    listed = [
        body("tok-b", "ingest"),
        body("tok-a", "ingest"),
        body("tok-c", "other"),
        body("tok-r", "ingest", revokedAt="2030-01-01T00:00:00Z"),
    ]
    server = Server(posts=[500], listed=listed)
    with pytest.raises(ManagementApiError) as failed:
        client_for(server).mint(inputs(create_marker=None, mark_description=False))
    message = str(failed.value)
    assert_one_clean_sentence(message)
    assert "without a create marker (mark_description is false)" in message
    assert "the tokens with its description are tok-a, tok-b" in message and "tok-c" not in message
    assert [r[0] for r in server.requests] == ["POST", "GET"]


def test_a_garbled_answer_never_shows_its_token_string():
    server = Server(posts=["garbled"], listed=[])
    with pytest.raises(ManagementApiError) as failed:
        client_for(server).mint(inputs(create_marker=None, mark_description=False))
    assert_one_clean_sentence(str(failed.value))
    assert "none has its description" in str(failed.value)


def test_no_create_is_sent_once_the_engine_has_stopped(monkeypatch: pytest.MonkeyPatch):
    """As for management tokens (core/engine.py): a killed `pulumi` must not mint a token no state records."""
    monkeypatch.setattr(engine, "engine_alive", lambda: False)
    server = Server(posts=[200])
    with pytest.raises(EngineGoneError):
        client_for(server).mint(inputs())
    assert server.requests == []


def test_the_factory_serves_http_or_influxctl():
    """Issue 33: a connection resolved for influxctl gets the client of influxctl's token commands (token/*.md)."""
    assert isinstance(database_token_client_for(connection()), HttpDatabaseTokenClient)
    assert isinstance(database_token_client_for(connection(transport=INFLUXCTL)), InfluxctlDatabaseTokenClient)


def test_expires_in_is_sent_as_the_instant_it_ends(monkeypatch: pytest.MonkeyPatch):
    """expires_in is reckoned at mint time: the body carries the instant it ends."""
    monkeypatch.setenv(timeutil.FAKE_NOW_ENV, "2030-01-01T00:00:00Z")
    server = Server(posts=[200])
    client_for(server).mint(inputs(expires_in="1d"))
    assert server.calls("POST")[0][2]["expiresAt"] == "2030-01-02T00:00:00Z"


def test_a_token_string_a_server_echoes_is_never_shown():
    """DatabaseTokenAccessToken's examples are ``apiv1_`` and 64 characters, some not random-looking at all
    (``apiv1_5555...``): an error that quotes one shows [redacted] instead."""
    echoed = "apiv1_" + "5" * 64

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"code": 400, "message": f"token {echoed} is not allowed here"})

    with pytest.raises(ManagementApiError) as refused:
        client_for(handler).update("tok-1", "d", [])
    assert str(refused.value) == (
        "Could not update database token tok-1: the server refused the request: token [redacted] is not allowed "
        "here (HTTP 400)."
    )


@pytest.mark.parametrize("stored", ["2031-01-01T00:00:00.000Z", None])
def test_a_token_asked_to_expire_is_kept_only_if_the_server_holds_its_expiry(stored: Optional[str]):
    """The OpenAPI files' create body has ``expiresAt`` but no ``expirationType`` (the admin guide's create.md sends
    both), and their create answer's ``expiresAt`` is optional: an answer without it is read back (GetDatabaseToken);
    a token the server keeps without the expiry asked for is revoked, never handed out as one that never ends."""
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        if request.method == "POST":
            return httpx.Response(200, json=body("tok-1", accessToken=SECRET))
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(200, json=body("tok-1", expiresAt=stored))

    client = client_for(handler)
    if stored is not None:
        assert client.mint(inputs(expires_at="2031-01-01T00:00:00Z")).expires_at is not None
        assert seen == [("POST", DEDICATED_BASE), ("GET", f"{DEDICATED_BASE}/tok-1")]
        return
    with pytest.raises(ManagementApiError) as refused:
        client.mint(inputs(expires_at="2031-01-01T00:00:00Z"))
    assert str(refused.value) == (
        "Could not create a database token that expires at 2031-01-01T00:00:00Z: the server made token tok-1 with no "
        "expiry instead, so it was revoked; check that http://mgmt.test serves the documented Management API."
    )
    assert seen[-1] == ("DELETE", f"{DEDICATED_BASE}/tok-1")
