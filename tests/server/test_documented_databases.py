"""Databases over InfluxData's documented Management API, on both products' paths.

Each test names the documented fact it holds: the OpenAPI files (api-docs/influxdb3/{cloud-dedicated,clustered}/
management/openapi.yml, "the files") and the admin pages (content/influxdb3/cloud-dedicated/admin/databases/).
"""

from __future__ import annotations

from typing import Any

import pytest

from server.documented_api import CLUSTERED, Documented, unique

ONE_HOUR_NS = 3_600_000_000_000


def listed(api: Documented) -> dict[str, dict[str, Any]]:
    response = api.client().get(api.path("databases"))
    assert response.status_code == 200
    return {db["name"]: db for db in response.json()}


def test_create_answers_200_with_the_documented_defaults_and_no_id(documented: Documented) -> None:
    """Files, CreateClusterDatabase: 200, required name only; the answer holds accountId and clusterId (Cloud
    Dedicated only: the Clustered file drops them), name, maxTables, maxColumnsPerTable, retentionPeriod, and no
    id. Defaults: "Default maximum number of tables: 500", "Default maximum number of columns: 250" (also
    admin/databases/_index.md), ClusterDatabaseRetentionPeriod "default: 0" (infinite)."""
    name = unique()
    body = documented.create_database(name)
    assert body == {**documented.ids(), "name": name, "maxTables": 500, "maxColumnsPerTable": 250, "retentionPeriod": 0}
    assert listed(documented)[name] == body


def test_create_keeps_every_given_field_and_the_partition_template(documented: Documented) -> None:
    """Files, CreateClusterDatabase example "allFields": maxTables, maxColumnsPerTable, retentionPeriod and a
    partitionTemplate of time, tag and bucket parts come back as given, in list answers too."""
    name = unique()
    template = [
        {"type": "time", "value": "%Y"},
        {"type": "tag", "value": "bananas"},
        {"type": "tag", "value": "plátanos"},
        {"type": "bucket", "value": {"tagName": "c", "numberOfBuckets": 10}},
    ]
    fields = {
        "maxTables": 100,
        "maxColumnsPerTable": 50,
        "retentionPeriod": 300 * ONE_HOUR_NS,
        "partitionTemplate": template,
    }
    body = documented.create_database(name, **fields)
    assert body == {**documented.ids(), "name": name, **fields}
    assert listed(documented)[name] == body


def test_a_taken_name_is_409(documented: Documented) -> None:
    """Files, CreateClusterDatabase: "The database name must be unique within the cluster"; 409 Conflict,
    an Error body {code, message} with an integer code."""
    name = unique()
    documented.create_database(name)
    response = documented.client().post(documented.path("databases"), json={"name": name})
    assert response.status_code == 409
    assert response.json() == {"code": 409, "message": "A database with this name already exists in the cluster."}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),  # ClusterDatabaseName minLength 1
        ({"name": "x" * 65}, "name"),  # maxLength 64; admin create.md "Maximum 64 characters"
        ({"name": "sensor.data"}, "name"),  # admin create.md "Invalid database name examples": period
        ({"name": "my database"}, "name"),  # ... whitespace
        ({"maxColumnsPerTable": 1001}, "maxColumnsPerTable"),  # admin _index.md "Configurable maximum ...: 1000"
        ({"maxColumnsPerTable": 0}, "maxColumnsPerTable"),  # ClusterDatabaseMaxColumnsPerTable minimum 1
        ({"maxTables": 0}, "maxTables"),  # ClusterDatabaseMaxTables minimum 1
        ({"maxTables": "5"}, "maxTables"),  # an integer, not a string
        ({"retentionPeriod": -1}, "retentionPeriod"),  # minimum 0
        ({"retentionPeriod": ONE_HOUR_NS - 1}, "retentionPeriod"),  # admin _index.md: "minimum ... is 1 hour"
        ({"partitionTemplate": []}, "partitionTemplate"),  # minItems 1
        ({"partitionTemplate": [{"type": "tag", "value": "a"}]}, "partitionTemplate"),  # "exactly one time part"
        (
            {"partitionTemplate": [{"type": "time", "value": "%Y"}, {"type": "time", "value": "%Y-%m"}]},
            "partitionTemplate",
        ),
        (
            {
                "partitionTemplate": [{"type": "time", "value": "%Y"}]
                + [{"type": "tag", "value": f"t{i}"} for i in range(8)]
            },
            "partitionTemplate",
        ),  # "up to 7 total tag and tag bucket parts" (and maxItems 8)
        (
            {
                "partitionTemplate": [
                    {"type": "time", "value": "%Y"},
                    {"type": "bucket", "value": {"tagName": "c", "numberOfBuckets": 100001}},
                ]
            },
            "partitionTemplate.1.bucket.value.numberOfBuckets",
        ),  # ClusterDatabasePartitionTemplatePartBucket maximum 100000
        (
            {
                "partitionTemplate": [
                    {"type": "time", "value": "%Y"},
                    {"type": "tag", "value": "a"},
                    {"type": "bucket", "value": {"tagName": "a", "numberOfBuckets": 2}},
                ]
            },
            "partitionTemplate",
        ),  # partition-templates: a tag key in a tag part cannot be a tag bucket part
        ({"partitionTemplate": [{"type": "time", "value": "%H"}]}, "partitionTemplate"),  # only %Y, %m, %d
        (
            {"partitionTemplate": [{"type": "time", "value": "%Y"}, {"type": "tag", "value": "time"}]},
            "partitionTemplate",
        ),
    ],
)
def test_invalid_create_is_400_naming_the_field(documented: Documented, fields: dict[str, Any], field: str) -> None:
    """Files: 400 BadRequest with an Error body; each case cites the rule it breaks (comments above)."""
    response = documented.client().post(documented.path("databases"), json={"name": unique(), **fields})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == 400 and f"'{field}'" in body["message"], body
    assert set(body) == {"code", "message"}


