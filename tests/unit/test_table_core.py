"""Table's core on its client seam: check, the diff's rules (a database rename followed, a move replaced, a new
template guarded) and the lifecycle with a fake cluster.

Docs (influxdata/docs-v2): the "Tables" operations of api-docs/influxdb3/cloud-dedicated/management/openapi.yml
(create 200, delete 204, PUT .../tables/{tableName}/rename; no get, no list), content/influxdb3/cloud-dedicated/
admin/tables/*.md, admin/databases/rename.md and reference/naming-restrictions.md. Each test names the fact it holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_influxdb3_tokens.clients.influxctl.version import TABLE_LIST_SINCE
from pulumi_influxdb3_tokens.core.database import lifecycle as database_lifecycle
from pulumi_influxdb3_tokens.core.errors import AdoptionError, ConfigurationError
from pulumi_influxdb3_tokens.core.table import lifecycle
from pulumi_influxdb3_tokens.core.table.client import TableClient, can_list
from pulumi_influxdb3_tokens.core.table.diff import decide
from pulumi_influxdb3_tokens.core.table.models import TableInputs, TableRecord
from pulumi_influxdb3_tokens.resources import TABLE, Resource

MONTHLY = [{"type": "time", "value": "%Y-%m"}]
DAILY_BY_HOST = [{"type": "time", "value": "%Y-%m-%d"}, {"type": "tag", "value": "host"}]


def olds(**changes: Any) -> dict[str, Any]:
    """A table's stored outputs: made as 'cpu' in the Database 'metrics' (resource id 'metrics')."""
    base = {
        "database": "metrics",
        "name": "cpu",
        "partition_template": MONTHLY,
        "allow_data_loss": None,
        "database_resource_id": "metrics",
        "account_id": "a",
        "cluster_id": "c",
    }
    return {**base, **changes}


def news(**changes: Any) -> dict[str, Any]:
    """The inputs that declare the same table (the outputs' echoed inputs), with ``changes``."""
    base = {key: value for key, value in olds().items() if key in TABLE.input_names}
    return {**base, **changes}


# --- check -------------------------------------------------------------------------------------------------------


def test_check_takes_unicode_letters_and_refuses_what_a_table_name_cannot_hold():
    """naming-restrictions.md, table names: "Alphanumeric characters ..., underscore (_), dash (-)", "should not start
    with underscore", and "웹서버_메트릭스" among the valid names; ClusterDatabaseTableName: minLength 1."""
    assert lifecycle.check_inputs(news(name="웹서버_메트릭스")).failures == []
    for bad, said in (
        ("_internal", "must start with a letter or a digit"),
        ("cpu.usage", "holds '.'"),
        ("my table", "holds ' '"),
        ("", "must not be empty"),
    ):
        failures = lifecycle.check_inputs(news(name=bad)).failures
        assert [prop for prop, _ in failures] == ["name"] and said in failures[0][1], (bad, failures)


def test_check_holds_the_database_name_to_a_database_s_rules_and_requires_both_names():
    """create.md (databases): "Maximum length of 64 characters", "Alphanumeric characters ... and forward-slash";
    CreateClusterDatabaseTable's path names the database and its body "required: name"."""
    failures = dict(lifecycle.check_inputs(news(database="x" * 65)).failures)
    assert "database must be 1 to 64 characters long, got 65" in failures["database"]
    assert dict(lifecycle.check_inputs({"name": "cpu"}).failures) == {
        "database": "database is required: the name of the database the table is in"
    }
    assert lifecycle.check_inputs(news(database="logs/app")).failures == []


def test_check_refuses_a_template_as_a_database_s_is_refused_and_lets_unknowns_through():
    """partition-templates.md: "only the following date specifiers" %Y, %m, %d: the shared rules hold for tables."""
    failures = dict(lifecycle.check_inputs(news(partition_template=[{"type": "time", "value": "%H"}])).failures)
    assert "'%H' is not allowed" in failures["partition_template"]
    checked = lifecycle.check_inputs(news(database=Unknown()))
    assert checked.failures == [] and isinstance(checked.inputs["database"], Unknown)


