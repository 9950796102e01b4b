"""The documented API's databases, tables and database tokens live in the server's SQLite file: a restart
keeps them, and a data directory from before they existed gains their tables on its next start."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from server.documented_api import CLUSTERED, Documented, unique
from support.local_api import StartServer

LINE = "home,room=kitchen temp=72"


def test_restart_keeps_databases_tables_and_database_tokens(start: StartServer, tmp_path: Path) -> None:
    """admin/tokens/database/create.md: a token string is shown only at creation, so a restart must keep its
    hash: the same string still writes afterwards. A deleted database stays undeletable by id
    (admin/databases/undelete.md), a renamed table keeps its id (admin/tables/rename.md)."""
    data = tmp_path / "data"
    first = Documented(start(data), "dedicated")
    kept, dropped = unique(), unique()
    first.create_database(kept, maxTables=42)
    first.create_database(dropped)
    http = first.client()
    dropped_id = http.put(first.path("databases", dropped, "rename"), json={"name": dropped + "_r"}).json()["id"]
    assert http.delete(first.path("databases", dropped + "_r")).status_code == 204
    http.post(first.path("databases", kept, "tables"), json={"name": "cpu"})
    table_id = http.put(first.path("databases", kept, "tables", "cpu", "rename"), json={"name": "cpu2"}).json()["id"]
    token = first.create_token([{"action": "write", "resource": kept}], "survives")
    first.server.stop()

    second = Documented(start(data), "dedicated")
    http = second.client()
    assert {db["name"]: db["maxTables"] for db in http.get(second.path("databases")).json()} == {kept: 42}
    got = http.get(second.path("tokens", token["id"]))
    assert got.status_code == 200 and got.json()["description"] == "survives"
    assert second.write(token["accessToken"], kept, LINE).status_code == 204
    restored = http.put(second.path("databases", str(dropped_id), "undelete"))
    assert restored.status_code == 200 and restored.json()["name"] == dropped + "_r"
    again = http.put(second.path("databases", kept, "tables", "cpu2", "rename"), json={"name": "cpu3"})
    assert again.json()["id"] == table_id


def test_the_same_data_serves_either_product(start: StartServer, tmp_path: Path) -> None:
    """Both OpenAPI files describe the same operations on one cluster; only the paths differ. A data directory
    started with --product clustered shows the databases the bootstrap cluster got under Cloud Dedicated paths."""
    data = tmp_path / "data"
    dedicated = Documented(start(data), "dedicated")
    name = unique()
    dedicated.create_database(name)
    dedicated.server.stop()
    clustered = Documented(start(data, "--product", CLUSTERED), CLUSTERED)
    [listed] = clustered.client().get(clustered.path("databases")).json()
    assert listed == {"name": name, "maxTables": 500, "maxColumnsPerTable": 250, "retentionPeriod": 0}


def test_a_data_directory_from_before_the_documented_api_gains_its_tables(start: StartServer, tmp_path: Path) -> None:
    """Schema migration: a management.db without the catalog tables (as an earlier version left it: its
    management tokens only) starts, keeps its tokens, and serves databases at once."""
    data = tmp_path / "data"
    first = start(data)
    admin = first.admin_token
    first.stop()
    with sqlite3.connect(data / "management.db") as db:
        for table in ("database_tokens", "database_tables", "databases"):
            db.execute(f"DROP TABLE {table}")
    second = Documented(start(data), "dedicated")
    assert second.server.admin_token == admin
    name = unique()
    second.create_database(name)
    assert [db["name"] for db in second.client().get(second.path("databases")).json()] == [name]