def test_update_changes_only_the_three_documented_fields(documented: Documented) -> None:
    """Files, UpdateClusterDatabase: PATCH takes maxTables, maxColumnsPerTable, retentionPeriod
    ("minProperties: 1") and answers 200 with the whole database (example "maxTablesOnly")."""
    name = unique()
    documented.create_database(name, retentionPeriod=ONE_HOUR_NS)
    response = documented.client().patch(documented.path("databases", name), json={"maxTables": 300})
    assert response.status_code == 200
    assert response.json() == {
        **documented.ids(),
        "name": name,
        "maxTables": 300,
        "maxColumnsPerTable": 250,
        "retentionPeriod": ONE_HOUR_NS,
    }
    response = documented.client().patch(
        documented.path("databases", name), json={"maxColumnsPerTable": 150, "retentionPeriod": 0}
    )
    assert (response.json()["maxColumnsPerTable"], response.json()["retentionPeriod"]) == (150, 0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Invalid request body: give at least one of maxTables, maxColumnsPerTable and retentionPeriod."),
        (
            {"partitionTemplate": [{"type": "time", "value": "%Y"}]},
            "Invalid request body: partitionTemplate can only be set when the database is created.",
        ),
        ({"name": "other"}, "Unknown field 'name' is not allowed."),
        ({"maxColumnsPerTable": 1001}, None),
    ],
)
def test_update_refuses_what_the_docs_refuse(documented: Documented, body: dict[str, Any], message: str | None) -> None:
    """Files, UpdateClusterDatabase: "minProperties: 1", only the three limits; admin/databases/update.md:
    "You can't update a partition template on an existing database", names are changed by rename only."""
    name = unique()
    documented.create_database(name)
    response = documented.client().patch(documented.path("databases", name), json=body)
    assert response.status_code == 400
    if message is not None:
        assert response.json() == {"code": 400, "message": message}


def test_unknown_database_is_404_for_update_delete_and_rename(documented: Documented) -> None:
    """Files: 404 NotFound for UpdateClusterDatabase, DeleteClusterDatabase and RenameClusterDatabase."""
    http, path = documented.client(), documented.path("databases", unique())
    for response in (
        http.patch(path, json={"maxTables": 3}),
        http.delete(path),
        http.put(path + "/rename", json={"name": unique()}),
    ):
        assert response.status_code == 404
        assert response.json() == {"code": 404, "message": "Database not found."}


def test_delete_is_204_hides_the_database_and_frees_its_name(documented: Documented) -> None:
    """Files, DeleteClusterDatabase: 204 No Content. admin/databases/delete.md: "you can reuse the name to
    create a new database"."""
    name = unique()
    documented.create_database(name, maxTables=7)
    response = documented.client().delete(documented.path("databases", name))
    assert response.status_code == 204 and response.content == b""
    assert name not in listed(documented)
    assert documented.client().delete(documented.path("databases", name)).status_code == 404
    assert documented.create_database(name)["maxTables"] == 500