# --- diff --------------------------------------------------------------------------------------------------------


def test_a_database_renamed_in_place_is_followed_not_replaced(capsys: pytest.CaptureFixture[str]):
    """admin/databases/rename.md: "Renaming a database does not change the database ID, modify data in the
    database": the table is still in it. The same database_resource_id (a Database's id never changes on a rename)
    beside a new database name proves the rename: an in-place change, told at preview."""
    decision = lifecycle.diff(olds(), news(database="metrics-v2"), "metrics/cpu")
    assert decision.changes and decision.replaces == []
    assert "moves with its database, renamed in place to 'metrics-v2'" in capsys.readouterr().err
    # Still unknown at preview (the Database's name output), the same id proves it all the same.
    assert decide(olds(), news(database=Unknown())).replaces == []


def test_another_database_is_a_move_which_makes_a_new_table_there():
    """The OpenAPI files have no operation that moves a table: a new database name without the same Database id
    (another id, or none recorded) is a new table there and the old one deleted (create before delete: the two live
    in different databases)."""
    for moved in (news(database="logs", database_resource_id="logs"), news(database="logs", database_resource_id=None)):
        decision = decide(olds(), moved)
        assert decision.replaces == ["database"] and not decision.delete_before_replace
        assert "the table moves from database 'metrics' to 'logs'" in decision.reasons[0]
    assert decide(olds(database_resource_id=None), news(database="metrics-v2")).replaces == ["database"]


def test_a_database_replaced_hands_unknowns_which_replace_the_table():
    """A Database replaced (a new template with allow_data_loss, create.md) deletes its tables with it; the engine
    asks the table's diff with the Database's outputs unknown, and only a replacement keeps the table."""
    decision = decide(olds(), news(database=Unknown(), database_resource_id=Unknown()))
    assert decision.replaces == ["database"] and "not known until apply" in decision.reasons[0]


def test_a_new_template_is_refused_without_allow_data_loss_and_a_delete_first_replacement_with_it():
    """admin/tables/create.md: "You can only apply a partition template when creating a table. You can't update a
    partition template on an existing table"; delete.md: "wait two to three minutes" before writing to a new table
    of the same name. The guard is the one databases have."""
    with pytest.raises(ConfigurationError) as refused:
        decide(olds(), news(partition_template=DAILY_BY_HOST))
    assert str(refused.value) == (
        "partition_template of table 'cpu' of database 'metrics' changed, and a partition template can only be set "
        "when a table is created, so applying it deletes the table with all its data and makes a new, empty one: set "
        "allow_data_loss to true to allow that, or keep the old partition_template."
    )
    decision = decide(olds(), news(partition_template=DAILY_BY_HOST, allow_data_loss=True))
    assert decision.replaces == ["partition_template"] and decision.delete_before_replace
    assert "table 'cpu' of database 'metrics' and all its data are deleted first" in decision.reasons[0]


def test_a_rename_is_in_place_and_the_same_template_spelled_otherwise_no_change(capsys: pytest.CaptureFixture[str]):
    """admin/tables/rename.md: "The table ID remains the same after renaming" and "write and query requests using
    the old table name are routed to the same table"."""
    decision = lifecycle.diff(olds(), news(name="cpu2"), "metrics/cpu")
    assert decision.changes and decision.replaces == []
    assert "table 'cpu' of database 'metrics' becomes 'cpu2' in place" in capsys.readouterr().err
    spelled = [{"type": "time", "value": "%Y-%m"}]
    assert not decide(olds(), news(partition_template=spelled)).changes


# --- lifecycle ----------------------------------------------------------------------------------------------------


