"""Table's two faces called as the engine calls them, against the local server's documented Management API: the
dynamic TableProvider (configure, then the CRUD methods on raw bags) and the plugin's InfluxDB3Provider (its rpc
types), without the engine in between.

Docs: the "Tables" operations of api-docs/influxdb3/cloud-dedicated/management/openapi.yml (create 200, rename
PUT .../rename, delete 204; no get, no list), admin/tables/rename.md ("The table ID remains the same after
renaming") and admin/databases/rename.md (a renamed database keeps its data, its tables with it).
"""

from __future__ import annotations

import asyncio

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue

from pulumi_influxdb3_tokens.dynamic.provider import TableProvider
from pulumi_influxdb3_tokens.plugin.provider import InfluxDB3Provider
from pulumi_influxdb3_tokens.plugin.wire import from_bag, to_bag
from pulumi_influxdb3_tokens.resources import TABLE
from support.documented_stack import DocumentedApi
from support.local_api import LocalApi

URN = f"urn:pulumi:test::project::{TABLE.plugin_type}::cpu"


def settings(local_api: LocalApi) -> dict[str, str]:
    return {
        "apiUrl": local_api.url,
        "accountId": local_api.account_id,
        "clusterId": local_api.cluster_id,
        "managementToken": local_api.admin_token,
        "retryTimeout": "5",
    }


def dynamic_provider(local_api: LocalApi) -> TableProvider:
    provider = TableProvider()
    config = {f"influxdb3:{key}": value for key, value in settings(local_api).items()}
    provider.configure(ConfigureRequest(Config(config, "test")))
    return provider


def plugin_provider(local_api: LocalApi) -> InfluxDB3Provider:
    plugin = InfluxDB3Provider()
    args = {key: PropertyValue(value) for key, value in settings(local_api).items()}
    asyncio.run(
        plugin.configure(rpc.ConfigureRequest(variables={}, args=args, accept_secrets=True, accept_resources=False))
    )
    return plugin


def tables_of(local_api: LocalApi, database: str) -> list[str]:
    """The live tables of ``database``, from the server's own store: the API cannot list them."""
    import sqlite3

    with sqlite3.connect(f"file:{local_api.data_dir / 'management.db'}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT t.name FROM database_tables t JOIN databases d ON d.id = t.database_id "
            "WHERE d.name = ? AND d.deleted_at IS NULL AND t.deleted_at IS NULL ORDER BY t.name",
            (database,),
        ).fetchall()
    return [row[0] for row in rows]


def rename_database(local_api: LocalApi, old: str, new: str) -> None:
    """RenameClusterDatabase, as the Database resource's update sends it before the table's diff."""
    api = DocumentedApi(local_api, "dedicated")
    with local_api.client() as http:
        http.put(api.path("databases", old, "rename"), json={"name": new}).raise_for_status()


def test_the_dynamic_face_creates_renames_follows_a_database_rename_keeps_state_on_refresh_and_deletes(
    local_api: LocalApi, capsys: pytest.CaptureFixture[str]
):
    """The documented create, rename and delete on the server; the database's own rename carries the table (rename.md
    of databases), which the diff tells from a move by the same database_resource_id; refresh reads nothing."""
    DocumentedApi(local_api, "dedicated").create_database("dyn-metrics")
    provider = dynamic_provider(local_api)
    declared = {"database": "dyn-metrics", "name": "cpu", "database_resource_id": "dyn-metrics"}
    checked = provider.check({}, declared)
    assert checked.failures == []
    created = provider.create(checked.inputs)
    assert created.id == "dyn-metrics/cpu" and created.outs["account_id"] == local_api.account_id
    assert tables_of(local_api, "dyn-metrics") == ["cpu"]

    state = created.outs
    renamed = provider.check(state, {**declared, "name": "cpu2"}).inputs
    assert provider.diff(created.id, state, renamed).replaces == []
    state = provider.update(created.id, state, renamed).outs
    assert tables_of(local_api, "dyn-metrics") == ["cpu2"] and state["name"] == "cpu2"

    rename_database(local_api, "dyn-metrics", "dyn-metrics-v2")
    followed = provider.check(state, {**declared, "name": "cpu2", "database": "dyn-metrics-v2"}).inputs
    decided = provider.diff(created.id, state, followed)
    assert (decided.changes, decided.replaces) == (True, [])
    state = provider.update(created.id, state, followed).outs
    assert state["database"] == "dyn-metrics-v2" and tables_of(local_api, "dyn-metrics-v2") == ["cpu2"]

    capsys.readouterr()
    refreshed = provider.read(created.id, state)
    assert refreshed.id == created.id and refreshed.outs["name"] == "cpu2"
    assert "is not read back" in capsys.readouterr().err

    provider.delete(created.id, state)
    provider.delete(created.id, state)  # already gone: 404 is success
    assert tables_of(local_api, "dyn-metrics-v2") == []


def test_the_plugin_creates_refuses_import_keeps_state_on_refresh_and_deletes(local_api: LocalApi):
    """The plugin's Read with no properties is `pulumi import` (proto/pulumi/provider.proto): over HTTP it is refused
    in one sentence naming influxctl; a Read with properties (refresh) answers the state it was given, and says so."""
    DocumentedApi(local_api, "dedicated").create_database("plug-metrics")
    plugin, run = plugin_provider(local_api), asyncio.run
    inputs = from_bag({"database": "plug-metrics", "name": "cpu"})
    checked = run(plugin.check(rpc.CheckRequest(urn=URN, old_inputs={}, new_inputs=inputs, random_seed=b"")))
    assert checked.failures == []
    created = run(plugin.create(rpc.CreateRequest(URN, checked.inputs, timeout=0, preview=False)))
    table_id, state = created.resource_id, created.properties
    assert table_id == "plug-metrics/cpu" and tables_of(local_api, "plug-metrics") == ["cpu"]
    assert to_bag(state)["name"] == "cpu"

    told: list[str] = []
    plugin._log.sink_for = lambda urn: told.append  # type: ignore[method-assign]  # the engine's Log, caught here
    refreshed = run(plugin.read(rpc.ReadRequest(URN, table_id, properties=state, inputs=checked.inputs)))
    assert refreshed.resource_id == table_id and refreshed.properties == state
    assert len(told) == 1 and "is not read back" in told[0]

    with pytest.raises(Exception) as refused:
        run(plugin.read(rpc.ReadRequest(URN, "plug-metrics/cpu", properties={}, inputs={})))
    assert "Cannot import table 'plug-metrics/cpu'" in str(refused.value) and "influxctl" in str(refused.value)

    run(plugin.delete(rpc.DeleteRequest(URN, table_id, properties=state, timeout=0)))
    assert tables_of(local_api, "plug-metrics") == []
