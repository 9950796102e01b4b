"""Table through the real engine on both faces side by side, over HTTP against the local server's documented
Management API (Cloud Dedicated's paths; the client tests hold Clustered's).

Facts held (influxdata/docs-v2): the "Tables" operations of api-docs/influxdb3/cloud-dedicated/management/openapi.yml
create (200), rename (PUT .../tables/{tableName}/rename) and delete (204) a table and cannot get or list one;
admin/tables/rename.md: "The table ID remains the same after renaming"; admin/databases/rename.md: "Renaming a
database does not change the database ID, modify data in the database", so the tables stay in it and follow it.
The API lists no tables, so what the server holds is read from its own store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Iterator

import pytest

from support.documented_stack import documented_server, make_documented_stack
from support.faces import BOTH_IN_ONE_STACK, FACES, declared
from support.local_api import LocalApi

PRODUCT = "dedicated"
YEARLY = [{"type": "time", "value": "%Y"}]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalApi]:
    with documented_server(tmp_path / "server-data", PRODUCT) as api:
        yield api


def tables_on(server: LocalApi) -> dict[str, list[str]]:
    """Every live table by its live database's name, from the server's store (no documented list)."""
    with sqlite3.connect(f"file:{server.data_dir / 'management.db'}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT d.name, t.id, t.name FROM database_tables t JOIN databases d ON d.id = t.database_id "
            "WHERE d.deleted_at IS NULL AND t.deleted_at IS NULL ORDER BY d.name"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for database, table_id, name in rows:
        found.setdefault(database, []).append(f"{table_id}:{name}")
    return found


@pytest.mark.long
def test_a_table_is_made_renamed_follows_its_database_s_rename_without_replacement_and_is_destroyed(
    tmp_path: Path, server: LocalApi
) -> None:
    """Both faces in one stack: up makes a database and a table in it; a new table name is a rename in place (the
    server's table id stays, rename.md); a new database name is the Database renamed in place, and the table,
    which records that Database's id, is updated in place, never replaced (its server id stays, in the renamed
    database); refresh keeps the table's state and says that HTTP cannot read it; destroy deletes both."""
    spec: dict[str, Any] = {
        "databases": {"metrics": {"name": "metrics-{face}"}},
        "tables": {
            "cpu": {"database": "metrics", "name": "cpu", "partition_template": [{"type": "time", "value": "%Y"}]}
        },
    }
    stack = make_documented_stack(tmp_path, server, PRODUCT, spec, BOTH_IN_ONE_STACK)
    stack.up().ok()
    made = tables_on(server)
    assert sorted(made) == [f"metrics-{face}" for face in sorted(FACES)]
    shown = stack.outputs()
    for face, at in declared(BOTH_IN_ONE_STACK):
        assert shown[f"{at}cpu.id"] == f"metrics-{face}/cpu"
        assert shown[f"{at}cpu.database_resource_id"] == f"metrics-{face}"  # the Database's id, taken with it

    spec["tables"]["cpu"]["name"] = "cpu2"
    stack.write_spec(spec)
    stack.up().ok()
    renamed = tables_on(server)
    for face in FACES:
        [(table_id, name)] = [entry.split(":") for entry in renamed[f"metrics-{face}"]]
        assert made[f"metrics-{face}"] == [f"{table_id}:cpu"] and name == "cpu2"  # the same table, renamed

    spec["databases"]["metrics"]["name"] = "metrics-v2-{face}"
    stack.write_spec(spec)
    preview = stack.preview().ok().output
    assert "replace" not in preview and "~ 4 to update" in preview, preview
    for face in FACES:
        assert f"the tables of database 'metrics-{face}' move with it to 'metrics-v2-{face}'" in preview
        assert f"table 'cpu2' of database 'metrics-{face}' moves with its database" in preview
    stack.up().ok()
    moved = tables_on(server)
    for face in FACES:
        assert moved[f"metrics-v2-{face}"] == renamed[f"metrics-{face}"]  # not replaced: the same table id
    shown = stack.outputs()
    for face, at in declared(BOTH_IN_ONE_STACK):
        assert shown[f"{at}cpu.database"] == f"metrics-v2-{face}" and shown[f"{at}cpu.id"] == f"metrics-{face}/cpu"

    refreshed = stack.refresh("--yes").ok().output
    said = refreshed.split("Diagnostics:")[-1]  # what each provider said, once each (the progress lines repeat it)
    for face in FACES:
        assert said.count(f"table 'cpu2' of database 'metrics-v2-{face}' is not read back") == 1, refreshed
    stack.preview("--expect-no-changes").ok()
    stack.destroy().ok()
    assert tables_on(server) == {}