class Cluster:
    """The tables over HTTP, behind the seam: create, rename, delete; no list (the API has none)."""

    def __init__(self) -> None:
        self.tables: dict[tuple[str, str], TableRecord] = {}
        self.calls: list[tuple[Any, ...]] = []

    def create(self, inputs: TableInputs) -> TableRecord:
        database, name = inputs.place
        self.calls.append(("create", database, name))
        record = TableRecord(
            account_id="a",
            cluster_id="c",
            database_name=database,
            name=name,
            partition_template=inputs.partition_template,
        )
        self.tables[(database, name)] = record
        return record

    def rename(self, database: str, name: str, new_name: str) -> TableRecord:
        self.calls.append(("rename", database, name, new_name))
        record = self.tables.pop((database, name)).model_copy(update={"name": new_name})
        self.tables[(database, new_name)] = record
        return record

    def delete(self, database: str, name: str) -> bool:
        self.calls.append(("delete", database, name))
        return self.tables.pop((database, name), None) is not None


class ListingCluster(Cluster):
    """A transport that can list tables (influxctl's ``table list``): the seam's read capability."""

    def list(self, database: str) -> list[TableRecord]:
        self.calls.append(("list", database))
        return [record for (db, _), record in self.tables.items() if db == database]


def made(cluster: Cluster) -> tuple[str, dict[str, Any]]:
    client: TableClient = cluster
    created = lifecycle.create(client, news())
    return created.id, {**created.outputs}


def test_create_names_the_table_database_slash_table_and_the_id_survives_renames():
    """The id is the first <database>/<table> (a table name holds no "/", naming-restrictions.md); a rename keeps
    the table's ID (rename.md), and the stack's id cannot change on an update anyway."""
    cluster = Cluster()
    table_id, outputs = made(cluster)
    assert table_id == "metrics/cpu" and outputs["account_id"] == "a" and outputs["partition_template"] == MONTHLY
    renamed = lifecycle.update(lambda: cluster, table_id, outputs, news(name="cpu2"))
    assert cluster.calls[-1] == ("rename", "metrics", "cpu", "cpu2") and renamed["name"] == "cpu2"
    lifecycle.delete(cluster, table_id, renamed)
    assert cluster.calls[-1] == ("delete", "metrics", "cpu2") and cluster.tables == {}


def test_a_followed_database_rename_calls_nothing_and_a_later_rename_acts_in_the_new_database():
    """rename.md (databases): the tables stay in a renamed database, so following it is only the state; the table's
    rename then names the database by its new name (the Database's rename ran first: the table depends on it)."""
    cluster = Cluster()
    table_id, outputs = made(cluster)
    moved = cluster.tables.pop(("metrics", "cpu")).model_copy(update={"database_name": "metrics-v2"})
    cluster.tables = {("metrics-v2", "cpu"): moved}  # the Database's rename
    calls = len(cluster.calls)
    followed = lifecycle.update(lambda: pytest.fail("no call"), table_id, outputs, news(database="metrics-v2"))
    assert followed["database"] == "metrics-v2" and len(cluster.calls) == calls
    both = lifecycle.update(lambda: cluster, table_id, outputs, news(database="metrics-v2", name="cpu2"))
    assert cluster.calls[-1] == ("rename", "metrics-v2", "cpu", "cpu2") and both["database"] == "metrics-v2"


def test_an_update_never_changes_a_template_nor_moves_a_table():
    """create.md: a template is fixed at creation; the API moves no table: what the diff would replace, an update
    refuses in one sentence instead of acting."""
    cluster = Cluster()
    table_id, outputs = made(cluster)
    with pytest.raises(ConfigurationError, match="cannot change in place"):
        lifecycle.update(lambda: cluster, table_id, outputs, news(partition_template=DAILY_BY_HOST))
    with pytest.raises(ConfigurationError, match="cannot move to database 'logs' in place"):
        lifecycle.update(lambda: cluster, table_id, outputs, news(database="logs", database_resource_id="logs"))


