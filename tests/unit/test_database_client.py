"""HttpDatabaseClient against httpx.MockTransport: the documented requests on both products, its error sentences,
and a create that is sent once whatever becomes of its answer.

Docs: influxdata/docs-v2 api-docs/influxdb3/cloud-dedicated/management/openapi.yml and
api-docs/influxdb3/clustered/management/openapi.yml (paths /accounts/{accountId}/clusters/{clusterId}/databases...
and /databases... under the server URL .../api/v0; the Error schema {code, message}).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_influxdb3_tokens.clients import database_client_for
from pulumi_influxdb3_tokens.clients.http.databases import HttpDatabaseClient
from pulumi_influxdb3_tokens.clients.influxctl.databases import InfluxctlDatabaseClient
from pulumi_influxdb3_tokens.core.database.models import DatabaseInputs, DatabaseUpdate
from pulumi_influxdb3_tokens.core.errors import (
    DatabaseExistsError,
    DatabaseNotFoundError,
    ManagementApiError,
    OutcomeUnknownError,
)
from pulumi_influxdb3_tokens.settings import CLUSTERED, DEDICATED, INFLUXCTL
from support.documented_api import (
    ACCOUNT,
    ADMIN,
    CLUSTER,
    PREFIX,
    Handler,
    Recorder,
    assert_one_clean_sentence,
    connection,
)


def client(answer: Handler, product: str = DEDICATED) -> tuple[HttpDatabaseClient, Recorder]:
    recorder = Recorder(answer)
    return HttpDatabaseClient(connection(product), transport=httpx.MockTransport(recorder)), recorder


def database(name: str = "my/db", product: str = DEDICATED, **kw: Any) -> dict[str, Any]:
    """A database as the API answers (Clustered's answers carry no accountId or clusterId)."""
    body: dict[str, Any] = {"name": name, "maxTables": 500, "maxColumnsPerTable": 250, "retentionPeriod": 0, **kw}
    if product == DEDICATED:
        body.update(accountId=ACCOUNT, clusterId=CLUSTER)
    return body


def inputs(**kw: Any) -> DatabaseInputs:
    return DatabaseInputs.model_validate({"name": "my/db", **kw})


@pytest.mark.parametrize("product", [DEDICATED, CLUSTERED])
def test_each_call_is_the_documented_request_with_a_slash_in_the_name_encoded(product: str):
    """GetClusterDatabases (GET .../databases), CreateClusterDatabase (POST .../databases), UpdateClusterDatabase
    (PATCH .../databases/{databaseName}), RenameClusterDatabase (PUT .../databases/{databaseName}/rename) and
    DeleteClusterDatabase (DELETE .../databases/{databaseName}); create.md: names may hold "forward-slash (/)"."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.method == "GET":
            return httpx.Response(200, json=[database(product=product)])
        return httpx.Response(200, json=database(product=product))

    databases, recorder = client(answer, product)
    template = [{"type": "time", "value": "%Y"}, {"type": "bucket", "value": {"tagName": "c", "numberOfBuckets": 10}}]
    databases.list()
    databases.create(inputs(retention_period="1h", partition_template=template))
    databases.update("my/db", DatabaseUpdate(max_tables=300, retention_period=0))
    databases.rename("my/db", "new/db")
    assert databases.delete("my/db") is True
    base = PREFIX[product]
    assert recorder.sent() == [
        ("GET", f"{base}/databases", None),
        (
            "POST",
            f"{base}/databases",
            {
                "name": "my/db",
                "maxTables": 500,
                "maxColumnsPerTable": 250,
                "retentionPeriod": 3_600_000_000_000,  # "to set a retention period of 1 hour, use 3600000000000"
                "partitionTemplate": template,
            },
        ),
        ("PATCH", f"{base}/databases/my%2Fdb", {"maxTables": 300, "retentionPeriod": 0}),
        ("PUT", f"{base}/databases/my%2Fdb/rename", {"name": "new/db"}),
        ("DELETE", f"{base}/databases/my%2Fdb", None),
    ]
    assert all(r.headers["Authorization"] == f"Bearer {ADMIN}" for r in recorder.requests)


def test_a_create_without_a_template_sends_none():
    """CreateClusterDatabase: partitionTemplate is optional; without one, "Partitioning defaults to %Y-%m-%d"."""
    databases, recorder = client(lambda request: httpx.Response(200, json=database()))
    databases.create(inputs())
    assert "partitionTemplate" not in recorder.sent()[0][2]


@pytest.mark.parametrize("product", [DEDICATED, CLUSTERED])
def test_records_carry_the_ids_the_answer_or_the_connection_has(product: str):
    """Clustered's GetClusterDatabases items have no accountId or clusterId: the connection's ids stand in."""
    databases, _ = client(lambda request: httpx.Response(200, json=[database(product=product)]), product)
    [record] = databases.list()
    assert (record.account_id, record.cluster_id) == (ACCOUNT, CLUSTER)


def test_an_error_body_is_one_sentence_with_the_servers_message_and_no_credential():
    """The Error schema: {code, message}."""
    answer = httpx.Response(400, json={"code": 400, "message": f"retention period too short for {ADMIN}"})
    databases, _ = client(lambda request: answer)
    with pytest.raises(ManagementApiError) as refused:
        databases.create(inputs())
    message = str(refused.value)
    assert message.startswith("Could not create database 'my/db': the server refused the request: retention")
    assert message.endswith("(HTTP 400).") and refused.value.status == 400
    assert_one_clean_sentence(message)


@pytest.mark.parametrize(("status", "words"), [(401, "influxdb3:managementToken"), (403, "influxdb3:clusterId")])
def test_an_unauthorised_request_names_the_setting_to_check(status: int, words: str):
    databases, _ = client(lambda request: httpx.Response(status, json={"code": status, "message": "no"}))
    with pytest.raises(ManagementApiError) as refused:
        databases.list()
    assert words in str(refused.value)
    assert_one_clean_sentence(str(refused.value))


@pytest.mark.parametrize("call", ["update", "rename"])
def test_a_database_that_is_gone_is_said_so(call: str):
    """UpdateClusterDatabase and RenameClusterDatabase answer 404 for a name the cluster does not have."""
    databases, _ = client(lambda request: httpx.Response(404, json={"code": 404, "message": "not found"}))
    with pytest.raises(DatabaseNotFoundError) as gone:
        if call == "update":
            databases.update("old", DatabaseUpdate(max_tables=10))
        else:
            databases.rename("old", "new")
    assert "the cluster has no database 'old' (HTTP 404)" in str(gone.value)
    assert_one_clean_sentence(str(gone.value))


def test_a_rename_to_a_taken_name_is_refused():
    """RenameClusterDatabase answers 409 (Conflict)."""
    databases, _ = client(lambda request: httpx.Response(409, json={"code": 409, "message": "conflict"}))
    with pytest.raises(DatabaseExistsError, match="already has a database named 'new'"):
        databases.rename("old", "new")


def test_delete_of_a_database_already_gone_is_false():
    """DeleteClusterDatabase: 204 deleted, 404 not found (already gone: success for the lifecycle)."""
    databases, _ = client(lambda request: httpx.Response(404, json={"code": 404, "message": "not found"}))
    assert databases.delete("gone") is False


def test_a_409_on_create_takes_nothing_over_and_says_how_to_import():
    """CreateClusterDatabase answers 409 when "The database name must be unique within the cluster" is broken; that
    proves nothing about who made it, so nothing is listed or adopted: one request, one sentence."""
    databases, recorder = client(lambda request: httpx.Response(409, json={"code": 409, "message": "conflict"}))
    with pytest.raises(DatabaseExistsError) as exists:
        databases.create(inputs())
    message = str(exists.value)
    assert "already has a database of that name (HTTP 409)" in message and "not taken over" in message
    assert "`pulumi import influxdb3:index:Database <resource name> my/db --generate-code=false`" in message
    assert_one_clean_sentence(message)
    assert [r.method for r in recorder.requests] == ["POST"]


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("no answer", request=request)


def _dropped(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("server disconnected", request=request)


@pytest.mark.parametrize(
    "answer",
    [
        _timeout,
        _dropped,
        lambda request: httpx.Response(503, headers={"Retry-After": "0"}),
        lambda request: httpx.Response(500, json={"code": 500, "message": "internal server error"}),
    ],
    ids=["timeout", "dropped", "503", "500"],
)
def test_a_create_whose_answer_is_lost_is_sent_once_and_said_unknown(answer: Handler):
    """The documented API has no idempotency key: a repeated POST could make a database nobody declared (or fail on
    one we made), so a create that may have reached the server is never sent again."""
    databases, recorder = client(answer)
    with pytest.raises(OutcomeUnknownError) as unknown:
        databases.create(inputs())
    message = str(unknown.value)
    assert message.startswith("Whether database 'my/db' was created is unknown")
    assert "never sent twice" in message and "pulumi import influxdb3:index:Database" in message
    assert_one_clean_sentence(message)
    assert [r.method for r in recorder.requests] == ["POST"]


def test_a_list_is_retried_where_a_create_is_not():
    """GET is idempotent: the shared sender retries a 503 (retry.py), which a create never is."""
    answers = iter([httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(200, json=[database()])])
    databases, recorder = client(lambda request: next(answers))
    assert [record.name for record in databases.list()] == ["my/db"]
    assert len(recorder.requests) == 2


def test_a_body_that_is_no_database_is_one_sentence():
    databases, _ = client(lambda request: httpx.Response(200, json=[{"name": "x"}]))
    with pytest.raises(ManagementApiError, match="not a valid database response"):
        databases.list()


def test_the_factory_gives_the_http_client_or_the_influxctl_one():
    """The documented Management API is HTTP; a connection resolved for influxctl (issue 33: influxctl's database
    commands, content/shared/influxctl/database/) gets the influxctl client."""
    assert isinstance(database_client_for(connection()), HttpDatabaseClient)
    assert isinstance(database_client_for(connection(transport=INFLUXCTL)), InfluxctlDatabaseClient)
