"""Tables over InfluxData's documented Management API, on both products' paths.

Facts from the OpenAPI files (api-docs/influxdb3/{cloud-dedicated,clustered}/management/openapi.yml, "the
files") and content/influxdb3/cloud-dedicated/admin/tables/.
"""

from __future__ import annotations

from server.documented_api import Documented, unique


def test_create_answers_200_without_an_id(documented: Documented) -> None:
    """Files, CreateClusterDatabaseTable: 200 with accountId, clusterId (Cloud Dedicated), databaseName, name and
    the partitionTemplate when one was given; no id."""
    database = unique()
    documented.create_database(database)
    http = documented.client()
    plain = http.post(documented.path("databases", database, "tables"), json={"name": "cpu"})
    assert plain.status_code == 200
    assert plain.json() == {**documented.ids(), "databaseName": database, "name": "cpu"}
    template = [{"type": "time", "value": "%Y-%m"}, {"type": "tag", "value": "host"}]
    custom = http.post(
        documented.path("databases", database, "tables"), json={"name": "mem", "partitionTemplate": template}
    )
    assert custom.status_code == 200
    assert custom.json() == {**documented.ids(), "databaseName": database, "name": "mem", "partitionTemplate": template}


def test_create_refuses_a_taken_name_an_unknown_database_and_a_bad_template(documented: Documented) -> None:
    """Files, CreateClusterDatabaseTable: 409 Conflict, 404 NotFound ("The database must already exist"),
    400 BadRequest; admin/tables/create.md: "Always specify 1 time part in your template"."""
    database = unique()
    documented.create_database(database)
    http, tables = documented.client(), documented.path("databases", database, "tables")
    assert http.post(tables, json={"name": "cpu"}).status_code == 200
    taken = http.post(tables, json={"name": "cpu"})
    assert taken.status_code == 409
    assert taken.json() == {"code": 409, "message": "A table with this name already exists in the database."}
    unknown = http.post(documented.path("databases", unique(), "tables"), json={"name": "cpu"})
    assert unknown.status_code == 404 and unknown.json() == {"code": 404, "message": "Database not found."}
    no_time = http.post(tables, json={"name": "disk", "partitionTemplate": [{"type": "tag", "value": "host"}]})
    assert no_time.status_code == 400 and "'partitionTemplate'" in no_time.json()["message"]
    empty = http.post(tables, json={"name": ""})
    assert empty.status_code == 400  # ClusterDatabaseTableName: minLength 1


def test_delete_rename_and_undelete_keep_the_table_id(documented: Documented) -> None:
    """Files: DeleteClusterDatabaseTable 204; RenameClusterDatabaseTable 200 with id (int64);
    UndeleteClusterDatabaseTable PUT .../tables/{tableId}/undelete 200 with id. admin/tables/rename.md: "The
    table ID remains the same after renaming"; admin/tables/undelete.md: restored "with the same partition
    template"."""
    database = unique("metrics") + "/rp"  # a name with '/' in the table paths too
    documented.create_database(database)
    http = documented.client()
    template = [{"type": "time", "value": "%Y"}]
    http.post(documented.path("databases", database, "tables"), json={"name": "cpu", "partitionTemplate": template})
    renamed = http.put(documented.path("databases", database, "tables", "cpu", "rename"), json={"name": "cpu2"})
    assert renamed.status_code == 200
    body = renamed.json()
    assert isinstance(body["id"], int)
    assert body == {
        **documented.ids(),
        "databaseName": database,
        "id": body["id"],
        "name": "cpu2",
        "partitionTemplate": template,
    }
    deleted = http.delete(documented.path("databases", database, "tables", "cpu2"))
    assert deleted.status_code == 204 and deleted.content == b""
    assert http.delete(documented.path("databases", database, "tables", "cpu2")).status_code == 404
    restored = http.put(documented.path("databases", database, "tables", str(body["id"]), "undelete"))
    assert restored.status_code == 200 and restored.json() == body


def test_rename_and_undelete_refusals(documented: Documented) -> None:
    """Files: RenameClusterDatabaseTable 409 (name taken) and 404; UndeleteClusterDatabaseTable documents 400 and
    404 only: 400 for a table not deleted, 404 for an unknown id. admin/tables/undelete.md: "A new table with
    the same name cannot already exist" (400 here too)."""
    database = unique()
    documented.create_database(database)
    http = documented.client()
    tables = documented.path("databases", database, "tables")
    for name in ("a", "b"):
        assert http.post(tables, json={"name": name}).status_code == 200
    assert http.put(f"{tables}/a/rename", json={"name": "b"}).status_code == 409
    missing = http.put(f"{tables}/zzz/rename", json={"name": "c"})
    assert missing.status_code == 404 and missing.json() == {"code": 404, "message": "Table not found."}
    table_id = http.put(f"{tables}/a/rename", json={"name": "a1"}).json()["id"]
    live = http.put(f"{tables}/{table_id}/undelete")
    assert live.status_code == 400 and live.json() == {"code": 400, "message": "The table is not deleted."}
    assert http.delete(f"{tables}/a1").status_code == 204
    assert http.post(tables, json={"name": "a1"}).status_code == 200
    taken = http.put(f"{tables}/{table_id}/undelete")
    assert taken.status_code == 400 and "taken" in taken.json()["message"]
    assert http.put(f"{tables}/99999999/undelete").status_code == 404


def test_tables_cannot_be_read_or_listed(documented: Documented) -> None:
    """The files document no GET on tables: neither a list nor one table is served."""
    database = unique()
    documented.create_database(database)
    http = documented.client()
    http.post(documented.path("databases", database, "tables"), json={"name": "cpu"})
    assert http.get(documented.path("databases", database, "tables")).status_code == 405
    assert http.get(documented.path("databases", database, "tables", "cpu")).status_code == 405


def test_a_deleted_database_has_no_tables_to_manage(documented: Documented) -> None:
    """admin/databases/rename.md: rename "can only be performed on databases that are currently active"; every
    table operation names its database, so a deleted one answers 404 (files: NotFound)."""
    database = unique()
    documented.create_database(database)
    http = documented.client()
    http.post(documented.path("databases", database, "tables"), json={"name": "cpu"})
    assert http.delete(documented.path("databases", database)).status_code == 204
    gone = http.delete(documented.path("databases", database, "tables", "cpu"))
    assert gone.status_code == 404 and gone.json()["message"] == "Database not found."