def test_over_http_refresh_keeps_the_state_and_says_so_once_and_import_is_refused(capsys: pytest.CaptureFixture[str]):
    """The OpenAPI files' "Tables" tag documents create, delete, rename and undelete only: nothing reads a table, so
    refresh keeps what the state holds (one notice) and import cannot prove the table exists."""
    cluster = Cluster()
    assert can_list(cluster) is None
    table_id, outputs = made(cluster)
    found = lifecycle.read(cluster, table_id, outputs)
    assert found == (table_id, {key: outputs[key] for key in outputs})
    told = capsys.readouterr().err.splitlines()
    assert told == [
        "Table: refresh: table 'cpu' of database 'metrics' is not read back: the documented Management API (HTTP) can "
        "create, rename and delete a table but has no operation that gets or lists one, so its state is kept as it "
        "is; with influxdb3:transport set to influxctl (influxctl 2.10.2 or later), refresh and import read tables "
        "through `influxctl table list`."
    ]
    with pytest.raises(AdoptionError) as refused:
        lifecycle.import_token(cluster, "metrics/cpu")
    assert str(refused.value).startswith("Cannot import table 'metrics/cpu'")
    assert "; import it with influxdb3:transport set to influxctl (influxctl 2.10.2 or later)" in str(refused.value)
    assert [call[0] for call in cluster.calls] == ["create"]


def test_the_influxctl_road_named_over_http_is_the_release_that_lists_tables():
    """Release notes v2.10.2: "Add new table management commands: table list, table delete": the sentences HTTP's
    refresh and import say name the release the influxctl client requires (clients/influxctl/version.py)."""
    since = ".".join(map(str, TABLE_LIST_SINCE))
    assert f"(influxctl {since} or later)" in lifecycle.OVER_INFLUXCTL


def test_a_transport_that_lists_reads_and_imports_through_the_seam():
    """admin/tables/list.md: `influxctl table list DATABASE` lists a database's tables: a client with that capability
    refreshes (a table gone: None, the next up makes it) and imports by <database>/<table>."""
    cluster = ListingCluster()
    table_id, outputs = made(cluster)
    assert lifecycle.read(cluster, table_id, outputs) == (table_id, outputs)
    imported = lifecycle.import_token(cluster, "metrics/cpu")
    assert imported.inputs == {"database": "metrics", "name": "cpu", "partition_template": MONTHLY}
    cluster.tables.clear()
    assert lifecycle.read(cluster, table_id, outputs) is None
    with pytest.raises(AdoptionError, match="no such table"):
        lifecycle.import_token(cluster, "metrics/cpu")


def test_delete_acts_on_the_stored_names_and_a_gone_table_is_success():
    """DeleteClusterDatabaseTable: 204, or 404 when gone; the stored outputs name the table now, the id as made."""
    cluster = Cluster()
    lifecycle.delete(cluster, "metrics/cpu", olds(database="metrics-v2", name="cpu2"))
    assert cluster.calls == [("delete", "metrics-v2", "cpu2")]
    lifecycle.delete(cluster, "logs/app/errors", {})
    assert cluster.calls[-1] == ("delete", "logs/app", "errors")


def test_a_database_rename_names_the_tables_a_listing_transport_finds(capsys: pytest.CaptureFixture[str]):
    """admin/databases/rename.md: the renamed database keeps its data, so its tables go with it; a transport that can
    list them (admin/tables/list.md, `influxctl table list DATABASE`) lets the Database's preview name each."""
    cluster = ListingCluster()
    made(cluster)

    class NoTokens:
        def list(self) -> list[Any]:
            return []

    def clients(resource: Resource) -> Any:
        return cluster if resource is TABLE else NoTokens()

    database = {"name": "metrics", "max_tables": 500, "max_columns_per_table": 250, "retention_period_ns": 0}
    database_lifecycle.diff(database, {**database, "name": "metrics-v2"}, "metrics", None, clients)
    assert (
        "Database: rename: the tables of database 'metrics' move with it to 'metrics-v2' and keep their data (a Table "
        "whose database_resource_id is this Database's id follows in place): 'cpu'.\n"
    ) in capsys.readouterr().err
