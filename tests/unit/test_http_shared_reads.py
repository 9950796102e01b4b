"""A refresh of many tokens over HTTP reads them from one list, not one GET each (issue 34).

The facts held: our server's management-token extension lists every token of the cluster, revoked ones included
(``GET .../managementTokens``, "List management tokens (revoked ones included)" in
provider/influxdb3_local_api/routes.py; ``TokenClient.list`` promises the same), and a GET of an id it does not know
answers 404. For database tokens the documented Management API lists them (``GET
/accounts/{accountId}/clusters/{clusterId}/tokens``, "Get all database tokens for a cluster" in the Cloud Dedicated
management OpenAPI) and gets one (``GET .../tokens/{tokenId}``). So from a connection's second read in a provider
process on, the reads share one list (clients/http/listing.py, on the influxctl road's machinery in
clients/list_cache.py); a token the list does not show is read with a GET, our own creates and revokes end the
shared list, and adoption, import and the client's proofs read with a GET as before.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pydantic import SecretStr

from pulumi_influxdb3_tokens.clients.http import HttpTokenClient
from pulumi_influxdb3_tokens.clients.http import client as http_client
from pulumi_influxdb3_tokens.clients.http import database_tokens as http_database_tokens
from pulumi_influxdb3_tokens.clients.http.database_tokens import HttpDatabaseTokenClient
from pulumi_influxdb3_tokens.clients.http.databases import HttpDatabaseClient
from pulumi_influxdb3_tokens.core.database.models import DatabaseInputs
from pulumi_influxdb3_tokens.core.database_token import lifecycle as database_token_lifecycle
from pulumi_influxdb3_tokens.core.database_token.models import DatabaseTokenInputs
from pulumi_influxdb3_tokens.core.errors import AdoptionError
from pulumi_influxdb3_tokens.core.management_token import lifecycle
from pulumi_influxdb3_tokens.core.management_token.models import TokenInputs
from pulumi_influxdb3_tokens.settings import Connection
from support.local_api import LocalApi

pytestmark = pytest.mark.usefixtures("journal_dir")


class Sent:
    """The requests the clients send (method and the path's last part), through the real sending code."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests: list[str] = []
        self._lock = threading.Lock()
        real = http_client.send

        def recording(http: Any, connection: Connection, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.requests.append(f"{method} {path.rsplit('/', 1)[-1]}")
            return real(http, connection, method, path, *args, **kwargs)

        monkeypatch.setattr(http_client, "send", recording)
        monkeypatch.setattr(
            http_database_tokens.DocumentedApi, "send", self._documented(http_database_tokens.DocumentedApi.send)
        )

    def _documented(self, real: Any) -> Any:
        def recording(api: Any, method: str, *parts: str, **kwargs: Any) -> Any:
            with self._lock:
                self.requests.append(f"{method} {parts[-1]}")
            return real(api, method, *parts, **kwargs)

        return recording


def connection(server: LocalApi) -> Connection:
    return Connection(
        server.url, server.account_id, server.cluster_id, SecretStr(server.admin_token), retry_timeout=5.0
    )


def client(server: LocalApi) -> HttpTokenClient:
    """A client as each call of a face makes it: on the process-wide pool of the server's URL."""
    return HttpTokenClient(connection(server))


def state_of(token: dict[str, Any]) -> dict[str, Any]:
    """The outputs a state holds for a token the program declared with its description."""
    return {"description": token["description"], "token_id": token["id"]}


def refreshed(server: LocalApi, token: dict[str, Any]) -> dict[str, Any] | None:
    found = lifecycle.read(client(server), token["id"], state_of(token))
    return found[1] if found else None


def test_a_refresh_of_many_tokens_sends_one_get_and_one_list(local_api: LocalApi, monkeypatch: pytest.MonkeyPatch):
    tokens = [local_api.mint(f"refreshed {i}") for i in range(8)]
    sent = Sent(monkeypatch)
    outputs: dict[str, dict[str, Any] | None] = {}

    def read(token: dict[str, Any]) -> None:
        outputs[token["id"]] = refreshed(local_api, token)

    first, *rest = tokens
    read(first)
    threads = [threading.Thread(target=read, args=(token,)) for token in rest]  # as the engine's parallel reads
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent.requests) == sorted([f"GET {first['id']}", "GET managementTokens"])
    for token in tokens:
        seen = outputs[token["id"]]
        assert seen is not None
        assert (seen["description"], seen["token_prefix"]) == (token["description"], token["tokenPrefix"])
        assert seen["revoked_at"] is None


def test_a_token_the_shared_list_does_not_show_is_read_with_a_get(local_api: LocalApi, monkeypatch: pytest.MonkeyPatch):
    early, later = local_api.mint("listed"), local_api.mint("listed too")
    refreshed(local_api, early)
    refreshed(local_api, later)  # the list is shared from here on
    sent = Sent(monkeypatch)
    made_since = local_api.mint("made by someone else after the list")
    assert refreshed(local_api, made_since) is not None
    never = {"id": "no-such-token", "description": "gone"}
    assert refreshed(local_api, never) is None  # gone on the server's own 404, not on the list's silence
    assert sent.requests == [f"GET {made_since['id']}", "GET no-such-token"]


def test_our_own_revoke_ends_the_shared_list(local_api: LocalApi, monkeypatch: pytest.MonkeyPatch):
    first, second = local_api.mint("kept"), local_api.mint("revoked by us")
    refreshed(local_api, first)
    assert refreshed(local_api, second) is not None  # from the shared list
    assert client(local_api).revoke(second["id"])
    sent = Sent(monkeypatch)
    assert refreshed(local_api, second) is None  # revoked: the next up mints anew
    assert sent.requests == ["GET managementTokens"]  # a list that started after the revoke


def test_adoption_reads_with_a_get_whatever_the_shared_list_shows(local_api: LocalApi, monkeypatch: pytest.MonkeyPatch):
    first, adopted = local_api.mint("read first"), local_api.mint("adopt me")
    refreshed(local_api, first)
    refreshed(local_api, adopted)  # the shared list shows it live
    local_api.revoke(adopted["id"])  # out of band, within the list's few seconds
    sent = Sent(monkeypatch)
    inputs = TokenInputs(description="adopt me", adopt_token_id=adopted["id"], adopt_token=adopted["accessToken"])
    with pytest.raises(AdoptionError, match="it was revoked at"):
        lifecycle.adoptable(client(local_api), inputs)
    assert sent.requests == [f"GET {adopted['id']}"]


def test_a_refresh_of_many_database_tokens_sends_one_get_and_one_list(
    local_api: LocalApi, monkeypatch: pytest.MonkeyPatch
):
    HttpDatabaseClient(connection(local_api)).create(DatabaseInputs(name="sensors"))
    tokens = HttpDatabaseTokenClient(connection(local_api))
    minted = [
        tokens.mint(
            DatabaseTokenInputs.model_validate(
                {"description": f"ingest {i}", "permissions": [{"action": "write", "resource": "sensors"}]}
            )
        )
        for i in range(5)
    ]
    assert tokens.revoke(minted[-1].id)  # revoked ones are read as revoked: the next up mints anew
    sent = Sent(monkeypatch)
    seen = [
        database_token_lifecycle.read(
            HttpDatabaseTokenClient(connection(local_api)), token.id, {"description": token.description}
        )
        for token in minted
    ]
    assert sent.requests == [f"GET {minted[0].id}", "GET tokens"]
    assert [found[1]["description"] if found else None for found in seen] == [t.description for t in minted[:-1]] + [
        None
    ]
