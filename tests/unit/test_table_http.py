"""HttpTableClient against httpx.MockTransport: the documented requests on both products, a create sent once and a
409 never taken over, and its error sentences.

Docs: the "Tables" operations of api-docs/influxdb3/{cloud-dedicated,clustered}/management/openapi.yml:
CreateClusterDatabaseTable (POST .../databases/{databaseName}/tables, 200 with accountId, clusterId, databaseName,
name, partitionTemplate; 409 Conflict), RenameClusterDatabaseTable (PUT .../tables/{tableName}/rename, 200 with the
table's id) and DeleteClusterDatabaseTable (DELETE .../tables/{tableName}, 204; 404 NotFound). No get, no list.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_influxdb3_tokens.clients import table_client_for
from pulumi_influxdb3_tokens.clients.http.tables import HttpTableClient
from pulumi_influxdb3_tokens.core.errors import (
    OutcomeUnknownError,
    TableExistsError,
    TableNotFoundError,
)
from pulumi_influxdb3_tokens.core.table.client import can_list
from pulumi_influxdb3_tokens.core.table.models import TableInputs
from pulumi_influxdb3_tokens.settings import CLUSTERED, DEDICATED
from support.documented_api import ACCOUNT, CLUSTER, PREFIX, Handler, Recorder, assert_one_clean_sentence, connection

TEMPLATE = [{"type": "time", "value": "%Y"}, {"type": "tag", "value": "host"}]


def client(answer: Handler, product: str = DEDICATED) -> tuple[HttpTableClient, Recorder]:
    recorder = Recorder(answer)
    return HttpTableClient(connection(product), transport=httpx.MockTransport(recorder)), recorder


def table(product: str, **kw: Any) -> dict[str, Any]:
    """A table as the API answers (Clustered's answers carry no accountId or clusterId)."""
    body: dict[str, Any] = {"databaseName": "logs/app", "name": "cpu", **kw}
    if product == DEDICATED:
        body.update(accountId=ACCOUNT, clusterId=CLUSTER)
    return body


def inputs(**kw: Any) -> TableInputs:
    return TableInputs.model_validate({"database": "logs/app", "name": "cpu", **kw})


@pytest.mark.parametrize("product", [DEDICATED, CLUSTERED])
def test_each_call_is_the_documented_request_with_a_slash_in_the_database_encoded(product: str):
    """The three documented operations under each product's prefix; create.md (databases): a database name may hold
    "forward-slash (/)", which must not become a path separator."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.method == "PUT":
            return httpx.Response(200, json=table(product, name="cpu2", id=12345))
        return httpx.Response(200, json=table(product, partitionTemplate=TEMPLATE))

    tables, recorder = client(answer, product)
    created = tables.create(inputs(partition_template=TEMPLATE))
    renamed = tables.rename("logs/app", "cpu", "cpu2")
    assert tables.delete("logs/app", "cpu2") is True
    base = f"{PREFIX[product]}/databases/logs%2Fapp/tables"
    assert recorder.sent() == [
        ("POST", base, {"name": "cpu", "partitionTemplate": TEMPLATE}),
        ("PUT", f"{base}/cpu/rename", {"name": "cpu2"}),
        ("DELETE", f"{base}/cpu2", None),
    ]
    assert (created.database_name, created.name, renamed.name) == ("logs/app", "cpu", "cpu2")
    # Clustered's answers carry no ids: the connection's stand in.
    assert (created.account_id, created.cluster_id) == (ACCOUNT, CLUSTER)


def test_the_http_client_cannot_list_so_the_lifecycle_never_reads_through_it():
    """The OpenAPI files document no get or list of tables: the client offers no read capability."""
    tables, _ = client(lambda request: httpx.Response(500))
    assert can_list(tables) is None


def test_a_409_on_create_takes_nothing_over():
    """CreateClusterDatabaseTable's 409: a table of that name exists (made by hand, or by a write: create.md, "tables
    are created automatically on write"); it proves nothing about who made it: one request, one sentence."""
    tables, recorder = client(lambda request: httpx.Response(409, json={"code": 409, "message": "conflict"}))
    with pytest.raises(TableExistsError) as exists:
        tables.create(inputs())
    message = str(exists.value)
    assert "already has a table of that name (HTTP 409)" in message and "not taken over" in message
    assert_one_clean_sentence(message)
    assert [r.method for r in recorder.requests] == ["POST"]


def test_a_create_whose_answer_is_lost_is_sent_once_and_said_unknown():
    """No idempotency key in the documented API: a create that may have reached the server is never sent again."""
    tables, recorder = client(lambda request: httpx.Response(503, headers={"Retry-After": "0"}))
    with pytest.raises(OutcomeUnknownError) as unknown:
        tables.create(inputs())
    message = str(unknown.value)
    assert message.startswith("Whether table 'cpu' of database 'logs/app' was created is unknown")
    assert "influxctl table list logs/app" in message
    assert_one_clean_sentence(message)
    assert [r.method for r in recorder.requests] == ["POST"]


def test_a_rename_to_a_taken_name_or_of_a_gone_table_is_one_sentence_and_a_gone_delete_is_false():
    """RenameClusterDatabaseTable: 409 Conflict, 404 NotFound; DeleteClusterDatabaseTable: 404 NotFound."""
    taken, _ = client(lambda request: httpx.Response(409, json={"code": 409, "message": "conflict"}))
    with pytest.raises(TableExistsError, match="already has a table named 'cpu2'"):
        taken.rename("logs/app", "cpu", "cpu2")
    gone, _ = client(lambda request: httpx.Response(404, json={"code": 404, "message": "not found"}))
    with pytest.raises(TableNotFoundError) as missing:
        gone.rename("logs/app", "cpu", "cpu2")
    assert_one_clean_sentence(str(missing.value))
    assert gone.delete("logs/app", "cpu") is False


def test_the_factory_gives_the_http_client_which_cannot_read_a_table():
    """The OpenAPI files' "Tables" tag has no get and no list: the HTTP client is no ``TableLister`` (the influxctl
    client, which is, is held in test_influxctl_database_clients.py)."""
    client = table_client_for(connection())
    assert isinstance(client, HttpTableClient) and can_list(client) is None