def test_rename_answers_with_the_id_that_undelete_takes(documented: Documented) -> None:
    """Files, RenameClusterDatabase: 200 with id (ClusterDatabaseId, an integer >= 1) and the new name;
    admin/databases/rename.md: "The database ID remains the same after renaming". UndeleteClusterDatabase:
    PUT .../{databaseId}/undelete answers 200 with id; admin/databases/undelete.md: restored "with the same
    retention period, table limits, and column limits"."""
    old, new = unique(), unique()
    documented.create_database(old, maxTables=9, retentionPeriod=2 * ONE_HOUR_NS)
    renamed = documented.client().put(documented.path("databases", old, "rename"), json={"name": new})
    assert renamed.status_code == 200
    body = renamed.json()
    assert isinstance(body["id"], int) and body["id"] >= 1
    assert body == {
        **documented.ids(),
        "id": body["id"],
        "name": new,
        "maxTables": 9,
        "maxColumnsPerTable": 250,
        "retentionPeriod": 2 * ONE_HOUR_NS,
    }
    assert new in listed(documented) and old not in listed(documented)
    assert documented.client().delete(documented.path("databases", new)).status_code == 204
    undeleted = documented.client().put(documented.path("databases", str(body["id"]), "undelete"))
    assert undeleted.status_code == 200
    assert undeleted.json() == body
    assert listed(documented)[new]["maxTables"] == 9


def test_rename_to_a_taken_name_is_409(documented: Documented) -> None:
    """Files, RenameClusterDatabase: 409 Conflict."""
    first, second = unique(), unique()
    documented.create_database(first)
    documented.create_database(second)
    response = documented.client().put(documented.path("databases", first, "rename"), json={"name": second})
    assert response.status_code == 409
    assert response.json()["code"] == 409


def test_undelete_refuses_a_live_database_a_taken_name_and_an_unknown_id(documented: Documented) -> None:
    """Files, UndeleteClusterDatabase: "can only be performed on databases that have been soft-deleted";
    admin/databases/undelete.md: "A new database with the same name cannot already exist". The operation
    documents 400 and 404 (no 409): 400 for the first two, 404 for an id never given out."""
    name = unique()
    documented.create_database(name)
    http = documented.client()
    database_id = http.put(documented.path("databases", name, "rename"), json={"name": name + "_x"}).json()["id"]
    live = http.put(documented.path("databases", str(database_id), "undelete"))
    assert live.status_code == 400 and live.json() == {"code": 400, "message": "The database is not deleted."}
    assert http.delete(documented.path("databases", name + "_x")).status_code == 204
    documented.create_database(name + "_x")
    taken = http.put(documented.path("databases", str(database_id), "undelete"))
    assert taken.status_code == 400 and "taken" in taken.json()["message"]
    unknown = http.put(documented.path("databases", "987654321", "undelete"))
    assert unknown.status_code == 404 and unknown.json() == {"code": 404, "message": "Database not found."}
    not_an_id = http.put(documented.path("databases", "abc", "undelete"))
    assert not_an_id.status_code == 400  # ClusterDatabaseId: an integer


def test_a_name_with_slashes_travels_percent_encoded(documented: Documented) -> None:
    """admin/databases/create.md: database names may hold forward slashes ("InfluxQL DBRP naming convention":
    database_name/retention_policy_name). Encoded as %2F in a path, the name stays one path parameter."""
    name = unique("telegraf") + "/autogen"
    documented.create_database(name)
    http = documented.client()
    assert "%2F" in documented.path("databases", name)
    updated = http.patch(documented.path("databases", name), json={"maxTables": 11})
    assert updated.status_code == 200 and updated.json()["name"] == name
    renamed = http.put(documented.path("databases", name, "rename"), json={"name": name + "/x"})
    assert renamed.status_code == 200 and renamed.json()["name"] == name + "/x"
    assert http.delete(documented.path("databases", name + "/x")).status_code == 204


def test_paths_belong_to_one_product(documented: Documented) -> None:
    """The Cloud Dedicated file puts the operations under /accounts/{accountId}/clusters/{clusterId}/, the
    Clustered file under /api/v0/ alone: a server serves one product's paths (--product), not both."""
    http = documented.client()
    if documented.product == CLUSTERED:
        other = f"/api/v0/accounts/{documented.server.account_id}/clusters/{documented.server.cluster_id}/databases"
    else:
        other = "/api/v0/databases"
    assert http.get(other).status_code == 404
